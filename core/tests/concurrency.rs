//! Concurrency: threads and processes racing to create subjects with the same emails. Exactly one
//! wins per email, the others get DUPLICATE, and no BUSY reaches the caller under default settings.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use bunkerlite::{ErrorKind, Lookup, Options, Vault};
use serde_json::json;

const EMAILS: usize = 150;
const KEY: u8 = 5;

/// Try to create every email once, in an order given by `seed`; return (email index, won).
fn race(vault: &Vault, seed: u64, who: &str) -> Vec<(usize, bool)> {
    let mut order: Vec<usize> = (0..EMAILS).collect();
    let mut rng = common::Rng(seed);
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    order
        .into_iter()
        .map(|i| {
            // Vary the spelling: normalisation must make them collide.
            let email = if seed % 2 == 0 { format!("user{i}@race.test") } else { format!(" USER{i}@Race.Test") };
            match vault.create_subject(&common::c("app:race"), json!({"email": email, "who": who})) {
                Ok(_) => (i, true),
                Err(e) if e.kind() == ErrorKind::Duplicate => (i, false),
                Err(e) => panic!("{who}: unexpected error {e}"),
            }
        })
        .collect()
}

fn check_winners(path_or_vault: &Vault, results: &[(usize, bool)], racers: usize) {
    let mut wins: HashMap<usize, usize> = HashMap::new();
    for (i, won) in results {
        *wins.entry(*i).or_default() += usize::from(*won);
    }
    assert_eq!(results.len(), EMAILS * racers);
    for i in 0..EMAILS {
        assert_eq!(wins.get(&i), Some(&1), "email {i}: exactly one winner");
        path_or_vault
            .get_subject(&common::c("app:check"), &Lookup::email(format!("user{i}@race.test")))
            .expect("winner stored");
    }
}

#[test]
fn eight_threads_one_winner_per_email() {
    let tv = common::temp_vault();
    let vault = common::open(&tv.path, KEY);
    let results: Vec<(usize, bool)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8u64)
            .map(|t| {
                let v = vault.clone();
                s.spawn(move || race(&v, t + 1, &format!("thread{t}")))
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("thread")).collect()
    });
    check_winners(&vault, &results, 8);
    vault.verify_audit(None).expect("chain verifies");
}

/// Child entry point: race on the vault at BL_PATH from two threads, print "W i" / "L i".
#[test]
#[ignore = "child process entry point, run by `three_processes_one_winner_per_email`"]
fn race_process() {
    let path = std::env::var("BL_PATH").expect("BL_PATH");
    let seed: u64 = std::env::var("BL_SEED").expect("BL_SEED").parse().expect("seed");
    let vault = common::open(Path::new(&path), KEY);
    let results: Vec<(usize, bool)> = std::thread::scope(|s| {
        let a = s.spawn(|| race(&vault, seed, "p-a"));
        let b = s.spawn(|| race(&vault, seed + 100, "p-b"));
        [a, b].into_iter().flat_map(|h| h.join().expect("thread")).collect()
    });
    for (i, won) in results {
        println!("{} {i}", if won { "W" } else { "L" });
    }
}

#[test]
fn three_processes_one_winner_per_email() {
    let tv = common::temp_vault();
    common::open(&tv.path, KEY).close().expect("create");
    let children: Vec<_> = (0..3u64)
        .map(|p| {
            common::child(
                "race_process",
                &[("BL_PATH", tv.path.display().to_string()), ("BL_SEED", (p * 10 + 1).to_string())],
            )
            .spawn()
            .expect("spawn")
        })
        .collect();
    let results = common::race_outcomes(children);
    let vault = common::open(&tv.path, KEY);
    check_winners(&vault, &results, 6);
    vault.verify_audit(None).expect("chain verifies");
}

/// Child entry point: wait for the start signal (a file appearing), then open the vault at
/// BL_PATH, which may not exist yet, and print "ok" or the error code.
#[test]
#[ignore = "child process entry point, run by `processes_creating_one_vault_at_once_all_succeed`"]
fn create_race_process() {
    let path = std::env::var("BL_PATH").expect("BL_PATH");
    let go = std::env::var("BL_GO").expect("BL_GO");
    while !Path::new(&go).exists() {
        std::thread::yield_now();
    }
    match Vault::open(Path::new(&path), &common::key(KEY), Options::default()) {
        Ok(v) => {
            v.create_subject(&common::c("app:race"), json!({"n": std::process::id()})).expect("write");
            v.close().expect("close");
            println!("ok");
        }
        Err(e) => println!("error {e}"),
    }
}

