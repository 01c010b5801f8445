//! Checks across records: codes and pages that clash, references to records and
//! offices that do not exist, form files that are missing or outside `content/`.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path};

use crate::decode::yaml::FieldPath;
use crate::decode::{Part, locate_in_record};
use crate::diagnostics::{Diagnostic, Severity, Text};
use crate::fast_hash::FastMap;
use crate::layout::CONTENT_DIR;
use crate::model::fields::FieldLabels;
use crate::model::office::Office;
use crate::model::record::{Code, Record, Status};
use crate::tr;

/// A record file's text as it was read, for positions.
pub type Texts<'a> = dyn Fn(&Path) -> Option<&'a str> + 'a;

/// The problems at least as grave as `least`: with `Severity::Error`, what the
/// preview needs before each update, without finding and placing the warnings.
pub fn validate<'a>(
    root: &Path,
    records: &[Record],
    offices: &[Office],
    labels: &FieldLabels,
    texts: &Texts<'a>,
    least: Severity,
) -> Vec<Diagnostic> {
    let mut problems = Problems {
        root,
        texts,
        found: Vec::new(),
    };
    duplicates(&mut problems, records);
    references(&mut problems, records, offices);
    form_files(&mut problems, records);
    if least == Severity::Error {
        // The checks below only warn.
        return problems.found;
    }
    where_to_go(&mut problems, records);
    incomplete(&mut problems, records);
    field_variants(&mut problems, records, labels);
    problems.found
}

struct Problems<'a, 'b> {
    root: &'a Path,
    texts: &'a Texts<'b>,
    found: Vec<Diagnostic>,
}

impl Problems<'_, '_> {
    fn error(&mut self, record: &Record, path: FieldPath, message: Text, help: Text) {
        let diagnostic = Diagnostic::error(&record.file, message);
        self.push(diagnostic, record, path, help);
    }

    fn warning(&mut self, record: &Record, path: FieldPath, message: Text, help: Text) {
        let diagnostic = Diagnostic::warning(&record.file, message);
        self.push(diagnostic, record, path, help);
    }

    fn push(&mut self, diagnostic: Diagnostic, record: &Record, path: FieldPath, help: Text) {
        let position = (self.texts)(&record.file)
            .and_then(|text| locate_in_record(&record.file, text, &path, Part::Value));
        self.found
            .push(diagnostic.at(position).field(path.to_string()).help(help));
    }
}

/// A citizen reading the page must learn where to go.
fn where_to_go(problems: &mut Problems, records: &[Record]) {
    for record in records {
        // About the whole record, so no line: locating one would read the file again,
        // for what can be most records of a handbook just imported.
        let said = !record.offices.is_empty() || record.submission_address.is_some();
        if !said && !record.incomplete {
            problems.found.push(
                Diagnostic::warning(
                    &record.file,
                    tr!(
                        "this record does not say where to submit it",
                        "hồ sơ này chưa cho biết nộp ở đâu"
                    ),
                )
                .field("offices")
                .help(tr!(
                    "add `offices: [id]` with an office of content/offices.yaml, or `submission_address: \"…\"`",
                    "thêm `offices: [mã]` với một cơ quan trong content/offices.yaml, hoặc `submission_address: \"…\"`"
                )),
            );
        }
    }
}

/// The field every warning about incomplete records names: `check --strict` makes
/// those warnings errors.
pub const INCOMPLETE: &str = "incomplete";

