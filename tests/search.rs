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
        let mut files: Vec<_> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|path| path.is_file())
            .map(|path| {
                (
                    path.strip_prefix(&dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
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
    // A code carries its procedure's result line: one request shows it.
    assert!(
        index.contains("\"#1001193\":{\"c\":0,\"r\":[\"thu-tuc/"),
        "{index}"
    );
    assert!(index.contains("\"dang\":{\"v\":[\"đăng\"]"), "{index}");
    assert!(index.contains("\"khai sinh\":{\"t\":[[0]]}"), "{index}");
}

/// The manifest's words and lead digits, and the lead file of `word` if it has one.
fn lead(site: &TestSite, word: &str) -> (char, Option<String>) {
    let source = site.page("search/index.html").source;
    let start = source.find("{\"format\"").unwrap();
    let end = start + source[start..].find("</script>").unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&source[start..end]).unwrap();
    let vocab: Vec<&str> = manifest["vocab"].as_str().unwrap().split(' ').collect();
    let place = vocab.iter().position(|w| *w == word).unwrap();
    let digit = manifest["lead"]
        .as_str()
        .unwrap()
        .chars()
        .nth(place)
        .unwrap();
    // Named by the word: a new word elsewhere renames no file.
    let file = std::fs::read_to_string(site.root().join(format!("public/search/w/{word}.js")));
    (digit, file.ok())
}

#[test]
fn a_word_in_few_titles_has_a_lead_file_with_every_title_it_begins_a_word_of() {
    let site = TestSite::new();
    site.record("a.md", &record("1.000001", "Đăng ký kết hôn"));
    site.record(
        "b.md",
        &record("1.000002", "Cấp giấy xác nhận tình trạng hôn nhân"),
    );
    site.record("c.md", &record("1.000003", "Đăng ký khai sinh"));
    site.build_ok();
    // "hon" begins "hôn" in two titles: both are in its file, "Đăng ký khai sinh" not.
    let (digit, file) = lead(&site, "hon");
    assert_eq!(digit, 'C', "two titles: bit length 2");
    let file = file.expect("a lead file for hon");
    assert!(
        file.contains("Đăng ký kết hôn") && file.contains("tình trạng hôn nhân"),
        "{file}"
    );
    assert!(!file.contains("khai sinh"), "{file}");
    // The completions of a word being typed: "ho" begins "hôn" too.
    assert!(lead(&site, "ho").1.unwrap().contains("Đăng ký kết hôn"));
    // Everyday names the title stands for come with it: "độc thân" for the
    // marital status certificate.
    assert!(file.contains("[\"doc\",\"than\"]"), "{file}");
}

#[test]
fn a_word_in_more_titles_than_a_lead_file_holds_has_none_and_says_about_how_many() {
    let site = TestSite::new();
    let many = sotay::search::LEAD_ROWS + 1;
    for i in 0..many {
        site.record(
            &format!("r{i}.md"),
            &record(
                &format!("1.{i:06}"),
                &format!("Đăng ký hộ kinh doanh số {i}"),
            ),
        );
    }
    site.record("z.md", &record("2.000001", "Kinh doanh đăng ký lại hộ"));
    site.build_ok();
    let (digit, file) = lead(&site, "kinh");
    assert!(file.is_none());
    // 10 + the bit length of 258 (9): the browser reads about 2^8 titles.
    assert_eq!(digit, sotay_digit(10 + 9));
    // A pair of such words that few titles have as a phrase has one: "doanh đăng"
    // only in the last title. "hộ kinh" is in every title: none; "ký lại" has
    // "lại", a word of one title, which has its own.
    let names: Vec<String> = std::fs::read_dir(site.root().join("public/search/w"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let pair = "doanh-dang.js".to_string();
    let mut expected = vec![pair.clone(), "lai.js".to_string()];
    let mut names = names;
    names.sort();
    expected.sort();
    assert_eq!(names, expected, "the pair, and \"lại\", in one title");
    let file = std::fs::read_to_string(site.root().join("public/search/w").join(pair)).unwrap();
    assert!(file.contains("Kinh doanh đăng ký lại"), "{file}");
    assert_eq!(file.matches("\"thu-tuc/").count(), 1, "{file}");
}

fn sotay_digit(value: usize) -> char {
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[value] as char
}
