//! The cache of decoded records (`.sotay-cache/`): a build with it gives the site a
//! build without it gives; an entry is used only for the same file, text and sotay
//! binary; a damaged, cut or foreign cache is ignored and written anew.

mod common;

use std::path::{Path, PathBuf};

use common::{TestSite, assert_same_site, example, shared_records, tree};
use sotay::build::{BuildOptions, build};
use sotay::model::record::Amount;
use sotay::sources::cache::{CACHE_DIR, Decoded, RecordCache};

/// Builds `root` into a new folder under it, with or without the cache.
fn build_into(root: &Path, folder: &str, cache: bool) -> (PathBuf, sotay::build::BuildReport) {
    let output = root.join(folder);
    let options = BuildOptions {
        output: Some(output.clone()),
        no_cache: !cache,
        ..BuildOptions::default()
    };
    let report = build(root, &options).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    (output, report)
}

#[test]
fn the_real_records_built_from_the_cache_give_the_site_they_give_decoded() {
    let site = TestSite::shared();
    let records = std::fs::read_dir(shared_records()).unwrap().count();

    let (without, report) = build_into(site.root(), "without", false);
    assert_eq!(report.cache, None);
    assert!(
        !site.root().join(CACHE_DIR).exists(),
        "--no-cache wrote a cache"
    );

    let (_, first) = build_into(site.root(), "first", true);
    let first = first.cache.unwrap();
    assert_eq!((first.hits, first.misses), (0, records));

    let (warm, second) = build_into(site.root(), "warm", true);
    let second = second.cache.unwrap();
    assert_eq!((second.hits, second.misses), (records, 0));
    assert_same_site(&without, &warm);
}

/// Decodes every file under `dir` through `cache`; `decode` says whether decoding
/// is allowed (else the cache must have the record).
fn decode_all(cache: &RecordCache, dir: &Path, decode: bool) -> Vec<Decoded> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let file = Path::new("content/procedures").join(path.file_name().unwrap());
            cache.decoded(&file, &text, None, || {
                assert!(decode, "{} was decoded again", file.display());
                fresh(&file, &text)
            })
        })
        .collect()
}

fn fresh(file: &Path, text: &str) -> Decoded {
    Decoded::of(file, text.to_string()).1
}

#[test]
fn each_real_record_comes_back_from_the_cache_as_it_was_decoded() {
    let root = tempfile::tempdir().unwrap();
    let cache = RecordCache::open_as(root.path(), "sotay test");
    let decoded = decode_all(&cache, &shared_records(), true);
    cache.save().unwrap();

    let cache = RecordCache::open_as(root.path(), "sotay test");
    let cached = decode_all(&cache, &shared_records(), false);
    assert_eq!(cache.report().hits, decoded.len());
    for (cached, decoded) in cached.iter().zip(&decoded) {
        assert_eq!(cached, decoded);
        // Compared by key alone: the code must also come back as written.
        let code = |d: &Decoded| d.record.as_ref().map(|r| r.code.as_str().to_string());
        assert_eq!(code(cached), code(decoded));
    }
}

const RECORD: &str = "code: \"1.000001\"\ntitle: \"Đăng ký khai sinh\"\nfield: \"Hộ tịch\"\nlevels: [commune]\naudience: [citizen]\nchannels:\n  - via: in_person\n    time: \"3 ngày làm việc\"\n    fee: \"8.000 đồng\"\n";

/// One record's decoding through a cache opened as `stamp`: whether it was decoded.
fn decodes(root: &Path, stamp: &str, file: &str, text: &str) -> (bool, Decoded) {
    let cache = RecordCache::open_as(root, stamp);
    let mut decoded_now = false;
    let decoded = cache.decoded(Path::new(file), text, None, || {
        decoded_now = true;
        fresh(Path::new(file), text)
    });
    cache.save().unwrap();
    (decoded_now, decoded)
}

#[test]
fn an_entry_is_used_only_for_the_same_binary_file_and_text() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    let file = "content/procedures/khai-sinh.yaml";
    assert!(decodes(root, "sotay 1", file, RECORD).0, "an empty cache");
    assert!(!decodes(root, "sotay 1", file, RECORD).0, "the same again");

    // Another sotay: its rules may differ, so nothing of the old one is trusted.
    assert!(decodes(root, "sotay 2", file, RECORD).0);
    assert!(!decodes(root, "sotay 2", file, RECORD).0);

    // Another text: the new fee, never the cached one.
    let dearer = RECORD.replace("8.000 đồng", "10.000 đồng");
    let (again, decoded) = decodes(root, "sotay 2", file, &dearer);
    assert!(again);
    let record = decoded.record.unwrap();
    let fee = record.channels[0].fee.as_ref().unwrap();
    assert_eq!(fee.amount, Amount::whole(10_000));

    // The same text in another file: the slug and the problems name the file.
    let (again, decoded) = decodes(root, "sotay 2", "content/procedures/other.yaml", RECORD);
    assert!(again);
    assert_eq!(decoded.record.unwrap().slug, "other");
}

