//! A build with nothing to do (`.sotay-cache/unchanged`): when no source changed
//! since the last build and the output is as that build wrote it, `build` writes
//! nothing and says again what the last one said. Any change to a source or to the
//! output, and a damaged or foreign note, make a whole build, whose site is the one
//! a build without caches gives.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{assert_same_site, example, record, spoilt_notes, tree};
use sotay::build::{BuildOptions, BuildReport, build};
use sotay::diagnostics::{Format, render};
use sotay::sources::cache::CACHE_DIR;

const PAGE: &str = "thu-tuc/1-002755-gia-han-tam-tru/index.html";
const RECORD: &str = "content/procedures/1-002755-gia-han-tam-tru.md";

fn build_with(root: &Path, options: &BuildOptions) -> BuildReport {
    build(root, options).unwrap_or_else(|f| panic!("{:?}", f.diagnostics))
}

fn build_site(root: &Path) -> BuildReport {
    build_with(root, &BuildOptions::default())
}

/// Lets the clock tick past every file written so far: a build notes nothing when
/// a source is as new as the build itself (it could change again unseen), and file
/// times advance by the kernel's tick, a few milliseconds.
fn settle() {
    std::thread::sleep(Duration::from_millis(50));
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

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

#[test]
fn a_build_with_nothing_to_do_writes_nothing_and_says_what_the_last_one_said() {
    let dir = example();
    let root = dir.path();
    settle();
    let first = build_site(root);
    assert!(!first.unchanged);
    let site = tree(&root.join("public"));
    let folder = inode(&root.join("public"));

    let second = build_site(root);
    assert!(second.unchanged, "the second build was made whole");
    assert_eq!(
        (second.pages, second.files),
        (first.pages, first.files),
        "it tells another site"
    );
    let said = |r: &BuildReport| render(&r.warnings, Format::Human, r.language);
    assert!(
        first.warnings.warnings() > 0,
        "the example has warnings to say again"
    );
    assert_eq!(said(&second), said(&first));
    assert_eq!(
        second.offline.map(|o| o.precache_files),
        first.offline.map(|o| o.precache_files)
    );
    assert!(second.changes.is_empty());
    // Nothing written: the very folder is still there, with the same files.
    assert_eq!(inode(&root.join("public")), folder);
    assert_eq!(tree(&root.join("public")), site);
}

/// An edit to the sources, named.
type Edit = (&'static str, fn(&Path));

/// Edits to the sources, each to be seen by the next build.
fn edits() -> Vec<Edit> {
    vec![
        ("a fee", |root| {
            replace(root, RECORD, "amount: 5000", "amount: 7000");
        }),
        ("a template", |root| {
            replace(
                root,
                "themes/default/templates/procedure.html",
                "<h1 ",
                "<h1 data-edited=\"yes\" ",
            );
        }),
        ("the configuration", |root| {
            replace(
                root,
                "sotay.yaml",
                "title: \"Sổ tay thủ tục hành chính phường An Bình\"",
                "title: \"Sổ tay đổi tên\"",
            );
        }),
        ("a new record", |root| {
            let text = record("9.999999", "Thủ tục mới thêm");
            std::fs::write(root.join("content/procedures/moi.md"), text).unwrap();
        }),
        ("a removed record", |root| {
            std::fs::remove_file(root.join("content/procedures/1-010038-tach-ho.md")).unwrap();
        }),
        ("the same bytes written again, with the old time", |root| {
            let path = root.join(RECORD);
            let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
            std::fs::write(&path, std::fs::read(&path).unwrap()).unwrap();
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(modified).unwrap();
        }),
    ]
}

#[test]
fn every_change_to_the_sources_makes_a_whole_build_that_shows_it() {
    // The same edits on two copies, one built with the caches and one without.
    let (with, without) = (example(), example());
    let (cached, rendered) = (with.path(), without.path());
    let no_cache = BuildOptions {
        no_cache: true,
        ..BuildOptions::default()
    };
    settle();
    build_site(cached);
    // Also for what changed since: both tell it against a build of their own.
    build_with(rendered, &no_cache);
    for (what, edit) in edits() {
        edit(cached);
        edit(rendered);
        settle();
        let report = build_site(cached);
        assert!(!report.unchanged, "{what}: nothing was built");
        build_with(rendered, &no_cache);
        assert_same_site(&cached.join("public"), &rendered.join("public"));
        assert!(build_site(cached).unchanged, "{what}: not noted again");
    }
    assert!(
        page(cached, PAGE).contains("7.000"),
        "the new fee is not shown"
    );
    assert!(page(cached, PAGE).contains("data-edited"));
    assert!(page(cached, "index.html").contains("Sổ tay đổi tên"));
}

#[test]
fn an_output_changed_by_hand_or_asked_elsewhere_is_built_again() {
    let dir = example();
    let root = dir.path();
    settle();
    build_site(root);
    let site = tree(&root.join("public"));
    let public = root.join("public");

    std::fs::write(public.join(PAGE), page(root, PAGE).replace("5.000", "0")).unwrap();
    assert!(
        !build_site(root).unchanged,
        "a page changed by hand was kept"
    );
    std::fs::write(public.join("stray.html"), "<p>stray</p>").unwrap();
    assert!(!build_site(root).unchanged, "a stray file was kept");
    std::fs::remove_file(public.join("index.html")).unwrap();
    assert!(!build_site(root).unchanged, "a removed page stayed away");
    assert_eq!(tree(&public), site);
    assert!(build_site(root).unchanged);

    let elsewhere = root.join("elsewhere");
    let options = BuildOptions {
        output: Some(elsewhere.clone()),
        ..BuildOptions::default()
    };
    assert!(!build_with(root, &options).unchanged);
    assert_eq!(tree(&elsewhere), site);
    assert!(build_with(root, &options).unchanged);
    // The note is of the folder last written: the configured one is built again.
    assert!(!build_site(root).unchanged);
}

fn note_file(root: &Path) -> PathBuf {
    let file = root.join(CACHE_DIR).join("unchanged");
    assert!(file.is_file(), "no note was written");
    file
}

#[test]
fn a_damaged_cut_or_foreign_note_is_ignored_and_written_anew() {
    let dir = example();
    let root = dir.path();
    settle();
    build_site(root);
    let site = tree(&root.join("public"));
    let file = note_file(root);
    let sound = std::fs::read(&file).unwrap();
    for (what, bytes) in spoilt_notes(&sound) {
        std::fs::write(&file, &bytes).unwrap();
        assert!(!build_site(root).unchanged, "{what}: trusted");
        assert_eq!(tree(&root.join("public")), site, "{what}: the site changed");
        assert!(build_site(root).unchanged, "{what}: not written anew");
    }
}

#[test]
fn no_cache_and_zip_always_build() {
    let dir = example();
    let root = dir.path();
    settle();
    build_site(root);
    let no_cache = BuildOptions {
        no_cache: true,
        ..BuildOptions::default()
    };
    assert!(!build_with(root, &no_cache).unchanged);
    // A build without caches notes nothing, and the note before it was of another
    // output folder (the one it replaced).
    assert!(!build_site(root).unchanged);
    assert!(build_site(root).unchanged);

    let zip = root.join("site.zip");
    let with_zip = BuildOptions {
        zip: Some(zip.clone()),
        ..BuildOptions::default()
    };
    assert!(!build_with(root, &with_zip).unchanged);
    assert!(zip.is_file(), "the zip was not written");
}