#[test]
fn processes_creating_one_vault_at_once_all_succeed() {
    let rounds: u64 =
        std::env::var("BUNKERLITE_CRASH_ROUNDS").ok().and_then(|v| v.parse().ok()).map_or(50, |r: u64| r.min(200));
    let dir = tempfile::tempdir().expect("dir");
    let mut failures = Vec::new();
    for round in 0..rounds {
        let path = dir.path().join(format!("v{round}.db"));
        let go = dir.path().join(format!("go{round}"));
        let children: Vec<_> = (0..4)
            .map(|_| {
                common::child(
                    "create_race_process",
                    &[("BL_PATH", path.display().to_string()), ("BL_GO", go.display().to_string())],
                )
                .spawn()
                .expect("spawn")
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(30));
        std::fs::write(&go, b"go").expect("start");
        for mut child in children {
            let out = child.stdout.take().expect("stdout");
            let lines: Vec<String> = BufReader::new(out).lines().map_while(Result::ok).collect();
            child.wait().expect("wait");
            if !lines.iter().any(|l| l == "ok") {
                failures.push(format!(
                    "round {round}: {:?}",
                    lines.iter().filter(|l| l.starts_with("error")).collect::<Vec<_>>()
                ));
            }
        }
        let vault = common::open(&path, KEY);
        let report = vault.verify_audit(None).expect("one vault, verifying");
        vault.close().expect("close");
        if report.subjects != 4 {
            failures.push(format!("round {round}: {} subjects", report.subjects));
        }
    }
    assert!(failures.is_empty(), "{} of {} opens failed: {failures:#?}", failures.len(), rounds * 4);
}

#[test]
fn a_read_is_chained_before_any_write_issued_after_it_returned() {
    let tv = common::temp_vault();
    let vault = common::open(&tv.path, KEY);
    let busy = vault.create_subject(&common::c("app"), json!({"n": 0})).expect("busy subject");
    let pairs: Vec<String> =
        (0..200).map(|i| vault.create_subject(&common::c("app"), json!({"pair": i})).expect("pair subject")).collect();
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        // Writers keep the write lock busy (and the flusher keeps committing read events).
        for w in 0..2 {
            let (vault, busy, stop) = (&vault, &busy, &stop);
            s.spawn(move || {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    n += 1;
                    vault
                        .update_subject(
                            &common::c("app:writer"),
                            &Lookup::token(busy.as_str()),
                            json!({"n": n, "w": w}),
                        )
                        .expect("busy write");
                }
            });
        }
        for token in &pairs {
            vault.get_subject(&common::c("app:reader"), &Lookup::token(token.as_str())).expect("read");
            vault
                .update_subject(&common::c("app:reader"), &Lookup::token(token.as_str()), json!({"seen": true}))
                .expect("write");
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    vault.flush_audit().expect("flush");
    let mut out_of_order = 0;
    for token in &pairs {
        let events = vault
            .list_audit_events(&common::c("admin:check"), Some(token), &bunkerlite::PageRequest::first(10), false)
            .expect("events");
        let seq =
            |action: &str| events.items.iter().find(|e| e.action == action && e.actor == "app:reader").map(|e| e.seq);
        let (read, write) = (seq("subject.get").expect("read event"), seq("subject.update").expect("write event"));
        if read > write {
            out_of_order += 1;
        }
    }
    assert_eq!(out_of_order, 0, "reads chained after the writes issued after them");
    vault.verify_audit(None).expect("verify");
}

#[test]
fn caller_paths_are_file_names_never_uris() {
    let dir = tempfile::tempdir().expect("dir");
    // A path that SQLite would read as a URI with parameters (read-only, another file).
    let tricky = dir.path().join("file:vault.db?mode=ro&immutable=1");
    let vault = Vault::open(&tricky, &common::key(KEY), Options::default()).expect("create by file name");
    vault.create_subject(&common::c("app"), json!({"a": 1})).expect("writable: mode=ro was not applied");
    vault.close().expect("close");
    assert!(tricky.exists(), "the file has exactly the name given");
    let relative = "file:bunkerlite-uri-test.db?mode=ro";
    let cwd = std::env::current_dir().expect("cwd");
    std::env::set_current_dir(dir.path()).expect("chdir");
    let made = Vault::open(relative, &common::key(KEY), Options::default());
    let exists = dir.path().join(relative).exists();
    let no_create =
        Vault::open(dir.path().join("file:missing.db"), &common::key(KEY), Options::default().create(false));
    std::env::set_current_dir(cwd).expect("chdir back");
    made.expect("a relative file: name is a file name").close().expect("close");
    assert!(exists);
    assert_eq!(no_create.expect_err("create=false is honoured").kind(), ErrorKind::NotFound);
    // The key check runs on such a path too: a wrong key is refused with nothing written.
    let before = common::hashes(&tricky);
    assert_eq!(
        Vault::open(&tricky, &common::key(KEY + 1), Options::default()).expect_err("wrong key").kind(),
        ErrorKind::WrongKey
    );
    assert_eq!(common::hashes(&tricky), before);
}

#[test]
fn verification_and_listings_see_one_state_while_others_write() {
    // Verify walks the chain and reconciles every subject; a listing counts and pages. Each runs in
    // one read transaction, so writes committed meanwhile (rows and their events together) never
    // make them disagree with themselves.
    let tv = common::temp_vault();
    let vault = common::open(&tv.path, KEY);
    let tokens: Vec<String> =
        (0..20).map(|i| vault.create_subject(&common::c("app"), json!({"n": i})).expect("create")).collect();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let writes = std::sync::atomic::AtomicUsize::new(0);
    /// Stops the writer however the checking thread ends (a failed check must not hang the test).
    struct Stop<'a>(&'a std::sync::atomic::AtomicBool);
    impl Drop for Stop<'_> {
        fn drop(&mut self) {
            self.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
    std::thread::scope(|s| {
        let (vault, tokens, stop, writes) = (&vault, &tokens, &stop, &writes);
        s.spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let n = writes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let t = &tokens[n % tokens.len()];
                vault
                    .update_subject(&common::c("app:writer"), &Lookup::token(t.as_str()), json!({"n": n}))
                    .expect("write");
                // A busy application, not a saturating one: SQLite's write lock is not fair, and
                // a writer that never pauses would starve the checker's own audit flush.
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        });
        let _stop = Stop(stop);
        // Another process's view: a second handle on the same file.
        let other = common::open(&tv.path, KEY);
        let mut checks = 0;
        while checks < 40 || writes.load(std::sync::atomic::Ordering::Relaxed) < 200 {
            other.verify_audit(None).expect("verify agrees with itself under concurrent writes");
            let page = other
                .list_audit_events(
                    &common::c("admin:check"),
                    Some(&tokens[0]),
                    &bunkerlite::PageRequest::first(1000),
                    false,
                )
                .expect("list");
            assert!(page.items.len() as u64 <= page.total);
            checks += 1;
            assert!(checks < 100_000, "the writer made no progress");
        }
    });
}

