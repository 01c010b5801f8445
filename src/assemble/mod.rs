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

mod crawlers;
mod files;
pub mod links;
mod offline;
mod problems;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use xxhash_rust::xxh3::{Xxh3Default, xxh3_128};

pub use files::{File, Files, OnDisk};
pub use offline::{BUILD_ONLY, MANIFEST, OfflineReport, WORKER, megabytes};

use crate::changes::{self, ChangeLog};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::fast_hash::{FastMap, FastSet};
use crate::model::record::{Code, Date, Record};
use crate::model::site::Site;
use crate::open_data::{self, DataRecord, Pieces};
use crate::output::Scratch;
use crate::previous::{Keys, PreviousBuild};
use crate::render::{RenderError, Renderer};
use crate::search;
use crate::sources::{Changes, SEARCH_SCRIPT, Sources};
use crate::theme::Theme;
use crate::theme::strings::Strings;
use crate::urls;
use crate::view::{self, Page, ProcedureItem, Views};
use files::Update;

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

/// An edited record's place in the records, and its new list line and open data.
type Fresh = (usize, Arc<ProcedureItem>, Arc<DataRecord>);

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

/// Each record's open data and its JSON, in the records' order.
struct OpenData<'a> {
    /// Made for every record but those whose JSON was taken from the last catalogue.
    made: Vec<Option<Arc<DataRecord>>>,
    json: Vec<Cow<'a, [u8]>>,
    /// The hash of each one's JSON ([`changes::hash`]).
    hashes: Vec<u128>,
}

