//! `sotay check` and `sotay build` are two views of one pipeline: whatever stops a
//! build makes check fail with the same diagnostic, at the file and line staff edit.

mod common;

use std::path::Path;

use common::{TestSite, record};
use sotay::diagnostics::{Diagnostics, Format, Language, render, render_json};

fn lines(diagnostics: &Diagnostics) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| render_json(d, Language::En))
        .collect()
}

/// Checks and builds `site`, asserts both report exactly the same problems and
/// that there is an error; returns what check prints (in the handbook's language).
fn fails_the_same(site: &TestSite) -> String {
    let check = site.check();
    let build = match site.build() {
        Ok(_) => panic!("the build succeeded"),
        Err(failure) => failure,
    };
    assert!(check.diagnostics.has_errors(), "check passed");
    assert_eq!(lines(&check.diagnostics), lines(&build.diagnostics));
    assert!(!site.root().join("public").exists(), "nothing is written");
    render(&check.diagnostics, Format::Human, check.language)
}

fn site_with_a_record() -> TestSite {
    let site = TestSite::new();
    site.record("khai-sinh.md", &record("1.000001", "Đăng ký khai sinh"));
    site
}

/// A copy of the built-in theme as a site's own `themes/mine/`.
fn own_theme(site: &TestSite) -> std::path::PathBuf {
    let theme = site.root().join("themes/mine");
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &theme,
    );
    site.write("sotay.yaml", format!("{}theme: mine\n", common::CONFIG));
    theme
}

#[test]
fn a_template_syntax_error() {
    let site = site_with_a_record();
    site.write(
        "templates/procedure.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }</h1>\n{% endblock main %}\n",
    );
    let out = fails_the_same(&site);
    assert!(out.contains("--> templates/procedure.html:3:"), "{out}");
    assert!(out.contains("lỗi mẫu trang (template)"), "{out}");
    // Tera's own words, said in Vietnamese.
    assert!(out.contains("nhưng cần"), "{out}");
    assert!(!out.contains("expected"), "{out}");
}

#[test]
fn a_template_error_while_rendering() {
    let site = site_with_a_record();
    site.write(
        "templates/procedure.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }}</h1>\n<p>{{ page.no_such_field.deeper }}</p>\n{% endblock main %}\n",
    );
    let out = fails_the_same(&site);
    assert!(out.contains("--> templates/procedure.html:4:"), "{out}");
    assert!(out.contains("không có trường `no_such_field`"), "{out}");
    assert!(out.contains("thu-tuc/khai-sinh/index.html"), "{out}");
    // Reported once, not once per page.
    assert_eq!(out.matches("no_such_field").count(), 2, "{out}");
}

#[test]
fn a_search_page_template_error() {
    let site = site_with_a_record();
    site.write(
        "templates/search.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ page.no_such_field.deeper }}\n{% endblock main %}\n",
    );
    let out = fails_the_same(&site);
    assert!(out.contains("--> templates/search.html:3:"), "{out}");
}

#[test]
fn a_broken_link_in_a_record_body() {
    let site = TestSite::new();
    site.record(
        "a.md",
        &format!(
            "{}\nXem thêm [thủ tục kết hôn](../ket-hon/index.html).\n",
            record("1.000001", "Khai sinh")
        ),
    );
    let out = fails_the_same(&site);
    assert!(out.contains("--> content/procedures/a.md:15:28"), "{out}");
    assert!(
        out.contains("liên kết `../ket-hon/index.html` không dẫn tới trang nào của sổ tay"),
        "{out}"
    );
}

#[test]
fn a_broken_link_in_a_template_is_reported_once_at_its_line() {
    let site = site_with_a_record();
    site.record("ket-hon.md", &record("1.000002", "Kết hôn"));
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap();
    let at = base
        .find("</footer>")
        .expect("the base template has a footer");
    let broken = format!(
        "{}<a href=\"{{{{ root }}}}lien-he/index.html\">Liên hệ</a>{}",
        &base[..at],
        &base[at..]
    );
    site.write("templates/base.html", &broken);
    let out = fails_the_same(&site);
    let line = base[..at].matches('\n').count() + 1;
    assert!(
        out.contains(&format!("--> templates/base.html:{line}:")),
        "{out}"
    );
    assert_eq!(out.matches("lỗi:").count(), 1, "{out}");
}

