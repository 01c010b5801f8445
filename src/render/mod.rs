//! Rendering pages with the theme's Tera templates. Templates are minified once when
//! loaded; when something fails, the same step runs again on the templates as written,
//! so the error names the line and column staff see in their editor.

mod blocks;
pub mod html;
mod words;

use std::cell::OnceCell;
use std::collections::BTreeMap;

use tera::{Context, Tera, Value};
use xxhash_rust::xxh3::Xxh3;

use crate::diagnostics::{Diagnostic, Position, Text};
use crate::digest::digest;
use crate::theme::Theme;
use crate::theme::strings::Strings;
use crate::urls;
use crate::view::{NoticeView, Page, PageData, ProcedureView, SiteView};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// Tera's error, placed in the template as written.
    Template(Box<TemplateError>),
    /// A page asks for a template the theme does not have.
    MissingTemplate(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The template's origin: `templates/procedure.html`, `themes/x/templates/…`.
    pub origin: String,
    pub message: String,
    /// A block tag left open (`if`), found where Tera noticed a mismatched end tag;
    /// `position` is then the opening tag's.
    pub unclosed: Option<String>,
    /// Where, in `origin` as written.
    pub position: Option<Position>,
}

impl RenderError {
    /// What staff read: the template's file and line, and which page failed.
    pub fn diagnostic(&self, page: Option<&str>) -> Diagnostic {
        let during = match page {
            Some(page) => crate::tr!(
                "the page {page} cannot be made until it is fixed",
                "trang {page} chưa tạo được cho đến khi sửa lỗi này"
            ),
            None => crate::tr!(
                "the templates are read before any page is made",
                "các mẫu trang được đọc trước khi tạo trang nào"
            ),
        };
        match self {
            RenderError::Template(e) if e.unclosed.is_some() => {
                let kind = e.unclosed.as_deref().unwrap_or_default();
                Diagnostic::error(
                    &e.origin,
                    crate::tr!(
                        "template error: `{{% {kind} %}}` is not closed",
                        "lỗi mẫu trang (template): `{{% {kind} %}}` chưa được đóng"
                    ),
                )
                .at(e.position.clone())
                .help(crate::tr!(
                    "add `{{% end{kind} %}}` where it should end (Tera noticed at the next end tag)",
                    "thêm `{{% end{kind} %}}` ở chỗ khối này kết thúc (Tera chỉ nhận ra ở thẻ end kế tiếp)"
                ))
            }
            RenderError::Template(e) => Diagnostic::error(
                &e.origin,
                crate::tr!(
                    "template error: {}",
                    "lỗi mẫu trang (template): {}";
                    words::of(&e.message)
                ),
            )
            .at(e.position.clone())
            .help(during),
            RenderError::MissingTemplate(name) => Diagnostic::error(
                format!("templates/{name}"),
                crate::tr!(
                    "the theme has no template `{name}`",
                    "giao diện thiếu mẫu trang `{name}`"
                ),
            )
            .help(Text {
                en: format!("add templates/{name}; {}", during.en),
                vi: format!("thêm templates/{name}; {}", during.vi),
            }),
        }
    }
}

/// The templates as written, by the name each is registered under (its origin path).
struct Sources {
    templates: Vec<(String, String)>,
    prefixes: Vec<String>,
}

pub struct Renderer {
    tera: Tera,
    sources: Sources,
    /// `procedure.html` → the name it was registered under.
    names: std::collections::HashMap<String, String>,
    globals: Context,
    base_url: Option<String>,
    /// Without `base_url`, the 404 page carries the theme's stylesheet itself: it is
    /// served at any depth, where a relative link to `style.css` would miss.
    inline_css: Option<String>,
    /// A hash of what every page's rendering reads: templates, globals, address.
    fingerprint: u128,
}

/// Tera's error, placed in the template it names, with every cause in the message.
fn report(error: &tera::Error, sources: &Sources) -> TemplateError {
    let mut found = None;
    let mut messages = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        match e.downcast_ref::<tera::Error>().map(tera::Error::kind) {
            Some(tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r)) => {
                messages.push(r.message().to_string());
                found.get_or_insert(r);
            }
            _ => messages.push(e.to_string()),
        }
        current = e.source();
    }
    messages.dedup();
    let Some(report) = found else {
        let message = messages.join(": ");
        if let Some(placed) = placed_from_text(&message, sources) {
            return placed;
        }
        return TemplateError {
            origin: "templates".into(),
            message,
            unclosed: None,
            position: None,
        };
    };
    let text = sources
        .templates
        .iter()
        .find(|(name, _)| name == report.filename())
        .map(|(_, text)| text.as_str())
        .unwrap_or_default();
    let range = &report.span().range;
    let noticed_at_end_tag = text
        .get(range.start..)
        .is_some_and(|rest| rest.starts_with("end"));
    if let Some((kind, opening)) = noticed_at_end_tag
        .then(|| blocks::unclosed_before(text, range.start))
        .flatten()
    {
        return TemplateError {
            origin: report.filename().to_string(),
            message: messages.join(": "),
            unclosed: Some(kind),
            position: position(text, &opening),
        };
    }
    TemplateError {
        origin: report.filename().to_string(),
        message: messages.join(": "),
        unclosed: None,
        position: position(text, range),
    }
}

