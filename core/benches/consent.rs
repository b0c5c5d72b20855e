//! The cost of consent, measured in one run, single thread, on a vault file with the default
//! settings (WAL, `synchronous=FULL`) holding realistic profiles: purpose-checked reads beside
//! the same reads without a purpose, interleaved in chunks of 500 (a consent-based purpose needs
//! the subject's current decision: read and MAC-checked once per catalogue generation, then
//! remembered; a contract-based one only the catalogue), `can_process`, and a consent change
//! (history row, current view, outbox event and audit event in one transaction) beside plain
//! SQLite's own-transaction insert (the floor of any durable single change).
//!
//! `BUNKERLITE_BENCH_PROFILE_CHECKS=<rounds>` (with `BUNKERLITE_BENCH_VARIANT=0|1|2`) runs only
//! the reads of one variant, for a profiler.
//!
//! `cargo bench -p bunkerlite --bench consent` prints a Markdown table (the README's). Set
//! `BUNKERLITE_BENCH_N` to change the number of subjects (default 20,000).

mod common;

use std::hint::black_box;
use std::time::Instant;

use bunkerlite::{Caller, Lookup, MasterKey, Options, Vault};
use rusqlite::{params, Connection};
use serde_json::json;

const ROUNDS: usize = 7;
const CHANGES: usize = 2_000;

fn n() -> usize {
    std::env::var("BUNKERLITE_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v[v.len() / 2]
}

/// A deterministic shuffle (xorshift), so every variant reads the same order.
fn shuffled(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..n).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        order.swap(i, (x % (i as u64 + 1)) as usize);
    }
    order
}

