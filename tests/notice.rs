//! The printed notice (niêm yết) beside each procedure page: what the one-stop
//! office pins on its board, with a QR code a phone can scan back to the page.

mod common;

use common::TestSite;

const BASE: &str = "https://thutuc.anbinh.example.gov.vn";
const TACH_HO: &str = "thu-tuc/1-010038-tach-ho";

/// The example handbook, published at [`BASE`].
fn published_example() -> TestSite {
    let site = TestSite {
        dir: common::example(),
    };
    let config = std::fs::read_to_string(site.root().join("sotay.yaml")).unwrap();
    site.write("sotay.yaml", format!("base_url: \"{BASE}\"\n{config}"));
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
    for module in path.split('M').filter(|m| !m.is_empty()) {
        let xy = module.split('h').next().unwrap();
        let (x, y) = xy.split_once(' ').unwrap();
        let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        dark[y * size + x] = true;
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
    let site = published_example();
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
    let url = format!("{BASE}/{TACH_HO}/");
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
