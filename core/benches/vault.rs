//! Throughput of the vault's core operations against the ceiling — the same rows in plain SQLite
//! with no encryption, no blind indexes and no audit — measured in one run, single thread.
//!
//! `cargo bench -p bunkerlite --bench vault` prints a Markdown table (the README's). Set
//! `BUNKERLITE_BENCH_N` to change the subject count (default 20000). With `BUNKERLITE_BENCH_RSS=1`
//! it instead grows one vault to 1,000,000 subjects in a fresh process and reports resident memory
//! at 10k, 100k and 1M.

mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use common::{per_sec, timed};

use bunkerlite::{Caller, Lookup, MasterKey, Options, Vault};
use rusqlite::{params, Connection};
use serde_json::{json, Value};

const BATCH: usize = 1000;
/// Batched erasures: at most this many calls of `forget_subjects` (one transaction each on the
/// plain side), fewer for small runs (see `erase_batches`).
const ERASE_BATCHES: usize = 10;
const ERASE_BATCH: usize = 100;

/// The batched erasures of a run of `n` subjects: two sets of them (with and without a
/// coalescing window) and the single erasures must fit in the batched creates.
fn erase_batches(n: usize) -> usize {
    (n / 4 / ERASE_BATCH).clamp(1, ERASE_BATCHES)
}

