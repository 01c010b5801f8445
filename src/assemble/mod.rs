//! The one place that knows what the site contains: every page, the search index,
//! static files, forms, sitemap, robots and 404. `sotay build` writes what it
//! assembles, `sotay check` reports its problems, and the preview keeps it between
//! saves and updates it. An update gives byte for byte what a full assembly gives
//! (`tests/incremental.rs` compares the two after every edit).
//!
//! - A record renders its own page and the pages that name it as related. The other
//!   pages (home, lists, indexes, free pages) are few: all are planned, and those whose
//!   data differs from last time are rendered.
//! - The search index follows in a second step, [`Assembly::refresh_index`], so the
//!   edited page is served before the index is done, and the open data catalogue in
//!   a third. The preview keeps the index ([`search::Live`]) and the catalogue's
//!   lines, and makes again only what the edited records are in.
//! - A template renders the pages whose template uses it; configuration, offices, free
//!   pages and interface strings assemble everything (records are not read again).

mod copied;
mod crawlers;
mod data;
mod files;
mod index;
pub mod links;
mod offline;
mod problems;
mod store;
mod update;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use files::{File, Files, OnDisk};
pub use index::IndexMade;
pub use offline::{BUILD_ONLY, MANIFEST, OfflineReport, WORKER, megabytes};

use crate::changes::{self, ChangeLog};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::fast_hash::FastMap;
use crate::model::record::{Date, Record};
use crate::model::site::Site;
use crate::open_data::{self, DataRecord};
use crate::output::Scratch;
use crate::previous::{Keys, PreviousBuild};
use crate::render::Renderer;
use crate::search;
use crate::sources::{Changes, Sources};
use crate::theme::Theme;
use crate::theme::strings::Strings;
use crate::urls;
use crate::view::{self, Page, ProcedureItem, Views};
use copied::{form_paths, read_form, search_script, static_files};
use data::{JsonFiles, OpenData, change_files, data_files, json_files};
use files::Update;
use index::{Indexed, search_index};
use store::{RecordPages, Rendered, Store, render_all};

/// Times the stages of an assembly, one lap each.
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

/// The assembled site, and what is needed to update it.
pub struct Assembly {
    files: Arc<Files>,
    renderer: Renderer,
    /// Each record's list line, open data and placement, in the order of the records.
    kept: Vec<Kept>,
    /// Every page but the procedures', as planned, to see which changed.
    others: HashMap<String, Page>,
    statics: Vec<String>,
    forms: Vec<String>,
    index: Vec<String>,
    /// The index's version, which its files' addresses carry.
    index_version: String,
    /// What the offline copy costs, when the site has one.
    offline: Option<OfflineReport>,
    /// What changed for citizens, with this assembly's findings first.
    changes: ChangeLog,
    /// The search index and page are older than the pages.
    index_stale: bool,
    /// The search page failed to render since the last change: wait for the next one.
    index_failed: bool,
    pages: usize,
    /// What the pages and the index were made from, when the previous build was offered.
    keys: Keys,
    /// Pages taken from the previous build.
    reused: usize,
    /// How the search index came to be.
    index_made: IndexMade,
    /// The search index as the preview keeps it, once made there.
    live: Option<search::Live>,
    /// The records edited since the search index was made.
    index_edits: HashSet<PathBuf>,
    /// The open data catalogue is older than the pages (made after the index).
    catalogue_stale: bool,
    /// Each record's catalogue lines, and the data they were made from.
    lines: FastMap<PathBuf, KeptLines>,
    /// Where each procedure is in the catalogue, for a build to note.
    published: Option<changes::Published>,
    /// Where each record's lines are in the catalogue's CSV and JSON-LD, for a
    /// build to note.
    lines_note: Option<open_data::LinesNote>,
}