/// Stubs imported from the portal's list, counted in one warning: a handbook just
/// imported has hundreds, and one line per stub would bury every other problem.
fn incomplete(problems: &mut Problems, records: &[Record]) {
    let stubs: Vec<&Record> = records.iter().filter(|r| r.incomplete).collect();
    let Some(first) = stubs.first() else {
        return;
    };
    let n = stubs.len();
    let examples: Vec<String> = stubs
        .iter()
        .skip(1)
        .take(3)
        .map(|r| r.file.display().to_string())
        .collect();
    let more = if examples.is_empty() {
        String::new()
    } else {
        format!(
            " ({}{})",
            examples.join(", "),
            if n > 4 { ", …" } else { "" }
        )
    };
    problems.found.push(
        Diagnostic::warning(
            &first.file,
            tr!(
                "{n} records are incomplete (`incomplete: true`): their pages say the details are not published yet; this one and others{more}",
                "{n} hồ sơ chưa đủ thông tin (`incomplete: true`): trang của chúng báo chi tiết chưa được công bố; hồ sơ này và các hồ sơ khác{more}"
            ),
        )
        .field(INCOMPLETE)
        .help(tr!(
            "fill in levels, channels and documents, then remove `incomplete: true`; `sotay check --strict` makes this an error",
            "bổ sung levels, channels và documents rồi xóa dòng `incomplete: true`; `sotay check --strict` coi đây là lỗi"
        )),
    );
}

/// "Ho tich" beside "Hộ tịch": one field, shown as most records write it.
/// `labels`: the records' own, which the sources keep (making them again was half
/// of these checks at 10,000 records).
fn field_variants(problems: &mut Problems, records: &[Record], labels: &FieldLabels) {
    // Counted once: a handbook can have thousands of records in a variant spelling.
    let mut written: HashMap<&str, usize> = HashMap::new();
    for record in records {
        *written.entry(record.field.as_str()).or_default() += 1;
    }
    for record in records {
        if labels.is_variant(&record.field) {
            let label = labels.label(&record.field);
            let others = written.get(label).copied().unwrap_or(0);
            let field = &record.field;
            problems.warning(
                record,
                FieldPath::root().key("field"),
                tr!(
                    "the field `{field}` is shown as `{label}`, as {others} other records write it",
                    "lĩnh vực `{field}` được hiển thị là `{label}`, như {others} hồ sơ khác đang viết"
                ),
                tr!("write `field: \"{label}\"`", "hãy viết `field: \"{label}\"`"),
            );
        }
    }
}

fn duplicates(problems: &mut Problems, records: &[Record]) {
    let mut codes: FastMap<&Code, &Record> = FastMap::default();
    let mut slugs: FastMap<&str, &Record> = FastMap::default();
    for record in records {
        match codes.get(&record.code) {
            Some(first) => {
                let (code, first) = (&record.code, first.file.display());
                problems.error(
                    record,
                    FieldPath::root().key("code"),
                    tr!(
                        "the code `{code}` is already used",
                        "mã `{code}` đã được dùng"
                    ),
                    tr!(
                        "{first} has the same code; each procedure needs its own",
                        "{first} có cùng mã; mỗi thủ tục cần một mã riêng"
                    ),
                )
            }
            None => {
                codes.insert(&record.code, record);
            }
        }
        match slugs.get(record.slug.as_str()) {
            Some(first) => {
                let (first, slug) = (first.file.display(), &record.slug);
                problems.error(
                    record,
                    FieldPath::root().key("slug"),
                    tr!(
                        "this record would write the same page as {first}",
                        "hồ sơ này sẽ ghi trùng trang với {first}"
                    ),
                    tr!(
                        "both become thu-tuc/{slug}/; rename one file or add `slug: \"…\"` to it",
                        "cả hai đều thành thu-tuc/{slug}/; đổi tên một tệp hoặc thêm `slug: \"…\"` vào tệp đó"
                    ),
                )
            }
            None => {
                slugs.insert(&record.slug, record);
            }
        }
    }
}

