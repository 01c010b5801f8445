//! Turning parsed YAML into typed values, checking each field and reporting every
//! problem with its file position and field path.

mod channel;
pub mod config;
pub mod frontmatter;
pub mod local;
pub mod offices;
pub mod page;
mod plausible;
mod record;
pub mod shorthand;
pub mod suggest;
pub mod synonyms;
mod video;
pub mod yaml;

pub use record::{decode_record, locate_in_record};

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Position, Text};
use crate::model::keyword::Keyword;
use crate::model::record::Date;
use crate::text::nfc;
use crate::tr;
use suggest::help_for;
use yaml::{FieldPath, Mapping, Outline, Value};

/// Which part of a field a diagnostic points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Key,
    Value,
}

/// Walks one YAML document of one file, collecting diagnostics.
pub struct Decoder<'a> {
    file: PathBuf,
    yaml: &'a str,
    /// 1-based line of the file where `yaml` starts.
    first_line: usize,
    /// Built on the first diagnostic: clean files never need positions.
    outline: std::cell::OnceCell<Outline>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The parser's words for a whole number beyond 64 bits, which YAML values cannot hold.
fn huge_number(message: &str) -> bool {
    message.contains(" as u128") || message.contains(" as i128")
}

impl<'a> Decoder<'a> {
    pub fn new(file: &Path, yaml: &'a str, first_line: usize) -> Self {
        Decoder {
            file: file.to_path_buf(),
            yaml,
            first_line,
            outline: std::cell::OnceCell::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Parses the document, reporting a syntax error at its place in the file.
    pub fn parse(&mut self) -> Option<Value> {
        match yaml::parse(self.yaml) {
            Ok(value) => Some(value),
            Err(e) => {
                let position = e.line.and_then(|line| {
                    Position::at_char(self.yaml, line, e.column.unwrap_or(1)).map(|p| self.shift(p))
                });
                let help = if e.message.contains("repetition limit") {
                    tr!(
                        "write the values out instead of repeating them with YAML aliases (`*name`)",
                        "viết đủ từng giá trị thay vì lặp lại bằng bí danh YAML (`*ten`)"
                    )
                } else if huge_number(&e.message) {
                    tr!(
                        "if this is a code or an account number, put it in quotes (`\"…\"`); an amount or a count is never this long",
                        "nếu đây là mã số hoặc số tài khoản, đặt nó trong ngoặc kép (`\"…\"`); số tiền hay số lượng không dài như vậy"
                    )
                } else if e.message.contains("nested") || e.message.contains("recursion limit") {
                    tr!(
                        "records nest a few levels deep at most; look for unclosed `[` or `{{`",
                        "hồ sơ chỉ lồng vài cấp; tìm dấu `[` hoặc `{{` chưa đóng"
                    )
                } else if position
                    .as_ref()
                    .is_some_and(|p| p.underlined().starts_with('\t'))
                {
                    tr!(
                        "indent with spaces: YAML does not allow a tab here",
                        "thụt lề bằng dấu cách: YAML không cho dùng phím tab ở đây"
                    )
                } else {
                    tr!(
                        "check the quotes, colons and indentation on this line or the one above",
                        "kiểm tra dấu ngoặc kép, dấu hai chấm và thụt lề ở dòng này hoặc dòng trên"
                    )
                };
                if let Some(placed) = self.placed_at_its_cause(&e) {
                    self.diagnostics.push(placed);
                    return None;
                }
                // sotay's nesting guard speaks both languages; the parser's words are
                // said in Vietnamese by `yaml::words`.
                let message = if e.too_deep {
                    let depth = yaml::MAX_DEPTH;
                    tr!(
                        "invalid YAML: values are nested more than {depth} levels deep",
                        "YAML không hợp lệ: các giá trị lồng nhau quá {depth} cấp"
                    )
                } else if huge_number(&e.message) {
                    tr!(
                        "invalid YAML: the number is too long to be read (more than 19 digits)",
                        "YAML không hợp lệ: số quá dài, không đọc được (hơn 19 chữ số)"
                    )
                } else {
                    tr!("invalid YAML: {}", "YAML không hợp lệ: {}"; yaml::words::of(&e.message))
                };
                self.diagnostics.push(
                    Diagnostic::error(&self.file, message)
                        .at(position)
                        .help(help),
                );
                None
            }
        }
    }

    /// A syntax error placed where it was made rather than where the parser noticed
    /// it: the second of two equal keys, the quote of a string left open, or the
    /// bracket of a list left open.
    fn placed_at_its_cause(&self, e: &yaml::SyntaxError) -> Option<Diagnostic> {
        let (line, column) = (e.line?, e.column?);
        if let Some((within, key)) = yaml::duplicate_key(&e.message) {
            let field = match within {
                "" => key.to_string(),
                path => format!("{path}.{key}"),
            };
            let (at, range) = yaml::culprit::second_key(self.yaml, line, column, key)?;
            let source = self.yaml.lines().nth(at - 1)?;
            let position = self.shift(Position::in_line(at, source, range));
            return Some(
                Diagnostic::error(
                    &self.file,
                    tr!(
                        "invalid YAML: the key `{key}` appears a second time here",
                        "YAML không hợp lệ: khóa `{key}` xuất hiện lần thứ hai ở đây"
                    ),
                )
                .at(Some(position))
                .field(field)
                .help(tr!(
                    "keep one `{key}:` and delete or rename the other",
                    "giữ một dòng `{key}:` và xóa hoặc đổi tên dòng kia"
                )),
            );
        }
        if let Some((at, start)) = yaml::culprit::open_quote_before(self.yaml, line) {
            return self.unclosed_quote(e, (at, start), (line, column));
        }
        self.unclosed_bracket(e)
    }

    /// A string whose quote, opened at line `at` (1-based) and byte `start`, runs on
    /// to where the parser noticed a problem, at `line` and `column`.
    fn unclosed_quote(
        &self,
        e: &yaml::SyntaxError,
        (at, start): (usize, usize),
        (line, column): (usize, usize),
    ) -> Option<Diagnostic> {
        let source = self.yaml.lines().nth(at - 1)?;
        let position = self.shift(Position::in_line(at, source, start..start + 1));
        let noticed = Text::same((line + self.first_line - 1).to_string());
        let column = Text::same(column.to_string());
        Some(
            Diagnostic::error(
                &self.file,
                tr!(
                    "invalid YAML: the string that starts here is not closed (the parser noticed at line {}, column {}: {})",
                    "YAML không hợp lệ: chuỗi bắt đầu ở đây chưa đóng dấu nháy (trình đọc nhận ra ở dòng {}, cột {}: {})";
                    noticed, column, yaml::words::of(&e.message)
                ),
            )
            .at(Some(position))
            .help(tr!(
                "close the quote at the end of the value",
                "thêm dấu nháy đóng ở cuối giá trị"
            )),
        )
    }

    /// A `[` or `{` list the parser read on into the next lines (or to the end)
    /// without finding its `,` or closing bracket: shown at the bracket, where the
    /// fix goes, rather than at the line the parser gave up on.
    fn unclosed_bracket(&self, e: &yaml::SyntaxError) -> Option<Diagnostic> {
        let (open, close) = if e.message.starts_with("did not find expected ',' or ']'") {
            ('[', ']')
        } else if e.message.starts_with("did not find expected ',' or '}'") {
            ('{', '}')
        } else {
            return None;
        };
        let (line, column) = e.began?;
        let position = Position::at_char(self.yaml, line, column)?;
        if !position.underlined().starts_with(open) {
            return None;
        }
        Some(
            Diagnostic::error(
                &self.file,
                tr!(
                    "invalid YAML: the `{open}` that opens here is not closed with `{close}`",
                    "YAML không hợp lệ: dấu `{open}` mở ở đây chưa được đóng bằng `{close}`"
                ),
            )
            .at(Some(self.shift(position)))
            .help(tr!(
                "put `{close}` after the last item, and `,` between items",
                "thêm `{close}` sau mục cuối cùng, và dấu `,` giữa các mục"
            )),
        )
    }

    fn shift(&self, mut position: Position) -> Position {
        position.line += self.first_line - 1;
        position
    }

    /// Where `path` is in the file; the nearest found ancestor when it is not.
    pub fn position(&self, path: &FieldPath, part: Part) -> Option<Position> {
        let outline = self.outline.get_or_init(|| Outline::scan(self.yaml));
        let entry = outline.find(path)?;
        let line = self.yaml.lines().nth(entry.line)?;
        // When `path` is a sub-field of a shorthand (`time: "5 ngày"` for `time.text`),
        // the ancestor's value is the text in question.
        let range = match (part, &entry.value) {
            (Part::Value, Some(value)) => value.clone(),
            _ => entry.key.clone(),
        };
        Some(self.shift(Position::in_line(entry.line + 1, line, range)))
    }

    pub fn report(&mut self, diagnostic: Diagnostic, path: &FieldPath, part: Part) {
        let position = self.position(path, part).or_else(|| self.fence_position());
        self.diagnostics
            .push(diagnostic.at(position).field(path.to_string()));
    }

    /// The opening `---` of a Markdown record, for problems of the record as a whole.
    pub(crate) fn fence_position(&self) -> Option<Position> {
        (self.first_line > 1).then(|| Position::in_line(1, "---", 0..3))
    }

    pub fn error(&mut self, path: &FieldPath, part: Part, message: Text, help: Option<Text>) {
        let mut d = Diagnostic::error(&self.file, message);
        d.help = help;
        self.report(d, path, part);
    }

    pub fn warning(&mut self, path: &FieldPath, part: Part, message: Text, help: Option<Text>) {
        let mut d = Diagnostic::warning(&self.file, message);
        d.help = help;
        self.report(d, path, part);
    }

    /// The mapping at `path`, reporting keys that are not in `known`.
    pub fn mapping<'v>(
        &mut self,
        value: &'v Value,
        path: &FieldPath,
        known: &[&str],
    ) -> Option<&'v Mapping> {
        let Value::Mapping(map) = value else {
            let found = describe(value);
            self.error(
                path,
                Part::Value,
                tr!(
                    "expected fields (`key: value` lines), found {}",
                    "cần các trường (dòng `tên: giá trị`), nhưng gặp {}";
                    found
                ),
                None,
            );
            return None;
        };
        for key in map.keys() {
            match key.as_str() {
                Some(k) if known.contains(&k) => {}
                Some(k) => {
                    let help = help_for(k, known);
                    let help = if known.contains(&"extra") {
                        tr!(
                            "{} (free-form data goes under `extra:`)",
                            "{} (dữ liệu tự do đặt dưới `extra:`)";
                            help
                        )
                    } else {
                        help
                    };
                    self.error(
                        &path.key(k),
                        Part::Key,
                        tr!("unknown field `{k}`", "không có trường `{k}`"),
                        Some(help),
                    );
                }
                None => {
                    let found = describe(key);
                    self.error(
                        path,
                        Part::Value,
                        tr!(
                            "field names must be text, found {}",
                            "tên trường phải là chữ, nhưng gặp {}";
                            found
                        ),
                        None,
                    )
                }
            }
        }
        Some(map)
    }

