//! Writing the built site safely: into a staging folder beside the output, swapped in
//! only when everything succeeded, and never over a folder sotay did not create.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::assemble::Files;
use crate::diagnostics::Diagnostic;
use crate::layout::{OUTPUT_MARKER as MARKER, SOURCE_DIRS};
use crate::tr;

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
    #[error("the output {0} starts with `~`, which only a shell expands")]
    Tilde(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl OutputError {
    /// Output problems name the output folder (or the file that failed).
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            OutputError::Overlaps {
                output,
                relation,
                what,
            } => {
                let relation_vi = if *relation == "lies inside" {
                    "nằm trong"
                } else {
                    "trùng hoặc chứa"
                };
                Diagnostic::error(
                    output,
                    tr!(
                        "the output folder {relation} {what}; sotay would overwrite your sources",
                        "thư mục xuất {relation_vi} {what}; sotay sẽ ghi đè lên dữ liệu nguồn"
                    ),
                )
                .field("output")
                .help(tr!(
                    "set `output:` in sotay.yaml (or --output) to a folder of its own, such as public",
                    "đặt `output:` trong sotay.yaml (hoặc --output) là một thư mục riêng, ví dụ public"
                ))
            }
            OutputError::NotOurs(output) => Diagnostic::error(
                output,
                tr!(
                    "the output folder is not empty and was not made by sotay (no {MARKER} file in it); sotay will not replace it",
                    "thư mục xuất không trống và không do sotay tạo (không có tệp {MARKER}); sotay sẽ không thay thế nó"
                ),
            )
            .help(tr!(
                "choose an empty or new folder with --output, or empty this one yourself",
                "chọn một thư mục trống hoặc mới bằng --output, hoặc tự làm trống thư mục này"
            )),
            OutputError::Tilde(output) => Diagnostic::error(
                output,
                tr!(
                    "the output folder starts with `~`, which only a shell expands; sotay would make a folder named `~`",
                    "thư mục xuất bắt đầu bằng `~`, ký hiệu chỉ shell mới hiểu; sotay sẽ tạo ra một thư mục tên là `~`"
                ),
            )
            .help(tr!(
                "write the full path (e.g. /home/ten/public), or leave the `~` unquoted so the shell expands it",
                "viết đường dẫn đầy đủ (ví dụ /home/ten/public), hoặc bỏ dấu nháy quanh `~` để shell tự mở rộng"
            )),
            OutputError::Io { path, source } => {
                let reason = source.to_string();
                Diagnostic::error(
                    path,
                    tr!("cannot write: {reason}", "không ghi được: {reason}"),
                )
                .help(tr!(
                    "check the disk space and that this folder may be written; the previous site is left as it was",
                    "kiểm tra dung lượng đĩa và quyền ghi thư mục này; trang cũ vẫn được giữ nguyên"
                ))
            }
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
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
    // `--output '~/x'` reaches sotay unexpanded: a folder named `~` would appear.
    let tilde = |c: std::path::Component| c.as_os_str().to_string_lossy().starts_with('~');
    let relative_to_root = output.strip_prefix(root).unwrap_or(output);
    if relative_to_root.components().next().is_some_and(tilde)
        || output.components().any(|c| c.as_os_str() == "~")
    {
        return Err(OutputError::Tilde(output.to_path_buf()));
    }
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
    for source in SOURCE_DIRS {
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
pub fn write_site(output: &Path, files: &Files) -> Result<(), OutputError> {
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

fn write_all(staging: &Path, files: &Files) -> Result<(), OutputError> {
    if staging.exists() {
        std::fs::remove_dir_all(staging).map_err(io(staging))?;
    }
    std::fs::create_dir_all(staging).map_err(io(staging))?;
    let mut dirs: Vec<PathBuf> = files
        .keys()
        .filter_map(|path| Path::new(&**path).parent().map(|p| staging.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    // One folder per page: creating them is most of the write time on a real disk.
    dirs.par_iter()
        .try_for_each(|dir| std::fs::create_dir_all(dir).map_err(io(dir)))?;
    files.par_iter().try_for_each(|(path, bytes)| {
        let path = staging.join(&**path);
        std::fs::write(&path, bytes.as_slice()).map_err(io(&path))
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
