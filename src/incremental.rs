//! Rebuilding after edits, for `sotay serve`. A session keeps the sources as they are
//! on disk and the last good site in memory. After a change it plans and renders only
//! the pages the change can touch, and what it serves equals what `sotay build` makes
//! from the same sources (`tests/incremental.rs` compares the two after every edit).
//!
//! - A record renders its own page and the pages that name it as related. The other
//!   pages (home, lists, indexes, free pages) are few: all are planned, and those whose
//!   data differs from last time are rendered.
//! - The search index follows in a second step, [`Session::refresh_index`], so the
//!   edited page is served before the index (a second or so at 10,000 records) is done.
//! - A template renders the pages whose template uses it; configuration, offices, free
//!   pages and interface strings rebuild everything (records are not read again).
//! - While the sources have errors the last good site stays; the changes pile up and
//!   are rendered together once the sources are good again.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;

use crate::build::{self, BuildError, Stopwatch};
use crate::config::CONFIG_FILE;
use crate::content::{
    CONTENT_DIR, PROCEDURES_DIR, is_hidden, is_record_file, load_record, relative,
};
use crate::diagnostics::{self, Diagnostic, Diagnostics, Format};
use crate::fields::FieldLabels;
use crate::freepages::PAGES_DIR;
use crate::i18n::Strings;
use crate::links::broken_links_to;
use crate::offices::OFFICES_FILE;
use crate::output::OutputFile;
use crate::pages::{self, Page, ProcedureItem, Views};
use crate::record::Record;
use crate::render::Renderer;
use crate::search;
use crate::site::{self, Site};
use crate::theme::Theme;
use crate::urls;
use crate::validate::validate;

/// The built site: path relative to the site root → content. Shared keys and
/// contents make copying it for the next version cheap.
pub type Files = HashMap<Arc<str>, Arc<[u8]>>;

/// What an update did.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing the site is made of changed (an editor's swap file, say).
    Unchanged,
    Built(Built),
    /// The sources have errors; the last good site is kept. The report is what
    /// `sotay check` (or `sotay build`, for template errors) prints.
    Failed(String),
}

