//! Export and batched erasure, against the ceiling — the same rows in plain SQLite (no
//! encryption, no MACs, no audit) — in one run, single thread, on vault files with the default
//! settings (WAL, `synchronous=FULL`).
//!
//! Export: one subject with a realistic profile, app documents, sessions, shares, tokens and
//! consent, and an audit trail of 100,000 events (nine reads for each change; every change's
//! event carries its before/after), in a vault of 1,000 other subjects. Measured: the file form
//! (`export_subject_to_file`, streamed) warm (a long-running process) and right after opening
//! the vault (cold page cache in SQLite; the OS's file cache stays warm), the in-memory form
//! (`export_subject`), and each one's peak heap growth during the call (a counting allocator):
//! the streamed form must stay flat whatever the trail's length. The ceiling reads the same
//! events as plain JSON rows through an index by subject and writes the same kind of document.
//!
//! Batched erasure: 1,000 subjects each with a profile, two app documents, a session, a share,
//! two tokens, a consent decision, a data-subject request and a scheduled erasure, erased with `forget_subjects` in batches of 100 (each
//! batch one transaction and one WAL truncation); the ceiling deletes the same rows in plain
//! SQLite, a batch per transaction.
//!
//! `cargo bench -p bunkerlite --bench export` prints a Markdown table. `BUNKERLITE_BENCH_N`
//! changes the number of audit events (default 100,000).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bunkerlite::{Caller, Lookup, MasterKey, Options, Vault};
use rusqlite::{params, Connection};
use serde_json::{json, Value};

