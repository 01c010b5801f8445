//! The output is never left broken: a failed build leaves the previous site as it
//! was, a build killed at any moment leaves one whole site, old or new, and the
//! next build tidies what the killed one left.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use common::{TestSite, tree};

/// A site of real records, big enough that a build takes a while to write.
fn real_site(records: usize) -> TestSite {
    let site = TestSite::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(common::shared_records())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files.iter().take(records) {
        let name = file.file_name().unwrap().to_string_lossy();
        site.write(
            &format!("content/procedures/{name}"),
            std::fs::read(file).unwrap(),
        );
    }
    site
}

/// The copy before the last, kept for the next build to update in place.
const SPARE: &str = ".public.sotay-spare";

/// What sotay left beside the output: staging and old folders (the spare is meant).
fn leftovers(site: &TestSite) -> Vec<String> {
    std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".public.sotay-") && name != SPARE)
        .collect()
}

fn sotay(site: &TestSite, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sotay"));
    command.args(args).current_dir(site.root());
    command
}

/// Root may write into any folder, so as root the command runs as `nobody`
/// (setpriv, from util-linux, is on every Debian) over a site `nobody` owns.
fn unprivileged(site: &TestSite, args: &[&str]) -> Output {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return sotay(site, args).output().unwrap();
    }
    let status = Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(site.root())
        .status()
        .unwrap();
    assert!(status.success());
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_sotay"))
        .args(args)
        .current_dir(site.root());
    command.output().unwrap()
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A change every build shows: a free page's text.
fn edit(site: &TestSite, round: usize) {
    site.write(
        "content/pages/gioi-thieu.md",
        format!("---\ntitle: Giới thiệu\n---\nLần build {round}.\n"),
    );
}

#[test]
fn a_read_only_folder_of_the_previous_site_fails_the_build_before_anything_changes() {
    // With the cache, the folders of the files the last build noted are looked at;
    // without it, every folder the output holds.
    let cases = ["public/thu-tuc", "public"]
        .into_iter()
        .flat_map(|folder| [(folder, "build"), (folder, "--no-cache")]);
    for (read_only, how) in cases {
        let site = real_site(20);
        edit(&site, 1);
        let first = unprivileged(&site, &["build"]);
        assert!(first.status.success(), "{first:?}");
        let before = tree(&site.root().join("public"));
        set_mode(&site.root().join(read_only), 0o555);
        edit(&site, 2);

        let args: &[&str] = match how {
            "build" => &["build"],
            _ => &["build", "--no-cache"],
        };
        let failed = unprivileged(&site, args);
        set_mode(&site.root().join(read_only), 0o755);
        let stderr = String::from_utf8_lossy(&failed.stderr);
        assert_eq!(failed.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("chỉ đọc"), "{stderr}");
        assert!(stderr.contains(read_only), "{stderr}");
        assert_eq!(
            tree(&site.root().join("public")),
            before,
            "{read_only} {how}"
        );
        assert_eq!(leftovers(&site), Vec::<String>::new());
    }
}

