//! `sotay build` beside Hugo (Debian's `hugo`) on the same records in one run: the
//! record files are Markdown with YAML front matter, which Hugo reads as they are,
//! and its templates show the same fields a procedure page shows (code, field,
//! agency, levels, audience, each channel's time, fee and note, each document with
//! its originals, copies and forms, the body) plus a paginated list of procedures.
//! sotay makes more besides (notices, lists by field, level and audience, search
//! index, open data, change log), so the comparison flatters Hugo.
//!
//! Cold: no previous output (nor its spare copy) and no caches (Hugo has no cache
//! of its own for content). Warm: again, nothing changed. Run with `cargo bench --bench hugo`
//! (10,000 records; `SOTAY_BENCH_SIZES` for others). Needs `hugo` on the PATH
//! (`apt-get install hugo`).

mod corpus;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const CONFIG: &str = r#"baseURL: "http://localhost/"
title: "Benchmark"
disableKinds: ["taxonomy", "term", "RSS"]
pagination:
  pagerSize: 50
paginate: 50
"#;

const BASE: &str = r#"<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"#;

const SINGLE: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<dl><dt>Mã</dt><dd>{{ .Params.code }}</dd>
<dt>Lĩnh vực</dt><dd>{{ .Params.field }}</dd>
<dt>Cơ quan</dt><dd>{{ .Params.agency }}</dd>
<dt>Cấp</dt><dd>{{ delimit (.Params.levels | default slice) ", " }}</dd>
<dt>Đối tượng</dt><dd>{{ delimit (.Params.audience | default slice) ", " }}</dd></dl>
<h2>Cách thực hiện</h2>
{{ range .Params.channels }}<section><h3>{{ .via }}</h3>
<p>Thời hạn: {{ with .time }}{{ .text }}{{ end }}</p>
<p>Phí: {{ with .fee }}{{ .text }}{{ end }}</p>
{{ with .note }}<p>{{ . }}</p>{{ end }}</section>{{ end }}
<h2>Thành phần hồ sơ</h2>
<ol>{{ range .Params.documents }}<li>{{ .name }} ({{ .originals }} bản chính, {{ .copies }} bản sao)
{{ range .forms }}<a href="{{ . }}">{{ . }}</a> {{ end }}</li>{{ end }}</ol>
{{ .Content }}
{{ end }}
"#;

const LIST: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.code }}</li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
"#;

/// A Hugo site in `root/hugo` holding the records of the sotay site at `root`.
fn hugo_site(root: &Path) -> std::path::PathBuf {
    let site = root.join("hugo");
    let layouts = site.join("layouts/_default");
    std::fs::create_dir_all(&layouts).unwrap();
    std::fs::write(site.join("hugo.yaml"), CONFIG).unwrap();
    std::fs::write(layouts.join("baseof.html"), BASE).unwrap();
    std::fs::write(layouts.join("single.html"), SINGLE).unwrap();
    std::fs::write(layouts.join("list.html"), LIST).unwrap();
    let content = site.join("content/thu-tuc");
    std::fs::create_dir_all(&content).unwrap();
    for entry in std::fs::read_dir(root.join("content/procedures")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, content.join(path.file_name().unwrap())).unwrap();
    }
    site
}

/// Wall seconds of `command`, which must succeed.
fn time(mut command: Command) -> f64 {
    let start = Instant::now();
    let out = command.output().unwrap();
    let seconds = start.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{:?}: {}",
        command,
        String::from_utf8_lossy(&out.stderr)
    );
    seconds
}

fn sotay(root: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sotay"));
    command.arg("--root").arg(root).arg("build");
    command
}

fn hugo(site: &Path) -> Command {
    let mut command = Command::new("hugo");
    command
        .arg("--source")
        .arg(site)
        .arg("--quiet")
        .arg("--cleanDestinationDir");
    command
}

fn remove(dir: &Path) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap();
    }
}

fn median(mut times: Vec<f64>) -> String {
    times.sort_by(f64::total_cmp);
    format!(
        "median {:.2} s (best {:.2} s, {} runs)",
        times[times.len() / 2],
        times[0],
        times.len()
    )
}

fn measure(n: usize, runs: usize, place: &str, parent: &Path) {
    let dir = tempfile::tempdir_in(parent).unwrap();
    corpus::make_site(dir.path(), n);
    let site = hugo_site(dir.path());
    let [
        mut sotay_cold,
        mut sotay_warm,
        mut sotay_taken,
        mut hugo_cold,
        mut hugo_warm,
    ]: [Vec<f64>; 5] = Default::default();
    let cache = dir.path().join(sotay::sources::cache::CACHE_DIR);
    for _ in 0..runs {
        remove(&dir.path().join("public"));
        remove(&dir.path().join(".public.sotay-spare"));
        remove(&cache);
        sotay_cold.push(time(sotay(dir.path())));
        sotay_warm.push(time(sotay(dir.path())));
        // Without the note that nothing changed: pages taken from the last build.
        let _ = std::fs::remove_file(cache.join("unchanged"));
        sotay_taken.push(time(sotay(dir.path())));
        remove(&site.join("public"));
        remove(&site.join("resources"));
        hugo_cold.push(time(hugo(&site)));
        hugo_warm.push(time(hugo(&site)));
    }
    let ratio = |a: &[f64], b: &[f64]| {
        let m = |v: &[f64]| {
            let mut v = v.to_vec();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        m(a) / m(b)
    };
    println!("sotay and Hugo on {n} records, {place}:");
    println!("  cold  sotay {}", median(sotay_cold.clone()));
    println!("        hugo  {}", median(hugo_cold.clone()));
    println!(
        "        sotay takes {:.2} of Hugo's time",
        ratio(&sotay_cold, &hugo_cold)
    );
    println!(
        "  warm  sotay {} (nothing changed)",
        median(sotay_warm.clone())
    );
    println!(
        "        sotay {} (pages taken)",
        median(sotay_taken.clone())
    );
    println!("        hugo  {}", median(hugo_warm.clone()));
    println!(
        "        sotay takes {:.2} of Hugo's time ({:.2} taking pages)",
        ratio(&sotay_warm, &hugo_warm),
        ratio(&sotay_taken, &hugo_warm)
    );
}

fn main() {
    let installed = Command::new("hugo").arg("version").output();
    let Ok(version) = installed else {
        println!("hugo is not installed (apt-get install hugo): no comparison made");
        return;
    };
    println!("{}", String::from_utf8_lossy(&version.stdout).trim());
    let disk = std::env::temp_dir();
    if cfg!(debug_assertions) {
        // Under `cargo test --all-targets`: one small round as a smoke test.
        measure(100, 1, "disk", &disk);
        return;
    }
    let sizes = corpus::sizes(&[10_000]);
    let memory = Path::new("/dev/shm");
    for n in sizes {
        measure(n, 3, "disk", &disk);
        if memory.is_dir() {
            measure(n, 3, "tmpfs", memory);
        }
    }
}
