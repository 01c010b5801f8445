//! One folder per kind of broken content under `tests/fixtures/invalid/`: each must
//! give the diagnostic a staff member can act on (snapshot-reviewed), at the right line
//! of the right file, and the site's other records must still be checked.

mod common;

use std::path::Path;

use common::{TestSite, record};

/// A valid record every case site also holds; it must load whatever else is broken.
const GOOD_CODE: &str = "9.999999";

fn case_site(case: &str) -> TestSite {
    let site = TestSite::new();
    site.record(
        "ok.md",
        &record(GOOD_CODE, "Chứng thực bản sao từ bản chính"),
    );
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid")
        .join(case);
    assert!(from.is_dir(), "no fixture {case}");
    common::copy_dir(&from, site.root());
    site
}

/// Checks the case and returns what `sotay check` prints.
fn check_case(site: &TestSite) -> String {
    let report = site.check();
    let out = sotay::diagnostics::render(
        &report.diagnostics,
        sotay::diagnostics::Format::Human,
        report.language,
    );
    assert!(report.diagnostics.has_errors(), "expected an error:\n{out}");
    assert!(
        !out.contains("--> content/procedures/ok.md"),
        "the good record was blamed:\n{out}"
    );
    assert!(
        site.load().records().iter().any(|r| r.code == GOOD_CODE),
        "the good record was not loaded"
    );
    out
}

macro_rules! invalid_case {
    ($name:ident, $case:literal) => {
        #[test]
        fn $name() {
            let out = check_case(&case_site($case));
            insta::assert_snapshot!($case, out);
        }
    };
}

invalid_case!(unknown_keys_suggest_the_right_one, "unknown-key");
invalid_case!(bad_keywords_suggest_the_right_one, "bad-keyword");
invalid_case!(unquoted_code_is_refused, "code-as-number");
invalid_case!(code_with_spaces_is_refused, "bad-code");
invalid_case!(fee_amounts_must_be_whole, "bad-fee");
invalid_case!(yaml_syntax_error_has_its_line, "invalid-yaml");
invalid_case!(record_without_front_matter, "no-front-matter");
invalid_case!(front_matter_must_be_closed, "unterminated-front-matter");
invalid_case!(empty_file, "empty-file");
invalid_case!(invalid_utf8_names_line_and_column, "invalid-utf8");
invalid_case!(bom_and_crlf_keep_line_numbers, "bom-crlf");
invalid_case!(alias_bomb_is_refused, "alias-bomb");
invalid_case!(duplicate_codes, "duplicate-code");
invalid_case!(two_records_for_one_page, "same-page");
invalid_case!(
    references_to_missing_records_and_offices,
    "broken-references"
);
invalid_case!(form_files_missing_or_outside_content, "form-files");
invalid_case!(required_fields_missing, "missing-fields");
invalid_case!(config_typos, "config-typo");
invalid_case!(status_and_dates, "status-and-dates");
invalid_case!(yaml_record_lines, "yaml-record");
invalid_case!(values_of_the_wrong_shape, "wrong-shapes");
invalid_case!(yaml_syntax_errors_in_vietnamese, "yaml-syntax");

#[test]
fn the_parsers_words_are_said_in_vietnamese() {
    let out = check_case(&case_site("yaml-syntax"));
    for english in ["while ", "found ", "expected", "not allowed", "duplicate"] {
        assert!(!out.contains(english), "{english:?} in:\n{out}");
    }
    // A key given twice inside a channel is shown where it is given the second time,
    // with the field it is.
    assert!(out.contains("khoa-lap.md:11:7"), "{out}");
    assert!(out.contains("ở trường `channels[0].time.text`"), "{out}");
    assert!(out.contains("không được có `: ` ở đây"), "{out}");
    // A list left open is shown at its `[`, not at the end of the front matter.
    assert!(out.contains("danh-sach.md:5:9"), "{out}");
    assert!(out.contains("thụt lề bằng dấu cách"), "{out}");
}

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    let out = check_case(&case_site("unknown-key"));
    assert!(out.contains("không có trường `chanels`"), "{out}");
    assert!(out.contains("không có trường `orignals`"), "{out}");
    assert!(out.contains("có phải ý bạn là `channels`?"), "{out}");
    assert!(out.contains("content/procedures/khai-sinh.md:6:1"), "{out}");
}

