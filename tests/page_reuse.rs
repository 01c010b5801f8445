//! Pages and the search index taken from the last build (`.sotay-cache/build`): each
//! is taken only when everything it is made from is the same and the output still
//! holds the bytes written; any other change, a file changed by hand and a damaged or
//! foreign note make it again, and the site is always the one a full build gives.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_same_site, example, spoilt_notes, tree};
use sotay::assemble::IndexMade;
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
    assert_eq!(again.index, IndexMade::Taken);

    for root in [cached, rendered] {
        replace(root, RECORD, "amount: 5000", "amount: 7000");
    }
    let edited = build_site(cached, true);
    build_site(rendered, false);
    // The fee is in the record's line, which the index's display rows show.
    assert_eq!(edited.index, IndexMade::Updated);
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
    assert_eq!(
        renamed.index,
        IndexMade::Taken,
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
    assert_eq!(report.index, IndexMade::Whole);
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
    assert_eq!(report.index, IndexMade::Taken);

    // One index file changed by hand: the index is not taken but made again from
    // the one noted, whose files are all cut again.
    let shard = root.join("public/search/i0.js");
    let index_file = std::fs::read(&shard).unwrap();
    std::fs::write(&shard, b"__sotaySearch(\"i0\", {})").unwrap();
    let report = build_site(root, true);
    assert_eq!(report.index, IndexMade::Updated);
    assert_eq!(std::fs::read(&shard).unwrap(), index_file);

    // A lead file, which an update takes from the output unless a record of it
    // changed: the index is made whole.
    let lead = first_file(&root.join("public/search/w"));
    let lead_file = std::fs::read(&lead).unwrap();
    std::fs::write(&lead, b"__sotaySearch(\"w\", {})").unwrap();
    let report = build_site(root, true);
    assert_eq!(report.index, IndexMade::Whole);
    assert_eq!(std::fs::read(&lead).unwrap(), lead_file);
}

#[test]
fn a_page_is_left_on_disk_only_while_its_file_is_as_written() {
    let dir = example();
    let root = dir.path();
    build_site(root, true);
    let file = root.join("public").join(PAGE);
    let written = page(root, PAGE);

    // Touched, the same bytes: read back, found as written, and taken.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let report = build_site(root, true);
    assert_eq!(report.reused, all_but_search(&report));

    // Changed in place, keeping its size, inode and modification time: its change
    // time still tells, and the page is made again.
    rewrite_in_place(&file, &written.replacen("5.000", "9.999", 1));
    let report = build_site(root, true);
    assert_eq!(report.reused, all_but_search(&report) - 1);
    assert_eq!(page(root, PAGE), written);
}

#[test]
fn a_file_made_again_is_linked_from_the_output_only_while_that_is_as_written() {
    let dir = example();
    let root = dir.path();
    build_site(root, true);
    // Open data is made anew by every build, and compared with what the output has.
    let data = "thu-tuc/1-002755-gia-han-tam-tru/index.json";
    let file = root.join("public").join(data);
    let written = page(root, data);
    assert!(written.contains("Gia hạn tạm trú"), "{written}");

    // Changed in place, keeping its size, inode and modification time: the change
    // time tells it is not as noted, and the file the build made is written.
    rewrite_in_place(&file, &written.replacen("Gia hạn", "Gia HẠN", 1));
    build_site(root, true);
    assert_eq!(page(root, data), written);

    // As written, and another record edited: linked again, the same file.
    let before = inode(&file);
    replace(
        root,
        "content/procedures/1-000894-thu-tuc-dang-ky-ket-hon.md",
        "kết hôn",
        "kết hôn.",
    );
    build_site(root, true);
    assert_eq!(inode(&file), before);
    assert_eq!(page(root, data), written);
}

