//! Video guides and the organisation's contacts: links a citizen can follow from a
//! procedure page, its notice and an office, checked as staff write them.

mod common;

use common::{CONFIG, TestSite, record};

const CODE: &str = "1.000001";

fn with_video(video: &str) -> String {
    record(CODE, "Đăng ký khai sinh").replacen(
        "---\n# ",
        &format!("offices: [mot-cua]\nvideos:\n{video}---\n# "),
        1,
    )
}

fn site(video: &str) -> TestSite {
    let site = TestSite::new();
    site.write(
        "sotay.yaml",
        format!("{CONFIG}  hotline: \"0200 3 000 000\"\n  zalo: \"https://zalo.me/1234567890\"\n"),
    );
    site.write(
        "content/offices.yaml",
        "- id: mot-cua\n  name: Bộ phận Một cửa\n  videos:\n    - title: Đường đến Bộ phận Một cửa\n      url: https://video.example.gov.vn/duong-den\n",
    );
    site.record("khai-sinh.md", &with_video(video));
    site
}

#[test]
fn videos_are_links_with_their_length_and_site_never_players() {
    let site = site(
        "  - title: Hướng dẫn nộp hồ sơ trực tuyến\n    url: https://www.youtube.com/watch?v=abc\n    duration: \"3:45\"\n",
    );
    site.build_ok();
    let page = site.page("thu-tuc/khai-sinh/index.html");
    let videos = page.texts("#video-huong-dan + .videos li");
    assert_eq!(
        videos,
        ["Hướng dẫn nộp hồ sơ trực tuyến (video, 3:45, www.youtube.com)"]
    );
    assert_eq!(
        page.attrs("#video-huong-dan + .videos a", "href"),
        ["https://www.youtube.com/watch?v=abc"]
    );
    assert_eq!(page.attrs(".videos time", "datetime")[0], "PT3M45S");
    // The office's own guide sits with the office.
    assert!(
        page.text(".where .office .videos")
            .contains("Đường đến Bộ phận Một cửa")
    );
    let office = site.page("noi-nop/mot-cua/index.html");
    assert!(
        office
            .text(".office-page .videos")
            .contains("Đường đến Bộ phận Một cửa")
    );
    for html in [&page.source, &office.source] {
        for player in [
            "<iframe",
            "<video",
            "<embed",
            "<object",
            "<script src=\"http",
        ] {
            assert!(!html.contains(player), "{player}");
        }
    }
}

#[test]
fn the_hotline_and_zalo_are_on_pages_and_notices() {
    let site = site("  - title: Hướng dẫn\n    url: https://video.example.gov.vn/a\n");
    site.build_ok();
    let page = site.page("thu-tuc/khai-sinh/index.html");
    assert_eq!(
        page.attrs(".ask a", "href"),
        ["tel:02003000000", "https://zalo.me/1234567890"]
    );
    assert!(
        page.attrs("footer a", "href")
            .contains(&"https://zalo.me/1234567890".to_string())
    );
    let notice = site.page("thu-tuc/khai-sinh/niem-yet/index.html");
    let contact = notice.text(".notice-contact");
    assert!(contact.contains("0200 3 000 000"), "{contact}");
    assert!(contact.contains("Zalo zalo.me/1234567890"), "{contact}");
}

#[test]
fn insecure_or_unreadable_video_links_are_errors_at_their_line() {
    let site = site(
        "  - title: Hướng dẫn\n    url: http://video.example.gov.vn/a\n  - title: Video thứ hai\n    url: https://video.example.gov.vn/b\n    duration: \"ba phút\"\n",
    );
    let out = site.check_output();
    assert!(
        out.contains("`http://video.example.gov.vn/a` không phải địa chỉ an toàn (https)"),
        "{out}"
    );
    assert!(
        out.contains("https://video.example.gov.vn/a"),
        "the fix: {out}"
    );
    assert!(
        out.contains("--> content/procedures/khai-sinh.md:15"),
        "the url's line: {out}"
    );
    assert!(out.contains("`videos[0].url`"), "{out}");
    assert!(out.contains("`ba phút` không phải độ dài video"), "{out}");
    assert!(
        out.contains("--> content/procedures/khai-sinh.md:18"),
        "{out}"
    );
}

#[test]
fn an_insecure_zalo_link_is_refused() {
    let site = site("  - title: Hướng dẫn\n    url: https://video.example.gov.vn/a\n");
    site.write(
        "sotay.yaml",
        format!("{CONFIG}  zalo: \"http://zalo.me/1234567890\"\n"),
    );
    let out = site.check_output();
    assert!(out.contains("--> sotay.yaml:5"), "{out}");
    assert!(out.contains("không phải địa chỉ an toàn (https)"), "{out}");
}
