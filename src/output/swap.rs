//! The write itself: a staging folder filled beside the output, then swapped in as
//! the last step that can fail. On Linux the swap is one atomic exchange of the two
//! folders; elsewhere two renames, which a killed build may leave half done (the
//! next build restores the previous site, see [`super::leftovers`]).

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::leftovers::Names;
use super::{OutputError, absolute, io};
use crate::assemble::Files;
use crate::diagnostics::Diagnostic;
use crate::layout::OUTPUT_MARKER as MARKER;
use crate::tr;

/// Writes `files` into a staging folder next to `output`, then swaps it in. If
/// anything fails, the previous output is left exactly as it was. What it returns
/// are warnings about the previous copy, which could not be removed afterwards.
pub fn write_site(output: &Path, files: &Files) -> Result<Vec<Diagnostic>, OutputError> {
    let output = absolute(output);
    let names = Names::of(&output);
    std::fs::create_dir_all(names.parent()).map_err(io(names.parent()))?;
    // Refuse before writing anything: a folder that cannot be emptied would fail
    // after the new site is already in place.
    ensure_replaceable(&output)?;
    let staging = names.staging(std::process::id());
    let previous = output.is_dir().then_some(output.as_path());
    let swapped =
        write_all(&staging, files, previous).and_then(|()| swap(&staging, &output, &names));
    let old = match swapped {
        Ok(old) => old,
        Err(failed) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(failed);
        }
    };
    let Some(old) = old else {
        return Ok(Vec::new());
    };
    Ok(remove_tree(&old)
        .err()
        .map(|failed| not_removed(&old, &failed))
        .into_iter()
        .collect())
}

/// The new site is in place; only the previous copy is left behind.
fn not_removed(old: &Path, failed: &OutputError) -> Diagnostic {
    let reason = match failed {
        OutputError::Io { source, .. } => source.to_string(),
        other => other.to_string(),
    };
    Diagnostic::warning(
        old,
        tr!(
            "the site was built, but the previous copy could not be removed: {reason}",
            "trang đã được build, nhưng không xóa được bản cũ: {reason}"
        ),
    )
    .help(tr!(
        "the next build tries again; or delete this folder yourself",
        "lần build sau sẽ thử lại; hoặc tự xóa thư mục này"
    ))
}

/// Every folder of the previous output must be writable, or its files could not be
/// removed once the new site is in place.
fn ensure_replaceable(output: &Path) -> Result<(), OutputError> {
    if !output.is_dir() {
        return Ok(());
    }
    if let Some(parent) = output.parent()
        && !writable(parent)
    {
        return Err(OutputError::ReadOnly(parent.to_path_buf()));
    }
    for entry in walkdir::WalkDir::new(output) {
        let entry = entry.map_err(|e| io(output)(e.into()))?;
        if entry.file_type().is_dir() && !writable(entry.path()) {
            return Err(OutputError::ReadOnly(entry.into_path()));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn writable(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `path` is a valid NUL-terminated string for the duration of the call.
    unsafe { libc::access(path.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
}

#[cfg(not(unix))]
fn writable(dir: &Path) -> bool {
    std::fs::metadata(dir).is_ok_and(|m| !m.permissions().readonly())
}

/// Fills `staging` with `files`. A file whose bytes the previous output already holds
/// at the same path is linked to it, not written again: a rebuild after a small edit
/// writes only what changed, and unchanged files keep their dates (so browsers and
/// proxies keep what they cached). Where links cannot be made (FAT, say), it is written.
fn write_all(staging: &Path, files: &Files, previous: Option<&Path>) -> Result<(), OutputError> {
    if staging.exists() {
        std::fs::remove_dir_all(staging).map_err(io(staging))?;
    }
    std::fs::create_dir_all(staging).map_err(io(staging))?;
    // The marker goes first: a build killed while writing leaves a folder that the
    // next build can prove is its own.
    let marker = staging.join(MARKER);
    std::fs::write(
        &marker,
        "This folder is written by sotay build and replaced on every build.\n",
    )
    .map_err(io(&marker))?;
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
        let to = staging.join(&**path);
        if let Some(previous) = previous
            && link_if_same(&previous.join(&**path), bytes, &to)
        {
            return Ok(());
        }
        std::fs::write(&to, bytes.as_slice()).map_err(io(&to))
    })
}

/// Links `to` to `old` when `old` is a plain file holding exactly `bytes`. Checked
/// byte for byte, never trusted from dates or a list: a file changed by hand in the
/// output is written anew.
fn link_if_same(old: &Path, bytes: &[u8], to: &Path) -> bool {
    let same_size = std::fs::symlink_metadata(old)
        .is_ok_and(|m| m.file_type().is_file() && m.len() == bytes.len() as u64);
    same_size
        && std::fs::read(old).is_ok_and(|held| held == bytes)
        && std::fs::hard_link(old, to).is_ok()
}

/// Puts `staging` in place of `output` and returns where the previous output now
/// is, to be removed.
fn swap(staging: &Path, output: &Path, names: &Names) -> Result<Option<PathBuf>, OutputError> {
    if !output.exists() {
        std::fs::rename(staging, output).map_err(io(output))?;
        return Ok(None);
    }
    if exchange(staging, output).is_ok() {
        // The staging name now holds the previous site.
        return Ok(Some(staging.to_path_buf()));
    }
    let old = names.old(std::process::id());
    std::fs::rename(output, &old).map_err(io(output))?;
    if let Err(e) = std::fs::rename(staging, output) {
        // Put the previous site back before reporting.
        let _ = std::fs::rename(&old, output);
        return Err(io(output)(e));
    }
    Ok(Some(old))
}

/// Swaps two folders in one step, so `output` never goes missing.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes());
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths for the duration of the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Other systems (and file systems without the exchange) rename twice.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// `remove_dir_all`, with the top two levels of folders removed in parallel.
pub(super) fn remove_tree(dir: &Path) -> Result<(), OutputError> {
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
