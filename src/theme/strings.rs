//! The interface's words, from the theme's `i18n/<language>.yaml`: nested keys such as
//! `procedure.fee`, read by Rust as `get("procedure.fee")` and by templates as `t.procedure.fee`.

use std::collections::HashMap;
use std::path::Path;

use crate::decode::yaml::{FieldPath, Value};
use crate::decode::{Decoder, Part};
use crate::diagnostics::Diagnostic;
use crate::model::config::Language;
use crate::model::keyword::Keyword;
use crate::theme::Theme;
use crate::tr;

#[derive(Debug, Clone)]
pub struct Strings {
    flat: HashMap<String, String>,
    tree: serde_json::Value,
}

impl Strings {
    /// Reads an i18n file: mappings whose leaves are texts.
    pub fn parse(file: &Path, text: &str) -> Result<Strings, Vec<Diagnostic>> {
        let mut d = Decoder::new(file, text, 1);
        let mut flat = HashMap::new();
        if let Some(value) = d.parse() {
            flatten(&mut d, &value, &FieldPath::root(), "", &mut flat);
        }
        if !d.diagnostics.is_empty() {
            return Err(d.diagnostics);
        }
        let mut tree = serde_json::Map::new();
        for (key, text) in &flat {
            insert_nested(&mut tree, key, text);
        }
        Ok(Strings {
            flat,
            tree: serde_json::Value::Object(tree),
        })
    }

    /// The strings of `theme` for `language`. A key the theme lacks takes the
    /// built-in theme's text, with a warning: an older custom theme keeps working
    /// and never shows a bare key to citizens.
    pub fn of_theme(theme: &Theme, language: Language) -> (Option<Strings>, Vec<Diagnostic>) {
        let path = format!("i18n/{}.yaml", language.key());
        let built_in = Strings::built_in(language);
        let Some(file) = theme.files.get(&path) else {
            let missing = Diagnostic::error(
                &path,
                tr!(
                    "the theme has no interface strings for this language ({path})",
                    "giao diện thiếu tệp chữ cho ngôn ngữ này ({path})"
                ),
            )
            .help(tr!(
                "add {path} to the theme; the built-in theme's file is a starting point",
                "thêm {path} vào giao diện; có thể bắt đầu từ tệp của giao diện mặc định"
            ));
            return (None, vec![missing]);
        };
        let text = String::from_utf8_lossy(&file.bytes);
        let origin = Path::new(&file.origin);
        let mut strings = match Strings::parse(origin, &text) {
            Ok(strings) => strings,
            Err(problems) => return (None, problems),
        };
        let mut missing: Vec<&str> = built_in
            .keys()
            .filter(|k| !strings.flat.contains_key(*k))
            .collect();
        missing.sort_unstable();
        let mut problems = Vec::new();
        for key in missing {
            let fallback = built_in.get(key);
            problems.push(
                Diagnostic::warning(
                    origin,
                    tr!(
                        "the theme has no interface string `{key}`",
                        "giao diện thiếu chuỗi giao diện `{key}`"
                    ),
                )
                .field(key)
                .help(tr!(
                    "add `{key}`; until then pages show the built-in text \"{fallback}\"",
                    "thêm `{key}`; trong khi chờ, trang hiện chữ mặc định \"{fallback}\""
                )),
            );
            strings.flat.insert(key.to_string(), fallback.to_string());
            insert_nested(strings.tree_map(), key, fallback);
        }
        (Some(strings), problems)
    }

    /// The built-in theme's strings for `language`.
    pub fn built_in(language: Language) -> Strings {
        Strings::for_tests(language.key())
    }

    fn tree_map(&mut self) -> &mut serde_json::Map<String, serde_json::Value> {
        match &mut self.tree {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("the tree is always an object"),
        }
    }

    /// The text for `key`; the key itself when missing (a test keeps the files complete).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.flat.get(key).map_or(key, String::as_str)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.flat.keys().map(String::as_str)
    }

    /// All strings as nested objects, for templates.
    pub fn tree(&self) -> &serde_json::Value {
        &self.tree
    }

    /// The default theme's strings for `language` (`vi`, `en`).
    pub fn for_tests(language: &str) -> Strings {
        let path = format!("i18n/{language}.yaml");
        let text = crate::theme::default_file(&path).expect("the default theme has this language");
        Strings::parse(Path::new(&path), std::str::from_utf8(text).unwrap()).expect("valid")
    }
}

fn flatten(
    d: &mut Decoder,
    value: &Value,
    path: &FieldPath,
    prefix: &str,
    flat: &mut HashMap<String, String>,
) {
    match value {
        Value::Mapping(map) => {
            for (key, value) in map {
                let Some(key) = key.as_str() else { continue };
                let full = if prefix.is_empty() {
                    key.to_string()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(d, value, &path.key(key), &full, flat);
            }
        }
        Value::String(text) => {
            flat.insert(prefix.to_string(), crate::text::nfc(text));
        }
        other => d.error(
            path,
            Part::Value,
            crate::tr!(
                "expected a text, found {}",
                "cần một đoạn chữ, nhưng gặp {}";
                crate::decode::describe(other)
            ),
            Some(crate::tr!(
                "put the text in quotes",
                "đặt đoạn chữ trong ngoặc kép"
            )),
        ),
    }
}

fn insert_nested(tree: &mut serde_json::Map<String, serde_json::Value>, key: &str, text: &str) {
    match key.split_once('.') {
        None => {
            tree.insert(key.to_string(), serde_json::Value::String(text.to_string()));
        }
        Some((head, rest)) => {
            let child = tree
                .entry(head.to_string())
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let serde_json::Value::Object(child) = child {
                insert_nested(child, rest, text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_key() {
        let vi = Strings::for_tests("vi");
        let en = Strings::for_tests("en");
        let mut vi_keys: Vec<&str> = vi.keys().collect();
        let mut en_keys: Vec<&str> = en.keys().collect();
        vi_keys.sort();
        en_keys.sort();
        assert_eq!(vi_keys, en_keys);
        assert!(vi_keys.len() > 100);
    }

    #[test]
    fn nested_for_templates() {
        let vi = Strings::for_tests("vi");
        assert_eq!(vi.get("procedure.fee"), "Phí, lệ phí");
        assert_eq!(vi.tree()["procedure"]["fee"], "Phí, lệ phí");
    }
}
