//! `sotay build` as a reader and a web admin see it: what pages show, that content
//! cannot inject markup, that links work from anywhere, and that a failed build
//! leaves the published site alone.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{TestSite, record};

const KHAI_SINH: &str = "thu-tuc/khai-sinh/index.html";
const HOSTILE: &str = "thu-tuc/hostile/index.html";

#[test]
fn procedure_page_shows_what_a_citizen_needs() {
    let site = TestSite::fixture("sites/hostile");
    site.build_ok();
    let page = site.page(KHAI_SINH);
    assert_eq!(page.count("h1"), 1);
    assert_eq!(page.text("h1"), "Thủ tục đăng ký khai sinh");
    assert_eq!(page.text(".code-value"), "1.001193");
    // The record's words: "Miễn lệ phí" is not "Miễn phí".
    assert_eq!(page.text(".before .fee"), "Miễn lệ phí");
    assert_eq!(page.text(".before .time"), "Trong ngày");
    assert_eq!(page.text(".before .badge"), "Toàn trình");
    assert_eq!(page.text(".before .office-name"), "Bộ phận Một cửa xã");
    assert_eq!(
        page.text(".before .fact-documents dd"),
        "3 giấy tờ chia theo 2 nhóm"
    );
    assert_eq!(
        page.attrs(".submit-online a", "href"),
        ["https://dichvucong.gov.vn/nop-ho-so/1.001193"]
    );
    assert_eq!(page.text(".documents h2"), "Thành phần hồ sơ (3 giấy tờ)");
    assert_eq!(
        page.texts(".documents h3.case"),
        ["Giấy tờ phải nộp", "Giấy tờ phải xuất trình"]
    );
    assert_eq!(
        page.texts(".checklist > li .doc-copies"),
        ["(1 bản chính)", "(1 bản chính, 2 bản sao)"]
    );
    assert_eq!(page.attrs(".forms a", "href"), ["../../forms/to-khai.docx"]);
    assert_eq!(page.text(".office h3"), "Bộ phận Một cửa xã");
    assert!(
        page.text(".where")
            .contains("Thứ Hai – Thứ Sáu, 7:30 – 17:00")
    );
    assert_eq!(
        page.text(".legal li"),
        "Luật Hộ tịch (60/2014/QH13), ban hành ngày 20/11/2014"
    );
    assert_eq!(
        page.attrs("section[aria-labelledby=lien-quan] a", "href"),
        ["../../thu-tuc/hostile/index.html"]
    );
    assert!(
        page.text(".procedure-foot")
            .contains("Cập nhật lần cuối: 20/11/2026")
    );
    assert!(
        page.text(".procedure-foot")
            .contains("Nguồn: Cơ sở dữ liệu quốc gia về thủ tục hành chính")
    );
    let report = page.attrs(".procedure-foot a", "href");
    assert!(
        report
            .iter()
            .any(|h| h.starts_with("mailto:gopy@example.vn?subject=")),
        "{report:?}"
    );
    // The body: its repeated title dropped, its alert labelled.
    assert!(page.text(".prose").starts_with("Trình tự thực hiện"));
    assert_eq!(page.text(".alert-label"), "Lưu ý");
    // The form file was copied.
    assert!(site.root().join("public/forms/to-khai.docx").is_file());
}

/// The whole procedure page a citizen reads, reviewed as an outline: what comes first,
/// what each section holds, where each link goes.
#[test]
fn procedure_page_main_snapshot() {
    let site = TestSite::fixture("sites/hostile");
    site.build_ok();
    insta::assert_snapshot!(site.page(KHAI_SINH).main_outline());
}

#[test]
fn channels_that_differ_are_shown_as_a_table() {
    let site = TestSite::fixture("sites/hostile");
    site.build_ok();
    let page = site.page(HOSTILE);
    // Times differ: each with its channel.
    assert_eq!(
        page.texts(".before .fact-time .fact-line"),
        [
            "Trực tiếp: 5 ngày làm việc",
            "Dịch vụ bưu chính: 7 ngày làm việc"
        ]
    );
    assert_eq!(page.texts(".before .fee"), ["50.000 đồng"]);
    assert_eq!(
        page.texts(".channels tbody th"),
        ["Trực tiếp", "Dịch vụ bưu chính"]
    );
    assert_eq!(
        page.texts(".channels tbody td.time"),
        ["5 ngày làm việc", "7 ngày làm việc"]
    );
    assert_eq!(page.text(".before .badge"), "Một phần");
    assert_eq!(
        page.texts(".channel-card h3"),
        ["Trực tiếp", "Dịch vụ bưu chính"],
        "a card per channel for phones"
    );
}

