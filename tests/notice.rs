//! The printed notice (niêm yết) beside each procedure page: what the one-stop
//! office pins on its board, with a QR code a phone can scan back to the page.

mod common;

use common::TestSite;

const BASE: &str = "https://thutuc.anbinh.example.gov.vn";
const TACH_HO: &str = "thu-tuc/1-010038-tach-ho";

/// The example handbook, published at [`BASE`].
fn published_example() -> TestSite {
    published_example_at(BASE)
}

fn published_example_at(base: &str) -> TestSite {
    let site = TestSite {
        dir: common::example(),
    };
    let config = std::fs::read_to_string(site.root().join("sotay.yaml")).unwrap();
    site.write("sotay.yaml", format!("base_url: \"{base}\"\n{config}"));
    site
}

/// What a phone reads from the notice's QR code: the SVG's modules drawn as pixels
/// and decoded by a QR reader that knows nothing of how sotay drew them.
fn scan(svg: &str) -> String {
    let size: usize = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a square viewBox");
    let path = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a path of modules");
    let mut dark = vec![false; size * size];
    // Each piece is a rectangle one module high: `M{x} {y}h{width}v1h-{width}z`.
    for piece in path.split('M').filter(|m| !m.is_empty()) {
        let (xy, rest) = piece.split_once('h').unwrap();
        let (x, y) = xy.split_once(' ').unwrap();
        let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        let run: usize = rest.split('v').next().unwrap().parse().unwrap();
        for dx in 0..run {
            dark[y * size + x + dx] = true;
        }
    }
    let scale = 4;
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(size * scale, size * scale, |x, y| {
            if dark[(y / scale) * size + x / scale] {
                0
            } else {
                255
            }
        });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("a readable QR code").1
}

#[test]
fn each_procedure_has_a_notice_whose_qr_code_leads_to_its_page() {
    // Published in a subfolder, as many municipalities host it.
    let base = format!("{BASE}/so-tay");
    let site = published_example_at(&base);
    site.build_ok();
    let page = site.page(&format!("{TACH_HO}/index.html"));
    assert_eq!(
        page.attrs("a[href='niem-yet/index.html']", "href").len(),
        1,
        "the procedure page links to its notice"
    );
    assert_eq!(
        page.text("a[href='niem-yet/index.html']"),
        "In bản niêm yết"
    );

    let notice = site.page(&format!("{TACH_HO}/niem-yet/index.html"));
    assert_eq!(notice.text("h1"), "Tách hộ");
    let rows = notice.texts(".notice-table tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let cells = notice.texts(".notice-table tbody tr:first-child > *");
    assert_eq!(cells[..2], ["Trực tiếp", "5 ngày làm việc"], "{cells:?}");
    assert!(cells[2].starts_with("10.000 đồng"), "{cells:?}");
    // The fee's own condition is printed in full.
    assert!(
        rows[1].contains("qua cổng dịch vụ công trực tuyến"),
        "{rows:?}"
    );
    assert_eq!(notice.count(".notice-checklist > li"), 3);
    assert!(
        notice
            .text(".notice-office")
            .contains("Công an phường An Bình")
    );
    assert!(notice.text(".notice-foot").contains("Cập nhật 15/11/2026"));
    let url = format!("{base}/{TACH_HO}/");
    assert_eq!(scan(&notice.source), url);
    assert_eq!(
        notice.text(".notice-url"),
        url.trim_start_matches("https://")
    );
}

#[test]
fn without_base_url_notices_have_no_qr_code_and_check_says_so_once() {
    let site = TestSite {
        dir: common::example(),
    };
    let report = site.build_ok();
    let notice = site.page(&format!("{TACH_HO}/niem-yet/index.html"));
    assert_eq!(notice.count("svg.qr"), 0);
    assert_eq!(notice.text("h1"), "Tách hộ");
    let said: Vec<_> = report
        .warnings
        .iter()
        .filter(|w| w.field.as_deref() == Some("base_url"))
        .collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].message.vi.contains("không có mã QR"));
}

#[test]
fn real_records_get_notices_with_their_fees_and_a_scannable_code() {
    let site = TestSite::shared();
    site.build_ok();
    let config = site
        .load()
        .config()
        .cloned()
        .expect("the test configuration");
    let base = config
        .base_url
        .expect("a base_url in the test configuration");
    let pages = site.root().join("public/thu-tuc");
    let mut slugs: Vec<String> = std::fs::read_dir(&pages)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|s| !s.ends_with(".html"))
        .collect();
    slugs.sort();
    assert!(slugs.len() > 800);
    // Every 40th record: long and short titles, fees in đồng and dollars.
    for slug in slugs.iter().step_by(40) {
        let page = site.page(&format!("thu-tuc/{slug}/index.html"));
        let notice = site.page(&format!("thu-tuc/{slug}/niem-yet/index.html"));
        assert_eq!(notice.text("h1"), page.text("h1"), "{slug}");
        for fee in page.texts(".channel-table .fee") {
            assert!(notice.text(".notice-table").contains(&fee), "{slug}: {fee}");
        }
        assert_eq!(
            scan(&notice.source),
            format!("{base}/thu-tuc/{slug}/"),
            "{slug}"
        );
    }
}