/// Tera reports unknown filters, tests and functions only as text it drew itself
/// ("error: Unknown filter `x`" over " --> file:line:column"): the first one, placed
/// in its template like any other error.
fn placed_from_text(message: &str, sources: &Sources) -> Option<TemplateError> {
    let mut lines = message.lines();
    let what = lines.find_map(|l| l.trim().strip_prefix("error: "))?;
    let place = lines.find_map(|l| l.trim().strip_prefix("--> "))?;
    let mut parts = place.rsplitn(3, ':');
    let column: usize = parts.next()?.parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    let file = parts.next()?;
    let (_, text) = sources.templates.iter().find(|(name, _)| name == file)?;
    Some(TemplateError {
        origin: file.to_string(),
        message: what.to_string(),
        unclosed: None,
        position: Position::at_char(text, line, column),
    })
}

/// The line of `text` where `range` starts, with the part of it in `range` underlined.
fn position(text: &str, range: &std::ops::Range<usize>) -> Option<Position> {
    let start = range.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[..start].matches('\n').count() + 1;
    let source_line = text.get(line_start..line_end)?;
    let end = range.end.clamp(start, line_end).max(start + 1);
    Some(Position::in_line(
        line,
        source_line,
        start - line_start..end - line_start,
    ))
}

fn tera(sources: &Sources, minified: bool, globals: &Context) -> Result<Tera, tera::Error> {
    let mut tera = Tera::new();
    // `{% extends "base.html" %}` finds the file wherever it came from.
    tera.set_fallback_prefixes(sources.prefixes.clone())?;
    let templates = sources.templates.iter().map(|(name, text)| {
        let text = if minified {
            minify_template(text)
        } else {
            text.clone()
        };
        (name.clone(), text)
    });
    tera.add_raw_templates(templates.collect::<Vec<_>>())?;
    tera.global_context().extend(globals.clone());
    Ok(tera)
}

impl Renderer {
    pub fn new(
        theme: &Theme,
        site: &SiteView,
        strings: &Strings,
        base_url: Option<&str>,
    ) -> Result<Renderer, RenderError> {
        let mut sources = Sources {
            templates: Vec::new(),
            prefixes: Vec::new(),
        };
        let mut names = std::collections::HashMap::new();
        for (name, file) in theme.files_in("templates") {
            // Registered under where it came from, so errors name the real file.
            let prefix = file.origin.strip_suffix(name).unwrap_or("").to_string();
            if !sources.prefixes.contains(&prefix) {
                sources.prefixes.push(prefix);
            }
            names.insert(name.to_string(), file.origin.clone());
            sources.templates.push((
                file.origin.clone(),
                String::from_utf8_lossy(&file.bytes).into_owned(),
            ));
        }
        let mut globals = Context::new();
        globals.insert("site", site);
        globals.insert("t", strings.tree());
        let tera = match tera(&sources, true, &globals) {
            Ok(tera) => tera,
            Err(e) => {
                let error = tera(&sources, false, &globals).err().unwrap_or(e);
                return Err(RenderError::Template(Box::new(report(&error, &sources))));
            }
        };
        let inline_css = base_url.is_none().then(|| {
            theme
                .files
                .get("static/style.css")
                .map(|file| String::from_utf8_lossy(&file.bytes).into_owned())
                .unwrap_or_default()
        });
        let globals_json = serde_json::to_vec(&(site, strings.tree())).unwrap_or_default();
        let fingerprint = fingerprint(
            &sources,
            &names,
            &globals_json,
            base_url,
            inline_css.as_deref(),
        );
        Ok(Renderer {
            tera,
            sources,
            names,
            globals,
            base_url: base_url.map(str::to_string),
            inline_css,
            fingerprint,
        })
    }

    /// A hash of everything rendering `page` reads, so a page rendered before from
    /// the same key can be taken as it is ([`crate::previous`]). Tera's own functions read
    /// nothing else (no clock, no environment). `None` when the page's data cannot be
    /// serialised, which rendering then reports.
    pub fn key(&self, page: &Page) -> Option<u128> {
        digest(&(
            self.fingerprint,
            page.template,
            &page.path,
            &page.title,
            &page.breadcrumbs,
            &page.data,
        ))
    }

