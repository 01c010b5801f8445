//! The live preview's incremental rebuild against `sotay build`: after every edit the
//! files the session serves must be exactly those a full build makes.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::example;
use sotay::assemble::{BUILD_ONLY, Outcome, Stopwatch, assemble};
use sotay::diagnostics::{Format, Language, render};
use sotay::preview::Session;
use sotay::sources::Sources;

fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let sources = Sources::load(root);
    let (assembly, problems) = assemble(&sources, None, None, &mut Stopwatch::start());
    let Some(assembly) = assembly else {
        panic!(
            "full build fails: {}",
            render(&problems, Format::Human, Language::En)
        );
    };
    // The preview has no service worker (tests/offline.rs).
    assembly
        .files()
        .iter()
        .filter(|(p, _)| !BUILD_ONLY.contains(&&***p))
        .map(|(p, b)| (p.to_string(), b.bytes().unwrap().to_vec()))
        .collect()
}

fn report(problems: &sotay::diagnostics::Diagnostics) -> String {
    render(problems, Format::Human, Language::En)
}

fn served(session: &Session) -> BTreeMap<String, Vec<u8>> {
    let files = session.files().expect("a site");
    files
        .iter()
        .map(|(p, b)| (p.to_string(), b.bytes().unwrap().to_vec()))
        .collect()
}

/// Updates the session for `paths`, lets the index catch up, and compares with a full build.
fn assert_same(session: &mut Session, paths: &[PathBuf], what: &str) -> Vec<String> {
    let changed = match session.update(paths) {
        Outcome::Built(built) => built.changed,
        Outcome::Unchanged => Vec::new(),
        Outcome::Failed(problems) => panic!("{what}: the update failed:\n{}", report(&problems)),
    };
    let mut changed = changed;
    while let Some(built) = session.refresh_index().expect("the search page renders") {
        changed.extend(built.changed);
    }
    assert_matches_full_build(session, what);
    changed
}

/// Compares what the session serves with a full build's files.
fn assert_matches_full_build(session: &Session, what: &str) {
    let expected = full_build(session.root());
    let actual = served(session);
    let missing: Vec<&String> = expected
        .keys()
        .filter(|p| !actual.contains_key(*p))
        .collect();
    let extra: Vec<&String> = actual
        .keys()
        .filter(|p| !expected.contains_key(*p))
        .collect();
    let differ: Vec<&String> = expected
        .iter()
        .filter(|(p, b)| actual.get(*p).is_some_and(|a| a != *b))
        .map(|(p, _)| p)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && differ.is_empty(),
        "{what}: the preview differs from a full build\nmissing: {missing:?}\nextra: {extra:?}\ndiffer: {differ:?}"
    );
}

struct Edit<'a> {
    root: &'a Path,
}

impl Edit<'_> {
    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    fn replace(&self, relative: &str, from: &str, to: &str) -> PathBuf {
        let path = self.path(relative);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{relative} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        path
    }
}

const TACH_HO: &str = "content/procedures/1-010038-tach-ho.md";
const TAM_TRU: &str = "content/procedures/1-002755-gia-han-tam-tru.md";

fn open(root: &Path) -> Session {
    let Ok(mut session) = Session::open(root) else {
        panic!("the example opens");
    };
    match session.update(&[]) {
        Outcome::Built(_) => {}
        other => panic!("first build: {other:?}"),
    }
    session
}