impl<'a> OpenData<'a> {
    /// Each record's, made from the record and its line `items`, unless `taken`
    /// holds its JSON.
    fn of(
        site: &Site,
        items: &[Arc<ProcedureItem>],
        taken: Option<&'a changes::PublishedJson>,
    ) -> OpenData<'a> {
        let ((made, json), hashes) = site
            .records
            .par_iter()
            .zip(items)
            .enumerate()
            .map(|(at, (record, item))| match taken.and_then(|t| t.get(at)) {
                Some((json, hash)) => ((None, Cow::Borrowed(json)), hash),
                None => {
                    let data = open_data::of(site, record, item);
                    let json = serde_json::to_vec(&data).expect("data records serialise");
                    let hash = changes::hash(&json);
                    ((Some(Arc::new(data)), Cow::Owned(json)), hash)
                }
            })
            .unzip();
        OpenData { made, json, hashes }
    }
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
    /// ([`crate::previous::save`]); empty when no previous build was offered.
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

    /// Builds the search index and search page again for the site as it is; the
    /// call after that, the open data catalogue. A failure is reported once; the
    /// next change tries again. Given up, with the index still stale, as soon as
    /// `stop` is set: `Ok(None)` then.
    pub fn refresh_index(
        &mut self,
        sources: &Sources,
        stop: &AtomicBool,
    ) -> Result<Option<Built>, Diagnostics> {
        if !self.index_stale() {
            return Ok(None);
        }
        let (Some(site), Some(theme), Some(strings)) =
            (sources.site(), sources.theme(), sources.strings())
        else {
            return Ok(None);
        };
        if !self.index_stale {
            return self.refresh_catalogue(&site, strings, stop);
        }
        let mut clock = Stopwatch::start();
        let views = Views::new(&site, strings);
        let items: Vec<Arc<ProcedureItem>> = self
            .kept_for(site.records)
            .iter()
            .map(|kept| kept.expect("every record has its line").item.clone())
            .collect();
        // The index kept from last time, updated where the edits touched it; or made
        // anew (and given up when `stop` is set).
        let updated = match self.live.as_mut() {
            Some(live) => live.update(
                &views,
                site.records,
                &items,
                &self.index_edits,
                &search::in_memory,
            ),
            None => Ok(None),
        };
        let made = match updated {
            Ok(Some(index)) => Ok(Some((index, None))),
            Ok(None) => search::Live::new(&views, site.records, &items, stop, &search::in_memory)
                .map(|made| made.map(|(live, index)| (index, Some(live)))),
            Err(problem) => Err(problem),
        };
        let built = made.map_err(|d| one(*d)).and_then(|made| {
            let Some((index, live)) = made else {
                return Ok(None);
            };
            let page = views.search_page(&index.manifest, &search_script(theme));
            Ok(Some((render(&self.renderer, &page)?, index, live)))
        });
        let (page, index, made_anew) = match built {
            Ok(Some(built)) => built,
            Ok(None) => return Ok(None),
            Err(problems) => {
                self.index_failed = true;
                self.live = None;
                return Err(problems);
            }
        };
        clock.lap(if made_anew.is_some() {
            "index"
        } else {
            "index update"
        });
        let mut files = Update::new(&self.files);
        let kept: HashSet<&str> = index.kept.iter().map(String::as_str).collect();
        for path in &self.index {
            if !kept.contains(path.as_str()) {
                files.remove(path);
            }
        }
        let mut paths: Vec<String> = index.files.iter().map(|f| f.path.clone()).collect();
        paths.extend(index.leads.iter().map(|(path, _)| path.clone()));
        paths.extend(index.kept.iter().cloned());
        files.insert_all(index.files);
        for (path, file) in index.leads {
            files.insert_file(path, file);
        }
        files.insert(page);
        let (files, changed) = files.finish();
        self.files = Arc::new(files);
        self.index = paths;
        self.index_version = index.version.clone();
        self.index_stale = false;
        self.catalogue_stale = true;
        self.index_edits.clear();
        if made_anew.is_some() {
            self.live = made_anew;
        }
        clock.lap("swap");
        Ok(Some(Built {
            changed,
            rendered: 1,
            timings: clock.laps().to_vec(),
        }))
    }

    /// Makes the open data catalogue again, of the bytes of the files beside the
    /// pages and the kept lines of the records not edited; the CSV and JSON-LD
    /// files only when a line changed. `Ok(None)` as soon as `stop` is set.
    fn refresh_catalogue(
        &mut self,
        site: &Site,
        strings: &Strings,
        stop: &AtomicBool,
    ) -> Result<Option<Built>, Diagnostics> {
        let mut clock = Stopwatch::start();
        let stopped = || stop.load(Ordering::Relaxed);
        let publisher = &site.config.organisation.name;
        // Each record's lines, and whether they are the ones kept for its file.
        let kept = self.kept_for(site.records);
        let lines: Vec<(KeptLines, bool)> = site
            .records
            .par_iter()
            .zip(&kept)
            .map(|(r, kept)| {
                let data = &kept.expect("every record has its data").data;
                let kept = self.lines.get(&r.file);
                let (lines, same) = match kept {
                    Some((of, lines)) if Arc::ptr_eq(of, data) => (lines.clone(), true),
                    _ => {
                        let made = open_data::lines(strings, data, publisher);
                        match kept {
                            Some((_, lines)) if **lines == made => (lines.clone(), true),
                            _ => (Arc::new(made), false),
                        }
                    }
                };
                ((data.clone(), lines), same)
            })
            .collect();
        // Records are in file order: the same files with the same lines make the
        // same CSV and JSON-LD files.
        let same_lines = lines.len() == self.lines.len() && lines.iter().all(|(_, same)| *same);
        if stopped() {
            return Ok(None);
        }
        let serialised: Vec<&[u8]> = site
            .records
            .par_iter()
            .map(|r| {
                let beside = self.files.get(urls::procedure_data(&r.slug).as_str())?;
                // The preview's files are all made in memory.
                let beside = beside.in_memory()?;
                open_data::record_in(beside)
            })
            .collect::<Option<_>>()
            .expect("every record has its data file beside its page");
        let (procedures, others) = rayon::join(
            || open_data::procedures_json(site, &serialised).joined(),
            || {
                let order: Vec<&open_data::Lines> = lines.iter().map(|((_, l), _)| &**l).collect();
                (!same_lines).then(|| open_data::lines_files(&order).map(Pieces::joined))
            },
        );
        clock.lap("catalogue");
        if stopped() {
            return Ok(None);
        }
        let mut files = Update::new(&self.files);
        files.insert(procedures);
        files.insert_all(others.into_iter().flatten());
        let (files, changed) = files.finish();
        self.files = Arc::new(files);
        self.catalogue_stale = false;
        self.lines = site
            .records
            .iter()
            .map(|r| r.file.clone())
            .zip(lines.into_iter().map(|(kept, _)| kept))
            .collect();
        clock.lap("swap");
        Ok(Some(Built {
            changed,
            rendered: 0,
            timings: clock.laps().to_vec(),
        }))
    }

    /// The pages other than the procedures' after an update. When `may_relist` (the
    /// same records) and the edited records (`fresh`) keep their placements, only the
    /// pages that show their lines change, and the page of changes; else all are
    /// planned again, and come with the records' new placements.
    fn others_after(
        &self,
        views: &Views,
        fresh: &[Fresh],
        kept: &[Option<&Kept>],
        items: &[Arc<ProcedureItem>],
        log: &ChangeLog,
        may_relist: bool,
    ) -> (Vec<Page>, Option<Vec<view::Placement>>) {
        let records = views.site.records;
        let relist = may_relist
            && fresh.iter().all(|(i, item, _)| {
                kept[*i].is_some_and(|k| k.placement == views.placement(&records[*i], item))
            });
        if relist {
            let new: view::NewLines = fresh
                .iter()
                .filter_map(|(i, item, _)| {
                    Some((view::line_address(&kept[*i]?.item), item.clone()))
                })
                .collect();
            let planned = self.others.par_iter().map(|(_, page)| page);
            (view::replan_others(views, planned, &new, log), None)
        } else {
            let placements = views.placements(items);
            let others = view::plan_others(views.site, views.strings, items, &placements, log);
            (others, Some(placements))
        }
    }

    /// Plans and renders the pages `changes` can have changed; `self` is only changed
    /// when everything succeeded.
    fn update(
        &mut self,
        sources: &Sources,
        site: Site,
        theme: &Theme,
        strings: &Strings,
        changes: &Changes,
        clock: &mut Stopwatch,
    ) -> Result<Built, Diagnostics> {
        let plain = Views::new(&site, strings);
        let renderer = if changes.templates.is_empty() {
            None
        } else {
            Some(renderer(theme, &plain)?)
        };
        let templates = affected_templates(theme, &changes.templates);

        // List lines and open data: new for changed records, kept for the others.
        let records = site.records;
        let index_of = |file: &PathBuf| {
            records
                .binary_search_by(|r| r.file.as_path().cmp(file))
                .ok()
        };
        // Where the edited records that exist now are.
        let mut edited_at: Vec<usize> = changes.records.keys().filter_map(index_of).collect();
        edited_at.sort_unstable();
        let fresh: Vec<Fresh> = edited_at
            .par_iter()
            .map(|&i| {
                let item = plain.item(&records[i]);
                let data = open_data::of(&site, &records[i], &item);
                (i, Arc::new(item), Arc::new(data))
            })
            .collect();
        let kept = self.kept_for(records);
        // Every edited record was there before: the records are the same files.
        let same_files = self.kept.len() == records.len()
            && edited_at.len() == changes.records.len()
            && changes.records.values().all(Option::is_some);
        let mut item_list: Vec<Option<Arc<ProcedureItem>>> =
            kept.iter().map(|k| k.map(|k| k.item.clone())).collect();
        let mut data_list: Vec<Option<Arc<DataRecord>>> =
            kept.iter().map(|k| k.map(|k| k.data.clone())).collect();
        for (i, item, data) in &fresh {
            item_list[*i] = Some(item.clone());
            data_list[*i] = Some(data.clone());
        }
        let item_list: Vec<Arc<ProcedureItem>> = item_list
            .into_iter()
            .map(|item| item.expect("a record not edited has its line"))
            .collect();
        let data_list: Vec<Arc<DataRecord>> = data_list
            .into_iter()
            .map(|data| data.expect("a record not edited has its data"))
            .collect();
        // The records edited, by code as they were and are.
        let mut edited: HashSet<String> = HashSet::new();
        for old in changes.records.values() {
            edited.extend(old.as_ref().map(|o| o.code.to_lowercase()));
        }
        edited.extend(fresh.iter().map(|(_, _, d)| d.code.to_lowercase()));
        let log = sources.history().updated_after(
            &data_list,
            Date::today(),
            strings,
            Some((&self.changes, &edited)),
        );
        let views = Views {
            site: &site,
            strings,
            changes: Some(&log),
        };
        clock.lap("items");

        // Procedure pages: the changed records and those naming one as related.
        let mut codes: HashSet<&Code> = changes
            .records
            .values()
            .flatten()
            .map(|old| &old.code)
            .collect();
        codes.extend(edited_at.iter().map(|&i| &records[i].code));
        let all_procedures =
            templates.contains("procedure.html") || templates.contains("notice.html");
        let by_code = view::by_code(site.records);
        let procedures: Vec<Page> = records
            .par_iter()
            .enumerate()
            .filter(|(i, r)| {
                all_procedures
                    || edited_at.binary_search(i).is_ok()
                    || r.related.iter().any(|c| codes.contains(c))
            })
            .flat_map_iter(|(_, r)| views.procedure_pages(r, &by_code))
            .collect();
        clock.lap("procedures");

        // Other pages: rendered when their data or template changed.
        // (A template edit renders the pages that use it: all are planned then.)
        let may_relist = templates.is_empty() && same_files;
        let (others, placements) =
            self.others_after(&views, &fresh, &kept, &item_list, &log, may_relist);
        let renderer_now = renderer.as_ref().unwrap_or(&self.renderer);
        let to_render =
            procedures.iter().chain(others.iter().filter(|p| {
                templates.contains(p.template) || self.others.get(&p.path) != Some(*p)
            }));
        clock.lap("plan");
        let rendered = render_all(renderer_now, None, to_render, Store::default())?.files;
        clock.lap("render");

        let mut files = Update::new(&self.files);
        for old in changes.records.values().flatten() {
            files.remove(&old.page);
            files.remove(&urls::notice_beside(&old.page));
            files.remove(&urls::data_beside(&old.page));
        }
        for (i, _, data) in &fresh {
            let bytes = serde_json::to_vec(&**data).expect("data records serialise");
            files.insert(open_data::procedure_file(&records[*i].slug, &bytes));
        }
        files.insert_all(statistics_csv(&others));
        files.insert_all(change_files(&log, &site, strings));
        if placements.is_some() {
            let planned: HashSet<&str> = others.iter().map(|p| p.path.as_str()).collect();
            for path in self.others.keys() {
                if !planned.contains(path.as_str()) {
                    files.remove(path);
                }
            }
        }
        let count = rendered.len();
        let checked: Vec<String> = rendered.iter().map(|(path, _)| path.clone()).collect();
        for (path, file) in rendered {
            files.insert_file(path, file);
        }
        let statics = if changes.statics {
            for path in &self.statics {
                files.remove(path);
            }
            let statics = static_files(theme);
            let paths = statics.iter().map(|f| f.path.clone()).collect();
            files.insert_all(statics);
            Some(paths)
        } else {
            None
        };
        let forms = form_paths(&site);
        for path in &self.forms {
            if forms.binary_search(path).is_err() {
                files.remove(path);
            }
        }
        for path in &forms {
            if changes.forms.contains(path) || self.forms.binary_search(path).is_err() {
                files.insert(read_form(sources, path)?);
            }
        }
        // The same records and other pages have the same sitemap.
        if placements.is_some() {
            let sitemap: Vec<String> = site
                .records
                .iter()
                .map(|r| urls::procedure(&r.slug))
                .chain(
                    others
                        .iter()
                        .filter(|p| p.in_sitemap)
                        .map(|p| p.path.clone()),
                )
                .collect();
            files.insert_all(crawlers::files(&site, sitemap.iter().map(String::as_str)));
        }
        files.insert_all(offline::page_files(&site, theme));
        problems::broken_links(sources, &files, &checked)?;
        clock.lap("check links");

        let (new_files, changed) = files.finish();
        self.files = Arc::new(new_files);
        let replanned = others.into_iter().map(|p| (p.path.clone(), p));
        if placements.is_some() {
            self.pages = site.records.len() + replanned.len() + 1;
            self.others = replanned.collect();
        } else {
            self.others.extend(replanned);
        }
        match (same_files, placements) {
            (true, placements) => {
                for (i, item, data) in fresh {
                    self.kept[i].item = item;
                    self.kept[i].data = data;
                }
                if let Some(placements) = placements {
                    for (kept, placement) in self.kept.iter_mut().zip(placements) {
                        kept.placement = placement;
                    }
                }
            }
            (false, Some(placements)) => {
                self.kept = kept_records(records, item_list, data_list, placements);
            }
            (false, None) => unreachable!("only an update of the same records relists"),
        }
        if let Some(renderer) = renderer {
            self.renderer = renderer;
        }
        if let Some(statics) = statics {
            self.statics = statics;
        }
        self.forms = forms;
        self.changes = log;
        self.index_failed = false;
        self.index_edits.extend(changes.records.keys().cloned());
        if !changes.records.is_empty() || changes.search_script || templates.contains("search.html")
        {
            self.index_stale = true;
        }
        clock.lap("swap");
        Ok(Built {
            changed,
            rendered: count,
            timings: clock.laps().to_vec(),
        })
    }
}

