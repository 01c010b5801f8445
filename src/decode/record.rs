//! Decoding one procedure record file (Markdown with front matter, or YAML).

use std::path::Path;

use super::channel::channel;
use super::{Decoder, Part, describe};
use crate::decode::frontmatter::{self, SplitError};
use crate::decode::shorthand::{Number, leading_number};
use crate::decode::yaml::{FieldPath, Mapping, Value};
use crate::diagnostics::{Diagnostic, Position};
use crate::model::record::{
    Code, Document, Form, LegalDocument, OnlineLevel, Record, ResultDocument, SourceRef, Status,
    StatusKind, TimeUnit,
};
use crate::text::slugify;
use crate::tr;

const RECORD_FIELDS: &[&str] = &[
    "code",
    "title",
    "slug",
    "decision",
    "kind",
    "field",
    "levels",
    "audience",
    "agency",
    "authority",
    "delegated_agency",
    "coordinating_agency",
    "submission_address",
    "channels",
    "documents",
    "conditions",
    "results",
    "legal_basis",
    "related",
    "related_text",
    "keywords",
    "source",
    "online",
    "portal_url",
    "offices",
    "updated",
    "status",
    "replaced_by",
    "extra",
    "description",
    "steps",
    "videos",
    "incomplete",
    "change_note",
];

/// Decodes the text of a record file. `file` is the path shown in diagnostics.
/// Returns the record when it could be built, with every problem found.
pub fn decode_record(file: &Path, text: &str) -> (Option<Record>, Vec<Diagnostic>) {
    let is_markdown = file.extension().is_some_and(|e| e == "md");
    let (yaml, yaml_line, body, body_line) = if is_markdown {
        match frontmatter::split(text) {
            Ok(split) => (split.yaml, split.yaml_line, split.body, split.body_line),
            Err(e) => return (None, vec![split_error(file, text, e)]),
        }
    } else {
        (text, 1, "", 0)
    };
    let mut d = Decoder::new(file, yaml, yaml_line);
    let record = d
        .parse()
        .and_then(|value| decode_fields(&mut d, &value, file, body, body_line));
    (record, d.diagnostics)
}

fn split_error(file: &Path, text: &str, error: SplitError) -> Diagnostic {
    let first = text.lines().next().unwrap_or_default();
    let position = Position::in_line(1, first, 0..first.len().max(1));
    Diagnostic::error(file, error.text())
        .at(Some(position))
        .help(error.help())
}

