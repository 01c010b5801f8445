//! Everything read from the handbook folder: configuration, offices, free pages,
//! records, the theme and its interface strings. Each file is read and decoded once;
//! [`Sources::reload`] reads again only the paths it is given and says what changed.
//! Checks work on what is here and never read a file again to find a position.

pub mod cache;
mod local;
mod read;
mod reload;
pub mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;

pub use read::leaves_site;
pub use reload::{Changes, Identity};

use crate::changes::History;
use crate::check::validate;
use crate::decode::config::decode_config;
use crate::decode::local::decode_local;
use crate::decode::offices::decode_offices;
use crate::decode::page::decode_page;
use crate::decode::synonyms::decode_synonyms;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, Text};
use crate::layout::{self, relative};
use crate::model::config::{Config, Language};
use crate::model::fields::FieldLabels;
use crate::model::local::LocalTable;
use crate::model::office::Office;
use crate::model::page::FreePage;
use crate::model::record::Record;
use crate::model::site::Site;
use crate::model::synonyms::Synonym;
use crate::theme::Theme;
use crate::theme::strings::Strings;
use crate::tr;
use cache::{CacheReport, Decoded, RecordCache};

/// The theme's search script, inlined into the search page.
pub const SEARCH_SCRIPT: &str = "scripts/search.js";

pub struct Sources {
    root: PathBuf,
    /// The last configuration that could be read.
    config: Option<Config>,
    offices: Vec<Office>,
    synonyms: Vec<Synonym>,
    /// The local table, applied to `records` as they are read.
    local: Option<LocalTable>,
    /// Sorted by file path, so builds are reproducible.
    records: Vec<Record>,
    free_pages: Vec<FreePage>,
    field_labels: FieldLabels,
    theme: Option<Theme>,
    strings: Option<Strings>,
    /// Every record file found: its text (kept for positions) and its problems.
    record_files: BTreeMap<PathBuf, RecordFile>,
    problems: Problems,
    /// What the last build published, in the output folder, to tell what changed.
    history: History,
}

struct RecordFile {
    /// The text without controls, which positions are shown in: read again when
    /// first asked for (a problem found across records, a broken link), not kept
    /// from decoding: every record's text was 100 MB at 10,000 records.
    text: OnceLock<Option<String>>,
    problems: Vec<Diagnostic>,
}

impl RecordFile {
    /// A file that could not be read.
    fn unreadable(problem: Diagnostic) -> RecordFile {
        RecordFile {
            text: OnceLock::from(None),
            problems: vec![problem],
        }
    }

    /// A record decoded or taken from the cache; its text is read when asked for.
    fn unread(problems: Vec<Diagnostic>) -> RecordFile {
        RecordFile {
            text: OnceLock::new(),
            problems,
        }
    }

    /// The text of `file`, relative to `root`.
    fn text(&self, root: &Path, file: &Path) -> Option<&str> {
        self.text
            .get_or_init(|| read::text(root, file).ok().map(text::without_controls))
            .as_deref()
    }
}

/// Problems by where they come from, replaced when that part is read again.
#[derive(Default)]
struct Problems {
    config: Vec<Diagnostic>,
    offices: Vec<Diagnostic>,
    synonyms: Vec<Diagnostic>,
    local: Vec<Diagnostic>,
    /// What applying the local table to the records found.
    applied: Vec<Diagnostic>,
    pages: Vec<Diagnostic>,
    discovery: Vec<Diagnostic>,
    theme: Vec<Diagnostic>,
    strings: Vec<Diagnostic>,
}

/// A decoder of a list file: the items it could read and every problem.
type Decode<T> = fn(&Path, &str) -> (Vec<T>, Vec<Diagnostic>);

/// A list file of `content/` that a handbook may leave out: absent, it is empty and
/// no problem.
fn read_optional<T>(root: &Path, file: &str, decode: Decode<T>) -> (Vec<T>, Vec<Diagnostic>) {
    let path = Path::new(file);
    if !root.join(path).exists() {
        return (Vec::new(), Vec::new());
    }
    match read::text(root, path) {
        Ok(text) => {
            let (text, characters) = read::checked(path, text);
            let (items, mut problems) = decode(path, &text);
            problems.extend(characters);
            (items, problems)
        }
        Err(problem) => (Vec::new(), vec![*problem]),
    }
}