/// Writes `text`, as long as what `file` holds, over it in place, keeping its inode
/// and modification time: only its change time tells.
fn rewrite_in_place(file: &Path, text: &str) {
    let modified = std::fs::metadata(file).unwrap().modified().unwrap();
    assert_eq!(std::fs::metadata(file).unwrap().len(), text.len() as u64);
    let mut handle = std::fs::File::options().write(true).open(file).unwrap();
    std::io::Write::write_all(&mut handle, text.as_bytes()).unwrap();
    handle.set_modified(modified).unwrap();
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

#[cfg(not(unix))]
fn inode(_: &Path) -> u64 {
    0
}

fn first_file(folder: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files.remove(0)
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
        assert_eq!(
            report.index,
            IndexMade::Whole,
            "{what}: the index was taken"
        );
        assert_eq!(tree(&root.join("public")), site, "{what}: the site changed");
        let next = build_site(root, true);
        assert_eq!(
            (next.reused, next.index),
            (all_but_search(&next), IndexMade::Taken),
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
    assert_eq!(second.index, IndexMade::Whole);
}

/// Builds `cached` with the caches and `whole` without, and checks they give the
/// same site: the cached build's report.
fn build_both(cached: &Path, whole: &Path) -> BuildReport {
    let report = build_site(cached, true);
    build_site(whole, false);
    assert_same_site(&cached.join("public"), &whole.join("public"));
    report
}

/// Makes the same edit in each of `roots`.
fn edit_all(roots: [&Path; 2], file: &str, from: &str, to: &str) {
    for root in roots {
        replace(root, file, from, to);
    }
}

#[test]
fn an_edit_updates_the_noted_index_into_the_one_made_whole() {
    let (with, without) = (example(), example());
    let (cached, whole) = (with.path(), without.path());
    let both = [cached, whole];
    assert_eq!(build_site(cached, true).index, IndexMade::Whole);
    build_site(whole, false);

    // A document renamed: keys gained and lost, and the lead files of its words.
    edit_all(
        both,
        RECORD,
        "  - name: \"Cập nhật thông tin",
        "  - name: \"Bổ sung và cập nhật thông tin",
    );
    let report = build_both(cached, whole);
    assert_eq!(report.index, IndexMade::Updated);

    // Updated again, from the note the update left.
    edit_all(
        both,
        "content/procedures/1-000894-thu-tuc-dang-ky-ket-hon.md",
        "title: \"Thủ tục đăng ký kết hôn\"",
        "title: \"Thủ tục đăng ký kết hôn tập thể\"",
    );
    let report = build_both(cached, whole);
    assert_ne!(report.index, IndexMade::Taken);

    // Words taken out again: the keys that listed the record lose it, which
    // the update finds from the note without listing every record's keys.
    edit_all(
        both,
        RECORD,
        "  - name: \"Bổ sung và cập nhật thông tin",
        "  - name: \"Cập nhật thông tin",
    );
    let report = build_both(cached, whole);
    assert_eq!(report.index, IndexMade::Updated);

    // A record removed renumbers the others: made whole.
    for root in both {
        std::fs::remove_file(root.join(RECORD)).unwrap();
    }
    let report = build_both(cached, whole);
    assert_eq!(report.index, IndexMade::Whole);
}

#[test]
fn a_damaged_cut_or_foreign_index_note_makes_the_index_whole_and_is_written_anew() {
    let (with, without) = (example(), example());
    let (cached, whole) = (with.path(), without.path());
    build_site(cached, true);
    build_site(whole, false);
    let file = cached.join(CACHE_DIR).join("index");
    let sound = std::fs::read(&file).expect("no index note was written");

    for (round, (what, bytes)) in spoilt_notes(&sound).into_iter().enumerate() {
        std::fs::write(&file, &bytes).unwrap();
        let fee = |n: usize| format!("amount: {}", 5000 + 1000 * n);
        edit_all([cached, whole], RECORD, &fee(round), &fee(round + 1));
        let report = build_both(cached, whole);
        assert_eq!(report.index, IndexMade::Whole, "{what}: the note was used");

        edit_all(
            [cached, whole],
            RECORD,
            "  - name: \"",
            "  - name: \"(sửa) ",
        );
        let next = build_both(cached, whole);
        assert_eq!(
            next.index,
            IndexMade::Updated,
            "{what}: the note was not written anew"
        );
    }
}

#[test]
fn a_taken_page_whose_link_lost_its_target_fails_the_build() {
    let dir = example();
    let root = dir.path();
    replace(
        root,
        "content/pages/gioi-thieu.md",
        "## Nội dung lấy từ đâu?",
        "Ví dụ: [gia hạn tạm trú](../../thu-tuc/1-002755-gia-han-tam-tru/).\n\n## Nội dung lấy từ đâu?",
    );
    build_site(root, true);
    // The free page is taken as it was; the page it links to is gone.
    std::fs::remove_file(root.join(RECORD)).unwrap();
    let _ = std::fs::remove_file(root.join(CACHE_DIR).join("unchanged"));
    let failure = build(root, &BuildOptions::default()).expect_err("the build passed");
    let said = format!("{:?}", failure.diagnostics);
    assert!(
        said.contains("gioi-thieu.md") && said.contains("1-002755-gia-han-tam-tru"),
        "{said}"
    );
}

#[test]
fn a_record_s_pages_follow_what_they_show_of_the_offices_and_of_other_records() {
    const TACH_HO: &str = "content/procedures/1-010038-tach-ho.md";
    let (with, without) = (example(), example());
    let (cached, whole) = (with.path(), without.path());
    let both = [cached, whole];
    build_both(cached, whole);

    // The office the page tells citizens to go to.
    edit_all(
        both,
        "content/offices.yaml",
        "0200 3 000 113",
        "0200 3 999 113",
    );
    let report = build_both(cached, whole);
    assert!(page(cached, PAGE).contains("0200 3 999 113"));
    // Only the pages of the records at that office (12 of 62) are made again.
    let rendered_again = all_but_search(&report) - report.reused;
    assert!(
        (24..62).contains(&rendered_again),
        "{rendered_again} pages rendered again"
    );

    // A related record's title, shown as the link's label.
    edit_all(
        both,
        RECORD,
        "\ntitle: ",
        "\nrelated:\n  - \"1.010038\"\ntitle: ",
    );
    build_both(cached, whole);
    edit_all(
        both,
        TACH_HO,
        "title: \"Tách hộ\"",
        "title: \"Tách hộ gia đình\"",
    );
    build_both(cached, whole);
    assert!(page(cached, PAGE).contains("Tách hộ gia đình"));

    // The record that replaces it, by title.
    const XAC_NHAN: &str = "content/procedures/1-010041-xac-nhan-thong-tin-ve-cu-tru.md";
    edit_all(
        both,
        RECORD,
        "\ntitle: ",
        "\nstatus: replaced\nreplaced_by: \"1.010041\"\ntitle: ",
    );
    build_both(cached, whole);
    edit_all(both, XAC_NHAN, "title: \"Xác nhận", "title: \"Cấp xác nhận");
    build_both(cached, whole);
    assert!(page(cached, PAGE).contains("Cấp xác nhận thông tin về cư trú"));

    // The field's label, told from every record that writes it (the record's
    // list line carries it): the other record written with diacritics relabels
    // this one's field.
    let field = "field: \"Đăng ký, quản lý cư trú\"";
    edit_all(both, RECORD, field, "field: \"Cu tru moi\"");
    build_both(cached, whole);
    edit_all(both, TACH_HO, field, "field: \"Cư trú mới\"");
    build_both(cached, whole);
    let shown = page(cached, PAGE);
    assert!(shown.contains("Cư trú mới") && !shown.contains("Cu tru moi"));
}

const CSV: &str = "data/procedures.csv";
const JSON_LD: &str = "data/cpsv-ap.jsonld";

#[test]
fn catalogue_lines_taken_from_the_last_build_follow_their_record_the_strings_and_the_publisher() {
    let (with, without) = (example(), example());
    let (cached, whole) = (with.path(), without.path());
    let both = [cached, whole];
    build_both(cached, whole);

    // Each is in the CSV or JSON-LD lines of records that did not change.
    let edits = [
        (RECORD, "amount: 5000", "amount: 7000", CSV, "7000"),
        (
            "themes/default/i18n/vi.yaml",
            "commune: \"Cấp xã\"",
            "commune: \"Cấp phường, xã\"",
            CSV,
            "Cấp phường, xã",
        ),
        (
            "sotay.yaml",
            "name: \"Ủy ban nhân dân phường An Bình (bản ví dụ)\"",
            "name: \"UBND phường An Bình\"",
            JSON_LD,
            "UBND phường An Bình",
        ),
    ];
    for (file, from, to, data, shown) in edits {
        edit_all(both, file, from, to);
        build_both(cached, whole);
        assert!(page(cached, data).contains(shown), "{data} lacks {shown:?}");
    }

    // A catalogue file changed by hand is not where lines are taken from.
    for data in [CSV, JSON_LD] {
        let written = page(cached, data);
        std::fs::write(
            cached.join("public").join(data),
            written.replace("Hộ tịch", "Hộ tịch (sửa tay)"),
        )
        .unwrap();
        edit_all(both, RECORD, "  - name: \"", "  - name: \"(sửa) ");
        build_both(cached, whole);
        assert!(!page(cached, data).contains("sửa tay"), "{data}");
    }
}

#[test]
fn a_damaged_cut_or_foreign_catalogue_or_catalogue_lines_note_is_ignored() {
    for note in ["catalogue", "catalogue-lines"] {
        let (with, without) = (example(), example());
        let (cached, whole) = (with.path(), without.path());
        // The second build, which has a previous one, notes the catalogue.
        build_both(cached, whole);
        build_both(cached, whole);
        let file = cached.join(CACHE_DIR).join(note);
        let sound = std::fs::read(&file).expect("the note was written");
        for (round, (what, bytes)) in spoilt_notes(&sound).into_iter().enumerate() {
            std::fs::write(&file, &bytes).unwrap();
            let fee = |n: usize| format!("amount: {}", 5000 + 1000 * n);
            edit_all([cached, whole], RECORD, &fee(round), &fee(round + 1));
            build_both(cached, whole);
            assert_ne!(
                std::fs::read(&file).unwrap(),
                bytes,
                "{note}, {what}: not written anew"
            );
        }
    }
}

#[test]
fn open_data_taken_from_the_last_catalogue_follows_the_offices_and_the_site_s_address() {
    const DATA: &str = "thu-tuc/1-002755-gia-han-tam-tru/index.json";
    const CATALOGUE: &str = "data/procedures.json";
    let (with, without) = (example(), example());
    let (cached, whole) = (with.path(), without.path());
    let both = [cached, whole];
    // The second build notes what each record's open data was made from; the next
    // ones take the JSON of each record whose data is made from the same.
    build_both(cached, whole);
    build_both(cached, whole);

    // What the record's open data shows of its office and of the site, then of
    // the record itself.
    let edits = [
        (
            "content/offices.yaml",
            "address: \"Số 5 đường Trung Tâm",
            "address: \"Số 7 đường Trung Tâm",
            "Số 7 đường Trung Tâm",
        ),
        (
            "sotay.yaml",
            "portal_url: ",
            "base_url: \"https://anbinh.example.vn/so-tay/\"\nportal_url: ",
            "https://anbinh.example.vn/so-tay/thu-tuc/1-002755-gia-han-tam-tru/",
        ),
        (
            RECORD,
            "amount: 5000",
            "amount: 7000",
            "\"fee_amount\":7000",
        ),
    ];
    for (file, from, to, shown) in edits {
        edit_all(both, file, from, to);
        build_both(cached, whole);
        for data in [DATA, CATALOGUE] {
            assert!(page(cached, data).contains(shown), "{data} lacks {shown:?}");
        }
    }
}