#[test]
fn record_edits_render_what_a_full_build_renders() {
    let dir = example();
    let root = dir.path();
    let edit = Edit { root };
    // A published build: the preview tells the edits since as changes.
    sotay::build::build(root, &Default::default()).expect("the example builds");
    let mut session = open(root);
    assert_same(&mut session, &[], "first build");

    edit.replace(TACH_HO, "10,000 Việt Nam Đồng", "12,000 Việt Nam Đồng");
    let path = edit.replace(TACH_HO, "amount: 10000", "amount: 12000");
    let changed = assert_same(&mut session, &[path], "fee");
    let told = String::from_utf8(served(&session)["thay-doi/index.html"].clone()).unwrap();
    assert!(
        told.contains("5.000 – 10.000 đồng → 5.000 – 12.000 đồng"),
        "{told}"
    );
    assert!(
        changed.contains(&"thu-tuc/1-010038-tach-ho/index.html".to_string()),
        "{changed:?}"
    );
    assert!(
        !changed.contains(&"thu-tuc/1-002755-gia-han-tam-tru/index.html".to_string()),
        "an unrelated page was reported changed: {changed:?}"
    );

    // Edits that move a record between lists (and the statistics' bands), as a fee
    // edit does not.
    let path = edit.replace(TAM_TRU, "  - organisation\n", "");
    assert_same(&mut session, &[path], "audience");
    let path = edit.replace(TAM_TRU, "value: 3\n", "value: 25\n");
    assert_same(&mut session, &[path], "time band");
    // A page's new address is in the sitemap, which a site with an address has.
    let path = edit.replace(
        "sotay.yaml",
        "theme: default\n",
        "theme: default\nbase_url: \"https://anbinh.example.vn\"\n",
    );
    assert_same(&mut session, &[path], "site address");
    let path = edit.replace(TAM_TRU, "\ntitle: ", "\nslug: \"gia-han\"\ntitle: ");
    assert_same(&mut session, &[path], "address");
    let path = edit.replace(TAM_TRU, "\nslug: \"gia-han\"", "");
    assert_same(&mut session, &[path], "address as it was");

    let path = edit.replace(TACH_HO, "title: \"Tách hộ\"", "title: \"Tách hộ gia đình\"");
    assert_same(&mut session, &[path], "title");

    let path = edit.replace(TAM_TRU, "field: \"", "field: \"Cư trú mới ");
    assert_same(&mut session, &[path], "field");

    // Typed without diacritics: still shown as the other records of the field write it.
    let path = edit.replace(
        TACH_HO,
        "field: \"Đăng ký, quản lý cư trú\"",
        "field: \"Dang ky, quan ly cu tru\"",
    );
    assert_same(&mut session, &[path], "field variant");
    // The record that names the field alone: its own form becomes the label.
    let path = edit.replace(TAM_TRU, "field: \"Cư trú mới ", "field: \"Cu tru moi ");
    assert_same(&mut session, &[path], "field relabelled");

    // A related link, then a change to the record it names.
    let path = edit.replace(
        TAM_TRU,
        "\ntitle: ",
        "\nrelated:\n  - \"1.010038\"\ntitle: ",
    );
    assert_same(&mut session, &[path], "related added");
    let path = edit.replace(TACH_HO, "Tách hộ gia đình", "Tách hộ (gia đình)");
    let changed = assert_same(&mut session, &[path], "related title");
    assert!(
        changed.contains(&"thu-tuc/1-002755-gia-han-tam-tru/index.html".to_string()),
        "the page naming it as related was not rendered again: {changed:?}"
    );

    // A new record, in a new folder; then the folder renamed; then deleted.
    let text = std::fs::read_to_string(edit.path(TACH_HO)).unwrap();
    let copy = text
        .replace("1.010038", "9.999001")
        .replace("Tách hộ (gia đình)", "Nhập hộ");
    std::fs::create_dir_all(edit.path("content/procedures/moi")).unwrap();
    let path = edit.path("content/procedures/moi/nhap-ho.md");
    std::fs::write(&path, copy).unwrap();
    assert_same(&mut session, &[path], "new record");
    std::fs::rename(
        edit.path("content/procedures/moi"),
        edit.path("content/procedures/cu-tru"),
    )
    .unwrap();
    assert_same(
        &mut session,
        &[
            edit.path("content/procedures/moi"),
            edit.path("content/procedures/cu-tru"),
        ],
        "folder renamed",
    );
    let path = edit.path("content/procedures/cu-tru/nhap-ho.md");
    std::fs::remove_file(&path).unwrap();
    assert_same(&mut session, &[path], "record deleted");

    // A record deleted while another names it: an error until the reference goes too.
    let tach_ho = std::fs::read_to_string(edit.path(TACH_HO)).unwrap();
    std::fs::remove_file(edit.path(TACH_HO)).unwrap();
    match session.update(&[edit.path(TACH_HO)]) {
        Outcome::Failed(problems) => {
            let report = report(&problems);
            assert!(report.contains("1.010038"), "{report}")
        }
        other => panic!("a dangling related code must fail: {other:?}"),
    }
    let path = edit.replace(TAM_TRU, "related:\n  - \"1.010038\"\n", "");
    assert_same(&mut session, &[path], "reference removed");
    std::fs::write(edit.path(TACH_HO), tach_ho).unwrap();
    assert_same(&mut session, &[edit.path(TACH_HO)], "record back");
}