/// A record's catalogue lines, and the data they were made from.
type KeptLines = (Arc<DataRecord>, Arc<open_data::Lines<'static>>);

/// A record's list line, open data and placement, as the last assembly made them.
struct Kept {
    file: PathBuf,
    item: Arc<ProcedureItem>,
    data: Arc<DataRecord>,
    placement: view::Placement,
}

/// Pairs each record with its line, data and placement, in the records' order.
fn kept_records(
    records: &[Record],
    items: Vec<Arc<ProcedureItem>>,
    data: Vec<Arc<DataRecord>>,
    placements: Vec<view::Placement>,
) -> Vec<Kept> {
    records
        .iter()
        .zip(items)
        .zip(data)
        .zip(placements)
        .map(|(((record, item), data), placement)| Kept {
            file: record.file.clone(),
            item,
            data,
            placement,
        })
        .collect()
}

/// What an assembly or update did.
#[derive(Debug)]
pub struct Built {
    /// Files whose content changed, appeared or disappeared.
    pub changed: Vec<String>,
    /// Pages rendered.
    pub rendered: usize,
    pub timings: Vec<(&'static str, Duration)>,
}

/// What bringing a site up to date gave.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing the site is made of changed (an editor's swap file, say).
    Unchanged,
    Built(Built),
    /// There are errors; the last assembly is kept.
    Failed(Diagnostics),
}

/// Everything the sources are checked for, and the site when there is no error: what
/// all three commands start from. The diagnostics hold the warnings in either case.
/// `previous`: what the last build wrote, to take the pages and the search index
/// made from the same keys instead of making them again. `scratch`: where a build
/// writes each page and data file as soon as it is made, instead of holding it.
pub fn assemble(
    sources: &Sources,
    previous: Option<&PreviousBuild>,
    scratch: Option<&Scratch>,
    clock: &mut Stopwatch,
) -> (Option<Assembly>, Diagnostics) {
    let mut diagnostics = sources.diagnostics();
    let ready = ready(sources, &diagnostics);
    clock.lap("load");
    let Some((site, theme, strings)) = ready else {
        return (None, with_template_problems(sources, diagnostics));
    };
    let offline = site.config.offline.clone();
    let retire = site.config.retire_offline;
    let store = Store { previous, scratch };
    match full(sources, site, theme, strings, None, store, clock) {
        Ok((mut assembly, _)) => {
            if retire {
                assembly.add_retiring_worker(theme);
            }
            // The worker lists every file of the finished site: built and checked,
            // never in the preview, where stored pages would hide the edits.
            if let Some(offline) = offline
                && let Err(problem) = assembly.add_worker(&offline, theme)
            {
                diagnostics.push(*problem);
                diagnostics.sort();
                return (None, diagnostics);
            }
            if assembly.offline.is_some() {
                clock.lap("offline");
            }
            (Some(assembly), diagnostics)
        }
        Err(problems) => {
            diagnostics.extend(problems);
            diagnostics.sort();
            (None, diagnostics)
        }
    }
}

/// The sources' problems and the templates' own, for when no page can be made.
fn with_template_problems(sources: &Sources, mut diagnostics: Diagnostics) -> Diagnostics {
    diagnostics.extend(problems::templates_alone(sources));
    diagnostics.sort();
    diagnostics
}

/// The parts an assembly needs, when the sources have no error.
fn ready<'a>(
    sources: &'a Sources,
    diagnostics: &Diagnostics,
) -> Option<(Site<'a>, &'a Theme, &'a Strings)> {
    if diagnostics.has_errors() {
        return None;
    }
    Some((sources.site()?, sources.theme()?, sources.strings()?))
}

