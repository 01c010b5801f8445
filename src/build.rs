//! `sotay build`: load and check → plan pages → render in parallel → check links →
//! write into a staging folder and swap it in.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::content::CONTENT_DIR;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::i18n::Strings;
use crate::keyword::Keyword;
use crate::links::{BrokenLink, broken_links};
use crate::output::{OutputError, OutputFile, check_output, write_site};
use crate::pages::{self, Page, Views};
use crate::render::{RenderError, Renderer, canonical};
use crate::search;
use crate::site::{self, Site};
use crate::theme::{Theme, ThemeError};

#[derive(Debug, Default)]
pub struct BuildOptions {
    /// Where to write, instead of the `output` of sotay.yaml.
    pub output: Option<PathBuf>,
}

#[derive(Debug)]
pub struct BuildReport {
    pub output: PathBuf,
    pub pages: usize,
    pub files: usize,
    pub warnings: Diagnostics,
    /// How long each stage took, in order.
    pub timings: Vec<(&'static str, Duration)>,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the content has errors; nothing was written")]
    Content(Diagnostics),
    #[error(transparent)]
    Theme(#[from] ThemeError),
    #[error("template error (page {page}):\n{error}")]
    Render { page: String, error: RenderError },
    #[error("{} broken internal link(s), nothing was written:\n{}", .0.len(), list_broken(.0))]
    BrokenLinks(Vec<BrokenLink>),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The theme's search script, inlined into the search page.
pub(crate) const SEARCH_SCRIPT: &str = "scripts/search.js";

/// Times the stages of a build, one lap each.
pub struct Stopwatch {
    since: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Stopwatch {
    pub fn start() -> Self {
        Stopwatch {
            since: Instant::now(),
            laps: Vec::new(),
        }
    }

    pub fn lap(&mut self, stage: &'static str) {
        self.laps.push((stage, self.since.elapsed()));
        self.since = Instant::now();
    }

    pub fn laps(&self) -> &[(&'static str, Duration)] {
        &self.laps
    }
}

fn list_broken(links: &[BrokenLink]) -> String {
    links
        .iter()
        .take(20)
        .map(|l| format!("  {} links to {}", l.page, l.target))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a build renders from: the checked site, its theme and interface strings.
pub struct Inputs {
    pub site: Site,
    pub theme: Theme,
    pub strings: Strings,
    pub warnings: Diagnostics,
}

/// Loads and checks everything a build needs; any error stops here.
pub fn load_inputs(root: &Path) -> Result<Inputs, BuildError> {
    let loaded = site::load(root);
    let Some(site) = loaded.site.filter(|_| !loaded.diagnostics.has_errors()) else {
        return Err(BuildError::Content(loaded.diagnostics));
    };
    let theme = Theme::load(root, &site.config.theme)?;
    let strings = strings(&theme, &site)?;
    Ok(Inputs {
        site,
        theme,
        strings,
        warnings: loaded.diagnostics,
    })
}

/// Builds the site at `root`. On any error the previous output is left untouched.
pub fn build(root: &Path, options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let mut clock = Stopwatch::start();
    let inputs = load_inputs(root)?;
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| root.join(&inputs.site.config.output));
    check_output(root, &output)?;
    clock.lap("load");

    let site = render_site(&inputs.site, &inputs.theme, &inputs.strings, &mut clock)?;
    write_site(&output, &site.files)?;
    clock.lap("write");
    Ok(BuildReport {
        output,
        pages: site.pages,
        files: site.files.len(),
        warnings: inputs.warnings,
        timings: clock.laps,
    })
}

/// Every file of a built site, in memory.
pub struct SiteFiles {
    pub files: Vec<OutputFile>,
    pub pages: usize,
}

/// Plans, renders and indexes every page, adds the other files and checks the links.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    strings: &Strings,
    clock: &mut Stopwatch,
) -> Result<SiteFiles, BuildError> {
    let views = Views { site, strings };
    let items = views.items();
    let pages = pages::plan(site, strings, &items);
    let renderer = renderer(theme, &views)?;
    clock.lap("plan");

    // The index is built while the pages render; the search page carries its manifest.
    let (rendered, index) = rayon::join(
        || {
            pages
                .par_iter()
                .map(|page| render(&renderer, page))
                .collect::<Result<Vec<_>, _>>()
        },
        || search::build(&views, &site.records, &items),
    );
    let mut files = rendered?;
    files.push(render(
        &renderer,
        &views.search_page(&index.manifest, &search_script(theme)),
    )?);
    files.extend(index.files);
    clock.lap("render and index");

    files.extend(static_files(theme));
    files.extend(form_files(&site.root, site)?);
    files.extend(crawler_files(
        site,
        pages
            .iter()
            .filter(|p| p.in_sitemap)
            .map(|p| p.path.as_str()),
    ));
    let broken = broken_links(&files);
    if !broken.is_empty() {
        return Err(BuildError::BrokenLinks(broken));
    }
    clock.lap("check links");
    Ok(SiteFiles {
        pages: pages.len() + 1,
        files,
    })
}

/// The theme's templates, ready to render pages of this site.
pub(crate) fn renderer(theme: &Theme, views: &Views) -> Result<Renderer, BuildError> {
    Renderer::new(
        theme,
        &views.site_view(),
        views.strings,
        views.site.config.base_url.as_deref(),
    )
    .map_err(|error| BuildError::Render {
        page: "(loading templates)".into(),
        error,
    })
}

pub(crate) fn render(renderer: &Renderer, page: &Page) -> Result<OutputFile, BuildError> {
    renderer
        .render(page)
        .map(|html| OutputFile {
            path: page.path.clone(),
            bytes: html.into_bytes(),
        })
        .map_err(|error| BuildError::Render {
            page: page.path.clone(),
            error,
        })
}

/// The theme's search script, as the search page inlines it.
pub(crate) fn search_script(theme: &Theme) -> String {
    theme
        .files
        .get(SEARCH_SCRIPT)
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .unwrap_or_default()
}

pub(crate) fn strings(theme: &Theme, site: &Site) -> Result<Strings, BuildError> {
    let path = format!("i18n/{}.yaml", site.config.language.key());
    let Some(file) = theme.files.get(&path) else {
        let mut d = Diagnostics::default();
        d.push(
            Diagnostic::error(&path, format!("the theme has no {path}"))
                .help("add the interface strings for this language to the theme"),
        );
        return Err(BuildError::Content(d));
    };
    let text = String::from_utf8_lossy(&file.bytes);
    Strings::parse(Path::new(&file.origin), &text).map_err(|problems| {
        let mut d = Diagnostics::default();
        d.extend(problems);
        BuildError::Content(d)
    })
}

/// The theme's `static/` files, at the root of the site.
pub(crate) fn static_files(theme: &Theme) -> Vec<OutputFile> {
    theme
        .files_in("static")
        .map(|(path, file)| OutputFile {
            path: path.to_string(),
            bytes: file.bytes.clone(),
        })
        .collect()
}

/// Form files records link to, copied with their path under `content/`.
pub(crate) fn form_files(root: &Path, site: &Site) -> Result<Vec<OutputFile>, BuildError> {
    form_paths(site)
        .into_iter()
        .map(|relative| read_form(root, relative))
        .collect()
}

/// Paths (under `content/`) of the form files records link to, sorted.
pub(crate) fn form_paths(site: &Site) -> Vec<String> {
    let mut paths: Vec<String> = site
        .records
        .iter()
        .flat_map(|r| &r.documents)
        .flat_map(|d| &d.forms)
        .filter_map(|f| f.file.clone())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths
}

pub(crate) fn read_form(root: &Path, relative: String) -> Result<OutputFile, BuildError> {
    let path = root.join(CONTENT_DIR).join(&relative);
    let bytes = std::fs::read(&path).map_err(|source| BuildError::Io { path, source })?;
    Ok(OutputFile {
        path: relative,
        bytes,
    })
}

/// robots.txt always; sitemap.xml when the site knows its address.
pub(crate) fn crawler_files<'a>(
    site: &Site,
    sitemap: impl Iterator<Item = &'a str>,
) -> Vec<OutputFile> {
    let mut robots = String::from("User-agent: *\nAllow: /\n");
    let mut files = Vec::new();
    if let Some(base) = &site.config.base_url {
        robots.push_str(&format!("Sitemap: {base}/sitemap.xml\n"));
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for path in sitemap {
            xml.push_str(&format!(
                "<url><loc>{}</loc></url>\n",
                xml_escape(&canonical(base, path))
            ));
        }
        xml.push_str("</urlset>\n");
        files.push(OutputFile {
            path: "sitemap.xml".into(),
            bytes: xml.into_bytes(),
        });
    }
    files.push(OutputFile {
        path: "robots.txt".into(),
        bytes: robots.into_bytes(),
    });
    files
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