/// The language of the handbook at `root`, from its configuration alone: for
/// commands that need nothing else (`sotay new`).
pub fn language_of(root: &Path) -> Language {
    read::text(root, Path::new(layout::CONFIG_FILE))
        .ok()
        .and_then(|text| decode_config(Path::new(layout::CONFIG_FILE), &text).0)
        .map_or(Language::Vi, |c| c.language)
}

impl Sources {
    /// Reads the whole handbook at `root`. Problems are kept, never fatal here.
    pub fn load(root: &Path) -> Sources {
        Sources::load_with(root, None)
    }

    /// [`Sources::load`] with the cache of decoded records in `root`, written back
    /// with what this load decoded (`build` and `serve`; `check` only reads it).
    pub fn load_cached(root: &Path) -> (Sources, CacheReport) {
        let cache = RecordCache::open(root).noting_stamps(root);
        let sources = Sources::load_with(root, Some(&cache));
        let report = cache.report();
        // A cache that cannot be written only makes the next run slower.
        let _ = cache.save();
        (sources, report)
    }

    /// [`Sources::load`], taking decoded records from `cache` where it has them and
    /// noting the others in it.
    pub fn load_with(root: &Path, cache: Option<&RecordCache>) -> Sources {
        let mut sources = Sources {
            root: root.to_path_buf(),
            config: None,
            offices: Vec::new(),
            synonyms: Vec::new(),
            local: None,
            records: Vec::new(),
            free_pages: Vec::new(),
            field_labels: FieldLabels::default(),
            theme: None,
            strings: None,
            record_files: BTreeMap::new(),
            problems: Problems::default(),
            history: History::default(),
        };
        sources.read_config();
        // The last build's catalogue is tens of megabytes at 10,000 records: unless
        // the build that wrote it noted where each procedure is, it is parsed while
        // the records are read.
        let output = sources.config.as_ref().map(|c| root.join(&c.output));
        let history = std::thread::scope(|scope| {
            let noted_in = cache.map(|_| root);
            let history = scope.spawn(move || {
                output
                    .map(|o| History::read(&o, noted_in))
                    .unwrap_or_default()
            });
            sources.read_offices();
            sources.read_synonyms();
            sources.read_pages();
            sources.read_theme();
            sources.read_records(cache);
            sources.read_local();
            sources.apply_local();
            sources.field_labels = FieldLabels::of(&sources.records);
            history.join().unwrap_or_default()
        });
        sources.history = history;
        sources
    }

    /// What the last build published.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// For `sotay changes --since`, which compares with a git revision instead.
    pub fn history_mut(&mut self) -> &mut History {
        &mut self.history
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The language messages are written in: the handbook's, Vietnamese by default.
    pub fn language(&self) -> Language {
        self.config.as_ref().map_or(Language::Vi, |c| c.language)
    }

    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The site as the pages see it, once the configuration could be read.
    pub fn site(&self) -> Option<Site<'_>> {
        Some(Site {
            root: &self.root,
            config: self.config.as_ref()?,
            offices: &self.offices,
            records: &self.records,
            free_pages: &self.free_pages,
            field_labels: &self.field_labels,
            synonyms: &self.synonyms,
        })
    }

    pub fn theme(&self) -> Option<&Theme> {
        self.theme.as_ref()
    }

    pub fn strings(&self) -> Option<&Strings> {
        self.strings.as_ref()
    }

    /// The text of a record file as it was read (or is read now, for a record taken
    /// from the cache without reading its file).
    pub fn record_text(&self, file: &Path) -> Option<&str> {
        self.record_files.get(file)?.text(&self.root, file)
    }

    /// Every problem of the sources as they are now, sorted: what `sotay check`
    /// reports before anything is rendered.
    pub fn diagnostics(&self) -> Diagnostics {
        self.problems_of(Severity::Warning)
    }

    /// The errors of [`Sources::diagnostics`] alone, sorted: what an update needs
    /// to know, without copying, placing and sorting thousands of warnings each save.
    pub fn errors(&self) -> Diagnostics {
        self.problems_of(Severity::Error)
    }