/// The open data as JSON: the file beside each record's page and the catalogue,
/// made of each record's JSON (`serialised`, hashed `hashes`). When the previous
/// build is offered, with the key each record's file was made from: the hash of
/// its JSON.
fn json_files(site: &Site, serialised: Vec<Cow<[u8]>>, hashes: &[u128], store: Store) -> JsonFiles {
    let catalogue = || {
        let pieces = open_data::procedures_json(site, &serialised);
        (pieces.path.clone(), store.pieces(pieces))
    };
    let beside = || {
        site.records
            .par_iter()
            .zip(&serialised)
            .zip(hashes)
            .map(|((record, bytes), hash)| {
                let path = urls::procedure_data(&record.slug);
                let file = store.keyed(&path, *hash, || {
                    open_data::procedure_file(&record.slug, bytes).bytes
                });
                (path, file)
            })
            .collect::<Vec<_>>()
    };
    let (catalogue, mut files) = rayon::join(catalogue, beside);
    let keys = match store.previous {
        Some(_) => files
            .iter()
            .zip(hashes)
            .map(|((path, _), hash)| (path.clone(), *hash))
            .collect(),
        None => Vec::new(),
    };
    files.push(catalogue);
    JsonFiles { files, keys }
}

/// What [`json_files`] made.
struct JsonFiles {
    files: Vec<(String, File)>,
    /// Each record's file beside its page, and the hash of the JSON it holds.
    keys: Vec<(String, u128)>,
}