#[test]
fn a_page_folder_removed_by_hand_from_the_output_is_made_again() {
    let site = real_site(5);
    edit(&site, 1);
    assert!(sotay(&site, &["build"]).output().unwrap().status.success());
    let public = site.root().join("public");
    let page = std::fs::read_dir(public.join("thu-tuc"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let before = std::fs::read(page.join("index.html")).unwrap();
    std::fs::remove_dir_all(&page).unwrap();
    edit(&site, 2);

    let rebuilt = sotay(&site, &["build"]).output().unwrap();
    assert!(rebuilt.status.success(), "{rebuilt:?}");
    assert_eq!(std::fs::read(page.join("index.html")).unwrap(), before);
}

/// A process id that no process has now.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn a_site_moved_aside_by_a_killed_build_is_put_back_even_by_a_failing_build() {
    let site = real_site(5);
    assert!(sotay(&site, &["build"]).output().unwrap().status.success());
    let before = tree(&site.root().join("public"));
    // The moment between the two renames where no exchange is possible.
    let pid = dead_pid();
    std::fs::rename(
        site.root().join("public"),
        site.root().join(format!(".public.sotay-old-{pid}")),
    )
    .unwrap();
    std::fs::create_dir(site.root().join(format!(".public.sotay-staging-{pid}"))).unwrap();
    site.write("content/procedures/broken.md", "---\ntitle: [\n---\n");

    let failed = sotay(&site, &["build"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("đã được khôi phục"), "{stderr}");
    assert_eq!(tree(&site.root().join("public")), before);
    assert_eq!(leftovers(&site), Vec::<String>::new());
}

#[test]
fn pages_a_killed_build_wrote_beside_the_output_are_removed_by_the_next_build() {
    let site = real_site(5);
    let pages = site
        .root()
        .join(format!(".public.sotay-pages-{}", dead_pid()));
    std::fs::create_dir(&pages).unwrap();
    std::fs::write(pages.join(".sotay-output"), "").unwrap();
    std::fs::write(
        pages.join("0"),
        "<!doctype html><title>half a build</title>",
    )
    .unwrap();

    let built = sotay(&site, &["build"]).output().unwrap();
    assert!(built.status.success(), "{built:?}");
    assert_eq!(leftovers(&site), Vec::<String>::new());
    // The pages this build wrote beside the output are all in it now.
    let public = tree(&site.root().join("public"));
    assert!(public.keys().any(|path| path.starts_with("thu-tuc/")));
}

#[test]
fn folders_that_are_not_provably_sotays_are_left_alone() {
    let site = real_site(2);
    // A live process's staging folder, and a dead one's folder without the marker.
    let live = site
        .root()
        .join(format!(".public.sotay-staging-{}", std::process::id()));
    let foreign = site
        .root()
        .join(format!(".public.sotay-old-{}", dead_pid()));
    for dir in [&live, &foreign] {
        std::fs::create_dir(dir).unwrap();
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    }
    assert!(sotay(&site, &["build"]).output().unwrap().status.success());
    assert!(live.join("notes.txt").is_file());
    assert!(foreign.join("notes.txt").is_file());
}

#[test]
fn a_build_killed_at_any_moment_leaves_one_whole_site_and_the_next_build_tidies() {
    let site = real_site(300);
    // The two sites a reader may see: before and after the edit.
    let whole = |round: usize| {
        edit(&site, round);
        let output = format!("../reference-{round}");
        let built = sotay(&site, &["build", "--output", &output])
            .output()
            .unwrap();
        assert!(built.status.success(), "{built:?}");
        let dir = site.root().join(&output);
        let files = tree(&dir);
        std::fs::remove_dir_all(dir).unwrap();
        files
    };
    let sites = [whole(0), whole(1)];
    edit(&site, 0);
    let started = Instant::now();
    assert!(sotay(&site, &["build"]).output().unwrap().status.success());
    let build_time = started.elapsed();

    let moments = 16;
    for moment in 0..moments {
        let round = (moment + 1) % 2;
        edit(&site, round);
        let mut child = sotay(&site, &["build"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // From the start of the build to just past its usual end.
        std::thread::sleep(build_time.mul_f64(moment as f64 * 1.2 / moments as f64));
        let _ = child.kill();
        child.wait().unwrap();
        let public = site.root().join("public");
        assert!(public.is_dir(), "killed at {moment}/{moments}: no public/");
        let seen = tree(&public);
        assert!(
            seen == sites[0] || seen == sites[1],
            "killed at {moment}/{moments}: public/ is neither build ({} files)",
            seen.len()
        );
    }
    edit(&site, 1);
    let last = sotay(&site, &["build"]).output().unwrap();
    assert!(last.status.success(), "{last:?}");
    assert_eq!(leftovers(&site), Vec::<String>::new());
    assert!(tree(&site.root().join("public")) == sites[1]);
}

/// The files of a zip, by name, with their bytes.
fn unzip(file: &Path) -> BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

#[test]
fn the_zip_holds_the_whole_site_under_one_folder_and_is_the_same_each_time() {
    let site = TestSite {
        dir: common::example(),
    };
    let zip = site.root().join("so-tay-an-binh.zip");
    let options = sotay::build::BuildOptions {
        zip: Some(zip.clone()),
        ..Default::default()
    };
    sotay::build::build(site.root(), &options).unwrap();
    let public = tree(&site.root().join("public"));
    let zipped = unzip(&zip);
    // Every file of the site, byte for byte, under so-tay-an-binh/; not the marker.
    let expected: BTreeMap<String, Vec<u8>> = public
        .iter()
        .filter(|(path, _)| !path.ends_with(".sotay-output"))
        .map(|(path, bytes)| (format!("so-tay-an-binh/{}", path.display()), bytes.clone()))
        .collect();
    assert_eq!(
        zipped.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert!(zipped == expected);
    for page in [
        "index.html",
        "thu-tuc/1-010038-tach-ho/index.html",
        "search/index.html",
    ] {
        assert!(
            zipped.contains_key(&format!("so-tay-an-binh/{page}")),
            "{page}"
        );
    }
    let first = std::fs::read(&zip).unwrap();
    sotay::build::build(site.root(), &options).unwrap();
    assert!(
        std::fs::read(&zip).unwrap() == first,
        "the same site makes the same zip"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".sotay-") && n != sotay::sources::cache::CACHE_DIR && n != SPARE)
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_zip_inside_the_output_folder_is_refused_before_anything_is_written() {
    let site = TestSite {
        dir: common::example(),
    };
    let options = sotay::build::BuildOptions {
        zip: Some(site.root().join("public/so-tay.zip")),
        ..Default::default()
    };
    let failure = sotay::build::build(site.root(), &options).unwrap_err();
    let out = sotay::diagnostics::render(
        &failure.diagnostics,
        sotay::diagnostics::Format::Human,
        failure.language,
    );
    assert!(out.contains("tệp zip sẽ nằm trong thư mục xuất"), "{out}");
    assert!(out.contains("--zip so-tay.zip"), "{out}");
    assert!(!site.root().join("public").exists());
}

#[test]
fn the_zip_goes_into_a_new_folder_and_a_failure_names_the_zip() {
    let site = TestSite {
        dir: common::example(),
    };
    let elsewhere = tempfile::tempdir().unwrap();
    let zip = elsewhere.path().join("usb/so-tay.zip");
    let options = sotay::build::BuildOptions {
        zip: Some(zip.clone()),
        ..Default::default()
    };
    sotay::build::build(site.root(), &options).unwrap();
    assert!(unzip(&zip).contains_key("so-tay/index.html"));

    // A folder where the zip should be: the error names the zip, and nothing is written.
    let blocked = elsewhere.path().join("blocked.zip");
    std::fs::create_dir(&blocked).unwrap();
    let options = sotay::build::BuildOptions {
        output: Some(elsewhere.path().join("public")),
        zip: Some(blocked.clone()),
        ..Default::default()
    };
    let failure = sotay::build::build(site.root(), &options).unwrap_err();
    let out = sotay::diagnostics::render(
        &failure.diagnostics,
        sotay::diagnostics::Format::Human,
        failure.language,
    );
    assert!(out.contains(&format!("--> {}", blocked.display())), "{out}");
    assert!(out.contains("không ghi được tệp zip"), "{out}");
    assert!(!elsewhere.path().join("public").exists());
    let leftovers: Vec<_> = std::fs::read_dir(elsewhere.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".sotay-") && n != sotay::sources::cache::CACHE_DIR && n != SPARE)
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// When each file of `dir` was last written.
fn written_at(dir: &Path) -> BTreeMap<PathBuf, std::time::SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let at = e.metadata().unwrap().modified().unwrap();
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), at)
        })
        .collect()
}