#[test]
fn content_never_reaches_a_page_as_markup() {
    let site = TestSite::fixture("sites/hostile");
    site.build_ok();
    for path in [
        HOSTILE,
        KHAI_SINH,
        "index.html",
        "a-z/index.html",
        "linh-vuc/index.html",
    ] {
        let page = site.page(path);
        // The only script is sotay's structured data, which escapes every `<`.
        assert_eq!(
            page.count("script:not([type='application/ld+json'])"),
            0,
            "{path}"
        );
        for data in page.texts("script[type='application/ld+json']") {
            assert!(!data.contains('<'), "{path}: {data}");
        }
        assert_eq!(page.count("iframe"), 0, "{path}");
        assert_eq!(page.count("[onerror]"), 0, "{path}");
        for href in page.attrs("a", "href") {
            assert!(
                !href.to_lowercase().contains("javascript:"),
                "{path}: {href}"
            );
        }
    }
    let page = site.page(HOSTILE);
    // The hostile text is shown as text.
    assert_eq!(
        page.text("h1"),
        "Thủ tục <script>alert('title')</script> \"x\" & y"
    );
    assert!(
        page.text(".where")
            .contains("\"><script>alert('agency')</script>")
    );
    assert!(
        page.text(".documents")
            .contains("<iframe src=\"https://evil.example\"></iframe>Đơn đề nghị")
    );
    // Harmless Markdown HTML survives.
    assert!(page.source.contains("<b>đậm</b>"));
    assert_eq!(
        page.attrs(".submit-online a", "href"),
        ["https://dichvucong.gov.vn/?a=1&b=\"2\""]
    );
    let home = site.page("index.html");
    assert_eq!(home.text("title"), "Sổ tay <b>thử</b> \"nghiệm\"");
}

#[test]
fn every_link_is_relative_and_resolves() {
    let site = TestSite::fixture("sites/hostile");
    site.build_ok();
    let public = site.root().join("public");
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&public)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let page = site.page(&rel);
        for attr in ["href", "src"] {
            for link in page.attrs(&format!("[{attr}]"), attr) {
                if link.starts_with("http")
                    || link.starts_with("mailto:")
                    || link.starts_with("tel:")
                    || link.starts_with("data:")
                    || link.starts_with('#')
                {
                    continue;
                }
                assert!(!link.starts_with('/'), "{rel}: absolute link {link}");
                let target = link.split('#').next().unwrap();
                let resolved = entry
                    .path()
                    .parent()
                    .unwrap()
                    .join(sotay::urls::percent_decode(target).unwrap());
                assert!(resolved.is_file(), "{rel}: {link} does not resolve");
            }
        }
    }
}

#[test]
fn lists_sort_in_vietnamese_order_and_show_time_fee_badge() {
    let site = TestSite::new();
    for (i, title) in [
        "Xác nhận tình trạng hôn nhân",
        "Đăng ký kết hôn",
        "Cấp bản sao",
        "Dán tem",
        "Ấn định thuế",
        "An toàn thực phẩm",
    ]
    .iter()
    .enumerate()
    {
        site.record(&format!("r{i}.md"), &record(&format!("1.00000{i}"), title));
    }
    site.build_ok();
    let page = site.page("linh-vuc/ho-tich/index.html");
    assert_eq!(
        page.texts(".procedures .title"),
        [
            "An toàn thực phẩm",
            "Ấn định thuế",
            "Cấp bản sao",
            "Dán tem",
            "Đăng ký kết hôn",
            "Xác nhận tình trạng hôn nhân"
        ]
    );
    let first = page.text(".procedures > li");
    assert!(
        first.contains("5 ngày làm việc")
            && first.contains("Miễn phí")
            && first.contains("Trực tiếp"),
        "{first}"
    );
    assert_eq!(page.text("h1"), "Lĩnh vực: Hộ tịch");
    let az = site.page("a-z/index.html");
    assert_eq!(az.text("h1"), "Thủ tục theo thứ tự A–Z");
    assert_eq!(az.texts("h2.letter"), ["A", "C", "D", "Đ", "X"]);
}

