//! Problems found in a handbook, and the three ways sotay prints them: rustc-style
//! for people, JSON lines for tools, GitHub workflow annotations for CI. Every
//! message is written in both languages sotay speaks; the handbook's language picks
//! one when it is printed.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::{Deserialize, Serialize};

pub use crate::model::config::Language;

/// A message in English and Vietnamese. Write it with [`tr!`](crate::tr).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Text {
    pub en: String,
    pub vi: String,
}

impl Text {
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::En => &self.en,
            Language::Vi => &self.vi,
        }
    }

    /// The same words in both languages: a name, a path, a message from the system.
    pub fn same(text: impl Into<String>) -> Text {
        let text = text.into();
        Text {
            en: text.clone(),
            vi: text,
        }
    }

    /// What the system said of a failed read or write: in Vietnamese, what the
    /// kind of failure means, with the system's own words after it (they are what
    /// a web search or an administrator recognises).
    pub fn of_system(error: &std::io::Error) -> Text {
        use std::io::ErrorKind as Kind;
        let system = error.to_string();
        let meaning = match error.kind() {
            Kind::NotFound => "không tìm thấy",
            Kind::PermissionDenied => "không có quyền",
            Kind::AlreadyExists => "đã có",
            Kind::StorageFull => "đĩa đã đầy",
            Kind::QuotaExceeded => "đã dùng hết hạn mức đĩa",
            Kind::ReadOnlyFilesystem => "ổ đĩa chỉ cho đọc",
            Kind::IsADirectory => "đây là một thư mục",
            Kind::NotADirectory => "đây không phải thư mục",
            Kind::DirectoryNotEmpty => "thư mục không trống",
            Kind::FileTooLarge => "tệp quá lớn",
            Kind::InvalidData => "dữ liệu không hợp lệ",
            Kind::UnexpectedEof => "tệp bị cắt ngắn",
            Kind::TimedOut => "quá thời gian chờ",
            Kind::Interrupted => "bị ngắt",
            Kind::InvalidFilename => "tên tệp không hợp lệ",
            Kind::CrossesDevices => "nằm trên ổ đĩa khác",
            Kind::ResourceBusy => "đang bị chương trình khác dùng",
            Kind::AddrInUse => "cổng này đang được dùng",
            Kind::AddrNotAvailable => "máy này không có địa chỉ đó",
            _ => return Text::same(system),
        };
        Text {
            vi: format!("{meaning} ({system})"),
            en: system,
        }
    }
}

