//! Decoding a free page of `content/pages/` into a [`FreePage`].

use std::path::Path;

use super::frontmatter;
use super::yaml::{FieldPath, Value};
use super::{Decoder, Part};
use crate::diagnostics::{Diagnostic, Position};
use crate::model::page::FreePage;
use crate::text::slugify;
use crate::tr;

pub fn decode_page(file: &Path, text: &str) -> (Option<FreePage>, Vec<Diagnostic>) {
    let split = match frontmatter::split(text) {
        Ok(split) => split,
        Err(e) => {
            let first = text.lines().next().unwrap_or_default();
            let d = Diagnostic::error(file, e.text())
                .at(Some(Position::in_line(1, first, 0..first.len().max(1))))
                .help(tr!(
                    "start the page with `---`, a line `title: \"…\"`, and another `---`",
                    "mở đầu trang bằng `---`, một dòng `title: \"…\"` và thêm một dòng `---`"
                ));
            return (None, vec![d]);
        }
    };
    let mut d = Decoder::new(file, split.yaml, split.yaml_line);
    let root = FieldPath::root();
    let page = d.parse().and_then(|value| {
        let map = d.mapping(&value, &root, &["title", "description", "weight", "slug"])?;
        let title = d.required_text(map, &root, "title")?;
        let weight = match map.get("weight") {
            None | Some(Value::Null) => 0,
            Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64().unwrap_or(0),
            Some(_) => {
                d.error(
                    &root.key("weight"),
                    Part::Value,
                    tr!(
                        "`weight` must be a whole number",
                        "`weight` phải là số nguyên"
                    ),
                    Some(tr!(
                        "e.g. `weight: 10`; lower comes first in the menu",
                        "ví dụ `weight: 10`; số nhỏ đứng trước trong trình đơn"
                    )),
                );
                0
            }
        };
        let slug = match d.text(map.get("slug"), &root.key("slug")) {
            Some(slug) => slugify(&slug),
            None => slugify(&file.file_stem().unwrap_or_default().to_string_lossy()),
        };
        Some(FreePage {
            file: file.to_path_buf(),
            slug,
            title,
            description: d.text(map.get("description"), &root.key("description")),
            weight,
            body: split.body.to_string(),
            body_line: split.body_line,
        })
    });
    (page, d.diagnostics)
}
