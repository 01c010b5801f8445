//! `sotay build` end to end, as a municipality runs it: the release binary on sites
//! made from the real records. For each size it prints three builds, each with its
//! wall time, the binary's own stage timings and its peak memory:
//! - cold: no previous output (nor its spare copy) and no caches;
//! - warm: again, nothing changed (the build finds so and stops);
//! - warm, taken: nothing changed, but without the note that says so: every record
//!   decoded from the cache, every page taken from the previous output;
//! - one changed: a document of one record renamed, as after an edit;
//! - ten changed: a document of ten records renamed, as after a morning's edits.
//!
//! Run with `cargo bench --bench build` (1,000 and 10,000 records);
//! `SOTAY_BENCH_SIZES=100000 cargo bench --bench build` for other sizes.

mod corpus;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// One build: wall seconds, peak resident MiB and the binary's `built …` line.
struct Run {
    seconds: f64,
    peak_mib: f64,
    stages: String,
}

// `wait` reaps the child with wait4, which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn build(root: &Path) -> Run {
    let log = tempfile::NamedTempFile::new().unwrap();
    let start = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("--root")
        .arg(root)
        .arg("build")
        .stdout(Stdio::null())
        .stderr(log.reopen().unwrap())
        .spawn()
        .unwrap();
    let (status, usage) = wait(child.id());
    let seconds = start.elapsed().as_secs_f64();
    let stderr = std::fs::read_to_string(log.path()).unwrap();
    assert!(status == 0, "{stderr}");
    Run {
        seconds,
        peak_mib: usage.ru_maxrss as f64 / 1024.0,
        stages: stderr
            .lines()
            .find(|l| l.starts_with("built ") || l.starts_with("đã build "))
            .unwrap_or_default()
            .to_string(),
    }
}

/// Waits for the child `pid`: its exit status and its own resource use (the peak
/// memory of this build, not of every child so far).
fn wait(pid: u32) -> (i32, libc::rusage) {
    let mut status = 0;
    // SAFETY: wait4 writes into the status and the struct we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let done = unsafe { libc::wait4(pid as i32, &mut status, 0, &mut usage) };
    assert_eq!(done, pid as i32, "wait4 failed");
    (status, usage)
}

/// Renames the first document of `count` records, spread over the site.
fn edit_records(root: &Path, count: usize, round: usize) {
    let dir = root.join("content/procedures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let step = (files.len() / count).max(1);
    for file in files.iter().step_by(step).take(count) {
        let text = std::fs::read_to_string(file).unwrap();
        let edited = text.replacen("  - name: \"", &format!("  - name: \"(sửa {round}) "), 1);
        std::fs::write(file, edited).unwrap();
    }
}

fn report(label: &str, runs: &mut [Run]) {
    runs.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let median = &runs[runs.len() / 2];
    let peak = runs.iter().map(|r| r.peak_mib).fold(0.0, f64::max);
    println!(
        "  {label:<12} median {:>6.2} s (best {:.2} s, {} runs), peak {peak:>5.0} MiB",
        median.seconds,
        runs[0].seconds,
        runs.len()
    );
    println!("      {}", median.stages);
}

fn measure(n: usize, runs: usize, place: &str, parent: &Path) {
    let dir = tempfile::tempdir_in(parent).unwrap();
    corpus::make_site(dir.path(), n);
    let content_mb = walkdir::WalkDir::new(dir.path().join("content"))
        .into_iter()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum::<u64>() as f64
        / 1e6;
    println!("build {n} records ({content_mb:.1} MB of records) on {place}:");
    let public = dir.path().join("public");
    let cache = dir.path().join(sotay::sources::cache::CACHE_DIR);
    // The copy before the last, which the next build updates in place.
    let spare = dir.path().join(".public.sotay-spare");
    let [mut cold, mut warm, mut taken, mut one, mut ten]: [Vec<Run>; 5] = Default::default();
    for round in 0..runs {
        for folder in [&public, &cache, &spare] {
            if folder.exists() {
                std::fs::remove_dir_all(folder).unwrap();
            }
        }
        cold.push(build(dir.path()));
        warm.push(build(dir.path()));
        let _ = std::fs::remove_file(cache.join("unchanged"));
        taken.push(build(dir.path()));
        edit_records(dir.path(), 1, 2 * round);
        one.push(build(dir.path()));
        edit_records(dir.path(), 10, 2 * round + 1);
        ten.push(build(dir.path()));
    }
    report("cold", &mut cold);
    report("warm", &mut warm);
    report("warm, taken", &mut taken);
    report("one changed", &mut one);
    report("ten changed", &mut ten);
}

fn main() {
    let disk = std::env::temp_dir();
    if cfg!(debug_assertions) {
        // Under `cargo test --all-targets`: one small round as a smoke test.
        measure(100, 1, "disk", &disk);
        return;
    }
    let sizes = corpus::sizes(&[1_000, 10_000]);
    // Writing 10,000 folders costs more than building them on some disks: tmpfs
    // (when there is one) shows sotay's own time.
    let memory = Path::new("/dev/shm");
    for n in sizes {
        let runs = if n >= 100_000 {
            1
        } else if n > 1_000 {
            3
        } else {
            5
        };
        measure(n, runs, "disk", &disk);
        if memory.is_dir() && n < 100_000 {
            measure(n, runs, "tmpfs", memory);
        }
    }
}
