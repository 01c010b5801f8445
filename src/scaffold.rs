//! `sotay new`: a commented record for staff to fill in.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::layout::PROCEDURES_DIR;
use crate::model::record::Date;
use crate::text::slugify;

#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error("the title has no letters or digits to make a file name from")]
    EmptySlug,
    #[error("{0} already exists; sotay will not overwrite it (edit it, or choose another title)")]
    Exists(PathBuf),
    #[error("{0} leads outside the handbook folder")]
    Outside(PathBuf),
    #[error("{0} is not a handbook folder: it has no sotay.yaml")]
    NotAHandbook(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ScaffoldError {
    pub fn diagnostic(&self) -> crate::diagnostics::Diagnostic {
        use crate::diagnostics::{Diagnostic, Text};
        use crate::tr;
        match self {
            ScaffoldError::EmptySlug => Diagnostic::error(
                PROCEDURES_DIR,
                tr!(
                    "the title has no letters or digits to make a file name from",
                    "tên thủ tục không có chữ hay số nào để đặt tên tệp"
                ),
            )
            .help(tr!(
                "give the procedure's title, e.g. `sotay new \"Đăng ký khai sinh\"`",
                "hãy ghi tên thủ tục, ví dụ `sotay new \"Đăng ký khai sinh\"`"
            )),
            ScaffoldError::Exists(path) => Diagnostic::error(
                path,
                tr!(
                    "this record already exists; sotay will not overwrite it",
                    "hồ sơ này đã có; sotay sẽ không ghi đè"
                ),
            )
            .help(tr!(
                "edit it, or choose another title",
                "hãy sửa tệp đó, hoặc chọn tên khác"
            )),
            ScaffoldError::Outside(path) => Diagnostic::error(
                path,
                tr!(
                    "this folder is a link that leads outside the handbook folder; sotay will not write there",
                    "thư mục này là liên kết trỏ ra ngoài thư mục sổ tay; sotay sẽ không ghi vào đó"
                ),
            )
            .help(tr!(
                "make content/procedures a real folder inside the handbook",
                "hãy để content/procedures là một thư mục thật bên trong sổ tay"
            )),
            ScaffoldError::NotAHandbook(root) => {
                let root = root.display().to_string();
                Diagnostic::error(
                    crate::layout::CONFIG_FILE,
                    tr!(
                        "{root} is not a handbook folder: it has no sotay.yaml; nothing was written",
                        "{root} không phải thư mục sổ tay: không có tệp sotay.yaml; chưa ghi gì cả"
                    ),
                )
                .help(tr!(
                    "run sotay new in the handbook's folder, or pass `--root <folder>`",
                    "chạy sotay new trong thư mục sổ tay, hoặc thêm `--root <thư mục>`"
                ))
            }
            ScaffoldError::Io { path, source } => {
                Diagnostic::error(
                    path,
                    tr!("cannot write: {}", "không ghi được: {}"; Text::of_system(source)),
                )
                .help(tr!(
                    "check that the folder may be written",
                    "kiểm tra quyền ghi của thư mục"
                ))
            }
        }
    }
}

/// Writes `content/procedures/<slug>.md` and returns its path. Never overwrites.
pub fn new_record(
    root: &Path,
    title: &str,
    field: Option<&str>,
    code: Option<&str>,
) -> Result<PathBuf, ScaffoldError> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(ScaffoldError::EmptySlug);
    }
    // A mistyped --root would otherwise create a stray folder tree.
    if !root.join(crate::layout::CONFIG_FILE).is_file() {
        return Err(ScaffoldError::NotAHandbook(root.to_path_buf()));
    }
    let dir = root.join(PROCEDURES_DIR);
    let path = dir.join(format!("{slug}.md"));
    let io = |source| ScaffoldError::Io {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    // The same rule as reading: nothing is written through a link out of the site.
    let inside = match (dir.canonicalize(), root.canonicalize()) {
        (Ok(dir), Ok(root)) => dir.starts_with(root),
        _ => false,
    };
    if !inside {
        return Err(ScaffoldError::Outside(PathBuf::from(PROCEDURES_DIR)));
    }
    // create_new refuses atomically, even if two people run `new` at once.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => ScaffoldError::Exists(path.clone()),
            _ => io(e),
        })?;
    let text = template(
        title.trim(),
        field.unwrap_or("Chưa phân loại"),
        code.unwrap_or(&slug),
    );
    file.write_all(text.as_bytes()).map_err(io)?;
    Ok(path)
}

/// A YAML double-quoted string (JSON's string syntax is valid YAML).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("strings always serialise")
}

fn template(title: &str, field: &str, code: &str) -> String {
    let today = Date::today();
    format!(
        r#"---
# Mã thủ tục: the code published in the national database (e.g. "1.001193"),
# in quotes. Until there is one, this record uses its file name.
code: {code}
title: {title}
# Lĩnh vực
field: {field}
# Cấp thực hiện: ministry, province, district, commune or other
levels: [commune]
# Đối tượng thực hiện: citizen, business, organisation, foreigner, …
audience: [citizen]
# Cơ quan thực hiện
agency: "Ủy ban nhân dân cấp xã"
# Mức độ dịch vụ công trực tuyến: full (toàn trình), partial (một phần) or none.
# For full or partial, add portal_url: the page where citizens submit online.
online: none
# Cách thức thực hiện: one entry per way to submit (in_person, online, post), e.g.
#   - via: in_person
#     time: "5 ngày làm việc"    # Thời hạn giải quyết
#     fee: "50.000 đồng"         # Phí, lệ phí ("Miễn phí", 0, "50.000 đồng")
channels: []
# Thành phần hồ sơ, e.g.
#   - name: "Tờ khai theo mẫu"
#     originals: 1               # Bản chính
#     copies: 0                  # Bản sao
documents: []
# Kết quả thực hiện, e.g. ["Giấy chứng nhận …"]
results: []
# Căn cứ pháp lý, e.g. [{{title: "Luật Hộ tịch", code: "60/2014/QH13"}}]
legal_basis: []
updated: {today}
# When you change a fee, a time or the documents, the changes page (thay-doi/) says so
# by itself; add change_note: "…" to say why, in your words.
---
# {heading}

## Trình tự thực hiện

"#,
        code = quoted(code),
        title = quoted(title),
        field = quoted(field),
        today = today.iso(),
        heading = title,
    )
}
