//! Finding and loading the files of a site's `content/` folder.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::decode::decode_record;
use crate::diagnostics::{Diagnostic, Position};
use crate::record::Record;
use crate::source::{ReadError, read_text};

pub const CONTENT_DIR: &str = "content";
pub const PROCEDURES_DIR: &str = "procedures";

/// Record files under `dir`, sorted, with problems such as symlinks that leave the site.
pub fn discover_records(root: &Path, dir: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut leaving_links = Vec::new();
    let mut unreadable = Vec::new();
    let mut files = Vec::new();
    let site = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if is_hidden(entry.file_name()) && entry.depth() > 0 {
                return false;
            }
            if entry.path_is_symlink() && !stays_inside(entry.path(), &site) {
                leaving_links.push(relative(root, entry.path()));
                return false;
            }
            true
        });
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_record_file(entry.path()) => {
                files.push(entry.into_path());
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().map(|p| relative(root, p)).unwrap_or_default();
                unreadable.push(Diagnostic::error(
                    path,
                    format!("cannot read this folder entry: {e}"),
                ));
            }
        }
    }
    let mut diagnostics: Vec<Diagnostic> = leaving_links
        .into_iter()
        .map(|link| {
            Diagnostic::error(link, "this symlink points outside the site folder").help(
                "copy the file into the site instead; sotay only publishes what is inside the site folder",
            )
        })
        .collect();
    diagnostics.extend(unreadable);
    (files, diagnostics)
}

/// Editors' backup and lock files (`.#x.md`, `x.md~`) are not content.
pub(crate) fn is_hidden(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.ends_with('~')
}

pub(crate) fn is_record_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "md" || e == "yaml" || e == "yml")
}

fn stays_inside(path: &Path, site: &Path) -> bool {
    path.canonicalize()
        .is_ok_and(|target| target.starts_with(site))
}

/// `path` relative to the site root, as staff see it.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Reads and decodes every record in parallel; order follows `files`.
pub fn load_records(root: &Path, files: &[PathBuf]) -> (Vec<Record>, Vec<Diagnostic>) {
    let loaded: Vec<(Option<Record>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|path| load_record(root, path))
        .collect();
    let mut records = Vec::with_capacity(loaded.len());
    let mut diagnostics = Vec::new();
    for (record, problems) in loaded {
        records.extend(record);
        diagnostics.extend(problems);
    }
    (records, diagnostics)
}

pub fn load_record(root: &Path, path: &Path) -> (Option<Record>, Vec<Diagnostic>) {
    let shown = relative(root, path);
    match read_text(path) {
        Ok(text) => decode_record(&shown, &text),
        Err(e) => (None, vec![read_error(path, &shown, e)]),
    }
}

/// A diagnostic for a file that could not be read as text.
pub fn read_error(path: &Path, shown: &Path, error: ReadError) -> Diagnostic {
    let help = match &error {
        ReadError::Empty => "write the record's fields, or delete the file",
        ReadError::TooLarge { .. } => {
            "move long texts into a linked document; a record should hold what a citizen needs to prepare"
        }
        ReadError::NotUtf8 { .. } => {
            "save the file as UTF-8 (most editors: File → Save with encoding → UTF-8)"
        }
        ReadError::Io(_) => "check that the file exists and is readable",
    };
    let position = match &error {
        ReadError::NotUtf8 { line, column } => std::fs::read(path)
            .ok()
            .and_then(|bytes| Position::at_char(&String::from_utf8_lossy(&bytes), *line, *column)),
        _ => None,
    };
    Diagnostic::error(shown, error.to_string())
        .at(position)
        .help(help)
}
