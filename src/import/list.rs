//! The national portal's list export, "DANH SÁCH THỦ TỤC HÀNH CHÍNH": a title block,
//! then a header row (Mã số, Tên, Cơ quan ban hành, Cơ quan thực hiện, Lĩnh vực),
//! then one row per procedure. The header is found by its column names, wherever
//! it is; a code may repeat on several rows.

use super::table::{Table, column_name};
use crate::text::fold;

/// One procedure of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub code: String,
    pub title: String,
    /// Cơ quan ban hành: who published the procedure (a ministry).
    pub issuer: Option<String>,
    /// Cơ quan thực hiện: one per line of the cell.
    pub agencies: Vec<String>,
    pub field: String,
    /// The sheet's row number (1-based) of its first row.
    pub row: usize,
}

/// A problem with a cell or the sheet, placed as a spreadsheet program shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub row: Option<usize>,
    pub column: Option<usize>,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// No row has the column names.
    NoHeader,
    /// The header row lacks a column sotay needs.
    MissingColumn(&'static str),
    /// A row's code is not a procedure code.
    BadCode(String),
    /// A row has a code but no title or field.
    EmptyCell(&'static str),
    /// The same code on another row with a different title.
    Conflict { code: String, first_row: usize },
}

/// The columns sotay reads: its name in the export, the folded names it is known
/// by, and whether a list without it can be imported.
struct Column {
    name: &'static str,
    names: &'static [&'static str],
    required: bool,
}

const CODE: Column = Column {
    name: "Mã số",
    names: &["ma so", "ma thu tuc", "ma tthc", "ma"],
    required: true,
};
const TITLE: Column = Column {
    name: "Tên",
    names: &["ten", "ten thu tuc", "ten tthc", "ten thu tuc hanh chinh"],
    required: true,
};
const ISSUER: Column = Column {
    name: "Cơ quan ban hành",
    names: &["co quan ban hanh"],
    required: false,
};
const AGENCY: Column = Column {
    name: "Cơ quan thực hiện",
    names: &["co quan thuc hien"],
    required: true,
};
const FIELD: Column = Column {
    name: "Lĩnh vực",
    names: &["linh vuc"],
    required: true,
};
const COLUMNS: [&Column; 5] = [&CODE, &TITLE, &ISSUER, &AGENCY, &FIELD];

/// The procedures of the list, each code once, and the problems found.
pub fn parse(table: &Table) -> (Vec<Listed>, Vec<Problem>) {
    let mut problems = Vec::new();
    let Some((header_row, columns)) = header(table) else {
        problems.push(Problem {
            row: None,
            column: None,
            kind: ProblemKind::NoHeader,
        });
        return (Vec::new(), problems);
    };
    let missing: Vec<&Column> = COLUMNS
        .iter()
        .zip(&columns)
        .filter(|(c, found)| c.required && found.is_none())
        .map(|(c, _)| *c)
        .collect();
    if !missing.is_empty() {
        problems.extend(missing.iter().map(|c| Problem {
            row: Some(header_row + 1),
            column: None,
            kind: ProblemKind::MissingColumn(c.name),
        }));
        return (Vec::new(), problems);
    }
    let at = |cells: &[String], column: Option<usize>| -> String {
        column
            .and_then(|i| cells.get(i))
            .map(|c| clean(c))
            .unwrap_or_default()
    };
    let [code_col, title_col, issuer_col, agency_col, field_col] = columns;
    let mut listed: Vec<Listed> = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, cells) in table.rows.iter().enumerate().skip(header_row + 1) {
        let row = i + 1;
        let raw_code = at(cells, code_col);
        let title = at(cells, title_col);
        if raw_code.is_empty() && title.is_empty() {
            continue; // blank lines and a signature block's empty cells
        }
        let Some(code) = normalise_code(&raw_code) else {
            problems.push(Problem {
                row: Some(row),
                column: code_col,
                kind: ProblemKind::BadCode(raw_code),
            });
            continue;
        };
        let field = at(cells, field_col);
        for (value, column, name) in [
            (&title, title_col, TITLE.name),
            (&field, field_col, FIELD.name),
        ] {
            if value.is_empty() {
                problems.push(Problem {
                    row: Some(row),
                    column,
                    kind: ProblemKind::EmptyCell(name),
                });
            }
        }
        if title.is_empty() || field.is_empty() {
            continue;
        }
        let agencies: Vec<String> = cells
            .get(agency_col.expect("required"))
            .map(|c| lines(c))
            .unwrap_or_default();
        let key = code.to_lowercase();
        if let Some(&first) = seen.get(&key) {
            // The same procedure on another row: one more agency, or a conflict.
            let earlier = &mut listed[first];
            if fold(&earlier.title) != fold(&title) {
                problems.push(Problem {
                    row: Some(row),
                    column: title_col,
                    kind: ProblemKind::Conflict {
                        code,
                        first_row: earlier.row,
                    },
                });
                continue;
            }
            for agency in agencies {
                if !earlier.agencies.contains(&agency) {
                    earlier.agencies.push(agency);
                }
            }
            continue;
        }
        seen.insert(key, listed.len());
        let issuer = Some(at(cells, issuer_col)).filter(|s| !s.is_empty());
        listed.push(Listed {
            code,
            title,
            issuer,
            agencies,
            field,
            row,
        });
    }
    (listed, problems)
}

