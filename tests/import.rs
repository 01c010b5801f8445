//! `sotay import list`: the national portal's list exports become record stubs that
//! build, without touching a record the handbook has; malformed sheets are reported
//! at their cell.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::TestSite;
use sotay::diagnostics::{Diagnostics, Format, Language, render};
use sotay::import::{ImportReport, import_list};

fn exports() -> Vec<PathBuf> {
    let dir = common::shared_records().join("../import");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "the shared exports: {files:?}");
    files
}

fn import(site: &TestSite, file: &Path) -> ImportReport {
    match import_list(site.root(), file, false) {
        Ok(report) => report,
        Err(problems) => panic!("{}", text(&problems)),
    }
}

fn import_error(site: &TestSite, file: &Path) -> String {
    match import_list(site.root(), file, false) {
        Ok(report) => panic!("imported {} records", report.created.len()),
        Err(problems) => text(&problems),
    }
}

fn text(problems: &Diagnostics) -> String {
    render(problems, Format::Human, Language::Vi)
}

/// Every file under content/procedures with its bytes.
fn snapshot(site: &TestSite) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> =
        walkdir::WalkDir::new(site.root().join("content/procedures"))
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
            .collect();
    files.sort();
    files
}

/// A one-sheet .xlsx with `rows` as text cells: the smallest file spreadsheet
/// programs and calamine read.
fn xlsx(site: &TestSite, name: &str, rows: &[&[&str]]) -> PathBuf {
    xlsx_merged(site, name, rows, &[])
}

/// The same, with merged cells ("A4:A6").
fn xlsx_merged(site: &TestSite, name: &str, rows: &[&[&str]], merged: &[&str]) -> PathBuf {
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in row.iter().enumerate() {
            let col = (b'A' + c as u8) as char;
            let escaped = cell.replace('&', "&amp;").replace('<', "&lt;");
            sheet.push_str(&format!(
                "<c r=\"{col}{}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{escaped}</t></is></c>",
                r + 1
            ));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData>");
    if !merged.is_empty() {
        sheet.push_str(&format!("<mergeCells count=\"{}\">", merged.len()));
        for m in merged {
            sheet.push_str(&format!("<mergeCell ref=\"{m}\"/>"));
        }
        sheet.push_str("</mergeCells>");
    }
    sheet.push_str("</worksheet>");
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let path = site.root().join(name);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for (name, text) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    path
}

const HEADER: &[&str] = &[
    "Mã số",
    "Tên",
    "Cơ quan ban hành",
    "Cơ quan thực hiện",
    "Lĩnh vực",
];

#[test]
fn every_shared_export_imports_builds_and_imports_again_as_nothing() {
    let site = TestSite::new();
    let mut created = 0;
    for file in exports() {
        let report = import(&site, &file);
        assert!(
            report.warnings.errors() == 0,
            "{}: {}",
            file.display(),
            text(&report.warnings)
        );
        assert!(!report.created.is_empty(), "{}", file.display());
        created += report.created.len();
    }
    let before = snapshot(&site);
    assert_eq!(before.len(), created);
    // The stubs build, links checked, and say what they are.
    let report = site.build_ok();
    assert!(report.pages > created);
    let page = site.page("thu-tuc/3-000164-dang-ky-nhan-cac-thong-bao-van-ban-to-tung/index.html");
    assert_eq!(
        page.text("h1"),
        "Đăng ký nhận các thông báo, văn bản tố tụng bằng phương tiện điện tử"
    );
    assert_eq!(
        page.text(".before.incomplete h2"),
        "Thông tin chi tiết chưa được công bố"
    );
    assert!(
        page.text("#noi-nop ~ dl")
            .contains("Tòa án nhân dân cấp cao")
    );
    // Importing the same lists again changes nothing.
    for file in exports() {
        let report = import(&site, &file);
        assert!(report.created.is_empty(), "{}", file.display());
        assert!(!report.existing.is_empty());
    }
    assert!(snapshot(&site) == before, "no record changed");
}

#[test]
fn a_record_the_handbook_has_is_never_touched_and_records_not_listed_are_named() {
    let site = TestSite::new();
    let mine = common::record("3.000164", "Đăng ký nhận văn bản tố tụng điện tử");
    let kept = site.record("to-tung.md", &mine);
    let other = site.record(
        "khai-sinh.md",
        &common::record("1.000689", "Đăng ký khai sinh"),
    );
    let file = exports()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("toa-an"))
        .unwrap();
    let dry = import_list(site.root(), &file, true).unwrap();
    assert_eq!(dry.created.len(), 2, "the list has three; one is here");
    assert_eq!(snapshot(&site).len(), 2, "a dry run writes nothing");
    let report = import(&site, &file);
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), mine);
    assert_eq!(report.existing.len(), 1);
    assert_eq!(
        report.existing[0].0,
        Path::new("content/procedures/to-tung.md")
    );
    assert_eq!(
        report.not_in_list,
        [(
            other.strip_prefix(site.root()).unwrap().to_path_buf(),
            "1.000689".to_string()
        )]
    );
}