/// The rest of the open data: the catalogue's other files and the statistics as
/// CSV. `hashes`: each record's JSON hash, which its catalogue lines are made of.
/// When the previous build is offered, where the lines are, for the next build to
/// take them.
fn data_files(
    site: &Site,
    strings: &Strings,
    data: &(dyn Fn(usize) -> Arc<DataRecord> + Sync),
    hashes: &[u128],
    others: &[Page],
    store: Store,
) -> (Vec<(String, File)>, Option<open_data::LinesNote>) {
    let lines_key = store
        .previous
        .and_then(|_| open_data::lines_key(strings, &site.config.organisation.name));
    let written = store.previous.zip(lines_key).and_then(|(previous, key)| {
        open_data::Written::read(previous.root(), previous.output(), key)
    });
    let (mut files, [csv_at, cpsv_at]) =
        open_data::catalogue_files(site, strings, data, hashes, written.as_ref(), |pieces| {
            (pieces.path.clone(), store.pieces(pieces))
        });
    files.extend(statistics_csv(others).map(|made| store.put(made)));
    let note = lines_key.map(|key| open_data::LinesNote::new(key, hashes, csv_at, cpsv_at));
    (files, note)
}

/// The change log the next build carries on, and its feed.
fn change_files(log: &ChangeLog, site: &Site, strings: &Strings) -> Vec<OutputFile> {
    vec![
        OutputFile {
            path: changes::log_path(),
            bytes: log.file(),
        },
        OutputFile {
            path: changes::atom::feed_path(),
            bytes: changes::feed(log, site, strings).into_bytes(),
        },
    ]
}