/// Plain SQLite: inserts of ~100-byte rows, one transaction (and fsync) each, per second.
fn plain_single_inserts(dir: &std::path::Path) -> f64 {
    let conn = Connection::open(dir.join("plain.db")).expect("plain");
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE events (seq INTEGER PRIMARY KEY, subject BLOB NOT NULL, basis TEXT, event INTEGER, time_ms INTEGER);",
    )
    .expect("schema");
    let start = Instant::now();
    for i in 0..CHANGES {
        conn.execute(
            "INSERT INTO events (subject, basis, event, time_ms) VALUES (?1, 'newsletter', 1, ?2)",
            params![uuid::Uuid::new_v4().as_bytes().to_vec(), i as i64],
        )
        .expect("insert");
    }
    CHANGES as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let n = n();
    let dir = tempfile::tempdir_in(std::env::var("BUNKERLITE_BENCH_DIR").unwrap_or_else(|_| ".".into())).expect("dir");
    let plain_change = plain_single_inserts(dir.path());
    let key = MasterKey::generate().expect("key");
    let vault = Vault::open(dir.path().join("consent.db"), &key, Options::default()).expect("open");
    let admin = Caller::new("admin:bench").expect("actor");
    let app = Caller::new("app:bench").expect("actor");
    let mut tokens = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(1_000) {
        tokens
            .extend(vault.create_subjects(&app, chunk.iter().map(|&i| common::profile(i)).collect()).expect("create"));
    }
    vault
        .set_legal_basis(&admin, "newsletter", json!({"type": "consent", "short_description": "News"}))
        .expect("basis");
    vault.set_legal_basis(&admin, "orders", json!({"type": "contract", "short_description": "Orders"})).expect("basis");
    vault
        .set_activity(&admin, "marketing", json!({"operations": ["read"], "legal_bases": ["newsletter"]}))
        .expect("act");
    vault.set_activity(&admin, "shipping", json!({"operations": ["read"], "legal_bases": ["orders"]})).expect("act");

    // Consent changes: each its own transaction (history, current view, outbox, audit) and fsync.
    let start = Instant::now();
    for t in tokens.iter().take(CHANGES) {
        vault
            .give_consent(&app, &Lookup::token(t), "newsletter", Some(json!({"method": "web-form", "language": "en"})))
            .expect("give");
    }
    let change_us = start.elapsed().as_secs_f64() * 1e6 / CHANGES as f64;
    // Everyone else consents too, so every consent-checked read below is allowed.
    for t in tokens.iter().skip(CHANGES) {
        vault.give_consent(&app, &Lookup::token(t), "newsletter", None).expect("give");
    }
    let events = vault.list_consent_events(&app, None, &bunkerlite::PageRequest::first(1)).expect("events").total;
    assert_eq!(events as usize, n, "one outbox event per change");
    // The steady state reads run in: the set-up's writes checkpointed into the file (closing
    // does it), not still in the WAL.
    vault.close().expect("close");
    let vault = Vault::open(dir.path().join("consent.db"), &key, Options::default()).expect("reopen");

    let order = shuffled(n);
    let lookups: Vec<Lookup> = order.iter().map(|&i| Lookup::token(&tokens[i])).collect();
    let orders: Vec<Vec<Lookup>> = (0..3)
        .map(|k| {
            let mut o = lookups.clone();
            o.rotate_left(k * n / 3);
            o.reverse();
            if k == 1 {
                o.rotate_left(n / 2);
            }
            o
        })
        .collect();
    let emails: Vec<Lookup> = order.iter().map(|&i| Lookup::email(format!("user{i}@example.org"))).collect();
    let variants: [(&str, Caller); 3] = [
        ("get_subject by token, no purpose", app.clone()),
        ("get_subject by token, contract purpose", app.clone().with_purpose("shipping").expect("purpose")),
        ("get_subject by token, consent purpose", app.clone().with_purpose("marketing").expect("purpose")),
    ];
    if let Ok(rounds) = std::env::var("BUNKERLITE_BENCH_PROFILE_CHECKS") {
        // For a profiler: only purpose-checked reads and checks, many times.
        for _ in 0..rounds.parse::<usize>().expect("rounds") {
            let which = std::env::var("BUNKERLITE_BENCH_VARIANT").ok().and_then(|v| v.parse().ok()).unwrap_or(2);
            for l in &lookups {
                black_box(vault.get_subject(&variants[which].1, l).expect("get"));
            }
        }
        return;
    }
    let mut reads: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    let mut checks_token = Vec::new();
    let mut checks_email = Vec::new();
    for _ in 0..ROUNDS {
        // The variants alternate every 500 reads, so that what happens meanwhile (audit
        // group commits, checkpoints) falls on all of them alike.
        // Each variant reads every subject once per round, in its own order (none profits from
        // pages another just read).
        let mut spent = vec![0.0; variants.len()];
        for (c, at) in (0..n).step_by(500).enumerate() {
            // Which variant goes first turns with every chunk.
            for j in 0..variants.len() {
                let k = (j + c) % variants.len();
                let caller = &variants[k].1;
                let start = Instant::now();
                for l in &orders[k][at..(at + 500).min(n)] {
                    black_box(vault.get_subject(caller, l).expect("get"));
                }
                spent[k] += start.elapsed().as_secs_f64();
            }
        }
        for (k, s) in spent.into_iter().enumerate() {
            reads[k].push(s * 1e6 / n as f64);
        }
        let start = Instant::now();
        for l in &lookups {
            assert!(black_box(vault.can_process(l, "marketing", None).expect("check")).allowed);
        }
        checks_token.push(n as f64 / start.elapsed().as_secs_f64());
        let start = Instant::now();
        for l in &emails {
            assert!(black_box(vault.can_process(l, "marketing", None).expect("check")).allowed);
        }
        checks_email.push(n as f64 / start.elapsed().as_secs_f64());
    }
    vault.close().expect("close");

    let base = median(reads[0].clone());
    println!("{n} subjects (~350-byte profiles), every one with a consent; {ROUNDS} rounds, medians (range).\n");
    println!("| operation | bunkerlite | beside | ratio / added |");
    println!("|---|---:|---:|---:|");
    let range = |v: &[f64]| {
        let lo = v.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    };
    for (k, (name, _)) in variants.iter().enumerate() {
        let m = median(reads[k].clone());
        let (lo, hi) = range(&reads[k]);
        if k == 0 {
            println!("| {name} | {m:.2} µs ({lo:.2}…{hi:.2}) | — | — |");
        } else {
            // Paired by round (the variants of a round alternate every 500 reads): the median of
            // the per-round differences, which cancels what a round as a whole suffered.
            let added: Vec<f64> = reads[k].iter().zip(&reads[0]).map(|(a, b)| a - b).collect();
            let (dlo, dhi) = range(&added);
            println!(
                "| {name} | {m:.2} µs ({lo:.2}…{hi:.2}) | {base:.2} µs without a purpose | {:+.2} µs ({dlo:+.2}…{dhi:+.2}) |",
                median(added.clone())
            );
        }
    }
    let (lo, hi) = range(&checks_token);
    println!(
        "| can_process by token (consent purpose) | {:.0}/s ({lo:.0}…{hi:.0}) | — | — |",
        median(checks_token.clone())
    );
    let (lo, hi) = range(&checks_email);
    println!(
        "| can_process by email (blind index + verified profile) | {:.0}/s ({lo:.0}…{hi:.0}) | — | — |",
        median(checks_email.clone())
    );
    println!(
        "| give_consent, one call (and one fsync) per change | {change_us:.0} µs | {:.0} µs: plain SQLite insert, own transaction | {:.2}× |",
        1e6 / plain_change,
        change_us * plain_change / 1e6
    );
}
