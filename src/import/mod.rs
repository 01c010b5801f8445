//! `sotay import list`: a record stub for each procedure of the national portal's
//! list export that the handbook does not have yet. A stub holds what the list says
//! (code, title, field, agencies) and `incomplete: true`, so it builds into a page
//! that says plainly the details are not published yet. Existing records are never
//! touched: importing the same list twice changes nothing.

mod list;
pub(crate) mod table;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Text};
use crate::layout::{CONFIG_FILE, PROCEDURES_DIR};
use crate::text::slugify;
use crate::tr;
pub use list::{Listed, cell_ref, clean, normalise_code};
use list::{Problem, ProblemKind};
pub use table::{Table, column_name};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}: sotay reads .xlsx, .xls, .ods and .csv files")]
    Kind(PathBuf),
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("{path} has no rows")]
    Empty {
        path: PathBuf,
        sheet: Option<String>,
    },
}

impl ImportError {
    pub(crate) fn diagnostic(&self) -> Diagnostic {
        match self {
            ImportError::Kind(path) => Diagnostic::error(
                path,
                tr!(
                    "sotay reads spreadsheets (.xlsx, .xls, .ods) and .csv files",
                    "sotay đọc bảng tính (.xlsx, .xls, .ods) và tệp .csv"
                ),
            )
            .help(tr!(
                "export the list from the portal as Excel, or save the table as CSV (UTF-8)",
                "xuất danh sách từ Cổng dưới dạng Excel, hoặc lưu bảng thành CSV (UTF-8)"
            )),
            ImportError::Unreadable { path, reason } => Diagnostic::error(
                path,
                tr!(
                    "cannot read this file: {reason}",
                    "không đọc được tệp này: {reason}"
                ),
            )
            .help(tr!(
                "open it in a spreadsheet program and save it again as .xlsx or CSV (UTF-8)",
                "mở tệp bằng chương trình bảng tính rồi lưu lại dạng .xlsx hoặc CSV (UTF-8)"
            )),
            ImportError::Empty { path, sheet } => {
                let sheet = sheet.clone().unwrap_or_default();
                Diagnostic::error(
                    path,
                    tr!(
                        "the sheet {sheet} has no rows",
                        "trang tính {sheet} không có dòng nào"
                    ),
                )
                .help(tr!(
                    "the list must be the file's first sheet",
                    "danh sách phải nằm ở trang tính đầu tiên của tệp"
                ))
            }
        }
    }
}

/// What an import did (or, with `dry_run`, would do).
#[derive(Debug, Default)]
pub struct ImportReport {
    /// New stubs, relative to the handbook's root, and the procedure each holds.
    pub created: Vec<(PathBuf, Listed)>,
    /// Procedures of the list the handbook has, with the record that has them.
    pub existing: Vec<(PathBuf, Listed)>,
    /// Records of the handbook whose code the list does not have: repealed, perhaps,
    /// or from another agency's list.
    pub not_in_list: Vec<(PathBuf, String)>,
    /// Rows that could not be imported, and how the file was read.
    pub warnings: Diagnostics,
}

