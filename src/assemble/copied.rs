//! Files published as the theme and the content hold them: the theme's static
//! files, the forms records link to, and the search script the search page inlines.

use super::{OutputFile, one};
use crate::diagnostics::Diagnostics;
use crate::model::site::Site;
use crate::sources::{SEARCH_SCRIPT, Sources};
use crate::theme::Theme;

/// The theme's search script, as the search page inlines it.
pub(super) fn search_script(theme: &Theme) -> String {
    theme
        .files
        .get(SEARCH_SCRIPT)
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .unwrap_or_default()
}

/// The theme's `static/` files, at the root of the site.
pub(super) fn static_files(theme: &Theme) -> Vec<OutputFile> {
    theme
        .files_in("static")
        .map(|(path, file)| OutputFile {
            path: path.to_string(),
            bytes: file.bytes.clone(),
        })
        .collect()
}

/// Paths (under `content/`) of the form files records link to, sorted.
pub(super) fn form_paths(site: &Site) -> Vec<String> {
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
pub(super) fn read_form(sources: &Sources, path: &str) -> Result<OutputFile, Diagnostics> {
    let bytes = sources.read_form(path).map_err(|d| one(*d))?;
    Ok(OutputFile {
        path: path.to_string(),
        bytes,
    })
}