fn decode_fields(
    d: &mut Decoder,
    value: &Value,
    file: &Path,
    body: &str,
    body_line: usize,
) -> Option<Record> {
    let root = FieldPath::root();
    let map = d.mapping(value, &root, RECORD_FIELDS)?;
    let text = |d: &mut Decoder, key: &str| d.text(map.get(key), &root.key(key));

    let record_code = code(d, map.get("code"), &root.key("code"));
    let title = d.required_text(map, &root, "title");
    let field = d.required_text(map, &root, "field");
    // A stub imported from the portal's list: only what the list says, so what a
    // complete record must have is not asked for (`check` counts the stubs instead).
    let incomplete = d.flag(map.get("incomplete"), &root.key("incomplete"));
    let levels = d.keyword_list(map.get("levels"), &root.key("levels"));
    if !incomplete && levels.is_empty() && map.get("levels").is_none_or(Value::is_null) {
        d.error(
            &root.key("levels"),
            Part::Key,
            tr!("`levels` is missing", "thiếu `levels` (cấp thực hiện)"),
            Some(tr!(
                "add `levels: [commune]` (ministry, province, district, commune or other)",
                "thêm `levels: [commune]` (ministry: bộ, province: tỉnh, district: huyện, commune: xã/phường, other: khác)"
            )),
        );
    }
    let slug = match text(d, "slug") {
        Some(slug) => slugify(&slug),
        None => slugify(&file.file_stem().unwrap_or_default().to_string_lossy()),
    };
    if slug.is_empty() {
        d.error(
            &root.key("slug"),
            Part::Value,
            tr!(
                "the page address (slug) would be empty",
                "địa chỉ trang (slug) sẽ bị trống"
            ),
            Some(tr!(
                "rename the file with letters or digits, or add `slug: \"ten-thu-tuc\"`",
                "đặt lại tên tệp bằng chữ hoặc số, hoặc thêm `slug: \"ten-thu-tuc\"`"
            )),
        );
    }
    let status = status(d, map, &root);
    let channels = d.list(map.get("channels"), &root.key("channels"), channel);
    let no_channels = match map.get("channels") {
        None | Some(Value::Null) => true,
        Some(Value::Sequence(items)) => items.is_empty(),
        Some(_) => false,
    };
    if no_channels && !incomplete {
        d.warning(
            &root.key("channels"),
            Part::Key,
            tr!(
                "the procedure has no channels, so no time or fee is shown",
                "thủ tục chưa có cách thực hiện (`channels`), nên trang không hiện thời hạn và phí"
            ),
            Some(tr!(
                "add `channels:` with `via`, `time` and `fee` for each way to submit",
                "thêm `channels:` với `via`, `time` và `fee` cho mỗi cách nộp"
            )),
        );
    }
    let documents = d.list(map.get("documents"), &root.key("documents"), document);
    let results = d.list(map.get("results"), &root.key("results"), result_document);
    let legal_basis = d.list(
        map.get("legal_basis"),
        &root.key("legal_basis"),
        legal_document,
    );
    let source = map
        .get("source")
        .and_then(|v| source_ref(d, v, &root.key("source")));
    let extra = match map.get("extra") {
        None | Some(Value::Null) => Mapping::new(),
        Some(Value::Mapping(m)) => m.clone(),
        Some(other) => {
            d.error(
                &root.key("extra"),
                Part::Value,
                tr!(
                    "`extra` must be a group of fields, found {}",
                    "`extra` phải là một nhóm trường, nhưng gặp {}";
                    describe(other)
                ),
                None,
            );
            Mapping::new()
        }
    };

    let record = Record {
        file: file.to_path_buf(),
        slug,
        decision: text(d, "decision"),
        kind: text(d, "kind"),
        audience: d.keyword_list(map.get("audience"), &root.key("audience")),
        agency: text(d, "agency"),
        authority: text(d, "authority"),
        delegated_agency: text(d, "delegated_agency"),
        coordinating_agency: text(d, "coordinating_agency"),
        submission_address: text(d, "submission_address"),
        conditions: d.text_list(map.get("conditions"), &root.key("conditions")),
        related: related(d, map.get("related"), record_code.as_ref()),
        related_text: d.text_list(map.get("related_text"), &root.key("related_text")),
        keywords: d.text_list(map.get("keywords"), &root.key("keywords")),
        online: d.keyword(map.get("online"), &root.key("online")),
        portal_url: d.url(map.get("portal_url"), &root.key("portal_url")),
        offices: d.text_list(map.get("offices"), &root.key("offices")),
        updated: d.date(map.get("updated"), &root.key("updated")),
        description: text(d, "description"),
        steps: text(d, "steps"),
        change_note: text(d, "change_note"),
        videos: super::video::videos(d, map.get("videos"), &root.key("videos")),
        body: body.to_string(),
        body_line,
        code: record_code?,
        title_key: crate::text::collate::sort_key(title.as_deref()?),
        title: title?,
        field: field?,
        levels,
        channels,
        documents,
        results,
        legal_basis,
        source,
        status,
        incomplete,
        local_note: None,
        written: None,
        extra,
    };
    lint(d, &record);
    Some(record)
}