/// The statistics page's numbers as CSV, beside it.
fn statistics_csv(others: &[Page]) -> Option<OutputFile> {
    others.iter().find_map(|page| match &page.data {
        view::PageData::Statistics(stats) => Some(OutputFile {
            path: view::statistics::csv_path(),
            bytes: stats.csv.clone().into_bytes(),
        }),
        _ => None,
    })
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

/// The search index, taken from the previous build when it was made from the same
/// key: with the key (when the previous build was offered) and whether it was taken;
/// its files in the store, the lead files as soon as each is made. They are put
/// there before the note for the next build is made: both are tens of megabytes at
/// 10,000 records.
fn search_index(
    views: &Views,
    records: &[crate::model::record::Record],
    items: &[Arc<ProcedureItem>],
    previous: Option<&PreviousBuild>,
    inputs: Option<&search::Inputs>,
    store: Store,
) -> Result<Indexed, Box<Diagnostic>> {
    let put = |made| store.put(made);
    let (indexed, stored) = made_index(views, records, items, previous, inputs, &put)?;
    let indexed = indexed.stored_in(store);
    Ok(Indexed {
        stored: stored.map(search::Stored::note),
        ..indexed
    })
}

/// [`search_index`], with the index to note for the next build, if any.
fn made_index(
    views: &Views,
    records: &[crate::model::record::Record],
    items: &[Arc<ProcedureItem>],
    previous: Option<&PreviousBuild>,
    inputs: Option<&search::Inputs>,
    put: search::Put,
) -> Result<(Indexed, Option<search::Stored>), Box<Diagnostic>> {
    let Some((previous, inputs)) = previous.zip(inputs) else {
        return Ok((
            Indexed::made(search::build(views, records, items, put)?),
            None,
        ));
    };
    let key = inputs.key();
    if let Some(taken) = taken_index(previous, key) {
        return Ok((taken, None));
    }
    // The index noted with the output's, updated where records changed; its
    // untouched lead files are taken from the output.
    let stored = previous
        .index_key()
        .and_then(|noted| search::Stored::open(previous.root(), noted));
    if let Some(stored) = stored
        && let Some((stored, mut index)) = stored.update(views, records, items, inputs, put)?
        && let Some(taken) = previous.index_files(std::mem::take(&mut index.kept))
    {
        let indexed = Indexed {
            key: Some(key),
            how: IndexMade::Updated,
            files: taken,
            ..Indexed::made(index)
        };
        return Ok((indexed, Some(stored)));
    }
    let (live, index) = search::Live::whole(views, records, items, put)?;
    let indexed = Indexed {
        key: Some(key),
        ..Indexed::made(index)
    };
    Ok((indexed, search::Stored::new(live, records, inputs)))
}

/// The previous build's index, if it was made from `key` and is still as written.
fn taken_index(previous: &PreviousBuild, key: u128) -> Option<Indexed> {
    let (manifest, taken) = previous.index(key)?;
    let manifest = serde_json::value::RawValue::from_string(manifest).ok()?;
    let version = serde_json::from_str::<search::Version>(manifest.get())
        .ok()?
        .version;
    let index = search::SearchIndex {
        kept: Vec::new(),
        files: Vec::new(),
        leads: Vec::new(),
        manifest,
        version,
    };
    Some(Indexed {
        key: Some(key),
        how: IndexMade::Taken,
        files: taken,
        ..Indexed::made(index)
    })
}

/// How a build's search index came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexMade {
    /// Made from every record.
    Whole,
    /// The previous build's, updated where records changed.
    Updated,
    /// The previous build's, as it was: nothing it is made of changed.
    Taken,
}

