//! The procedure page of every real record, read as a citizen reads it: the fee shown
//! is the one the record states, the checklist is clean, steps are a list, headings
//! make an outline. The expectations are computed from the record files directly, not
//! with sotay's own helpers.

mod common;

use common::{Page, TestSite};
use sotay::model::record::Record;
use sotay::text::fold;

fn built_corpus() -> (TestSite, Vec<Record>) {
    let site = TestSite::shared();
    site.build_ok();
    let records = site.load().records().to_vec();
    assert!(records.len() >= 800, "{} records", records.len());
    (site, records)
}

fn page_of(site: &TestSite, record: &Record) -> Page {
    site.page(&format!("thu-tuc/{}/index.html", record.slug))
}

/// A money amount in folded text: digits, then a currency word.
fn names_an_amount(folded: &str) -> bool {
    let bytes = folded.as_bytes();
    (0..bytes.len()).any(|i| {
        bytes[i].is_ascii_digit()
            && ["dong", "vnd", "usd", "d/"]
                .iter()
                .any(|w| folded[i + 1..].trim_start().starts_with(w))
    })
}

fn says_free(text: &str) -> bool {
    let folded = fold(text);
    folded.contains("mien phi") || folded.contains("mien le phi") || folded == "free"
}

#[test]
fn real_records_read_right_on_their_pages() {
    let (site, records) = built_corpus();
    let mut free_shown = 0;
    let mut free_withheld = 0;
    let mut notes = 0;
    let mut step_lists = 0;
    for record in &records {
        let page = page_of(&site, record);
        let at = record.file.display();

        // Fees: a card per channel, in the record's order.
        let fees = page.texts(".channel-card .fee");
        assert_eq!(fees.len(), record.channels.len(), "{at}");
        for (shown, channel) in fees.iter().zip(&record.channels) {
            if !says_free(shown) {
                continue;
            }
            let text = channel.fee.as_ref().map(|f| f.text.as_str()).unwrap_or("");
            let note = fold(channel.note.as_deref().unwrap_or(""));
            assert!(says_free(text), "{at}: shows {shown:?} for {text:?}");
            // A note that names the council or an amount contradicts "free".
            let head = note.split(')').next().unwrap_or("");
            let council = note.contains("hoi dong nhan dan")
                && (note.contains("phi")
                    || (note.starts_with('(') && head.contains("hoi dong nhan dan")));
            assert!(
                !council && !names_an_amount(head),
                "{at}: shows {shown:?} but the note says {note:?}"
            );
            free_shown += 1;
        }
        free_withheld += record
            .channels
            .iter()
            .zip(&fees)
            .filter(|(c, shown)| {
                c.fee.as_ref().is_some_and(|f| says_free(&f.text)) && !says_free(shown)
            })
            .count();

        // The checklist: no crawl markers, notes not ticked or counted.
        for name in page.texts(".documents .doc-name") {
            assert!(
                !name.starts_with(['-', '+', '*', '•', ' ']),
                "{at}: checklist item {name:?}"
            );
        }
        for heading in page.texts(".documents h3.case") {
            assert!(!heading.starts_with(['*', '-', '+']), "{at}: {heading:?}");
        }
        let ticked = page.count(".documents .checklist > li");
        if ticked > 0 {
            assert_eq!(
                page.text(".documents h2 .count"),
                format!("({ticked} giấy tờ)"),
                "{at}: the count counts top-level documents only"
            );
        }
        let ticked_notes = page.texts(".documents .checklist .doc-note");
        assert!(
            ticked_notes.is_empty(),
            "{at}: notes in the checklist: {ticked_notes:?}"
        );
        for document in &record.documents {
            let case = fold(document.case.as_deref().unwrap_or(""));
            if case.trim_start_matches(['*', ' ']).starts_with("luu y") {
                let name = fold(document.name.trim_start_matches(['-', '+', ' ']));
                let prefix: String = name.chars().take(40).collect();
                let in_checklist = page
                    .texts(".documents .checklist .doc-name")
                    .iter()
                    .any(|n| fold(n).starts_with(&prefix));
                assert!(!in_checklist, "{at}: guidance ticked as a document: {name}");
                notes += 1;
            }
        }

        // Steps: one list item per "Bước N" that starts a line.
        let step_lines = record
            .body
            .lines()
            .filter(|l| {
                let l = l.trim_start_matches(|c: char| c.is_whitespace() || "-+*•".contains(c));
                let l = match l.split_once(')') {
                    Some((head, rest)) if head.chars().count() <= 2 => rest.trim_start(),
                    _ => l,
                };
                l.strip_prefix("Bước")
                    .is_some_and(|r| r.trim_start().starts_with(|c: char| c.is_ascii_digit()))
            })
            .count();
        if step_lines >= 2 {
            assert_eq!(
                page.count(".prose ol.steps > li"),
                step_lines,
                "{at}: steps as list items"
            );
            step_lists += 1;
        }

        // Headings: one h1, and no level skipped on the way down.
        assert_eq!(page.count("h1"), 1, "{at}");
        let levels: Vec<u8> = page
            .html
            .select(
                &scraper::Selector::parse("main h1, main h2, main h3, main h4, main h5, main h6")
                    .unwrap(),
            )
            .map(|h| h.value().name()[1..].parse().unwrap())
            .collect();
        for pair in levels.windows(2) {
            assert!(
                pair[1] <= pair[0] + 1,
                "{at}: h{} after h{}",
                pair[1],
                pair[0]
            );
        }
        if record.body.contains("## Trình tự thực hiện") {
            assert!(
                page.texts("main h2")
                    .iter()
                    .any(|h| h == "Trình tự thực hiện"),
                "{at}: the steps are a section of the page"
            );
        }
    }
    // The corpus has each of these: the checks above did run on them.
    assert!(free_shown > 500, "{free_shown}");
    assert!(free_withheld > 50, "{free_withheld}");
    assert!(notes > 100, "{notes}");
    assert!(step_lists > 200, "{step_lists}");
}