    /// The problems at least as grave as `least` (errors come first in the order).
    fn problems_of(&self, least: Severity) -> Diagnostics {
        let wanted = |d: &&Diagnostic| d.severity <= least;
        let mut all = Diagnostics::default();
        let p = &self.problems;
        for part in [
            &p.config,
            &p.offices,
            &p.synonyms,
            &p.local,
            &p.applied,
            &p.discovery,
            &p.pages,
            &p.theme,
            &p.strings,
        ] {
            all.extend(part.iter().filter(wanted).cloned());
        }
        all.extend(
            self.record_files
                .values()
                .flat_map(|f| f.problems.iter().filter(wanted).cloned()),
        );
        all.extend(validate(
            &self.root,
            &self.records,
            &self.offices,
            &self.field_labels,
            &|file| self.record_text(file),
            least,
        ));
        all.sort();
        all
    }

    /// A form file under `content/`, as published.
    pub fn read_form(&self, path: &str) -> Result<Vec<u8>, Box<Diagnostic>> {
        let full = self.root.join(layout::CONTENT_DIR).join(path);
        std::fs::read(&full).map_err(|e| {
            Box::new(
                Diagnostic::error(
                    relative(&self.root, &full),
                    tr!(
                        "cannot read this form: {}",
                        "không đọc được mẫu đơn này: {}";
                        Text::of_system(&e)
                    ),
                )
                .help(tr!(
                    "check that the file exists and is readable",
                    "kiểm tra tệp có tồn tại và có quyền đọc"
                )),
            )
        })
    }

    fn read_config(&mut self) {
        let (config, problems) = match read::text(&self.root, Path::new(layout::CONFIG_FILE)) {
            Ok(text) => {
                let path = Path::new(layout::CONFIG_FILE);
                let (text, characters) = read::checked(path, text);
                let (config, mut problems) = decode_config(path, &text);
                problems.extend(characters);
                (config, problems)
            }
            Err(_) if !self.root.join(layout::CONFIG_FILE).exists() => {
                let root = self.root.display().to_string();
                let missing = Diagnostic::error(
                    layout::CONFIG_FILE,
                    tr!(
                        "there is no sotay.yaml in {root}",
                        "không có tệp sotay.yaml trong {root}"
                    ),
                )
                .help(tr!(
                    "run sotay in the handbook's folder, or pass `--root <folder>`",
                    "chạy sotay trong thư mục sổ tay, hoặc thêm `--root <thư mục>`"
                ));
                (None, vec![missing])
            }
            Err(problem) => (None, vec![*problem]),
        };
        if config.is_some() {
            self.config = config;
        }
        self.problems.config = problems;
    }

    fn read_offices(&mut self) {
        (self.offices, self.problems.offices) =
            read_optional(&self.root, layout::OFFICES_FILE, decode_offices);
    }

    /// `content/local.csv` or `content/local.xlsx`; both is an error.
    fn read_local(&mut self) {
        let present: Vec<&str> = layout::LOCAL_FILES
            .iter()
            .copied()
            .filter(|f| self.root.join(f).exists())
            .collect();
        (self.local, self.problems.local) = match present.as_slice() {
            [] => (None, Vec::new()),
            [file] => match read::bytes(&self.root, Path::new(file)) {
                Ok(bytes) => decode_local(Path::new(file), bytes),
                Err(problem) => (None, vec![*problem]),
            },
            [first, second, ..] => {
                let both = Diagnostic::error(
                    *second,
                    tr!(
                        "there are two local tables, {first} and {second}",
                        "có hai bảng thông tin địa phương, {first} và {second}"
                    ),
                )
                .help(tr!("keep one of them", "chỉ giữ một trong hai tệp"));
                (None, vec![both])
            }
        };
    }

    /// Sets the local table's values on the records as read.
    fn apply_local(&mut self) {
        let files = &self.record_files;
        let root = &self.root;
        let texts = |file: &Path| files.get(file).and_then(|f| f.text(root, file));
        self.problems.applied = local::apply(
            &mut self.records,
            self.local.as_ref(),
            &self.offices,
            &texts,
        );
    }