/// Values that decode but look wrong: usually cells the national crawl glued or split.
fn lint(d: &mut Decoder, record: &Record) {
    let root = FieldPath::root();
    for (i, channel) in record.channels.iter().enumerate() {
        super::plausible::check_channel(d, channel, &root.key("channels").index(i));
        let Some(time) = &channel.time else { continue };
        let path = root.key("channels").index(i).key("time").key("text");
        let shown = &time.text;
        if let Some((Number::Whole { grouped: true, .. }, _)) = leading_number(time.text.trim()) {
            d.warning(
                &path,
                Part::Value,
                tr!(
                    "the processing time `{shown}` looks like a money amount",
                    "thời hạn giải quyết `{shown}` trông giống một số tiền"
                ),
                Some(tr!(
                    "check the published record; write the time as \"5 ngày làm việc\"",
                    "đối chiếu với thủ tục đã công bố; viết thời hạn dạng \"5 ngày làm việc\""
                )),
            );
        } else if time.unit == TimeUnit::Unspecified && time.value.is_some() {
            d.warning(
                &path,
                Part::Value,
                tr!(
                    "the processing time `{shown}` has no unit",
                    "thời hạn giải quyết `{shown}` không có đơn vị"
                ),
                Some(tr!(
                    "say what it counts, e.g. \"5 ngày làm việc\", \"5 ngày\" or \"8 giờ\"",
                    "ghi rõ đơn vị, ví dụ \"5 ngày làm việc\", \"5 ngày\" hoặc \"8 giờ\""
                )),
            );
        }
    }
    for (i, document) in record.documents.iter().enumerate() {
        let name = document.name.trim_end();
        let cut_off = name.ends_with("(0") || name.chars().all(|c| c.is_ascii_digit());
        if cut_off {
            d.warning(
                &root.key("documents").index(i).key("name"),
                Part::Value,
                tr!(
                    "the document name `{name}` looks cut off",
                    "tên giấy tờ `{name}` có vẻ bị cắt cụt"
                ),
                Some(tr!(
                    "copy the full name from the published record",
                    "chép đủ tên từ thủ tục đã công bố"
                )),
            );
        }
    }
    let online = record.has_online_channel();
    // A channel dropped for an error would make this a knock-on of that error.
    let decoded_whole = !d
        .diagnostics
        .iter()
        .any(|x| x.severity == crate::diagnostics::Severity::Error);
    match record.online.filter(|_| decoded_whole) {
        Some(OnlineLevel::None) if online => d.warning(
            &root.key("online"),
            Part::Value,
            tr!(
                "`online: none`, but a channel is `via: online`",
                "ghi `online: none` nhưng có cách nộp `via: online`"
            ),
            Some(tr!(
                "state the level it is offered at (`full` or `partial`), or remove the online channel",
                "ghi mức độ đang cung cấp (`full` hoặc `partial`), hoặc bỏ cách nộp trực tuyến"
            )),
        ),
        Some(OnlineLevel::Full | OnlineLevel::Partial) if !online => d.warning(
            &root.key("online"),
            Part::Value,
            tr!(
                "the procedure is offered online, but no channel is `via: online`",
                "thủ tục được ghi là có trực tuyến, nhưng không có cách nộp `via: online`"
            ),
            Some(tr!(
                "add the online channel with its time and fee, or correct `online:`",
                "thêm cách nộp trực tuyến cùng thời hạn và phí, hoặc sửa `online:`"
            )),
        ),
        _ => {}
    }
    if matches!(
        record.online,
        Some(OnlineLevel::Full | OnlineLevel::Partial)
    ) && record.portal_url.is_none()
    {
        d.warning(
            &root.key("online"),
            Part::Value,
            tr!(
                "the procedure is offered online but has no `portal_url`",
                "thủ tục có nộp trực tuyến nhưng thiếu `portal_url`"
            ),
            Some(tr!(
                "add `portal_url:` with the page where citizens submit it online",
                "thêm `portal_url:` là trang người dân nộp hồ sơ trực tuyến"
            )),
        );
    }
}

/// Mã thủ tục: quoted text, because `1.000590` unquoted is a number and loses its zero.
fn code(d: &mut Decoder, value: Option<&Value>, path: &FieldPath) -> Option<Code> {
    let code = match value {
        Some(Value::Number(n)) => {
            d.error(
                path,
                Part::Value,
                tr!(
                    "the code {n} is written as a number",
                    "mã {n} đang được viết như một con số"
                ),
                Some(tr!(
                    "put it in quotes, exactly as published: \"{n}\" (unquoted, trailing zeros are lost)",
                    "đặt mã trong ngoặc kép, đúng như đã công bố: \"{n}\" (không có ngoặc kép thì mất số 0 ở cuối)"
                )),
            );
            return None;
        }
        None | Some(Value::Null) => {
            d.error(
                path,
                Part::Key,
                tr!("`{path}` is missing", "thiếu `{path}`"),
                Some(tr!(
                    "add the procedure code as published, e.g. `code: \"1.000593\"`",
                    "thêm mã thủ tục như đã công bố, ví dụ `code: \"1.000593\"`"
                )),
            );
            return None;
        }
        other => d.text(other, path)?,
    };
    let bad = code
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')));
    if let Some(bad) = bad {
        d.error(
            path,
            Part::Value,
            tr!(
                "the code `{code}` contains `{bad}`",
                "mã `{code}` có ký tự `{bad}`"
            ),
            Some(tr!(
                "codes use letters, digits, `.`, `-` and `_` only, e.g. \"1.012753.H19\"",
                "mã chỉ gồm chữ, số, `.`, `-` và `_`, ví dụ \"1.012753.H19\""
            )),
        );
        return None;
    }
    Some(Code::new(code))
}