#[test]
fn lists_show_the_fee_of_every_channel() {
    let site = TestSite {
        dir: common::example(),
    };
    site.build_ok();
    let list = site.page("linh-vuc/dang-ky-quan-ly-cu-tru/index.html");
    let line = list
        .texts(".procedures > li")
        .into_iter()
        .find(|l| l.starts_with("Tách hộ"))
        .expect("Tách hộ is listed");
    assert!(line.contains("5.000 – 10.000 đồng"), "{line}");
}

#[test]
fn the_summary_answers_before_you_go() {
    let site = TestSite {
        dir: common::example(),
    };
    site.build_ok();
    let page = site.page("thu-tuc/1-010038-tach-ho/index.html");
    assert_eq!(
        page.texts(".before .fact-fee .fact-line .fee"),
        ["10.000 đồng", "5.000 đồng"]
    );
    assert_eq!(
        page.texts(".before .fact-fee .fact-channels"),
        ["Trực tiếp:", "Trực tuyến:"]
    );
    assert!(
        page.text(".before .fact-fee .condition")
            .contains("10.000 đồng/lần")
    );
    assert_eq!(page.attrs(".before a.tel", "href"), ["tel:02003000113"]);
    assert_eq!(page.text(".before .time"), "5 ngày làm việc");
    assert_eq!(
        page.text(".before .fact-documents dd"),
        "3 giấy tờ chia theo 2 nhóm"
    );
    assert_eq!(
        page.attrs(".before .contents a", "href"),
        [
            "#ho-so",
            "#cach-thuc",
            "#noi-nop",
            "#trinh-tu-thuc-hien",
            "#dieu-kien",
            "#can-cu"
        ]
    );
    // Every jump link lands on something.
    for href in page.attrs(".before .contents a", "href") {
        assert_eq!(page.count(&format!("[id='{}']", &href[1..])), 1, "{href}");
    }
    // The breadcrumb does not repeat the title the h1 shows.
    assert_eq!(
        page.texts(".breadcrumbs li"),
        ["Trang chủ", "Đăng ký, quản lý cư trú"]
    );
    assert_eq!(page.attrs(".to-top", "href"), ["#main"]);
}