#[test]
fn rows_merge_by_code_and_codes_are_read_as_typed() {
    let site = TestSite::new();
    let file = xlsx(
        &site,
        "list.xlsx",
        &[
            &["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nDANH SÁCH THỦ TỤC HÀNH CHÍNH"],
            &[],
            HEADER,
            &[
                " 1.000689 ",
                "Đăng ký khai sinh ",
                "Bộ Tư pháp",
                "UBND cấp xã",
                "Hộ tịch",
            ],
            &[
                "1.000689.",
                "Đăng ký khai sinh",
                "Bộ Tư pháp",
                "UBND cấp xã\nUBND cấp huyện",
                "Hộ tịch",
            ],
            &[
                "2. 000779",
                "Đăng ký nhận cha, mẹ, con",
                "Bộ Tư pháp",
                "UBND cấp xã",
                "Hộ tịch",
            ],
            &[
                "2.000779",
                "Đăng ký kết hôn",
                "Bộ Tư pháp",
                "UBND cấp xã",
                "Hộ tịch",
            ],
            &["không mã", "Một dòng ghi chú", "", "", ""],
        ],
    );
    let report = import(&site, &file);
    let codes: Vec<&str> = report
        .created
        .iter()
        .map(|(_, l)| l.code.as_str())
        .collect();
    assert_eq!(codes, ["1.000689", "2.000779"]);
    let stub = std::fs::read_to_string(site.root().join(&report.created[0].0)).unwrap();
    assert!(stub.contains("code: \"1.000689\"\n"), "{stub}");
    assert!(
        stub.contains("agency: \"UBND cấp xã; UBND cấp huyện\"\n"),
        "{stub}"
    );
    assert!(stub.contains("incomplete: true\n"), "{stub}");
    let warnings = text(&report.warnings);
    assert!(
        warnings.contains("Danh sách!B7: mã 2.000779 đã có ở dòng 6 với tên khác"),
        "{warnings}"
    );
    assert!(
        warnings.contains("Danh sách!A8: `không mã` không phải mã thủ tục"),
        "{warnings}"
    );
}

#[test]
fn a_merged_cell_counts_for_every_row_it_covers() {
    let site = TestSite::new();
    // Lĩnh vực and Cơ quan ban hành written once for three rows, as lists are laid out.
    let file = xlsx_merged(
        &site,
        "merged.xlsx",
        &[
            HEADER,
            &[
                "1.000689",
                "Đăng ký khai sinh",
                "Bộ Tư pháp",
                "UBND cấp xã",
                "Hộ tịch",
            ],
            &["1.000894", "Đăng ký kết hôn", "", "UBND cấp xã", ""],
            &["1.000656", "Đăng ký khai tử", "", "UBND cấp xã", ""],
        ],
        &["C2:C4", "E2:E4"],
    );
    let report = import(&site, &file);
    assert_eq!(report.warnings.warnings(), 0, "{}", text(&report.warnings));
    let fields: Vec<(&str, Option<&str>)> = report
        .created
        .iter()
        .map(|(_, l)| (l.field.as_str(), l.issuer.as_deref()))
        .collect();
    assert_eq!(fields, [("Hộ tịch", Some("Bộ Tư pháp")); 3]);
}

