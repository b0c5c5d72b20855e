//! How reads and creates scale with threads sharing one `Vault` (one file, WAL): gets by email
//! and single-subject creates from 1, 2 and 4 threads, each for a fixed time, realistic
//! profiles. Prints a Markdown table (the README's) of ops/s and the ratio to one thread.
//!
//! `cargo bench -p bunkerlite --bench threads`; `BUNKERLITE_BENCH_SECONDS` sets each
//! measurement's length (default 3), `BUNKERLITE_BENCH_N` the subjects (default 20000),
//! `BUNKERLITE_BENCH_THREADS` the thread counts (default `1,2,4`).

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
    let length = Duration::from_secs_f64(env("BUNKERLITE_BENCH_SECONDS", 3) as f64);
    let app = Caller::new("app:bench").expect("actor");
    let dir = tempfile::tempdir_in(std::env::var("BUNKERLITE_BENCH_DIR").unwrap_or_else(|_| ".".into())).expect("dir");
    let vault = Vault::open(dir.path().join("threads.db"), &MasterKey::generate().expect("key"), Options::default())
        .expect("open");
    for b in 0..n.div_ceil(1000) {
        vault.create_subjects(&app, (b * 1000..((b + 1) * 1000).min(n)).map(profile).collect()).expect("create");
    }
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    println!("One `Vault` shared by threads, {n} subjects, {cores} cores; each figure over {length:?}.\n");
    println!("| threads | gets by email /s | vs 1 thread | creates /s | vs 1 thread |");
    println!("|---:|---:|---:|---:|---:|");
    let next = AtomicUsize::new(n);
    let mut base = None;
    let counts: Vec<usize> = std::env::var("BUNKERLITE_BENCH_THREADS")
        .ok()
        .map(|v| v.split(',').filter_map(|t| t.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 2, 4]);
    for threads in counts {
        let gets = rate(threads, length, &|t, i| {
            // Each thread walks the subjects in its own pseudo-random order.
            let k = (i * 7919 + t * 104_729) % n;
            black_box(vault.get_subject(&app, &Lookup::email(format!("user{k}@example.org"))).expect("get"));
        });
        let creates = if std::env::var_os("BUNKERLITE_BENCH_GETS_ONLY").is_some() {
            f64::NAN
        } else {
            rate(threads, length, &|_, _| {
                black_box(vault.create_subject(&app, profile(next.fetch_add(1, Ordering::Relaxed))).expect("create"));
            })
        };
        let (g1, c1) = *base.get_or_insert((gets, creates));
        println!("| {threads} | {gets:.0} | {:.2}× | {creates:.0} | {:.2}× |", gets / g1, creates / c1);
    }
    vault.close().expect("close");
}
