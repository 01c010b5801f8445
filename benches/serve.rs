//! `sotay serve` as staff feel it: the release binary serving a site of 10,000
//! records made from the real ones. Changes one record's fee and times from the file
//! write until the served page shows the new fee; then the same for the search page
//! (the index follows the pages), for saves 0.3 s apart, and for a change to
//! sotay.yaml (everything again).
//!
//! Run with `cargo bench --bench serve`.

mod corpus;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Serve {
    child: Child,
    port: u16,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Serve {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Serve { child, port }
}

fn get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_nodelay(true).unwrap();
    let request =
        format!("GET /{path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

/// Milliseconds from `change()` until `path` contains `expected`.
fn time_until(port: u16, path: &str, expected: &str, change: impl FnOnce()) -> f64 {
    let start = Instant::now();
    change();
    while !get(port, path).contains(expected) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{path} never showed {expected:?}"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    start.elapsed().as_secs_f64() * 1e3
}

/// "71.003.000 đồng", as pages show amounts.
fn dong(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} đồng")
}

/// A record whose first channel has a fixed fee in đồng, and its page.
fn record_with_fee(root: &Path) -> (PathBuf, String) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("content/procedures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    // One from the middle: at 10,000 records, a copy.
    let file = files[files.len() / 2..]
        .iter()
        .chain(&files)
        .find(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            // A fee's fields, not the record's own `kind:`.
            let first = |key: &str| {
                text.lines().find_map(|l| {
                    l.strip_prefix(&format!("      {key}: "))
                        .map(str::to_string)
                })
            };
            first("kind").as_deref() == Some("fixed")
                && first("currency").as_deref() == Some("VND")
                && !text.contains("\nslug:")
        })
        .expect("a record with a fixed fee")
        .clone();
    let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
    (file, format!("thu-tuc/{stem}/"))
}

fn set_fee(file: &Path, amount: u64) {
    let text = std::fs::read_to_string(file).unwrap();
    // Every channel's fee, so the list line (the main channel's fee), and with it the
    // search index, changes too.
    let lines: Vec<String> = text
        .lines()
        .map(|line| match line.trim_start().strip_prefix("amount: ") {
            Some(_) => {
                let indent = line.len() - line.trim_start().len();
                format!("{}amount: {amount}", " ".repeat(indent))
            }
            None => line.to_string(),
        })
        .collect();
    std::fs::write(file, lines.join("\n") + "\n").unwrap();
}

fn summary(name: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    let n = times.len();
    println!(
        "{name}: median {:.0} ms, p90 {:.0} ms, min {:.0} ms, max {:.0} ms over {n} saves",
        times[n / 2],
        times[(n * 9 / 10).min(n - 1)],
        times[0],
        times[n - 1]
    );
}

fn measure(n: usize, saves: u64) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    corpus::make_site(root, n);
    let started = Instant::now();
    let serve = start(root);
    while !get(serve.port, "").starts_with("HTTP/1.1 200") {
        std::thread::sleep(Duration::from_millis(20));
    }
    println!(
        "serve {n} records: first build served after {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let (file, page) = record_with_fee(root);

    let mut page_times = Vec::new();
    let mut search_times = Vec::new();
    for i in 0..saves {
        let amount = 71_000_000 + (i + 1) * 1000;
        page_times.push(time_until(serve.port, &page, &dong(amount), || {
            set_fee(&file, amount)
        }));
        // The index follows: wait for it before the next save, and time it too.
        let before = get(serve.port, "search/");
        let start = Instant::now();
        while get(serve.port, "search/") == before {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the index never changed"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        search_times.push(page_times.last().unwrap() + start.elapsed().as_secs_f64() * 1e3);
        std::thread::sleep(Duration::from_millis(100));
    }
    summary(
        &format!("  fee saved → page shows it ({n} records)"),
        page_times,
    );
    summary(
        &format!("  fee saved → search page and index updated ({n} records)"),
        search_times,
    );

    // Saves in a row, 0.3 s apart, as staff fix one fee after another: each comes
    // while the index of the one before is being made.
    let mut row_times = Vec::new();
    for i in 0..saves {
        let amount = 72_000_000 + (i + 1) * 1000;
        let started = Instant::now();
        row_times.push(time_until(serve.port, &page, &dong(amount), || {
            set_fee(&file, amount)
        }));
        std::thread::sleep(Duration::from_millis(300).saturating_sub(started.elapsed()));
    }
    summary(
        &format!("  fee saved 0.3 s after the last → page shows it ({n} records)"),
        row_times,
    );

    let config = root.join("sotay.yaml");
    let original = std::fs::read_to_string(&config).unwrap();
    let mut config_times = Vec::new();
    for i in 0..saves.min(3) {
        let title = format!("Benchmark {i}");
        config_times.push(time_until(serve.port, "", &title, || {
            std::fs::write(&config, original.replace("Benchmark", &title)).unwrap()
        }));
        std::thread::sleep(Duration::from_millis(200));
    }
    summary(
        &format!("  sotay.yaml saved → home page shows it ({n} records)"),
        config_times,
    );
}

fn main() {
    if cfg!(debug_assertions) {
        // Under `cargo test --all-targets`: a small site as a smoke test.
        measure(100, 2);
        return;
    }
    measure(1_000, 20);
    measure(10_000, 20);
}