#[test]
fn a_broken_record_keeps_the_last_good_site_until_fixed() {
    let dir = example();
    let root = dir.path();
    let edit = Edit { root };
    let mut session = open(root);
    let before = served(&session);

    let path = edit.replace(TACH_HO, "title: \"Tách hộ\"", "title: [\"Tách hộ\"");
    match session.update(std::slice::from_ref(&path)) {
        Outcome::Failed(problems) => {
            let report = report(&problems);
            // At the `[` left open, not where the parser gave up (line 4).
            assert!(report.contains(&format!("{TACH_HO}:3:8")), "{report}");
            assert!(report.contains("invalid YAML"), "{report}");
        }
        other => panic!("a broken record must fail: {other:?}"),
    }
    assert!(matches!(session.refresh_index(), Ok(None)));
    assert_eq!(served(&session), before, "the last good site is kept");

    // Another edit while broken is kept and shows once the record is fixed.
    let other = edit.replace(TAM_TRU, "\ntitle: \"", "\ntitle: \"Gia hạn: ");
    assert!(matches!(
        session.update(std::slice::from_ref(&other)),
        Outcome::Failed(_)
    ));
    let path = edit.replace(TACH_HO, "title: [\"Tách hộ\"", "title: \"Tách hộ\"");
    assert_same(&mut session, &[path], "fixed");
}

#[test]
fn theme_and_configuration_edits_render_what_a_full_build_renders() {
    let dir = example();
    let root = dir.path();
    let edit = Edit { root };
    let mut session = open(root);

    let path = edit.replace(
        "themes/default/templates/procedure.html",
        "{% block main %}",
        "{% block main %}<p class=\"preview-test\">mẫu mới</p>",
    );
    let changed = assert_same(&mut session, &[path], "procedure template");
    assert!(
        changed.iter().all(|p| p.starts_with("thu-tuc/")),
        "{changed:?}"
    );

    let path = edit.replace("themes/default/static/style.css", "body", "body ");
    assert_same(&mut session, &[path], "style sheet");

    let path = edit.replace(
        "sotay.yaml",
        "title: \"Sổ tay thủ tục hành chính phường An Bình\"",
        "title: \"Sổ tay phường An Bình\"",
    );
    assert_same(&mut session, &[path], "site title");

    let path = edit.replace("content/offices.yaml", "Số 1 đường", "Số 2 đường");
    assert_same(&mut session, &[path], "office address");

    let path = edit.replace(
        "content/pages/gioi-thieu.md",
        "\ntitle: \"",
        "\ntitle: \"Về ",
    );
    assert_same(&mut session, &[path], "free page title");

    let path = edit.replace("themes/default/i18n/vi.yaml", "Trang chủ", "Trang đầu");
    assert_same(&mut session, &[path], "interface string");

    // Editors' temporary files change nothing.
    let swap = edit.path("content/procedures/.1-010038-tach-ho.md.swp");
    std::fs::write(&swap, "x").unwrap();
    assert!(matches!(session.update(&[swap]), Outcome::Unchanged));
}

#[test]
fn a_broken_template_is_reported_and_fixing_it_recovers() {
    let dir = example();
    let root = dir.path();
    let edit = Edit { root };
    let mut session = open(root);
    let before = served(&session);
    let path = edit.replace(
        "themes/default/templates/procedure.html",
        "{% block main %}",
        "{% block main %}{{ page.title | nosuchfilter }}",
    );
    match session.update(std::slice::from_ref(&path)) {
        Outcome::Failed(problems) => {
            let report = report(&problems);
            assert!(report.contains("nosuchfilter"), "{report}")
        }
        other => panic!("a broken template must fail: {other:?}"),
    }
    assert_eq!(served(&session), before);
    let path = edit.replace(
        "themes/default/templates/procedure.html",
        "{{ page.title | nosuchfilter }}",
        "",
    );
    assert_same(&mut session, &[path], "template fixed");
}

