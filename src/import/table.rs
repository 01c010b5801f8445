//! A spreadsheet as rows of text: the first sheet of an .xlsx (or .xls, .ods) file,
//! or a CSV file in UTF-8 (with or without a byte-order mark) or Windows-1258, the
//! Vietnamese code page older Windows programs still write.

use std::path::Path;

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};

use super::ImportError;

/// The cells of one sheet, as text; `rows[0]` is the sheet's first row.
#[derive(Debug)]
pub struct Table {
    /// The sheet's name; `None` for CSV.
    pub sheet: Option<String>,
    pub rows: Vec<Vec<String>>,
    /// Set when the file was not UTF-8 and was read as Windows-1258.
    pub legacy_encoding: bool,
}

/// How far down a title block above the header row may go.
pub const HEADER_SEARCH: usize = 30;

impl Table {
    /// The header row and where each column is in it: the first row among the first
    /// `HEADER_SEARCH` whose cells name every column `required` says, a column
    /// being named by any of its folded names ("Mã số:" reads as "ma so").
    pub fn header<const N: usize>(
        &self,
        columns: [&[&str]; N],
        required: impl Fn(&[Option<usize>; N]) -> bool,
    ) -> Option<(usize, [Option<usize>; N])> {
        self.rows
            .iter()
            .take(HEADER_SEARCH)
            .enumerate()
            .find_map(|(i, cells)| {
                let folded: Vec<String> = cells
                    .iter()
                    .map(|c| crate::text::fold(&super::clean(c)))
                    .collect();
                let found = columns.map(|names| {
                    folded
                        .iter()
                        .position(|c| names.contains(&c.trim_end_matches(['.', ':'])))
                });
                required(&found).then_some((i, found))
            })
    }
}

pub fn read(path: &Path) -> Result<Table, ImportError> {
    let bytes = std::fs::read(path).map_err(|e| ImportError::Unreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    parse(path, bytes)
}

/// The table in `bytes`, read as the extension of `path` says.
pub fn parse(path: &Path, bytes: Vec<u8>) -> Result<Table, ImportError> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "csv" => parse_csv(path, &bytes),
        "xlsx" | "xlsm" | "xls" | "ods" => parse_sheet(path, bytes),
        _ => Err(ImportError::Kind(path.to_path_buf())),
    }
}

fn parse_sheet(path: &Path, bytes: Vec<u8>) -> Result<Table, ImportError> {
    let unreadable = |reason: String| ImportError::Unreadable {
        path: path.to_path_buf(),
        reason,
    };
    let mut workbook = open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| unreadable(e.to_string()))?;
    let Some(sheet) = workbook.sheet_names().first().cloned() else {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
            sheet: None,
        });
    };
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| unreadable(e.to_string()))?;
    // The range starts at its first used cell; rows and columns are numbered as in
    // the spreadsheet program, so pad what lies before it.
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); top as usize];
    for row in range.rows() {
        let mut cells = vec![String::new(); left as usize];
        cells.extend(row.iter().map(cell_text));
        rows.push(cells);
    }
    // A merged cell (one field for several rows, say) holds its text in its first
    // cell only: every cell it covers gets that text.
    if let Sheets::Xlsx(xlsx) = &mut workbook
        && let Ok(merged) = xlsx.merge_cells_by_sheet_name(&sheet)
    {
        for region in merged {
            spread(&mut rows, region.start, region.end);
        }
    }
    Ok(Table {
        sheet: Some(sheet),
        rows,
        legacy_encoding: false,
    })
}

/// Copies the text of the cell at `start` to every cell up to `end` (inclusive).
fn spread(rows: &mut [Vec<String>], start: (u32, u32), end: (u32, u32)) {
    let (top, left) = (start.0 as usize, start.1 as usize);
    let Some(text) = rows.get(top).and_then(|r| r.get(left)).cloned() else {
        return;
    };
    for row in rows.iter_mut().take(end.0 as usize + 1).skip(top) {
        if row.len() <= end.1 as usize {
            row.resize(end.1 as usize + 1, String::new());
        }
        for cell in &mut row[left..=end.1 as usize] {
            if cell.is_empty() {
                cell.clone_from(&text);
            }
        }
    }
}

/// A cell as the sheet shows it; a code typed as a number ("1.000689" read as
/// 1.000689) keeps the digits it was written with as far as the float allows.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

fn parse_csv(path: &Path, bytes: &[u8]) -> Result<Table, ImportError> {
    let (text, legacy_encoding) = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(&text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(Table {
        sheet: None,
        rows,
        legacy_encoding,
    })
}

/// The warning for a table read as Windows-1258: its letters are worth a look.
pub fn legacy_warning(path: &Path) -> crate::diagnostics::Diagnostic {
    use crate::tr;
    crate::diagnostics::Diagnostic::warning(
        path,
        tr!(
            "this file is not UTF-8; it was read as Windows-1258",
            "tệp này không phải UTF-8; sotay đã đọc theo bảng mã Windows-1258"
        ),
    )
    .help(tr!(
        "check the Vietnamese letters it gave; save the table as \"CSV UTF-8\" to be sure",
        "hãy kiểm tra chữ tiếng Việt đọc được; lưu bảng dạng \"CSV UTF-8\" để chắc chắn"
    ))
}

/// UTF-8 (a byte-order mark dropped), else Windows-1258. Any byte sequence decodes
/// in Windows-1258, so the caller says which was used.
fn decode(bytes: &[u8]) -> (String, bool) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), false),
        Err(_) => {
            // Windows-1258 writes most tone marks as combining characters.
            let (text, _, _) = encoding_rs::WINDOWS_1258.decode(bytes);
            (crate::text::nfc(&text), true)
        }
    }
}

/// Excel in a Vietnamese locale saves "CSV" with semicolons: whichever of `;` and
/// `,` the first line has more of.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// The column's letters as spreadsheet programs show them: 0 → A, 27 → AB.
pub fn column_name(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_spreadsheets_name_them() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(4), "E");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
    }

    #[test]
    fn windows_1258_text_is_read_when_it_is_not_utf8() {
        // "Mã sô" in Windows-1258: ã is a then a combining tilde (0xDE), ô is 0xF4.
        let (text, legacy) = decode(b"Ma\xDE s\xF4");
        assert!(legacy);
        assert_eq!(text, "Mã sô");
        let (text, legacy) = decode("\u{feff}Mã số".as_bytes());
        assert!(!legacy);
        assert_eq!(text, "Mã số");
    }

    #[test]
    fn semicolon_csv_is_recognised() {
        assert_eq!(delimiter("Mã số;Tên;Lĩnh vực\n"), b';');
        assert_eq!(delimiter("Mã số,Tên,Lĩnh vực\n"), b',');
    }
}