/// The cache file of a site of 150 real records, after one build into "first".
fn built_cache() -> (TestSite, PathBuf, usize) {
    let site = TestSite::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared_records())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    // Every fifth: records of many fields and agencies, long and short.
    for file in files.iter().step_by(5).take(150) {
        let name = file.file_name().unwrap().to_str().unwrap();
        site.record(name, &std::fs::read_to_string(file).unwrap());
    }
    let (_, report) = build_into(site.root(), "first", true);
    let file = site.root().join(CACHE_DIR).join("records");
    (site, file, report.cache.unwrap().misses)
}

#[test]
fn a_damaged_cache_is_ignored_where_damaged_and_written_anew() {
    let (site, file, records) = built_cache();
    let (clean, _) = build_into(site.root(), "clean", false);
    let mut bytes = std::fs::read(&file).unwrap();
    // Flip bits in the middle of an entry: a title, a fee, a length or a key.
    for at in [bytes.len() / 3, bytes.len() / 2] {
        bytes[at] ^= 0x20;
    }
    std::fs::write(&file, &bytes).unwrap();

    let (damaged, report) = build_into(site.root(), "damaged", true);
    let report = report.cache.unwrap();
    assert!(report.misses >= 1, "a damaged entry was trusted");
    assert!(report.hits >= 1, "the whole cache was thrown away");
    assert_eq!(report.hits + report.misses, records);
    assert_same_site(&clean, &damaged);

    let (_, after) = build_into(site.root(), "after", true);
    assert_eq!(
        after.cache.unwrap().hits,
        records,
        "the cache was not mended"
    );
}

#[test]
fn a_cut_cache_gives_what_it_holds_whole_and_is_written_anew() {
    let (site, file, records) = built_cache();
    let (clean, _) = build_into(site.root(), "clean", false);
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();

    let (cut, report) = build_into(site.root(), "cut", true);
    let report = report.cache.unwrap();
    assert!(report.hits > 0 && report.misses > 0, "{report:?}");
    assert_same_site(&clean, &cut);

    let (_, after) = build_into(site.root(), "after", true);
    assert_eq!(after.cache.unwrap().hits, records);
}

#[test]
fn a_file_that_is_not_a_cache_is_ignored() {
    let (site, file, records) = built_cache();
    std::fs::write(&file, "not a cache\n").unwrap();
    let (_, report) = build_into(site.root(), "second", true);
    assert_eq!(report.cache.unwrap().misses, records);
}

#[test]
fn a_cache_with_another_binarys_entries_is_not_read_even_when_they_are_sound() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    let file = Path::new("content/procedures/khai-sinh.yaml");
    // A sound entry of another binary saying something the text does not.
    let cache = RecordCache::open_as(root, "sotay old");
    cache.decoded(file, RECORD, None, || {
        let mut decoded = fresh(file, RECORD);
        decoded.record.as_mut().unwrap().title = "Something else".into();
        decoded
    });
    cache.save().unwrap();

    let (again, decoded) = decodes(root, "sotay new", file.to_str().unwrap(), RECORD);
    assert!(again);
    assert_eq!(decoded.record.unwrap().title, "Đăng ký khai sinh");
}

#[test]
fn the_config_and_the_theme_change_a_site_built_from_the_cache() {
    // Neither is part of a record's decoding: a build from the cache shows both.
    let dir = example();
    let root = dir.path();
    build_into(root, "first", true);
    let config = std::fs::read_to_string(root.join("sotay.yaml")).unwrap();
    let title = "title: \"Sổ tay thủ tục hành chính phường An Bình\"";
    assert!(config.contains(title));
    std::fs::write(
        root.join("sotay.yaml"),
        config.replacen(title, "title: \"Sổ tay đổi tên\"", 1),
    )
    .unwrap();
    let template = root.join("themes/default/templates/procedure.html");
    let text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(
        &template,
        text.replacen("<h1 ", "<h1 data-changed=\"yes\" ", 1),
    )
    .unwrap();

    let (cached, report) = build_into(root, "cached", true);
    assert_eq!(report.cache.unwrap().misses, 0);
    let (decoded, _) = build_into(root, "decoded", false);
    assert_same_site(&decoded, &cached);
    let home = std::fs::read_to_string(cached.join("index.html")).unwrap();
    assert!(home.contains("Sổ tay đổi tên"));
    let procedures = tree(&cached.join("thu-tuc"));
    assert!(
        procedures
            .iter()
            .any(|(_, page)| String::from_utf8_lossy(page).contains("data-changed")),
        "the changed template is not used"
    );
}

