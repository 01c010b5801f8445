//! The `sotay` binary as staff and CI run it: exit codes, output formats, `new`.

mod common;

use assert_cmd::Command;
use common::{TestSite, record};

fn sotay(site: &TestSite) -> Command {
    let mut cmd = Command::cargo_bin("sotay").unwrap();
    cmd.arg("--root").arg(site.root());
    cmd
}

/// Runs `sotay <args>` on the site, expects the exit code, returns (stdout, stderr).
fn run(site: &TestSite, args: &[&str], code: i32) -> (String, String) {
    let out = sotay(site)
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .clone();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn check_exits_1_on_errors_and_prints_them_like_rustc() {
    let site = TestSite::new();
    site.record(
        "a.md",
        &record("1.000001", "Đăng ký khai sinh").replace("levels: [commune]", "levels: [comune]"),
    );
    let (_, stderr) = run(&site, &["check"], 1);
    assert!(
        stderr.contains("lỗi: `comune` không phải giá trị hợp lệ ở đây"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--> content/procedures/a.md:5:10"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cách sửa: có phải ý bạn là `commune`?"),
        "{stderr}"
    );
    assert!(stderr.contains("1 lỗi, 0 cảnh báo"), "{stderr}");
    assert!(stderr.contains("đã kiểm tra 1 thủ tục"), "{stderr}");
}

#[test]
fn an_english_handbook_gets_english_diagnostics() {
    let site = TestSite::new();
    site.write("sotay.yaml", format!("{}language: en\n", common::CONFIG));
    site.record(
        "a.md",
        &record("1.000001", "Birth registration").replace("levels: [commune]", "levels: [phuongg]"),
    );
    let (_, stderr) = run(&site, &["check"], 1);
    assert!(
        stderr.contains("error: `phuongg` is not a valid value here"),
        "{stderr}"
    );
    // The Vietnamese word staff wrote leads to the key it stands for.
    assert!(
        stderr.contains("help: did you mean `commune` (phường)?"),
        "{stderr}"
    );
    assert!(stderr.contains("1 error, 0 warnings"), "{stderr}");
    assert!(stderr.contains("checked 1 procedure"), "{stderr}");
    assert!(!stderr.contains("lỗi"), "{stderr}");
}

#[test]
fn check_exits_0_with_warnings_only() {
    let site = TestSite::new();
    site.record(
        "a.md",
        &record("1.000001", "Khai sinh").replace("5 ngày làm việc", "5"),
    );
    let (_, stderr) = run(&site, &["check"], 0);
    assert!(
        stderr.contains("cảnh báo: thời hạn giải quyết `5` không có đơn vị"),
        "{stderr}"
    );
    assert!(stderr.contains("đã kiểm tra 1 thủ tục"), "{stderr}");
}

#[test]
fn check_json_is_one_object_per_problem() {
    let site = TestSite::new();
    site.record(
        "a.md",
        &record("1.000001", "Khai sinh").replace("fee: \"Miễn phí\"", "fee: 1.5"),
    );
    site.record("b.md", &record("1.000001", "Kết hôn"));
    let (stdout, _) = run(&site, &["check", "--format", "json"], 1);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().any(|d| d["field"] == "channels[0].fee"
        && d["line"] == 10
        && d["file"] == "content/procedures/a.md"));
    assert!(
        lines
            .iter()
            .any(|d| d["field"] == "code" && d["file"] == "content/procedures/b.md")
    );
}

#[test]
fn check_github_prints_workflow_annotations() {
    let site = TestSite::new();
    site.record(
        "a.md",
        &record("1.000001", "Khai sinh").replace("via: in_person", "via: truc tiep"),
    );
    site.record(
        "b.md",
        &record("1.000002", "Kết hôn").replace("via: in_person", "via: tận nơi"),
    );
    let (stdout, _) = run(&site, &["check", "--format", "github"], 1);
    // "truc tiep" is the Vietnamese alias of in_person, typed without diacritics: accepted.
    assert!(!stdout.contains("a.md"), "{stdout}");
    assert!(
        stdout.starts_with("::error file=content/procedures/b.md,line=8,col=10::channels[0].via: `tận nơi` không phải giá trị hợp lệ ở đây"),
        "{stdout}"
    );
}

#[test]
fn check_without_config_says_where_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("sotay")
        .unwrap()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("không có tệp sotay.yaml"), "{stderr}");
    assert!(stderr.contains("chưa có thư mục thủ tục"), "{stderr}");
}

#[test]
fn new_writes_a_valid_record_named_after_the_title_and_never_overwrites() {
    let site = TestSite::new();
    sotay(&site)
        .args(["new", "Đăng ký khai sinh", "--field", "Hộ tịch"])
        .assert()
        .success();
    let path = site.root().join("content/procedures/dang-ky-khai-sinh.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("title: \"Đăng ký khai sinh\""), "{text}");
    assert!(text.contains("field: \"Hộ tịch\""), "{text}");

    let loaded = site.load();
    assert_eq!(loaded.diagnostics().errors(), 0, "{}", site.check_output());
    let record = &loaded.records()[0];
    assert_eq!(record.title, "Đăng ký khai sinh");
    assert_eq!(record.slug, "dang-ky-khai-sinh");

    std::fs::write(&path, "kept").unwrap();
    let out = sotay(&site)
        .args(["new", "Đăng ký khai sinh"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("hồ sơ này đã có; sotay sẽ không ghi đè")
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "kept");
}

