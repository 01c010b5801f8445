//! Decoding one procedure record file (Markdown with front matter, or YAML).

use std::path::Path;

use super::channel::channel;
use super::{Decoder, Part, describe};
use crate::diagnostics::{Diagnostic, Position};
use crate::frontmatter::{self, SplitError};
use crate::record::{
    Document, Form, LegalDocument, OnlineLevel, Outcome, Record, SourceRef, Status, StatusKind,
    TimeUnit,
};
use crate::shorthand::{Number, leading_number};
use crate::text::slugify;
use crate::yaml::{FieldPath, Mapping, Value};

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
    let help = match error {
        SplitError::Missing => {
            "start the file with a line `---`, then the fields, then another `---`"
        }
        SplitError::Unterminated => {
            "add a line `---` after the last field, before the Markdown text"
        }
    };
    Diagnostic::error(file, error.to_string())
        .at(Some(position))
        .help(help)
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
    let levels = d.keyword_list(map.get("levels"), &root.key("levels"));
    if levels.is_empty() && map.get("levels").is_none_or(Value::is_null) {
        d.error(
            &root.key("levels"),
            Part::Key,
            "`levels` is missing".into(),
            Some("add `levels: [commune]` (ministry, province, district, commune or other)".into()),
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
            "the page address (slug) would be empty".into(),
            Some("rename the file with letters or digits, or add `slug: \"ten-thu-tuc\"`".into()),
        );
    }
    let status = status(d, map, &root);
    let channels = d.list(map.get("channels"), &root.key("channels"), channel);
    let no_channels = match map.get("channels") {
        None | Some(Value::Null) => true,
        Some(Value::Sequence(items)) => items.is_empty(),
        Some(_) => false,
    };
    if no_channels {
        d.warning(
            &root.key("channels"),
            Part::Key,
            "the procedure has no channels, so no time or fee is shown".into(),
            Some("add `channels:` with `via`, `time` and `fee` for each way to submit".into()),
        );
    }
    let documents = d.list(map.get("documents"), &root.key("documents"), document);
    let results = d.list(map.get("results"), &root.key("results"), outcome);
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
                format!(
                    "`extra` must be a group of fields, found {}",
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
        related: d.list(map.get("related"), &root.key("related"), |d, v, p| {
            code(d, Some(v), p)
        }),
        related_text: d.text_list(map.get("related_text"), &root.key("related_text")),
        keywords: d.text_list(map.get("keywords"), &root.key("keywords")),
        online: d.keyword(map.get("online"), &root.key("online")),
        portal_url: d.url(map.get("portal_url"), &root.key("portal_url")),
        offices: d.text_list(map.get("offices"), &root.key("offices")),
        updated: d.date(map.get("updated"), &root.key("updated")),
        description: text(d, "description"),
        steps: text(d, "steps"),
        body: body.to_string(),
        body_line,
        code: record_code?,
        title_key: crate::collate::sort_key(title.as_deref()?),
        title: title?,
        field: field?,
        levels,
        channels,
        documents,
        results,
        legal_basis,
        source,
        status,
        extra,
    };
    lint(d, &record);
    Some(record)
}

/// Values that decode but look wrong: usually cells the national crawl glued or split.
fn lint(d: &mut Decoder, record: &Record) {
    let root = FieldPath::root();
    for (i, channel) in record.channels.iter().enumerate() {
        let Some(time) = &channel.time else { continue };
        let path = root.key("channels").index(i).key("time").key("text");
        if let Some((Number::Whole { grouped: true, .. }, _)) = leading_number(time.text.trim()) {
            d.warning(
                &path,
                Part::Value,
                format!(
                    "the processing time `{}` looks like a money amount",
                    time.text
                ),
                Some("check the published record; write the time as \"5 ngày làm việc\"".into()),
            );
        } else if time.unit == TimeUnit::Unspecified && time.value.is_some() {
            d.warning(
                &path,
                Part::Value,
                format!("the processing time `{}` has no unit", time.text),
                Some(
                    "say what it counts, e.g. \"5 ngày làm việc\", \"5 ngày\" or \"8 giờ\"".into(),
                ),
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
                format!("the document name `{name}` looks cut off"),
                Some("copy the full name from the published record".into()),
            );
        }
    }
    if matches!(
        record.online,
        Some(OnlineLevel::Full | OnlineLevel::Partial)
    ) && record.portal_url.is_none()
    {
        d.warning(
            &root.key("online"),
            Part::Value,
            "the procedure is offered online but has no `portal_url`".into(),
            Some("add `portal_url:` with the page where citizens submit it online".into()),
        );
    }
}

