//! Sessions, the hottest path of a web application, against the ceiling — the same id → JSON
//! rows in plain SQLite (no encryption, no keyed hash, no audit, the data parsed back into a
//! JSON value as ours is) — in one run, single thread, in a long-running process (warm caches),
//! on a vault file with the default settings (WAL, `synchronous=FULL`, reads audited through
//! the buffered group commit).
//!
//! Sessions have the shape `express-session` stores (a cookie object, a user id, a CSRF secret,
//! a small cart, flash messages: about 400 bytes of JSON); half are linked to one of 10,000
//! subjects. Also measured: `purge_sessions` of 100,000 expired sessions, with a reader thread
//! reading a live session throughout, whose worst wait is reported.
//!
//! `cargo bench -p bunkerlite --bench sessions` prints a Markdown table. `BUNKERLITE_BENCH_N`
//! changes the number of sessions (default 100,000); `BUNKERLITE_BENCH_FLUSH_MS` the audit's
//! group-commit interval (default 100 ms, the vault's default).

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bunkerlite::{Caller, MasterKey, Options, Vault};
use rusqlite::{params, Connection};
use serde_json::{json, Value};

fn n() -> usize {
    std::env::var("BUNKERLITE_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
}

fn id(i: usize) -> String {
    format!("sess-{i:08}-{:016x}", (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// What `express-session` keeps for a logged-in user: about 400 bytes of JSON.
fn data(i: usize) -> Value {
    json!({
        "cookie": {"originalMaxAge": 86_400_000, "expires": "2026-12-08T10:00:00.000Z", "secure": true,
                   "httpOnly": true, "path": "/", "sameSite": "lax"},
        "userId": format!("u-{i}"),
        "csrfSecret": format!("{:032x}", (i as u128).wrapping_mul(0x2545_F491_4F6C_DD1D)),
        "cart": [{"sku": format!("SKU-{}", i % 977), "qty": 1}, {"sku": "SKU-2", "qty": 3}],
        "flash": {"info": ["Welcome back"]},
        "lastSeen": 1_765_000_000_000_i64 + i as i64,
    })
}

/// A random-looking permutation of 0..n (reads in no particular order, as requests come).
fn order(n: usize) -> Vec<usize> {
    (0..n).map(|i| (i * 7_919 + 13) % n).collect()
}

struct Row {
    name: String,
    ours: f64,
    plain: Option<f64>,
}

fn main() {
    let n = n();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rows = Vec::new();

    // The ceiling: plain SQLite, same durability, same JSON.
    let conn = Connection::open(dir.path().join("plain.db")).expect("plain");
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE sessions (id TEXT PRIMARY KEY, data TEXT NOT NULL, expires INTEGER NOT NULL) WITHOUT ROWID;
         CREATE INDEX sessions_expiry ON sessions (expires);",
    )
    .expect("schema");
    {
        let tx = conn.unchecked_transaction().expect("tx");
        let mut ins = tx.prepare("INSERT INTO sessions (id, data, expires) VALUES (?1, ?2, ?3)").expect("prepare");
        for i in 0..n {
            ins.execute(params![id(i), data(i).to_string(), 4_000_000_000_000_i64]).expect("insert");
        }
        drop(ins);
        tx.commit().expect("commit");
    }
    let reads = order(n);
    let plain_get = {
        let mut stmt = conn.prepare_cached("SELECT data, expires FROM sessions WHERE id = ?1").expect("prepare");
        let d = common::timed(n, |k| {
            let (text, _): (String, i64) = stmt.query_row([id(reads[k])], |r| Ok((r.get(0)?, r.get(1)?))).expect("get");
            std::hint::black_box(serde_json::from_str::<Value>(&text).expect("json"));
        });
        common::per_sec(d, n)
    };
    let writes = 2_000.min(n);
    let plain_set = {
        let mut stmt = conn
            .prepare_cached("INSERT OR REPLACE INTO sessions (id, data, expires) VALUES (?1, ?2, ?3)")
            .expect("prepare");
        let d = common::timed(writes, |k| {
            stmt.execute(params![id(reads[k]), data(k).to_string(), 4_000_000_000_001_i64]).expect("set");
        });
        common::per_sec(d, writes)
    };
    drop(conn);

    // bunkerlite: 10,000 subjects, half the sessions linked to one of them.
    let key = MasterKey::generate().expect("key");
    let path = dir.path().join("vault.db");
    let interval: u64 = std::env::var("BUNKERLITE_BENCH_FLUSH_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let vault = Vault::open(&path, &key, Options::default().audit_flush_interval_ms(interval)).expect("open");
    let app = Caller::new("app:web").expect("actor");
    let subjects: Vec<String> = (0..10_000)
        .collect::<Vec<usize>>()
        .chunks(1_000)
        .flat_map(|c| vault.create_subjects(&app, c.iter().map(|&i| common::profile(i)).collect()).expect("create"))
        .collect();
    let seed_start = Instant::now();
    for i in 0..n {
        let mut options = json!({"id": id(i)});
        if i % 2 == 0 {
            options["subject"] = json!(subjects[i % subjects.len()]);
        }
        vault.set_session(&app, data(i), Some(options)).expect("set");
    }
    let seeded = seed_start.elapsed();
    // Warm: one pass over every session, then the measured pass in another order.
    for i in 0..n {
        vault.get_session(&app, &id(i)).expect("warm");
    }
    let ours_get = common::per_sec(common::timed(n, |k| drop(vault.get_session(&app, &id(reads[k])).expect("get"))), n);
    rows.push(Row { name: "get_session (half linked to a subject)".into(), ours: ours_get, plain: Some(plain_get) });
    let linked: Vec<usize> = reads.iter().copied().filter(|i| i % 2 == 0).collect();
    let anonymous: Vec<usize> = reads.iter().copied().filter(|i| i % 2 == 1).collect();
    for (name, ids) in [("get_session, linked to a subject", &linked), ("get_session, linked to nobody", &anonymous)] {
        let ours = common::per_sec(
            common::timed(ids.len(), |k| drop(vault.get_session(&app, &id(ids[k])).expect("get"))),
            ids.len(),
        );
        rows.push(Row { name: name.into(), ours, plain: Some(plain_get) });
    }
    let ours_set = common::per_sec(
        common::timed(writes, |k| {
            vault.set_session(&app, data(k), Some(json!({"id": id(reads[k])}))).expect("set");
        }),
        writes,
    );
    rows.push(Row {
        name: "set_session (replace, one transaction each)".into(),
        ours: ours_set,
        plain: Some(plain_set),
    });
    let ours_touch = common::per_sec(
        common::timed(writes, |k| drop(vault.touch_session(&app, &id(reads[k]), None).expect("touch"))),
        writes,
    );
    rows.push(Row { name: "touch_session".into(), ours: ours_touch, plain: None });
    rows.push(Row { name: format!("set_session, first {n} (seeding)"), ours: common::per_sec(seeded, n), plain: None });
    vault.close().expect("close");

    // Purge: every session expired (the clock moved 401 days ahead), a reader on a live one.
    let later = Options::default().manual_clock_ms(chrono_now() + 401 * 86_400_000);
    let vault = Vault::open(&path, &key, later).expect("reopen");
    let live = vault
        .set_session(&app, json!({"live": true}), Some(json!({"id": "the-live-session-0001"})))
        .expect("live session")
        .id;
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (vault, stop, app) = (vault.clone(), stop.clone(), app.clone());
        std::thread::spawn(move || {
            let (mut worst, mut reads) = (Duration::ZERO, 0u64);
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                vault.get_session(&app, &live).expect("live read");
                worst = worst.max(t.elapsed());
                reads += 1;
            }
            (worst, reads)
        })
    };
    std::thread::sleep(Duration::from_millis(50));
    let t = Instant::now();
    let purged = vault.purge_sessions(&app).expect("purge");
    let purge_time = t.elapsed();
    stop.store(true, Ordering::Relaxed);
    let (worst, reader_reads) = reader.join().expect("reader");
    assert_eq!(purged.removed, n as u64);
    vault.close().expect("close");

    println!("| sessions ({n}, ~400 B of JSON, half linked) | bunkerlite | plain SQLite | ratio |");
    println!("|---|---:|---:|---:|");
    for r in &rows {
        match r.plain {
            Some(p) => println!("| {} | {:.0}/s | {:.0}/s | {:.0}% |", r.name, r.ours, p, 100.0 * r.ours / p),
            None => println!("| {} | {:.0}/s | | |", r.name, r.ours),
        }
    }
    println!(
        "| purge_sessions of {n} expired | {:.2} s ({} batches) | | reader's worst wait {:.1} ms ({reader_reads} reads during the purge) |",
        purge_time.as_secs_f64(),
        purged.batches,
        worst.as_secs_f64() * 1e3
    );
}

/// Now, in milliseconds since the Unix epoch.
fn chrono_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64
}
