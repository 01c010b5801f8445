//! Pages and the search index taken from the last build (`.sotay-cache/build`): each
//! is taken only when everything it is made from is the same and the output still
//! holds the bytes written; any other change, a file changed by hand and a damaged or
//! foreign note make it again, and the site is always the one a full build gives.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_same_site, example, spoilt_notes, tree};
use sotay::build::{BuildOptions, BuildReport, build};
use sotay::sources::cache::CACHE_DIR;

const PAGE: &str = "thu-tuc/1-002755-gia-han-tam-tru/index.html";
const RECORD: &str = "content/procedures/1-002755-gia-han-tam-tru.md";

fn build_site(root: &Path, cache: bool) -> BuildReport {
    // These tests are of the layer below: a build with nothing to do would stop
    // before taking pages (tests/unchanged.rs).
    let _ = std::fs::remove_file(root.join(CACHE_DIR).join("unchanged"));
    let options = BuildOptions {
        no_cache: !cache,
        ..BuildOptions::default()
    };
    build(root, &options).unwrap_or_else(|f| panic!("{:?}", f.diagnostics))
}

/// Every page rendered but the search page, which is always made anew.
fn all_but_search(report: &BuildReport) -> usize {
    report.pages - 1
}

fn replace(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn page(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join("public").join(path)).unwrap()
}

#[test]
fn unchanged_pages_are_taken_and_the_site_is_the_one_a_full_render_gives() {
    // The same edits on two copies, one built with the caches and one without.
    let (with, without) = (example(), example());
    let (cached, rendered) = (with.path(), without.path());
    let first = build_site(cached, true);
    assert_eq!(first.reused, 0);
    build_site(rendered, false);

    let again = build_site(cached, true);
    assert_eq!(again.reused, all_but_search(&again));
    assert!(again.index_reused);

    for root in [cached, rendered] {
        replace(root, RECORD, "amount: 5000", "amount: 7000");
    }
    let edited = build_site(cached, true);
    build_site(rendered, false);
    assert!(
        page(cached, PAGE).contains("7.000"),
        "the new fee is not shown"
    );
    // The record's pages and the lists that show it are rendered; the rest is taken.
    let rendered_again = all_but_search(&edited) - edited.reused;
    assert!(
        (2..edited.pages / 2).contains(&rendered_again),
        "{rendered_again} of {} pages rendered again",
        edited.pages
    );
    assert_same_site(&cached.join("public"), &rendered.join("public"));
}

#[test]
fn a_template_or_the_configuration_renders_the_pages_that_use_it_again() {
    let dir = example();
    let root = dir.path();
    build_site(root, true);

    replace(
        root,
        "themes/default/templates/procedure.html",
        "<h1 ",
        "<h1 data-changed=\"yes\" ",
    );
    let templated = build_site(root, true);
    assert!(page(root, PAGE).contains("data-changed"));
    let procedures = std::fs::read_dir(root.join("content/procedures"))
        .unwrap()
        .count();
    assert!(
        all_but_search(&templated) - templated.reused >= procedures,
        "the procedure pages were taken from before the template changed"
    );

    // The site's title is on every page.
    replace(
        root,
        "sotay.yaml",
        "title: \"Sổ tay thủ tục hành chính phường An Bình\"",
        "title: \"Sổ tay đổi tên\"",
    );
    let renamed = build_site(root, true);
    assert_eq!(renamed.reused, 0);
    assert!(
        renamed.index_reused,
        "the index does not show the site's title"
    );
    assert!(page(root, PAGE).contains("Sổ tay đổi tên"));
    assert!(page(root, "index.html").contains("Sổ tay đổi tên"));
}

#[test]
fn a_new_everyday_name_builds_the_index_again() {
    let dir = example();
    let root = dir.path();
    build_site(root, true);
    let before = tree(&root.join("public/search"));
    std::fs::OpenOptions::new()
        .append(true)
        .open(root.join("content/synonyms.yaml"))
        .and_then(|mut f| {
            std::io::Write::write_all(&mut f, "\"gia hạn ở\": \"gia hạn tạm trú\"\n".as_bytes())
        })
        .unwrap();
    let report = build_site(root, true);
    assert!(!report.index_reused);
    let after = tree(&root.join("public/search"));
    let found = after
        .values()
        .any(|file| String::from_utf8_lossy(file).contains("\"o\""));
    assert!(
        after != before && found,
        "the index lacks the new name's words"
    );
}

#[test]
fn a_page_or_index_file_changed_by_hand_is_made_again() {
    let dir = example();
    let root = dir.path();
    build_site(root, true);
    let written = page(root, PAGE);
    std::fs::write(
        root.join("public").join(PAGE),
        written.replace("5.000", "0"),
    )
    .unwrap();

    let report = build_site(root, true);
    assert_eq!(report.reused, all_but_search(&report) - 1);
    assert_eq!(page(root, PAGE), written);
    assert!(report.index_reused);

    // One index file changed by hand: the whole index is built again.
    let shard = root.join("public/search/i0.js");
    let index_file = std::fs::read(&shard).unwrap();
    std::fs::write(&shard, b"__sotaySearch(\"i0\", {})").unwrap();
    let report = build_site(root, true);
    assert!(!report.index_reused);
    assert_eq!(std::fs::read(&shard).unwrap(), index_file);
}

/// The note of what the last build of `root` was made from.
fn note_file(root: &Path) -> PathBuf {
    let file = root.join(CACHE_DIR).join("build");
    assert!(file.is_file(), "no note was written");
    file
}

#[test]
fn a_damaged_cut_or_foreign_note_is_ignored_and_written_anew() {
    let dir = example();
    let root = dir.path();
    build_site(root, true);
    let site = tree(&root.join("public"));
    let file = note_file(root);
    let sound = std::fs::read(&file).unwrap();

    for (what, bytes) in spoilt_notes(&sound) {
        std::fs::write(&file, &bytes).unwrap();
        let report = build_site(root, true);
        assert_eq!(report.reused, 0, "{what}: pages were taken");
        assert!(!report.index_reused, "{what}: the index was taken");
        assert_eq!(tree(&root.join("public")), site, "{what}: the site changed");
        let next = build_site(root, true);
        assert_eq!(
            (next.reused, next.index_reused),
            (all_but_search(&next), true),
            "{what}: the note was not written anew"
        );
    }
}

#[test]
fn no_cache_neither_takes_pages_nor_writes_their_keys() {
    let dir = example();
    let root = dir.path();
    let first = build_site(root, false);
    assert!(!root.join(CACHE_DIR).exists());
    let second = build_site(root, false);
    assert_eq!((first.reused, second.reused), (0, 0));
    assert!(!second.index_reused);
}
