//! The search index as the build writes it: folding that agrees with the browser's,
//! content that cannot break out of the search page, and files that only change
//! when the content does.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::{TestSite, record, shared_records};
use sotay::search::spelling::key;
use sotay::text::words;
use unicode_normalization::UnicodeNormalization;

/// Every line of every shared record, once: all their words, in context.
fn shared_lines() -> Vec<String> {
    let mut lines = BTreeSet::new();
    for entry in std::fs::read_dir(shared_records()).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        lines.extend(text.lines().map(str::to_string));
    }
    lines.into_iter().collect()
}

/// The index keys of each line's words (folded and respelled), as the theme's
/// search.js computes them in Node.
fn folded_by_javascript(lines: &[String]) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("lines.json");
    std::fs::write(&input, serde_json::to_string(lines).unwrap()).unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/scripts/search.js"
    );
    let program = r#"
        const fs = require("fs");
        require("vm").runInThisContext(fs.readFileSync(process.argv[1], "utf8"));
        const { key, words } = globalThis.sotaySearch;
        const lines = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
        process.stdout.write(JSON.stringify(lines.map((l) => words(l).map(key))));
    "#;
    let output = Command::new("node")
        .args(["-e", program, script, input.to_str().unwrap()])
        .output()
        .expect("node is needed for this test (scripts/test installs it)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn rust_and_javascript_key_every_word_of_the_shared_records_alike() {
    let mut lines = shared_lines();
    // And what people type: capitals, decomposed marks, old and new tone placement.
    lines.extend(
        [
            "GIẤY KHAI SINH",
            "Đăng ký khai sinh",
            "hòa hoà HOÀ",
            "Σίσυφος ΣΑΣ",
            "İstanbul",
            "kí ký KÝ quý quí QUY tuy thủy xây Y",
        ]
        .map(String::from),
    );
    lines.push("Đăng ký khai sinh".nfd().collect());
    let javascript = folded_by_javascript(&lines);
    let mut words_compared = 0;
    let mut differences = Vec::new();
    for (line, js) in lines.iter().zip(&javascript) {
        let rust: Vec<String> = words(line).map(key).collect();
        words_compared += rust.len();
        if &rust != js {
            differences.push(format!("{line:?}\n  rust: {rust:?}\n  js:   {js:?}"));
        }
    }
    assert!(words_compared > 500_000, "only {words_compared} words");
    assert!(
        differences.is_empty(),
        "{} lines differ, first:\n{}",
        differences.len(),
        differences[..differences.len().min(5)].join("\n")
    );
    assert_eq!(key("hòa"), key("hoà"));
    assert_eq!(key("ký"), key("kí"));
}

#[test]
fn content_cannot_break_out_of_the_search_page() {
    let site = TestSite::new();
    site.record(
        "a.md",
        &record("1.000001", "Đăng ký khai sinh").replace(
            "field: \"Hộ tịch\"",
            "field: \"</script><script>alert(1)</script>\"",
        ),
    );
    site.build_ok();
    let page = site.page("search/index.html");
    assert_eq!(
        page.count("script"),
        2,
        "only the manifest and the search script"
    );
    assert!(!page.source.contains("<script>alert(1)"));
    // The field is still offered as a filter, as text.
    assert!(
        page.texts("#f-field option")
            .iter()
            .any(|o| o.starts_with("</script><script>alert(1)</script>"))
    );
}

#[test]
fn the_index_is_the_same_for_the_same_content() {
    let site = TestSite::new();
    for (i, title) in [
        "Đăng ký khai sinh",
        "Đăng ký kết hôn",
        "Cấp lại thẻ căn cước",
    ]
    .iter()
    .enumerate()
    {
        site.record(&format!("r{i}.md"), &record(&format!("1.00000{i}"), title));
    }
    let read = |site: &TestSite| -> Vec<(String, Vec<u8>)> {
        let dir = site.root().join("public/search");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                (
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&path).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    site.build_ok();
    let first = read(&site);
    site.build_ok();
    assert_eq!(read(&site), first);
    // The manifest carries a version that changes with the content, so browsers that
    // cached the old files fetch the new ones.
    let version = |site: &TestSite| {
        let source = site.page("search/index.html").source;
        let start = source.find("\"version\":\"").unwrap() + 11;
        source[start..start + 8].to_string()
    };
    let before = version(&site);
    site.record("r3.md", &record("1.000009", "Tách hộ"));
    site.build_ok();
    assert_ne!(version(&site), before);
}

#[test]
fn codes_titles_and_pairs_are_indexed() {
    let site = TestSite::new();
    site.record("a.md", &record("1.001193", "Đăng ký khai sinh"));
    site.build_ok();
    let index: String = std::fs::read_dir(site.root().join("public/search"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('i'))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    // The code without its dot, the folded title words with how they are written,
    // and adjacent pairs for phrase matches.
    assert!(index.contains("\"#1001193\":{\"c\":0}"), "{index}");
    assert!(index.contains("\"dang\":{\"v\":[\"đăng\"]"), "{index}");
    assert!(index.contains("\"khai sinh\":{\"t\":[[0]]}"), "{index}");
}
