//! What a save changes: the preview reads again only the paths a watcher reported,
//! and says what they changed for the assembly to bring the site up to date.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::{SEARCH_SCRIPT, Sources, read_records};
use crate::layout::{SourceKind, is_record_path, kind_of, relative};
use crate::model::fields::FieldLabels;
use crate::model::record::{Code, Record};

/// What a reload changed, for an assembly to bring the site up to date. Changes
/// that wait (while the sources have errors) are merged.
#[derive(Debug, Default)]
pub struct Changes {
    /// Something every page shows: configuration, offices, free pages, strings,
    /// field labels, the theme as a whole.
    pub full: bool,
    /// Record files changed, with the code and page they had before the first change.
    pub records: HashMap<PathBuf, Option<Identity>>,
    /// Template names (under `templates/`) whose text changed.
    pub templates: BTreeSet<String>,
    pub statics: bool,
    /// Paths under `content/` that forms may be.
    pub forms: BTreeSet<String>,
    pub search_script: bool,
}

impl Changes {
    /// Everything: for a first assembly.
    pub fn all() -> Changes {
        Changes {
            full: true,
            ..Changes::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.full
            && self.records.is_empty()
            && self.templates.is_empty()
            && !self.statics
            && self.forms.is_empty()
            && !self.search_script
    }

    /// Adds `later`; a record keeps the identity it had before the first change.
    pub fn merge(&mut self, later: Changes) {
        self.full |= later.full;
        for (file, identity) in later.records {
            self.records.entry(file).or_insert(identity);
        }
        self.templates.extend(later.templates);
        self.statics |= later.statics;
        self.forms.extend(later.forms);
        self.search_script |= later.search_script;
    }
}

/// The code and page a record had, so pages naming it can be found after it changed.
#[derive(Debug, Clone)]
pub struct Identity {
    pub code: Code,
    pub page: String,
}

impl Identity {
    fn of(record: &Record) -> Identity {
        Identity {
            code: record.code.clone(),
            page: crate::urls::procedure(&record.slug),
        }
    }
}

impl Sources {
    /// Reads what changed at `paths` (files or folders, absolute or relative to the
    /// root: whatever a watcher reported) and says what that changed.
    pub fn reload(&mut self, paths: &[PathBuf]) -> Changes {
        let mut changes = Changes::default();
        let touched: Vec<(PathBuf, SourceKind)> = paths
            .iter()
            .map(|p| relative(&self.root, p))
            .filter_map(|p| kind_of(&p).map(|kind| (p, kind)))
            .collect();
        let has = |wanted: fn(&SourceKind) -> bool| touched.iter().any(|(_, k)| wanted(k));
        if has(|k| matches!(k, SourceKind::Config)) {
            let theme = self.config.as_ref().map(|c| c.theme.clone());
            self.read_config();
            if self.config.as_ref().map(|c| c.theme.clone()) != theme {
                self.read_theme();
            } else {
                // The language picks the interface strings.
                self.read_strings();
            }
            changes.full = true;
        }
        if has(|k| matches!(k, SourceKind::Offices)) {
            self.read_offices();
            changes.full = true;
        }
        if has(|k| matches!(k, SourceKind::Synonyms)) {
            // Only the search index uses them, but it is rebuilt with every page.
            self.read_synonyms();
            changes.full = true;
        }
        if has(|k| matches!(k, SourceKind::FreePages)) {
            self.read_pages();
            changes.full = true;
        }
        // The table sets values on records: every page may show one of them.
        let local = has(|k| matches!(k, SourceKind::Local));
        if local {
            self.read_local();
            changes.full = true;
        }
        if has(|k| matches!(k, SourceKind::Theme)) {
            self.reload_theme(&mut changes);
        }
        let records: Vec<&PathBuf> = touched
            .iter()
            .filter(|(_, k)| matches!(k, SourceKind::Records))
            .map(|(p, _)| p)
            .collect();
        let offices = has(|k| matches!(k, SourceKind::Offices));
        if local || offices || !records.is_empty() {
            if !records.is_empty() {
                self.reload_records(&records, &mut changes);
            }
            self.apply_local();
            let labels = FieldLabels::of(&self.records);
            // A field's label can change with any record of that field (the most
            // common form wins): then every page that shows the field is out of date.
            if labels != self.field_labels {
                self.field_labels = labels;
                changes.full = true;
            }
        }
        for (_, kind) in &touched {
            if let SourceKind::Content(form) = kind {
                changes.forms.insert(form.clone());
            }
        }
        changes
    }

