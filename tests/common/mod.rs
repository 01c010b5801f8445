//! A small harness: a throwaway site folder to write files into and check.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sotay::build::{BuildFailure, BuildOptions, BuildReport, CheckReport, build, check};
use sotay::diagnostics::{Format, render};
use sotay::sources::Sources;

pub const CONFIG: &str = "title: \"Sổ tay thử nghiệm\"\nbase_url: \"https://thutuc.thunghiem.example.gov.vn\"\norganisation:\n  name: \"UBND phường Thử Nghiệm\"\n";

/// The real records of the national database, beside the repository.
pub fn shared_records() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/procedures");
    assert!(
        dir.is_dir(),
        "the shared records are missing: {}",
        dir.display()
    );
    dir
}

pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// An empty site with a valid `sotay.yaml`.
    pub fn new() -> Self {
        let site = TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.write("sotay.yaml", CONFIG);
        std::fs::create_dir_all(site.root().join("content/procedures")).unwrap();
        site
    }

    /// A site of the 864 real records of the national database.
    pub fn shared() -> Self {
        let site = TestSite::new();
        copy_dir(&shared_records(), &site.root().join("content/procedures"));
        site
    }

    /// A copy of a folder under `tests/fixtures/`.
    pub fn fixture(name: &str) -> Self {
        let site = TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        copy_dir(&from, site.root());
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, relative: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn record(&self, name: &str, text: &str) -> PathBuf {
        self.write(&format!("content/procedures/{name}"), text)
    }

    /// The handbook's sources, read and decoded.
    pub fn load(&self) -> Sources {
        Sources::load(self.root())
    }

    /// What `sotay check` finds.
    pub fn check(&self) -> CheckReport {
        check(self.root())
    }

    /// What `sotay check` prints, without the counts line.
    pub fn check_output(&self) -> String {
        let report = self.check();
        render(&report.diagnostics, Format::Human, report.language)
    }
}

/// A copy of the example handbook (content, theme, sotay.yaml) in a temporary folder.
pub fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &dir.path().join("content"));
    copy_dir(&repo.join("themes"), &dir.path().join("themes"));
    std::fs::copy(repo.join("sotay.yaml"), dir.path().join("sotay.yaml")).unwrap();
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl TestSite {
    pub fn build(&self) -> Result<BuildReport, BuildFailure> {
        build(self.root(), &BuildOptions::default())
    }

    /// Builds and panics with the problems if the build fails.
    pub fn build_ok(&self) -> BuildReport {
        match self.build() {
            Ok(report) => report,
            Err(failure) => panic!(
                "{}",
                render(&failure.diagnostics, Format::Human, failure.language)
            ),
        }
    }

    /// What a failed `sotay build` prints about the problems.
    pub fn build_error(&self) -> String {
        match self.build() {
            Ok(_) => panic!("the build succeeded"),
            Err(failure) => render(&failure.diagnostics, Format::Human, failure.language),
        }
    }

    /// A built page of `public/`, parsed.
    pub fn page(&self, path: &str) -> Page {
        let file = self.root().join("public").join(path);
        let html =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        Page {
            html: scraper::Html::parse_document(&html),
            source: html,
        }
    }
}

/// A built page as a reader sees it.
pub struct Page {
    pub html: scraper::Html,
    pub source: String,
}

impl Page {
    fn select(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let selector = scraper::Selector::parse(css).unwrap_or_else(|e| panic!("{css}: {e:?}"));
        self.html.select(&selector).collect()
    }

    /// Visible text of the first element matching `css`, whitespace collapsed.
    pub fn text(&self, css: &str) -> String {
        let found = self.select(css);
        let element = found
            .first()
            .unwrap_or_else(|| panic!("nothing matches {css}"));
        collapse(&element.text().collect::<String>())
    }

    pub fn texts(&self, css: &str) -> Vec<String> {
        self.select(css)
            .iter()
            .map(|e| collapse(&e.text().collect::<String>()))
            .collect()
    }

    pub fn count(&self, css: &str) -> usize {
        self.select(css).len()
    }

    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.select(css)
            .iter()
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }
}

impl Page {
    /// The page's `<main>` as an outline a person can review in a snapshot: one line per
    /// element (tag, id or first class, link target) with its own text, indented by depth.
    pub fn main_outline(&self) -> String {
        let main = self.select("main");
        let main = main.first().expect("a <main>");
        let mut out = String::new();
        outline(*main, 0, &mut out);
        out
    }
}

fn outline(element: scraper::ElementRef, depth: usize, out: &mut String) {
    let value = element.value();
    let mut line = format!("{}{}", "  ".repeat(depth), value.name());
    if let Some(id) = value.id() {
        line.push_str(&format!("#{id}"));
    } else if let Some(class) = value.classes().next() {
        line.push_str(&format!(".{class}"));
    }
    if let Some(href) = value.attr("href") {
        line.push_str(&format!(" → {href}"));
    }
    let own: String = element
        .children()
        .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
        .collect();
    let own = collapse(&own);
    if !own.is_empty() {
        line.push_str(&format!(" “{own}”"));
    }
    out.push_str(&line);
    out.push('\n');
    for child in element.children().filter_map(scraper::ElementRef::wrap) {
        outline(child, depth + 1, out);
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A minimal valid record.
pub fn record(code: &str, title: &str) -> String {
    format!(
        "---\ncode: \"{code}\"\ntitle: \"{title}\"\nfield: \"Hộ tịch\"\nlevels: [commune]\naudience: [citizen]\nchannels:\n  - via: in_person\n    time: \"5 ngày làm việc\"\n    fee: \"Miễn phí\"\nsubmission_address: \"Bộ phận Một cửa UBND xã\"\n---\n# {title}\n"
    )
}

/// Every file of a folder, by path inside it, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (path, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Two built sites hold the same files with the same bytes (naming the first that differs).
pub fn assert_same_site(a: &Path, b: &Path) {
    let (a, b) = (tree(a), tree(b));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{} differs", path.display());
    }
}

/// A sealed note of `.sotay-cache` (a magic line, the binary's stamp line, a checksum,
/// the body) spoilt in each way a cache must survive, named.
pub fn spoilt_notes(sound: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut flipped = sound.to_vec();
    flipped[sound.len() / 2] ^= 0x20;
    let stamp = sound.iter().position(|b| *b == b'\n').unwrap() + 1;
    let stamp_end = stamp + sound[stamp..].iter().position(|b| *b == b'\n').unwrap();
    // Otherwise sound: only the binary differs.
    let foreign = [
        &sound[..stamp],
        b"sotay 0.0.0 another build",
        &sound[stamp_end..],
    ]
    .concat();
    vec![
        ("a flipped byte", flipped),
        ("a cut file", sound[..sound.len() - 7].to_vec()),
        ("another binary's stamp", foreign),
        ("not a note", b"<html>".to_vec()),
    ]
}
