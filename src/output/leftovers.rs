//! What a killed build leaves beside the output, and putting it right. Each build
//! names its folders `.public.sotay-staging-<pid>`, `.public.sotay-old-<pid>` and
//! `.public.sotay-pages-<pid>` (its scratch folder, [`super::Scratch`]); a
//! folder is provably ours when its process is gone and it holds the output
//! marker (written first) or nothing at all. An `old` folder is always a complete
//! site: it was the output before the swap. `.public.sotay-spare`, the copy before
//! the last, is no leftover: the next build updates it in place as its staging
//! folder ([`super::swap`]).

use std::path::{Path, PathBuf};

use super::swap::remove_tree;
use super::{OutputError, absolute};
use crate::diagnostics::{Diagnostic, Text};
use crate::layout::OUTPUT_MARKER as MARKER;
use crate::tr;

/// The names of the folders a build keeps beside `output`.
pub(super) struct Names {
    parent: PathBuf,
    /// `.public.sotay-`
    prefix: String,
}

const STAGING: &str = "staging-";
const OLD: &str = "old-";
const PAGES: &str = "pages-";
const SPARE: &str = "spare";

impl Names {
    pub(super) fn of(output: &Path) -> Names {
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Names {
            parent: output.parent().map(Path::to_path_buf).unwrap_or_default(),
            prefix: format!(".{name}.sotay-"),
        }
    }

    pub(super) fn parent(&self) -> &Path {
        &self.parent
    }

    pub(super) fn staging(&self, pid: u32) -> PathBuf {
        self.parent.join(format!("{}{STAGING}{pid}", self.prefix))
    }

    pub(super) fn old(&self, pid: u32) -> PathBuf {
        self.parent.join(format!("{}{OLD}{pid}", self.prefix))
    }

    pub(super) fn pages(&self, pid: u32) -> PathBuf {
        self.parent.join(format!("{}{PAGES}{pid}", self.prefix))
    }

    pub(super) fn spare(&self) -> PathBuf {
        self.parent.join(format!("{}{SPARE}", self.prefix))
    }

    /// Folders left by builds that are no longer running: (path, is an old site).
    fn left_by_dead_builds(&self) -> Vec<(PathBuf, bool)> {
        let Ok(entries) = std::fs::read_dir(&self.parent) else {
            return Vec::new();
        };
        let mut found: Vec<(PathBuf, bool)> = entries
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let name = entry.file_name().into_string().ok()?;
                let rest = name.strip_prefix(&self.prefix)?;
                let (old, pid) = match rest.strip_prefix(OLD) {
                    Some(pid) => (true, pid),
                    None => (
                        false,
                        rest.strip_prefix(STAGING).or(rest.strip_prefix(PAGES))?,
                    ),
                };
                let pid: u32 = pid.parse().ok()?;
                let path = entry.path();
                let ours = path.join(MARKER).is_file() || is_empty_dir(&path);
                (ours && !still_running(pid) && !path.is_symlink()).then_some((path, old))
            })
            .collect();
        found.sort();
        found
    }
}

fn is_empty_dir(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none())
}

#[cfg(unix)]
fn still_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only asks whether the process exists.
    let exists = unsafe { libc::kill(pid, 0) } == 0;
    exists || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Without a way to ask, every build may still be running: nothing is touched.
#[cfg(not(unix))]
fn still_running(_: u32) -> bool {
    true
}

/// Puts right what killed builds left beside `output`: restores the previous site
/// when the output is missing and a complete old copy is there, and removes the
/// rest. Returns what staff should know (a restored site, a folder it could not remove).
pub fn tidy(output: &Path) -> Vec<Diagnostic> {
    let output = absolute(output);
    let mut left = Names::of(&output).left_by_dead_builds();
    let mut said = Vec::new();
    if !output.exists()
        && let Some(at) = left.iter().rposition(|(_, old)| *old)
    {
        let (old, _) = left.remove(at);
        if std::fs::rename(&old, &output).is_ok() {
            said.push(
                Diagnostic::warning(
                    &output,
                    tr!(
                        "the last build was interrupted before it finished; the site before it was put back",
                        "lần build trước bị ngắt giữa chừng; trang trước đó đã được khôi phục"
                    ),
                )
                .help(tr!(
                    "nothing to do: this build replaces it as usual",
                    "không cần làm gì: lần build này sẽ thay trang như thường lệ"
                )),
            );
        }
    }
    for (path, _) in left {
        if let Err(OutputError::Io { source, .. }) = remove_tree(&path) {
            said.push(
                Diagnostic::warning(
                    &path,
                    tr!(
                        "a folder left by an interrupted build could not be removed: {}",
                        "không xóa được thư mục do một lần build bị ngắt để lại: {}";
                        Text::of_system(&source)
                    ),
                )
                .help(tr!("delete it yourself", "hãy tự xóa thư mục này")),
            );
        }
    }
    said
}