#[test]
fn each_office_has_a_page_and_posters_of_the_procedures_it_handles() {
    let base = format!("{BASE}/so-tay");
    let site = published_example_at(&base);
    site.build_ok();
    let procedure = site.page(&format!("{TACH_HO}/index.html"));
    let office = "noi-nop/cong-an-phuong/index.html";
    assert_eq!(
        procedure.text(&format!("a[href='../../{office}']")),
        "Các thủ tục tiếp nhận tại đây"
    );

    let list = site.page(office);
    assert!(list.text("h1").contains("Công an phường An Bình"));
    assert!(list.text(".office-page").contains("Số 5 đường Trung Tâm"));
    let codes = list.attrs(".procedures li", "data-code");
    assert!(codes.contains(&"1.010038".to_string()), "{codes:?}");
    assert_eq!(
        list.attrs(".count a", "href"),
        [
            "../../noi-nop/cong-an-phuong/niem-yet/index.html",
            "../../noi-nop/cong-an-phuong/niem-yet-a3/index.html"
        ]
    );

    for (folder, paper) in [("niem-yet", "poster-a4"), ("niem-yet-a3", "poster-a3")] {
        let poster = site.page(&format!("noi-nop/cong-an-phuong/{folder}/index.html"));
        assert_eq!(poster.count(&format!("article.{paper}")), 1, "{folder}");
        assert!(
            poster
                .text(".poster-office")
                .contains("Số 5 đường Trung Tâm")
        );
        let printed: Vec<String> = poster.texts(".poster-code");
        assert_eq!(printed, codes, "every procedure of the list, in its order");
        let row = poster
            .texts(".poster-table tbody tr")
            .into_iter()
            .find(|r| r.contains("1.010038"))
            .unwrap();
        for fact in ["Tách hộ", "5 ngày làm việc", "Toàn trình"] {
            assert!(row.contains(fact), "{fact}: {row}");
        }
        // The same fee as the list line a citizen sees.
        let fee = list.text("li[data-code='1.010038'] .fee");
        assert!(row.contains(&fee), "{fee}: {row}");
        assert_eq!(
            scan(&poster.source),
            format!("{base}/noi-nop/cong-an-phuong/")
        );
    }
}

#[test]
fn each_field_has_posters_of_all_its_procedures() {
    let site = published_example();
    site.build_ok();
    let fields = site.page("linh-vuc/index.html");
    let links = fields.attrs("main li a", "href");
    assert!(links.len() > 5, "{links:?}");
    for link in links {
        let dir = link
            .trim_start_matches("../")
            .trim_end_matches("index.html");
        let list = site.page(&format!("{dir}index.html"));
        let poster = site.page(&format!("{dir}niem-yet/index.html"));
        let count: usize = list
            .text(".count")
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(poster.count(".poster-table tbody tr"), count, "{dir}");
        assert_eq!(poster.text("h1"), list.text("h1"), "{dir}");
        assert_eq!(scan(&poster.source), format!("{BASE}/{dir}"));
    }
}

#[test]
fn notices_posters_and_office_pages_speak_english_in_an_english_handbook() {
    let site = published_example();
    let config = std::fs::read_to_string(site.root().join("sotay.yaml")).unwrap();
    site.write("sotay.yaml", config.replace("language: vi", "language: en"));
    site.build_ok();

    let notice = site.page(&format!("{TACH_HO}/niem-yet/index.html"));
    assert_eq!(notice.attrs("html", "lang"), ["en"]);
    assert_eq!(
        notice.texts(".notice-sheet h2"),
        [
            "How to submit, time and fee",
            "Documents to bring (3)",
            "Requirements",
            "Result",
            "Where to apply",
            "Legal basis"
        ]
    );
    assert!(notice.text(".notice-foot").contains("Scan the QR code"));
    assert!(
        notice
            .text(".notice-contact")
            .starts_with("Questions and feedback: Hotline")
    );

    let poster = site.page("noi-nop/cong-an-phuong/niem-yet/index.html");
    assert_eq!(
        poster.texts(".poster-table thead th"),
        [
            "No.",
            "Procedure code",
            "Procedure",
            "Processing time",
            "Fee",
            "Online service"
        ]
    );
    assert!(
        poster
            .text(".poster-count")
            .contains("procedures. Scan the QR code")
    );
    assert!(poster.text(".notice-screen").contains("Back to the list"));

    let office = site.page("noi-nop/cong-an-phuong/index.html");
    assert!(office.text("h1").starts_with("Where to apply:"));
    assert_eq!(office.text(".office-count"), "Procedures handled here");
    assert!(office.text(".count").contains("Print the list: A4, A3"));
    let page = site.page(&format!("{TACH_HO}/index.html"));
    assert!(page.text(".ask").starts_with("Questions? Hotline"));
}
