//! Problems found while assembling, each placed where staff can fix it: a broken
//! link in the record or template that wrote it, a template error in its template.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::files::Update;
use rayon::prelude::*;

use crate::assemble::links::{BrokenLink, broken_in};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::sources::Sources;
use crate::tr;
use crate::urls;
use crate::view::Views;

/// Links of the pages at `pages` that lead to no file of `files`. Each page is read
/// and scanned on its own: a build's pages are on disk, and not all read at once.
pub(super) fn broken_links(
    sources: &Sources,
    files: &Update,
    pages: &[String],
) -> Result<(), Diagnostics> {
    let exists = |p: &str| files.contains(p);
    let mut broken: Vec<BrokenLink> = pages
        .par_iter()
        .filter(|p| p.ends_with(".html"))
        .filter_map(|p| Some((p.as_str(), files.get(p)?)))
        .map(|(p, file)| Ok(broken_in(p, &file.read(p)?, &exists)))
        .collect::<Result<Vec<_>, Box<crate::diagnostics::Diagnostic>>>()
        .map_err(|d| super::one(*d))?
        .into_iter()
        .flatten()
        .collect();
    broken.sort_by(|a, b| (&a.page, &a.target).cmp(&(&b.page, &b.target)));
    if broken.is_empty() {
        return Ok(());
    }
    let places = Places::of(sources);
    let mut diagnostics = Diagnostics::default();
    let mut seen = HashSet::new();
    for link in broken {
        let diagnostic = places.placed(&link);
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

/// Where a broken link can have been written: each page's own record or free page
/// (file, text, the line that text starts on), and the templates. Made once per
/// failed check, not once per broken link: a template's link breaks on every page.
struct Places<'a> {
    own: HashMap<String, (&'a Path, &'a str, usize)>,
    templates: Vec<(String, String)>,
}

impl<'a> Places<'a> {
    fn of(sources: &'a Sources) -> Places<'a> {
        let mut own = HashMap::new();
        for record in sources.records() {
            if let Some(text) = sources.record_text(&record.file) {
                own.insert(
                    urls::procedure(&record.slug),
                    (record.file.as_path(), text, 1),
                );
            }
        }
        if let Some(site) = sources.site() {
            for free in site.free_pages {
                own.insert(
                    urls::free_page(&free.slug),
                    (free.file.as_path(), free.body.as_str(), free.body_line),
                );
            }
        }
        let templates = sources
            .theme()
            .map(|theme| {
                theme
                    .files_in("templates")
                    .map(|(_, f)| (f.origin.clone(), String::from_utf8_lossy(&f.bytes).into()))
                    .collect()
            })
            .unwrap_or_default();
        Places { own, templates }
    }

    /// The diagnostic for a broken link: at the line of the record, free page or
    /// template that holds the link; on the page's own source otherwise.
    fn placed(&self, link: &BrokenLink) -> Diagnostic {
        let (page, target) = (&link.page, &link.target);
        let message = tr!(
            "the link `{target}` leads to no page of the handbook",
            "liên kết `{target}` không dẫn tới trang nào của sổ tay"
        );
        let help = tr!(
            "fix the address or link to a page that exists (it is on {page} of the built site)",
            "sửa địa chỉ hoặc liên kết tới một trang có thật (liên kết nằm ở {page} của trang đã tạo)"
        );
        let own = self.own.get(page.as_str()).copied();
        if let Some((file, text, first_line)) = own
            && let Some(position) = find(text, target, first_line)
        {
            return Diagnostic::error(file, message)
                .at(Some(position))
                .help(help);
        }
        // Templates write links from the site root (`{{ root }}lien-he/`): look for
        // the target as seen from the root.
        let from_root = target.trim_start_matches("../");
        for (origin, text) in &self.templates {
            if let Some(position) = find(text, from_root, 1) {
                return Diagnostic::error(origin, message)
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
pub(super) fn templates_alone(sources: &Sources) -> Diagnostics {
    let (Some(site), Some(theme), Some(strings)) =
        (sources.site(), sources.theme(), sources.strings())
    else {
        return Diagnostics::default();
    };
    let views = Views::new(&site, strings);
    super::renderer(theme, &views).err().unwrap_or_default()
}
