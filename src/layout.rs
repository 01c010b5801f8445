//! The handbook folder's layout: where each kind of source lives, where the output
//! goes, which folders the preview watches, and what kind of source a path is. No
//! other module spells these paths.

use std::path::{Path, PathBuf};

/// The configuration, at the handbook's root.
pub const CONFIG_FILE: &str = "sotay.yaml";
/// Everything staff write: records, offices, free pages, forms.
pub const CONTENT_DIR: &str = "content";
/// Procedure records (`.md`, `.yaml`), in subfolders as staff like.
pub const PROCEDURES_DIR: &str = "content/procedures";
/// The municipality's offices.
pub const OFFICES_FILE: &str = "content/offices.yaml";
/// Everyday names of documents and procedures, for search.
pub const SYNONYMS_FILE: &str = "content/synonyms.yaml";
/// The municipality's table of local facts per code (online level, link, offices,
/// status, note): one of these.
pub const LOCAL_FILES: [&str; 2] = ["content/local.csv", "content/local.xlsx"];
/// Free pages shown in the menu.
pub const PAGES_DIR: &str = "content/pages";
/// Themes, each a folder: `themes/<name>/`.
pub const THEMES_DIR: &str = "themes";
/// Site-level overrides of single theme files.
pub const OVERRIDE_DIRS: [&str; 2] = ["templates", "static"];
/// Left in every output folder sotay writes, so it knows the folder is its own to replace.
pub const OUTPUT_MARKER: &str = ".sotay-output";
/// Folders holding sources: the output may be none of them, nor lie inside one.
pub const SOURCE_DIRS: [&str; 4] = ["content", "themes", "templates", "static"];
/// What the preview watches, relative to the root. The root itself is watched
/// without its subfolders, for sotay.yaml and for these folders appearing.
pub const WATCHED: [&str; 4] = SOURCE_DIRS;

/// Whether `path` exists and resolves, through any links, to a place inside the
/// site folder `root`: the one rule for every file sotay reads from the site.
pub fn resolves_inside(root: &Path, path: &Path) -> bool {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(target)) => target.starts_with(root),
        _ => false,
    }
}

/// What part of the handbook a path (relative to the root) belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    Config,
    Records,
    Offices,
    Synonyms,
    Local,
    FreePages,
    /// Anything else under `content/`: possibly a form, by its path under `content/`.
    Content(String),
    Theme,
}

pub fn kind_of(relative: &Path) -> Option<SourceKind> {
    let kind = if relative == Path::new(CONFIG_FILE) {
        SourceKind::Config
    } else if relative.starts_with(PROCEDURES_DIR) {
        SourceKind::Records
    } else if relative == Path::new(OFFICES_FILE) {
        SourceKind::Offices
    } else if relative == Path::new(SYNONYMS_FILE) {
        SourceKind::Synonyms
    } else if LOCAL_FILES.iter().any(|f| relative == Path::new(f)) {
        SourceKind::Local
    } else if relative.starts_with(PAGES_DIR) {
        SourceKind::FreePages
    } else if let Ok(inside) = relative.strip_prefix(CONTENT_DIR) {
        SourceKind::Content(inside.to_string_lossy().replace('\\', "/"))
    } else if relative.starts_with(THEMES_DIR)
        || OVERRIDE_DIRS.iter().any(|dir| relative.starts_with(dir))
    {
        SourceKind::Theme
    } else {
        return None;
    };
    Some(kind)
}

/// `path` relative to the handbook root, as staff see it.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Editors' backup and lock files (`.#x.md`, `x.md~`) and hidden files are not content.
pub fn is_hidden(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.ends_with('~')
}

/// A procedure record's file name.
pub fn is_record_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "md" || e == "yaml" || e == "yml")
}

/// A record file counted as content: under the procedures folder, no hidden part.
pub fn is_record_path(relative: &Path) -> bool {
    relative
        .strip_prefix(PROCEDURES_DIR)
        .is_ok_and(|inside| inside.components().all(|c| !is_hidden(c.as_os_str())))
        && is_record_file(relative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified_by_folder() {
        let kind = |p: &str| kind_of(Path::new(p));
        assert_eq!(kind("sotay.yaml"), Some(SourceKind::Config));
        assert_eq!(kind("content/procedures/a/b.md"), Some(SourceKind::Records));
        assert_eq!(kind("content/offices.yaml"), Some(SourceKind::Offices));
        assert_eq!(
            kind("content/pages/gioi-thieu.md"),
            Some(SourceKind::FreePages)
        );
        assert_eq!(
            kind("content/forms/to-khai.docx"),
            Some(SourceKind::Content("forms/to-khai.docx".into()))
        );
        assert_eq!(kind("templates/base.html"), Some(SourceKind::Theme));
        assert_eq!(kind("themes/x/static/a.css"), Some(SourceKind::Theme));
        assert_eq!(kind("public/index.html"), None);
        assert_eq!(kind("README.md"), None);
        assert!(is_record_path(Path::new("content/procedures/a/b.md")));
        assert!(!is_record_path(Path::new("content/procedures/.a/b.md")));
        assert!(!is_record_path(Path::new("content/procedures/b.md~")));
    }
}