    /// The key of the page at `path` made from `inputs`, a hash of everything its
    /// data is made from ([`crate::view::Views::procedure_inputs`]): a key like
    /// [`Renderer::key`]'s without making the page's data to hash it.
    pub fn key_of_inputs(&self, path: &str, inputs: u128) -> u128 {
        let mut hash = Xxh3::new();
        hash.update(&self.fingerprint.to_le_bytes());
        hash.update(b"inputs\0");
        hash.update(path.as_bytes());
        hash.update(&[0]);
        hash.update(&inputs.to_le_bytes());
        hash.digest128()
    }

    /// The page's HTML. Written straight into bytes: Tera's `render` would check the
    /// whole page is UTF-8 again, 5% of a build at 10,000 records.
    pub fn render(&self, page: &Page) -> Result<Vec<u8>, RenderError> {
        self.render_sharing(page, &OnceCell::new())
    }

    /// [`Renderer::render`], a procedure page or notice taking its procedure's view
    /// as the templates read it from `procedure`, made there by the first page of the
    /// pair that needs it: the conversion was a sixth of rendering, and a record's
    /// two pages did it twice.
    pub fn render_sharing(
        &self,
        page: &Page,
        procedure: &OnceCell<Value>,
    ) -> Result<Vec<u8>, RenderError> {
        let name = self
            .names
            .get(page.template)
            .ok_or_else(|| RenderError::MissingTemplate(page.template.to_string()))?;
        let mut context = Context::new();
        // Servers show 404.html at whatever address was missing, so relative links
        // would break below the root; with a known address it links absolutely.
        let root = match (&self.base_url, page.path.as_str()) {
            (Some(base), "404.html") => format!("{base}/"),
            _ => urls::root_prefix(&page.path),
        };
        context.insert("root", &root);
        if page.path == "404.html"
            && let Some(css) = &self.inline_css
        {
            context.insert("inline_css", css);
            // As a JavaScript array, for the script that finds the root.
            let sections = serde_json::to_string(&urls::SECTIONS).unwrap_or_default();
            context.insert("sections", &sections);
        }
        context.insert("title", &page.title);
        context.insert("breadcrumbs", &page.breadcrumbs);
        let shared = |view: &ProcedureView| {
            procedure
                .get_or_init(|| Value::from_serializable(view))
                .clone()
        };
        let data = match &page.data {
            PageData::Procedure(view) => shared(view),
            PageData::Notice(notice) => notice_value(notice, shared(&notice.procedure)),
            data => Value::from_serializable(data),
        };
        context.insert_value("page", data);
        context.insert("path", &page.path);
        if let Some(base) = &self.base_url {
            context.insert("canonical", &urls::canonical(base, &page.path));
        }
        let mut html = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(name, &context, &mut html)
            .map(|()| html)
            .map_err(|e| {
                let as_written = tera(&self.sources, false, &self.globals)
                    .and_then(|raw| raw.render(name, &context))
                    .err();
                RenderError::Template(Box::new(report(
                    as_written.as_ref().unwrap_or(&e),
                    &self.sources,
                )))
            })
    }
}

/// A notice as the templates read it, with its procedure's view already converted:
/// what converting the whole [`NoticeView`] gives.
fn notice_value(notice: &NoticeView, procedure: Value) -> Value {
    let NoticeView {
        procedure: _,
        url,
        qr,
    } = notice;
    Value::from(BTreeMap::from([
        ("procedure", procedure),
        ("url", Value::from(url.clone())),
        ("qr", Value::from(qr.clone())),
    ]))
}

/// What every page's rendering reads besides its own context: `globals` is the site
/// and the interface strings as JSON. The binary's part
/// (Tera, the minifier) is in the stamp of the cache file.
fn fingerprint(
    sources: &Sources,
    names: &std::collections::HashMap<String, String>,
    globals: &[u8],
    base_url: Option<&str>,
    inline_css: Option<&str>,
) -> u128 {
    let mut hash = Xxh3::new();
    let mut templates: Vec<_> = sources.templates.iter().collect();
    templates.sort();
    let mut names: Vec<_> = names.iter().collect();
    names.sort();
    let parts = templates
        .into_iter()
        .flat_map(|(origin, text)| [origin, text])
        .chain(names.into_iter().flat_map(|(name, origin)| [name, origin]))
        .map(String::as_str)
        .chain([base_url.unwrap_or("\0none"), inline_css.unwrap_or("\0none")]);
    for part in parts {
        hash.update(&(part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    hash.update(globals);
    hash.digest128()
}

/// Templates are minified once, keeping their `{{ }}` and `{% %}` syntax, instead of
/// minifying every rendered page: on 10,000 pages that was 80% of render time, and
/// the values Tera inserts add no whitespace of their own. Closing tags and
/// `<html>`/`<head>` are kept and scripts left alone, so the output stays valid.
fn minify_template(template: &str) -> String {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.minify_js = false;
    cfg.minify_css = false;
    cfg.keep_comments = false;
    cfg.preserve_brace_template_syntax = true;
    let bytes = minify_html::minify(template.as_bytes(), &cfg);
    String::from_utf8(bytes).unwrap_or_else(|_| template.to_string())
}
