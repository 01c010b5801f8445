//! Problems found in a site's content, and the three ways `sotay check` prints them:
//! rustc-style for people, JSON lines for tools, GitHub workflow annotations for CI.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where in a file a problem is: 1-based line and column (in characters), plus the
/// text of that line so the problem can be shown without reading the file again.
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, as staff see it in their editor.
    pub file: PathBuf,
    pub position: Option<Position>,
    /// Field path inside the record, such as `channels[1].fee.amount`.
    pub field: Option<String>,
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            position: None,
            field: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
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

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
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
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
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

pub fn render(diagnostics: &Diagnostics, format: Format) -> String {
    let mut out = String::new();
    for d in diagnostics.iter() {
        match format {
            Format::Human => {
                out.push_str(&render_human(d));
                out.push('\n');
            }
            Format::Json => {
                out.push_str(&render_json(d));
                out.push('\n');
            }
            Format::Github => {
                out.push_str(&render_github(d));
                out.push('\n');
            }
        }
    }
    if format == Format::Human {
        let _ = writeln!(out, "{}", summary(diagnostics));
    }
    out
}

pub fn summary(diagnostics: &Diagnostics) -> String {
    let (e, w) = (diagnostics.errors(), diagnostics.warnings());
    format!("{e} error{}, {w} warning{}", plural(e), plural(w))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// rustc-style: the message, `path:line:col`, the source line underlined, then the fix.
pub fn render_human(d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path = display_path(&d.file);
    let label = d.field.as_deref().map(|f| format!("in `{f}`"));
    let title = level.primary_title(d.message.as_str());
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
            Level::HELP.secondary_title(help.as_str()),
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

pub fn render_json(d: &Diagnostic) -> String {
    let json = JsonDiagnostic {
        severity: d.severity,
        file: display_path(&d.file),
        line: d.position.as_ref().map(|p| p.line),
        column: d.position.as_ref().map(|p| p.column),
        field: d.field.as_deref(),
        message: &d.message,
        help: d.help.as_deref(),
    };
    serde_json::to_string(&json).expect("a diagnostic always serialises")
}

/// `::error file=…,line=…,col=…::message`, escaped as GitHub's workflow commands require.
pub fn render_github(d: &Diagnostic) -> String {
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
    message.push_str(&d.message);
    if let Some(help) = &d.help {
        let _ = write!(message, "\nhelp: {help}");
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

    fn sample() -> Diagnostic {
        let line = "    fee: \"năm mươi\"";
        Diagnostic::error("content/procedures/a.md", "cannot read the fee")
            .at(Some(Position::in_line(12, line, 9..line.len())))
            .field("channels[1].fee")
            .help("write an amount such as \"50.000 đồng\"")
    }

    #[test]
    fn human_output_names_file_line_column_and_fix() {
        let text = render_human(&sample());
        assert!(text.contains("error: cannot read the fee"), "{text}");
        assert!(text.contains("content/procedures/a.md:12:10"), "{text}");
        assert!(text.contains("^^^^^^^^^^ in `channels[1].fee`"), "{text}");
        assert!(text.contains("help: write an amount"), "{text}");
    }

    #[test]
    fn github_annotation_escapes_its_separators() {
        let text = render_github(&sample());
        assert!(text.starts_with("::error file=content/procedures/a.md,line=12,col=10::channels[1].fee: cannot read the fee%0Ahelp: "), "{text}");
    }

    #[test]
    fn json_has_one_object_per_line() {
        let text = render_json(&sample());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["line"], 12);
        assert_eq!(v["column"], 10);
        assert_eq!(v["field"], "channels[1].fee");
    }
}