#[test]
fn new_quotes_titles_that_would_break_yaml() {
    let site = TestSite::new();
    sotay(&site)
        .args([
            "new",
            "Cấp giấy phép: \"loại A\" # mới",
            "--code",
            "1.009999",
        ])
        .assert()
        .success();
    let loaded = site.load();
    assert_eq!(loaded.diagnostics().errors(), 0, "{}", site.check_output());
    let record = &loaded.records()[0];
    assert_eq!(record.title, "Cấp giấy phép: \"loại A\" # mới");
    assert_eq!(record.code, "1.009999");
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_disk_is_an_error_never_a_panic() {
    use std::process::Stdio;
    let site = TestSite::new();
    for i in 0..50 {
        site.record(
            &format!("r{i}.md"),
            &record(&format!("1.{i:06}"), "Khai sinh")
                .replace("levels: [commune]", "levels: [comune]"),
        );
    }
    // `sotay check --format json | head -1`, with the reader gone before it writes.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sotay"))
        .args(["--root"])
        .arg(site.root())
        .args(["check", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("--root")
        .arg(site.root())
        .args(["new", "Đăng ký kết hôn"])
        .stdout(full.try_clone().unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("không ghi được ra đầu ra chuẩn"),
        "{stderr}"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("--root")
        .arg(site.root())
        .arg("build")
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

/// Runs sotay with `args` on `site`, failing if it takes longer than 20 s.
fn run_bounded(site: &TestSite, args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("--root")
        .arg(site.root())
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("sotay {args:?} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn a_fifo_among_the_pages_is_an_error_not_a_hang() {
    let site = TestSite::new();
    site.record("a.md", &record("1.000001", "Khai sinh"));
    std::fs::create_dir_all(site.root().join("content/pages")).unwrap();
    let fifo = site.root().join("content/pages/lien-he.md");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    for args in [&["check"][..], &["build"][..]] {
        let out = run_bounded(&site, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("content/pages/lien-he.md"), "{stderr}");
        assert!(stderr.contains("không phải tệp thông thường"), "{stderr}");
    }
}

#[test]
fn an_output_starting_with_a_tilde_is_refused_not_created() {
    let site = TestSite::new();
    site.record("a.md", &record("1.000001", "Khai sinh"));
    let out = run_bounded(&site, &["build", "--output", "~/public"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("chỉ shell mới hiểu"), "{stderr}");
    assert!(!site.root().join("~").exists());
    assert!(!std::env::current_dir().unwrap().join("~").exists());
}

#[cfg(unix)]
#[test]
fn new_never_writes_through_a_link_out_of_the_site() {
    let site = TestSite::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::remove_dir(site.root().join("content/procedures")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root().join("content/procedures")).unwrap();
    let out = run_bounded(&site, &["new", "Đăng ký khai sinh"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("trỏ ra ngoài thư mục sổ tay"), "{stderr}");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn new_outside_a_handbook_writes_nothing() {
    let site = TestSite::new();
    std::fs::remove_file(site.root().join("sotay.yaml")).unwrap();
    std::fs::remove_dir_all(site.root().join("content")).unwrap();
    let (_, stderr) = run(&site, &["new", "Đăng ký khai sinh"], 1);
    assert!(stderr.contains("không phải thư mục sổ tay"), "{stderr}");
    assert!(!site.root().join("content").exists());
}

#[test]
fn an_io_error_says_the_system_s_reason_once() {
    let site = TestSite::new();
    site.record("a.md", &record("1.000001", "Khai sinh"));
    let (_, stderr) = run(&site, &["build", "--output", "sotay.yaml/public"], 1);
    assert_eq!(stderr.matches("os error").count(), 1, "{stderr}");
}

#[test]
fn import_list_says_what_it_created_then_what_it_left_alone() {
    let site = TestSite::new();
    let list = common::shared_records().join("../import/toa-an-nhan-dan.xlsx");
    let list = list.to_str().unwrap();
    let (stdout, _) = run(&site, &["import", "list", list, "--dry-run"], 0);
    assert!(
        stdout.contains("sẽ tạo content/procedures/3-000164-dang-ky-nhan-cac-thong-bao-van-ban-to-tung.md (3.000164 Đăng ký nhận các thông báo"),
        "{stdout}"
    );
    assert!(stdout.ends_with("chưa ghi gì cả\n"), "{stdout}");
    let (stdout, _) = run(&site, &["import", "list", list], 0);
    assert!(
        stdout.contains("đã tạo 3 hồ sơ chưa đủ thông tin"),
        "{stdout}"
    );
    let (stdout, _) = run(&site, &["import", "list", list], 0);
    assert!(
        stdout.contains("đã có, giữ nguyên: content/procedures/3-000164-dang-ky-nhan-cac-thong-bao-van-ban-to-tung.md (3.000164)"),
        "{stdout}"
    );
    assert!(stdout.contains("đã tạo 0 hồ sơ"), "{stdout}");
    let (_, stderr) = run(&site, &["check", "--strict"], 1);
    assert!(stderr.contains("3 hồ sơ chưa đủ thông tin"), "{stderr}");
    run(&site, &["check"], 0);
}