/// Brings `current` up to date with `changes`: a full assembly when there is none yet
/// or something every page shows changed, else an update of what `changes` touch.
/// On errors `current` stays as it was.
pub fn bring_up_to_date(
    current: &mut Option<Assembly>,
    sources: &Sources,
    changes: &Changes,
    clock: &mut Stopwatch,
) -> Outcome {
    if changes.is_empty() && current.is_some() {
        return Outcome::Unchanged;
    }
    // Only errors stop an update, and only errors are shown when one does.
    let diagnostics = sources.errors();
    let Some((site, theme, strings)) = ready(sources, &diagnostics) else {
        return Outcome::Failed(only_errors(with_template_problems(sources, diagnostics)));
    };
    clock.lap("check");
    let result = match current {
        Some(assembly) if !changes.full => {
            assembly.update(sources, site, theme, strings, changes, clock)
        }
        _ => {
            let old = current.as_ref().map(|a| a.files.clone());
            full(
                sources,
                site,
                theme,
                strings,
                old.as_deref(),
                Store::default(),
                clock,
            )
            .map(|(mut assembly, built)| {
                // The preview keeps its search index to update it after an edit:
                // made once more, and kept, while no save waits.
                assembly.index_stale = true;
                *current = Some(assembly);
                built
            })
        }
    };
    match result {
        Ok(built) => Outcome::Built(built),
        Err(problems) => Outcome::Failed(only_errors(problems)),
    }
}

/// Errors first: warnings only when there are no errors to fix.
fn only_errors(diagnostics: Diagnostics) -> Diagnostics {
    let mut errors = Diagnostics::default();
    errors.extend(
        diagnostics
            .iter()
            .filter(|d| d.severity == crate::diagnostics::Severity::Error)
            .cloned(),
    );
    errors
}

