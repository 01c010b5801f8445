//! Writing the built site safely: into a staging folder beside the output, swapped in
//! only when everything succeeded, and never over a folder sotay did not create.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// Left in every output folder sotay writes, so it knows the folder is its own to replace.
pub const MARKER: &str = ".sotay-output";

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("the output folder {output} {relation} {what}; sotay would overwrite your sources")]
    Overlaps {
        output: PathBuf,
        relation: &'static str,
        what: String,
    },
    #[error(
        "the output folder {0} is not empty and was not made by sotay (no {MARKER} file in it); sotay will not replace it"
    )]
    NotOurs(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A file of the built site, relative to the output folder.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Absolute form of a path that may not exist yet (`..` and `.` resolved by hand).
fn absolute(path: &Path) -> PathBuf {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    // Resolve symlinks for the part that exists, so a link cannot hide an overlap.
    let mut existing = path.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for part in rest.into_iter().rev() {
        if part == ".." {
            resolved.pop();
        } else if part != "." {
            resolved.push(part);
        }
    }
    resolved
}

/// Refuses outputs that are, contain or lie inside the sources, and folders sotay did not make.
pub fn check_output(root: &Path, output: &Path) -> Result<(), OutputError> {
    let out = absolute(output);
    let root = absolute(root);
    let overlap = |relation, what: String| {
        Err(OutputError::Overlaps {
            output: output.to_path_buf(),
            relation,
            what,
        })
    };
    if out == root || root.starts_with(&out) {
        return overlap("is or contains", "the site folder".into());
    }
    for source in ["content", "themes", "templates", "static"] {
        let dir = root.join(source);
        if out == dir || dir.starts_with(&out) {
            return overlap("is or contains", format!("{source}/"));
        }
        if out.starts_with(&dir) {
            return overlap("lies inside", format!("{source}/"));
        }
    }
    if out.is_file() {
        return Err(OutputError::NotOurs(output.to_path_buf()));
    }
    if out.is_dir() && !out.join(MARKER).is_file() {
        let empty = std::fs::read_dir(&out).map_err(io(&out))?.next().is_none();
        if !empty {
            return Err(OutputError::NotOurs(output.to_path_buf()));
        }
    }
    Ok(())
}

/// Writes `files` into a staging folder next to `output`, then swaps it in.
/// If anything fails, the previous output is left exactly as it was.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    let output = absolute(output);
    let parent = output.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let staging = parent.join(format!(".{name}.sotay-staging-{}", std::process::id()));
    let result = write_all(&staging, files).and_then(|()| swap(&staging, &output));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn write_all(staging: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    if staging.exists() {
        std::fs::remove_dir_all(staging).map_err(io(staging))?;
    }
    std::fs::create_dir_all(staging).map_err(io(staging))?;
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent().map(|p| staging.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    // One folder per page: creating them is most of the write time on a real disk.
    dirs.par_iter()
        .try_for_each(|dir| std::fs::create_dir_all(dir).map_err(io(dir)))?;
    files.par_iter().try_for_each(|file| {
        let path = staging.join(&file.path);
        std::fs::write(&path, &file.bytes).map_err(io(&path))
    })?;
    let marker = staging.join(MARKER);
    std::fs::write(
        &marker,
        "This folder is written by sotay build and replaced on every build.\n",
    )
    .map_err(io(&marker))
}

/// Puts `staging` in place of `output`. The old output is moved aside first and
/// removed only after the new one is in place.
fn swap(staging: &Path, output: &Path) -> Result<(), OutputError> {
    if !output.exists() {
        return std::fs::rename(staging, output).map_err(io(output));
    }
    let old = output.with_file_name(format!(
        ".{}.sotay-old-{}",
        output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    std::fs::rename(output, &old).map_err(io(output))?;
    if let Err(e) = std::fs::rename(staging, output) {
        // Put the previous site back before reporting.
        let _ = std::fs::rename(&old, output);
        return Err(io(output)(e));
    }
    remove_tree(&old)
}

/// `remove_dir_all`, with the top two levels of folders removed in parallel.
fn remove_tree(dir: &Path) -> Result<(), OutputError> {
    let mut subdirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.is_dir() && !path.is_symlink() {
            match std::fs::read_dir(&path) {
                Ok(children) => subdirs.extend(children.filter_map(|c| Some(c.ok()?.path()))),
                Err(e) => return Err(io(&path)(e)),
            }
        }
    }
    subdirs.par_iter().try_for_each(|path| {
        if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(path).map_err(io(path))
        } else {
            std::fs::remove_file(path).map_err(io(path))
        }
    })?;
    std::fs::remove_dir_all(dir).map_err(io(dir))
}
