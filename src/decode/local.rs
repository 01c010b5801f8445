//! Decoding the local table (`content/local.csv` or `.xlsx`) into a [`LocalTable`]:
//! a header row naming the columns, then one row per procedure code. Every problem
//! names the file, row and column.

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Text};
use crate::import::{Table, cell_ref, clean, normalise_code};
use crate::model::keyword::Keyword;
use crate::model::local::{Cell, LocalRow, LocalTable};
use crate::model::record::{Code, OnlineLevel, StatusKind};
use crate::text::fold;
use crate::tr;

/// The columns sotay reads, by the folded names staff give them. Others (a title,
/// a row number) are left for the people reading the table.
const CODE: &[&str] = &["ma so", "ma thu tuc", "ma tthc", "ma", "code"];
const ONLINE: &[&str] = &[
    "muc do",
    "muc do truc tuyen",
    "muc do dvc",
    "muc do dich vu cong truc tuyen",
    "dich vu cong truc tuyen",
    "dvc truc tuyen",
    "truc tuyen",
    "online",
];
const PORTAL_URL: &[&str] = &[
    "duong dan",
    "duong dan nop truc tuyen",
    "lien ket",
    "lien ket nop truc tuyen",
    "link",
    "url",
    "portal url",
    "portal_url",
];
const OFFICES: &[&str] = &["noi nop", "noi tiep nhan", "co quan tiep nhan", "offices"];
const STATUS: &[&str] = &["trang thai", "hieu luc", "status"];
const NOTE: &[&str] = &["ghi chu", "luu y", "note"];

pub fn decode_local(path: &Path, bytes: Vec<u8>) -> (Option<LocalTable>, Vec<Diagnostic>) {
    let table = match crate::import::table::parse(path, bytes) {
        Ok(table) => table,
        Err(error) => return (None, vec![error.diagnostic()]),
    };
    let mut d = Problems {
        path,
        sheet: table.sheet.clone(),
        found: Vec::new(),
    };
    if table.legacy_encoding {
        d.found.push(crate::import::table::legacy_warning(path));
    }
    let rows = rows(&mut d, &table);
    let local = LocalTable {
        file: path.to_path_buf(),
        sheet: table.sheet,
        rows,
    };
    (Some(local), d.found)
}

struct Problems<'a> {
    path: &'a Path,
    sheet: Option<String>,
    found: Vec<Diagnostic>,
}

impl Problems<'_> {
    fn error(&mut self, row: usize, column: Option<usize>, message: Text, help: Text) {
        let at = cell_ref(self.sheet.as_deref(), Some(row), column);
        self.found
            .push(Diagnostic::error(self.path, message).field(at).help(help));
    }
}

