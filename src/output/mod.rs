//! Writing the built site safely: into a staging folder beside the output, swapped in
//! only when everything succeeded, and never over a folder sotay did not create.
//! A reader sees one whole build, old or new, even after `kill -9` at any moment.

mod bundle;
mod leftovers;
mod scratch;
mod swap;

use std::path::{Path, PathBuf};

pub use bundle::write_zip;
pub use leftovers::tidy;
pub use scratch::Scratch;
pub use swap::{Spare, check_replaceable, write_site};

use crate::diagnostics::{Diagnostic, Text};
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
    #[error("{0} cannot be changed, so the previous site could not be replaced")]
    ReadOnly(PathBuf),
    #[error("the zip {0} would be inside the output folder, which each build replaces")]
    ZipInOutput(PathBuf),
    #[error("cannot write the zip {path}: {source}")]
    Zip {
        path: PathBuf,
        source: std::io::Error,
    },
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
            OutputError::ReadOnly(folder) => Diagnostic::error(
                folder,
                tr!(
                    "this folder of the previous site cannot be changed (read-only), so sotay could not replace the site; nothing was changed",
                    "thư mục này của trang cũ không sửa được (chỉ đọc) nên sotay không thể thay trang; chưa có gì bị thay đổi"
                ),
            )
            .help(tr!(
                "make it writable (for example `chmod -R u+w` on the output folder) and build again",
                "cho phép ghi thư mục này (ví dụ `chmod -R u+w` trên thư mục xuất) rồi build lại"
            )),
            OutputError::ZipInOutput(file) => Diagnostic::error(
                file,
                tr!(
                    "the zip would be inside the output folder, which each build replaces",
                    "tệp zip sẽ nằm trong thư mục xuất, thư mục bị thay mới mỗi lần build"
                ),
            )
            .help(tr!(
                "write it beside the output folder, for example `--zip so-tay.zip`",
                "ghi nó bên cạnh thư mục xuất, ví dụ `--zip so-tay.zip`"
            )),
            OutputError::Zip { path, source } => {
                Diagnostic::error(
                    path,
                    tr!(
                        "cannot write the zip: {}",
                        "không ghi được tệp zip: {}";
                        Text::of_system(source)
                    ),
                )
                .help(tr!(
                    "check the disk space and that this folder may be written, then build again",
                    "kiểm tra dung lượng đĩa và quyền ghi thư mục này rồi build lại"
                ))
            }
            OutputError::Io { path, source } => {
                Diagnostic::error(
                    path,
                    tr!("cannot write: {}", "không ghi được: {}"; Text::of_system(source)),
                )
                .help(tr!(
                    "check the disk space and that this folder may be written; the previous site is left as it was",
                    "kiểm tra dung lượng đĩa và quyền ghi thư mục này; trang cũ vẫn được giữ nguyên"
                ))
            }
        }
    }
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Absolute form of a path that may not exist yet (`..` and `.` resolved by hand).
pub(crate) fn absolute(path: &Path) -> PathBuf {
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
