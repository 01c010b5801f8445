//! A small harness: a throwaway site folder to write files into and check.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sotay::diagnostics::{Format, render};
use sotay::site::{Loaded, load};

pub const CONFIG: &str =
    "title: \"Sổ tay thử nghiệm\"\norganisation:\n  name: \"UBND phường Thử Nghiệm\"\n";

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

    pub fn load(&self) -> Loaded {
        load(self.root())
    }

    /// What `sotay check` prints, without the counts line.
    pub fn check_output(&self) -> String {
        render(&self.load().diagnostics, Format::Human)
    }
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

/// A minimal valid record.
pub fn record(code: &str, title: &str) -> String {
    format!(
        "---\ncode: \"{code}\"\ntitle: \"{title}\"\nfield: \"Hộ tịch\"\nlevels: [commune]\naudience: [citizen]\nchannels:\n  - via: in_person\n    time: \"5 ngày làm việc\"\n    fee: \"Miễn phí\"\n---\n# {title}\n"
    )
}