fn references(problems: &mut Problems, records: &[Record], offices: &[Office]) {
    let codes: HashSet<&Code> = records.iter().map(|r| &r.code).collect();
    let office_ids: Vec<&str> = offices.iter().map(|o| o.id.as_str()).collect();
    for record in records {
        for (i, code) in record.related.iter().enumerate() {
            if !codes.contains(code) {
                problems.error(
                    record,
                    FieldPath::root().key("related").index(i),
                    tr!(
                        "no procedure in this handbook has the code `{code}`",
                        "không có thủ tục nào trong sổ tay mang mã `{code}`"
                    ),
                    tr!(
                        "fix the code, or move the title to `related_text` if the procedure is not in this handbook",
                        "sửa lại mã, hoặc chuyển tên thủ tục sang `related_text` nếu thủ tục không có trong sổ tay"
                    ),
                );
            }
        }
        if let Status::Replaced { by: Some(by) } = &record.status
            && !codes.contains(by)
        {
            problems.error(
                record,
                FieldPath::root().key("replaced_by"),
                tr!(
                    "no procedure in this handbook has the code `{by}`",
                    "không có thủ tục nào trong sổ tay mang mã `{by}`"
                ),
                tr!(
                    "add the new procedure's record, or fix the code",
                    "thêm hồ sơ của thủ tục mới, hoặc sửa lại mã"
                ),
            );
        }
        for (i, id) in record.offices.iter().enumerate() {
            if !office_ids.contains(&id.as_str()) {
                problems.error(
                    record,
                    FieldPath::root().key("offices").index(i),
                    tr!(
                        "there is no office `{id}` in content/offices.yaml",
                        "không có cơ quan `{id}` trong content/offices.yaml"
                    ),
                    if office_ids.is_empty() {
                        tr!(
                            "describe it in content/offices.yaml (`- id: {id}` with its name, address and hours)",
                            "khai báo cơ quan này trong content/offices.yaml (`- id: {id}` cùng tên, địa chỉ và giờ làm việc)"
                        )
                    } else {
                        crate::decode::suggest::help_for(id, &office_ids)
                    },
                );
            }
        }
    }
}

fn form_files(problems: &mut Problems, records: &[Record]) {
    let content = problems.root.join(CONTENT_DIR);
    let canonical_content = content.canonicalize().ok();
    for record in records {
        for (i, document) in record.documents.iter().enumerate() {
            for (j, form) in document.forms.iter().enumerate() {
                let Some(file) = &form.file else { continue };
                let path = FieldPath::root()
                    .key("documents")
                    .index(i)
                    .key("forms")
                    .index(j)
                    .key("file");
                let relative = Path::new(file);
                let escapes = relative.is_absolute()
                    || relative
                        .components()
                        .any(|c| !matches!(c, Component::Normal(_)));
                if escapes {
                    problems.error(
                        record,
                        path,
                        tr!(
                            "the form file `{file}` is outside content/",
                            "tệp mẫu đơn `{file}` nằm ngoài content/"
                        ),
                        tr!(
                            "put the form under content/forms/ and write its path from content/, e.g. `forms/to-khai.docx`",
                            "đặt mẫu đơn trong content/forms/ và viết đường dẫn tính từ content/, ví dụ `forms/to-khai.docx`"
                        ),
                    );
                    continue;
                }
                let full = content.join(relative);
                match (full.canonicalize(), &canonical_content) {
                    (Ok(target), Some(base)) if target.starts_with(base) && target.is_file() => {}
                    (Ok(target), Some(base)) if !target.starts_with(base) => problems.error(
                        record,
                        path,
                        tr!(
                            "the form file `{file}` links outside content/",
                            "tệp mẫu đơn `{file}` liên kết ra ngoài content/"
                        ),
                        tr!(
                            "copy the form into content/forms/ instead of linking it",
                            "hãy chép mẫu đơn vào content/forms/ thay vì liên kết"
                        ),
                    ),
                    _ => problems.error(
                        record,
                        path,
                        tr!(
                            "the form file `{file}` does not exist",
                            "không có tệp mẫu đơn `{file}`"
                        ),
                        tr!(
                            "add the file under content/, or fix the path (it is relative to content/)",
                            "thêm tệp vào content/, hoặc sửa đường dẫn (tính từ content/)"
                        ),
                    ),
                }
            }
        }
    }
}