/// Related codes, each once and never the record's own: a page links to itself or
/// twice to the same page otherwise.
fn related(d: &mut Decoder, value: Option<&Value>, own: Option<&Code>) -> Vec<Code> {
    let path = FieldPath::root().key("related");
    let mut kept: Vec<Code> = Vec::new();
    let items = d.list(value, &path, |d, v, p| {
        Some((p.clone(), code(d, Some(v), p)?))
    });
    for (at, code) in items {
        if Some(&code) == own {
            d.warning(
                &at,
                Part::Value,
                tr!(
                    "the procedure names itself as related",
                    "thủ tục tự ghi chính mình là thủ tục liên quan"
                ),
                Some(tr!(
                    "remove `{code}` from `related`; the page does not link to itself",
                    "bỏ `{code}` khỏi `related`; trang không liên kết tới chính nó"
                )),
            );
        } else if kept.contains(&code) {
            d.warning(
                &at,
                Part::Value,
                tr!(
                    "`{code}` is already in `related`",
                    "`{code}` đã có trong `related`"
                ),
                Some(tr!(
                    "remove the second `{code}`; the page links to it once",
                    "bỏ `{code}` thứ hai; trang chỉ liên kết một lần"
                )),
            );
        } else {
            kept.push(code);
        }
    }
    kept
}

fn status(d: &mut Decoder, map: &Mapping, root: &FieldPath) -> Status {
    let kind = d
        .keyword(map.get("status"), &root.key("status"))
        .unwrap_or(StatusKind::Active);
    let replaced_by = code_if_present(d, map.get("replaced_by"), &root.key("replaced_by"));
    match (kind, replaced_by) {
        (StatusKind::Replaced, Some(by)) => Status::Replaced { by: Some(by) },
        (StatusKind::Replaced, None) => {
            d.error(
                &root.key("status"),
                Part::Value,
                tr!(
                    "a replaced procedure needs `replaced_by`",
                    "thủ tục đã được thay thế cần có `replaced_by`"
                ),
                Some(tr!(
                    "add `replaced_by: \"<code of the new procedure>\"`",
                    "thêm `replaced_by: \"<mã của thủ tục mới>\"`"
                )),
            );
            Status::Replaced { by: None }
        }
        (other, Some(_)) => {
            d.error(
                &root.key("replaced_by"),
                Part::Key,
                {
                    let status = crate::model::keyword::Keyword::key(other);
                    tr!(
                        "`replaced_by` is set but the status is `{status}`",
                        "có `replaced_by` nhưng trạng thái là `{status}`"
                    )
                },
                Some(tr!(
                    "add `status: replaced`, or remove `replaced_by`",
                    "thêm `status: replaced`, hoặc bỏ `replaced_by`"
                )),
            );
            status_of(other)
        }
        (other, None) => status_of(other),
    }
}

fn status_of(kind: StatusKind) -> Status {
    match kind {
        StatusKind::Active => Status::Active,
        StatusKind::Repealed => Status::Repealed,
        StatusKind::Replaced => Status::Replaced { by: None },
    }
}

fn code_if_present(d: &mut Decoder, value: Option<&Value>, path: &FieldPath) -> Option<Code> {
    value
        .filter(|v| !v.is_null())
        .and_then(|v| code(d, Some(v), path))
}

fn document(d: &mut Decoder, value: &Value, path: &FieldPath) -> Option<Document> {
    if !value.is_mapping() {
        return Some(Document {
            name: d.text(Some(value), path)?,
            originals: None,
            copies: None,
            forms: Vec::new(),
            case: None,
        });
    }
    let map = d.mapping(
        value,
        path,
        &["name", "originals", "copies", "forms", "case"],
    )?;
    let name = d.required_text(map, path, "name");
    let originals = copies(d, map.get("originals"), &path.key("originals"));
    let copies = copies(d, map.get("copies"), &path.key("copies"));
    Some(Document {
        name: name?,
        originals,
        copies,
        forms: d.list(map.get("forms"), &path.key("forms"), form),
        case: d.text(map.get("case"), &path.key("case")),
    })
}