/// Plans, renders and indexes every page, adds the other files and checks the links.
fn full(
    sources: &Sources,
    site: Site,
    theme: &Theme,
    strings: &Strings,
    old: Option<&Files>,
    store: Store,
    clock: &mut Stopwatch,
) -> Result<(Assembly, Built), Diagnostics> {
    let previous = store.previous;
    let plain = Views::new(&site, strings);
    let items = plain.items();
    let placements = plain.placements(&items);
    // What the index and each record's pages and open data are made from, to take
    // them from the previous build when it is offered.
    let inputs = previous.and_then(|_| search::Inputs::of(&plain, site.records, &items));
    let data_keys = inputs
        .as_ref()
        .and_then(|inputs| open_data::keys(&site, inputs.each()));
    let taken = data_keys
        .as_deref()
        .and_then(|keys| sources.history().published_json(keys));
    let OpenData {
        made: data,
        json: serialised,
        hashes,
    } = OpenData::of(&site, &items, taken.as_ref());
    let published_at = previous.map(|_| open_data::procedures_at(&site, &serialised));
    // Stored at once: held while the pages render, the JSON of 10,000 records (60
    // MB) was a tenth of a cold build's peak memory.
    let json = json_files(&site, serialised, &hashes, store);
    // Nor is the last catalogue, where JSON was taken from.
    drop(taken);
    let now: Vec<changes::Now> = site
        .records
        .iter()
        .zip(&data)
        .map(|(record, data)| changes::Now {
            code: record.code.as_str(),
            data: data.as_deref(),
        })
        .collect();
    let log = sources
        .history()
        .updated(&now, &hashes, Date::today(), strings);
    // A record's open data whose JSON was taken, made only if its catalogue lines
    // must be made.
    let data_at = |at: usize| {
        data[at]
            .clone()
            .unwrap_or_else(|| Arc::new(open_data::of(&site, &site.records[at], &items[at])))
    };
    let views = Views {
        site: &site,
        strings,
        changes: Some(&log),
    };
    let by_code = view::by_code(site.records);
    let others = view::plan_others(&site, strings, &items, &placements, &log);
    let renderer = renderer(theme, &views)?;
    let procedures = RecordPages::new(&views, &by_code, inputs.as_ref());
    clock.lap("plan");

    // The index is built while the pages render, and the rest of the open data is
    // made beside them; the search page carries the index's manifest. The index
    // goes first: when most pages are taken it is the longest branch, and most of
    // it runs on one thread.
    let (index, (rendered, data_files)) = rayon::join(
        || {
            search_index(
                &views,
                site.records,
                &items,
                previous,
                inputs.as_ref(),
                store,
            )
        },
        || {
            rayon::join(
                || render_all(&renderer, Some(&procedures), others.iter(), store),
                || data_files(&site, strings, &data_at, &hashes, &others, store),
            )
        },
    );
    let Rendered {
        files: rendered,
        keys: mut page_keys,
        taken,
    } = rendered?;
    let (data_files, lines_note) = data_files;
    let JsonFiles {
        files: json_files,
        keys: json_keys,
    } = json;
    page_keys.extend(json_keys);
    let mut update = Update::starting_empty(old);
    for (path, file) in rendered {
        update.insert_file(path, file);
    }
    let Indexed {
        index,
        key: index_key,
        how: index_made,
        stored,
        files: index_files,
    } = index.map_err(|d| one(*d))?;
    let search_page = views.search_page(&index.manifest, &search_script(theme));
    update.insert(render(&renderer, &search_page)?);
    let index_paths: Vec<String> = index_files.iter().map(|(path, _)| path.clone()).collect();
    let keys = Keys {
        pages: page_keys,
        index: index_key.map(|key| (key, index.manifest.get().to_string(), index_paths.clone())),
        search: stored,
    };
    let index_version = index.version.clone();
    let published = published_at.map(|at| {
        let codes = site.records.iter().map(|r| r.code.as_str());
        changes::Published::of(codes, &hashes, data_keys, at)
    });
    for (path, file) in index_files.into_iter().chain(json_files).chain(data_files) {
        update.insert_file(path, file);
    }
    update.insert_all(change_files(&log, &site, strings));
    clock.lap("render and index");

    let statics = static_files(theme);
    let static_paths = statics.iter().map(|f| f.path.clone()).collect();
    update.insert_all(statics);
    let forms = form_paths(&site);
    for path in &forms {
        update.insert(read_form(sources, path)?);
    }
    update.insert_all(offline::page_files(&site, theme));
    // Each record's page; its notice, a poster to print, is not listed.
    let record_pages: Vec<String> = site
        .records
        .iter()
        .map(|record| urls::procedure(&record.slug))
        .collect();
    update.insert_all(crawlers::files(
        &site,
        record_pages.iter().map(String::as_str).chain(
            others
                .iter()
                .filter(|p| p.in_sitemap)
                .map(|p| p.path.as_str()),
        ),
    ));
    // A page taken from the previous build, whose links were checked then, is
    // checked again only if a file that build wrote is gone.
    let unchanged_links = previous.is_some_and(|p| p.all_files_in(|path| update.contains(path)));
    let unchecked: Vec<String> = update
        .paths()
        .into_iter()
        .filter(|path| !(unchanged_links && taken.contains(path)))
        .collect();
    problems::broken_links(sources, &update, &unchecked)?;
    clock.lap("check links");

    let pages = 2 * site.records.len() + others.len() + 1;
    let (files, changed) = update.finish();
    let assembly = Assembly {
        files: Arc::new(files),
        renderer,
        // Only the preview updates an assembly, and it takes nothing from a
        // previous build: a build's is written and dropped.
        kept: match previous {
            None => {
                let data = data
                    .into_iter()
                    .map(|d| d.expect("nothing is taken"))
                    .collect();
                kept_records(site.records, items, data, placements)
            }
            Some(_) => Vec::new(),
        },
        others: others.into_iter().map(|p| (p.path.clone(), p)).collect(),
        statics: static_paths,
        forms,
        index: index_paths,
        index_version,
        offline: None,
        changes: log,
        index_stale: false,
        index_failed: false,
        pages,
        keys,
        reused: taken.len(),
        index_made,
        live: None,
        index_edits: HashSet::new(),
        catalogue_stale: false,
        lines: FastMap::default(),
        published,
        lines_note,
    };
    let built = Built {
        changed,
        rendered: pages,
        timings: clock.laps().to_vec(),
    };
    Ok((assembly, built))
}