#[derive(Debug)]
pub struct Built {
    /// Files whose content changed, appeared or disappeared.
    pub changed: Vec<String>,
    /// Pages rendered again.
    pub rendered: usize,
    pub timings: Vec<(&'static str, Duration)>,
}

pub struct Session {
    root: PathBuf,
    input: Input,
    good: Option<Good>,
    pending: Pending,
}

/// The sources as they are on disk now, with their problems.
struct Input {
    /// Holds the last configuration that could be read.
    site: Site,
    config_problems: Vec<Diagnostic>,
    office_problems: Vec<Diagnostic>,
    page_problems: Vec<Diagnostic>,
    discovery_problems: Vec<Diagnostic>,
    /// Every record file found, with the problems decoding it found (often none).
    record_files: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// The theme, or why it cannot be read.
    theme: Result<Theme, String>,
}

/// The last site that built, and what is needed to update it.
struct Good {
    files: Arc<Files>,
    strings: Strings,
    renderer: Renderer,
    /// List lines by record file.
    items: HashMap<PathBuf, Arc<ProcedureItem>>,
    /// Every page but the procedures', as planned, to see which changed.
    others: HashMap<String, Page>,
    statics: Vec<String>,
    forms: Vec<String>,
    index: Vec<String>,
    /// The search index and page are older than the pages.
    index_stale: bool,
}

/// Changes since the last good site.
#[derive(Default)]
struct Pending {
    full: bool,
    /// Record files changed, with the code and page they had in the last good site.
    records: HashMap<PathBuf, Option<Identity>>,
    templates: BTreeSet<String>,
    statics: bool,
    /// Files under content/ that forms may be.
    forms: BTreeSet<String>,
    search_script: bool,
}

impl Pending {
    fn is_empty(&self) -> bool {
        !self.full
            && self.records.is_empty()
            && self.templates.is_empty()
            && !self.statics
            && self.forms.is_empty()
            && !self.search_script
    }
}

struct Identity {
    code: String,
    page: String,
}

impl Identity {
    fn of(record: &Record) -> Identity {
        Identity {
            code: record.code.to_lowercase(),
            page: urls::procedure(&record.slug),
        }
    }
}

/// What part of the site a changed path belongs to.
enum Source {
    Config,
    Records,
    Offices,
    FreePages,
    Content,
    Theme,
}

fn classify(relative: &Path) -> Option<Source> {
    let content = Path::new(CONTENT_DIR);
    let source = if relative == Path::new(CONFIG_FILE) {
        Source::Config
    } else if relative.starts_with(content.join(PROCEDURES_DIR)) {
        Source::Records
    } else if relative == content.join(OFFICES_FILE) {
        Source::Offices
    } else if relative.starts_with(content.join(PAGES_DIR)) {
        Source::FreePages
    } else if relative.starts_with(content) {
        Source::Content
    } else if ["themes", "templates", "static"]
        .iter()
        .any(|dir| relative.starts_with(dir))
    {
        Source::Theme
    } else {
        return None;
    };
    Some(source)
}

impl Session {
    /// Reads the site at `root`; fails only when it has no readable sotay.yaml.
    /// Call [`Session::update`] with no paths for the first build.
    pub fn open(root: &Path) -> Result<Session, String> {
        let root = root
            .canonicalize()
            .map_err(|e| format!("cannot open {}: {e}", root.display()))?;
        let mut config_problems = Diagnostics::default();
        let Some(config) = site::load_config(&root, &mut config_problems) else {
            return Err(diagnostics::render(&config_problems, Format::Human));
        };
        let mut input = Input {
            site: Site {
                root: root.clone(),
                config,
                offices: Vec::new(),
                records: Vec::new(),
                pages: Vec::new(),
                field_labels: Default::default(),
            },
            config_problems: config_problems.iter().cloned().collect(),
            office_problems: Vec::new(),
            page_problems: Vec::new(),
            discovery_problems: Vec::new(),
            record_files: BTreeMap::new(),
            theme: Err(String::new()),
        };
        input.reload_offices();
        input.reload_pages();
        input.reload_theme();
        let mut session = Session {
            root,
            input,
            good: None,
            pending: Pending {
                full: true,
                ..Pending::default()
            },
        };
        session.rediscover(&[]);
        session.relabel_fields();
        Ok(session)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The last good site, if any build succeeded.
    pub fn files(&self) -> Option<Arc<Files>> {
        self.good.as_ref().map(|g| g.files.clone())
    }

    /// Reads what changed at `paths` (files or folders, absolute or relative to the
    /// root; whatever the watcher reported) and brings the site up to date.
    pub fn update(&mut self, paths: &[PathBuf]) -> Outcome {
        let mut clock = Stopwatch::start();
        let touched: Vec<PathBuf> = paths
            .iter()
            .map(|p| relative(&self.root, p))
            .filter(|p| classify(p).is_some())
            .collect();
        let has = |wanted: fn(&Source) -> bool| {
            touched
                .iter()
                .any(|p| classify(p).as_ref().is_some_and(wanted))
        };
        if has(|s| matches!(s, Source::Config)) {
            self.reload_config();
        }
        if has(|s| matches!(s, Source::Offices)) {
            self.input.reload_offices();
            self.pending.full = true;
        }
        if has(|s| matches!(s, Source::FreePages)) {
            self.input.reload_pages();
            self.pending.full = true;
        }
        if has(|s| matches!(s, Source::Theme)) {
            self.reload_theme();
        }
        if has(|s| matches!(s, Source::Records)) {
            self.reload_records(&touched);
            self.relabel_fields();
        }
        for path in &touched {
            if let (Some(Source::Content), Ok(form)) =
                (classify(path), path.strip_prefix(CONTENT_DIR))
            {
                let form = form.to_string_lossy().replace('\\', "/");
                self.pending.forms.insert(form);
            }
        }
        clock.lap("read");
        if self.pending.is_empty() {
            return Outcome::Unchanged;
        }

        let problems = self.diagnostics();
        if problems.has_errors() {
            return Outcome::Failed(diagnostics::render(&problems, Format::Human));
        }
        clock.lap("check");
        let theme = match &self.input.theme {
            Ok(theme) => theme,
            Err(message) => return Outcome::Failed(format!("error: {message}\n")),
        };
        let result = match &mut self.good {
            Some(good) if !self.pending.full => {
                rebuild_changed(&self.input, theme, &self.pending, good, &mut clock)
            }
            _ => rebuild_all(&self.input, theme, self.good.as_ref(), &mut clock).map(
                |(good, built)| {
                    self.good = Some(good);
                    built
                },
            ),
        };
        match result {
            Ok(built) => {
                self.pending = Pending::default();
                Outcome::Built(built)
            }
            Err(BuildError::Content(problems)) => {
                Outcome::Failed(diagnostics::render(&problems, Format::Human))
            }
            Err(error) => Outcome::Failed(format!("error: {error}\n")),
        }
    }

    /// Whether [`Session::refresh_index`] has work to do.
    pub fn index_stale(&self) -> bool {
        self.pending.is_empty() && self.good.as_ref().is_some_and(|g| g.index_stale)
    }

    /// Builds the search index and search page again for the site as served.
    pub fn refresh_index(&mut self) -> Option<Built> {
        if !self.index_stale() {
            return None;
        }
        let mut clock = Stopwatch::start();
        let good = self.good.as_mut()?;
        let site = &self.input.site;
        let theme = self.input.theme.as_ref().ok()?;
        let views = Views {
            site,
            strings: &good.strings,
        };
        let items: Vec<Arc<ProcedureItem>> = site
            .records
            .iter()
            .map(|r| good.items[&r.file].clone())
            .collect();
        let index = search::build(&views, &site.records, &items);
        let page = views.search_page(&index.manifest, &build::search_script(theme));
        let page = build::render(&good.renderer, &page).ok()?;
        clock.lap("index");
        let mut files = Update::new(&good.files);
        for path in good.index.drain(..) {
            files.remove(&path);
        }
        good.index = index.files.iter().map(|f| f.path.clone()).collect();
        files.insert_all(index.files);
        files.insert(page);
        let (files, changed) = files.finish();
        good.files = Arc::new(files);
        good.index_stale = false;
        clock.lap("swap");
        Some(Built {
            changed,
            rendered: 1,
            timings: clock.laps().to_vec(),
        })
    }

    /// Every problem of the sources as they are now, as `sotay check` reports them.
    fn diagnostics(&self) -> Diagnostics {
        let input = &self.input;
        let mut all = Diagnostics::default();
        all.extend(input.config_problems.iter().cloned());
        all.extend(input.office_problems.iter().cloned());
        all.extend(input.discovery_problems.iter().cloned());
        all.extend(input.record_files.values().flatten().cloned());
        all.extend(input.page_problems.iter().cloned());
        all.extend(validate(
            &self.root,
            &input.site.records,
            &input.site.offices,
        ));
        all.sort();
        all
    }

    fn reload_config(&mut self) {
        let mut problems = Diagnostics::default();
        if let Some(config) = site::load_config(&self.root, &mut problems) {
            let theme_changed = config.theme != self.input.site.config.theme;
            self.input.site.config = config;
            if theme_changed {
                self.input.reload_theme();
            }
        }
        self.input.config_problems = problems.iter().cloned().collect();
        self.pending.full = true;
    }

    /// Loads the theme again and notes which of its files changed.
    fn reload_theme(&mut self) {
        let before = std::mem::replace(&mut self.input.theme, Err(String::new()));
        self.input.reload_theme();
        let (Ok(before), Ok(after)) = (&before, &self.input.theme) else {
            self.pending.full = true;
            return;
        };
        let paths: BTreeSet<&String> = before.files.keys().chain(after.files.keys()).collect();
        for path in paths {
            let old = before.files.get(path).map(|f| &f.bytes);
            if old == after.files.get(path).map(|f| &f.bytes) {
                continue;
            }
            if let Some(name) = path.strip_prefix("templates/") {
                self.pending.templates.insert(name.to_string());
            } else if path.starts_with("static/") {
                self.pending.statics = true;
            } else if path == build::SEARCH_SCRIPT {
                self.pending.search_script = true;
            } else {
                // Interface strings and anything else the theme holds.
                self.pending.full = true;
            }
        }
    }

    /// A field's label can change with any record of that field (the most common form
    /// wins): then every page that shows the field is out of date.
    fn relabel_fields(&mut self) {
        let labels = FieldLabels::of(&self.input.site.records);
        if labels != self.input.site.field_labels {
            self.input.site.field_labels = labels;
            self.pending.full = true;
        }
    }

    /// Finds the record files again and reads those that are new or were touched.
    fn reload_records(&mut self, touched: &[PathBuf]) {
        let records: Vec<&PathBuf> = touched
            .iter()
            .filter(|p| matches!(classify(p), Some(Source::Records)))
            .collect();
        if let Some(files) = self.plain_files(&records) {
            for file in files {
                let (record, problems) = if self.root.join(&file).is_file() {
                    load_record(&self.root, &self.root.join(&file))
                } else {
                    self.input.record_files.remove(&file);
                    self.replace_record(&file, None);
                    continue;
                };
                self.input.record_files.insert(file.clone(), problems);
                self.replace_record(&file, record);
            }
            return;
        }
        self.rediscover(touched);
    }

    /// When every touched path is a plain record file (saved, created or deleted),
    /// those files: no need to walk the folders again. `None` for folders, links and
    /// anything else discovery must look at.
    fn plain_files(&self, touched: &[&PathBuf]) -> Option<Vec<PathBuf>> {
        let mut files = Vec::new();
        for path in touched {
            let counts = path
                .strip_prefix(Path::new(CONTENT_DIR).join(PROCEDURES_DIR))
                .ok()
                .is_some_and(|inside| {
                    inside.components().all(|c| !is_hidden(c.as_os_str())) && is_record_file(path)
                });
            match std::fs::symlink_metadata(self.root.join(path)) {
                Ok(meta) if meta.file_type().is_file() => {
                    if counts {
                        files.push(path.to_path_buf());
                    }
                }
                Ok(_) => return None,
                Err(_) if self.input.record_files.contains_key(*path) => {
                    files.push(path.to_path_buf());
                }
                // Gone, and not a record: a folder that held records, or an
                // editor's temporary file.
                Err(_) => {
                    if self.input.record_files.keys().any(|f| f.starts_with(path)) {
                        return None;
                    }
                }
            }
        }
        Some(files)
    }

    /// Walks the procedures folder again, as a full build does.
    fn rediscover(&mut self, touched: &[PathBuf]) {
        let (files, problems) = site::discover(&self.root);
        self.input.discovery_problems = problems;
        let found: BTreeSet<PathBuf> = files.iter().map(|f| relative(&self.root, f)).collect();
        let gone: Vec<PathBuf> = self
            .input
            .record_files
            .keys()
            .filter(|f| !found.contains(*f))
            .cloned()
            .collect();
        for file in gone {
            self.input.record_files.remove(&file);
            self.replace_record(&file, None);
        }
        let to_read: Vec<&PathBuf> = files
            .iter()
            .filter(|f| {
                let shown = relative(&self.root, f);
                !self.input.record_files.contains_key(&shown)
                    || touched.iter().any(|t| shown.starts_with(t))
            })
            .collect();
        let read: Vec<(PathBuf, Option<Record>, Vec<Diagnostic>)> = to_read
            .par_iter()
            .map(|f| {
                let (record, problems) = load_record(&self.root, f);
                (relative(&self.root, f), record, problems)
            })
            .collect();
        for (file, record, problems) in read {
            self.input.record_files.insert(file.clone(), problems);
            self.replace_record(&file, record);
        }
    }

    /// Puts `record` in the place of the one read from `file`, keeping path order.
    fn replace_record(&mut self, file: &Path, record: Option<Record>) {
        let records = &mut self.input.site.records;
        let at = records.binary_search_by(|r| r.file.as_path().cmp(file));
        let old = match (at, record) {
            (Ok(i), Some(record)) => Some(std::mem::replace(&mut records[i], record)),
            (Ok(i), None) => Some(records.remove(i)),
            (Err(i), Some(record)) => {
                records.insert(i, record);
                None
            }
            (Err(_), None) => None,
        };
        self.pending
            .records
            .entry(file.to_path_buf())
            .or_insert_with(|| old.as_ref().map(Identity::of));
    }
}

impl Input {
    fn reload_offices(&mut self) {
        let mut problems = Diagnostics::default();
        self.site.offices = site::load_offices(&self.site.root, &mut problems);
        self.office_problems = problems.iter().cloned().collect();
    }