#[test]
fn crlf_file_reports_its_own_line() {
    let out = check_case(&case_site("bom-crlf"));
    // Line 8 of the file is `  - via: in_persn` (line 1 is the fence, with a BOM).
    assert!(out.contains("khai-sinh.md:8:10"), "{out}");
    assert!(out.contains("có phải ý bạn là `in_person`?"), "{out}");
}

#[test]
fn hundred_thousand_deep_nesting_is_refused() {
    let site = TestSite::new();
    site.record("ok.md", &record(GOOD_CODE, "Chứng thực"));
    let deep = format!(
        "---\ncode: \"1.0\"\ntitle: \"x\"\nfield: \"x\"\nlevels: [commune]\nextra:\n  a: {}{}\n---\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    site.record("deep.md", &deep);
    let out = check_case(&site);
    assert!(
        out.contains("lỗi: YAML không hợp lệ: các giá trị lồng nhau quá 64 cấp"),
        "{out}"
    );
    assert!(out.contains("deep.md:7:"), "{out}");
}

#[test]
fn a_number_too_long_to_read_is_said_so_with_its_line() {
    let site = TestSite::new();
    site.record("ok.md", &record(GOOD_CODE, "Chứng thực"));
    let text = record("1.000001", "Đăng ký khai sinh").replacen(
        "---\n",
        "---\nbank_account: 123456789012345678901234\n",
        1,
    );
    site.record("huge.md", &text);
    let out = check_case(&site);
    assert!(
        out.contains("lỗi: YAML không hợp lệ: số quá dài, không đọc được (hơn 19 chữ số)"),
        "{out}"
    );
    assert!(out.contains("huge.md:2:15"), "{out}");
    assert!(out.contains("đặt nó trong ngoặc kép"), "{out}");
}

#[test]
fn ten_megabyte_body_is_refused_without_reading_it_all() {
    let site = TestSite::new();
    site.record("ok.md", &record(GOOD_CODE, "Chứng thực"));
    let mut huge = record("1.000001", "Rất dài");
    huge.push_str(&"Nội dung rất dài. ".repeat(10 * 1024 * 1024 / 20));
    site.record("huge.md", &huge);
    let out = check_case(&site);
    assert!(out.contains("huge.md"), "{out}");
    assert!(
        out.contains("mỗi tệp nội dung chỉ được tối đa 2097152 byte"),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        record("1.000002", "Bí mật"),
    )
    .unwrap();
    let site = TestSite::new();
    site.record("ok.md", &record(GOOD_CODE, "Chứng thực"));
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        site.root().join("content/procedures/link.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path(),
        site.root().join("content/procedures/folder"),
    )
    .unwrap();
    let out = check_case(&site);
    assert!(out.contains("content/procedures/link.md"), "{out}");
    assert!(out.contains("content/procedures/folder"), "{out}");
    assert!(out.contains("trỏ ra ngoài thư mục sổ tay"), "{out}");
    let loaded = site.load();
    assert!(!loaded.records().iter().any(|r| r.code == "1.000002"));
}

/// One rule for every file sotay reads: it resolves inside the site, or it is an
/// error naming the link, and its content is never read (nor shown in a snippet).
#[cfg(unix)]
#[test]
fn nothing_outside_the_site_is_read_or_published() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let secret = |name: &str, text: &str| {
        let path = outside.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    };
    let page = secret(
        "page.md",
        "---\ntitle: BI-MAT-TRANG\n---\nBI-MAT-NOI-DUNG\n",
    );
    let broken = secret("broken.md", "BI-MAT-DONG-1\n---\ntitle: [BI-MAT-DONG-3\n");
    let offices = secret(
        "offices.yaml",
        "- id: bi-mat\n  name: BI-MAT-CO-QUAN\n  address: x\n",
    );
    secret("static/secret.txt", "BI-MAT-TINH");
    secret("templates/404.html", "BI-MAT-MAU");
    secret("theme/templates/base.html", "BI-MAT-GIAO-DIEN");

    let links = [
        ("content/pages/trang.md", page.clone()),
        ("content/pages/env.md", "/proc/self/environ".into()),
        ("content/pages/hong.md", broken),
        ("content/offices.yaml", offices),
        ("static", outside.path().join("static")),
        ("templates", outside.path().join("templates")),
        ("themes/ngoai", outside.path().join("theme")),
    ];
    for (theme, named) in [
        ("ngoai", "themes/ngoai"),
        (outside.path().join("theme").to_str().unwrap(), "theme"),
        ("../ngoai", "theme"),
    ] {
        let site = TestSite::new();
        site.record("ok.md", &record(GOOD_CODE, "Chứng thực"));
        site.write(
            "sotay.yaml",
            format!("{}theme: \"{theme}\"\n", common::CONFIG),
        );
        std::fs::create_dir_all(site.root().join("content/pages")).unwrap();
        std::fs::create_dir_all(site.root().join("themes")).unwrap();
        for (link, target) in &links {
            symlink(target, site.root().join(link)).unwrap();
        }
        let out = check_case(&site);
        assert!(!out.contains("BI-MAT"), "{out}");
        assert!(!out.contains("PATH="), "{out}");
        for (link, _) in &links[..4] {
            assert!(out.contains(&format!("--> {link}")), "{link}: {out}");
        }
        assert!(out.contains(named), "{named}: {out}");
        let failed = site.build_error();
        assert!(!failed.contains("BI-MAT"), "{failed}");
        assert!(!site.root().join("public").exists());
    }
}

