//! Retention: a purge killed with SIGKILL at random points leaves whole batches done and nothing
//! half done (the rows left are the expired ones less a whole number of batches), the file
//! verifies, and running it again finishes the work; live rows are never touched.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Duration;

use bunkerlite::{Caller, Lookup, Options, Vault};
use serde_json::json;

const KEY: u8 = 23;
const T: i64 = 1_000_000_000_000;
const EXPIRED: usize = 30_000;

fn open_at(path: &Path, clock_ms: i64) -> Vault {
    let options =
        Options::from_json(json!({"manual_clock_ms": clock_ms, "sqlite": {"synchronous": "normal"}})).expect("options");
    Vault::open(path, &common::key(KEY), options).expect("open")
}

/// Child entry point: purge the vault at BL_PATH a day later, printing when done.
#[test]
#[ignore = "child process entry point, run by `a_purge_killed_midway_leaves_whole_batches`"]
fn purge_child() {
    let path = std::env::var("BL_PATH").expect("BL_PATH");
    let vault = open_at(Path::new(&path), T + 86_400_000);
    println!("start");
    let purged = vault.purge(&Caller::new("app:cron").expect("actor")).expect("purge");
    println!("done {}", purged.sessions);
}

/// Child entry point: purge the vault at BL_PATH (whose subjects' scheduled erasures fell due)
/// a day later, printing when done.
#[test]
#[ignore = "child process entry point, run by `a_purge_of_due_erasures_killed_midway_erases_whole_batches`"]
fn purge_due_child() {
    let path = std::env::var("BL_PATH").expect("BL_PATH");
    let vault = open_at(Path::new(&path), T + 86_400_000);
    println!("start");
    let purged = vault.purge(&Caller::new("app:cron").expect("actor")).expect("purge");
    println!("done {}", purged.subjects_erased);
}

fn count(path: &Path, table: &str) -> i64 {
    common::raw(path).query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count")
}

fn sessions_left(path: &Path) -> i64 {
    common::raw(path).query_row("SELECT count(*) FROM sessions", [], |r| r.get(0)).expect("count")
}

#[test]
fn a_purge_killed_midway_leaves_whole_batches() {
    let tv = common::temp_vault();
    let app = Caller::new("app:web").expect("actor");
    {
        let vault = open_at(&tv.path, T);
        for i in 0..EXPIRED {
            vault.set_session(&app, json!({"i": i}), Some(json!({"ttl_ms": 1_000}))).expect("session");
        }
        vault
            .set_session(
                &app,
                json!({"live": true}),
                Some(json!({"id": "the-live-session-0001", "ttl_ms": 30 * 86_400_000_i64})),
            )
            .expect("live");
        vault.close().expect("close");
    }
    let mut rng = common::Rng::from_time();
    let mut killed_midway = 0;
    for round in 0..8 {
        let before = sessions_left(&tv.path);
        let mut child =
            common::child("purge_child", &[("BL_PATH", tv.path.display().to_string())]).spawn().expect("spawn");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let started = lines.by_ref().map_while(Result::ok).any(|line| line == "start");
        assert!(started, "round {round}: the child started");
        std::thread::sleep(Duration::from_millis(rng.below(40)));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        let after = sessions_left(&tv.path);
        assert!(after >= 1, "round {round}: the live session stays");
        assert_eq!((before - after) % 1_000, 0, "round {round}: whole batches of 1,000 only ({before} → {after})");
        if after > 1 && after < before {
            killed_midway += 1;
        }
        let vault = open_at(&tv.path, T + 86_400_000);
        vault.verify_audit(None).expect("the file verifies after the kill");
        vault.close().expect("close");
        if after == 1 {
            break;
        }
    }
    // Running it again finishes the work; the live session is untouched.
    let vault = open_at(&tv.path, T + 86_400_000);
    let left = sessions_left(&tv.path) - 1;
    let purged = vault.purge(&app).expect("purge");
    assert_eq!(purged.sessions as i64, left);
    assert_eq!(vault.get_session(&app, "the-live-session-0001").expect("live").data, json!({"live": true}));
    assert_eq!(vault.purge(&app).expect("again").sessions, 0);
    eprintln!("purge kills that landed between batches: {killed_midway}");
}

/// Subjects whose scheduled erasure falls due, in the kill test.
const DUE: usize = 1_500;

#[test]
fn a_purge_of_due_erasures_killed_midway_erases_whole_batches() {
    let tv = common::temp_vault();
    let app = Caller::new("app:web").expect("actor");
    let keep;
    {
        let vault = open_at(&tv.path, T);
        let tokens = vault
            .create_subjects(&app, (0..DUE).map(|i| json!({"email": format!("due{i}@example.org")})).collect())
            .expect("subjects");
        for t in &tokens {
            vault.schedule_erasure(&app, &Lookup::token(t), Some(json!({"ttl_ms": 1_000}))).expect("schedule");
        }
        keep = vault.create_subject(&app, json!({"email": "keep@example.org"})).expect("keep");
        vault
            .schedule_erasure(&app, &Lookup::token(&keep), Some(json!({"ttl_ms": 30 * 86_400_000_i64})))
            .expect("later");
        vault.close().expect("close");
    }
    let mut rng = common::Rng::from_time();
    let mut killed_midway = 0;
    for round in 0..8 {
        let before = count(&tv.path, "subjects");
        let mut child =
            common::child("purge_due_child", &[("BL_PATH", tv.path.display().to_string())]).spawn().expect("spawn");
        let stdout = child.stdout.take().expect("stdout");
        // The reader stays open until the child is reaped (a child done before the kill prints
        // its last line into it).
        let mut lines = BufReader::new(stdout).lines();
        let started = lines.by_ref().map_while(Result::ok).any(|line| line == "start");
        assert!(started, "round {round}: the child started");
        std::thread::sleep(Duration::from_millis(rng.below(300)));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        drop(lines);
        let after = count(&tv.path, "subjects");
        if after > 1 && after < before {
            killed_midway += 1;
        }
        assert_eq!((before - after) % 100, 0, "round {round}: whole batches of 100 only ({before} → {after})");
        // Every erasure of a committed batch has its ledger entry and its fact; no schedule of
        // an erased subject is left.
        let erased = (DUE as i64 + 1) - after;
        assert_eq!(count(&tv.path, "erasure_ledger"), erased, "round {round}: one ledger entry per erasure");
        assert_eq!(count(&tv.path, "erasure_schedules"), after, "round {round}: a schedule per stored subject");
        let vault = open_at(&tv.path, T + 86_400_000);
        vault.verify_audit(None).expect("the file verifies after the kill");
        vault.close().expect("close");
        if after == 1 {
            break;
        }
    }
    // Running it again finishes the work; the subject not yet due is untouched.
    let vault = open_at(&tv.path, T + 86_400_000);
    let left = count(&tv.path, "subjects") - 1;
    assert_eq!(vault.purge(&app).expect("purge").subjects_erased as i64, left);
    assert_eq!(vault.purge(&app).expect("again").subjects_erased, 0);
    let schedule = vault.get_erasure_schedule(&app, &Lookup::token(&keep)).expect("kept");
    assert_eq!(schedule.due_ms, Some(T + 30 * 86_400_000));
    assert_eq!(vault.export_erasure_ledger(&app).expect("ledger").entries.len(), DUE);
    eprintln!("purge kills that landed between batches of erasures: {killed_midway}");
}
