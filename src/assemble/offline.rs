//! The files that keep the handbook working without a connection (`offline:` in
//! sotay.yaml): the page script and web manifest the pages link to, and the service
//! worker with the lists of what it stores.
//!
//! Every visitor's phone stores the *precache* on the first visit: the home page, the
//! field and office lists, free pages, the search page with its whole index, and the
//! theme's files. That is one way to every procedure (by field, or by search) and
//! costs what the budget allows. Procedure pages are stored as they are visited, and
//! the rest (procedure pages, the other orderings of the lists, forms) with one
//! button. Printable notices and posters are for the office, not stored.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use rayon::prelude::*;
use serde::Serialize;

use super::{Files, OutputFile};
use crate::diagnostics::Diagnostic;
use crate::layout::CONFIG_FILE;
use crate::model::config::Offline;
use crate::model::keyword::Keyword;
use crate::model::site::Site;
use crate::theme::{Theme, default_file};
use crate::{tr, urls};

/// The page script, at the site's root (its address gives the worker's scope).
const SCRIPT: &str = "offline.js";
pub const WORKER: &str = "sw.js";
pub const MANIFEST: &str = "manifest.webmanifest";
/// Everything "store the whole handbook" fetches.
const ALL_LIST: &str = "ngoai-tuyen/tat-ca.json";
/// What `build` and `check` add to the assembly and the preview does not.
pub const BUILD_ONLY: [&str; 2] = [WORKER, ALL_LIST];
const THEME_SCRIPT: &str = "scripts/offline.js";
const THEME_WORKER: &str = "scripts/sw.js";
const THEME_RETIRING: &str = "scripts/sw-retired.js";
/// Folders stored on the first visit, besides the root's files.
const PRECACHED: [&str; 5] = [
    urls::FIELDS,
    urls::OFFICES,
    urls::PAGES,
    urls::SEARCH,
    urls::OFFLINE,
];

/// What the offline copy costs, as the build reports it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct OfflineReport {
    pub precache_files: usize,
    /// Gzipped, as a server sends them.
    pub precache_bytes: u64,
    pub budget: u64,
    /// What "store the whole handbook" adds.
    pub all_files: usize,
    /// Estimated from a sample of them, gzipped.
    pub all_bytes: u64,
}

/// The page script and the web manifest: the pages link to them, so they are
/// assembled with the pages (also in the preview, which has no worker).
pub(super) fn page_files(site: &Site, theme: &Theme) -> Vec<OutputFile> {
    if site.config.offline.is_none() {
        return Vec::new();
    }
    let manifest = WebManifest {
        name: &site.config.title,
        short_name: &site.config.title,
        description: site.config.description.as_deref(),
        lang: site.config.language.key(),
        start_url: "./index.html",
        scope: "./",
        display: "standalone",
        background_color: "#ffffff",
        theme_color: "#0b4fa3",
        icons: [Icon {
            src: "icon.svg",
            sizes: "any",
            kind: "image/svg+xml",
        }],
    };
    vec![
        OutputFile {
            path: SCRIPT.into(),
            bytes: theme_script(theme, THEME_SCRIPT),
        },
        OutputFile {
            path: MANIFEST.into(),
            bytes: serde_json::to_vec_pretty(&manifest).expect("plain data serialises"),
        },
    ]
}

#[derive(Serialize)]
struct WebManifest<'a> {
    name: &'a str,
    short_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    lang: &'a str,
    start_url: &'a str,
    scope: &'a str,
    display: &'a str,
    background_color: &'a str,
    theme_color: &'a str,
    icons: [Icon<'a>; 1],
}

#[derive(Serialize)]
struct Icon<'a> {
    src: &'a str,
    sizes: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
}

