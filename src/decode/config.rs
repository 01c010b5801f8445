//! Decoding `sotay.yaml` into the [`Config`].

use std::path::{Path, PathBuf};

use super::yaml::{FieldPath, Value};
use super::{Decoder, Part};
use crate::diagnostics::Diagnostic;
use crate::model::config::{Config, Language, Offline, Organisation};
use crate::tr;

const FIELDS: &[&str] = &[
    "title",
    "description",
    "language",
    "base_url",
    "organisation",
    "portal_url",
    "portal_search",
    "theme",
    "output",
    "notice",
    "offline",
];
const OFFLINE_FIELDS: &[&str] = &["budget"];
const ORGANISATION_FIELDS: &[&str] = &["name", "address", "hotline", "email", "feedback", "zalo"];

pub fn decode_config(file: &Path, text: &str) -> (Option<Config>, Vec<Diagnostic>) {
    let mut d = Decoder::new(file, text, 1);
    let config = d.parse().and_then(|value| fields(&mut d, &value));
    (config, d.diagnostics)
}

fn fields(d: &mut Decoder, value: &Value) -> Option<Config> {
    let root = FieldPath::root();
    let map = d.mapping(value, &root, FIELDS)?;
    let title = d.required_text(map, &root, "title");
    let organisation = match map.get("organisation") {
        Some(v) if !v.is_null() => organisation(d, v, &root.key("organisation")),
        _ => {
            d.error(
                &root.key("organisation"),
                Part::Key,
                tr!(
                    "`organisation` is missing",
                    "thiếu `organisation` (cơ quan)"
                ),
                Some(tr!(
                    "add `organisation:` with at least `name:` (who publishes the handbook)",
                    "thêm `organisation:` với ít nhất `name:` (cơ quan phát hành sổ tay)"
                )),
            );
            None
        }
    };
    let output = d
        .text(map.get("output"), &root.key("output"))
        .unwrap_or_else(|| "public".into());
    // Every field is decoded before any is required, so one run reports them all.
    let config = Config {
        title: title.unwrap_or_default(),
        description: d.text(map.get("description"), &root.key("description")),
        language: d
            .keyword(map.get("language"), &root.key("language"))
            .unwrap_or(Language::Vi),
        base_url: d
            .url(map.get("base_url"), &root.key("base_url"))
            .map(|u| u.trim_end_matches('/').to_string()),
        organisation: organisation.unwrap_or_default(),
        portal_url: d.url(map.get("portal_url"), &root.key("portal_url")),
        portal_search: portal_search(d, map.get("portal_search"), &root.key("portal_search")),
        theme: d
            .text(map.get("theme"), &root.key("theme"))
            .unwrap_or_else(|| "default".into()),
        output: PathBuf::from(output),
        notice: d.text(map.get("notice"), &root.key("notice")),
        offline: offline(d, map.get("offline"), &root.key("offline")),
        retire_offline: matches!(map.get("offline"), Some(Value::Bool(false))),
    };
    if config.base_url.is_none() && !map.contains_key("base_url") {
        // Said once, here: every notice would otherwise lack its QR code silently.
        d.warning(
            &root.key("base_url"),
            Part::Key,
            tr!(
                "without `base_url` the printed notices have no QR code: a code on paper needs the site's public address",
                "không có `base_url` nên bản niêm yết in ra không có mã QR: mã in trên giấy cần địa chỉ công khai của trang"
            ),
            Some(tr!(
                "add `base_url: \"https://…\"`, the address the handbook is published at",
                "thêm `base_url: \"https://…\"`, địa chỉ công bố sổ tay"
            )),
        );
    }
    let complete = !config.title.is_empty() && !config.organisation.name.is_empty();
    complete.then_some(config)
}

