//! schema.org JSON-LD on procedure pages: it parses on every page of the real
//! records and says what the page says; nothing in a record can end its script.

mod common;

use common::TestSite;
use serde_json::Value;

/// The page's JSON-LD scripts, parsed.
fn json_ld(html: &str) -> Vec<Value> {
    let doc = scraper::Html::parse_document(html);
    let script = scraper::Selector::parse("script[type='application/ld+json']").unwrap();
    doc.select(&script)
        .map(|s| {
            let text: String = s.text().collect();
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
        })
        .collect()
}

fn texts(html: &str, css: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(css).unwrap();
    doc.select(&selector)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn collapse(value: &Value) -> String {
    value
        .as_str()
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_real_procedure_page_says_the_same_in_json_ld() {
    let site = TestSite::shared();
    site.build_ok();
    let mut pages = 0;
    let mut offers = 0;
    for entry in std::fs::read_dir(site.root().join("public/thu-tuc")).unwrap() {
        let html = std::fs::read_to_string(entry.unwrap().path().join("index.html")).unwrap();
        let found = json_ld(&html);
        assert_eq!(found.len(), 1);
        let service = &found[0];
        assert_eq!(service["@type"], "GovernmentService");
        assert_eq!(collapse(&service["name"]), texts(&html, "h1")[0]);
        assert_eq!(
            service["identifier"].as_str().unwrap(),
            texts(&html, ".code-value")[0]
        );
        let shown_fees = texts(&html, ".channel-table .fee");
        for offer in service["offers"].as_array().into_iter().flatten() {
            assert!(
                shown_fees.contains(&collapse(&offer["description"])),
                "{offer}"
            );
            offers += 1;
        }
        let shown_times = texts(&html, ".channel-table .time");
        let channels = service["availableChannel"].as_array().into_iter().flatten();
        for (channel, time) in channels.zip(&shown_times) {
            assert_eq!(&collapse(&channel["description"]), time);
        }
        assert!(
            service["url"]
                .as_str()
                .unwrap()
                .starts_with("https://thutuc.thunghiem.example.gov.vn/thu-tuc/")
        );
        pages += 1;
    }
    assert_eq!(pages, 864);
    assert!(offers > 864, "{offers}");
}

#[test]
fn a_title_that_closes_the_script_stays_inside_it() {
    let site = TestSite::new();
    let title = "Đăng ký </script><script>alert(1)</script> & <!-- khai sinh";
    site.record(
        "a.md",
        &common::record("1.000001", "Đăng ký khai sinh").replace(
            "title: \"Đăng ký khai sinh\"",
            &format!("title: {}", serde_json::to_string(title).unwrap()),
        ),
    );
    site.build_ok();
    let html = std::fs::read_to_string(site.root().join("public/thu-tuc/a/index.html")).unwrap();
    let found = json_ld(&html);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["name"], title);
    assert!(!html.contains("<script>alert(1)"));
}

#[test]
fn fees_are_offers_with_a_price_when_exact() {
    let site = TestSite {
        dir: common::example(),
    };
    site.build_ok();
    let html = std::fs::read_to_string(
        site.root()
            .join("public/thu-tuc/1-010038-tach-ho/index.html"),
    )
    .unwrap();
    let service = &json_ld(&html)[0];
    let offers = service["offers"].as_array().unwrap();
    let prices: Vec<(&str, &str)> = offers
        .iter()
        .map(|o| {
            (
                o["price"].as_str().unwrap(),
                o["priceCurrency"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(prices, [("10000", "VND"), ("5000", "VND")]);
    let online = &service["availableChannel"].as_array().unwrap()[1];
    assert!(
        online["serviceUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
}

#[test]
fn the_home_page_names_the_publisher() {
    let site = TestSite {
        dir: common::example(),
    };
    site.build_ok();
    let html = std::fs::read_to_string(site.root().join("public/index.html")).unwrap();
    let org = &json_ld(&html)[0];
    assert_eq!(org["@type"], "GovernmentOrganization");
    assert_eq!(org["name"], "Ủy ban nhân dân phường An Bình (bản ví dụ)");
    assert_eq!(org["telephone"], "0200 3 000 000");
    assert_eq!(org["address"], "Số 1 đường Trung Tâm, phường An Bình");
}