fn copies(d: &mut Decoder, value: Option<&Value>, path: &FieldPath) -> Option<u32> {
    let n = d.count(value, path)?;
    match u32::try_from(n) {
        Ok(n) if n <= 1000 => Some(n),
        _ => {
            d.error(
                path,
                Part::Value,
                tr!(
                    "{n} copies is not plausible",
                    "{n} bản là con số không hợp lý"
                ),
                Some(tr!(
                    "write how many copies a citizen brings, at most 1000",
                    "ghi số bản người dân cần mang, tối đa 1000"
                )),
            );
            None
        }
    }
}

/// `"Mẫu TP-HT-01.docx"` (a name only), or `{title, file, url}`.
fn form(d: &mut Decoder, value: &Value, path: &FieldPath) -> Option<Form> {
    if !value.is_mapping() {
        return Some(Form {
            title: d.text(Some(value), path)?,
            file: None,
            url: None,
        });
    }
    let map = d.mapping(value, path, &["title", "file", "url"])?;
    let file = d.text(map.get("file"), &path.key("file"));
    let url = d.url(map.get("url"), &path.key("url"));
    let title = d.text(map.get("title"), &path.key("title")).or_else(|| {
        file.as_deref()
            .and_then(|f| f.rsplit('/').next())
            .map(str::to_string)
    });
    let Some(title) = title else {
        d.error(
            &path.key("title"),
            Part::Key,
            tr!("the form has no `title`", "mẫu đơn thiếu `title` (tên mẫu)"),
            Some(tr!(
                "add `title: \"Tờ khai …\"`",
                "thêm `title: \"Tờ khai …\"`"
            )),
        );
        return None;
    };
    Some(Form { title, file, url })
}

fn result_document(d: &mut Decoder, value: &Value, path: &FieldPath) -> Option<ResultDocument> {
    if !value.is_mapping() {
        return Some(ResultDocument {
            name: d.text(Some(value), path)?,
            code: None,
        });
    }
    let map = d.mapping(value, path, &["name", "code"])?;
    let name = d.required_text(map, path, "name");
    Some(ResultDocument {
        name: name?,
        code: d.text(map.get("code"), &path.key("code")),
    })
}

fn legal_document(d: &mut Decoder, value: &Value, path: &FieldPath) -> Option<LegalDocument> {
    if !value.is_mapping() {
        return Some(LegalDocument {
            title: d.text(Some(value), path)?,
            code: None,
            issued: None,
        });
    }
    let map = d.mapping(value, path, &["title", "code", "issued"])?;
    let code = d.text(map.get("code"), &path.key("code"));
    let title = d.text(map.get("title"), &path.key("title"));
    let issued = d.date(map.get("issued"), &path.key("issued"));
    // Some national records give only the number of a legal document.
    let Some(title) = title.or_else(|| code.clone()) else {
        d.error(
            &path.key("title"),
            Part::Key,
            tr!(
                "the legal document has neither `title` nor `code`",
                "văn bản pháp lý không có cả `title` lẫn `code`"
            ),
            Some(tr!(
                "add `title: \"Luật Hộ tịch\"` and `code: \"60/2014/QH13\"`",
                "thêm `title: \"Luật Hộ tịch\"` và `code: \"60/2014/QH13\"`"
            )),
        );
        return None;
    };
    Some(LegalDocument {
        title,
        code,
        issued,
    })
}

fn source_ref(d: &mut Decoder, value: &Value, path: &FieldPath) -> Option<SourceRef> {
    let map = d.mapping(value, path, &["portal", "url"])?;
    Some(SourceRef {
        portal: d.text(map.get("portal"), &path.key("portal")),
        url: d.url(map.get("url"), &path.key("url")),
    })
}

/// Where `path` is in the record file `file` whose text is `text`. Cross-record checks
/// run after decoding; they are rare enough that outlining the text again is cheaper
/// than keeping every outline.
pub fn locate_in_record(file: &Path, text: &str, path: &FieldPath, part: Part) -> Option<Position> {
    let (yaml, line) = if file.extension().is_some_and(|e| e == "md") {
        let split = frontmatter::split(text).ok()?;
        (split.yaml, split.yaml_line)
    } else {
        (text, 1)
    };
    let decoder = Decoder::new(file, yaml, line);
    decoder
        .position(path, part)
        .or_else(|| decoder.fence_position())
}