#[test]
fn sheets_without_their_header_a_column_or_rows_are_refused() {
    let site = TestSite::new();
    let no_header = xlsx(
        &site,
        "a.xlsx",
        &[&["1.000689", "Đăng ký khai sinh", "Hộ tịch"]],
    );
    let out = import_error(&site, &no_header);
    assert!(
        out.contains("không có dòng nào ghi tên cột Mã số và Tên"),
        "{out}"
    );
    let no_field = xlsx(
        &site,
        "b.xlsx",
        &[
            &["Mã số", "Tên", "Cơ quan thực hiện"],
            &["1.000689", "Khai sinh", "UBND"],
        ],
    );
    let out = import_error(&site, &no_field);
    assert!(
        out.contains("dòng tiêu đề (Danh sách!1:1) không có cột Lĩnh vực"),
        "{out}"
    );
    let empty = xlsx(&site, "c.xlsx", &[]);
    let out = import_error(&site, &empty);
    assert!(
        out.contains("trang tính Danh sách không có dòng nào"),
        "{out}"
    );
    let other = site.write("d.pdf", "%PDF");
    let out = import_error(&site, &other);
    assert!(
        out.contains("sotay đọc bảng tính (.xlsx, .xls, .ods) và tệp .csv"),
        "{out}"
    );
    assert_eq!(snapshot(&site).len(), 0, "nothing written");
}

#[test]
fn csv_in_utf8_with_a_bom_or_in_windows_1258_is_read() {
    let site = TestSite::new();
    let rows =
        "Mã số;Tên;Cơ quan thực hiện;Lĩnh vực\n1.000689;Đăng ký khai sinh;UBND cấp xã;Hộ tịch\n";
    let bom = site.write("bom.csv", format!("\u{feff}{rows}"));
    let report = import(&site, &bom);
    assert_eq!(report.created[0].1.title, "Đăng ký khai sinh");
    assert_eq!(report.warnings.warnings(), 0);
    // Windows-1258 writes the tone as a combining mark after the letter: "Hộ" is
    // ô (0xF4) then the dot below (0xF2).
    let mut legacy =
        b"Ma\xDE s\xF4\xEC,T\xEAn,C\xF5 quan th\xFD\xF2c hi\xEA\xF2n,Li\xDEnh v\xFD\xF2c\n"
            .to_vec();
    legacy.extend_from_slice(
        b"2.000779,K\xEA\xECt h\xF4n,UBND c\xE2\xECp xa\xDE,H\xF4\xF2 ti\xF2ch\n",
    );
    let file = site.root().join("legacy.csv");
    std::fs::write(&file, legacy).unwrap();
    let report = import(&site, &file);
    assert_eq!(report.created.len(), 1);
    assert_eq!(report.created[0].1.field, "Hộ tịch");
    let warnings = text(&report.warnings);
    assert!(
        warnings.contains("không phải UTF-8; sotay đã đọc theo bảng mã Windows-1258"),
        "{warnings}"
    );
}

#[test]
fn incomplete_records_are_marked_and_strict_check_refuses_them() {
    let site = TestSite::new();
    site.record(
        "khai-sinh.md",
        &common::record("1.000689", "Đăng ký khai sinh"),
    );
    site.record(
        "ket-hon.md",
        "---\ncode: \"2.000779\"\ntitle: \"Đăng ký kết hôn\"\nfield: \"Hộ tịch\"\nincomplete: true\n---\n",
    );
    let config = std::fs::read_to_string(site.root().join("sotay.yaml")).unwrap();
    site.write(
        "sotay.yaml",
        format!(
            "{config}portal_search: \"https://dichvucong.example.gov.vn/tim?keyword={{code}}\"\n"
        ),
    );
    site.build_ok();
    let list = site.page("linh-vuc/ho-tich/index.html");
    assert_eq!(list.texts(".meta .incomplete"), ["Chưa đủ thông tin"]);
    let page = site.page("thu-tuc/ket-hon/index.html");
    assert!(
        page.text(".before.incomplete")
            .contains("Sổ tay chưa có hồ sơ cần nộp, phí, thời hạn")
    );
    assert_eq!(
        page.attrs(".before.incomplete a[href^='https']", "href"),
        ["https://dichvucong.example.gov.vn/tim?keyword=2.000779"]
    );
    // Not knowing the channels is not "in person only".
    assert_eq!(page.count(".badge-none"), 0);
    let report = site.check();
    assert_eq!(report.diagnostics.errors(), 0);
    let out = site.check_output();
    assert!(
        out.contains("1 hồ sơ chưa đủ thông tin (`incomplete: true`)"),
        "{out}"
    );
    let strict = sotay::build::check_strict(site.root());
    assert_eq!(strict.diagnostics.errors(), 1);
}