/// The search index of a build.
struct Indexed {
    index: search::SearchIndex,
    /// What it was made from, when the previous build was offered.
    key: Option<u128>,
    how: IndexMade,
    /// Its note, for the next build to update it.
    stored: Option<search::Note>,
    /// Its files taken from the previous build, beside `index.files`; all its
    /// files once [`Indexed::stored_in`] a build's store.
    files: Vec<(String, File)>,
}

impl Indexed {
    fn made(index: search::SearchIndex) -> Indexed {
        Indexed {
            index,
            key: None,
            how: IndexMade::Whole,
            stored: None,
            files: Vec::new(),
        }
    }

    /// With the files made moved beside those taken, into the store (the made ones
    /// first, as the index lists them; the lead files are there already).
    fn stored_in(mut self, store: Store) -> Indexed {
        let mut files: Vec<(String, File)> = std::mem::take(&mut self.index.files)
            .into_par_iter()
            .map(|made| store.put(made))
            .collect();
        files.append(&mut self.index.leads);
        files.append(&mut self.files);
        self.files = files;
        self
    }
}

/// What rendering pages gave.
struct Rendered {
    files: Vec<(String, File)>,
    /// The key each page was rendered from, when the previous pages were offered.
    keys: Vec<(String, u128)>,
    /// The pages taken from the previous build.
    taken: FastSet<String>,
}

/// Each record's page and notice. Both are taken from the previous build when they
/// were made from the same inputs; the record's view is made only when they are not.
struct RecordPages<'a> {
    views: &'a Views<'a>,
    by_code: &'a view::ByCode<'a>,
    /// Each record's [`Views::procedure_inputs`], when there are inputs to take by.
    inputs: Vec<Option<u128>>,
}