/// Imports the list at `file` into the handbook at `root`.
pub fn import_list(root: &Path, file: &Path, dry_run: bool) -> Result<ImportReport, Diagnostics> {
    let one = |d: Diagnostic| {
        let mut all = Diagnostics::default();
        all.push(d);
        all
    };
    if !root.join(CONFIG_FILE).is_file() {
        let root = root.display().to_string();
        return Err(one(Diagnostic::error(
            CONFIG_FILE,
            tr!(
                "{root} is not a handbook folder: it has no sotay.yaml; nothing was written",
                "{root} không phải thư mục sổ tay: không có tệp sotay.yaml; chưa ghi gì cả"
            ),
        )
        .help(tr!(
            "run sotay import in the handbook's folder, or pass `--root <folder>`",
            "chạy sotay import trong thư mục sổ tay, hoặc thêm `--root <thư mục>`"
        ))));
    }
    let table = table::read(file).map_err(|e| one(e.diagnostic()))?;
    if table
        .rows
        .iter()
        .all(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        let error = ImportError::Empty {
            path: file.to_path_buf(),
            sheet: table.sheet.clone(),
        };
        return Err(one(error.diagnostic()));
    }
    let (listed, problems) = list::parse(&table);
    let sheet = table.sheet.as_deref();
    let mut report = ImportReport::default();
    let mut errors = Diagnostics::default();
    for problem in &problems {
        let diagnostic = problem_diagnostic(file, sheet, problem);
        match problem.kind {
            ProblemKind::NoHeader | ProblemKind::MissingColumn(_) => errors.push(diagnostic),
            _ => report.warnings.push(diagnostic),
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    if table.legacy_encoding {
        report.warnings.push(table::legacy_warning(file));
    }

    let have = existing_codes(root);
    let listed_codes: std::collections::HashSet<String> =
        listed.iter().map(|l| l.code.to_lowercase()).collect();
    let mut taken: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    let source = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for entry in listed {
        if let Some(path) = have.get(&entry.code.to_lowercase()) {
            report.existing.push((path.clone(), entry));
            continue;
        }
        let path = free_name(root, &entry, &mut taken);
        if !dry_run {
            write_new(&root.join(&path), &stub(&entry, &source, sheet)).map_err(|e| {
                one(Diagnostic::error(
                    &path,
                    tr!("cannot write: {}", "không ghi được: {}"; Text::of_system(&e)),
                ))
            })?;
        }
        report.created.push((path, entry));
    }
    let mut not_in_list: Vec<(PathBuf, String)> = have
        .into_iter()
        .filter(|(code, _)| !listed_codes.contains(code))
        .map(|(code, path)| (path, code))
        .collect();
    not_in_list.sort();
    report.not_in_list = not_in_list;
    Ok(report)
}

fn problem_diagnostic(file: &Path, sheet: Option<&str>, problem: &Problem) -> Diagnostic {
    let at = cell_ref(sheet, problem.row, problem.column);
    let (message, help) = match &problem.kind {
        ProblemKind::NoHeader => (
            tr!(
                "no row names the columns Mã số and Tên in the first 30 rows",
                "không có dòng nào ghi tên cột Mã số và Tên trong 30 dòng đầu"
            ),
            tr!(
                "is this the portal's \"DANH SÁCH THỦ TỤC HÀNH CHÍNH\" export? The header row names the columns Mã số, Tên, Cơ quan thực hiện, Lĩnh vực",
                "đây có phải tệp \"DANH SÁCH THỦ TỤC HÀNH CHÍNH\" xuất từ Cổng không? Dòng tiêu đề ghi tên các cột Mã số, Tên, Cơ quan thực hiện, Lĩnh vực"
            ),
        ),
        ProblemKind::MissingColumn(name) => (
            tr!(
                "the header row ({at}) has no column {name}",
                "dòng tiêu đề ({at}) không có cột {name}"
            ),
            tr!(
                "add the column {name}, or export the list again from the portal",
                "thêm cột {name}, hoặc xuất lại danh sách từ Cổng"
            ),
        ),
        ProblemKind::BadCode(code) => (
            tr!(
                "{at}: `{code}` is not a procedure code; the row was skipped",
                "{at}: `{code}` không phải mã thủ tục; dòng này bị bỏ qua"
            ),
            tr!(
                "write the code as published, such as 1.000689",
                "ghi mã đúng như đã công bố, ví dụ 1.000689"
            ),
        ),
        ProblemKind::EmptyCell(name) => (
            tr!(
                "{at}: the {name} cell is empty; the row was skipped",
                "{at}: ô {name} để trống; dòng này bị bỏ qua"
            ),
            tr!(
                "fill in the cell and import again",
                "điền ô này rồi nhập lại"
            ),
        ),
        ProblemKind::Conflict { code, first_row } => (
            tr!(
                "{at}: the code {code} is on row {first_row} with another title; this row was skipped",
                "{at}: mã {code} đã có ở dòng {first_row} với tên khác; dòng này bị bỏ qua"
            ),
            tr!(
                "check which title is right; the record keeps the first",
                "kiểm tra tên nào đúng; hồ sơ giữ tên ở dòng đầu"
            ),
        ),
    };
    let severity_error = matches!(
        problem.kind,
        ProblemKind::NoHeader | ProblemKind::MissingColumn(_)
    );
    let diagnostic = if severity_error {
        Diagnostic::error(file, message)
    } else {
        Diagnostic::warning(file, message)
    };
    let diagnostic = diagnostic.help(help);
    if at.is_empty() {
        diagnostic
    } else {
        diagnostic.field(at)
    }
}

/// Codes of the handbook's records → their file, read from each file's top-level
/// `code:` line, so a record that does not decode still counts as existing.
fn existing_codes(root: &Path) -> HashMap<String, PathBuf> {
    let mut codes = HashMap::new();
    let dir = root.join(PROCEDURES_DIR);
    for entry in walkdir::WalkDir::new(&dir).into_iter().flatten() {
        let path = entry.path();
        let is_record = path
            .extension()
            .is_some_and(|e| e == "md" || e == "yaml" || e == "yml");
        if !entry.file_type().is_file() || !is_record {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let code = text.lines().find_map(|line| {
            let value = line.strip_prefix("code:")?;
            let value = value.split(" #").next()?.trim();
            let value = value.trim_matches(|c| c == '"' || c == '\'');
            normalise_code(value)
        });
        if let Some(code) = code {
            let relative = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            codes.entry(code.to_lowercase()).or_insert(relative);
        }
    }
    codes
}

/// `content/procedures/1-000689-dang-ky-khai-sinh.md`, the way the shared records
/// are named; a number is added when the name is taken.
fn free_name(
    root: &Path,
    entry: &Listed,
    taken: &mut std::collections::HashSet<PathBuf>,
) -> PathBuf {
    let mut words = String::new();
    for word in slugify(&entry.title).split('-') {
        if !words.is_empty() && words.len() + word.len() >= 46 {
            break;
        }
        if !words.is_empty() {
            words.push('-');
        }
        words.push_str(word);
    }
    let stem = format!("{}-{words}", slugify(&entry.code));
    let dir = Path::new(PROCEDURES_DIR);
    let mut n = 1;
    loop {
        let name = if n == 1 {
            format!("{stem}.md")
        } else {
            format!("{stem}-{n}.md")
        };
        let path = dir.join(name);
        if !root.join(&path).exists() && taken.insert(path.clone()) {
            return path;
        }
        n += 1;
    }
}

/// A YAML double-quoted string (JSON's string syntax is valid YAML).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("strings always serialise")
}

/// The record text of a procedure known only from the list.
fn stub(entry: &Listed, source: &str, sheet: Option<&str>) -> String {
    let at = match sheet {
        Some(sheet) => format!("trang tính \"{sheet}\", dòng {}", entry.row),
        None => format!("dòng {}", entry.row),
    };
    let mut text = format!(
        "---\n\
         # Nhập từ danh sách thủ tục của Cổng Dịch vụ công quốc gia ({source}, {at}).\n\
         # Chưa đủ thông tin: trang của thủ tục báo cho người dân rằng chi tiết chưa được công bố.\n\
         # Bổ sung cấp thực hiện (levels), cách nộp, thời hạn và phí (channels), thành phần hồ sơ\n\
         # (documents), rồi xóa dòng `incomplete: true`.\n\
         code: {}\n\
         title: {}\n\
         field: {}\n",
        quoted(&entry.code),
        quoted(&entry.title),
        quoted(&entry.field),
    );
    if !entry.agencies.is_empty() {
        text.push_str(&format!("agency: {}\n", quoted(&entry.agencies.join("; "))));
    }
    text.push_str("incomplete: true\n");
    if let Some(issuer) = &entry.issuer {
        text.push_str(&format!("extra:\n  co_quan_ban_hanh: {}\n", quoted(issuer)));
    }
    text.push_str("---\n");
    text
}

/// Writes a new file; refuses, atomically, to replace one.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}
