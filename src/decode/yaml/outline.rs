//! Where each field of a block-style YAML document sits, by field path.
//!
//! yaml_serde parses the document but keeps no positions for values that parse
//! fine, and staff need the line of a misspelt key or a bad enum value. This scanner
//! reads the indentation structure that records use (block mappings and sequences,
//! one-line flow sequences) and maps `channels[1].fee` to its line. It only decides
//! where a caret goes: when it cannot follow a construct, lookups fall back to the
//! nearest parent it did find.

use std::collections::HashMap;
use std::ops::Range;

use super::path::FieldPath;

/// Where one field is: 0-based line within the YAML text, the byte range of its key
/// (or of the `-` of a sequence item) and of its value when the value is on that line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub line: usize,
    pub key: Range<usize>,
    pub value: Option<Range<usize>>,
}

#[derive(Debug, Default)]
pub struct Outline {
    entries: HashMap<String, Entry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
}

#[derive(Debug)]
struct Frame {
    column: usize,
    kind: Kind,
    path: FieldPath,
    next_index: usize,
}

impl Outline {
    pub fn scan(yaml: &str) -> Outline {
        let mut scanner = Scanner::default();
        for (line_no, line) in yaml.lines().enumerate() {
            scanner.line(line_no, line);
        }
        Outline {
            entries: scanner.entries,
        }
    }

    /// The entry of `path`, or of its nearest ancestor that was found.
    pub fn find(&self, path: &FieldPath) -> Option<&Entry> {
        let mut path = path.clone();
        loop {
            if let Some(entry) = self.entries.get(&path.to_string()) {
                return Some(entry);
            }
            path = path.parent()?;
        }
    }

    /// The entry of exactly `path`.
    #[cfg(test)]
    fn get(&self, path: &FieldPath) -> Option<&Entry> {
        self.entries.get(&path.to_string())
    }
}

#[derive(Default)]
struct Scanner {
    stack: Vec<Frame>,
    /// Path of the last key or item whose value continues on the following lines.
    pending: Option<FieldPath>,
    /// Lines indented deeper than this belong to a scalar (block or multi-line).
    skip_deeper_than: Option<usize>,
    entries: HashMap<String, Entry>,
}

impl Scanner {
    fn line(&mut self, line_no: usize, line: &str) {
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        if content.trim().is_empty() {
            return;
        }
        if let Some(limit) = self.skip_deeper_than {
            if indent > limit {
                return;
            }
            self.skip_deeper_than = None;
        }
        if content.starts_with('#') || content.starts_with("---") {
            return;
        }
        self.node(line_no, line, indent);
    }

    /// A node starting at byte `column` of `line`: a sequence item, a key, or a scalar.
    fn node(&mut self, line_no: usize, line: &str, column: usize) {
        let content = &line[column..];
        if content == "-" || content.starts_with("- ") {
            let path = self.sequence_item(column);
            self.entries.insert(
                path.to_string(),
                Entry {
                    line: line_no,
                    key: column..column + 1,
                    value: None,
                },
            );
            let rest = &content[1..];
            let inner = rest.trim_start_matches(' ');
            if inner.is_empty() || inner.starts_with('#') {
                self.pending = Some(path);
                return;
            }
            let inner_column = column + 1 + (rest.len() - inner.len());
            if split_key(inner).is_some() || inner == "-" || inner.starts_with("- ") {
                self.pending = Some(path);
                self.node(line_no, line, inner_column);
            } else {
                let value = value_range(line, inner_column);
                self.scalar_value(line_no, line, &path, value, column);
            }
            return;
        }
        let Some((key, after_colon)) = split_key(content) else {
            return;
        };
        let path = self.mapping_key(column, &key);
        let value_start = column + after_colon;
        let value = value_range(line, value_start);
        self.entries.insert(
            path.to_string(),
            Entry {
                line: line_no,
                key: column..column + after_colon - 1,
                value: value.clone(),
            },
        );
        match value {
            None => self.pending = Some(path),
            Some(range) => self.scalar_value(line_no, line, &path, Some(range), column),
        }
    }