/// The files of `after` written since `before`, but the marker (which says which build).
fn rewritten<'a>(
    before: &BTreeMap<PathBuf, std::time::SystemTime>,
    after: &'a BTreeMap<PathBuf, std::time::SystemTime>,
) -> Vec<&'a PathBuf> {
    after
        .iter()
        .filter(|(path, at)| before.get(*path) != Some(*at) && !path.ends_with(".sotay-output"))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn a_rebuild_writes_only_what_changed_and_rewrites_a_file_changed_by_hand() {
    let site = real_site(30);
    edit(&site, 1);
    assert!(sotay(&site, &["build"]).output().unwrap().status.success());
    let public = site.root().join("public");
    let before = written_at(&public);
    let page = PathBuf::from("trang/gioi-thieu/index.html");
    let tampered = public.join("style.css");
    let style = std::fs::read(&tampered).unwrap();
    // Same size, other bytes: only a byte-for-byte comparison tells them apart.
    let mut changed = style.clone();
    changed[0] = if changed[0] == b' ' { b'\n' } else { b' ' };
    std::fs::write(&tampered, &changed).unwrap();
    let tampered_at = std::fs::metadata(&tampered).unwrap().modified().unwrap();
    // Dates have to be able to differ.
    std::thread::sleep(std::time::Duration::from_millis(20));
    edit(&site, 2);

    let rebuilt = sotay(&site, &["build"]).output().unwrap();
    assert!(rebuilt.status.success(), "{rebuilt:?}");
    let after = written_at(&public);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    // Only the edited page and the file changed by hand.
    assert_eq!(
        rewritten(&before, &after),
        [&PathBuf::from("style.css"), &page]
    );
    assert!(
        std::fs::read_to_string(public.join(&page))
            .unwrap()
            .contains("Lần build 2."),
    );
    // The hand-changed file is put back as sotay makes it, and is newer than the edit.
    assert_eq!(std::fs::read(&tampered).unwrap(), style);
    assert!(std::fs::metadata(&tampered).unwrap().modified().unwrap() > tampered_at);
    let procedures = after.keys().filter(|p| p.starts_with("thu-tuc")).count();
    assert!(procedures >= 30, "{procedures}");
    assert_eq!(leftovers(&site), Vec::<String>::new());
}