/// Mã thủ tục: quoted text, because `1.000590` unquoted is a number and loses its zero.
fn code(d: &mut Decoder, value: Option<&Value>, path: &FieldPath) -> Option<String> {
    let code = match value {
        Some(Value::Number(n)) => {
            d.error(
                path,
                Part::Value,
                format!("the code {n} is written as a number"),
                Some(format!(
                    "put it in quotes, exactly as published: \"{n}\" (unquoted, trailing zeros are lost)"
                )),
            );
            return None;
        }
        None | Some(Value::Null) => {
            d.error(
                path,
                Part::Key,
                format!("`{path}` is missing"),
                Some("add the procedure code as published, e.g. `code: \"1.000593\"`".into()),
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
            format!("the code `{code}` contains `{bad}`"),
            Some("codes use letters, digits, `.`, `-` and `_` only, e.g. \"1.012753.H19\"".into()),
        );
        return None;
    }
    Some(code)
}

fn status(d: &mut Decoder, map: &Mapping, root: &FieldPath) -> Status {
    let kind = d
        .keyword(map.get("status"), &root.key("status"))
        .unwrap_or(StatusKind::Active);
    let replaced_by = code_if_present(d, map.get("replaced_by"), &root.key("replaced_by"));
    match (kind, replaced_by) {
        (StatusKind::Replaced, Some(by)) => Status::Replaced { by },
        (StatusKind::Replaced, None) => {
            d.error(
                &root.key("status"),
                Part::Value,
                "a replaced procedure needs `replaced_by`".into(),
                Some("add `replaced_by: \"<code of the new procedure>\"`".into()),
            );
            Status::Replaced { by: String::new() }
        }
        (other, Some(_)) => {
            d.error(
                &root.key("replaced_by"),
                Part::Key,
                format!(
                    "`replaced_by` is set but the status is `{}`",
                    crate::keyword::Keyword::key(other)
                ),
                Some("add `status: replaced`, or remove `replaced_by`".into()),
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
        StatusKind::Replaced => Status::Replaced { by: String::new() },
    }
}

fn code_if_present(d: &mut Decoder, value: Option<&Value>, path: &FieldPath) -> Option<String> {
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
                format!("{n} copies is not plausible"),
                None,
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
            "the form has no `title`".into(),
            Some("add `title: \"Tờ khai …\"`".into()),
        );
        return None;
    };
    Some(Form { title, file, url })
}

fn outcome(d: &mut Decoder, value: &Value, path: &FieldPath) -> Option<Outcome> {
    if !value.is_mapping() {
        return Some(Outcome {
            name: d.text(Some(value), path)?,
            code: None,
        });
    }
    let map = d.mapping(value, path, &["name", "code"])?;
    let name = d.required_text(map, path, "name");
    Some(Outcome {
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
            "the legal document has neither `title` nor `code`".into(),
            Some("add `title: \"Luật Hộ tịch\"` and `code: \"60/2014/QH13\"`".into()),
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

/// Where `path` is in the record file `file` (relative to `root`), read again from disk.
/// Cross-record checks run after decoding, when positions are no longer at hand; they
/// are rare enough that reading the file again is cheaper than keeping every outline.
pub fn locate_in_record(
    root: &Path,
    file: &Path,
    path: &FieldPath,
    part: Part,
) -> Option<Position> {
    let text = crate::source::read_text(&root.join(file)).ok()?;
    let (yaml, line) = if file.extension().is_some_and(|e| e == "md") {
        let split = frontmatter::split(&text).ok()?;
        (split.yaml, split.yaml_line)
    } else {
        (text.as_str(), 1)
    };
    let decoder = Decoder::new(file, yaml, line);
    decoder
        .position(path, part)
        .or_else(|| decoder.fence_position())
}