/// `tr!("unknown field `{k}`", "không có trường `{k}`")`: a [`Text`] in English and
/// Vietnamese, both formatted with the variables in scope. Texts after a `;` fill the
/// `{}`s, each in its own language: `tr!("found {}", "gặp {}"; describe(value))`.
#[macro_export]
macro_rules! tr {
    ($en:literal, $vi:literal $(,)?) => {
        $crate::diagnostics::Text {
            en: format!($en),
            vi: format!($vi),
        }
    };
    ($en:literal, $vi:literal; $($text:expr),+ $(,)?) => {
        $crate::diagnostics::Text {
            en: format!($en, $(&$text.en),+),
            vi: format!($vi, $(&$text.vi),+),
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where in a file a problem is: 1-based line and column (in characters), plus the
/// text of that line so the problem can be shown without reading the file again.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub source_line: String,
    /// Byte range within `source_line` to underline.
    pub underline: std::ops::Range<usize>,
}

impl Position {
    /// A position from a 1-based line and a byte range inside that line's text.
    pub fn in_line(line: usize, source_line: &str, underline: std::ops::Range<usize>) -> Self {
        let start = floor_char_boundary(source_line, underline.start.min(source_line.len()));
        let end = floor_char_boundary(source_line, underline.end.clamp(start, source_line.len()));
        Position {
            line,
            column: source_line[..start].chars().count() + 1,
            source_line: source_line.to_string(),
            underline: start..end,
        }
    }

    /// A position at a 1-based line and character column of `text`.
    pub fn at_char(text: &str, line: usize, column: usize) -> Option<Self> {
        let source_line = text.lines().nth(line.checked_sub(1)?)?;
        let start = source_line
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(source_line.len(), |(i, _)| i);
        let end = source_line[start..]
            .char_indices()
            .nth(1)
            .map_or(source_line.len(), |(i, _)| start + i);
        Some(Position::in_line(line, source_line, start..end))
    }

    /// The text the position underlines.
    pub fn underlined(&self) -> &str {
        &self.source_line[self.underline.clone()]
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, as staff see it in their editor.
    pub file: PathBuf,
    pub position: Option<Position>,
    /// Field path inside the record, such as `channels[1].fee.amount`.
    pub field: Option<String>,
    pub message: Text,
    /// How to fix it.
    pub help: Option<Text>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: Text) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            position: None,
            field: None,
            message,
            help: None,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, message: Text) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn at(mut self, position: Option<Position>) -> Self {
        self.position = position;
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        self.field = (!field.is_empty()).then_some(field);
        self
    }

    pub fn help(mut self, help: Text) -> Self {
        self.help = Some(help);
        self
    }

    fn line(&self) -> usize {
        self.position.as_ref().map_or(0, |p| p.line)
    }

    fn column(&self) -> usize {
        self.position.as_ref().map_or(0, |p| p.column)
    }
}

/// Every problem found in one run, errors and warnings together.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Makes the warnings about `field` errors (as `check --strict` does).
    pub fn escalate(&mut self, field: &str) {
        for d in &mut self.items {
            if d.field.as_deref() == Some(field) {
                d.severity = Severity::Error;
            }
        }
        self.sort();
    }

    /// Errors before warnings, then by file and position, so output is stable across runs.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (a.severity, &a.file, a.line(), a.column(), &a.message).cmp(&(
                b.severity,
                &b.file,
                b.line(),
                b.column(),
                &b.message,
            ))
        });
    }
}

/// Output formats of `sotay check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// Every diagnostic in `format`, in `language`; people also get a count at the end.
pub fn render(diagnostics: &Diagnostics, format: Format, language: Language) -> String {
    let mut out = String::new();
    for d in diagnostics.iter() {
        let line = match format {
            Format::Human => render_human(d, language),
            Format::Json => render_json(d, language),
            Format::Github => render_github(d, language),
        };
        out.push_str(&line);
        out.push('\n');
    }
    if format == Format::Human {
        let _ = writeln!(out, "{}", summary(diagnostics, language));
    }
    out
}

/// [`render`] for people, with at most `per_kind` warnings of each kind (about the
/// same field, whichever item of a list): a handbook imported without offices
/// gives one warning per record, and ten thousand alike hide what else was said
/// (and took a tenth of a rebuild to print). Errors are all shown; the warnings
/// left out are counted, kind by kind.
pub fn render_brief(diagnostics: &Diagnostics, language: Language, per_kind: usize) -> String {
    let mut left: Vec<(String, usize)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = String::new();
    for d in diagnostics.iter() {
        if d.severity == Severity::Warning {
            let kind = match &d.field {
                Some(field) => format!("{} `{}`", words(language).field, without_indices(field)),
                None => format!("\"{}\"", d.message.get(language)),
            };
            let count = seen.entry(kind.clone()).or_insert(0);
            *count += 1;
            if *count > per_kind {
                match left.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, n)) => *n += 1,
                    None => left.push((kind, 1)),
                }
                continue;
            }
        }
        out.push_str(&render_human(d, language));
        out.push('\n');
    }
    let counted = !left.is_empty();
    for (kind, n) in left {
        let _ = match language {
            Language::En => writeln!(
                out,
                "… and {n} more warning{} of this kind: {kind}",
                plural(n)
            ),
            Language::Vi => writeln!(out, "… và {n} cảnh báo khác cùng loại: {kind}"),
        };
    }
    if counted {
        let _ = writeln!(
            out,
            "{}",
            match language {
                Language::En => "`sotay check` lists every warning",
                Language::Vi => "`sotay check` liệt kê đủ mọi cảnh báo",
            }
        );
    }
    let _ = writeln!(out, "{}", summary(diagnostics, language));
    out
}