impl<'a> RecordPages<'a> {
    fn new(
        views: &'a Views<'a>,
        by_code: &'a view::ByCode<'a>,
        inputs: Option<&search::Inputs>,
    ) -> Self {
        let records = views.site.records;
        let inputs = match (inputs, views.shared_inputs()) {
            (Some(inputs), Some(shared)) => records
                .par_iter()
                .zip(inputs.each())
                .map(|(record, own)| views.procedure_inputs(shared, record, *own, by_code))
                .collect(),
            _ => vec![None; records.len()],
        };
        RecordPages {
            views,
            by_code,
            inputs,
        }
    }

    /// Every record's two pages, in the records' order.
    fn all(&self, renderer: &Renderer, store: Store) -> Vec<Made> {
        (0..self.inputs.len())
            .into_par_iter()
            .flat_map_iter(|at| self.made(at, renderer, store))
            .collect()
    }

    /// The two pages of the record at `at`: each taken when it can be, and the
    /// record's view made only when one cannot.
    fn made(&self, at: usize, renderer: &Renderer, store: Store) -> Vec<Made> {
        let record = &self.views.site.records[at];
        let paths = view::procedure_paths(record);
        let keys = self.inputs[at]
            .map(|inputs| paths.each_ref().map(|p| renderer.key_of_inputs(p, inputs)));
        let pages = std::cell::OnceCell::new();
        // The record's view as the templates read it, for both pages.
        let procedure = std::cell::OnceCell::new();
        paths
            .into_iter()
            .enumerate()
            .map(|(n, path)| {
                store.page(path, keys.map(|k| k[n]), || {
                    let pages =
                        pages.get_or_init(|| self.views.procedure_pages(record, self.by_code));
                    renderer.render_sharing(&pages[n], &procedure)
                })
            })
            .collect()
    }
}

/// One page, taken or rendered.
struct Made {
    path: String,
    bytes: Result<File, RenderError>,
    /// What it was rendered from, when the previous build was offered.
    key: Option<u128>,
    taken: bool,
}

/// Where an assembly's files come from and go: the previous build's, to take or to
/// link again, and the folder a build writes what it makes into at once.
#[derive(Clone, Copy, Default)]
struct Store<'a> {
    previous: Option<&'a PreviousBuild>,
    scratch: Option<&'a Scratch>,
}

impl Store<'_> {
    /// The file at `path` this build made of `bytes`: the previous output's own
    /// when it holds them, else written to the scratch folder, if any.
    fn file(self, path: &str, bytes: Vec<u8>) -> File {
        if self.previous.is_none() && self.scratch.is_none() {
            return File::made(bytes);
        }
        let hash = xxh3_128(&bytes);
        match self
            .previous
            .and_then(|previous| previous.holds(path, hash))
        {
            Some(held) => held,
            None => File::scratch(bytes, hash, self.scratch),
        }
    }

    /// [`Store::file`] of a made file, with its path.
    fn put(self, made: OutputFile) -> (String, File) {
        let file = self.file(&made.path, made.bytes);
        (made.path, file)
    }

    /// The file at `path` the previous build made from `key`, when the output still
    /// holds it as written; else the one [`Store::file`] makes of `make`'s bytes.
    fn keyed(self, path: &str, key: u128, make: impl FnOnce() -> Vec<u8>) -> File {
        self.previous
            .and_then(|previous| previous.page(path, key))
            .unwrap_or_else(|| self.file(path, make()))
    }

    /// The file made of `pieces`, as [`Store::file`] makes one of its bytes: written
    /// piece by piece to the scratch folder, joined only to be held in memory.
    fn pieces(self, pieces: Pieces) -> File {
        let Some(scratch) = self.scratch else {
            let file = pieces.joined();
            return self.file(&file.path, file.bytes);
        };
        let mut hasher = Xxh3Default::new();
        for part in &pieces.parts {
            hasher.update(part);
        }
        let hash = hasher.digest128();
        if let Some(held) = self.previous.and_then(|p| p.holds(&pieces.path, hash)) {
            return held;
        }
        match scratch.put_all(&pieces.parts) {
            Ok(at) => File::Scratch(Arc::new(OnDisk {
                at,
                hash,
                len: pieces.size() as u64,
                seen: None,
            })),
            Err(_) => File::scratch(pieces.joined().bytes, hash, None),
        }
    }

    /// The page at `path`: taken from the previous build if it was made from `key`,
    /// else rendered.
    fn page(
        self,
        path: String,
        key: Option<u128>,
        render: impl FnOnce() -> Result<Vec<u8>, RenderError>,
    ) -> Made {
        let taken = self
            .previous
            .zip(key)
            .and_then(|(previous, key)| previous.page(&path, key));
        Made {
            taken: taken.is_some(),
            bytes: taken.map_or_else(|| render().map(|bytes| self.file(&path, bytes)), Ok),
            path,
            key,
        }
    }
}