    fn read_synonyms(&mut self) {
        (self.synonyms, self.problems.synonyms) =
            read_optional(&self.root, layout::SYNONYMS_FILE, decode_synonyms);
    }

    fn read_pages(&mut self) {
        let mut pages = Vec::new();
        let mut problems = Vec::new();
        for file in read::page_files(&self.root) {
            match read::text(&self.root, &file) {
                Ok(text) => {
                    let (text, characters) = read::checked(&file, text);
                    let (page, found) = decode_page(&file, &text);
                    problems.extend(characters);
                    problems.extend(found);
                    pages.extend(page);
                }
                Err(problem) => problems.push(*problem),
            }
        }
        pages.sort_by(|a, b| (a.weight, &a.title).cmp(&(b.weight, &b.title)));
        self.free_pages = pages;
        self.problems.pages = problems;
    }

    /// The theme named in the configuration, and its interface strings.
    fn read_theme(&mut self) {
        let name = self.config.as_ref().map_or("default", |c| c.theme.as_str());
        match Theme::load(&self.root, name) {
            Ok(theme) => {
                self.theme = Some(theme);
                self.problems.theme = Vec::new();
            }
            Err(error) => {
                self.theme = None;
                self.problems.theme = vec![error.diagnostic()];
            }
        }
        self.read_strings();
    }

    fn read_strings(&mut self) {
        let Some(theme) = &self.theme else {
            self.strings = None;
            self.problems.strings = Vec::new();
            return;
        };
        let (strings, problems) = Strings::of_theme(theme, self.language());
        self.strings = strings;
        self.problems.strings = problems;
    }

    /// The first reading of the record files, `cache` giving what it has decoded.
    fn read_records(&mut self, cache: Option<&RecordCache>) {
        let found = self.discover_records();
        let read = read_records(&self.root, found.into_iter().collect(), cache);
        // In path order, as the files come: each list is made in one pass (put in
        // one by one, with a change noted for each, 10,000 took 48 ms).
        let mut records = Vec::with_capacity(read.len());
        let mut files = Vec::with_capacity(read.len());
        for (file, entry, record) in read {
            records.extend(record);
            files.push((file, entry));
        }
        self.records = records;
        self.record_files = files.into_iter().collect();
    }

    /// Every record file under the content folder, relative to the root.
    fn discover_records(&mut self) -> BTreeSet<PathBuf> {
        let (files, problems) = read::discover_records(&self.root);
        self.problems.discovery = problems;
        files.iter().map(|f| relative(&self.root, f)).collect()
    }

    fn read_record(&mut self, file: &Path) -> Option<Record> {
        let (entry, record) = read_record(&self.root, file, None);
        self.record_files.insert(file.to_path_buf(), entry);
        record
    }
}

/// Reads and decodes the record `files` (relative to `root`) in parallel, or takes
/// what decoding them gives from `cache`, in their order.
fn read_records(
    root: &Path,
    files: Vec<PathBuf>,
    cache: Option<&RecordCache>,
) -> Vec<(PathBuf, RecordFile, Option<Record>)> {
    files
        .into_par_iter()
        .map(|file| {
            let (entry, record) = read_record(root, &file, cache);
            (file, entry, record)
        })
        .collect()
}

/// Reads and decodes one record file (`file` relative to `root`), or takes what
/// decoding it gives from `cache`.
fn read_record(
    root: &Path,
    file: &Path,
    cache: Option<&RecordCache>,
) -> (RecordFile, Option<Record>) {
    if let Some(decoded) = cache.and_then(|cache| cache.unchanged(root, file)) {
        return (RecordFile::unread(decoded.problems), decoded.record);
    }
    // Looked at before it is read: an edit while it is read shows next time.
    let looked = cache.and_then(|_| crate::unchanged::stamp_and_time(&root.join(file)));
    match read::text(root, file) {
        Ok(text) => {
            let decoded = match cache {
                // The key is the text as read; the page is made from it without controls.
                Some(cache) => {
                    cache.decoded(file, &text, looked, || Decoded::of(file, text.clone()).1)
                }
                None => Decoded::of(file, text).1,
            };
            (RecordFile::unread(decoded.problems), decoded.record)
        }
        Err(problem) => (RecordFile::unreadable(*problem), None),
    }
}
