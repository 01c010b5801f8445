//! What changed: a build after three edits tells exactly those three, field by field,
//! on the changes page, in its Atom feed and on each page; a wording-only edit is not
//! told; the log carries on from build to build; `changes --since` compares with git.

mod common;

use std::path::Path;

use common::TestSite;
use sotay::build::BuildReport;
use sotay::model::record::Date;

fn example() -> TestSite {
    TestSite {
        dir: common::example(),
    }
}

fn edit(site: &TestSite, record: &str, from: &str, to: &str) {
    let path = site.root().join("content/procedures").join(record);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{record} has {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

const TACH_HO: &str = "1-010038-tach-ho.md";
const KHAI_TU: &str = "1-000656-thu-tuc-dang-ky-khai-tu.md";
const KET_HON: &str = "1-000894-thu-tuc-dang-ky-ket-hon.md";
const NHAN_CHA_ME: &str = "1-001022-thu-tuc-dang-ky-nhan-cha-me-con.md";

/// Tách hộ's fee in person, 10.000 → 8.000 đồng.
fn lower_tach_ho_fee(site: &TestSite) {
    edit(
        site,
        TACH_HO,
        "text: \"10,000 Việt Nam Đồng\"\n      kind: fixed\n      amount: 10000",
        "text: \"8,000 Việt Nam Đồng\"\n      kind: fixed\n      amount: 8000",
    );
}

/// A residence certificate added to kết hôn's documents.
fn add_a_document_to_ket_hon(site: &TestSite) {
    edit(
        site,
        KET_HON,
        "documents:\n",
        "documents:\n  - name: \"Giấy xác nhận cư trú\"\n    originals: 1\n",
    );
}

/// Each change a build told, as its code and kind, in code order.
fn told(report: &BuildReport) -> Vec<(&str, &str)> {
    let mut told: Vec<(&str, &str)> = report
        .changes
        .iter()
        .map(|e| (e.code.as_str(), e.kind.as_str()))
        .collect();
    told.sort();
    told
}

/// A fee, a document and a title changed; another record's title re-spaced and
/// re-punctuated.
fn three_edits(site: &TestSite) {
    lower_tach_ho_fee(site);
    add_a_document_to_ket_hon(site);
    edit(
        site,
        KHAI_TU,
        "title: \"Thủ tục đăng ký khai tử\"",
        "title: \"Đăng ký khai tử\"",
    );
    edit(
        site,
        NHAN_CHA_ME,
        "title: \"Thủ tục đăng ký nhận cha, mẹ, con\"",
        "title: \"Thủ tục đăng ký  nhận cha, mẹ,con.\"",
    );
}

#[test]
fn a_second_build_tells_exactly_the_three_changes() {
    let site = example();
    let first = site.build_ok();
    assert!(
        first.changes.is_empty(),
        "a first build has nothing to compare with"
    );
    let page = site.page("thay-doi/index.html");
    assert_eq!(page.count("li.change"), 0);
    // An empty feed is dated by the records, not by the day it was built.
    let feed = std::fs::read_to_string(site.root().join("public/thay-doi/atom.xml")).unwrap();
    let newest = site
        .load()
        .records()
        .iter()
        .filter_map(|r| r.updated)
        .max()
        .unwrap();
    assert!(
        feed.contains(&format!("<updated>{}T00:00:00Z</updated>", newest.iso())),
        "{feed}"
    );
    assert!(page.text("main").contains("Chưa có thay đổi nào"));

    three_edits(&site);
    let second = site.build_ok();
    let mut codes: Vec<&str> = second.changes.iter().map(|e| e.code.as_str()).collect();
    codes.sort();
    assert_eq!(codes, ["1.000656", "1.000894", "1.010038"]);

    let page = site.page("thay-doi/index.html");
    let today = Date::today().to_string();
    assert_eq!(page.texts("main h2"), std::slice::from_ref(&today));
    let mut items = page.texts("li.change .change-items li");
    items.sort();
    assert_eq!(
        items,
        [
            "Phí, lệ phí: 5.000 – 10.000 đồng → 5.000 – 8.000 đồng",
            "Thêm giấy tờ: Giấy xác nhận cư trú",
            "Tên thủ tục: Thủ tục đăng ký khai tử → Đăng ký khai tử",
        ]
    );
    let heads = page.texts("li.change .change-head");
    assert_eq!(heads.len(), 3);
    assert!(
        heads.iter().any(|h| h == "Thay đổi: Tách hộ (1.010038)"),
        "{heads:?}"
    );
    assert!(
        !page.text("main").contains("nhận cha, mẹ"),
        "a re-spacing is no change"
    );

    // Each changed page says what changed last, and when.
    let tach_ho = site.page("thu-tuc/1-010038-tach-ho/index.html");
    assert!(tach_ho.text(".last-change").contains(&today));
    assert_eq!(
        tach_ho.texts(".last-change li"),
        ["Phí, lệ phí: 5.000 – 10.000 đồng → 5.000 – 8.000 đồng"]
    );
    // The first screen says so, linking to what changed.
    assert_eq!(
        tach_ho.text(".before .changed-since a"),
        format!("Thông tin thay đổi ngày {today}")
    );
    assert_eq!(
        tach_ho.attrs(".before .changed-since a", "href"),
        ["#thay-doi-gan-nhat"]
    );
    let unchanged = site.page("thu-tuc/1-001022-thu-tuc-dang-ky-nhan-cha-me-con/index.html");
    assert_eq!(unchanged.count(".last-change, .changed-since"), 0);

    // The feed: valid XML in the Atom namespace, one entry per change, tag: ids
    // (the example has no base_url) and links that lead to the pages.
    let xml = std::fs::read_to_string(site.root().join("public/thay-doi/atom.xml")).unwrap();
    let feed = roxmltree::Document::parse(&xml).expect("the feed is well-formed XML");
    let root = feed.root_element();
    assert_eq!(root.tag_name().name(), "feed");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    for required in ["id", "title", "updated", "author"] {
        assert!(
            root.children().any(|c| c.tag_name().name() == required),
            "{required}"
        );
    }
    let entries: Vec<_> = root
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    assert_eq!(entries.len(), 3);
    let mut ids = Vec::new();
    for entry in &entries {
        let child = |name: &str| {
            entry
                .children()
                .find(|c| c.tag_name().name() == name)
                .unwrap_or_else(|| panic!("entry without {name}"))
        };
        let id = child("id").text().unwrap();
        assert!(id.starts_with("tag:anbinh.example.vn,"), "{id}");
        ids.push(id.to_string());
        let href = child("link").attribute("href").unwrap();
        let page = site.root().join("public/thay-doi").join(href);
        assert!(page.exists(), "{href}");
        assert!(child("updated").text().unwrap().ends_with("T00:00:00Z"));
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3);
    let fee = entries
        .iter()
        .find(|e| {
            e.descendants()
                .any(|d| d.text() == Some("Thay đổi: Tách hộ (1.010038)"))
        })
        .expect("the fee change is in the feed");
    let content = fee
        .children()
        .find(|c| c.tag_name().name() == "content")
        .unwrap();
    assert_eq!(
        content.text(),
        Some("Phí, lệ phí: 5.000 – 10.000 đồng → 5.000 – 8.000 đồng")
    );

    // A third build with nothing edited tells nothing new and keeps the three.
    let third = site.build_ok();
    assert!(third.changes.is_empty());
    assert_eq!(site.page("thay-doi/index.html").count("li.change"), 3);
}

#[test]
fn a_site_with_base_url_links_its_feed_absolutely() {
    let site = example();
    let config = std::fs::read_to_string(site.root().join("sotay.yaml")).unwrap();
    std::fs::write(
        site.root().join("sotay.yaml"),
        format!("{config}base_url: \"https://thutuc.anbinh.example.vn/so-tay\"\n"),
    )
    .unwrap();
    site.build_ok();
    edit(
        &site,
        KHAI_TU,
        "title: \"Thủ tục đăng ký khai tử\"",
        "title: \"Đăng ký khai tử\"\nchange_note: \"Tên thủ tục được rút gọn theo Quyết định mới.\"",
    );
    let report = site.build_ok();
    assert_eq!(report.changes.len(), 1);
    assert_eq!(
        report.changes[0].note.as_deref(),
        Some("Tên thủ tục được rút gọn theo Quyết định mới.")
    );
    let xml = std::fs::read_to_string(site.root().join("public/thay-doi/atom.xml")).unwrap();
    let feed = roxmltree::Document::parse(&xml).unwrap();
    let links: Vec<&str> = feed
        .descendants()
        .filter(|n| n.tag_name().name() == "link")
        .filter_map(|n| n.attribute("href"))
        .collect();
    assert!(links.contains(&"https://thutuc.anbinh.example.vn/so-tay/thay-doi/atom.xml"));
    assert!(links.contains(
        &"https://thutuc.anbinh.example.vn/so-tay/thu-tuc/1-000656-thu-tuc-dang-ky-khai-tu/"
    ));
    let id = feed
        .descendants()
        .find(|n| n.tag_name().name() == "entry")
        .and_then(|e| e.children().find(|c| c.tag_name().name() == "id"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(id.starts_with("tag:thutuc.anbinh.example.vn,"), "{id}");
    assert!(xml.contains("Tên thủ tục được rút gọn theo Quyết định mới."));
    // The note is told once: the next build, with the note still in the record, is quiet.
    assert!(site.build_ok().changes.is_empty());
}

#[test]
fn a_build_tells_a_procedure_added_and_one_removed_even_beside_one_published_in_a_form_it_cannot_read()
 {
    let site = example();
    site.build_ok();
    let procedures = site.root().join("content/procedures");
    let khai_tu = std::fs::read_to_string(procedures.join(KHAI_TU)).unwrap();
    std::fs::write(
        procedures.join("9-999999-thu-tuc-thu-nghiem.md"),
        khai_tu
            .replacen("code: \"1.000656\"", "code: \"9.999999\"", 1)
            .replacen(
                "title: \"Thủ tục đăng ký khai tử\"",
                "title: \"Thủ tục thử nghiệm\"",
                1,
            ),
    )
    .unwrap();
    std::fs::remove_file(procedures.join(TACH_HO)).unwrap();
    add_a_document_to_ket_hon(&site);
    // The last catalogue has kết hôn in a form this version does not read (a
    // field of another type, as an older or newer sotay might have written).
    let catalogue = site.root().join("public/data/procedures.json");
    let json = std::fs::read_to_string(&catalogue).unwrap();
    let at = json
        .find("{\"code\":\"1.000894\"")
        .expect("kết hôn is published");
    let field = at + json[at..].find("\"incomplete\":false").unwrap();
    let json = format!(
        "{}\"incomplete\":\"no\"{}",
        &json[..field],
        &json[field + "\"incomplete\":false".len()..]
    );
    std::fs::write(&catalogue, json).unwrap();

    let second = site.build_ok();
    let told = told(&second);
    assert_eq!(told, [("1.010038", "removed"), ("9.999999", "new")]);
    let page = site.page("thay-doi/index.html").text("main");
    assert!(
        page.contains("Thủ tục không còn trong sổ tay: Tách hộ"),
        "{page}"
    );
    assert!(page.contains("Thủ tục thử nghiệm"), "{page}");
}

#[test]
fn a_catalogue_put_back_from_a_backup_is_compared_as_it_is_not_as_the_last_build_noted() {
    let site = example();
    site.build_ok();
    let catalogue = site.root().join("public/data/procedures.json");
    let backup = std::fs::read(&catalogue).unwrap();
    lower_tach_ho_fee(&site);
    let second = site.build_ok();
    assert_eq!(second.changes.len(), 1);
    // The build noted where each procedure is in the catalogue it wrote; the web
    // admin then puts back the one from before the edit (a new file, as a copy is).
    let restored = catalogue.with_extension("restored");
    std::fs::write(&restored, &backup).unwrap();
    std::fs::rename(&restored, &catalogue).unwrap();
    add_a_document_to_ket_hon(&site);

    let third = site.build_ok();
    let told = told(&third);
    // The fee is told again: the catalogue published now still has the old one.
    assert_eq!(told, [("1.000894", "changed"), ("1.010038", "changed")]);
    let fee = third.changes.iter().find(|e| e.code == "1.010038").unwrap();
    assert_eq!(
        fee.items,
        ["Phí, lệ phí: 5.000 – 10.000 đồng → 5.000 – 8.000 đồng"]
    );
}

#[test]
fn a_catalogue_with_codes_after_other_fields_is_still_compared_procedure_by_procedure() {
    let site = example();
    site.build_ok();
    // Another writer (an older sotay, a script) may put each code later.
    let catalogue = site.root().join("public/data/procedures.json");
    let json = std::fs::read_to_string(&catalogue).unwrap();
    let moved = json.replace("{\"code\":", "{\"elsewhere\":1,\"code\":");
    assert_ne!(moved, json);
    std::fs::write(&catalogue, moved).unwrap();
    add_a_document_to_ket_hon(&site);

    let second = site.build_ok();
    let told = told(&second);
    assert_eq!(told, [("1.000894", "changed")]);
}

fn git(root: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "user.email=staff@example.vn", "-c", "user.name=Staff"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn changes_since_a_revision_reads_the_records_there_with_git() {
    let site = example();
    git(site.root(), &["init", "-q"]);
    git(site.root(), &["add", "-A"]);
    git(site.root(), &["commit", "-qm", "published"]);
    git(site.root(), &["tag", "v1"]);
    three_edits(&site);
    std::fs::remove_file(site.root().join("content/procedures").join(TACH_HO)).unwrap();
    git(site.root(), &["commit", "-qam", "edits"]);
    // No output folder at all: a fresh checkout in CI.
    let options = sotay::build::BuildOptions {
        since: Some("v1".into()),
        ..Default::default()
    };
    let report = sotay::build::build(site.root(), &options).unwrap();
    let mut told: Vec<(String, String)> = report
        .changes
        .iter()
        .map(|e| (e.code.clone(), e.kind.clone()))
        .collect();
    told.sort();
    assert_eq!(
        told,
        [
            ("1.000656".to_string(), "changed".to_string()),
            ("1.000894".to_string(), "changed".to_string()),
            ("1.010038".to_string(), "removed".to_string()),
        ]
    );
    let page = site.page("thay-doi/index.html");
    assert!(
        page.text("main")
            .contains("Thủ tục không còn trong sổ tay: Tách hộ")
    );

    let options = sotay::build::BuildOptions {
        since: Some("no-such-tag".into()),
        ..Default::default()
    };
    let failure = sotay::build::build(site.root(), &options).unwrap_err();
    let said = sotay::diagnostics::render(
        &failure.diagnostics,
        sotay::diagnostics::Format::Human,
        failure.language,
    );
    assert!(
        said.contains("không đọc được sổ tay ở phiên bản này"),
        "{said}"
    );
    // git's own words name the revision it could not find.
    assert!(said.contains("no-such-tag"), "{said}");
}

#[test]
fn a_page_taken_from_the_last_build_still_tells_the_change_since_the_revision_asked() {
    let site = example();
    let fee = |amount: &str| {
        format!(
            "text: \"{amount} Việt Nam Đồng\"\n      kind: fixed\n      amount: {}",
            amount.replace(',', "")
        )
    };
    git(site.root(), &["init", "-q"]);
    edit(&site, TACH_HO, &fee("10,000"), &fee("12,000"));
    git(site.root(), &["add", "-A"]);
    git(site.root(), &["commit", "-qm", "older fee"]);
    git(site.root(), &["tag", "v0"]);
    edit(&site, TACH_HO, &fee("12,000"), &fee("10,000"));
    git(site.root(), &["commit", "-qam", "published"]);
    git(site.root(), &["tag", "v1"]);
    edit(&site, TACH_HO, &fee("10,000"), &fee("8,000"));
    git(site.root(), &["commit", "-qam", "new fee"]);

    let since = |revision: &str| {
        let options = sotay::build::BuildOptions {
            since: Some(revision.into()),
            ..Default::default()
        };
        sotay::build::build(site.root(), &options).unwrap();
        site.page("thu-tuc/1-010038-tach-ho/index.html")
            .texts(".last-change li")
    };
    assert_eq!(
        since("v1"),
        ["Phí, lệ phí: 5.000 – 10.000 đồng → 5.000 – 8.000 đồng"]
    );
    // The record is as the last build read it; what changed since is not.
    assert_eq!(
        since("v0"),
        ["Phí, lệ phí: 5.000 – 12.000 đồng → 5.000 – 8.000 đồng"]
    );
}