/// Renders the pages of `records` and `pages` in parallel, taking those whose key
/// the previous build rendered from the store's. A template error is reported once,
/// not once per page.
fn render_all<'a>(
    renderer: &Renderer,
    records: Option<&RecordPages>,
    pages: impl Iterator<Item = &'a Page>,
    store: Store,
) -> Result<Rendered, Diagnostics> {
    let pages: Vec<&Page> = pages.collect();
    let mut made = records.map_or_else(Vec::new, |r| r.all(renderer, store));
    made.par_extend(pages.par_iter().map(|page| {
        let key = store.previous.and_then(|_| renderer.key(page));
        store.page(page.path.clone(), key, || renderer.render(page))
    }));
    let mut rendered = Rendered {
        files: Vec::with_capacity(made.len()),
        keys: Vec::new(),
        taken: FastSet::default(),
    };
    let mut errors: Vec<(RenderError, String)> = Vec::new();
    for Made {
        path,
        bytes,
        key,
        taken,
    } in made
    {
        match bytes {
            Ok(bytes) => {
                rendered.keys.extend(key.map(|key| (path.clone(), key)));
                if taken {
                    rendered.taken.insert(path.clone());
                }
                rendered.files.push((path, bytes));
            }
            Err(error) if errors.iter().all(|(e, _)| *e != error) => {
                errors.push((error, path));
            }
            Err(_) => {}
        }
    }
    if errors.is_empty() {
        return Ok(rendered);
    }
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(errors.iter().map(|(e, page)| e.diagnostic(Some(page))));
    Err(diagnostics)
}

fn one(diagnostic: Diagnostic) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    diagnostics.push(diagnostic);
    diagnostics
}

/// The theme's search script, as the search page inlines it.
fn search_script(theme: &Theme) -> String {
    theme
        .files
        .get(SEARCH_SCRIPT)
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .unwrap_or_default()
}

/// The theme's `static/` files, at the root of the site.
fn static_files(theme: &Theme) -> Vec<OutputFile> {
    theme
        .files_in("static")
        .map(|(path, file)| OutputFile {
            path: path.to_string(),
            bytes: file.bytes.clone(),
        })
        .collect()
}

/// Paths (under `content/`) of the form files records link to, sorted.
fn form_paths(site: &Site) -> Vec<String> {
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

/// A form file, published with its path under `content/`.
fn read_form(sources: &Sources, path: &str) -> Result<OutputFile, Diagnostics> {
    let bytes = sources.read_form(path).map_err(|d| one(*d))?;
    Ok(OutputFile {
        path: path.to_string(),
        bytes,
    })
}

/// The changed templates and those that extend, include or import one of them. A
/// template names another in quotes; matching the quoted name errs on the safe side.
fn affected_templates(theme: &Theme, changed: &BTreeSet<String>) -> HashSet<String> {
    let sources: Vec<(&str, String)> = theme
        .files_in("templates")
        .map(|(name, f)| (name, String::from_utf8_lossy(&f.bytes).into_owned()))
        .collect();
    let mut affected: HashSet<String> = changed.iter().cloned().collect();
    loop {
        let more: Vec<String> = sources
            .iter()
            .filter(|(name, _)| !affected.contains(*name))
            .filter(|(_, text)| {
                affected
                    .iter()
                    .any(|t| text.contains(&format!("\"{t}\"")) || text.contains(&format!("'{t}'")))
            })
            .map(|(name, _)| name.to_string())
            .collect();
        if more.is_empty() {
            return affected;
        }
        affected.extend(more);
    }
}