/// The worker and the list of everything, from the whole assembled site; an error
/// when the precache is over the budget, naming what is large.
pub(super) fn worker_files(
    files: &Files,
    offline: &Offline,
    index_version: &str,
    theme: &Theme,
) -> Result<(Vec<OutputFile>, OfflineReport), Box<Diagnostic>> {
    let mut paths: Vec<&str> = files.keys().map(|p| &**p).collect();
    paths.sort_unstable();
    let (mut precache, mut later) = (Vec::new(), Vec::new());
    for path in &paths {
        match role(path) {
            Role::Precache => precache.push(*path),
            Role::Later => later.push(*path),
            Role::Never => {}
        }
    }

    let sizes: Vec<u64> = precache
        .par_iter()
        .map(|p| Ok(gzipped(&files[*p].read(p)?)))
        .collect::<Result<_, Box<Diagnostic>>>()?;
    let precache_bytes = sizes.iter().sum();
    let report = OfflineReport {
        precache_files: precache.len(),
        precache_bytes,
        budget: offline.budget,
        all_files: later.len(),
        all_bytes: estimate(files, &later)?,
    };
    if precache_bytes > offline.budget {
        return Err(Box::new(over_budget(&precache, &sizes, offline)));
    }

    let version = version(files, &paths);
    let all = AllList { files: &later };
    let all_bytes = serde_json::to_vec(&all).expect("plain data serialises");
    let config = WorkerConfig {
        version: &version,
        precache: precache
            .iter()
            .map(|p| precache_url(p, index_version))
            .collect(),
        offline: urls::offline_page(),
        all: AllSummary {
            list: format!("{ALL_LIST}?v={version}"),
            count: later.len(),
            bytes: report.all_bytes,
        },
    };
    let mut worker = format!(
        "self.SOTAY = {};\n",
        serde_json::to_string(&config).expect("plain data serialises")
    )
    .into_bytes();
    worker.extend(theme_script(theme, THEME_WORKER));
    let files = vec![
        OutputFile {
            path: WORKER.into(),
            bytes: worker,
        },
        OutputFile {
            path: ALL_LIST.into(),
            bytes: all_bytes,
        },
    ];
    Ok((files, report))
}

/// `offline: false`: a worker in place of the old one that deletes its caches and
/// unregisters itself. Browsers check `sw.js` for changes but keep a worker whose
/// file is gone, serving what it stored.
pub(super) fn retiring_worker(theme: &Theme) -> OutputFile {
    OutputFile {
        path: WORKER.into(),
        bytes: theme_script(theme, THEME_RETIRING),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Role {
    /// Stored on the first visit.
    Precache,
    /// Stored when visited, or with "store the whole handbook".
    Later,
    /// Never stored: for printing, for crawlers, or the worker's own files.
    Never,
}

fn role(path: &str) -> Role {
    let printed = path.contains("/niem-yet/") || path.contains("/niem-yet-a3/");
    // Open data is for other programs, and its page links to files of megabytes.
    let data = path.ends_with(".json") || path.ends_with(".csv") || path.starts_with("data/");
    // Lead files only make the first results come sooner; offline, search reads the
    // stored index instead. At 10,000 records they are tens of megabytes.
    let lead = path
        .strip_prefix(urls::SEARCH)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|rest| {
            rest.starts_with(crate::search::LEADS)
                && rest[crate::search::LEADS.len()..].starts_with('/')
        });
    let never = ["404.html", "robots.txt", "sitemap.xml", WORKER, ALL_LIST];
    if printed || data || lead || never.contains(&path) {
        return Role::Never;
    }
    match path.split_once('/') {
        None => Role::Precache,
        Some((top, _)) if PRECACHED.contains(&top) => Role::Precache,
        Some(_) => Role::Later,
    }
}

/// Index files are fetched with the index's version in the address.
fn precache_url(path: &str, index_version: &str) -> String {
    let in_search = path
        .strip_prefix(urls::SEARCH)
        .is_some_and(|rest| rest.starts_with('/'));
    if in_search && path.ends_with(".js") {
        format!("{path}?v={index_version}")
    } else {
        path.to_string()
    }
}

#[derive(Serialize)]
struct WorkerConfig<'a> {
    version: &'a str,
    precache: Vec<String>,
    offline: String,
    all: AllSummary,
}

#[derive(Serialize)]
struct AllSummary {
    list: String,
    count: usize,
    bytes: u64,
}

#[derive(Serialize)]
struct AllList<'a> {
    files: &'a [&'a str],
}

fn gzipped(bytes: &[u8]) -> u64 {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory").len() as u64
}

/// The gzipped size of `paths`, from the ratio of an even sample of at most 200:
/// compressing 150 MB of procedure pages to print one number would cost seconds.
fn estimate(files: &Files, paths: &[&str]) -> Result<u64, Box<Diagnostic>> {
    let step = paths.len().div_ceil(200).max(1);
    let (raw, packed) = paths
        .par_iter()
        .step_by(step)
        .map(|p| Ok::<_, Box<Diagnostic>>((files[*p].size(), gzipped(&files[*p].read(p)?))))
        .try_reduce(|| (0, 0), |a, b| Ok((a.0 + b.0, a.1 + b.1)))?;
    let total: u64 = paths.iter().map(|p| files[*p].size()).sum();
    if raw == 0 {
        return Ok(0);
    }
    Ok((total as f64 * packed as f64 / raw as f64).round() as u64)
}

/// Changes whenever any file of the site does: the worker's cache is named by it.
fn version(files: &Files, paths: &[&str]) -> String {
    let hashes: Vec<u64> = paths
        .par_iter()
        .filter(|p| **p != WORKER && **p != ALL_LIST)
        .map(|p| {
            // The hash of the bytes, which a file taken from the last build has noted.
            let bytes = files[*p].hash();
            hash(p.as_bytes(), mix(bytes as u64, (bytes >> 64) as u64))
        })
        .collect();
    let all = hashes.iter().fold(0u64, |h, x| mix(h, *x));
    format!("{all:016x}")
}