impl Assembly {
    /// The kept line and data of each of `records`, which are in the same order as
    /// the kept ones: one walk pairs them. None for a record not assembled yet.
    fn kept_for(&self, records: &[Record]) -> Vec<Option<&Kept>> {
        let mut kept = self.kept.iter().peekable();
        records
            .iter()
            .map(|record| {
                while kept.next_if(|k| k.file < record.file).is_some() {}
                kept.next_if(|k| k.file == record.file)
            })
            .collect()
    }

    /// Every file of the site.
    pub fn files(&self) -> Arc<Files> {
        self.files.clone()
    }

    /// What the offline copy costs, when the site has one.
    pub fn offline(&self) -> Option<&OfflineReport> {
        self.offline.as_ref()
    }

    /// The changes since the last build (or the revision compared with).
    pub fn fresh_changes(&self) -> &[changes::Entry] {
        self.changes.fresh()
    }

    /// Adds the service worker and its list of every file; an error when the first
    /// visit would store more than the budget.
    fn add_worker(
        &mut self,
        offline: &crate::model::config::Offline,
        theme: &Theme,
    ) -> Result<(), Box<Diagnostic>> {
        let (files, report) =
            offline::worker_files(&self.files, offline, &self.index_version, theme)?;
        let site = Arc::make_mut(&mut self.files);
        for file in files {
            site.insert(file.path.into(), File::made(file.bytes));
        }
        self.offline = Some(report);
        Ok(())
    }

    /// Adds a worker that removes itself and its caches from visitors' browsers.
    fn add_retiring_worker(&mut self, theme: &Theme) {
        let file = offline::retiring_worker(theme);
        Arc::make_mut(&mut self.files).insert(file.path.into(), File::made(file.bytes));
    }

    /// How many pages the site has.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// How many pages were taken from the previous build.
    pub fn reused(&self) -> usize {
        self.reused
    }

    /// How the search index came to be.
    pub fn index_made(&self) -> IndexMade {
        self.index_made
    }

    /// What the pages and the index were made from, for the next build
    /// (`previous::save`); empty when no previous build was offered.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// Where each procedure is in the catalogue, when a build assembled it.
    pub fn published(&self) -> Option<&changes::Published> {
        self.published.as_ref()
    }

    pub fn lines_note(&self) -> Option<&open_data::LinesNote> {
        self.lines_note.as_ref()
    }

    /// Whether [`Assembly::refresh_index`] has work to do.
    pub fn index_stale(&self) -> bool {
        (self.index_stale || self.catalogue_stale) && !self.index_failed
    }

    /// Whether what [`Assembly::refresh_index`] has left to do is the open data
    /// catalogue: nobody waits for it while editing.
    pub fn catalogue_only(&self) -> bool {
        self.catalogue_stale && !self.index_stale && !self.index_failed
    }
}

/// A file of the site being assembled, relative to the output folder.
#[derive(Debug)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The theme's templates, ready to render pages of this site.
fn renderer(theme: &Theme, views: &Views) -> Result<Renderer, Diagnostics> {
    Renderer::new(
        theme,
        &views.site_view(),
        views.strings,
        views.site.config.base_url.as_deref(),
    )
    .map_err(|error| one(error.diagnostic(None)))
}

fn render(renderer: &Renderer, page: &Page) -> Result<OutputFile, Diagnostics> {
    renderer
        .render(page)
        .map(|html| OutputFile {
            path: page.path.clone(),
            bytes: html,
        })
        .map_err(|error| one(error.diagnostic(Some(&page.path))))
}

fn one(diagnostic: Diagnostic) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    diagnostics.push(diagnostic);
    diagnostics
}