#[cfg(unix)]
#[test]
fn symlinks_inside_the_site_are_followed() {
    let site = TestSite::new();
    site.write("shared/khai-sinh.md", record("1.000003", "Khai sinh"));
    std::os::unix::fs::symlink(
        site.root().join("shared/khai-sinh.md"),
        site.root().join("content/procedures/khai-sinh.md"),
    )
    .unwrap();
    let loaded = site.load();
    assert_eq!(loaded.diagnostics().errors(), 0);
    assert!(loaded.records().iter().any(|r| r.code == "1.000003"));
}

#[test]
fn control_characters_are_refused_and_invisible_marks_warned_about() {
    let site = TestSite::new();
    site.record("ok.md", &record(GOOD_CODE, "Chứng thực"));
    site.record(
        "a.md",
        &record("1.000001", "Khai sinh\u{202e}xeT").replace(
            "field: \"Hộ tịch\"",
            "field: \"Hộ\u{0}tịch\"\nagency: \"UBND\u{200b} xã\"",
        ),
    );
    let out = check_case(&site);
    assert!(
        out.contains("lỗi: văn bản có ký tự điều khiển U+202E"),
        "{out}"
    );
    assert!(out.contains("--> content/procedures/a.md:3:18"), "{out}");
    assert!(
        out.contains("lỗi: văn bản có ký tự điều khiển U+0000"),
        "{out}"
    );
    assert!(out.contains("--> content/procedures/a.md:4:11"), "{out}");
    assert!(
        out.contains("cảnh báo: văn bản có ký tự ẩn U+200B"),
        "{out}"
    );
    // Nothing is published while the override is there.
    assert!(site.build().is_err());
}

#[test]
fn implausible_fees_and_times_are_warned_about_with_their_bound() {
    let site = TestSite::new();
    let channels = "channels:\n  - via: in_person\n    time: \"99999 ngày\"\n    fee: { text: \"x\", amount: 1000000000000000 }\n  - via: post\n    time: { text: \"5\", value: 5 }\n    fee: \"2000 USD\"\n  - via: online\n    time: \"250 ngày làm việc\"\n    fee: \"150.000.000 đồng\"\n";
    let text = record(GOOD_CODE, "Chứng thực").replace(
        "channels:\n  - via: in_person\n    time: \"5 ngày làm việc\"\n    fee: \"Miễn phí\"\n",
        channels,
    );
    site.record("a.md", &text);
    let report = site.check();
    let out = sotay::diagnostics::render(
        &report.diagnostics,
        sotay::diagnostics::Format::Human,
        report.language,
    );
    assert_eq!(report.diagnostics.errors(), 0, "{out}");
    assert!(
        out.contains("phí 1000000000000000 đồng lớn hơn 1500000000 đồng"),
        "{out}"
    );
    assert!(out.contains("a.md:10:10"), "{out}");
    assert!(
        out.contains("thời hạn giải quyết `99999 ngày` dài hơn hai năm"),
        "{out}"
    );
    assert!(out.contains("a.md:9:11"), "{out}");
    assert!(
        out.contains("thời hạn giải quyết có `value: 5` nhưng không có đơn vị"),
        "{out}"
    );
    // The largest fee and the longest time of the national database pass.
    assert_eq!(report.diagnostics.warnings(), 3, "{out}");
}

