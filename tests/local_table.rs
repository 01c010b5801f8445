//! `content/local.csv`: the province's online levels, links, offices, status and
//! notes per code, applied to the records as they load.

mod common;

use std::collections::BTreeMap;

use common::TestSite;

/// Code → the online badge's key on the A–Z list, for every procedure.
fn badges(site: &TestSite) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut page = 1;
    loop {
        let path = if page == 1 {
            "a-z/index.html".to_string()
        } else {
            format!("a-z/trang-{page}/index.html")
        };
        if !site.root().join("public").join(&path).exists() {
            break;
        }
        let html = std::fs::read_to_string(site.root().join("public").join(&path)).unwrap();
        let doc = scraper::Html::parse_document(&html);
        let line = scraper::Selector::parse("li[data-code]").unwrap();
        let badge = scraper::Selector::parse(".badge").unwrap();
        for li in doc.select(&line) {
            let code = li.value().attr("data-code").unwrap().to_string();
            let class = li
                .select(&badge)
                .next()
                .unwrap()
                .value()
                .attr("class")
                .unwrap();
            let key = class.trim_start_matches("badge badge-").to_string();
            found.insert(code, key);
        }
        page += 1;
    }
    found
}

#[test]
fn a_table_of_online_levels_makes_exactly_those_badges_and_counts() {
    let site = TestSite::shared();
    site.build_ok();
    let before = badges(&site);
    assert_eq!(before.len(), 864);
    // A few hundred codes, as a province's decision lists them, in its own words.
    let mut table = String::from("STT,Mã thủ tục,Tên thủ tục,Mức độ\n");
    let mut expected = before.clone();
    for (i, code) in before.keys().enumerate().filter(|(i, _)| i % 3 == 0) {
        let (written, key) = match i % 4 {
            0 => ("Toàn trình", "full"),
            1 => ("mức độ 3", "partial"),
            2 => ("Mức độ 4", "full"),
            _ => ("Một phần", "partial"),
        };
        table.push_str(&format!(
            "{},{code} ,\"Tên, như bảng ghi\",{written}\n",
            i + 1
        ));
        expected.insert(code.clone(), key.to_string());
    }
    assert!(expected.values().filter(|k| *k == "full").count() > 100);
    site.write("content/local.csv", table);
    site.build_ok();
    assert_eq!(badges(&site), expected);
    // The lists and counts by online level agree with the table.
    let full = expected.values().filter(|k| *k == "full").count();
    let home = site.page("index.html");
    let count = home
        .texts(".terms li")
        .into_iter()
        .find(|t| t.starts_with("Toàn trình"))
        .unwrap();
    assert_eq!(count, format!("Toàn trình ({full})"));
    for (key, n) in [
        ("full", full),
        (
            "partial",
            expected.values().filter(|k| *k == "partial").count(),
        ),
    ] {
        let list = site.page(&format!("truc-tuyen/{key}/index.html"));
        assert_eq!(list.text("p.count"), format!("{n} thủ tục"), "{key}");
    }
}

#[test]
fn the_table_wins_and_a_disagreement_names_both_places() {
    let site = TestSite {
        dir: common::example(),
    };
    site.write(
        "content/local.csv",
        "Mã số;Mức độ;Đường dẫn;Nơi nộp;Trạng thái;Ghi chú\n\
         1.010038;một phần;https://dichvucong.example.gov.vn/tach-ho;cong-an-phuong;còn hiệu lực;Phường nhận hồ sơ cả sáng thứ Bảy.\n\
         1.000894;;;;;\n",
    );
    let out = site.check_output();
    // 1.010038 (Tách hộ) says `online: full` in its record.
    assert!(
        out.contains("`online` ở đây là `full` còn trong content/local.csv (B2) là `partial`"),
        "{out}"
    );
    assert!(
        out.contains("--> content/procedures/1-010038-tach-ho.md:94"),
        "{out}"
    );
    assert!(out.contains("trang hiện giá trị của bảng"), "{out}");
    site.build_ok();
    let page = site.page("thu-tuc/1-010038-tach-ho/index.html");
    assert_eq!(page.text(".before .badge"), "Một phần");
    assert_eq!(
        page.attrs(".submit-online a", "href"),
        ["https://dichvucong.example.gov.vn/tach-ho"]
    );
    assert_eq!(
        page.text(".local-note"),
        "Lưu ý tại địa phương: Phường nhận hồ sơ cả sáng thứ Bảy."
    );
    // An empty cell sets nothing: the record's own values stay.
    let before = site.page("thu-tuc/1-000894-thu-tuc-dang-ky-ket-hon/index.html");
    assert_eq!(before.count(".local-note"), 0);
}

#[test]
fn bad_cells_are_reported_at_their_row_and_column() {
    let site = TestSite {
        dir: common::example(),
    };
    site.write(
        "content/local.csv",
        "Mã số,Mức độ,Đường dẫn,Nơi nộp,Trạng thái\n\
         1.010038,mức độ 5,,,\n\
         1.000894,,http://dichvucong.example.gov.vn,,\n\
         1.000894,,,,\n\
         9.999999,,,,\n\
         1.002755,,,mot-cua-xa,được thay thế\n",
    );
    let out = site.check_output();
    for wanted in [
        "`mức độ 5` không phải mức độ trực tuyến",
        "`http://dichvucong.example.gov.vn` không phải địa chỉ https://",
        "mã 1.000894 đã có ở dòng 3",
        "không có nơi nộp `mot-cua-xa` trong content/offices.yaml",
        "`được thay thế` không phải trạng thái bảng này đặt được",
        "không hồ sơ nào có mã 9.999999",
    ] {
        assert!(out.contains(wanted), "{wanted}\n{out}");
    }
    for cell in ["B2", "C3", "A4", "A5", "D6", "E6"] {
        assert!(out.contains(&format!("`{cell}`")), "{cell}\n{out}");
    }
    assert!(site.check().diagnostics.has_errors());
    site.write("content/local.xlsx", "");
    let out = site.check_output();
    assert!(
        out.contains("có hai bảng thông tin địa phương, content/local.csv và content/local.xlsx"),
        "{out}"
    );
}

#[test]
fn the_preview_applies_an_edited_table_as_a_build_does() {
    use sotay::assemble::{BUILD_ONLY, Outcome, Stopwatch, assemble};
    let site = TestSite {
        dir: common::example(),
    };
    let Ok(mut session) = sotay::preview::Session::open(site.root()) else {
        panic!("the example opens");
    };
    assert!(matches!(session.update(&[]), Outcome::Built(_)));
    let table = site.write("content/local.csv", "Mã số,Mức độ\n1.010038,một phần\n");
    assert!(matches!(session.update(&[table]), Outcome::Built(_)));
    while session.refresh_index().expect("the index").is_some() {}
    let served = session.files().expect("a site");
    let (built, problems) = assemble(&site.load(), None, None, &mut Stopwatch::start());
    let built = built.unwrap_or_else(|| panic!("{problems:?}")).files();
    let differ: Vec<&str> = built
        .keys()
        .filter(|p| !BUILD_ONLY.contains(&&***p) && served.get(*p) != built.get(*p))
        .map(|p| &**p)
        .collect();
    assert!(differ.is_empty(), "{differ:?}");
    let page = String::from_utf8(
        served["thu-tuc/1-010038-tach-ho/index.html"]
            .bytes()
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    assert!(page.contains("badge-partial"));
}
