//! `tokenize_text` throughput on application logs, one run, single thread, on a vault file with
//! the default settings (WAL, `synchronous=FULL`) and `default_region` DE (so national phone
//! numbers are looked for too — the dearer case):
//!
//! - a log with about 1% personal data (one line in twenty holds an email, a phone number or a
//!   card number), in calls of 1 MiB as a log shipper sends them: MB/s (goal ≥ 50);
//! - a dense log (a placeholder per ~70 bytes, half of the values repeating), in calls of
//!   ~500 KB (under `max_batch` placeholders each): placeholders/s (goal ≥ 100,000);
//! - a log with no personal data at all: the scan alone, MB/s;
//! - `detokenize_text` of the dense log's output: placeholders/s.
//!
//! `cargo bench -p bunkerlite --bench text` prints a Markdown table (the README's). Set
//! `BUNKERLITE_BENCH_MB` for the size of each log (default 8).

mod common;

use std::hint::black_box;
use std::time::Instant;

use bunkerlite::{Caller, MasterKey, Options, Vault};

fn megabytes() -> usize {
    std::env::var("BUNKERLITE_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(8)
}

/// The personal item of line `i` (an email, a phone number or a card number); `distinct`
/// values cycle.
fn personal(i: u64, distinct: u64) -> String {
    let k = i % distinct;
    match i % 3 {
        0 => format!("user{k}@example.org"),
        1 => format!("+49 151 {}", 10_000_000 + k),
        _ => common::luhn::card(k),
    }
}

/// Log lines of a service: Python-logging timestamps, client addresses, request ids, statuses,
/// sizes and durations; every `every`-th line holds a personal item.
fn log(bytes: usize, every: u64, distinct: u64) -> (String, usize) {
    let mut out = String::with_capacity(bytes + 200);
    let mut items = 0;
    let mut i = 0u64;
    while out.len() < bytes {
        let ts = format!("2026-03-14 09:{:02}:{:02},{:03}", i % 60, (i / 60) % 60, i % 1000);
        if i % every == 0 {
            out.push_str(&format!("{ts} INFO receipt for {} sent\n", personal(i / every, distinct)));
            items += 1;
        } else {
            out.push_str(&format!(
                "{ts} INFO 203.0.{}.{} \"GET /api/v2/orders/ORD-{} HTTP/1.1\" 200 {} in {} ms req=550e8400-e29b-41d4-a716-{:012x}\n",
                i % 256,
                (i * 7) % 256,
                10_000_000 + i,
                1000 + i % 90_000,
                i % 97,
                i
            ));
        }
        i += 1;
    }
    (out, items)
}

/// The text in calls of at most `chunk` bytes, split at line ends.
fn chunks(text: &str, chunk: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = rest.len().min(chunk);
        if end < rest.len() {
            end = rest[..end].rfind('\n').map_or(end, |n| n + 1);
        }
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

fn main() {
    let mb = megabytes();
    let app = Caller::new("app:logs").expect("actor");
    let dir = tempfile::tempdir_in(std::env::var("BUNKERLITE_BENCH_DIR").unwrap_or_else(|_| ".".into())).expect("dir");
    let options = Options::default().default_region("DE");
    let vault = Vault::open(dir.path().join("text.db"), &MasterKey::generate().expect("key"), options).expect("open");
    let mut rows: Vec<(String, String)> = Vec::new();

    // Warm-up: the regexes and the phone metadata are compiled on first use.
    let (warm, _) = log(50_000, 20, 1_000_000);
    vault.tokenize_text(&app, &warm, None).expect("warm-up");

    let (sparse, items) = log(mb << 20, 20, 1_000_000);
    let start = Instant::now();
    for c in chunks(&sparse, 1 << 20) {
        black_box(vault.tokenize_text(&app, c, None).expect("tokenize_text"));
    }
    let s = start.elapsed().as_secs_f64();
    rows.push((
        format!("tokenize_text, log with ~1% personal data ({items} items in {mb} MiB), 1 MiB per call"),
        format!("{:.1} MB/s", sparse.len() as f64 / 1e6 / s),
    ));

    let (clean, _) = log(mb << 20, u64::MAX, 1);
    let start = Instant::now();
    for c in chunks(&clean, 1 << 20) {
        black_box(vault.tokenize_text(&app, c, None).expect("tokenize_text"));
    }
    let s = start.elapsed().as_secs_f64();
    rows.push((
        format!("tokenize_text, log with no personal data ({mb} MiB), 1 MiB per call: the scan alone"),
        format!("{:.1} MB/s", clean.len() as f64 / 1e6 / s),
    ));

    // Dense: every line holds an item (~70 bytes per placeholder), half of them repeating.
    let (dense, items) = log(mb << 20, 1, 60_000);
    let dense_lines: Vec<&str> = chunks(&dense, 600_000);
    let start = Instant::now();
    let mut outputs = Vec::with_capacity(dense_lines.len());
    for c in &dense_lines {
        outputs.push(vault.tokenize_text(&app, c, None).expect("tokenize_text"));
    }
    let s = start.elapsed().as_secs_f64();
    rows.push((
        format!("tokenize_text, dense log ({items} items, 1 per {} bytes), ~600 KB per call", dense.len() / items),
        format!("{:.0} placeholders/s ({:.1} MB/s)", items as f64 / s, dense.len() as f64 / 1e6 / s),
    ));

    let start = Instant::now();
    for o in &outputs {
        black_box(vault.detokenize_text(&app, o, None).expect("detokenize_text"));
    }
    let s = start.elapsed().as_secs_f64();
    rows.push((
        "detokenize_text of the dense log's output".to_owned(),
        format!("{:.0} placeholders/s", items as f64 / s),
    ));
    vault.close().expect("close");

    println!("| `tokenize_text` | this build |");
    println!("|---|---:|");
    for (name, value) in rows {
        println!("| {name} | {value} |");
    }
}