#[test]
fn long_lists_are_paginated() {
    let site = TestSite::new();
    for i in 0..250 {
        site.record(
            &format!("r{i:03}.md"),
            &record(&format!("1.{i:06}"), &format!("Thủ tục số {i:03}")),
        );
    }
    site.build_ok();
    let first = site.page("ma-thu-tuc/index.html");
    assert_eq!(first.count(".procedures > li"), 100);
    assert_eq!(
        first.attrs(".pagination a[rel=next]", "href"),
        ["../ma-thu-tuc/trang-2/index.html"]
    );
    let last = site.page("ma-thu-tuc/trang-3/index.html");
    assert_eq!(last.count(".procedures > li"), 50);
    assert_eq!(
        last.attrs("li[data-code]", "data-code").last().unwrap(),
        "1.000249"
    );
}

#[test]
fn english_interface() {
    let site = TestSite::fixture("sites/hostile");
    let config = std::fs::read_to_string(site.root().join("sotay.yaml"))
        .unwrap()
        .replace("language: vi", "language: en");
    site.write("sotay.yaml", config);
    site.build_ok();
    let page = site.page(KHAI_SINH);
    assert_eq!(page.attrs("html", "lang"), ["en"]);
    // The fee stays in the record's words; the interface around it is English.
    assert_eq!(page.text(".before .fee"), "Miễn lệ phí");
    assert_eq!(page.text(".before .badge"), "Fully online");
    assert_eq!(
        page.text(".documents h2"),
        "Documents to bring (3 documents)"
    );
    assert_eq!(
        page.texts(".checklist > li .doc-copies"),
        ["(1 original)", "(1 original, 2 copies)"]
    );
    let hostile = site.page(HOSTILE);
    assert_eq!(hostile.text(".before .fee"), "50,000 VND");
}

