//! The theme: templates, static files and interface strings. The default theme is
//! built into the binary, so a new handbook needs no theme folder; a site's
//! `themes/<name>/` replaces it, and site-level `templates/` and `static/` override
//! single files of the same name.

pub mod strings;

use std::collections::BTreeMap;
use std::path::Path;

use walkdir::WalkDir;

/// The files of `themes/default`, relative to it. A test checks the list is complete.
const DEFAULT_THEME: &[(&str, &[u8])] = &[
    (
        "i18n/en.yaml",
        include_bytes!("../../themes/default/i18n/en.yaml"),
    ),
    (
        "i18n/vi.yaml",
        include_bytes!("../../themes/default/i18n/vi.yaml"),
    ),
    (
        "scripts/offline.js",
        include_bytes!("../../themes/default/scripts/offline.js"),
    ),
    (
        "scripts/search.js",
        include_bytes!("../../themes/default/scripts/search.js"),
    ),
    (
        "scripts/sw-retired.js",
        include_bytes!("../../themes/default/scripts/sw-retired.js"),
    ),
    (
        "scripts/sw.js",
        include_bytes!("../../themes/default/scripts/sw.js"),
    ),
    (
        "static/icon.svg",
        include_bytes!("../../themes/default/static/icon.svg"),
    ),
    (
        "static/style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "templates/404.html",
        include_bytes!("../../themes/default/templates/404.html"),
    ),
    (
        "templates/base.html",
        include_bytes!("../../themes/default/templates/base.html"),
    ),
    (
        "templates/changes.html",
        include_bytes!("../../themes/default/templates/changes.html"),
    ),
    (
        "templates/checklist-item.html",
        include_bytes!("../../themes/default/templates/checklist-item.html"),
    ),
    (
        "templates/index.html",
        include_bytes!("../../themes/default/templates/index.html"),
    ),
    (
        "templates/list.html",
        include_bytes!("../../themes/default/templates/list.html"),
    ),
    (
        "templates/listing.html",
        include_bytes!("../../themes/default/templates/listing.html"),
    ),
    (
        "templates/notice.html",
        include_bytes!("../../themes/default/templates/notice.html"),
    ),
    (
        "templates/office.html",
        include_bytes!("../../themes/default/templates/office.html"),
    ),
    (
        "templates/offline-save.html",
        include_bytes!("../../themes/default/templates/offline-save.html"),
    ),
    (
        "templates/offline.html",
        include_bytes!("../../themes/default/templates/offline.html"),
    ),
    (
        "templates/open-data.html",
        include_bytes!("../../themes/default/templates/open-data.html"),
    ),
    (
        "templates/page.html",
        include_bytes!("../../themes/default/templates/page.html"),
    ),
    (
        "templates/poster.html",
        include_bytes!("../../themes/default/templates/poster.html"),
    ),
    (
        "templates/procedure.html",
        include_bytes!("../../themes/default/templates/procedure.html"),
    ),
    (
        "templates/search.html",
        include_bytes!("../../themes/default/templates/search.html"),
    ),
    (
        "templates/statistics.html",
        include_bytes!("../../themes/default/templates/statistics.html"),
    ),
    (
        "templates/videos.html",
        include_bytes!("../../themes/default/templates/videos.html"),
    ),
];

pub fn default_file(path: &str) -> Option<&'static [u8]> {
    DEFAULT_THEME
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, bytes)| *bytes)
}

/// A theme's files by path relative to the theme folder (`templates/base.html`).
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub files: BTreeMap<String, ThemeFile>,
}

#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub bytes: Vec<u8>,
    /// Where it came from, for error messages: `themes/default/templates/base.html`,
    /// `templates/base.html`, or `(built-in) templates/base.html`.
    pub origin: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("there is no theme `{0}`: no folder themes/{0}/ in the site")]
    Missing(String),
    #[error("the theme name `{0}` is not a folder name under themes/")]
    BadName(String),
    #[error("{0} leads outside the site folder")]
    LeavesSite(std::path::PathBuf),
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl ThemeError {
    pub fn diagnostic(&self) -> crate::diagnostics::Diagnostic {
        use crate::diagnostics::{Diagnostic, Text};
        use crate::tr;
        match self {
            ThemeError::Missing(name) => Diagnostic::error(
                crate::layout::CONFIG_FILE,
                tr!(
                    "there is no theme `{name}`: no folder themes/{name}/ in the site",
                    "không có giao diện `{name}`: trong sổ tay không có thư mục themes/{name}/"
                ),
            )
            .field("theme")
            .help(tr!(
                "create themes/{name}/, or remove `theme:` to use the built-in theme",
                "tạo thư mục themes/{name}/, hoặc bỏ dòng `theme:` để dùng giao diện mặc định"
            )),
            ThemeError::BadName(name) => Diagnostic::error(
                crate::layout::CONFIG_FILE,
                tr!(
                    "the theme name `{name}` is not a folder name: a theme is a folder themes/<name>/ inside the site",
                    "tên giao diện `{name}` không phải tên thư mục: giao diện là thư mục themes/<tên>/ trong sổ tay"
                ),
            )
            .field("theme")
            .help(tr!(
                "copy the theme into themes/ and write only its folder name, e.g. `theme: tinh`",
                "chép giao diện vào themes/ và chỉ ghi tên thư mục, ví dụ `theme: tinh`"
            )),
            ThemeError::LeavesSite(link) => crate::sources::leaves_site(link.clone()),
            ThemeError::Io { path, source } => {
                Diagnostic::error(
                    path,
                    tr!(
                        "cannot read this theme file: {}",
                        "không đọc được tệp giao diện này: {}";
                        Text::of_system(source)
                    ),
                )
                .help(tr!(
                    "check that the file exists and is readable",
                    "kiểm tra tệp có tồn tại và có quyền đọc"
                ))
            }
        }
    }
}