#[test]
fn a_write_waits_for_another_connections_lock_then_busy_after_the_timeout() {
    // Another process's write transaction holds the lock: a write waits for it and succeeds once
    // it ends, and fails with BUSY once `busy_timeout_ms` has passed (how soon a waiting write
    // follows a released lock is measured by bench/threads.mjs's workers, not timed here).
    let tv = common::temp_vault();
    let options = Options::default().busy_timeout_ms(400);
    let vault = Vault::open(&tv.path, &common::key(KEY), options).expect("open");
    vault.create_subject(&common::c("app"), json!({"n": 0})).expect("create");
    let other = common::raw(&tv.path);

    other.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let started = std::time::Instant::now();
    let e = vault.create_subject(&common::c("app"), json!({"n": 1})).expect_err("the lock stays held");
    let waited = started.elapsed();
    assert_eq!(e.kind(), ErrorKind::Busy, "{e}");
    assert!(waited >= std::time::Duration::from_millis(400), "gave up after {waited:?}");
    assert!(waited < std::time::Duration::from_secs(3), "waited {waited:?}");
    other.execute_batch("ROLLBACK").expect("unlock");

    other.execute_batch("BEGIN IMMEDIATE").expect("lock");
    std::thread::scope(|s| {
        s.spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(30));
            other.execute_batch("ROLLBACK").expect("unlock");
        });
        let token = vault.create_subject(&common::c("app"), json!({"n": 2})).expect("waits, then writes");
        let got = vault.get_subject(&common::c("app"), &Lookup::token(token.as_str())).expect("written");
        assert_eq!(got.profile, json!({"n": 2}));
    });
    vault.verify_audit(None).expect("the refused write's event and the rest verify");
}