#[test]
fn a_build_that_renders_every_page_again_still_rewrites_only_what_changed() {
    let site = real_site(30);
    edit(&site, 1);
    assert!(sotay(&site, &["build"]).output().unwrap().status.success());
    let public = site.root().join("public");
    let before = written_at(&public);
    std::thread::sleep(std::time::Duration::from_millis(20));
    edit(&site, 2);

    // Every page is rendered and written beside the output; those the site holds
    // already are linked from it, the one edited page is moved in.
    let rebuilt = sotay(&site, &["build", "--no-cache"]).output().unwrap();
    assert!(rebuilt.status.success(), "{rebuilt:?}");
    let after = written_at(&public);
    assert_eq!(
        rewritten(&before, &after),
        [&PathBuf::from("trang/gioi-thieu/index.html")]
    );
    assert_eq!(leftovers(&site), Vec::<String>::new());
}

#[test]
fn a_build_that_stops_on_an_error_gives_the_spare_back_as_it_was() {
    let site = real_site(20);
    for round in 1..=2 {
        edit(&site, round);
        let built = sotay(&site, &["build"]).output().unwrap();
        assert!(built.status.success(), "{built:?}");
    }
    let spare = site.root().join(SPARE);
    let kept = tree(&spare);
    assert!(
        kept.contains_key(Path::new("index.html")),
        "{:?}",
        kept.keys()
    );
    // The spare is taken while the site is assembled; a page's error stops it.
    site.write(
        "content/pages/gioi-thieu.md",
        "---\ntitle: [Giới thiệu\n---\nLần build 3.\n",
    );
    let failed = sotay(&site, &["build"]).output().unwrap();
    assert!(!failed.status.success(), "{failed:?}");
    assert_eq!(tree(&spare), kept);
    assert_eq!(leftovers(&site), Vec::<String>::new());
}