#[test]
fn the_search_index_gives_way_to_a_waiting_save_and_is_made_after_it() {
    use std::sync::atomic::AtomicBool;
    let dir = example();
    let root = dir.path();
    let edit = Edit { root };
    let mut session = open(root);
    let search_page = |session: &Session| served(session)["search/index.html"].clone();

    let first = edit.replace(TACH_HO, "\ntitle: \"", "\ntitle: \"Xin tách hộ: ");
    assert!(matches!(session.update(&[first]), Outcome::Built(_)));
    let stale = search_page(&session);
    // A save is waiting: the index is not made, and stays due.
    let waiting = AtomicBool::new(true);
    assert!(matches!(session.refresh_index_unless(&waiting), Ok(None)));
    assert!(session.index_stale());
    assert_eq!(search_page(&session), stale);

    // The save is taken; the index then covers both edits, as a full build does.
    let second = edit.replace(TAM_TRU, "\ntitle: \"", "\ntitle: \"Xin gia hạn: ");
    assert_same(
        &mut session,
        &[second],
        "two saves, the index given way once",
    );
    assert!(!session.index_stale());
    assert_ne!(search_page(&session), stale);
}

/// Updates the session for `paths`; the search index must be the kept one, updated
/// (not made anew), and the site a full build's. Returns the files the index
/// update changed.
fn assert_index_updated(session: &mut Session, paths: &[PathBuf], what: &str) -> Vec<String> {
    assert!(
        matches!(session.update(paths), Outcome::Built(_)),
        "{what}: the update failed"
    );
    let built = session
        .refresh_index()
        .expect("the search page renders")
        .expect("the index is due");
    let laps: Vec<&str> = built.timings.iter().map(|(name, _)| *name).collect();
    assert!(
        laps.contains(&"index update"),
        "{what}: made anew: {laps:?}"
    );
    let mut changed = built.changed;
    // Then the open data catalogue.
    while let Some(built) = session.refresh_index().expect("the catalogue is made") {
        changed.extend(built.changed);
    }
    assert_matches_full_build(session, what);
    changed
}

#[test]
fn edits_that_keep_every_id_update_the_kept_index_as_a_full_build_makes_it() {
    let dir = example();
    let root = dir.path();
    let edit = Edit { root };
    let mut session = open(root);
    // The index is made once more after the first assembly, and kept.
    assert_same(&mut session, &[], "first build");

    // A fee: the record's row, its code's entry, its display file and the lead
    // files that list it.
    edit.replace(TACH_HO, "10,000 Việt Nam Đồng", "12,000 Việt Nam Đồng");
    let path = edit.replace(TACH_HO, "amount: 10000", "amount: 12000");
    let changed = assert_index_updated(&mut session, &[path], "fee");
    assert!(
        changed.iter().any(|p| p.starts_with("search/w/")),
        "no lead file shows the new fee: {changed:?}"
    );
    let all_shards = served(&session)
        .keys()
        .filter(|p| p.starts_with("search/i"))
        .count();
    let shards = changed.iter().filter(|p| p.starts_with("search/i")).count();
    assert!(
        (1..=all_shards / 4).contains(&shards),
        "{shards} of {all_shards} index files changed for one fee: {changed:?}"
    );

    // A word no record had, the beginning of title words ("giấy", "gia hạn"): a new word
    // with its own lead file; then gone again.
    let path = edit.replace(
        TACH_HO,
        "\ntitle: ",
        "\ndescription: \"Gi zzyzxq.\"\ntitle: ",
    );
    let changed = assert_index_updated(&mut session, &[path], "new words");
    assert!(
        changed.contains(&"search/w/gi.js".to_string()),
        "{changed:?}"
    );
    let path = edit.replace(TACH_HO, "\ndescription: \"Gi zzyzxq.\"", "");
    let changed = assert_index_updated(&mut session, &[path], "words gone");
    assert!(
        changed.contains(&"search/w/gi.js".to_string()),
        "{changed:?}"
    );
    assert!(!served(&session).contains_key("search/w/gi.js"));

    // Words eight other records have: the record joins their keys' postings among
    // theirs, then leaves them.
    let path = edit.replace(
        TACH_HO,
        "\ntitle: ",
        "\ndescription: \"Doanh nghiệp.\"\ntitle: ",
    );
    assert_index_updated(&mut session, &[path], "words others have");
    let path = edit.replace(TACH_HO, "\ndescription: \"Doanh nghiệp.\"", "");
    assert_index_updated(&mut session, &[path], "those words gone");

    // Two records at once.
    edit.replace(TAM_TRU, "10,000 Việt Nam Đồng", "11,000 Việt Nam Đồng");
    let other = edit.replace(TAM_TRU, "amount: 10000", "amount: 11000");
    let fee = edit.replace(TACH_HO, "amount: 12000", "amount: 13000");
    assert_index_updated(&mut session, &[fee, other], "two records");
}