    fn reload_pages(&mut self) {
        let mut problems = Diagnostics::default();
        self.site.pages = site::load_pages(&self.site.root, &mut problems);
        self.page_problems = problems.iter().cloned().collect();
    }

    fn reload_theme(&mut self) {
        self.theme =
            Theme::load(&self.site.root, &self.site.config.theme).map_err(|e| e.to_string());
    }
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

/// A copy of the served files being changed; `finish` says which paths differ.
struct Update<'a> {
    old: &'a Files,
    new: Files,
}

impl<'a> Update<'a> {
    fn new(old: &'a Files) -> Self {
        Update {
            old,
            new: old.clone(),
        }
    }

    /// A site made anew, compared with `old`.
    fn empty(old: &'a Files) -> Self {
        Update {
            old,
            new: Files::new(),
        }
    }

    fn remove(&mut self, path: &str) {
        self.new.remove(path);
    }

    fn insert(&mut self, file: OutputFile) {
        self.new.insert(file.path.into(), file.bytes.into());
    }

    fn insert_all(&mut self, files: impl IntoIterator<Item = OutputFile>) {
        for file in files {
            self.insert(file);
        }
    }

    /// Links of the pages at `paths` that point nowhere in the new site.
    fn check_links(&self, paths: &[String]) -> Result<(), BuildError> {
        let pages: Vec<OutputFile> = paths
            .iter()
            .filter_map(|p| {
                Some(OutputFile {
                    path: p.clone(),
                    bytes: self.new.get(p.as_str())?.to_vec(),
                })
            })
            .collect();
        let broken = broken_links_to(&pages, &|p| self.new.contains_key(p));
        if broken.is_empty() {
            Ok(())
        } else {
            Err(BuildError::BrokenLinks(broken))
        }
    }

