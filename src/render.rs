//! Rendering pages with the theme's Tera templates, then minifying the HTML.

use tera::{Context, Tera};

use crate::i18n::Strings;
use crate::pages::{Page, SiteView};
use crate::theme::Theme;
use crate::urls;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Tera's own report: template file, line, column and the line underlined.
    #[error("{0}")]
    Template(String),
    #[error("the theme has no template `{0}`")]
    MissingTemplate(String),
}

pub struct Renderer {
    tera: Tera,
    /// `procedure.html` → the name it was registered under (its origin path).
    names: std::collections::HashMap<String, String>,
    base_url: Option<String>,
}

/// Tera's error, with every cause, as one message.
fn report(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!("\n{cause}"));
        source = cause.source();
    }
    message
}

impl Renderer {
    pub fn new(
        theme: &Theme,
        site: &SiteView,
        strings: &Strings,
        base_url: Option<&str>,
    ) -> Result<Renderer, RenderError> {
        let mut tera = Tera::new();
        let mut names = std::collections::HashMap::new();
        let mut templates = Vec::new();
        let mut prefixes: Vec<String> = Vec::new();
        for (name, file) in theme.files_in("templates") {
            let text = String::from_utf8_lossy(&file.bytes).into_owned();
            // Registered under where it came from, so errors name the real file.
            let prefix = file.origin.strip_suffix(name).unwrap_or("").to_string();
            if !prefixes.contains(&prefix) {
                prefixes.push(prefix);
            }
            names.insert(name.to_string(), file.origin.clone());
            templates.push((file.origin.clone(), text));
        }
        // `{% extends "base.html" %}` finds the file wherever it came from.
        tera.set_fallback_prefixes(prefixes)
            .map_err(|e| RenderError::Template(report(&e)))?;
        tera.add_raw_templates(templates)
            .map_err(|e| RenderError::Template(report(&e)))?;
        tera.global_context().insert("site", site);
        tera.global_context().insert("t", strings.tree());
        Ok(Renderer {
            tera,
            names,
            base_url: base_url.map(str::to_string),
        })
    }

    pub fn render(&self, page: &Page) -> Result<String, RenderError> {
        let name = self
            .names
            .get(page.template)
            .ok_or_else(|| RenderError::MissingTemplate(page.template.to_string()))?;
        let mut context = Context::new();
        context.insert("root", &urls::root_prefix(&page.path));
        context.insert("title", &page.title);
        context.insert("breadcrumbs", &page.breadcrumbs);
        context.insert("page", &page.data);
        context.insert("path", &page.path);
        if let Some(base) = &self.base_url {
            context.insert("canonical", &canonical(base, &page.path));
        }
        let html = self
            .tera
            .render(name, &context)
            .map_err(|e| RenderError::Template(report(&e)))?;
        Ok(minify(&html))
    }
}

/// The page's address on the published site: `https://…/thu-tuc/x/`.
pub fn canonical(base_url: &str, path: &str) -> String {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    format!("{}/{}", base_url.trim_end_matches('/'), path)
}

/// Smaller HTML that stays valid: closing tags and `<html>`/`<head>` kept, scripts untouched.
pub fn minify(html: &str) -> String {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.minify_js = false;
    cfg.minify_css = false;
    cfg.keep_comments = false;
    let bytes = minify_html::minify(html.as_bytes(), &cfg);
    String::from_utf8(bytes).unwrap_or_else(|_| html.to_string())
}
