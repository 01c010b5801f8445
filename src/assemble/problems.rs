//! Problems found while assembling, each placed where staff can fix it: a broken
//! link in the record or template that wrote it, a template error in its template.

use std::path::Path;

use super::files::Update;
use crate::assemble::links::{BrokenLink, broken_links_to};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::render::Renderer;
use crate::sources::Sources;
use crate::tr;
use crate::urls;
use crate::view::Views;

/// Links of the pages at `pages` that lead to no file of `files`.
pub(super) fn broken_links(
    sources: &Sources,
    files: &Update,
    pages: &[String],
) -> Result<(), Diagnostics> {
    let html: Vec<(&str, &[u8])> = pages
        .iter()
        .filter(|p| p.ends_with(".html"))
        .filter_map(|p| Some((p.as_str(), files.get(p)?)))
        .collect();
    let broken = broken_links_to(&html, &|p| files.contains(p));
    if broken.is_empty() {
        return Ok(());
    }
    let mut diagnostics = Diagnostics::default();
    let mut seen = std::collections::HashSet::new();
    for link in broken {
        let diagnostic = placed(sources, &link);
        // A template's broken link is on every page it makes: report it once.
        if seen.insert((
            diagnostic.file.clone(),
            diagnostic.position.clone(),
            link.target.trim_start_matches("../").to_string(),
        )) {
            diagnostics.push(diagnostic);
        }
    }
    diagnostics.sort();
    Err(diagnostics)
}

/// The diagnostic for a broken link: at the line of the record, free page or
/// template that holds the link; on the page's own source otherwise.
fn placed(sources: &Sources, link: &BrokenLink) -> Diagnostic {
    let (page, target) = (&link.page, &link.target);
    let message = tr!(
        "the link `{target}` leads to no page of the handbook",
        "liên kết `{target}` không dẫn tới trang nào của sổ tay"
    );
    let help = tr!(
        "fix the address or link to a page that exists (it is on {page} of the built site)",
        "sửa địa chỉ hoặc liên kết tới một trang có thật (liên kết nằm ở {page} của trang đã tạo)"
    );
    let own = own_source(sources, page);
    let mut candidates: Vec<(&Path, &str, usize)> = own.iter().copied().collect();
    let templates: Vec<(String, String)> = sources
        .theme()
        .map(|theme| {
            theme
                .files_in("templates")
                .map(|(_, f)| (f.origin.clone(), String::from_utf8_lossy(&f.bytes).into()))
                .collect()
        })
        .unwrap_or_default();
    candidates.extend(
        templates
            .iter()
            .map(|(o, t)| (Path::new(o.as_str()), t.as_str(), 1)),
    );
    // Templates write links from the site root (`{{ root }}lien-he/`): look for the
    // target as seen from the root.
    let from_root = target.trim_start_matches("../");
    for (i, (file, text, first_line)) in candidates.into_iter().enumerate() {
        let wanted = if i == 0 && own.is_some() {
            target
        } else {
            from_root
        };
        if let Some(position) = find(text, wanted, first_line) {
            return Diagnostic::error(file, message)
                .at(Some(position))
                .help(help);
        }
    }
    let file = own.map_or_else(
        || Path::new(page).to_path_buf(),
        |(f, _, _)| f.to_path_buf(),
    );
    Diagnostic::error(file, message).help(help)
}

/// The record or free page a built page is made from: its file, its text and the
/// line of the file that text starts on.
fn own_source<'a>(sources: &'a Sources, page: &str) -> Option<(&'a Path, &'a str, usize)> {
    if let Some(record) = sources
        .records()
        .iter()
        .find(|r| urls::procedure(&r.slug) == page)
    {
        return Some((record.file.as_path(), sources.record_text(&record.file)?, 1));
    }
    let site = sources.site()?;
    let free = site
        .free_pages
        .iter()
        .find(|p| urls::free_page(&p.slug) == page)?;
    Some((free.file.as_path(), free.body.as_str(), free.body_line))
}

/// Where `target` is first written in `text` (which starts on line `first_line`).
fn find(text: &str, target: &str, first_line: usize) -> Option<Position> {
    let at = text.find(target)?;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = text[..at].matches('\n').count() + first_line;
    Some(Position::in_line(
        line,
        &text[line_start..line_end],
        at - line_start..at - line_start + target.len(),
    ))
}

/// Template errors found without rendering a page, for when the content has errors
/// and pages cannot be made: staff see every problem in one run.
pub(super) fn templates_alone(sources: &Sources) -> Vec<Diagnostic> {
    let (Some(site), Some(theme), Some(strings)) =
        (sources.site(), sources.theme(), sources.strings())
    else {
        return Vec::new();
    };
    let views = Views {
        site: &site,
        strings,
    };
    match Renderer::new(
        theme,
        &views.site_view(),
        strings,
        site.config.base_url.as_deref(),
    ) {
        Ok(_) => Vec::new(),
        Err(error) => vec![error.diagnostic(None)],
    }
}