    fn finish(self) -> (Files, Vec<String>) {
        let mut changed: Vec<String> = self
            .new
            .iter()
            .filter(|(path, bytes)| {
                self.old
                    .get(*path)
                    .is_none_or(|old| !Arc::ptr_eq(old, bytes) && old != *bytes)
            })
            .map(|(path, _)| path.to_string())
            .collect();
        changed.extend(
            self.old
                .keys()
                .filter(|p| !self.new.contains_key(*p))
                .map(|p| p.to_string()),
        );
        changed.sort();
        (self.new, changed)
    }
}

/// Plans and renders every page, as `sotay build` does.
fn rebuild_all(
    input: &Input,
    theme: &Theme,
    old: Option<&Good>,
    clock: &mut Stopwatch,
) -> Result<(Good, Built), BuildError> {
    let site = &input.site;
    let strings = build::strings(theme, site)?;
    clock.lap("read");
    let built = build::render_site(site, theme, &strings, clock)?;
    let views = Views {
        site,
        strings: &strings,
    };
    let renderer = build::renderer(theme, &views)?;
    let items = views.items();
    let others = pages::plan_others(site, &strings, &items)
        .into_iter()
        .map(|p| (p.path.clone(), p))
        .collect();
    let items = site
        .records
        .iter()
        .map(|r| r.file.clone())
        .zip(items)
        .collect();
    let statics = theme.files_in("static").map(|(p, _)| p.into()).collect();
    let index = built
        .files
        .iter()
        .filter(|f| f.path.starts_with("search/") && f.path.ends_with(".js"))
        .map(|f| f.path.clone())
        .collect();
    let old = old.map(|g| g.files.clone()).unwrap_or_default();
    let mut files = Update::empty(&old);
    files.insert_all(built.files);
    let (files, changed) = files.finish();
    let good = Good {
        files: Arc::new(files),
        strings,
        renderer,
        items,
        others,
        statics,
        forms: build::form_paths(site),
        index,
        index_stale: false,
    };
    clock.lap("swap");
    let built = Built {
        changed,
        rendered: built.pages,
        timings: clock.laps().to_vec(),
    };
    Ok((good, built))
}

/// Plans and renders the pages `pending` can have changed; `good` is only changed
/// when everything succeeded.
fn rebuild_changed(
    input: &Input,
    theme: &Theme,
    pending: &Pending,
    good: &mut Good,
    clock: &mut Stopwatch,
) -> Result<Built, BuildError> {
    let site = &input.site;
    let renderer = if pending.templates.is_empty() {
        None
    } else {
        let views = Views {
            site,
            strings: &good.strings,
        };
        Some(build::renderer(theme, &views)?)
    };
    let templates = affected_templates(theme, &pending.templates);
    let views = Views {
        site,
        strings: &good.strings,
    };

    // List lines: new for changed records, kept for the others.
    let fresh: HashMap<PathBuf, Arc<ProcedureItem>> = site
        .records
        .par_iter()
        .filter(|r| pending.records.contains_key(&r.file))
        .map(|r| (r.file.clone(), Arc::new(views.item(r))))
        .collect();
    let item_list: Vec<Arc<ProcedureItem>> = site
        .records
        .iter()
        .map(|r| {
            fresh
                .get(&r.file)
                .unwrap_or_else(|| &good.items[&r.file])
                .clone()
        })
        .collect();

    clock.lap("items");
    // Procedure pages: the changed records and those naming one as related.
    let mut codes: HashSet<String> = HashSet::new();
    for (file, old) in &pending.records {
        codes.extend(old.as_ref().map(|o| o.code.clone()));
        if let Ok(i) = site
            .records
            .binary_search_by(|r| r.file.as_path().cmp(file))
        {
            codes.insert(site.records[i].code.to_lowercase());
        }
    }
    let all_procedures = templates.contains("procedure.html");
    let by_code = pages::by_code(&site.records);
    let procedures: Vec<Page> = site
        .records
        .par_iter()
        .filter(|r| {
            all_procedures
                || pending.records.contains_key(&r.file)
                || r.related.iter().any(|c| codes.contains(&c.to_lowercase()))
        })
        .map(|r| views.procedure_page(r, &by_code))
        .collect();

    clock.lap("procedures");
    // Other pages: all planned, rendered when their data or template changed.
    let others = pages::plan_others(site, &good.strings, &item_list);
    let renderer_now = renderer.as_ref().unwrap_or(&good.renderer);
    let to_render: Vec<&Page> = procedures
        .iter()
        .chain(
            others
                .iter()
                .filter(|p| templates.contains(p.template) || good.others.get(&p.path) != Some(*p)),
        )
        .collect();
    clock.lap("plan");
    let rendered: Vec<OutputFile> = to_render
        .par_iter()
        .map(|page| build::render(renderer_now, page))
        .collect::<Result<_, _>>()?;
    clock.lap("render");

    let mut files = Update::new(&good.files);
    for old in pending.records.values().flatten() {
        files.remove(&old.page);
    }
    let planned: HashSet<&str> = others.iter().map(|p| p.path.as_str()).collect();
    for path in good.others.keys() {
        if !planned.contains(path.as_str()) {
            files.remove(path);
        }
    }
    let count = rendered.len();
    let checked: Vec<String> = rendered.iter().map(|f| f.path.clone()).collect();
    files.insert_all(rendered);
    let statics = if pending.statics {
        for path in &good.statics {
            files.remove(path);
        }
        files.insert_all(build::static_files(theme));
        Some(theme.files_in("static").map(|(p, _)| p.into()).collect())
    } else {
        None
    };
    let forms = build::form_paths(site);
    for path in &good.forms {
        if forms.binary_search(path).is_err() {
            files.remove(path);
        }
    }
    for path in &forms {
        if pending.forms.contains(path) || good.forms.binary_search(path).is_err() {
            files.insert(build::read_form(&site.root, path.clone())?);
        }
    }
    let sitemap = site
        .records
        .iter()
        .map(|r| urls::procedure(&r.slug))
        .chain(
            others
                .iter()
                .filter(|p| p.in_sitemap)
                .map(|p| p.path.clone()),
        )
        .collect::<Vec<_>>();
    files.insert_all(build::crawler_files(
        site,
        sitemap.iter().map(String::as_str),
    ));
    files.check_links(&checked)?;
    clock.lap("check links");

    let (new_files, changed) = files.finish();
    good.files = Arc::new(new_files);
    for file in pending.records.keys() {
        good.items.remove(file);
    }
    good.items.extend(fresh);
    good.others = others.into_iter().map(|p| (p.path.clone(), p)).collect();
    if let Some(renderer) = renderer {
        good.renderer = renderer;
    }
    if let Some(statics) = statics {
        good.statics = statics;
    }
    good.forms = forms;
    if !pending.records.is_empty() || pending.search_script || templates.contains("search.html") {
        good.index_stale = true;
    }
    clock.lap("swap");
    Ok(Built {
        changed,
        rendered: count,
        timings: clock.laps().to_vec(),
    })
}