#[test]
fn a_theme_without_strings_for_the_language() {
    let site = site_with_a_record();
    let theme = own_theme(&site);
    std::fs::remove_file(theme.join("i18n/vi.yaml")).unwrap();
    let out = fails_the_same(&site);
    assert!(
        out.contains("giao diện thiếu tệp chữ cho ngôn ngữ này (i18n/vi.yaml)"),
        "{out}"
    );
}

#[test]
fn a_theme_that_does_not_exist() {
    let site = site_with_a_record();
    site.write("sotay.yaml", format!("{}theme: khong-co\n", common::CONFIG));
    let out = fails_the_same(&site);
    assert!(out.contains("sotay.yaml (ở trường `theme`)"), "{out}");
    assert!(out.contains("không có giao diện `khong-co`"), "{out}");
}

#[test]
fn content_and_template_errors_are_reported_in_one_run() {
    let site = TestSite::new();
    site.record(
        "a.md",
        &record("1.000001", "Khai sinh").replace("levels: [commune]", "levels: [comune]"),
    );
    site.write(
        "templates/list.html",
        "{% extends \"base.html\" %}\n{% block main %}{% if x %}\n{% endblock main %}\n",
    );
    let out = fails_the_same(&site);
    assert!(out.contains("`comune`"), "{out}");
    assert!(out.contains("templates/list.html"), "{out}");
}

#[test]
fn a_theme_missing_one_string_warns_and_shows_the_built_in_text() {
    let site = site_with_a_record();
    let theme = own_theme(&site);
    let strings = theme.join("i18n/vi.yaml");
    let text = std::fs::read_to_string(&strings).unwrap();
    std::fs::write(&strings, text.replace("  home: \"Trang chủ\"\n", "")).unwrap();

    let check = site.check();
    let report = site.build_ok();
    assert_eq!(lines(&check.diagnostics), lines(&report.warnings));
    let out = render(&check.diagnostics, Format::Human, check.language);
    assert!(
        out.contains("cảnh báo: giao diện thiếu chuỗi giao diện `nav.home`"),
        "{out}"
    );
    assert!(out.contains("themes/mine/i18n/vi.yaml"), "{out}");
    let page = site.page("thu-tuc/khai-sinh/index.html");
    assert_eq!(page.texts(".breadcrumbs li")[0], "Trang chủ");
    assert!(!page.source.contains("nav.home"));
}

#[test]
fn an_output_folder_that_is_not_ours_fails_check_too() {
    let site = site_with_a_record();
    site.write("public/index.html", "someone else's site");
    let check = site.check();
    let out = render(&check.diagnostics, Format::Human, check.language);
    assert!(out.contains("không do sotay tạo"), "{out}");
    let failure = match site.build() {
        Ok(_) => panic!("the build replaced a folder it did not make"),
        Err(failure) => failure,
    };
    assert_eq!(lines(&check.diagnostics), lines(&failure.diagnostics));
    assert_eq!(
        std::fs::read_to_string(site.root().join("public/index.html")).unwrap(),
        "someone else's site"
    );
}

#[test]
fn the_previews_errors_are_checks_errors_without_its_warnings() {
    // The real records warn about plenty; a clash of codes and a missing office are errors.
    let site = TestSite::shared();
    site.record("a.md", &record("1.000001", "Thủ tục A"));
    site.record("b.md", &record("1.000001", "Thủ tục B"));
    site.record(
        "c.md",
        &record("1.000002", "Thủ tục C").replace("field:", "offices: [khong-co]\nfield:"),
    );
    let sources = site.load();
    let all = sources.diagnostics();
    assert!(all.warnings() > 100, "{} warnings", all.warnings());
    let errors: Vec<String> = all
        .iter()
        .filter(|d| d.severity == sotay::diagnostics::Severity::Error)
        .map(|d| render_json(d, Language::En))
        .collect();
    assert!(errors.len() >= 2, "{errors:?}");
    assert_eq!(lines(&sources.errors()), errors);
}