/// The header row and where each of [`COLUMNS`] is in it: it names at least the
/// code and the title columns.
fn header(table: &Table) -> Option<(usize, [Option<usize>; 5])> {
    table.header(COLUMNS.map(|c| c.names), |found| {
        found[0].is_some() && found[1].is_some()
    })
}

/// A cell's text on one line: lines joined, spaces collapsed.
pub fn clean(cell: &str) -> String {
    cell.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A multi-line cell's lines, each cleaned; empty lines dropped.
fn lines(cell: &str) -> Vec<String> {
    cell.lines().map(clean).filter(|l| !l.is_empty()).collect()
}

/// "1.000689", also as typed: " 1.000689 ", "1. 000689", "1.000689." → "1.000689".
/// A code has digits, then dot-separated parts of digits and letters ("1.012753.H19").
pub fn normalise_code(raw: &str) -> Option<String> {
    let code: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let code = code.trim_end_matches('.');
    let mut parts = code.split('.');
    let first = parts.next()?;
    let ok = !first.is_empty()
        && first.chars().all(|c| c.is_ascii_digit())
        && code.contains('.')
        && parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()));
    ok.then(|| code.to_string())
}

/// Where a problem is, as a spreadsheet program shows it: "Sheet1!B7".
pub fn cell_ref(sheet: Option<&str>, row: Option<usize>, column: Option<usize>) -> String {
    let cell = match (column, row) {
        (Some(c), Some(r)) => format!("{}{r}", column_name(c)),
        (None, Some(r)) => format!("{r}:{r}"),
        (Some(c), None) => column_name(c),
        (None, None) => String::new(),
    };
    match sheet {
        Some(sheet) if !cell.is_empty() => format!("{sheet}!{cell}"),
        Some(sheet) => sheet.to_string(),
        None => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[&str]]) -> Table {
        Table {
            sheet: Some("Sheet1".into()),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
            legacy_encoding: false,
        }
    }

    const HEADER: &[&str] = &[
        "Mã số",
        "Tên",
        "Cơ quan ban hành",
        "Cơ quan thực hiện",
        "Lĩnh vực",
    ];

    #[test]
    fn codes_are_read_as_staff_type_them() {
        assert_eq!(normalise_code(" 1.000689 ").as_deref(), Some("1.000689"));
        assert_eq!(normalise_code("1. 000689").as_deref(), Some("1.000689"));
        assert_eq!(normalise_code("1.000689.").as_deref(), Some("1.000689"));
        assert_eq!(
            normalise_code("1.012753.H19").as_deref(),
            Some("1.012753.H19")
        );
        assert_eq!(normalise_code("Mã số"), None);
        assert_eq!(normalise_code("1000689"), None);
        assert_eq!(normalise_code(""), None);
    }

    #[test]
    fn the_header_is_found_below_the_title_block_and_rows_merge_by_code() {
        let t = table(&[
            &["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nDANH SÁCH THỦ TỤC HÀNH CHÍNH"],
            &[],
            HEADER,
            &[
                "1.000689 ",
                "Đăng ký  khai sinh",
                "Bộ Tư pháp",
                "UBND cấp xã\nUBND cấp huyện",
                "Hộ tịch",
            ],
            &[
                "1.000689",
                "Đăng ký khai sinh",
                "Bộ Tư pháp",
                "UBND cấp xã\nSở Tư pháp ",
                "Hộ tịch",
            ],
            &["", "", "", "", ""],
        ]);
        let (listed, problems) = parse(&t);
        assert_eq!(problems, []);
        assert_eq!(listed.len(), 1);
        let l = &listed[0];
        assert_eq!(
            (l.code.as_str(), l.title.as_str(), l.row),
            ("1.000689", "Đăng ký khai sinh", 4)
        );
        assert_eq!(l.agencies, ["UBND cấp xã", "UBND cấp huyện", "Sở Tư pháp"]);
        assert_eq!(l.issuer.as_deref(), Some("Bộ Tư pháp"));
    }

    #[test]
    fn problems_are_placed_at_their_cell() {
        let t = table(&[
            HEADER,
            &["abc", "Tên", "", "", "Hộ tịch"],
            &["1.000001", "", "", "", "Hộ tịch"],
            &["1.000002", "Một", "", "", "Hộ tịch"],
            &["1.000002", "Hai", "", "", "Hộ tịch"],
        ]);
        let (listed, problems) = parse(&t);
        assert_eq!(listed.len(), 1);
        assert_eq!(problems.len(), 3);
        assert_eq!((problems[0].row, problems[0].column), (Some(2), Some(0)));
        assert_eq!(problems[1].kind, ProblemKind::EmptyCell("Tên"));
        assert_eq!(
            problems[2].kind,
            ProblemKind::Conflict {
                code: "1.000002".into(),
                first_row: 4
            }
        );
        assert_eq!(cell_ref(Some("Sheet1"), Some(5), Some(1)), "Sheet1!B5");
    }

    #[test]
    fn a_sheet_without_its_header_or_a_column_says_so() {
        let (_, problems) = parse(&table(&[&["1.000001", "Tên"]]));
        assert_eq!(problems[0].kind, ProblemKind::NoHeader);
        let (_, problems) = parse(&table(&[&["Mã số", "Tên", "Cơ quan thực hiện"]]));
        assert_eq!(problems[0].kind, ProblemKind::MissingColumn("Lĩnh vực"));
    }
}
