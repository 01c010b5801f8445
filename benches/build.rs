//! `sotay build` end to end, as a municipality runs it: the release binary on sites of
//! 1,000 and 10,000 records made from the real ones. Prints wall time, pages per second,
//! the binary's own stage timings and its peak memory.
//!
//! Run with `cargo bench --bench build`.

mod corpus;

use std::process::Command;
use std::time::Instant;

/// Peak resident memory of finished child processes, in MiB.
fn children_peak_mib() -> f64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as f64 / 1024.0
}

fn measure(n: usize, runs: usize, place: &str, parent: &std::path::Path) {
    let dir = tempfile::tempdir_in(parent).unwrap();
    corpus::make_site(dir.path(), n);
    let content_mb = walkdir::WalkDir::new(dir.path().join("content"))
        .into_iter()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum::<u64>() as f64
        / 1e6;
    let mut times = Vec::new();
    let mut last_stages = String::new();
    for _ in 0..runs {
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_sotay"))
            .arg("--root")
            .arg(dir.path())
            .arg("build")
            .output()
            .unwrap();
        times.push(start.elapsed().as_secs_f64());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        last_stages = stderr
            .lines()
            .find(|l| l.starts_with("built "))
            .unwrap_or_default()
            .to_string();
    }
    times.sort_by(f64::total_cmp);
    let median = times[runs / 2];
    let pages = walkdir::WalkDir::new(dir.path().join("public"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count();
    println!(
        "build {n:>6} records ({content_mb:>5.1} MB) on {place}: median {median:.2} s over {runs} runs (best {:.2} s), {pages} pages, {:.0} pages/s, peak RSS so far {:.0} MiB",
        times[0],
        pages as f64 / median,
        children_peak_mib(),
    );
    println!("    last run: {last_stages}");
}

fn main() {
    let disk = std::env::temp_dir();
    if cfg!(debug_assertions) {
        // Under `cargo test --all-targets`: one small build as a smoke test.
        measure(100, 1, "disk", &disk);
        return;
    }
    // Writing 10,000 folders costs more than building them on some disks: tmpfs
    // (when there is one) shows sotay's own time.
    let memory = std::path::Path::new("/dev/shm");
    for n in [1_000, 10_000] {
        let runs = if n > 1_000 { 3 } else { 5 };
        measure(n, runs, "disk", &disk);
        if memory.is_dir() {
            measure(n, runs, "tmpfs", memory);
        }
    }
}
