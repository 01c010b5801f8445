//! Applying the local table to the records as they are loaded.
//!
//! **The table wins.** It is the province's decision (which procedures are offered
//! fully or partly online, where to submit), kept by staff for hundreds of codes at
//! once; a record's own `online:`, `portal_url:`, `offices:` or `status:` is what the
//! national data or an earlier edit said. When both set a field and disagree, the
//! table's value is shown and a warning names both places, so one of them gets fixed.
//! An empty cell sets nothing: the record's value stays.

use std::collections::HashMap;
use std::path::Path;

use crate::decode::yaml::FieldPath;
use crate::decode::{Part, locate_in_record};
use crate::diagnostics::Diagnostic;
use crate::model::keyword::Keyword;
use crate::model::local::{LocalTable, Written};
use crate::model::office::Office;
use crate::model::record::{Record, Status, StatusKind};
use crate::tr;

/// Sets the table's values on `records` (each first put back as written) and says
/// what disagrees or names nothing.
pub fn apply<'a>(
    records: &mut [Record],
    table: Option<&LocalTable>,
    offices: &[Office],
    texts: &dyn Fn(&Path) -> Option<&'a str>,
) -> Vec<Diagnostic> {
    for record in records.iter_mut() {
        restore(record);
    }
    let Some(table) = table else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    let office_ids: Vec<&str> = offices.iter().map(|o| o.id.as_str()).collect();
    let by_code: HashMap<String, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.code.key().to_string(), i))
        .collect();
    for row in &table.rows {
        let Some(&i) = by_code.get(row.code.key()) else {
            let (code, at) = (row.code.as_str(), table.cell(row.row, 0));
            problems.push(
                Diagnostic::warning(
                    &table.file,
                    tr!(
                        "no record has the code {code}",
                        "không hồ sơ nào có mã {code}"
                    ),
                )
                .field(at)
                .help(tr!(
                    "import it with `sotay import list`, or check the code",
                    "nhập thủ tục này bằng `sotay import list`, hoặc kiểm tra lại mã"
                )),
            );
            continue;
        };
        let record = &mut records[i];
        let written = Written {
            online: record.online,
            portal_url: record.portal_url.clone(),
            offices: record.offices.clone(),
            status: record.status.clone(),
        };
        // (field, the record's value, the table's value, the table's column)
        let mut disagree: Vec<(&str, String, String, usize)> = Vec::new();
        if let Some(cell) = &row.online {
            if let Some(mine) = record.online.filter(|m| *m != cell.value) {
                disagree.push((
                    "online",
                    quote(mine.key()),
                    quote(cell.value.key()),
                    cell.column,
                ));
            }
            record.online = Some(cell.value);
        }
        if let Some(cell) = &row.portal_url {
            if let Some(mine) = record.portal_url.as_ref().filter(|m| **m != cell.value) {
                disagree.push(("portal_url", quote(mine), quote(&cell.value), cell.column));
            }
            record.portal_url = Some(cell.value.clone());
        }
        if let Some(cell) = &row.offices {
            let known: Vec<String> = cell
                .value
                .iter()
                .filter(|id| {
                    let ok = office_ids.contains(&id.as_str());
                    if !ok {
                        let at = table.cell(row.row, cell.column);
                        problems.push(
                            Diagnostic::error(
                                &table.file,
                                tr!(
                                    "there is no office `{id}` in content/offices.yaml",
                                    "không có nơi nộp `{id}` trong content/offices.yaml"
                                ),
                            )
                            .field(at)
                            .help({
                                let ids = office_ids.join(", ");
                                tr!(
                                    "use an `id` of content/offices.yaml: {ids}",
                                    "dùng một `id` trong content/offices.yaml: {ids}"
                                )
                            }),
                        );
                    }
                    ok
                })
                .cloned()
                .collect();
            if !record.offices.is_empty() && record.offices != known {
                disagree.push((
                    "offices",
                    quote(&record.offices.join(", ")),
                    quote(&cell.value.join(", ")),
                    cell.column,
                ));
            }
            record.offices = known;
        }
        if let Some(cell) = &row.status {
            let status = match cell.value {
                StatusKind::Repealed => Status::Repealed,
                _ => Status::Active,
            };
            if record.status != Status::Active && record.status != status {
                let mine = match &record.status {
                    Status::Repealed => "repealed",
                    Status::Replaced { .. } => "replaced",
                    Status::Active => "active",
                };
                disagree.push(("status", quote(mine), quote(cell.value.key()), cell.column));
            }
            record.status = status;
        }
        record.local_note = row.note.as_ref().map(|n| n.value.clone());
        record.written = Some(Box::new(written));
        let file = table.file.display().to_string();
        for (field, mine, theirs, column) in disagree {
            let at = table.cell(row.row, column);
            let position = texts(&record.file).and_then(|text| {
                locate_in_record(
                    &record.file,
                    text,
                    &FieldPath::root().key(field),
                    Part::Value,
                )
            });
            problems.push(
                Diagnostic::warning(
                    &record.file,
                    tr!(
                        "`{field}` is {mine} here and {theirs} in {file} ({at}); the table's value is shown",
                        "`{field}` ở đây là {mine} còn trong {file} ({at}) là {theirs}; trang hiện giá trị của bảng"
                    ),
                )
                .at(position)
                .field(field.to_string())
                .help(tr!(
                    "remove `{field}` from the record, or correct the table",
                    "bỏ `{field}` khỏi hồ sơ, hoặc sửa lại bảng"
                )),
            );
        }
    }
    problems
}

/// Puts back what the record itself says.
fn restore(record: &mut Record) {
    if let Some(written) = record.written.take() {
        record.online = written.online;
        record.portal_url = written.portal_url;
        record.offices = written.offices;
        record.status = written.status;
    }
    record.local_note = None;
}

fn quote(text: &str) -> String {
    format!("`{text}`")
}