    /// Text at `path`; numbers and booleans are taken as written. Empty text is absent.
    pub fn text(&mut self, value: Option<&Value>, path: &FieldPath) -> Option<String> {
        let text = match value? {
            Value::Null => return None,
            Value::String(s) => nfc(s.trim()),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => {
                let found = describe(other);
                self.error(
                    path,
                    Part::Value,
                    tr!(
                        "expected text, found {}",
                        "cần một đoạn chữ, nhưng gặp {}";
                        found
                    ),
                    Some(tr!(
                        "write the value on one line, in quotes if it contains `:` or `#`",
                        "viết giá trị trên một dòng, trong ngoặc kép nếu có `:` hoặc `#`"
                    )),
                );
                return None;
            }
        };
        (!text.is_empty()).then_some(text)
    }

    pub fn required_text(
        &mut self,
        map: &Mapping,
        parent: &FieldPath,
        key: &str,
    ) -> Option<String> {
        let path = parent.key(key);
        let text = self.text(map.get(key), &path);
        // A list or a mapping was already reported by `text`; say "missing" only for
        // an absent, null or empty value.
        let wrong_shape = matches!(
            map.get(key),
            Some(Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_))
        );
        if text.is_none() && !wrong_shape {
            self.error(
                &path,
                Part::Key,
                tr!(
                    "`{key}` is missing or empty",
                    "thiếu `{key}` hoặc `{key}` để trống"
                ),
                Some(tr!("add a line `{key}: \"…\"`", "thêm dòng `{key}: \"…\"`")),
            );
        }
        text
    }

    /// A list of texts; a single text is a list of one.
    pub fn text_list(&mut self, value: Option<&Value>, path: &FieldPath) -> Vec<String> {
        self.list(value, path, |d, item, item_path| {
            d.text(Some(item), item_path)
        })
    }

    /// Items of a sequence decoded by `item`; a single value is a list of one.
    pub fn list<T>(
        &mut self,
        value: Option<&Value>,
        path: &FieldPath,
        mut item: impl FnMut(&mut Self, &Value, &FieldPath) -> Option<T>,
    ) -> Vec<T> {
        match value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| item(self, v, &path.index(i)))
                .collect(),
            Some(single) => item(self, single, path).into_iter().collect(),
        }
    }

    pub fn keyword<K: Keyword>(&mut self, value: Option<&Value>, path: &FieldPath) -> Option<K> {
        let text = self.text(value, path)?;
        let parsed = K::parse(&text);
        if parsed.is_none() {
            self.error(
                path,
                Part::Value,
                tr!(
                    "`{text}` is not a valid value here",
                    "`{text}` không phải giá trị hợp lệ ở đây"
                ),
                Some(K::suggest(&text)),
            );
        }
        parsed
    }

    pub fn keyword_list<K: Keyword>(&mut self, value: Option<&Value>, path: &FieldPath) -> Vec<K> {
        self.list(value, path, |d, item, item_path| {
            d.keyword(Some(item), item_path)
        })
    }

    /// `true` or `false`; absent is false.
    pub fn flag(&mut self, value: Option<&Value>, path: &FieldPath) -> bool {
        match value {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                let found = describe(other);
                self.error(
                    path,
                    Part::Value,
                    tr!(
                        "expected true or false, found {}",
                        "cần true hoặc false, nhưng gặp {}";
                        found
                    ),
                    None,
                );
                false
            }
        }
    }

    /// A whole number ≥ 0.
    pub fn count(&mut self, value: Option<&Value>, path: &FieldPath) -> Option<u64> {
        match value? {
            Value::Null => None,
            Value::Number(n) if n.as_u64().is_some() => n.as_u64(),
            other => {
                let found = describe(other);
                self.error(
                    path,
                    Part::Value,
                    tr!(
                        "expected a whole number, found {}",
                        "cần một số nguyên, nhưng gặp {}";
                        found
                    ),
                    Some(tr!(
                        "write digits only, without separators or units",
                        "chỉ viết chữ số, không có dấu phân cách hay đơn vị"
                    )),
                );
                None
            }
        }
    }

    pub fn date(&mut self, value: Option<&Value>, path: &FieldPath) -> Option<Date> {
        let text = self.text(value, path)?;
        let date = Date::parse(&text);
        if date.is_none() {
            self.error(
                path,
                Part::Value,
                tr!(
                    "`{text}` is not a date",
                    "`{text}` không phải là ngày tháng"
                ),
                Some(tr!(
                    "write the date as 2026-11-20 (year-month-day) or 20/11/2026",
                    "viết ngày dạng 2026-11-20 (năm-tháng-ngày) hoặc 20/11/2026"
                )),
            );
        }
        date
    }

    /// An absolute http(s) URL.
    pub fn url(&mut self, value: Option<&Value>, path: &FieldPath) -> Option<String> {
        let text = self.text(value, path)?;
        let ok = (text.starts_with("https://") || text.starts_with("http://"))
            && !text.contains(char::is_whitespace);
        if !ok {
            self.error(
                path,
                Part::Value,
                tr!(
                    "`{text}` is not a web address",
                    "`{text}` không phải địa chỉ web"
                ),
                Some(tr!(
                    "write a full address starting with https://",
                    "viết đầy đủ địa chỉ, bắt đầu bằng https://"
                )),
            );
            return None;
        }
        Some(text)
    }

    /// An absolute `https://` URL: for links a handbook sends citizens to on another
    /// site (videos, Zalo), where a plain `http://` page can be altered on the way.
    pub fn https_url(&mut self, value: Option<&Value>, path: &FieldPath) -> Option<String> {
        let url = self.url(value, path)?;
        if let Some(rest) = url.strip_prefix("http://") {
            self.error(
                path,
                Part::Value,
                tr!(
                    "`{url}` is not a secure (https) address",
                    "`{url}` không phải địa chỉ an toàn (https)"
                ),
                Some(tr!(
                    "write `https://{rest}` if the site offers it, or link to a copy that does",
                    "viết `https://{rest}` nếu trang có hỗ trợ, hoặc dẫn tới bản có https"
                )),
            );
            return None;
        }
        Some(url)
    }
}

/// What a value is, for messages: "a list", "a number (5)".
pub fn describe(value: &Value) -> Text {
    match value {
        Value::Null => tr!("nothing", "giá trị trống"),
        Value::Bool(b) => Text::same(format!("`{b}`")),
        Value::Number(n) => tr!("a number ({n})", "một số ({n})"),
        Value::String(s) => tr!("text (\"{s}\")", "đoạn chữ (\"{s}\")"),
        Value::Sequence(_) => tr!("a list", "một danh sách"),
        Value::Mapping(_) => tr!("a group of fields", "một nhóm trường"),
        Value::Tagged(t) => {
            let tag = &t.tag;
            tr!("a tagged value (!{tag})", "giá trị có thẻ (!{tag})")
        }
    }
}