/// Mixes `i` so consecutive subjects get unrelated emails, as real sign-ups do (sequential values
/// would let the plain baseline append to its indexes in order). Phones use a bijection on the
/// 8-digit range for the same reason.
fn mix(i: usize) -> u64 {
    let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn email(i: usize) -> String {
    format!("p{:012x}.{i}@example.org", mix(i) >> 16)
}

fn profile(i: usize) -> Value {
    common::profile_with_email(i, email(i))
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

struct Row {
    name: &'static str,
    ours: Duration,
    ours_n: usize,
    plain: Duration,
    plain_n: usize,
}

// ---- bunkerlite ------------------------------------------------------------------------------

/// Inputs are built before the clock starts, so both sides time only the operation.
struct Inputs {
    batches: Vec<Vec<Value>>,
    singles: Vec<Value>,
    emails: Vec<String>,
    patches: Vec<Value>,
}

fn inputs(n: usize) -> Inputs {
    Inputs {
        batches: (0..n / BATCH).map(|b| (b * BATCH..(b + 1) * BATCH).map(profile).collect()).collect(),
        singles: (0..n / 10).map(|i| profile(n + i)).collect(),
        emails: (0..n).map(email).collect(),
        patches: (0..n / 10).map(|i| json!({"note": format!("changed {i}")})).collect(),
    }
}

fn ours(dir: &Path, n: usize, mut input: Inputs) -> Vec<Duration> {
    let app = Caller::new("app:bench").expect("actor");
    let key = MasterKey::generate().expect("key");
    let vault = Vault::open(dir.join("bunkerlite.db"), &key, Options::default()).expect("open");
    let mut batches = std::mem::take(&mut input.batches).into_iter();
    let mut batched_tokens = Vec::new();
    let batched = timed(n / BATCH, |_| {
        batched_tokens.extend(vault.create_subjects(&app, batches.next().expect("batch")).expect("batch"));
    });
    let singles = n / 10;
    let mut tokens = Vec::new();
    let mut profiles = std::mem::take(&mut input.singles).into_iter();
    let single =
        timed(singles, |_| tokens.push(vault.create_subject(&app, profiles.next().expect("profile")).expect("create")));
    vault.flush_audit().expect("flush");
    let lookups: Vec<Lookup> = tokens.iter().map(|t| Lookup::token(t.as_str())).collect();
    let by_token = timed(n, |i| {
        black_box(vault.get_subject(&app, &lookups[i % singles]).expect("get"));
    });
    let by_email: Vec<Lookup> = input.emails.iter().map(|e| Lookup::email(e.as_str())).collect();
    let by_email = timed(n, |i| {
        black_box(vault.get_subject(&app, &by_email[i]).expect("get"));
    });
    let mut patches = std::mem::take(&mut input.patches).into_iter();
    let update = timed(singles, |i| {
        black_box(vault.update_subject(&app, &lookups[i], patches.next().expect("patch")).expect("update"));
    });
    let erasures = (singles / 10).max(1);
    let erase = timed(erasures, |i| {
        black_box(vault.forget_subject(&app, &lookups[i]).expect("forget"));
    });
    let batches = erase_batches(n);
    let doomed: Vec<Lookup> =
        batched_tokens[..batches * ERASE_BATCH].iter().map(|t| Lookup::token(t.as_str())).collect();
    let erase_batched = timed(batches, |b| {
        black_box(vault.forget_subjects(&app, &doomed[b * ERASE_BATCH..(b + 1) * ERASE_BATCH]).expect("forget"));
    });
    vault.close().expect("close");
    // Single erasures again, with the WAL truncation coalesced over a one-second window.
    let options = Options::default().erasure_wal_window_ms(1000);
    let vault = Vault::open(dir.join("bunkerlite.db"), &key, options).expect("reopen");
    let more: Vec<Lookup> =
        batched_tokens[batches * ERASE_BATCH..][..erasures].iter().map(|t| Lookup::token(t.as_str())).collect();
    let erase_coalesced = timed(erasures, |i| {
        black_box(vault.forget_subject(&app, &more[i]).expect("forget"));
    });
    // And batches with the same window.
    let doomed: Vec<Lookup> = batched_tokens[batches * ERASE_BATCH + erasures..][..batches * ERASE_BATCH]
        .iter()
        .map(|t| Lookup::token(t.as_str()))
        .collect();
    let erase_batched_coalesced = timed(batches, |b| {
        black_box(vault.forget_subjects(&app, &doomed[b * ERASE_BATCH..(b + 1) * ERASE_BATCH]).expect("forget"));
    });
    vault.close().expect("close");
    vec![batched, single, by_token, by_email, update, erase, erase_batched, erase_coalesced, erase_batched_coalesced]
}

// ---- plain SQLite: the same rows in clear, same durability, no crypto, no audit ---------------

fn plain_conn(path: &Path) -> Connection {
    let c = Connection::open(path).expect("open");
    c.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 8000;
         CREATE TABLE subjects (id INTEGER PRIMARY KEY, token TEXT NOT NULL UNIQUE, profile TEXT NOT NULL) STRICT;
         CREATE TABLE subject_index (field TEXT NOT NULL, value TEXT NOT NULL, subject_id INTEGER NOT NULL,
                                     PRIMARY KEY (field, value)) STRICT, WITHOUT ROWID;
         CREATE INDEX subject_index_by_subject ON subject_index (subject_id);",
    )
    .expect("schema");
    c
}

fn plain_insert(c: &Connection, p: &Value) -> String {
    // Random tokens, as an application handing out opaque ids would use.
    let token = uuid::Uuid::new_v4().to_string();
    c.prepare_cached("INSERT INTO subjects (token, profile) VALUES (?1, ?2)")
        .expect("prepare")
        .execute(params![token, p.to_string()])
        .expect("insert");
    let id = c.last_insert_rowid();
    for f in ["email", "phone"] {
        c.prepare_cached("INSERT INTO subject_index (field, value, subject_id) VALUES (?1, ?2, ?3)")
            .expect("prepare")
            .execute(params![f, p[f].as_str(), id])
            .expect("index");
    }
    token
}

fn plain(dir: &Path, n: usize, input: &Inputs) -> Vec<Duration> {
    let mut c = plain_conn(&dir.join("plain.db"));
    let mut batched_tokens = Vec::new();
    let batched = timed(n / BATCH, |b| {
        let tx = c.transaction().expect("tx");
        for p in &input.batches[b] {
            batched_tokens.push(plain_insert(&tx, p));
        }
        tx.commit().expect("commit");
    });
    let singles = n / 10;
    let mut tokens = Vec::new();
    let single = timed(singles, |i| {
        let tx = c.transaction().expect("tx");
        tokens.push(plain_insert(&tx, &input.singles[i]));
        tx.commit().expect("commit");
    });
    let get = |c: &Connection, sql: &str, arg: &str| -> Value {
        let text: String = c.prepare_cached(sql).expect("prepare").query_row([arg], |r| r.get(0)).expect("row");
        serde_json::from_str(&text).expect("json")
    };
    let by_token = timed(n, |i| {
        black_box(get(&c, "SELECT profile FROM subjects WHERE token = ?1", &tokens[i % singles]));
    });
    let by_email = timed(n, |i| {
        black_box(get(
            &c,
            "SELECT s.profile FROM subject_index i JOIN subjects s ON s.id = i.subject_id WHERE i.field = 'email' AND i.value = ?1",
            &input.emails[i],
        ));
    });
    let update = timed(singles, |i| {
        let tx = c.transaction().expect("tx");
        let mut p = get(&tx, "SELECT profile FROM subjects WHERE token = ?1", &tokens[i]);
        json_patch::merge(&mut p, &input.patches[i]);
        tx.execute("UPDATE subjects SET profile = ?1 WHERE token = ?2", params![p.to_string(), tokens[i]])
            .expect("update");
        tx.commit().expect("commit");
    });
    let erasures = (singles / 10).max(1);
    let delete = |tx: &Connection, token: &str| {
        let id: i64 = tx.query_row("SELECT id FROM subjects WHERE token = ?1", [token], |r| r.get(0)).expect("id");
        tx.execute("DELETE FROM subject_index WHERE subject_id = ?1", [id]).expect("delete");
        tx.execute("DELETE FROM subjects WHERE id = ?1", [id]).expect("delete");
    };
    let erase = timed(erasures, |i| {
        let tx = c.transaction().expect("tx");
        delete(&tx, &tokens[i]);
        tx.commit().expect("commit");
    });
    let erase_batched = timed(erase_batches(n), |b| {
        let tx = c.transaction().expect("tx");
        for token in &batched_tokens[b * ERASE_BATCH..(b + 1) * ERASE_BATCH] {
            delete(&tx, token);
        }
        tx.commit().expect("commit");
    });
    // The coalesced rows compare with the same indexed DELETEs, single and batched.
    vec![batched, single, by_token, by_email, update, erase, erase_batched, erase, erase_batched]
}

fn rss_growth(dir: &Path) {
    let app = Caller::new("app:bench").expect("actor");
    let key = MasterKey::generate().expect("key");
    let vault = Vault::open(dir.join("rss.db"), &key, Options::default()).expect("open");
    let mut done = 0;
    let report = |done: usize| {
        // Reads exercise the caches too.
        for i in (0..done).step_by((done / 1000).max(1)) {
            black_box(vault.get_subject(&app, &Lookup::email(email(i))).expect("get"));
        }
        vault.flush_audit().expect("flush");
        println!("| {done} subjects | {:.1} MiB |", rss_mib());
    };
    for target in [10_000usize, 100_000, 1_000_000] {
        while done < target {
            let profiles = (done..done + BATCH).map(profile).collect();
            vault.create_subjects(&app, profiles).expect("batch");
            done += BATCH;
        }
        report(done);
    }
    vault.close().expect("close");
}

fn main() {
    if std::env::var("BUNKERLITE_BENCH_RSS").as_deref() == Ok("1") {
        let dir = tempfile::tempdir_in(std::env::var("BUNKERLITE_BENCH_DIR").unwrap_or_else(|_| ".".into()))
            .expect("tempdir");
        println!("| vault size | resident memory |\n|---|---:|\n| empty process | {:.1} MiB |", rss_mib());
        rss_growth(dir.path());
        return;
    }
    // `cargo test --benches` runs this with --bench absent: stay quick there.
    let quick = !std::env::args().any(|a| a == "--bench");
    let n: usize = std::env::var("BUNKERLITE_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(if quick {
        2000
    } else {
        20_000
    });
    if n < BATCH || n % BATCH != 0 {
        // The creates run in batches of BATCH, and every later phase reads what they made.
        eprintln!("BUNKERLITE_BENCH_N must be a multiple of {BATCH} (at least {BATCH}), not {n}");
        std::process::exit(2);
    }
    let dir =
        tempfile::tempdir_in(std::env::var("BUNKERLITE_BENCH_DIR").unwrap_or_else(|_| ".".into())).expect("tempdir");
    // Three rounds on fresh files, each side in turn; every figure is the median of its three
    // (fsync latency on a shared VM varies by ±10% between runs).
    let rounds = if quick { 1 } else { 3 };
    let (mut plains, mut ourss) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let round_dir = dir.path().join(format!("round{round}"));
        std::fs::create_dir_all(&round_dir).expect("round dir");
        let input = inputs(n);
        plains.push(plain(&round_dir, n, &input));
        ourss.push(ours(&round_dir, n, input));
    }
    let median = |runs: &[Vec<Duration>], i: usize| {
        let mut v: Vec<Duration> = runs.iter().map(|r| r[i]).collect();
        v.sort();
        v[v.len() / 2]
    };
    let plain: Vec<Duration> = (0..9).map(|i| median(&plains, i)).collect();
    let ours: Vec<Duration> = (0..9).map(|i| median(&ourss, i)).collect();
    let singles = n / 10;
    let names = [
        "create, batched (1000/tx)",
        "create, own transaction",
        "get by token",
        "get by email",
        "update (merge patch)",
        "erase",
        "erase, batched (100/call)",
        "erase, WAL truncation coalesced (1 s)",
        "erase, batched (100/call), WAL truncation coalesced (1 s)",
    ];
    let erasures = (singles / 10).max(1);
    let erased = erase_batches(n) * ERASE_BATCH;
    let counts = [n, singles, n, n, singles, erasures, erased, erasures, erased];
    let rows: Vec<Row> = (0..names.len())
        .map(|i| Row { name: names[i], ours: ours[i], ours_n: counts[i], plain: plain[i], plain_n: counts[i] })
        .collect();
    println!("\n{n} subjects, ~300-byte profiles, email + phone indexed, single thread, synchronous=FULL, WAL;");
    println!("median of {rounds} rounds on fresh files.");
    println!("Reads are audited (group-committed events); the plain-SQLite ceiling has no encryption and no audit.\n");
    println!("| operation | bunkerlite ops/s | bunkerlite µs/op | plain SQLite ops/s | bunkerlite / plain |");
    println!("|---|---:|---:|---:|---:|");
    for r in &rows {
        let (o, p) = (per_sec(r.ours, r.ours_n), per_sec(r.plain, r.plain_n));
        println!(
            "| {} | {:.0} | {:.1} | {:.0} | {:.0}% |",
            r.name,
            o,
            r.ours.as_secs_f64() * 1e6 / r.ours_n as f64,
            p,
            100.0 * o / p
        );
    }
}