    /// Loads the theme again and notes which of its files changed.
    fn reload_theme(&mut self, changes: &mut Changes) {
        let before = self.theme.take();
        self.read_theme();
        let (Some(before), Some(after)) = (&before, &self.theme) else {
            changes.full = true;
            return;
        };
        let paths: BTreeSet<&String> = before.files.keys().chain(after.files.keys()).collect();
        for path in paths {
            let old = before.files.get(path).map(|f| &f.bytes);
            if old == after.files.get(path).map(|f| &f.bytes) {
                continue;
            }
            if let Some(name) = path.strip_prefix("templates/") {
                changes.templates.insert(name.to_string());
            } else if path.starts_with("static/") {
                changes.statics = true;
                if path == "static/style.css" {
                    // The 404 page carries the stylesheet when there is no base_url.
                    changes.templates.insert("404.html".into());
                }
            } else if path == SEARCH_SCRIPT {
                changes.search_script = true;
            } else {
                // Interface strings and anything else the theme holds.
                changes.full = true;
            }
        }
    }

    /// Reads the touched record files, or walks the folders again when a touched
    /// path is not a plain file (a folder, a link, a folder that vanished).
    fn reload_records(&mut self, touched: &[&PathBuf], changes: &mut Changes) {
        match self.plain_files(touched) {
            Some(files) => {
                for file in files {
                    let record = if self.root.join(&file).is_file() {
                        self.read_record(&file)
                    } else {
                        self.record_files.remove(&file);
                        None
                    };
                    self.replace_record(&file, record, changes);
                }
            }
            None => {
                let touched: Vec<PathBuf> = touched.iter().map(|p| p.to_path_buf()).collect();
                self.rediscover(&touched, changes);
            }
        }
    }

    /// When every touched path is a plain record file (saved, created or deleted),
    /// those files: no need to walk the folders again. `None` for anything else.
    fn plain_files(&self, touched: &[&PathBuf]) -> Option<Vec<PathBuf>> {
        let mut files = Vec::new();
        for path in touched {
            match std::fs::symlink_metadata(self.root.join(path)) {
                Ok(meta) if meta.file_type().is_file() => {
                    if is_record_path(path) {
                        files.push(path.to_path_buf());
                    }
                }
                Ok(_) => return None,
                Err(_) if self.record_files.contains_key(*path) => {
                    files.push(path.to_path_buf());
                }
                // Gone, and not a record: a folder that held records, or an
                // editor's temporary file.
                Err(_) => {
                    if self.record_files.keys().any(|f| f.starts_with(path)) {
                        return None;
                    }
                }
            }
        }
        Some(files)
    }

    /// Walks the procedures folder again, reading new files and those under `touched`.
    fn rediscover(&mut self, touched: &[PathBuf], changes: &mut Changes) {
        let found = self.discover_records();
        let gone: Vec<PathBuf> = self
            .record_files
            .keys()
            .filter(|f| !found.contains(*f))
            .cloned()
            .collect();
        for file in gone {
            self.record_files.remove(&file);
            self.replace_record(&file, None, changes);
        }
        let to_read: Vec<PathBuf> = found
            .into_iter()
            .filter(|f| {
                !self.record_files.contains_key(f) || touched.iter().any(|t| f.starts_with(t))
            })
            .collect();
        for (file, entry, record) in read_records(&self.root, to_read, None) {
            self.record_files.insert(file.clone(), entry);
            self.replace_record(&file, record, changes);
        }
    }

    /// Puts `record` in the place of the one read from `file`, keeping path order.
    fn replace_record(&mut self, file: &Path, record: Option<Record>, changes: &mut Changes) {
        let records = &mut self.records;
        // Files come in path order: a first reading only ever adds at the end
        // (searching for each place was 40 ms of a rebuild at 10,000 records).
        let at = match records.last() {
            Some(last) if last.file.as_path() < file => Err(records.len()),
            _ => records.binary_search_by(|r| r.file.as_path().cmp(file)),
        };
        let old = match (at, record) {
            (Ok(i), Some(record)) => Some(std::mem::replace(&mut records[i], record)),
            (Ok(i), None) => Some(records.remove(i)),
            (Err(i), Some(record)) => {
                records.insert(i, record);
                None
            }
            (Err(_), None) => None,
        };
        changes
            .records
            .entry(file.to_path_buf())
            .or_insert_with(|| old.as_ref().map(Identity::of));
    }
}