fn organisation(d: &mut Decoder, value: &Value, path: &FieldPath) -> Option<Organisation> {
    let map = d.mapping(value, path, ORGANISATION_FIELDS)?;
    let name = d.required_text(map, path, "name");
    let feedback = d.text(map.get("feedback"), &path.key("feedback"));
    if let Some(f) = &feedback
        && !(f.contains('@') || f.starts_with("https://") || f.starts_with("http://"))
    {
        d.error(
            &path.key("feedback"),
            Part::Value,
            tr!(
                "`{f}` is neither an e-mail address nor a web address",
                "`{f}` không phải địa chỉ thư điện tử hay địa chỉ web"
            ),
            Some(tr!(
                "write an address such as gopy@example.gov.vn or https://…",
                "viết một địa chỉ như gopy@example.gov.vn hoặc https://…"
            )),
        );
    }
    Some(Organisation {
        name: name?,
        address: d.text(map.get("address"), &path.key("address")),
        hotline: d.text(map.get("hotline"), &path.key("hotline")),
        email: d.text(map.get("email"), &path.key("email")),
        feedback,
        zalo: d.https_url(map.get("zalo"), &path.key("zalo")),
    })
}

/// An https address with `{code}` where the procedure code goes.
fn portal_search(d: &mut Decoder, value: Option<&Value>, path: &FieldPath) -> Option<String> {
    let url = d.https_url(value, path)?;
    if url.contains("{code}") {
        return Some(url);
    }
    d.error(
        path,
        Part::Value,
        tr!(
            "the search address has no `{{code}}` for the procedure code",
            "địa chỉ tra cứu chưa có `{{code}}` để điền mã thủ tục"
        ),
        Some(tr!(
            "write where the code goes, e.g. `…?keyword={{code}}`",
            "ghi chỗ điền mã, ví dụ `…?keyword={{code}}`"
        )),
    );
    None
}

/// `offline: true`, or `offline:` with a `budget:` such as "3 MB".
fn offline(d: &mut Decoder, value: Option<&Value>, path: &FieldPath) -> Option<Offline> {
    let position = d.position(path, Part::Key);
    let budget = match value? {
        Value::Null | Value::Bool(false) => return None,
        Value::Bool(true) => Offline::DEFAULT_BUDGET,
        value @ Value::Mapping(_) => {
            let map = d.mapping(value, path, OFFLINE_FIELDS)?;
            let path = path.key("budget");
            match d.text(map.get("budget"), &path) {
                None => Offline::DEFAULT_BUDGET,
                Some(text) => match bytes(&text) {
                    Some(budget) => budget,
                    None => {
                        d.error(
                            &path,
                            Part::Value,
                            tr!(
                                "`{text}` is not a size",
                                "`{text}` không phải là một dung lượng"
                            ),
                            Some(tr!(
                                "write a number and a unit, such as 3 MB or 800 KB",
                                "viết một số và đơn vị, ví dụ 3 MB hoặc 800 KB"
                            )),
                        );
                        return None;
                    }
                },
            }
        }
        _ => {
            d.error(
                path,
                Part::Value,
                tr!(
                    "`offline` is either true, false or a `budget:`",
                    "`offline` chỉ nhận true, false hoặc một `budget:` (dung lượng)"
                ),
                Some(tr!(
                    "write `offline: true`, or `offline:` with `budget: 3 MB` on the next line",
                    "viết `offline: true`, hoặc `offline:` với `budget: 3 MB` ở dòng dưới"
                )),
            );
            return None;
        }
    };
    Some(Offline { budget, position })
}

/// "3 MB", "800 KB", "2,5 MB" (a Vietnamese decimal comma) → bytes; 1 MB = 10⁶ bytes.
fn bytes(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.trim().replace(',', ".").parse().ok()?;
    let scale = match unit.trim().to_lowercase().as_str() {
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        _ => return None,
    };
    (number.is_finite() && number > 0.0).then(|| (number * scale).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::bytes;

    #[test]
    fn sizes_are_read_with_their_unit() {
        assert_eq!(bytes("3 MB"), Some(3_000_000));
        assert_eq!(bytes("800kb"), Some(800_000));
        assert_eq!(bytes("2,5 MB"), Some(2_500_000));
        assert_eq!(bytes("3"), None);
        assert_eq!(bytes("3 MiB"), None);
        assert_eq!(bytes("0 MB"), None);
    }
}