#[test]
fn entries_are_never_appended_to_a_cache_another_binary_put_in_place_meanwhile() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    let (first, second) = ("content/procedures/a.yaml", "content/procedures/b.yaml");
    decodes(root, "sotay 1", first, RECORD);
    // Sotay 1 loads; while it decodes `second`, sotay 2 writes its own cache.
    let one = RecordCache::open_as(root, "sotay 1");
    for file in [first, second] {
        one.decoded(Path::new(file), RECORD, None, || {
            fresh(Path::new(file), RECORD)
        });
    }
    assert_eq!(one.report().hits, 1, "sotay 1 appends what it decoded");
    decodes(root, "sotay 2", first, RECORD);
    one.save().unwrap();

    let two = RecordCache::open_as(root, "sotay 2");
    let mut decoded_again = false;
    two.decoded(Path::new(second), RECORD, None, || {
        decoded_again = true;
        fresh(Path::new(second), RECORD)
    });
    assert!(decoded_again, "sotay 2 used an entry sotay 1 decoded");
}

/// Waits until a file written now is given a later change time than `file`: a
/// build notes only the metadata of files older than its start.
#[cfg(unix)]
fn settle(root: &Path, file: &Path) {
    use std::os::unix::fs::MetadataExt;
    let changed = |path: &Path| {
        let m = std::fs::metadata(path).unwrap();
        (m.ctime(), m.ctime_nsec())
    };
    let probe = root.join("probe");
    for _ in 0..5_000 {
        std::fs::write(&probe, b"").unwrap();
        if changed(&probe) > changed(file) {
            return std::fs::remove_file(&probe).unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    panic!("the clock does not move");
}

#[cfg(unix)]
#[test]
fn a_record_file_is_read_again_when_written_even_with_its_old_date_and_size() {
    let site = TestSite::new();
    let file = site.record(
        "khai-sinh.md",
        &common::record("1.000001", "Đăng ký khai sinh"),
    );
    site.record("ket-hon.md", &common::record("1.000002", "Đăng ký kết hôn"));
    settle(site.root(), &file);
    let (_, first) = build_into(site.root(), "first", true);
    assert_eq!(first.cache.unwrap().misses, 2);
    // Both files as the first build noted them: neither is read.
    let (_, second) = build_into(site.root(), "second", true);
    assert_eq!(second.cache.unwrap().unread, 2);

    // Written in place, the same size, its modification time set back: the
    // change time still tells.
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replace("5 ngày làm việc", "7 ngày làm việc");
    assert_eq!(edited.len(), text.len());
    let mut handle = std::fs::File::options().write(true).open(&file).unwrap();
    std::io::Write::write_all(&mut handle, edited.as_bytes()).unwrap();
    handle.set_modified(modified).unwrap();
    drop(handle);
    let (output, third) = build_into(site.root(), "third", true);
    let third = third.cache.unwrap();
    assert_eq!((third.unread, third.misses), (1, 1));
    let page = std::fs::read_to_string(output.join("thu-tuc/khai-sinh/index.html")).unwrap();
    assert!(page.contains("7 ngày làm việc"), "the old time is shown");
}

#[cfg(unix)]
#[test]
fn a_record_taken_without_reading_its_file_still_shows_its_problems_in_its_lines() {
    let site = TestSite::new();
    let text = common::record("1.000001", "Đăng ký khai sinh").replace(
        "submission_address: \"Bộ phận Một cửa UBND xã\"",
        "offices: [khong-co]",
    );
    let file = site.record("khai-sinh.md", &text);
    settle(site.root(), &file);
    let problem = |sources: &sotay::sources::Sources| {
        let diagnostics = sources.diagnostics();
        let found = diagnostics
            .iter()
            .find(|d| d.field.as_deref() == Some("offices[0]"))
            .cloned();
        found.expect("the unknown office is an error")
    };
    let (read, report) = sotay::sources::Sources::load_cached(site.root());
    assert_eq!(report.unread, 0);
    let (unread, report) = sotay::sources::Sources::load_cached(site.root());
    assert_eq!(report.unread, 1);
    let (read, unread) = (problem(&read), problem(&unread));
    assert_eq!(unread, read);
    let position = unread.position.expect("a line");
    assert!(position.source_line.contains("khong-co"), "{position:?}");
}