impl Theme {
    /// Reads the theme `name` and the site's overrides. Every file must resolve
    /// inside the site: a linked folder or file that leads out is an error.
    pub fn load(root: &Path, name: &str) -> Result<Theme, ThemeError> {
        let mut theme = Theme::default();
        let mut parts = Path::new(name).components();
        if !matches!(
            (parts.next(), parts.next()),
            (Some(std::path::Component::Normal(_)), None)
        ) {
            return Err(ThemeError::BadName(name.to_string()));
        }
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            theme.add_dir(root, &dir, "", &format!("themes/{name}/"))?;
        } else if name == "default" {
            for (path, bytes) in DEFAULT_THEME {
                theme.files.insert(
                    path.to_string(),
                    ThemeFile {
                        bytes: bytes.to_vec(),
                        origin: format!("(built-in) {path}"),
                    },
                );
            }
        } else {
            return Err(ThemeError::Missing(name.to_string()));
        }
        for overrides in ["templates", "static"] {
            let dir = root.join(overrides);
            if dir.is_dir() {
                let prefix = format!("{overrides}/");
                theme.add_dir(root, &dir, &prefix, &prefix)?;
            }
        }
        Ok(theme)
    }

    fn add_dir(
        &mut self,
        root: &Path,
        dir: &Path,
        prefix: &str,
        origin_prefix: &str,
    ) -> Result<(), ThemeError> {
        let shown = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
        if !crate::layout::resolves_inside(root, dir) {
            return Err(ThemeError::LeavesSite(shown(dir)));
        }
        for entry in WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                let path = shown(e.path().unwrap_or(dir)).display().to_string();
                let message = e.to_string();
                // The bare system reason: the diagnostic names the path itself.
                let source = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other(message));
                ThemeError::Io { path, source }
            })?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            // Links are not followed into folders; a linked file is read only when
            // it stays inside the site.
            if entry.path_is_symlink() {
                if !crate::layout::resolves_inside(root, entry.path()) {
                    return Err(ThemeError::LeavesSite(shown(entry.path())));
                }
                if !entry.path().is_file() {
                    continue;
                }
            } else if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let relative = relative.to_string_lossy().replace('\\', "/");
            let bytes = std::fs::read(entry.path()).map_err(|source| ThemeError::Io {
                path: shown(entry.path()).display().to_string(),
                source,
            })?;
            self.files.insert(
                format!("{prefix}{relative}"),
                ThemeFile {
                    bytes,
                    origin: format!("{origin_prefix}{relative}"),
                },
            );
        }
        Ok(())
    }

    /// Files under `folder/`, with their paths inside it.
    pub fn files_in<'a>(
        &'a self,
        folder: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a ThemeFile)> {
        self.files.iter().filter_map(move |(path, file)| {
            Some((path.strip_prefix(folder)?.strip_prefix('/')?, file))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_list_matches_the_theme_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk: Vec<String> = WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        on_disk.sort();
        let built_in: Vec<&str> = DEFAULT_THEME.iter().map(|(p, _)| *p).collect();
        assert_eq!(on_disk, built_in, "update DEFAULT_THEME in src/theme.rs");
    }

    #[test]
    fn site_templates_override_the_theme() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/404.html"), "mine").unwrap();
        let theme = Theme::load(dir.path(), "default").unwrap();
        assert_eq!(theme.files["templates/404.html"].bytes, b"mine");
        assert_eq!(
            theme.files["templates/404.html"].origin,
            "templates/404.html"
        );
        assert!(
            theme.files["templates/base.html"]
                .origin
                .starts_with("(built-in)")
        );
    }
}