/// `documents[3].forms[0]` as `documents[].forms[]`: the same field of any item.
fn without_indices(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut in_index = false;
    for c in field.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push(c);
            }
            ']' => {
                in_index = false;
                out.push(c);
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

pub fn summary(diagnostics: &Diagnostics, language: Language) -> String {
    let (e, w) = (diagnostics.errors(), diagnostics.warnings());
    match language {
        Language::En => format!("{e} error{}, {w} warning{}", plural(e), plural(w)),
        Language::Vi => format!("{e} lỗi, {w} cảnh báo"),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The words before each part of a report, in the handbook's language.
struct Words {
    error: &'static str,
    warning: &'static str,
    help: &'static str,
    field: &'static str,
}

fn words(language: Language) -> Words {
    match language {
        Language::En => Words {
            error: "error",
            warning: "warning",
            help: "help",
            field: "in",
        },
        Language::Vi => Words {
            error: "lỗi",
            warning: "cảnh báo",
            help: "cách sửa",
            field: "ở trường",
        },
    }
}

/// rustc-style: the message, `path:line:col`, the source line underlined, then the fix.
pub fn render_human(d: &Diagnostic, language: Language) -> String {
    let words = words(language);
    let level = match d.severity {
        Severity::Error => Level::ERROR.with_name(words.error),
        Severity::Warning => Level::WARNING.with_name(words.warning),
    };
    let path = display_path(&d.file);
    let label = d.field.as_deref().map(|f| format!("{} `{f}`", words.field));
    let title = level.primary_title(d.message.get(language));
    let mut report: Vec<Group> = Vec::new();
    match &d.position {
        Some(p) => {
            let mut annotation = AnnotationKind::Primary.span(p.underline.clone());
            if let Some(label) = &label {
                annotation = annotation.label(label.as_str());
            }
            report.push(
                title.element(
                    Snippet::source(p.source_line.as_str())
                        .line_start(p.line)
                        .path(path.as_str())
                        .annotation(annotation),
                ),
            );
        }
        None => {
            let origin = match &label {
                Some(label) => format!("{path} ({label})"),
                None => path.clone(),
            };
            report.push(title.element(annotate_snippets::Origin::path(origin)));
        }
    }
    if let Some(help) = &d.help {
        report.push(Group::with_title(
            Level::HELP
                .with_name(words.help)
                .secondary_title(help.get(language)),
        ));
    }
    Renderer::plain().render(&report)
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    field: Option<&'a str>,
    message: &'a str,
    help: Option<&'a str>,
}

pub fn render_json(d: &Diagnostic, language: Language) -> String {
    let json = JsonDiagnostic {
        severity: d.severity,
        file: display_path(&d.file),
        line: d.position.as_ref().map(|p| p.line),
        column: d.position.as_ref().map(|p| p.column),
        field: d.field.as_deref(),
        message: d.message.get(language),
        help: d.help.as_ref().map(|h| h.get(language)),
    };
    serde_json::to_string(&json).expect("a diagnostic always serialises")
}

/// `::error file=…,line=…,col=…::message`, escaped as GitHub's workflow commands require.
pub fn render_github(d: &Diagnostic, language: Language) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = format!("file={}", escape_property(&display_path(&d.file)));
    if let Some(p) = &d.position {
        let _ = write!(props, ",line={},col={}", p.line, p.column);
    }
    let mut message = String::new();
    if let Some(field) = &d.field {
        let _ = write!(message, "{field}: ");
    }
    message.push_str(d.message.get(language));
    if let Some(help) = &d.help {
        let _ = write!(
            message,
            "\n{}: {}",
            words(language).help,
            help.get(language)
        );
    }
    format!("::{command} {props}::{}", escape_data(&message))
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_system_says_is_explained_in_vietnamese_and_kept() {
        let full = Text::of_system(&std::io::Error::from_raw_os_error(28));
        assert!(full.vi.starts_with("đĩa đã đầy ("), "{}", full.vi);
        assert!(full.vi.contains("os error 28"), "{}", full.vi);
        assert_eq!(full.en, std::io::Error::from_raw_os_error(28).to_string());
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert!(Text::of_system(&denied).vi.starts_with("không có quyền ("));
        // A kind with no Vietnamese yet is the system's words alone.
        let other = std::io::Error::other("something odd");
        assert_eq!(Text::of_system(&other), Text::same("something odd"));
    }

    fn sample() -> Diagnostic {
        let line = "    fee: \"năm mươi\"";
        Diagnostic::error(
            "content/procedures/a.md",
            tr!("cannot read the fee", "không đọc được phí"),
        )
        .at(Some(Position::in_line(12, line, 9..line.len())))
        .field("channels[1].fee")
        .help(tr!(
            "write an amount such as \"50.000 đồng\"",
            "viết số tiền, ví dụ \"50.000 đồng\""
        ))
    }

    #[test]
    fn human_output_names_file_line_column_and_fix() {
        let text = render_human(&sample(), Language::En);
        assert!(text.contains("error: cannot read the fee"), "{text}");
        assert!(text.contains("content/procedures/a.md:12:10"), "{text}");
        assert!(text.contains("^^^^^^^^^^ in `channels[1].fee`"), "{text}");
        assert!(text.contains("help: write an amount"), "{text}");
    }

    #[test]
    fn a_vietnamese_handbook_reads_vietnamese() {
        let text = render_human(&sample(), Language::Vi);
        assert!(text.contains("lỗi: không đọc được phí"), "{text}");
        assert!(text.contains("content/procedures/a.md:12:10"), "{text}");
        assert!(text.contains("ở trường `channels[1].fee`"), "{text}");
        assert!(text.contains("cách sửa: viết số tiền"), "{text}");
        assert!(!text.contains("error") && !text.contains("help"), "{text}");
    }

    #[test]
    fn a_build_shows_a_few_warnings_of_each_kind_and_counts_the_rest() {
        let mut all = Diagnostics::default();
        for n in 0..5 {
            all.push(
                Diagnostic::warning(
                    format!("content/procedures/{n}.md"),
                    tr!("no office", "hồ sơ này chưa cho biết nộp ở đâu"),
                )
                .field("offices"),
            );
            all.push(
                Diagnostic::warning(
                    format!("content/procedures/{n}.md"),
                    tr!("cut short", "tên giấy tờ `{n}` có vẻ bị cắt cụt"),
                )
                .field(format!("documents[{n}].name")),
            );
        }
        all.push(sample());
        all.sort();
        let text = render_brief(&all, Language::Vi, 3);
        assert!(text.starts_with("lỗi: không đọc được phí"), "{text}");
        assert_eq!(text.matches("chưa cho biết nộp ở đâu").count(), 3, "{text}");
        assert!(text.contains("content/procedures/2.md"), "{text}");
        assert!(!text.contains("content/procedures/3.md"), "{text}");
        assert!(
            text.contains("… và 2 cảnh báo khác cùng loại: ở trường `offices`"),
            "{text}"
        );
        assert!(
            text.contains("… và 2 cảnh báo khác cùng loại: ở trường `documents[].name`"),
            "{text}"
        );
        assert!(
            text.ends_with("`sotay check` liệt kê đủ mọi cảnh báo\n1 lỗi, 10 cảnh báo\n"),
            "{text}"
        );
        // As many as shown: nothing is counted, nothing sends to `check`.
        let text = render_brief(&all, Language::En, 5);
        assert_eq!(text, render(&all, Format::Human, Language::En));
    }

    #[test]
    fn github_annotation_escapes_its_separators() {
        let text = render_github(&sample(), Language::En);
        assert!(text.starts_with("::error file=content/procedures/a.md,line=12,col=10::channels[1].fee: cannot read the fee%0Ahelp: "), "{text}");
    }

    #[test]
    fn json_has_one_object_per_line() {
        let text = render_json(&sample(), Language::En);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["line"], 12);
        assert_eq!(v["column"], 10);
        assert_eq!(v["field"], "channels[1].fee");
    }
}