fn rows(d: &mut Problems, table: &Table) -> Vec<LocalRow> {
    let columns = [CODE, ONLINE, PORTAL_URL, OFFICES, STATUS, NOTE];
    let header = table.header(columns, |found| found[0].is_some());
    let Some((header, [Some(code_col), online, portal, offices, status, note])) = header else {
        let path = d.path.display().to_string();
        d.found.push(
            Diagnostic::error(
                d.path,
                tr!(
                    "{path} has no header row with a code column (Mã số) in its first 30 rows",
                    "{path} không có dòng tiêu đề với cột mã (Mã số) trong 30 dòng đầu"
                ),
            )
            .help(tr!(
                "the first row names the columns: Mã số, Mức độ, Đường dẫn, Nơi nộp, Trạng thái, Ghi chú",
                "dòng đầu ghi tên các cột: Mã số, Mức độ, Đường dẫn, Nơi nộp, Trạng thái, Ghi chú"
            )),
        );
        return Vec::new();
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, cells) in table.rows.iter().enumerate().skip(header + 1) {
        let row = i + 1;
        let cell = |column: Option<usize>| -> Option<(String, usize)> {
            let c = column?;
            let text = cells.get(c)?.trim();
            (!text.is_empty()).then(|| (text.to_string(), c))
        };
        let Some((raw, _)) = cell(Some(code_col)) else {
            continue; // a blank line
        };
        let Some(code) = normalise_code(&raw) else {
            d.error(
                row,
                Some(code_col),
                tr!(
                    "`{raw}` is not a procedure code",
                    "`{raw}` không phải mã thủ tục"
                ),
                tr!(
                    "write the code as published, such as 1.000689",
                    "ghi mã đúng như đã công bố, ví dụ 1.000689"
                ),
            );
            continue;
        };
        if let Some(first) = seen.insert(code.to_lowercase(), row) {
            d.error(
                row,
                Some(code_col),
                tr!(
                    "the code {code} is already on row {first}",
                    "mã {code} đã có ở dòng {first}"
                ),
                tr!("keep one row per procedure", "mỗi thủ tục chỉ một dòng"),
            );
            continue;
        }
        out.push(LocalRow {
            row,
            code: Code::new(code),
            online: cell(online).and_then(|(t, c)| online_level(d, row, c, &t)),
            portal_url: cell(portal).and_then(|(t, c)| url(d, row, c, &t)),
            offices: cell(offices).map(|(t, c)| Cell {
                value: t
                    .split([',', ';', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                column: c,
            }),
            status: cell(status).and_then(|(t, c)| status_kind(d, row, c, &t)),
            note: cell(note).map(|(t, c)| Cell {
                value: clean(&t),
                column: c,
            }),
        });
    }
    out
}

/// The level as provinces write it: "toàn trình", "một phần", "mức độ 4", "mức độ 3",
/// "full", "partial", or the bare digit.
fn online_level(
    d: &mut Problems,
    row: usize,
    column: usize,
    text: &str,
) -> Option<Cell<OnlineLevel>> {
    let folded = fold(text);
    let folded = folded.trim_end_matches('.');
    let level = match folded.trim_start_matches("muc do").trim() {
        "toan trinh" | "full" | "4" => Some(OnlineLevel::Full),
        "mot phan" | "partial" | "3" => Some(OnlineLevel::Partial),
        "khong" | "none" | "truc tiep" | "2" | "1" => Some(OnlineLevel::None),
        "chua cong bo" | "unstated" => Some(OnlineLevel::Unstated),
        _ => None,
    };
    if level.is_none() {
        d.error(
            row,
            Some(column),
            tr!(
                "`{text}` is not an online level",
                "`{text}` không phải mức độ trực tuyến"
            ),
            tr!(
                "write toàn trình (or mức độ 4), một phần (or mức độ 3), or không",
                "viết toàn trình (hoặc mức độ 4), một phần (hoặc mức độ 3), hoặc không"
            ),
        );
    }
    level.map(|value| Cell { value, column })
}

fn url(d: &mut Problems, row: usize, column: usize, text: &str) -> Option<Cell<String>> {
    let ok = text.starts_with("https://") && !text.contains(char::is_whitespace);
    if !ok {
        d.error(
            row,
            Some(column),
            tr!(
                "`{text}` is not an https:// address",
                "`{text}` không phải địa chỉ https://"
            ),
            tr!(
                "copy the address of the submission page from the browser",
                "sao chép địa chỉ trang nộp hồ sơ từ trình duyệt"
            ),
        );
        return None;
    }
    Some(Cell {
        value: text.to_string(),
        column,
    })
}

fn status_kind(
    d: &mut Problems,
    row: usize,
    column: usize,
    text: &str,
) -> Option<Cell<StatusKind>> {
    match StatusKind::parse(text) {
        Some(StatusKind::Replaced) | None => {
            d.error(
                row,
                Some(column),
                tr!(
                    "`{text}` is not a status the table can set",
                    "`{text}` không phải trạng thái bảng này đặt được"
                ),
                tr!(
                    "write còn hiệu lực or bãi bỏ; a replaced procedure is marked in its record, with `replaced_by`",
                    "viết còn hiệu lực hoặc bãi bỏ; thủ tục được thay thế ghi trong hồ sơ của nó, kèm `replaced_by`"
                ),
            );
            None
        }
        Some(kind) => Some(Cell {
            value: kind,
            column,
        }),
    }
}