/// Counts the heap in use and its peak, to show what a call holds at once.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let now = IN_USE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed to the system allocator unchanged; only counters are kept.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            grew(new_size - layout.size());
        } else {
            IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// `f`'s duration and the most heap it held above what was in use when it started.
fn measured<T>(f: impl FnOnce() -> T) -> (T, Duration, usize) {
    let base = IN_USE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    (out, took, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

fn n() -> usize {
    std::env::var("BUNKERLITE_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The change every tenth event makes (and its details record).
fn change(i: usize) -> Value {
    json!({"note": format!("call {i}: asked about invoice {} and the delivery address", 10_000 + i)})
}

fn main() {
    let n = n();
    let dir = tempfile::tempdir().expect("temp dir");
    let key = MasterKey::generate().expect("key");
    let app = Caller::new("app:crm").expect("actor");
    let dpo = Caller::new("admin:dpo").expect("actor").with_purpose("dsar").expect("purpose");

    // bunkerlite: Ann and 1,000 others; Ann's trail of n events.
    let path = dir.path().join("vault.db");
    let vault = Vault::open(&path, &key, Options::default()).expect("open");
    let others: Vec<String> = (1..=1_000)
        .collect::<Vec<usize>>()
        .chunks(500)
        .flat_map(|c| vault.create_subjects(&app, c.iter().map(|&i| common::profile(i)).collect()).expect("create"))
        .collect();
    let ann = vault.create_subject(&app, common::profile(0)).expect("ann");
    let l = Lookup::token(&ann);
    vault.set_legal_basis(&dpo, "newsletter", json!({"type": "consent"})).expect("basis");
    vault.set_legal_basis(&dpo, "service", json!({"type": "contract"})).expect("basis");
    vault
        .set_activity(&dpo, "dsar", json!({"operations": ["read", "export", "delete"], "legal_bases": ["service"]}))
        .expect("activity");
    populate(&vault, &app, &ann);
    let start = Instant::now();
    for i in 1..n {
        if i % 10 == 0 {
            vault.update_subject(&app, &l, change(i)).expect("update");
        } else {
            vault.get_subject(&app, &l).expect("get");
        }
    }
    vault.flush_audit().expect("flush");
    let seeded = start.elapsed();

    let to_file = |name: &str| {
        let target = dir.path().join(name);
        let summary = vault.export_subject_to_file(&dpo, &l, target.to_str().expect("path")).expect("export");
        std::fs::remove_file(&target).expect("remove");
        summary
    };
    to_file("warm-up.json");
    let (summary, warm, warm_heap) = measured(|| to_file("warm.json"));
    let events = summary.sections["audit"];
    let bytes = summary.bytes;
    let (doc, in_memory, memory_heap) = measured(|| vault.export_subject(&dpo, &l).expect("export"));
    drop(doc);
    vault.close().expect("close");
    let vault = Vault::open(&path, &key, Options::default()).expect("reopen");
    let (_, cold, cold_heap) = measured(|| {
        let target = dir.path().join("cold.json");
        vault.export_subject_to_file(&dpo, &l, target.to_str().expect("path")).expect("export")
    });

    // The ceiling: the same events as plain rows, the same document written.
    let plain = plain_export(&dir, events as usize);

    // Batched erasure of 1,000 fully populated subjects.
    for who in &others {
        populate(&vault, &app, who);
    }
    let start = Instant::now();
    for batch in others.chunks(100) {
        let lookups: Vec<Lookup> = batch.iter().map(Lookup::token).collect();
        let receipts = vault.forget_subjects(&dpo, &lookups).expect("forget");
        assert!(receipts.iter().all(Option::is_some));
    }
    let erased = start.elapsed();
    let plain_erased = plain_erasure(&dir, others.len());

    println!(
        "seeded {events} audit events in {:.1} s; the export is {:.1} MiB",
        seeded.as_secs_f64(),
        mib(bytes as usize)
    );
    println!();
    println!("| export of a subject with {events} audit events | bunkerlite | peak heap | plain SQLite | ratio |");
    println!("|---|---:|---:|---:|---:|");
    let ratio = |d: Duration| 100.0 * plain.as_secs_f64() / d.as_secs_f64();
    for (name, d, heap) in [
        ("export_subject_to_file, warm", warm, warm_heap),
        ("export_subject_to_file, just opened", cold, cold_heap),
        ("export_subject (in memory)", in_memory, memory_heap),
    ] {
        println!(
            "| {name} | {:.2} s | {:.1} MiB | {:.2} s | {:.0}% |",
            d.as_secs_f64(),
            mib(heap),
            plain.as_secs_f64(),
            ratio(d)
        );
    }
    println!();
    println!(
        "| erasure of {} subjects with every kind of data, batches of 100 | bunkerlite | plain SQLite | ratio |",
        others.len()
    );
    println!("|---|---:|---:|---:|");
    println!(
        "| forget_subjects | {:.0} subjects/s | {:.0} subjects/s | {:.0}% |",
        common::per_sec(erased, others.len()),
        common::per_sec(plain_erased, others.len()),
        100.0 * plain_erased.as_secs_f64() / erased.as_secs_f64()
    );
}

/// Give a subject something in every area: two app documents, a session, a share, two tokens,
/// a consent decision, a data-subject request (a rectification), a scheduled erasure.
fn populate(vault: &Vault, app: &Caller, token: &str) {
    let l = Lookup::token(token);
    vault
        .put_app_document(
            app,
            &l,
            "shipping",
            json!({"street": "1 Long Example Street", "city": "Berlin", "zip": "10115"}),
        )
        .expect("app");
    vault
        .put_app_document(app, &l, "billing", json!({"iban": "DE89370400440532013000", "vat": "DE123456789"}))
        .expect("app");
    vault
        .set_session(
            app,
            json!({"cart": [{"sku": "SKU-1", "qty": 2}], "theme": "dark"}),
            Some(json!({"subject": token})),
        )
        .expect("session");
    vault
        .create_share(app, &l, Some(json!({"of": "profile", "fields": ["name", "address.city"], "partner": "courier"})))
        .expect("share");
    vault.tokenize(app, "4111111111111111", Some(json!({"kind": "card", "subject": token}))).expect("token");
    vault.tokenize(app, "DE89370400440532013000", Some(json!({"subject": token}))).expect("token");
    vault.give_consent(app, &l, "newsletter", None).expect("consent");
    vault
        .create_request(app, &l, Some(json!({"kind": "rectify", "patch": {"address": {"zip": "10117"}}})))
        .expect("request");
    vault.schedule_erasure(app, &l, Some(json!({"ttl_ms": 30 * 86_400_000_i64}))).expect("schedule");
}

/// The ceiling of an export: `events` plain rows read through an index by subject, each
/// event's details parsed, the document written to a file.
fn plain_export(dir: &tempfile::TempDir, events: usize) -> Duration {
    let conn = Connection::open(dir.path().join("plain.db")).expect("plain");
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE events (seq INTEGER PRIMARY KEY, subject TEXT NOT NULL, time_ms INTEGER NOT NULL,
           actor TEXT NOT NULL, action TEXT NOT NULL, outcome TEXT NOT NULL, details TEXT);
         CREATE INDEX events_subject ON events (subject, seq);
         CREATE TABLE subjects (token TEXT PRIMARY KEY, profile TEXT NOT NULL);",
    )
    .expect("schema");
    let ann = "6f1c1d3e-5a4b-4c2d-9e8f-0a1b2c3d4e5f";
    {
        let tx = conn.unchecked_transaction().expect("tx");
        tx.execute("INSERT INTO subjects VALUES (?1, ?2)", params![ann, common::profile(0).to_string()])
            .expect("subject");
        let mut ins = tx
            .prepare("INSERT INTO events (subject, time_ms, actor, action, outcome, details) VALUES (?1, ?2, ?3, ?4, 'ok', ?5)")
            .expect("prepare");
        for i in 0..events {
            let (action, details) = if i % 10 == 0 {
                (
                    "subject.update",
                    Some(json!({"before": change(i.saturating_sub(10)), "after": change(i)}).to_string()),
                )
            } else {
                ("subject.get", None)
            };
            ins.execute(params![ann, 1_765_000_000_000_i64 + i as i64, "app:crm", action, details]).expect("insert");
        }
        drop(ins);
        tx.commit().expect("commit");
    }
    let start = Instant::now();
    let mut out = BufWriter::with_capacity(256 * 1024, File::create(dir.path().join("plain.json")).expect("file"));
    let profile: String =
        conn.query_row("SELECT profile FROM subjects WHERE token = ?1", [ann], |r| r.get(0)).expect("profile");
    write!(out, "{{\"subject\":{},\"audit\":[", serde_json::from_str::<Value>(&profile).expect("json")).expect("write");
    let mut stmt = conn
        .prepare(
            "SELECT seq, time_ms, actor, action, outcome, details FROM events WHERE subject = ?1 ORDER BY seq DESC",
        )
        .expect("prepare");
    let mut rows = stmt.query([ann]).expect("query");
    let mut first = true;
    while let Some(r) = rows.next().expect("row") {
        let details: Option<String> = r.get(5).expect("details");
        let event = json!({
            "seq": r.get::<_, i64>(0).expect("seq"),
            "time_ms": r.get::<_, i64>(1).expect("time"),
            "actor": r.get::<_, String>(2).expect("actor"),
            "action": r.get::<_, String>(3).expect("action"),
            "outcome": r.get::<_, String>(4).expect("outcome"),
            "details": details.map(|d| serde_json::from_str::<Value>(&d).expect("json")),
        });
        out.write_all(if first { b"" } else { b"," }).expect("write");
        serde_json::to_writer(&mut out, &event).expect("write");
        first = false;
    }
    out.write_all(b"]}").expect("write");
    out.into_inner().expect("flush").sync_all().expect("sync");
    start.elapsed()
}

/// The ceiling of a batched erasure: the same rows of `subjects` subjects in plain tables,
/// deleted a batch of 100 per transaction.
fn plain_erasure(dir: &tempfile::TempDir, subjects: usize) -> Duration {
    let conn = Connection::open(dir.path().join("plain-erase.db")).expect("plain");
    let tables = ["apps", "sessions", "shares", "tokens", "consents", "requests", "schedules"];
    let mut schema = String::from(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;
         CREATE TABLE subjects (id INTEGER PRIMARY KEY, profile TEXT NOT NULL);",
    );
    for t in tables {
        schema.push_str(&format!(
            "CREATE TABLE {t} (id INTEGER PRIMARY KEY, subject INTEGER NOT NULL, data TEXT NOT NULL);
             CREATE INDEX {t}_subject ON {t} (subject);"
        ));
    }
    conn.execute_batch(&schema).expect("schema");
    {
        let tx = conn.unchecked_transaction().expect("tx");
        for s in 0..subjects {
            tx.execute("INSERT INTO subjects VALUES (?1, ?2)", params![s as i64, common::profile(s).to_string()])
                .expect("subject");
            let rows_of = [
                ("apps", 2),
                ("sessions", 1),
                ("shares", 1),
                ("tokens", 2),
                ("consents", 1),
                ("requests", 1),
                ("schedules", 1),
            ];
            for (t, rows) in rows_of {
                for _ in 0..rows {
                    tx.execute(
                        &format!("INSERT INTO {t} (subject, data) VALUES (?1, ?2)"),
                        params![s as i64, "{\"street\":\"1 Long Example Street\",\"city\":\"Berlin\"}"],
                    )
                    .expect("row");
                }
            }
        }
        tx.commit().expect("commit");
    }
    let start = Instant::now();
    for batch in (0..subjects as i64).collect::<Vec<_>>().chunks(100) {
        let tx = conn.unchecked_transaction().expect("tx");
        for s in batch {
            for t in tables {
                tx.execute(&format!("DELETE FROM {t} WHERE subject = ?1"), [s]).expect("delete");
            }
            tx.execute("DELETE FROM subjects WHERE id = ?1", [s]).expect("delete");
        }
        tx.commit().expect("commit");
    }
    start.elapsed()
}
