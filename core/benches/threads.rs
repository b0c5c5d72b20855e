//! How reads and creates scale with threads sharing one `Vault` (one file, WAL): gets by email
//! and single-subject creates from 1, 2 and 4 threads, each for a fixed time, realistic
//! profiles, after a warm-up pass over every subject. The thread counts take turns within each
//! round (in a rotating order), so that what the machine does meanwhile falls on all of them;
//! prints a Markdown table (the README's) of the medians over the rounds (with their range) and
//! the median of the per-round ratios to one thread.
//!
//! `cargo bench -p bunkerlite --bench threads`; `BUNKERLITE_BENCH_SECONDS` sets each
//! measurement's length (default 2), `BUNKERLITE_BENCH_ROUNDS` the rounds (default 3),
//! `BUNKERLITE_BENCH_N` the subjects (default 20000), `BUNKERLITE_BENCH_THREADS` the thread
//! counts (default `1,2,4`; the first is the baseline).

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod common;

use common::profile;

use bunkerlite::{Caller, Lookup, MasterKey, Options, Vault};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Runs `op(thread, i)` from `threads` threads for `length`; returns operations per second.
fn rate(threads: usize, length: Duration, op: &(dyn Fn(usize, usize) + Sync)) -> f64 {
    let stop = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            let (stop, done) = (&stop, &done);
            s.spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    op(t, i);
                    i += 1;
                }
                done.fetch_add(i, Ordering::Relaxed);
            });
        }
        std::thread::sleep(length);
        stop.store(true, Ordering::Relaxed);
    });
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let n = env("BUNKERLITE_BENCH_N", 20_000);
    let length = Duration::from_secs_f64(env("BUNKERLITE_BENCH_SECONDS", 2) as f64);
    let rounds = env("BUNKERLITE_BENCH_ROUNDS", 3).max(1);
    let app = Caller::new("app:bench").expect("actor");
    let dir = tempfile::tempdir_in(std::env::var("BUNKERLITE_BENCH_DIR").unwrap_or_else(|_| ".".into())).expect("dir");
    let vault = Vault::open(dir.path().join("threads.db"), &MasterKey::generate().expect("key"), Options::default())
        .expect("open");
    for b in 0..n.div_ceil(1000) {
        vault.create_subjects(&app, (b * 1000..((b + 1) * 1000).min(n)).map(profile).collect()).expect("create");
    }
    // Warm-up: every subject read once (and the set-up's writes checkpointed meanwhile).
    for k in 0..n {
        black_box(vault.get_subject(&app, &Lookup::email(format!("user{k}@example.org"))).expect("get"));
    }
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let counts: Vec<usize> = std::env::var("BUNKERLITE_BENCH_THREADS")
        .ok()
        .map(|v| v.split(',').filter_map(|t| t.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 2, 4]);
    let gets_only = std::env::var_os("BUNKERLITE_BENCH_GETS_ONLY").is_some();
    let next = AtomicUsize::new(n);
    // [count][round] → (gets/s, creates/s)
    let mut figures = vec![Vec::new(); counts.len()];
    for round in 0..rounds {
        for j in 0..counts.len() {
            let c = (j + round) % counts.len();
            let threads = counts[c];
            let gets = rate(threads, length, &|t, i| {
                // Each thread walks the subjects in its own pseudo-random order.
                let k = (i * 7919 + t * 104_729 + round * 15_485_863) % n;
                black_box(vault.get_subject(&app, &Lookup::email(format!("user{k}@example.org"))).expect("get"));
            });
            let creates = if gets_only {
                f64::NAN
            } else {
                rate(threads, length, &|_, _| {
                    black_box(
                        vault.create_subject(&app, profile(next.fetch_add(1, Ordering::Relaxed))).expect("create"),
                    );
                })
            };
            figures[c].push((gets, creates));
        }
    }
    vault.close().expect("close");
    println!(
        "One `Vault` shared by threads, {n} subjects, {cores} cores; each figure over {length:?}, {rounds} rounds: median (range).\n"
    );
    println!("| threads | gets by email /s | vs 1 thread | creates /s | vs 1 thread |");
    println!("|---:|---:|---:|---:|---:|");
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        v[v.len() / 2]
    };
    let spread = |v: &[f64]| {
        let lo = v.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        format!("{lo:.0}…{hi:.0}")
    };
    for (c, threads) in counts.iter().enumerate() {
        let gets: Vec<f64> = figures[c].iter().map(|f| f.0).collect();
        let creates: Vec<f64> = figures[c].iter().map(|f| f.1).collect();
        // Ratios paired by round against the first count's figure of the same round.
        let g_ratio: Vec<f64> = figures[c].iter().zip(&figures[0]).map(|(f, b)| f.0 / b.0).collect();
        let c_ratio: Vec<f64> = figures[c].iter().zip(&figures[0]).map(|(f, b)| f.1 / b.1).collect();
        println!(
            "| {threads} | {:.0} ({}) | {:.2}× | {:.0} ({}) | {:.2}× |",
            median(gets.clone()),
            spread(&gets),
            median(g_ratio),
            median(creates.clone()),
            spread(&creates),
            median(c_ratio)
        );
    }
}