    fn scalar_value(
        &mut self,
        line_no: usize,
        line: &str,
        path: &FieldPath,
        value: Option<Range<usize>>,
        column: usize,
    ) {
        if let Some(entry) = self.entries.get_mut(&path.to_string()) {
            entry.value = value.clone();
        }
        let Some(range) = value else { return };
        let text = &line[range.clone()];
        if text.starts_with('[') {
            for (i, item) in flow_items(text).into_iter().enumerate() {
                let item = range.start + item.start..range.start + item.end;
                self.entries.insert(
                    path.index(i).to_string(),
                    Entry {
                        line: line_no,
                        key: item.clone(),
                        value: Some(item),
                    },
                );
            }
        }
        // Whatever follows more deeply indented is the rest of this value
        // (a block scalar, a wrapped string or a wrapped flow list).
        self.skip_deeper_than = Some(column);
        self.pending = None;
    }

    fn sequence_item(&mut self, column: usize) -> FieldPath {
        while self.stack.last().is_some_and(|top| top.column > column) {
            self.stack.pop();
        }
        if let Some(top) = self.stack.last_mut()
            && top.column == column
            && top.kind == Kind::Seq
        {
            let index = top.next_index;
            top.next_index += 1;
            return top.path.index(index);
        }
        let parent = self.parent_path();
        self.stack.push(Frame {
            column,
            kind: Kind::Seq,
            path: parent.clone(),
            next_index: 1,
        });
        parent.index(0)
    }

    fn mapping_key(&mut self, column: usize, key: &str) -> FieldPath {
        // A sequence written at its parent key's indentation ends at the next key there.
        while self.stack.last().is_some_and(|top| {
            top.column > column || (top.column == column && top.kind == Kind::Seq)
        }) {
            self.stack.pop();
        }
        let opens_mapping = self.stack.last().is_none_or(|top| top.column < column);
        if opens_mapping {
            let parent = self.parent_path();
            self.stack.push(Frame {
                column,
                kind: Kind::Map,
                path: parent,
                next_index: 0,
            });
        }
        let parent = &self.stack.last().expect("a frame was pushed").path;
        parent.key(key)
    }

    fn parent_path(&mut self) -> FieldPath {
        self.pending
            .take()
            .or_else(|| self.stack.last().map(|f| f.path.clone()))
            .unwrap_or_default()
    }
}

/// `key: value` → the unquoted key and the byte offset just past its colon.
fn split_key(content: &str) -> Option<(String, usize)> {
    let (key, after_key) = match content.chars().next()? {
        quote @ ('"' | '\'') => {
            let end = content[1..].find(quote)? + 1;
            (content[1..end].to_string(), end + 1)
        }
        '[' | '{' | '|' | '>' | '&' | '*' | '!' | '%' | '@' | '`' | '#' => return None,
        _ => {
            let colon = content
                .match_indices(':')
                .map(|(i, _)| i)
                .find(|&i| content[i + 1..].is_empty() || content[i + 1..].starts_with(' '))?;
            (content[..colon].trim_end().to_string(), colon)
        }
    };
    let rest = &content[after_key..];
    let rest_trimmed = rest.trim_start_matches(' ');
    let colon_at = after_key + (rest.len() - rest_trimmed.len());
    if !rest_trimmed.starts_with(':') {
        return None;
    }
    let after = &rest_trimmed[1..];
    (after.is_empty() || after.starts_with(' ')).then_some((key, colon_at + 1))
}

/// The byte range of the value starting at or after `start`, without a trailing comment.
fn value_range(line: &str, start: usize) -> Option<Range<usize>> {
    let rest = &line[start..];
    let trimmed = rest.trim_start_matches(' ');
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let begin = start + (rest.len() - trimmed.len());
    let mut end = line.len();
    if !trimmed.starts_with('"') && !trimmed.starts_with('\'') {
        if let Some(comment) = trimmed.find(" #") {
            end = begin + comment;
        }
    } else if let Some(close) = closing_quote(trimmed) {
        end = begin + close + 1;
    }
    let end = begin + line[begin..end].trim_end().len();
    Some(begin..end)
}

fn closing_quote(text: &str) -> Option<usize> {
    let quote = text.chars().next()?;
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            return Some(i);
        }
    }
    None
}

