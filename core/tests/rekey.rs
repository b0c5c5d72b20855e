//! Rekeying: the new master key opens the vault and the old one no longer does; data, audit and
//! blind indexes are untouched; and a process killed with SIGKILL at any point of a rekey leaves
//! exactly one of the two keys able to open the vault (never both, never neither).

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Duration;

use bunkerlite::{ErrorKind, Lookup, MasterKey, Options, Vault};
use serde_json::json;

fn key_of(n: u64) -> MasterKey {
    // Keys alternate between two values: generation n uses key n % 2.
    common::key(if n % 2 == 0 { 0xA1 } else { 0xB2 })
}

#[test]
fn rekey_switches_the_key_and_keeps_everything() {
    let tv = common::temp_vault();
    let vault = Vault::open(&tv.path, &key_of(0), Options::default()).expect("create");
    let t = vault.create_subject(&common::c("app"), json!({"email": "k@x.org", "name": "K"})).expect("create");
    vault.close().expect("close");
    let old_wrapping: Vec<u8> = common::raw(&tv.path)
        .query_row("SELECT wrapped FROM key_wrappings WHERE method = 'master'", [], |r| r.get(0))
        .expect("wrapping");
    let vault = Vault::open(&tv.path, &key_of(0), Options::default()).expect("reopen");
    vault.rekey(&common::c("admin:keys"), &key_of(1)).expect("rekey");
    // The open vault keeps working (its root key did not change).
    assert_eq!(vault.get_subject(&common::c("app"), &Lookup::email("k@x.org")).expect("get").token, t);
    vault.close().expect("close");
    let before = common::hashes(&tv.path);
    let e = Vault::open(&tv.path, &key_of(0), Options::default()).expect_err("old key");
    assert_eq!(e.kind(), ErrorKind::WrongKey);
    assert_eq!(common::hashes(&tv.path), before, "the old key writes nothing");
    let vault = Vault::open(&tv.path, &key_of(1), Options::default()).expect("new key");
    assert_eq!(vault.get_subject(&common::c("app"), &Lookup::token(&t)).expect("get").profile["name"], "K");
    let report = vault.verify_audit(None).expect("verify");
    assert_eq!(report.subjects, 1);
    let events = vault.list_audit_events(&common::c("admin:dpo"), None, &Default::default(), false).expect("list");
    assert!(events.items.iter().any(|e| e.action == "vault.rekey" && e.actor == "admin:keys" && e.outcome == "ok"));
    // Rekeying to the same key is allowed (it rewraps); a bad caller is refused before anything.
    vault.rekey(&common::c("admin:keys"), &key_of(1)).expect("same key");
    vault.close().expect("close");
    // No copy of the old wrapping survives in the files (a stolen old key opens nothing).
    assert!(!common::contains(&common::all_bytes(&tv.path), &old_wrapping[5..]), "old wrapping left on disk");
}

/// Child entry point: rekey back and forth between the two keys forever, printing the generation
/// whose key opens the vault after each acknowledged rekey.
#[test]
#[ignore = "child process entry point, run by `a_kill_during_rekey_leaves_exactly_one_key`"]
fn rekey_child() {
    let path = std::env::var("BL_PATH").expect("BL_PATH");
    let mut generation: u64 = std::env::var("BL_GEN").expect("BL_GEN").parse().expect("generation");
    let vault = Vault::open(Path::new(&path), &key_of(generation), Options::default()).expect("open");
    println!("ready");
    loop {
        vault.rekey(&common::c("admin:keys"), &key_of(generation + 1)).expect("rekey");
        generation += 1;
        println!("{generation}");
    }
}

fn opens(path: &Path, key: &MasterKey) -> bool {
    match Vault::open(path, key, Options::default()) {
        Ok(v) => {
            v.close().expect("close");
            true
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::WrongKey, "only a wrong key may refuse the open: {e}");
            false
        }
    }
}

#[test]
fn a_kill_during_rekey_leaves_exactly_one_key() {
    let tv = common::temp_vault();
    Vault::open(&tv.path, &key_of(0), Options::default()).expect("create").close().expect("close");
    let mut rng = common::Rng::from_time();
    let rounds: u64 = std::env::var("BUNKERLITE_CRASH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(30);
    let mut generation = 0u64;
    let mut in_flight_won = 0;
    for round in 0..rounds {
        let mut child = common::child(
            "rekey_child",
            &[("BL_PATH", tv.path.display().to_string()), ("BL_GEN", generation.to_string())],
        )
        .spawn()
        .expect("spawn");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        // The test harness prints its own lines first. The kill lands at a random point after
        // the child's first rekey of the round, so every round makes progress however slow the
        // disk is (under I/O load a rekey's fsyncs can take tens of milliseconds).
        while rx.recv_timeout(Duration::from_secs(20)).expect("child ready") != "ready" {}
        let first: u64 = rx.recv_timeout(Duration::from_secs(20)).expect("first rekey").parse().expect("generation");
        std::thread::sleep(Duration::from_micros(rng.below(20_000)));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        let mut acked = first;
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            if let Ok(g) = line.parse() {
                acked = g;
            }
        }
        // The acknowledged generation's key, or the next one (committed but not yet printed).
        let (now, next) = (opens(&tv.path, &key_of(acked)), opens(&tv.path, &key_of(acked + 1)));
        assert!(now ^ next, "round {round}: exactly one key opens (acked {acked}: {now}, next: {next})");
        generation = if now { acked } else { acked + 1 };
        in_flight_won += u64::from(next);
        let vault = Vault::open(&tv.path, &key_of(generation), Options::default()).expect("open");
        vault.verify_audit(None).unwrap_or_else(|e| panic!("round {round}: {e}"));
        vault.close().expect("close");
    }
    assert!(generation >= rounds, "the child made progress ({generation} rekeys in {rounds} rounds)");
    eprintln!(
        "{rounds} rounds, {generation} rekeys, {in_flight_won} kills after a commit and before its acknowledgement"
    );
}