/// A fast, stable hash (not for security: it only names a cache).
fn hash(bytes: &[u8], seed: u64) -> u64 {
    let mut h = mix(seed, bytes.len() as u64);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        h = mix(h, u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
    }
    let mut last = [0u8; 8];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    mix(h, u64::from_le_bytes(last))
}

fn mix(h: u64, word: u64) -> u64 {
    (h.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// The budget's error: the total and the largest folders, so the cost is clear.
fn over_budget(precache: &[&str], sizes: &[u64], offline: &Offline) -> Diagnostic {
    let mut groups: Vec<(&str, u64, usize)> = Vec::new();
    for (path, size) in precache.iter().zip(sizes) {
        let group = path.split_once('/').map_or("/", |(top, _)| top);
        match groups.iter_mut().find(|g| g.0 == group) {
            Some(g) => {
                g.1 += size;
                g.2 += 1;
            }
            None => groups.push((group, *size, 1)),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.1));
    let total = megabytes(sizes.iter().sum());
    let budget = megabytes(offline.budget);
    let largest: Vec<String> = groups
        .iter()
        .take(3)
        .map(|(group, size, count)| format!("{group}/ {} ({count})", megabytes(*size)))
        .collect();
    let largest = largest.join(", ");
    Diagnostic::error(
        CONFIG_FILE,
        tr!(
            "the offline copy every visitor stores would be {total} (gzipped), over the budget of {budget}; largest: {largest}",
            "bản lưu ngoại tuyến mỗi người xem phải tải là {total} (đã nén), vượt ngân sách {budget}; lớn nhất: {largest}"
        ),
    )
    .at(offline.position.clone())
    .field("offline")
    .help(tr!(
        "raise it under `offline:` with `budget: 4 MB` if visitors can afford it (each phone downloads it once per build), or remove `offline:`",
        "nâng ngân sách dưới `offline:` bằng `budget: 4 MB` nếu người xem chịu được (mỗi máy tải một lần cho mỗi lần build), hoặc bỏ `offline:`"
    ))
}

/// "1.4 MB" or "120 KB", as the report and the budget's error show sizes.
pub fn megabytes(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{:.0} KB", bytes as f64 / 1e3)
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

/// A script of the theme, or the default theme's when the theme has none.
fn theme_script(theme: &Theme, path: &str) -> Vec<u8> {
    theme
        .files
        .get(path)
        .map(|f| f.bytes.clone())
        .or_else(|| default_file(path).map(<[u8]>::to_vec))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_visit_stores_a_way_to_every_procedure_not_everything() {
        assert_eq!(role("index.html"), Role::Precache);
        assert_eq!(role("style.css"), Role::Precache);
        assert_eq!(role("linh-vuc/ho-tich/index.html"), Role::Precache);
        assert_eq!(role("search/a3.js"), Role::Precache);
        assert_eq!(role("search/w/12.js"), Role::Never);
        assert_eq!(role("ngoai-tuyen/index.html"), Role::Precache);
        assert_eq!(role("thu-tuc/dang-ky-khai-sinh/index.html"), Role::Later);
        assert_eq!(role("a-z/index.html"), Role::Later);
        assert_eq!(role("bieu-mau/to-khai.docx"), Role::Later);
        assert_eq!(role("thu-tuc/x/niem-yet/index.html"), Role::Never);
        assert_eq!(role("thu-tuc/x/index.json"), Role::Never);
        assert_eq!(role("data/index.html"), Role::Never);
        assert_eq!(role("linh-vuc/ho-tich/niem-yet-a3/index.html"), Role::Never);
        assert_eq!(role("sw.js"), Role::Never);
        assert_eq!(role("ngoai-tuyen/tat-ca.json"), Role::Never);
        assert_eq!(role("404.html"), Role::Never);
    }

    #[test]
    fn index_files_are_stored_under_the_address_the_search_page_asks_for() {
        assert_eq!(precache_url("search/a3.js", "1f"), "search/a3.js?v=1f");
        assert_eq!(precache_url("search/index.html", "1f"), "search/index.html");
        assert_eq!(precache_url("searching.js", "1f"), "searching.js");
    }

    #[test]
    fn the_hash_sees_every_byte() {
        let a = hash(b"Le phi: 8.000 dong", 0);
        assert_ne!(a, hash(b"Le phi: 8.000 dong.", 0));
        assert_ne!(a, hash(b"Le phi: 9.000 dong", 0));
        assert_eq!(a, hash(b"Le phi: 8.000 dong", 0));
        assert_ne!(hash(b"a", 0), hash(b"a\0", 0));
    }
}