#[test]
fn sitemap_and_robots_use_the_base_url() {
    let site = TestSite::fixture("sites/hostile");
    site.build_ok();
    let sitemap = std::fs::read_to_string(site.root().join("public/sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://thutuc.example.vn/so-tay/thu-tuc/khai-sinh/</loc>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("404"));
    let robots = std::fs::read_to_string(site.root().join("public/robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://thutuc.example.vn/so-tay/sitemap.xml"));
    assert_eq!(
        site.page(KHAI_SINH).attrs("link[rel=canonical]", "href"),
        ["https://thutuc.example.vn/so-tay/thu-tuc/khai-sinh/"]
    );
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_failed_build_leaves_the_previous_site_exactly_as_it_was() {
    let site = TestSite::fixture("sites/hostile");
    site.build_ok();
    let before = snapshot(&site.root().join("public"));
    assert!(before.len() > 10);

    // A broken record: nothing is written.
    let path = site.root().join("content/procedures/khai-sinh.md");
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replace("levels: [commune]", "levels: [comune]")).unwrap();
    assert!(site.build_error().contains("`comune`"));
    assert_eq!(snapshot(&site.root().join("public")), before);

    // A broken template: nothing is written either, and the error names the file and line.
    std::fs::write(&path, &good).unwrap();
    site.write("templates/list.html", "{% extends \"base.html\" %}\n{% block main %}\n{{ page.heading | nonexistent_filter }}\n{% endblock main %}\n");
    let error = site.build_error();
    assert!(error.contains("templates/list.html:3:"), "{error}");
    assert_eq!(snapshot(&site.root().join("public")), before);

    // No staging folders are left behind (the cache of decoded records stays).
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("sotay-") && n != sotay::sources::cache::CACHE_DIR)
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn refuses_output_folders_that_would_destroy_sources() {
    let site = TestSite::fixture("sites/hostile");
    let root = site.root();
    for output in [
        root.to_path_buf(),
        root.join("content"),
        root.join("content/public"),
        root.join("themes"),
        root.parent().unwrap().to_path_buf(),
    ] {
        let options = sotay::build::BuildOptions {
            output: Some(output.clone()),
            ..Default::default()
        };
        let failure = sotay::build::build(root, &options).unwrap_err();
        let refusal: Vec<_> = failure
            .diagnostics
            .iter()
            .filter(|d| d.severity == sotay::diagnostics::Severity::Error)
            .collect();
        assert_eq!(refusal.len(), 1, "{}", output.display());
        assert_eq!(refusal[0].file, output);
        assert!(
            refusal[0]
                .message
                .vi
                .contains("sẽ ghi đè lên dữ liệu nguồn"),
            "{}: {:?}",
            output.display(),
            refusal[0].message
        );
    }
    // A folder with someone else's files.
    site.write("elsewhere/important.txt", "do not delete");
    let options = sotay::build::BuildOptions {
        output: Some(root.join("elsewhere")),
        ..Default::default()
    };
    let failure = sotay::build::build(root, &options).unwrap_err();
    let error = sotay::diagnostics::render(
        &failure.diagnostics,
        sotay::diagnostics::Format::Human,
        failure.language,
    );
    assert!(error.contains("không do sotay tạo"), "{error}");
    assert!(root.join("elsewhere/important.txt").is_file());
    // Content intact after all refusals.
    assert!(root.join("content/procedures/khai-sinh.md").is_file());
}

#[test]
fn rebuilding_replaces_its_own_output() {
    let site = TestSite::fixture("sites/hostile");
    site.build_ok();
    std::fs::remove_file(site.root().join("content/procedures/hostile.md")).unwrap();
    let path = site.root().join("content/procedures/khai-sinh.md");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("related: [\"2.000001\"]\n", "");
    std::fs::write(&path, text).unwrap();
    site.build_ok();
    assert!(!site.root().join("public").join(HOSTILE).exists());
    assert!(site.root().join("public").join(KHAI_SINH).exists());
}

#[test]
fn the_864_real_records_build() {
    let site = TestSite::shared();
    let report = site.build_ok();
    assert!(report.pages > 864);
    let page = site.page("thu-tuc/2-000908-thu-tuc-cap-ban-sao-tu-so-goc/index.html");
    assert_eq!(page.text("h1"), "Thủ tục cấp bản sao từ sổ gốc");
    assert_eq!(page.text(".facts .fee"), "Miễn phí");
    assert_eq!(page.text(".facts .time"), "1 ngày làm việc");
    assert_eq!(page.count(".checklist > li"), 2);
    // A fee stated in USD.
    let pages = site.root().join("public/thu-tuc");
    let usd = walkdir::WalkDir::new(&pages)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .any(|e| std::fs::read_to_string(e.path()).unwrap().contains(" USD<"));
    assert!(usd);
}

#[test]
fn a_broken_internal_link_fails_the_build_naming_record_line_and_target() {
    let site = TestSite::new();
    site.record(
        "a.md",
        &format!(
            "{}\nXem [mẫu đơn](../../forms/khong-co.docx).\n",
            record("1.000001", "Khai sinh")
        ),
    );
    let error = site.build_error();
    // The record's own line, not only the built page.
    assert!(error.contains("content/procedures/a.md:15:"), "{error}");
    assert!(error.contains("`../../forms/khong-co.docx`"), "{error}");
    assert!(error.contains("thu-tuc/a/index.html"), "{error}");
    assert!(!site.root().join("public").exists());
}

#[test]
fn a_render_time_template_error_names_the_template_line_as_written() {
    let site = TestSite::fixture("sites/hostile");
    site.write(
        "templates/procedure.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }}</h1>\n<p>{{ page.no_such_field.deeper }}</p>\n{% endblock main %}\n",
    );
    let error = site.build_error();
    assert!(error.contains("templates/procedure.html:4:"), "{error}");
    assert!(error.contains("no_such_field"), "{error}");
    assert!(!site.root().join("public").exists());
}

#[test]
fn the_404_page_links_absolutely_when_the_address_is_known() {
    let site = TestSite::fixture("sites/hostile");
    site.build_ok();
    let page = site.page("404.html");
    let links = page.attrs("main a", "href");
    assert!(
        links.contains(&"https://thutuc.example.vn/so-tay/index.html".to_string()),
        "{links:?}"
    );
    assert_eq!(
        page.attrs("link[rel=stylesheet]", "href"),
        ["https://thutuc.example.vn/so-tay/style.css"]
    );
}

#[test]
fn a_records_extra_data_reaches_the_handbooks_own_templates() {
    let site = TestSite::new();
    site.record(
        "a.md",
        &record("1.000001", "Khai sinh").replacen(
            "\n---\n#",
            "\nextra:\n  phong: \"Phòng 3, tầng 1 <b>\"\n  so_ban_in: 2\n---\n#",
            1,
        ),
    );
    site.write(
        "templates/procedure.html",
        "{% extends \"base.html\" %}\n{% block main %}<h1>{{ page.title }}</h1><p class=room>{{ page.extra.phong }}</p><p class=copies>{{ page.extra.so_ban_in }}</p>{% endblock main %}\n",
    );
    site.build_ok();
    let page = site.page("thu-tuc/a/index.html");
    assert_eq!(page.text(".room"), "Phòng 3, tầng 1 <b>");
    assert_eq!(page.text(".copies"), "2");
    assert!(page.source.contains("Phòng 3, tầng 1 &lt;b&gt;"));
}

#[test]
fn a_fee_in_dollars_with_cents_builds_and_reads_as_written() {
    let site = TestSite::new();
    let usd = "    fee:\n      text: \"Lệ phí : 1.5 USD\"\n      kind: fixed\n      amount: 1.5\n      currency: USD\n";
    site.record(
        "thi-thuc.md",
        &record("1.001194", "Cấp thị thực").replace("    fee: \"Miễn phí\"\n", usd),
    );
    site.record("khai-sinh.md", &record("1.000001", "Khai sinh"));
    site.build_ok();
    let page = site.page("thu-tuc/thi-thuc/index.html");
    assert_eq!(page.text(".before .fee"), "1,5 USD");
    let list = site.page("a-z/index.html");
    assert!(list.source.contains("1,5 USD"), "the list shows the fee");
}

#[test]
fn cents_of_a_dong_are_one_error_not_two() {
    let site = TestSite::new();
    let bad = "    fee:\n      text: \"1.5\"\n      kind: fixed\n      amount: 1.5\n";
    site.record(
        "a.md",
        &record("1.000001", "Khai sinh").replace("    fee: \"Miễn phí\"\n", bad),
    );
    let check = site.check();
    let errors: Vec<_> = check
        .diagnostics
        .iter()
        .filter(|d| d.severity == sotay::diagnostics::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field.as_deref(), Some("channels[0].fee.amount"));
    assert_eq!(errors[0].message.vi, "phí tính bằng đồng không có phần lẻ");
}

#[test]
fn related_codes_are_published_once_and_never_to_the_page_itself() {
    let site = TestSite::new();
    site.record(
        "a.md",
        &record("1.000001", "Khai sinh").replace(
            "levels: [commune]",
            "levels: [commune]\nrelated: [\"1.000001\", \"1.000002\", \"1.000002\"]",
        ),
    );
    site.record("b.md", &record("1.000002", "Kết hôn"));
    let check = site.check_output();
    assert!(
        check.contains("thủ tục tự ghi chính mình là thủ tục liên quan"),
        "{check}"
    );
    assert!(
        check.contains("`1.000002` đã có trong `related`"),
        "{check}"
    );
    assert!(
        check.contains("--> content/procedures/a.md:6:11"),
        "{check}"
    );
    assert!(
        check.contains("--> content/procedures/a.md:6:35"),
        "{check}"
    );
    site.build_ok();
    let page = site.page("thu-tuc/a/index.html");
    let links = page.attrs("a", "href");
    assert_eq!(
        links.iter().filter(|l| l.contains("thu-tuc/b/")).count(),
        1,
        "{links:?}"
    );
    assert!(!links.iter().any(|l| l.contains("thu-tuc/a/")), "{links:?}");
}
