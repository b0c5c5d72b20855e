//! Throughput of tokens against the ceiling — the same token → value rows in plain SQLite (no
//! encryption, no keyed hash, no audit) — measured in one run, single thread, on a vault file with
//! the default settings (WAL, `synchronous=FULL`).
//!
//! `cargo bench -p bunkerlite --bench tokens` prints a Markdown table (the README's). Set
//! `BUNKERLITE_BENCH_N` to change the number of values (default 100,000).

mod common;

use std::hint::black_box;
use std::time::Instant;

use bunkerlite::{Caller, MasterKey, Options, Vault};
use rusqlite::{params, Connection};
use serde_json::json;

const BATCH: usize = 10_000;
const SINGLE: usize = 2_000;

fn n() -> usize {
    std::env::var("BUNKERLITE_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
}

/// A value as applications tokenize them: an SSN-like identifier, distinct per `i`.
fn value(i: usize) -> String {
    format!("{:03}-{:02}-{:04}", 100 + i % 899, 10 + (i / 899) % 89, i % 10_000)
}

/// A card number that passes the Luhn check, distinct per `i`.
fn card(i: usize) -> String {
    common::luhn::card(i as u64)
}

/// About 1 MB of log lines, 1% of whose bytes are personal data (an email, a phone number or a
/// card number in one line of 20).
fn log() -> (String, usize) {
    let mut out = String::new();
    let mut personal = 0;
    let mut i = 0;
    while out.len() < 1_000_000 {
        let line = match i % 20 {
            0 => {
                let pii = match (i / 20) % 3 {
                    0 => format!("user{i}@example.org"),
                    1 => format!("+49 151 {}", 10_000_000 + i),
                    _ => card(i),
                };
                personal += pii.len();
                format!("2026-11-29T10:{:02}:{:02}Z INFO request {i} from {pii} accepted after 12 ms\n", i % 60, i % 60)
            }
            _ => format!(
                "2026-11-29T10:{:02}:{:02}Z INFO GET /api/v2/orders/{i}/items?page=3 200 in {} ms (cache hit)\n",
                i % 60,
                i % 60,
                i % 97
            ),
        };
        out.push_str(&line);
        i += 1;
    }
    (out, personal)
}

struct Row {
    name: &'static str,
    ours: f64,
    plain: Option<f64>,
    unit: &'static str,
}

fn per_second(count: usize, seconds: f64) -> f64 {
    count as f64 / seconds
}

fn plain(dir: &std::path::Path, n: usize) -> (f64, f64) {
    let conn = Connection::open(dir.join("plain.db")).expect("plain");
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE tokens (token TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;",
    )
    .expect("schema");
    let tokens: Vec<String> = (0..n).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let start = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(BATCH) {
        let tx = conn.unchecked_transaction().expect("tx");
        {
            let mut insert = tx.prepare_cached("INSERT INTO tokens (token, value) VALUES (?1, ?2)").expect("insert");
            for &i in chunk {
                insert.execute(params![tokens[i], value(i)]).expect("row");
            }
        }
        tx.commit().expect("commit");
    }
    let create = per_second(n, start.elapsed().as_secs_f64());
    let start = Instant::now();
    for chunk in tokens.chunks(BATCH) {
        let tx = conn.unchecked_transaction().expect("tx");
        {
            let mut get = tx.prepare_cached("SELECT value FROM tokens WHERE token = ?1").expect("select");
            for t in chunk {
                let v: String = get.query_row([t], |r| r.get(0)).expect("value");
                black_box(v);
            }
        }
        tx.commit().expect("commit");
    }
    let read = per_second(n, start.elapsed().as_secs_f64());
    (create, read)
}

fn main() {
    let n = n();
    let app = Caller::new("app:bench").expect("actor");
    let dir = tempfile::tempdir_in(std::env::var("BUNKERLITE_BENCH_DIR").unwrap_or_else(|_| ".".into())).expect("dir");
    let (plain_create, plain_read) = plain(dir.path(), n);
    let options = Options::default().default_region("DE");
    let vault = Vault::open(dir.path().join("tokens.db"), &MasterKey::generate().expect("key"), options).expect("open");
    let values: Vec<String> = (0..n).map(value).collect();
    let mut rows = Vec::new();

    let start = Instant::now();
    let mut tokens = Vec::with_capacity(n);
    for chunk in values.chunks(BATCH) {
        let batch = vault.tokenize_many(&app, chunk, None, true).expect("tokenize");
        tokens.extend(batch.items.into_iter().map(|i| i.token.expect("token")));
    }
    let ours = per_second(n, start.elapsed().as_secs_f64());
    rows.push(Row { name: "tokenize_many (uuid, 10,000 per call)", ours, plain: Some(plain_create), unit: "values/s" });

    let start = Instant::now();
    for chunk in tokens.chunks(BATCH) {
        black_box(vault.detokenize_many(&app, chunk, None, true).expect("detokenize"));
    }
    let ours = per_second(n, start.elapsed().as_secs_f64());
    rows.push(Row { name: "detokenize_many (10,000 per call)", ours, plain: Some(plain_read), unit: "values/s" });

    let start = Instant::now();
    for t in tokens.iter().take(SINGLE * 5) {
        black_box(vault.detokenize(&app, t, None).expect("detokenize"));
    }
    let us = start.elapsed().as_secs_f64() * 1e6 / (SINGLE * 5) as f64;
    rows.push(Row { name: "detokenize, one call per token", ours: us, plain: None, unit: "µs/call" });

    let start = Instant::now();
    for v in values.iter().take(SINGLE) {
        black_box(vault.tokenize(&app, v, None).expect("tokenize"));
    }
    let us = start.elapsed().as_secs_f64() * 1e6 / SINGLE as f64;
    rows.push(Row { name: "tokenize, one call (and one fsync) per value", ours: us, plain: None, unit: "µs/call" });

    let cards: Vec<String> = (0..SINGLE * 5).map(card).collect();
    let fpe = json!({"kind": "fpe"});
    let start = Instant::now();
    for c in &cards {
        black_box(vault.tokenize(&app, c, Some(fpe.clone())).expect("fpe"));
    }
    let us = start.elapsed().as_secs_f64() * 1e6 / cards.len() as f64;
    rows.push(Row {
        name: "FF1 tokenize of a 16-digit card number, one call each",
        ours: us,
        plain: None,
        unit: "µs/call",
    });
    let start = Instant::now();
    for chunk in cards.chunks(BATCH) {
        black_box(vault.tokenize_many(&app, chunk, Some(fpe.clone()), true).expect("fpe batch"));
    }
    let us = start.elapsed().as_secs_f64() * 1e6 / cards.len() as f64;
    rows.push(Row { name: "FF1 tokenize_many of 16-digit card numbers", ours: us, plain: None, unit: "µs/value" });

    let (text, personal) = log();
    // Steady state: the regexes and the phone metadata are compiled on first use.
    vault.tokenize_text(&app, &text[..20_000], None).expect("warm-up");
    let start = Instant::now();
    let replaced = vault.tokenize_text(&app, &text, None).expect("tokenize_text");
    let mb = text.len() as f64 / 1e6;
    rows.push(Row {
        name: "tokenize_text of a 1 MB log (1% personal data)",
        ours: mb / start.elapsed().as_secs_f64(),
        plain: None,
        unit: "MB/s",
    });
    let start = Instant::now();
    let restored = vault.detokenize_text(&app, &replaced, None).expect("detokenize_text");
    rows.push(Row {
        name: "detokenize_text of the same log",
        ours: replaced.len() as f64 / 1e6 / start.elapsed().as_secs_f64(),
        plain: None,
        unit: "MB/s",
    });
    assert_eq!(restored.len(), text.len(), "the log comes back");
    vault.close().expect("close");

    println!("{n} values, {:.1} MB log with {personal} bytes of personal data.\n", text.len() as f64 / 1e6);
    println!("| operation | bunkerlite | plain SQLite (no crypto, no audit) | ratio |");
    println!("|---|---:|---:|---:|");
    for r in rows {
        let ours =
            if r.ours >= 1000.0 { format!("{:.0} {}", r.ours, r.unit) } else { format!("{:.2} {}", r.ours, r.unit) };
        match r.plain {
            Some(p) => println!("| {} | {ours} | {:.0} {} | {:.0}% |", r.name, p, r.unit, 100.0 * r.ours / p),
            None => println!("| {} | {ours} | — | — |", r.name),
        }
    }
}