/// Byte ranges of the items of a one-line flow sequence `[a, "b, c", d]`.
fn flow_items(text: &str) -> Vec<Range<usize>> {
    let mut items = Vec::new();
    let Some(inner_end) = text.rfind(']') else {
        return items;
    };
    let mut start = 1;
    let mut quote: Option<char> = None;
    let mut depth = 0;
    for (i, c) in text[..inner_end].char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                push_trimmed(&mut items, text, start..i);
                start = i + 1;
            }
            _ => {}
        }
    }
    push_trimmed(&mut items, text, start..inner_end);
    items
}

fn push_trimmed(items: &mut Vec<Range<usize>>, text: &str, range: Range<usize>) {
    let slice = &text[range.clone()];
    let lead = slice.len() - slice.trim_start().len();
    let trimmed_len = slice.trim().len();
    if trimmed_len > 0 {
        items.push(range.start + lead..range.start + lead + trimmed_len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(s: &str) -> FieldPath {
        let mut p = FieldPath::root();
        for part in s.split('.') {
            let (key, index) = match part.split_once('[') {
                Some((k, i)) => (k, Some(i.trim_end_matches(']').parse().unwrap())),
                None => (part, None),
            };
            p = p.key(key);
            if let Some(i) = index {
                p = p.index(i);
            }
        }
        p
    }

    fn where_is(yaml: &str, field: &str) -> (usize, String) {
        let outline = Outline::scan(yaml);
        let entry = outline
            .get(&path(field))
            .unwrap_or_else(|| panic!("{field} not found"));
        let line = yaml.lines().nth(entry.line).unwrap();
        let range = entry.value.clone().unwrap_or(entry.key.clone());
        (entry.line, line[range].to_string())
    }

    const RECORD: &str = r#"code: "1.000593"
title: |-
  Thủ tục: đăng ký
  kết hôn lưu động
levels: [commune, "district"]
channels:
  - via: in_person
    time:
      text: "5 Ngày làm việc"   # comment
      value: 5
    fee: "50.000 đồng"
  - via: online
    fee:
      amount: 0
documents:
- name: Tờ khai
  forms:
    - "Mẫu TP-HT-01.docx"
- "Giấy tờ tùy thân"
audience:
  - citizen
"#;

    #[test]
    fn finds_nested_fields_and_items() {
        assert_eq!(where_is(RECORD, "code"), (0, "\"1.000593\"".into()));
        assert_eq!(
            where_is(RECORD, "channels[0].time.text"),
            (8, "\"5 Ngày làm việc\"".into())
        );
        assert_eq!(
            where_is(RECORD, "channels[0].fee"),
            (10, "\"50.000 đồng\"".into())
        );
        assert_eq!(where_is(RECORD, "channels[1].fee.amount"), (13, "0".into()));
        assert_eq!(where_is(RECORD, "channels[1].via"), (11, "online".into()));
    }

    #[test]
    fn sequences_at_the_keys_indentation() {
        assert_eq!(
            where_is(RECORD, "documents[0].name"),
            (15, "Tờ khai".into())
        );
        assert_eq!(
            where_is(RECORD, "documents[0].forms[0]"),
            (17, "\"Mẫu TP-HT-01.docx\"".into())
        );
        assert_eq!(
            where_is(RECORD, "documents[1]"),
            (18, "\"Giấy tờ tùy thân\"".into())
        );
        assert_eq!(where_is(RECORD, "audience[0]"), (20, "citizen".into()));
    }

    #[test]
    fn flow_items_and_block_scalars() {
        assert_eq!(where_is(RECORD, "levels[1]"), (4, "\"district\"".into()));
        // The block scalar's second line `kết hôn lưu động` is not a key.
        assert_eq!(
            where_is(RECORD, "levels"),
            (4, "[commune, \"district\"]".into())
        );
    }

    #[test]
    fn unknown_paths_fall_back_to_the_parent() {
        let outline = Outline::scan(RECORD);
        assert_eq!(
            outline.find(&path("channels[0].time.unit")).unwrap().line,
            7
        );
    }
}