#[test]
fn a_field_typed_without_diacritics_does_not_rename_it() {
    let site = TestSite::new();
    let with_field = |code: &str, title: &str, field: &str| {
        common::record(code, title).replace("field: \"Hộ tịch\"", &format!("field: \"{field}\""))
    };
    site.record("a.md", &with_field("1.1", "Đăng ký khai sinh", "Hộ tịch"));
    site.record("b.md", &with_field("1.2", "Đăng ký kết hôn", "Hộ tịch"));
    // First in A–Z order, so it used to name the field for everyone.
    site.record(
        "c.md",
        &with_field("1.3", "Cấp bản sao trích lục", "Ho tich"),
    );
    site.build_ok();
    let page = site.page("thu-tuc/c/index.html");
    assert_eq!(page.texts(".breadcrumbs li")[1], "Hộ tịch");
    let list = site.page("linh-vuc/ho-tich/index.html");
    assert_eq!(list.text("h1"), "Lĩnh vực: Hộ tịch");
    assert_eq!(list.count(".procedures > li"), 3);
    let check = site.check_output();
    assert!(
        check.contains(
            "cảnh báo: lĩnh vực `Ho tich` được hiển thị là `Hộ tịch`, như 2 hồ sơ khác đang viết"
        ),
        "{check}"
    );
    assert!(check.contains("--> content/procedures/c.md:4:8"), "{check}");
}

#[test]
fn check_warns_when_a_record_says_nowhere_to_go() {
    let site = TestSite::new();
    let record = common::record("1.1", "Đăng ký khai sinh");
    site.record("a.md", &record);
    site.record(
        "b.md",
        &common::record("1.2", "Kết hôn")
            .replace("submission_address: \"Bộ phận Một cửa UBND xã\"\n", ""),
    );
    let check = site.check_output();
    assert!(
        check.contains("cảnh báo: hồ sơ này chưa cho biết nộp ở đâu"),
        "{check}"
    );
    assert!(check.contains("--> content/procedures/b.md"), "{check}");
    assert!(!check.contains("content/procedures/a.md"), "{check}");
}

/// A record with an online channel but no `online:` level.
fn online_without_level() -> String {
    common::record("1.5", "Đăng ký thường trú").replace(
        "    fee: \"Miễn phí\"\n",
        "    fee: \"Miễn phí\"\n  - via: online\n    time: \"5 ngày làm việc\"\n    fee: \"Miễn phí\"\n",
    )
}

#[test]
fn an_online_channel_without_a_stated_level_never_reads_in_person() {
    let site = TestSite::new();
    site.record("a.md", &online_without_level());
    site.record("b.md", &common::record("1.6", "Khai sinh"));
    site.build_ok();
    let page = site.page("thu-tuc/a/index.html");
    assert_eq!(page.text(".before .badge"), "Chưa công bố mức độ");
    assert!(!page.text(".fact-online").contains("Chỉ nộp trực tiếp"));
    // Without an online channel, the channels say it: in person.
    let page = site.page("thu-tuc/b/index.html");
    assert_eq!(page.text(".before .badge"), "Trực tiếp");
    let list = site.page("truc-tuyen/unstated/index.html");
    assert_eq!(list.count(".procedures > li"), 1);
}

#[test]
fn check_warns_when_the_level_and_the_channels_disagree() {
    let site = TestSite::new();
    site.record(
        "none.md",
        &online_without_level().replace("levels: [commune]", "levels: [commune]\nonline: none"),
    );
    site.record(
        "full.md",
        &common::record("1.7", "Khai tử").replace(
            "levels: [commune]",
            "levels: [commune]\nonline: full\nportal_url: \"https://dichvucong.gov.vn/x\"",
        ),
    );
    let check = site.check_output();
    assert!(
        check.contains("ghi `online: none` nhưng có cách nộp `via: online`"),
        "{check}"
    );
    assert!(
        check.contains("--> content/procedures/none.md:6:9"),
        "{check}"
    );
    assert!(
        check.contains("thủ tục được ghi là có trực tuyến, nhưng không có cách nộp `via: online`"),
        "{check}"
    );
    assert!(
        check.contains("--> content/procedures/full.md:6:9"),
        "{check}"
    );
}
