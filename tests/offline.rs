//! `offline:` in sotay.yaml: the service worker, what it stores on the first visit,
//! its budget, and the web manifest. (What a reader sees offline is in
//! `tests/browser/offline.test.mjs`.)

mod common;

use common::TestSite;

/// The example handbook with `offline:` set as given.
fn example_with(offline: &str) -> TestSite {
    let site = TestSite {
        dir: common::example(),
    };
    let config = std::fs::read_to_string(site.root().join("sotay.yaml")).unwrap();
    let config: String = config
        .lines()
        .filter(|l| !l.starts_with("offline:"))
        .map(|l| format!("{l}\n"))
        .collect();
    site.write("sotay.yaml", format!("{config}{offline}"));
    site
}

fn read(site: &TestSite, path: &str) -> String {
    std::fs::read_to_string(site.root().join("public").join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The worker's build data: what `self.SOTAY = {…};` holds.
fn worker_config(site: &TestSite) -> serde_json::Value {
    let worker = read(site, "sw.js");
    let line = worker.lines().next().unwrap();
    let json = line
        .strip_prefix("self.SOTAY = ")
        .and_then(|l| l.strip_suffix(';'))
        .expect("the build data first");
    serde_json::from_str(json).unwrap()
}

fn precache(config: &serde_json::Value) -> Vec<String> {
    config["precache"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn without_offline_there_is_no_worker_and_pages_do_not_ask_for_one() {
    let site = example_with("");
    site.build_ok();
    let public = site.root().join("public");
    for file in ["sw.js", "offline.js", "manifest.webmanifest", "ngoai-tuyen"] {
        assert!(!public.join(file).exists(), "{file}");
    }
    let home = read(&site, "index.html");
    assert!(!home.contains("offline.js"));
    assert!(!home.contains("manifest"));
}

#[test]
fn the_first_visit_stores_the_home_field_lists_and_search_not_every_procedure() {
    let site = example_with("offline: true\n");
    let report = site.build_ok();
    let config = worker_config(&site);
    let precache = precache(&config);
    for wanted in [
        "index.html",
        "style.css",
        "offline.js",
        "manifest.webmanifest",
        "linh-vuc/index.html",
        "linh-vuc/ho-tich/index.html",
        "search/index.html",
        "ngoai-tuyen/index.html",
    ] {
        assert!(precache.contains(&wanted.to_string()), "{wanted} stored");
    }
    // Every index file, under the address the search page asks for; not the lead
    // files, which only bring the first results sooner online.
    let index_files = std::fs::read_dir(site.root().join("public/search"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "js")
        })
        .count();
    assert!(site.root().join("public/search/w").is_dir());
    assert!(!precache.iter().any(|p| p.starts_with("search/w/")));
    let stored_index: Vec<&String> = precache
        .iter()
        .filter(|p| p.starts_with("search/") && p.contains(".js?v="))
        .collect();
    assert_eq!(stored_index.len(), index_files);
    let search = read(&site, "search/index.html");
    let version = stored_index[0].split("?v=").nth(1).unwrap();
    assert!(search.contains(&format!("\"version\":\"{version}\"")));
    // Procedure pages wait for a visit or the button; printed notices never come.
    assert!(!precache.iter().any(|p| p.starts_with("thu-tuc/")));
    let all: serde_json::Value =
        serde_json::from_str(&read(&site, "ngoai-tuyen/tat-ca.json")).unwrap();
    let all: Vec<&str> = all["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let procedures = std::fs::read_dir(site.root().join("content/procedures"))
        .unwrap()
        .count();
    let pages = all
        .iter()
        .filter(|p| p.starts_with("thu-tuc/") && p.ends_with("/index.html"))
        .count();
    assert_eq!(pages, procedures, "every procedure page, no notice");
    assert!(!all.iter().any(|p| p.contains("niem-yet")));
    assert!(all.contains(&"a-z/index.html"));
    assert_eq!(config["all"]["count"].as_u64().unwrap() as usize, all.len());
    // Each stored file is a file of the site.
    for path in precache.iter().map(|p| p.split('?').next().unwrap()) {
        assert!(site.root().join("public").join(path).is_file(), "{path}");
    }
    let offline = report.offline.expect("reported");
    assert_eq!(offline.precache_files, precache.len());
    assert!(offline.precache_bytes > 10_000 && offline.precache_bytes < offline.budget);
    assert_eq!(offline.budget, 2_000_000);
}

#[test]
fn the_cache_is_named_by_the_whole_build() {
    let site = example_with("offline: true\n");
    site.build_ok();
    let first = worker_config(&site)["version"].clone();
    site.build_ok();
    assert_eq!(worker_config(&site)["version"], first, "same sources");
    // A change to one procedure page, which the first visit does not even store.
    let record = site
        .root()
        .join("content/procedures/1-000894-thu-tuc-dang-ky-ket-hon.md");
    let text = std::fs::read_to_string(&record).unwrap();
    std::fs::write(&record, format!("{text}\nMột dòng mới.\n")).unwrap();
    site.build_ok();
    assert_ne!(worker_config(&site)["version"], first);
}

#[test]
fn pages_link_the_script_and_a_manifest_scoped_to_the_handbook() {
    let site = example_with("offline: true\n");
    site.build_ok();
    let page = site.page("thu-tuc/1-000894-thu-tuc-dang-ky-ket-hon/index.html");
    assert_eq!(
        page.attrs("link[rel=manifest]", "href"),
        ["../../manifest.webmanifest"]
    );
    assert_eq!(
        page.attrs("script[src$='offline.js']", "src"),
        ["../../offline.js"]
    );
    assert_eq!(
        page.attrs(".offline-banner", "data-text"),
        ["Bạn đang xem bản lưu ngày {date}"]
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&site, "manifest.webmanifest")).unwrap();
    // Relative: the same files work under any subfolder.
    assert_eq!(manifest["scope"], "./");
    assert_eq!(manifest["start_url"], "./index.html");
    assert_eq!(manifest["lang"], "vi");
    assert_eq!(manifest["name"], "Sổ tay thủ tục hành chính phường An Bình");
    let home = site.page("index.html");
    assert_eq!(
        home.text(".offline-save button"),
        "Lưu cả sổ tay để xem khi không có mạng"
    );
}

#[test]
fn over_the_budget_the_build_stops_and_names_what_is_large() {
    let site = example_with("offline:\n  budget: 50 KB\n");
    let out = site.build_error();
    let line = std::fs::read_to_string(site.root().join("sotay.yaml"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("offline:"))
        .unwrap()
        + 1;
    assert!(out.contains(&format!("--> sotay.yaml:{line}")), "{out}");
    assert!(out.contains("vượt ngân sách 50 KB"), "{out}");
    assert!(out.contains("search/"), "the index is the largest: {out}");
    assert!(out.contains("budget: 4 MB"), "{out}");
    assert!(!site.root().join("public").exists(), "nothing written");
    // `check` stops on it too, as CI runs it.
    assert!(site.check().diagnostics.has_errors());
}

#[test]
fn a_budget_without_a_unit_is_an_error_at_its_line() {
    let site = example_with("offline:\n  budget: 3\n");
    let out = site.check_output();
    assert!(out.contains("`3` không phải là một dung lượng"), "{out}");
    assert!(out.contains("3 MB hoặc 800 KB"), "{out}");
    let site = example_with("offline: \"có\"\n");
    let out = site.check_output();
    assert!(out.contains("`offline` chỉ nhận true, false"), "{out}");
}

#[test]
fn the_preview_has_no_worker_so_stored_pages_never_hide_an_edit() {
    use sotay::assemble::{Outcome, Stopwatch, assemble};
    let site = example_with("offline: true\n");
    let Ok(mut session) = sotay::preview::Session::open(site.root()) else {
        panic!("the example opens");
    };
    assert!(matches!(session.update(&[]), Outcome::Built(_)));
    while session.refresh_index().expect("the index").is_some() {}
    let served = session.files().expect("a site");
    assert!(!served.contains_key("sw.js"));
    assert!(
        served.contains_key("offline.js"),
        "its script retires old workers"
    );
    let (built, _) = assemble(&site.load(), None, None, &mut Stopwatch::start());
    let built = built.expect("builds").files();
    let mut only_built: Vec<&str> = built
        .keys()
        .filter(|p| served.get(*p) != built.get(*p))
        .map(|p| &**p)
        .collect();
    only_built.sort();
    assert_eq!(only_built, ["ngoai-tuyen/tat-ca.json", "sw.js"]);
}

#[test]
fn offline_false_writes_a_worker_that_removes_itself() {
    let site = example_with("offline: false\n");
    site.build_ok();
    let worker = read(&site, "sw.js");
    assert!(worker.contains("caches.delete"), "{worker}");
    assert!(worker.contains("registration.unregister()"), "{worker}");
    assert!(!worker.contains("addEventListener(\"fetch\""));
    let public = site.root().join("public");
    assert!(!public.join("offline.js").exists());
    assert!(!read(&site, "index.html").contains("offline.js"));
}