#[test]
fn a_page_the_last_build_changed_is_not_put_back_from_the_copy_before_it() {
    let site = real_site(30);
    let build = || {
        let built = sotay(&site, &["build"]).output().unwrap();
        assert!(built.status.success(), "{built:?}");
    };
    edit(&site, 1);
    build();
    // The record changes in the second build only: the third takes its page from
    // the second, and updates the copy the first build made, which has it as it was.
    let record = "content/procedures/1-000005-thu-tuc-hai-quan-doi-voi-khi-nguyen-lieu-xuat.md";
    let text = std::fs::read_to_string(site.root().join(record)).unwrap();
    site.write(
        record,
        text.replacen(
            "title: \"Thủ tục hải quan",
            "title: \"Thủ tục (sửa) hải quan",
            1,
        ),
    );
    edit(&site, 2);
    build();
    edit(&site, 3);
    build();
    let page = site
        .root()
        .join("public/thu-tuc/1-000005-thu-tuc-hai-quan-doi-voi-khi-nguyen-lieu-xuat/index.html");
    let page = std::fs::read_to_string(page).unwrap();
    assert!(
        page.contains("Thủ tục (sửa) hải quan"),
        "the page before the edit is back"
    );
    let spare = site.root().join(SPARE);
    assert!(
        spare.join("thu-tuc").is_dir(),
        "the third build updated no spare"
    );
}

#[test]
fn the_copy_before_is_kept_as_the_spare_and_the_next_build_makes_it_the_site_exactly() {
    let site = real_site(30);
    let build = |args: &[&str]| {
        let built = sotay(&site, args).output().unwrap();
        assert!(built.status.success(), "{built:?}");
    };
    edit(&site, 1);
    build(&["build"]);
    assert!(
        !site.root().join(SPARE).exists(),
        "a spare with no site before"
    );
    edit(&site, 2);
    build(&["build"]);
    let spare = site.root().join(SPARE);
    assert!(
        spare.join(".sotay-output").is_file(),
        "the site before was not kept"
    );
    // In the handbook's folder, where `git add -A` must not take it.
    let ignore = spare.join(".gitignore");
    assert_eq!(std::fs::read_to_string(&ignore).unwrap(), "*\n");
    std::fs::remove_file(&ignore).unwrap();

    // What a spare may hold by the next build: a file and folders the site no
    // longer has, a folder where a page goes, a page written anew with other bytes,
    // a link, and not a folder of pages the site still has.
    std::fs::write(spare.join("stray.html"), "old").unwrap();
    std::fs::create_dir_all(spare.join("cu/thu-tuc")).unwrap();
    std::fs::write(spare.join("cu/thu-tuc/index.html"), "old").unwrap();
    let procedures = spare.join("thu-tuc");
    let gone = std::fs::read_dir(&procedures)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    std::fs::remove_dir_all(gone.path()).unwrap();
    let page = spare.join("trang/gioi-thieu/index.html");
    std::fs::remove_file(&page).unwrap();
    std::fs::create_dir_all(page.join("inside")).unwrap();
    std::fs::remove_file(spare.join("index.html")).unwrap();
    std::fs::write(spare.join("index.html"), "junk").unwrap();
    std::fs::remove_file(spare.join("robots.txt")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", spare.join("robots.txt")).unwrap();
    let live = site.root().join("public");
    let before = tree(&live);
    edit(&site, 3);
    build(&["build"]);
    let recycled = tree(&live);
    assert!(recycled != before);
    assert!(!live.join("stray.html").exists());
    assert!(!live.join("cu").exists());
    assert!(live.join("thu-tuc").join(gone.file_name()).is_dir());
    assert!(
        std::fs::read_to_string(live.join("trang/gioi-thieu/index.html"))
            .unwrap()
            .contains("Lần build 3.")
    );
    assert!(!live.join("robots.txt").is_symlink());
    assert!(
        !live.join(".gitignore").exists(),
        "the spare's .gitignore was published"
    );
    // The site before is now the spare, untouched by the build but for that file.
    std::fs::remove_file(&ignore).unwrap();
    assert_eq!(tree(&spare), before);

    // Without a spare, the same sources give the same site.
    std::fs::remove_dir_all(&spare).unwrap();
    build(&["build", "--no-cache"]);
    assert!(
        tree(&live) == recycled,
        "the recycled site differs from a new one"
    );
    assert_eq!(leftovers(&site), Vec::<String>::new());
}
