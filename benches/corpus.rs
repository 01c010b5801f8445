//! Sites for benchmarks, made from the real records of the national database:
//! N records by varying copies (new codes, titles and file names).

use std::path::{Path, PathBuf};

pub fn shared_records() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/procedures");
    assert!(
        dir.is_dir(),
        "the shared records are missing: {}",
        dir.display()
    );
    dir
}

/// Writes a site of `n` records into `root`: the 864 real ones first, then copies
/// whose code, title and file name carry a copy number.
pub fn make_site(root: &Path, n: usize) {
    let procedures = root.join("content/procedures");
    std::fs::create_dir_all(&procedures).unwrap();
    std::fs::write(
        root.join("sotay.yaml"),
        "title: \"Benchmark\"\norganisation:\n  name: \"Benchmark\"\n",
    )
    .unwrap();
    let mut originals: Vec<(String, String)> = std::fs::read_dir(shared_records())
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    originals.sort();
    for i in 0..n {
        let (name, text) = &originals[i % originals.len()];
        let copy = i / originals.len();
        if copy == 0 {
            std::fs::write(procedures.join(name), text).unwrap();
            continue;
        }
        let text = vary(text, copy);
        std::fs::write(procedures.join(format!("copy{copy}-{name}")), text).unwrap();
    }
}

/// A copy of a record with its own code and title.
fn vary(text: &str, copy: usize) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    for line in text.split_inclusive('\n') {
        if let Some(code) = line.strip_prefix("code: \"") {
            out.push_str(&format!(
                "code: \"{}.C{copy}\"\n",
                code.trim_end().trim_end_matches('"')
            ));
        } else if let Some(title) = line.strip_prefix("title: \"") {
            out.push_str(&format!(
                "title: \"{} (bản {copy})\"\n",
                title.trim_end().trim_end_matches('"')
            ));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The record counts to measure: `SOTAY_BENCH_SIZES` (comma-separated), else `default`.
#[allow(dead_code)] // not every bench takes sizes
pub fn sizes(default: &[usize]) -> Vec<usize> {
    std::env::var("SOTAY_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').map(|n| n.trim().parse().unwrap()).collect())
        .unwrap_or_else(|| default.to_vec())
}
