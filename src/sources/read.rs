//! Reading the handbook's files from disk into text, each problem a diagnostic that
//! names the file: unreadable, too large, not UTF-8, a link leading out of the site.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Position, Text};
use crate::layout::{self, is_hidden, is_record_file, relative};
use crate::sources::text::{ReadError, Unusual, read_text, unusual_characters, without_controls};
use crate::tr;

/// Record files under the procedures folder, sorted, with problems such as symlinks
/// that leave the site. A missing folder is an error: a handbook without records.
pub fn discover_records(root: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let dir = root.join(layout::PROCEDURES_DIR);
    if !dir.is_dir() {
        let missing = Diagnostic::error(
            layout::PROCEDURES_DIR,
            tr!("there is no procedures folder", "chưa có thư mục thủ tục"),
        )
        .help(tr!(
            "put procedure records in content/procedures/, or run `sotay new \"Tên thủ tục\"`",
            "đặt các tệp thủ tục vào content/procedures/, hoặc chạy `sotay new \"Tên thủ tục\"`"
        ));
        return (Vec::new(), vec![missing]);
    }
    let mut leaving_links = Vec::new();
    let mut unreadable = Vec::new();
    let mut files = Vec::new();
    let site = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walker = WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if is_hidden(entry.file_name()) && entry.depth() > 0 {
                return false;
            }
            if entry.path_is_symlink() && !stays_inside(entry.path(), &site) {
                leaving_links.push(relative(root, entry.path()));
                return false;
            }
            true
        });
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_record_file(entry.path()) => {
                files.push(entry.into_path());
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().map(|p| relative(root, p)).unwrap_or_default();
                // walkdir's own message repeats the path the diagnostic already names.
                let reason = e
                    .io_error()
                    .map_or_else(|| Text::same(e.to_string()), Text::of_system);
                unreadable.push(
                    Diagnostic::error(
                        path,
                        tr!(
                            "cannot read this folder entry: {}",
                            "không đọc được mục này trong thư mục: {}";
                            reason
                        ),
                    )
                    .help(tr!(
                        "check that the folder exists and can be read",
                        "kiểm tra thư mục có tồn tại và có quyền đọc"
                    )),
                );
            }
        }
    }
    let mut diagnostics: Vec<Diagnostic> = leaving_links.into_iter().map(leaves_site).collect();
    diagnostics.extend(unreadable);
    (files, diagnostics)
}

/// A link whose target is outside the handbook folder: never read, never published.
pub fn leaves_site(link: PathBuf) -> Diagnostic {
    Diagnostic::error(
        link,
        tr!(
            "this symlink (or a linked folder above it) leads outside the site folder; it was not read",
            "liên kết tượng trưng này (hoặc thư mục liên kết chứa nó) trỏ ra ngoài thư mục sổ tay; sotay không đọc nó"
        ),
    )
    .help(tr!(
        "copy the file into the site instead; sotay only publishes what is inside the site folder",
        "hãy chép tệp vào trong thư mục sổ tay; sotay chỉ xuất bản những gì nằm trong đó"
    ))
}

fn stays_inside(path: &Path, site: &Path) -> bool {
    path.canonicalize()
        .is_ok_and(|target| target.starts_with(site))
}

/// The text of `path` (relative to `root`), or the diagnostic saying why not. A
/// file that resolves outside the site is never opened, so no message can show it.
pub fn text(root: &Path, path: &Path) -> Result<String, Box<Diagnostic>> {
    let full = root.join(path);
    if full.exists() && !layout::resolves_inside(root, &full) {
        return Err(Box::new(leaves_site(path.to_path_buf())));
    }
    read_text(&full).map_err(|error| Box::new(read_error(&full, path, error)))
}

/// The bytes of `path` (relative to `root`), for spreadsheets; the same rule as
/// [`text`] for files resolving outside the site.
pub fn bytes(root: &Path, path: &Path) -> Result<Vec<u8>, Box<Diagnostic>> {
    let full = root.join(path);
    if full.exists() && !layout::resolves_inside(root, &full) {
        return Err(Box::new(leaves_site(path.to_path_buf())));
    }
    std::fs::read(&full).map_err(|e| {
        Box::new(Diagnostic::error(
            path,
            tr!("cannot read: {}", "không đọc được: {}"; Text::of_system(&e)),
        ))
    })
}

/// The text to decode and the problems of its characters (see [`characters`]).
pub fn checked(path: &Path, text: String) -> (String, Vec<Diagnostic>) {
    let problems = characters(path, &text);
    (without_controls(text), problems)
}

/// Characters that hide or reorder what a page shows are errors; invisible marks
/// are warnings. Each is placed at its line and column.
fn characters(path: &Path, text: &str) -> Vec<Diagnostic> {
    unusual_characters(text)
        .into_iter()
        .map(|(line, range, kind)| {
            let source_line = text.split('\n').nth(line - 1).unwrap_or_default();
            let position = Some(Position::in_line(line, source_line, range));
            let (Unusual::Forbidden(c) | Unusual::Invisible(c)) = kind;
            let code = format!("U+{:04X}", c as u32);
            let diagnostic = match kind {
                Unusual::Forbidden(_) => Diagnostic::error(
                    path,
                    tr!(
                        "the text holds the control character {code}, which can hide or reorder what the page shows",
                        "văn bản có ký tự điều khiển {code}, có thể làm ẩn hoặc đảo thứ tự nội dung trên trang"
                    ),
                )
                .help(tr!(
                    "delete it (it is invisible: retype the words around it if need be)",
                    "xóa ký tự này (nó không hiện ra: nếu cần, hãy gõ lại các chữ quanh nó)"
                )),
                Unusual::Invisible(_) => Diagnostic::warning(
                    path,
                    tr!(
                        "the text holds the invisible character {code}, which Vietnamese text never needs",
                        "văn bản có ký tự ẩn {code}, tiếng Việt không cần ký tự này"
                    ),
                )
                .help(tr!(
                    "delete it; it often comes with text copied from a web page",
                    "hãy xóa; ký tự này thường đi theo khi chép chữ từ trang web"
                )),
            };
            diagnostic.at(position)
        })
        .collect()
}

/// A diagnostic for a file that could not be read as text.
fn read_error(path: &Path, shown: &Path, error: ReadError) -> Diagnostic {
    let position = match &error {
        ReadError::NotUtf8 { line, column } => std::fs::read(path)
            .ok()
            .and_then(|bytes| Position::at_char(&String::from_utf8_lossy(&bytes), *line, *column)),
        _ => None,
    };
    Diagnostic::error(shown, error.text())
        .at(position)
        .help(error.help())
}

/// The free pages' files, sorted.
pub fn page_files(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root.join(layout::PAGES_DIR)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| relative(root, &p))
        .collect();
    files.sort();
    files
}