#[test]
fn no_shared_record_is_implausible() {
    let site = TestSite::shared();
    let out = site.check_output();
    for bound in ["lớn hơn 1500000000", "lớn hơn 10000 USD", "dài hơn hai năm"] {
        assert!(!out.contains(bound), "{bound}: {out}");
    }
}

#[test]
fn syntax_errors_point_at_the_line_that_needs_the_fix() {
    let site = TestSite::new();
    site.record("ok.md", &record(GOOD_CODE, "Chứng thực"));
    site.record(
        "a.md",
        "---\ncode: \"1.000001\"\ntitle: \"Khai sinh\nfield: \"Hộ tịch\"\nlevels: [commune]\n---\n",
    );
    site.record(
        "b.md",
        "---\ncode: \"1.000002\"\ntitle: \"Khai tử\"\nfield: \"Hộ tịch\"\ntitle: \"Lần hai\"\n---\n",
    );
    let mut template: Vec<String> = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/page.html"),
    )
    .unwrap()
    .lines()
    .map(String::from)
    .collect();
    template.insert(3, "{% if page.title %}".into());
    site.write("templates/page.html", template.join("\n"));
    let out = check_case(&site);
    assert!(out.contains("--> content/procedures/a.md:3:8"), "{out}");
    assert!(
        out.contains("chuỗi bắt đầu ở đây chưa đóng dấu nháy"),
        "{out}"
    );
    assert!(out.contains("--> content/procedures/b.md:5:1"), "{out}");
    assert!(out.contains("khóa `title` xuất hiện lần thứ hai"), "{out}");
    assert!(out.contains("--> templates/page.html:4:1"), "{out}");
    assert!(out.contains("`{% if %}` chưa được đóng"), "{out}");
}

#[test]
fn an_unknown_filter_is_placed_in_its_template() {
    let site = TestSite::new();
    site.record("ok.md", &record(GOOD_CODE, "Chứng thực"));
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ title | khong_co }}</h1>\n{% endblock main %}\n",
    );
    let out = site.check_output();
    assert!(out.contains("không có bộ lọc (filter) `khong_co`"), "{out}");
    assert!(out.contains("--> templates/404.html:3:16"), "{out}");
    assert!(!out.contains("--> templates\n"), "{out}");
}

#[test]
fn offices_whose_ids_share_a_page_address_are_refused() {
    let site = TestSite::new();
    site.record("ok.md", &record(GOOD_CODE, "Chứng thực"));
    site.write(
        "content/offices.yaml",
        "- id: mot-cua\n  name: Một cửa phường\n- id: Một-Cửa\n  name: Một cửa xã\n",
    );
    let out = check_case(&site);
    assert!(
        out.contains("--> content/offices.yaml:3"),
        "the second id is blamed: {out}"
    );
    assert!(
        out.contains("`mot-cua` và `Một-Cửa` cho cùng một địa chỉ trang"),
        "{out}"
    );
}

#[test]
fn a_synonym_that_stands_for_nothing_is_an_error_at_its_line() {
    let site = TestSite::new();
    site.record("ok.md", &record(GOOD_CODE, "Chứng thực"));
    site.write(
        "content/synonyms.yaml",
        "\"sổ đỏ\": \"quyền sử dụng đất\"\n\"sổ xanh\":\n",
    );
    let out = check_case(&site);
    assert!(out.contains("--> content/synonyms.yaml:2"), "{out}");
    assert!(
        out.contains("`sổ xanh` chưa ứng với tên chính thức nào"),
        "{out}"
    );
}
