//! Loading a whole site: configuration, offices and records, then the checks across
//! them. Everything is loaded and checked before anything is rendered.

use std::path::{Path, PathBuf};

use crate::config::{CONFIG_FILE, Config, decode_config};
use crate::content::{
    CONTENT_DIR, PROCEDURES_DIR, discover_records, load_records, read_error, relative,
};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::fields::FieldLabels;
use crate::freepages::{FreePage, PAGES_DIR, decode_page};
use crate::offices::{OFFICES_FILE, Office, decode_offices};
use crate::record::Record;
use crate::source::read_text;
use crate::validate::validate;

#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub offices: Vec<Office>,
    /// Sorted by file path, so builds are reproducible.
    pub records: Vec<Record>,
    /// Free pages, in menu order.
    pub pages: Vec<FreePage>,
    /// The label each field is shown with, derived from `records`.
    pub field_labels: FieldLabels,
}

impl Site {
    /// The label a record's field is shown with ([`FieldLabels`]).
    pub fn field_label<'a>(&'a self, field: &'a str) -> &'a str {
        self.field_labels.label(field)
    }
}

/// What loading found: the site (when its configuration could be read) and every problem.
#[derive(Debug)]
pub struct Loaded {
    pub site: Option<Site>,
    pub diagnostics: Diagnostics,
}

pub fn load(root: &Path) -> Loaded {
    let mut diagnostics = Diagnostics::default();
    let config = load_config(root, &mut diagnostics);
    let offices = load_offices(root, &mut diagnostics);

    let (files, problems) = discover(root);
    diagnostics.extend(problems);
    let (records, problems) = load_records(root, &files);
    diagnostics.extend(problems);
    let pages = load_pages(root, &mut diagnostics);
    diagnostics.extend(validate(root, &records, &offices));
    diagnostics.sort();
    Loaded {
        site: config.map(|config| Site {
            root: root.to_path_buf(),
            config,
            offices,
            field_labels: FieldLabels::of(&records),
            records,
            pages,
        }),
        diagnostics,
    }
}

/// The record files of the site, in the order records are kept.
pub(crate) fn discover(root: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let procedures = root.join(CONTENT_DIR).join(PROCEDURES_DIR);
    if procedures.is_dir() {
        return discover_records(root, &procedures);
    }
    let missing = Diagnostic::error(relative(root, &procedures), "there is no procedures folder")
        .help("put procedure records in content/procedures/, or run `sotay new \"Tên thủ tục\"`");
    (Vec::new(), vec![missing])
}

pub(crate) fn load_config(root: &Path, diagnostics: &mut Diagnostics) -> Option<Config> {
    let path = root.join(CONFIG_FILE);
    if !path.is_file() {
        diagnostics.push(
            Diagnostic::error(
                CONFIG_FILE,
                format!("there is no {CONFIG_FILE} in {}", root.display()),
            )
            .help("run sotay in the handbook's folder, or pass `--root <folder>`"),
        );
        return None;
    }
    let text = read_text(&path)
        .map_err(|e| diagnostics.push(read_error(&path, Path::new(CONFIG_FILE), e)))
        .ok()?;
    let (config, problems) = decode_config(Path::new(CONFIG_FILE), &text);
    diagnostics.extend(problems);
    config
}

pub(crate) fn load_offices(root: &Path, diagnostics: &mut Diagnostics) -> Vec<Office> {
    let path = root.join(CONTENT_DIR).join(OFFICES_FILE);
    if !path.exists() {
        return Vec::new();
    }
    let shown = relative(root, &path);
    match read_text(&path) {
        Ok(text) => {
            let (offices, problems) = decode_offices(&shown, &text);
            diagnostics.extend(problems);
            offices
        }
        Err(e) => {
            diagnostics.push(read_error(&path, &shown, e));
            Vec::new()
        }
    }
}

pub(crate) fn load_pages(root: &Path, diagnostics: &mut Diagnostics) -> Vec<FreePage> {
    let dir = root.join(CONTENT_DIR).join(PAGES_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let mut pages = Vec::new();
    for path in files {
        let shown = relative(root, &path);
        match read_text(&path) {
            Ok(text) => {
                let (page, problems) = decode_page(&shown, &text);
                diagnostics.extend(problems);
                pages.extend(page);
            }
            Err(e) => diagnostics.push(read_error(&path, &shown, e)),
        }
    }
    pages.sort_by(|a, b| (a.weight, &a.title).cmp(&(b.weight, &b.title)));
    pages
}
