//! Loading and checking records: read, split, parse YAML, decode, cross-check.
//! Prints records per second for the 864 real records and for 10,000 varied copies,
//! decoded and then taken from the cache of decoded records (as `build` does).
//!
//! Run with `cargo bench --bench load`.

mod corpus;

use sotay::sources::Sources;

use std::time::{Duration, Instant};

fn measure(n: usize, runs: usize, cached: bool) {
    let dir = tempfile::tempdir().unwrap();
    corpus::make_site(dir.path(), n);
    let bytes: u64 = walkdir::WalkDir::new(dir.path().join("content"))
        .into_iter()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    // One warm-up run fills the page cache, as in a staff member's second `check`.
    let load = || {
        if cached {
            Sources::load_cached(dir.path()).0
        } else {
            Sources::load(dir.path())
        }
    };
    let loaded = load();
    assert_eq!(loaded.diagnostics().errors(), 0);
    assert_eq!(loaded.records().len(), n);
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let loaded = load();
            let elapsed = start.elapsed();
            std::hint::black_box(loaded);
            elapsed
        })
        .collect();
    times.sort();
    let median = times[runs / 2];
    println!(
        "load {n:>6} records ({:>5.1} MB){}: median {:>7.1} ms over {runs} runs, {:>8.0} records/s, {:>6.1} MB/s (best {:.1} ms, threads {})",
        bytes as f64 / 1e6,
        if cached { " from the cache" } else { "" },
        median.as_secs_f64() * 1e3,
        n as f64 / median.as_secs_f64(),
        bytes as f64 / 1e6 / median.as_secs_f64(),
        times[0].as_secs_f64() * 1e3,
        rayon::current_num_threads(),
    );
}

fn main() {
    // `cargo test --all-targets` runs this unoptimised, as a smoke test: keep it quick.
    let quick = cfg!(debug_assertions) || std::env::args().any(|a| a == "--test");
    if quick {
        measure(864, 1, true);
        return;
    }
    for cached in [false, true] {
        measure(864, 15, cached);
        measure(10_000, 5, cached);
    }
}
