//! The PostgreSQL backend from the outside: several processes on one server (identity races,
//! consent decisions racing erasures, many processes creating one vault), faults (a writer killed
//! mid-transaction, the server restarted under load), what the server keeps on disk (the canary
//! scan over its data directory and WAL), and the checks at open (objects planted in the
//! vault's schema).
//!
//! The shared test cluster is named by `BUNKERLITE_TEST_POSTGRES` (the test command starts it
//! with `scripts/pg_cluster.sh`); the fault tests start clusters of their own with the same script.
#![cfg(feature = "postgres")]

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bunkerlite::{ErrorKind, Lookup, Options, PageRequest, Vault};
use common::c;
use serde_json::json;

const KEY: u8 = 23;
const CLUSTER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/pg_cluster.sh");

/// The shared test cluster's URL.
fn server() -> String {
    std::env::var("BUNKERLITE_TEST_POSTGRES")
        .expect("BUNKERLITE_TEST_POSTGRES names the test cluster (scripts/pg_cluster.sh start DIR prints its URL)")
}

/// `base` with a fresh schema named after `what`.
fn fresh(base: &str, what: &str) -> String {
    let mut nonce = [0u8; 6];
    getrandom::fill(&mut nonce).expect("random");
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}schema={what}_{}", hex::encode(nonce))
}

fn open(url: &str) -> Vault {
    Vault::open(url, &common::key(KEY), Options::default()).expect("open")
}

/// A cluster of the test's own (started with the project's script; stopped and removed on drop).
struct Cluster {
    dir: PathBuf,
    url: String,
}

impl Cluster {
    fn start() -> Cluster {
        Cluster::start_with(&[])
    }

    /// A cluster that accepts TLS, its certificate signed by a throwaway CA (`DIR/ca.pem`).
    fn start_tls() -> Cluster {
        Cluster::start_with(&["tls"])
    }

    fn start_with(args: &[&str]) -> Cluster {
        let dir = tempfile::Builder::new().prefix("bl-pg-").tempdir().expect("dir").keep();
        let out = Command::new(CLUSTER).arg("start").arg(&dir).args(args).output().expect("run pg_cluster.sh");
        assert!(out.status.success(), "pg_cluster.sh start: {}", String::from_utf8_lossy(&out.stderr));
        let url = String::from_utf8(out.stdout).expect("utf-8").trim().to_owned();
        Cluster { dir, url }
    }

    fn run(&self, command: &str) {
        let out = Command::new(CLUSTER).arg(command).arg(&self.dir).output().expect("run pg_cluster.sh");
        assert!(out.status.success(), "pg_cluster.sh {command}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Every byte of every file of the server's data directory (tables, indexes, WAL, logs).
    fn all_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut stack = vec![self.dir.join("data")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    out.extend_from_slice(&bytes);
                }
            }
        }
        out
    }
}

impl Cluster {
    /// A synchronous hot standby of `primary` (every commit on the primary waits for it).
    fn standby_of(primary: &Cluster) -> Cluster {
        let dir = tempfile::Builder::new().prefix("bl-pg-standby-").tempdir().expect("dir").keep();
        let out = Command::new(CLUSTER).arg("standby").arg(&dir).arg(&primary.dir).output().expect("pg_cluster.sh");
        assert!(out.status.success(), "pg_cluster.sh standby: {}", String::from_utf8_lossy(&out.stderr));
        let url = String::from_utf8(out.stdout).expect("utf-8").trim().to_owned();
        Cluster { dir, url }
    }

    /// What `psql -At` prints for `sql`.
    fn query(&self, sql: &str) -> String {
        let out = Command::new(CLUSTER).arg("psql").arg(&self.dir).arg(sql).output().expect("psql");
        assert!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
    }

    fn port(&self) -> String {
        std::fs::read_to_string(self.dir.join("port")).expect("port").trim().to_owned()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(CLUSTER).arg("stop").arg(&self.dir).output();
    }
}

// ---- identity races ----

const IDENTITIES: usize = 60;

/// Try to create every identity once, in an order and a spelling given by `seed`; (index, won).
fn race(vault: &Vault, seed: u64) -> Vec<(usize, bool)> {
    let mut order: Vec<usize> = (0..IDENTITIES).collect();
    let mut rng = common::Rng(seed);
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    order
        .into_iter()
        .map(|i| {
            // Different spellings of one identity: normalisation must make them collide.
            let (email, phone) = match seed % 3 {
                0 => (format!("user{i}@race.test"), format!("+44 20 7946 {:04}", i)),
                1 => (format!(" USER{i}@Race.Test"), format!("+442079460{:03}", i)),
                _ => (format!("User{i}@RACE.test "), format!("+44 (20) 7946-{:04}", i)),
            };
            let profile = if i % 2 == 0 { json!({"email": email}) } else { json!({"phone": phone}) };
            match vault.create_subject(&c("app:race"), profile) {
                Ok(_) => (i, true),
                Err(e) if e.kind() == ErrorKind::Duplicate => (i, false),
                Err(e) => panic!("seed {seed}: unexpected error {e}"),
            }
        })
        .collect()
}

/// Child entry point: race from eight threads on the vault at BL_URL, print "W i" / "L i".
#[test]
#[ignore = "child process entry point, run by `three_processes_of_eight_threads_one_winner_per_identity`"]
fn pg_race_process() {
    let url = std::env::var("BL_URL").expect("BL_URL");
    let seed: u64 = std::env::var("BL_SEED").expect("BL_SEED").parse().expect("seed");
    let vault = open(&url);
    let results: Vec<(usize, bool)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8u64)
            .map(|t| {
                s.spawn({
                    let v = &vault;
                    move || race(v, seed * 8 + t)
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("thread")).collect()
    });
    for (i, won) in results {
        println!("{} {i}", if won { "W" } else { "L" });
    }
    vault.close().expect("close");
}

/// Every audit event of the vault, oldest first.
fn all_events(vault: &Vault) -> Vec<bunkerlite::AuditEvent> {
    let mut out = Vec::new();
    let mut page = PageRequest::first(1000);
    loop {
        let got = vault.list_audit_events(&c("admin:check"), None, &page, false).expect("list");
        out.extend(got.items);
        match got.next {
            Some(next) => page = PageRequest { limit: Some(1000), cursor: Some(next) },
            None => break,
        }
    }
    out.reverse();
    out
}

#[test]
fn three_processes_of_eight_threads_one_winner_per_identity() {
    let url = fresh(&server(), "race");
    open(&url).close().expect("create");
    let children: Vec<_> = (0..3u64)
        .map(|p| {
            common::child("pg_race_process", &[("BL_URL", url.clone()), ("BL_SEED", (p + 1).to_string())])
                .spawn()
                .expect("spawn")
        })
        .collect();
    let results = common::race_outcomes(children);
    assert_eq!(results.len(), IDENTITIES * 24, "every attempt reported");
    let mut wins: HashMap<usize, usize> = HashMap::new();
    for (i, won) in &results {
        *wins.entry(*i).or_default() += usize::from(*won);
    }
    let vault = open(&url);
    for i in 0..IDENTITIES {
        assert_eq!(wins.get(&i), Some(&1), "identity {i}: exactly one winner");
        let lookup = if i % 2 == 0 {
            Lookup::email(format!("user{i}@race.test"))
        } else {
            Lookup::phone(format!("+44 20 7946 {:04}", i))
        };
        vault.get_subject(&c("app:check"), &lookup).expect("the winner is stored");
    }
    // Every outcome audited: one ok and 23 DUPLICATE creations per identity.
    let creations: Vec<_> = all_events(&vault).into_iter().filter(|e| e.action == "subject.create").collect();
    assert_eq!(creations.iter().filter(|e| e.outcome == "ok").count(), IDENTITIES);
    assert_eq!(creations.iter().filter(|e| e.outcome == "DUPLICATE").count(), IDENTITIES * 23);
    let report = vault.verify_audit(None).expect("the chain verifies");
    assert!(report.events >= (IDENTITIES * 24) as u64);
}

/// Child entry point: wait for the start signal, open (creating) the vault at BL_URL, write once.
#[test]
#[ignore = "child process entry point, run by `processes_creating_one_vault_at_once_all_succeed_on_postgres`"]
fn pg_create_process() {
    let url = std::env::var("BL_URL").expect("BL_URL");
    let go = std::env::var("BL_GO").expect("BL_GO");
    while !Path::new(&go).exists() {
        std::thread::yield_now();
    }
    match Vault::open(&url, &common::key(KEY), Options::default()) {
        Ok(v) => {
            v.create_subject(&c("app:race"), json!({"n": std::process::id()})).expect("write");
            v.close().expect("close");
            println!("ok");
        }
        Err(e) => println!("error {e}"),
    }
}

#[test]
fn processes_creating_one_vault_at_once_all_succeed_on_postgres() {
    for round in 0..3 {
        let url = fresh(&server(), "create");
        let dir = tempfile::tempdir().expect("dir");
        let go = dir.path().join("go");
        let children: Vec<_> = (0..4)
            .map(|_| {
                common::child("pg_create_process", &[("BL_URL", url.clone()), ("BL_GO", go.display().to_string())])
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        std::thread::sleep(Duration::from_millis(300));
        std::fs::write(&go, b"go").expect("signal");
        for child in children {
            let out = child.wait_with_output().expect("wait");
            let said = String::from_utf8_lossy(&out.stdout);
            assert!(said.lines().any(|l| l == "ok"), "round {round}: {said}");
        }
        let vault = open(&url);
        let report = vault.verify_audit(None).expect("one vault, its chain whole");
        assert_eq!(report.subjects, 4, "round {round}");
    }
}

// ---- consent decisions racing erasures ----

const SUBJECTS: usize = 40;

/// Child entry point: BL_ROLE "decide" gives and withdraws consent for every subject (three
/// rounds), printing "D i decision outcome"; "erase" erases the even subjects, "E i outcome".
#[test]
#[ignore = "child process entry point, run by `consent_decisions_racing_erasures_from_two_processes`"]
fn pg_consent_process() {
    let url = std::env::var("BL_URL").expect("BL_URL");
    let tokens: Vec<String> = std::env::var("BL_TOKENS").expect("BL_TOKENS").split(',').map(str::to_owned).collect();
    let vault = open(&url);
    let app = c("app:race");
    let outcome = |r: bunkerlite::Result<()>| match r {
        Ok(()) => "ok".to_owned(),
        Err(e) => e.code().to_owned(),
    };
    if std::env::var("BL_ROLE").expect("BL_ROLE") == "decide" {
        for round in 0..3 {
            for (i, t) in tokens.iter().enumerate() {
                let give = round % 2 == 0;
                let lookup = Lookup::token(t);
                let r = if give {
                    vault.give_consent(&app, &lookup, "newsletter", None).map(|_| ())
                } else {
                    vault.withdraw_consent(&app, &lookup, "newsletter", None).map(|_| ())
                };
                println!("D {i} {} {}", if give { "given" } else { "withdrawn" }, outcome(r));
            }
        }
    } else {
        for i in (0..tokens.len()).step_by(2).rev() {
            println!("E {i} {}", outcome(vault.forget_subject(&app, &Lookup::token(&tokens[i])).map(|_| ())));
        }
    }
    vault.close().expect("close");
}

#[test]
fn consent_decisions_racing_erasures_from_two_processes() {
    let url = fresh(&server(), "consent");
    let vault = open(&url);
    let admin = c("admin:dpo");
    vault
        .set_legal_basis(&admin, "newsletter", json!({"type": "consent", "short_description": "News"}))
        .expect("basis");
    let tokens: Vec<String> = (0..SUBJECTS)
        .map(|i| vault.create_subject(&c("app:seed"), json!({"email": format!("s{i}@consent.test")})).expect("create"))
        .collect();
    vault.close().expect("close");
    let env = |role: &str| vec![("BL_URL", url.clone()), ("BL_TOKENS", tokens.join(",")), ("BL_ROLE", role.to_owned())];
    let children: Vec<_> = ["decide", "erase"]
        .iter()
        .map(|role| common::child("pg_consent_process", &env(role)).spawn().expect("spawn"))
        .collect();
    let mut last: HashMap<usize, String> = HashMap::new();
    let mut erased_at: HashMap<usize, usize> = HashMap::new();
    let mut lines = 0;
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "a racing process failed");
        for line in String::from_utf8(out.stdout).expect("utf-8").lines() {
            let parts: Vec<&str> = line.split(' ').collect();
            match parts.as_slice() {
                ["D", i, decision, outcome] => {
                    lines += 1;
                    let i: usize = i.parse().expect("index");
                    match *outcome {
                        "ok" => {
                            last.insert(i, (*decision).to_owned());
                        }
                        "ERASED" | "NOT_FOUND" => assert_eq!(i % 2, 0, "subject {i}: only erased subjects refuse"),
                        other => panic!("a decision failed with {other}"),
                    }
                }
                ["E", i, outcome] => {
                    lines += 1;
                    assert_eq!(*outcome, "ok", "every erasure succeeds");
                    erased_at.insert(i.parse().expect("index"), lines);
                }
                _ => {}
            }
        }
    }
    assert_eq!(erased_at.len(), SUBJECTS / 2);
    let vault = open(&url);
    let app = c("app:check");
    for (i, t) in tokens.iter().enumerate() {
        let got = vault.get_consent(&app, &Lookup::token(t), "newsletter");
        if i % 2 == 0 {
            assert_eq!(got.expect_err("erased").kind(), ErrorKind::Erased, "subject {i}");
        } else {
            // Nothing lost: the current decision is the last one acknowledged.
            let agreement = serde_json::to_value(got.expect("kept")).expect("json");
            assert_eq!(agreement["status"].as_str(), last.get(&i).map(String::as_str), "subject {i}: {agreement}");
        }
    }
    // The chain, the histories and the outbox reconcile with the audited decisions and erasures.
    vault.verify_audit(None).expect("verifies");
}

#[test]
fn a_rekey_by_one_host_leaves_the_others_working_and_only_the_new_key_opens() {
    let url = fresh(&server(), "rekey");
    let (a, b) = (open(&url), open(&url));
    let t = a.create_subject(&c("app:a"), json!({"email": "rk@rekey.test"})).expect("create");
    a.rekey(&c("admin:dpo"), &common::key(KEY + 1)).expect("rekey");
    // The other handle (another host's) holds the same root key: it reads and writes on.
    b.get_subject(&c("app:b"), &Lookup::token(&t)).expect("read after another host's rekey");
    b.create_subject(&c("app:b"), json!({"email": "rk2@rekey.test"})).expect("write after another host's rekey");
    a.close().expect("close");
    b.close().expect("close");
    let e = Vault::open(&url, &common::key(KEY), Options::default()).expect_err("the old key");
    assert_eq!(e.kind(), ErrorKind::WrongKey);
    let v = Vault::open(&url, &common::key(KEY + 1), Options::default()).expect("the new key");
    v.get_subject(&c("app:c"), &Lookup::email("rk2@rekey.test")).expect("both writes kept");
    v.verify_audit(None).expect("verifies");
}

#[test]
fn a_legal_basis_changed_on_one_host_is_enforced_on_another_at_once() {
    let url = fresh(&server(), "catalogue");
    let (a, b) = (open(&url), open(&url));
    let admin = c("admin:dpo");
    a.set_legal_basis(&admin, "newsletter", json!({"type": "consent", "short_description": "News"})).expect("basis");
    a.set_activity(&admin, "marketing", json!({"operations": ["read"], "legal_bases": ["newsletter"]}))
        .expect("activity");
    a.set_legal_basis(&admin, "orders", json!({"type": "contract", "short_description": "Orders"})).expect("basis");
    a.set_activity(&admin, "shipping", json!({"operations": ["read"], "legal_bases": ["orders"]})).expect("activity");
    let t = a.create_subject(&c("app:a"), json!({"email": "cat@catalogue.test"})).expect("create");
    let marketing = c("app:b").with_purpose("marketing").expect("purpose");
    // b has cached the catalogue by now; a's consent, then a's withdrawal, show at once in b.
    assert_eq!(
        b.get_subject(&marketing, &Lookup::token(&t)).expect_err("no consent").kind(),
        ErrorKind::ConsentRequired
    );
    a.give_consent(&c("app:a"), &Lookup::token(&t), "newsletter", None).expect("give");
    b.get_subject(&marketing, &Lookup::token(&t)).expect("given on another host");
    a.withdraw_consent(&c("app:a"), &Lookup::token(&t), "newsletter", None).expect("withdraw");
    assert_eq!(
        b.get_subject(&marketing, &Lookup::token(&t)).expect_err("withdrawn").kind(),
        ErrorKind::ConsentRequired
    );
    // An activity deleted on a is unknown on b at once.
    a.delete_activity(&admin, "marketing").expect("delete activity");
    assert_eq!(b.get_subject(&marketing, &Lookup::token(&t)).expect_err("unknown").kind(), ErrorKind::InvalidInput);
}

// ---- faults ----

/// Child entry point: create subjects until killed, printing "ok <token>" after each
/// acknowledged write.
#[test]
#[ignore = "child process entry point, run by `a_writer_killed_mid_transaction_loses_no_acknowledged_write`"]
fn pg_writer_process() {
    let url = std::env::var("BL_URL").expect("BL_URL");
    let vault = open(&url);
    for i in 0.. {
        let t = vault
            .create_subject(&c("app:writer"), json!({"email": format!("w{i}@kill.test"), "pad": "x".repeat(2000)}))
            .expect("create");
        println!("ok {t}");
    }
}

#[test]
fn a_writer_killed_mid_transaction_loses_no_acknowledged_write() {
    let url = fresh(&server(), "kill");
    open(&url).close().expect("create");
    let mut child = common::child("pg_writer_process", &[("BL_URL", url.clone())]).spawn().expect("spawn");
    let out = child.stdout.take().expect("stdout");
    let mut acked = Vec::new();
    for line in BufReader::new(out).lines() {
        let line = line.expect("line");
        if let Some(t) = line.strip_prefix("ok ") {
            acked.push(t.to_owned());
            if acked.len() == 150 {
                // SAFETY-free: kill(2) through the shell's utility, mid-transaction of the next write.
                Command::new("kill").arg("-9").arg(child.id().to_string()).status().expect("kill");
                break;
            }
        }
    }
    let _ = child.wait();
    // The server rolled the killed transaction back and released the write lock.
    let vault = open(&url);
    for t in &acked {
        vault.get_subject(&c("app:check"), &Lookup::token(t)).expect("an acknowledged write is kept");
    }
    vault.create_subject(&c("app:after"), json!({"email": "after@kill.test"})).expect("writes go on");
    vault.verify_audit(None).expect("verifies");
}

/// Writers on `vault` from four threads; after 0.8 s `fault` happens, and they go on for
/// `after_fault`. Returns the tokens acknowledged and how many of them after the fault. Every
/// failure must be a retryable `BUSY`.
fn under_load(vault: &Vault, fault: impl FnOnce(), after_fault: Duration) -> (Vec<String>, usize) {
    let (stop, faulted) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (vault, stop, faulted) = (vault.clone(), stop.clone(), faulted.clone());
            std::thread::spawn(move || {
                let (mut acked, mut after) = (Vec::new(), 0usize);
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    match vault.create_subject(&c("app:load"), json!({"email": format!("l{w}-{i}@load.test")})) {
                        Ok(t) => {
                            after += usize::from(faulted.load(Ordering::Relaxed));
                            acked.push(t);
                        }
                        Err(e) => {
                            assert_eq!(e.kind(), ErrorKind::Busy, "unexpected {e}");
                            std::thread::sleep(Duration::from_millis(20));
                        }
                    }
                }
                (acked, after)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(800));
    fault();
    faulted.store(true, Ordering::Relaxed);
    std::thread::sleep(after_fault);
    stop.store(true, Ordering::Relaxed);
    let (mut acked, mut after) = (Vec::new(), 0);
    for w in workers {
        let (a, n) = w.join().expect("worker");
        acked.extend(a);
        after += n;
    }
    (acked, after)
}

#[test]
fn a_failover_to_a_synchronous_standby_loses_no_acknowledged_write() {
    let primary = Cluster::start();
    let standby = Cluster::standby_of(&primary);
    // One URL naming both servers: new connections go to whichever accepts writes.
    let both = format!(
        "postgres://bunkerlite@127.0.0.1:{},127.0.0.1:{}/postgres?sslmode=disable&target_session_attrs=read-write",
        primary.port(),
        standby.port()
    );
    let url = fresh(&both, "failover");
    let mut options = Options::default();
    options.busy_timeout_ms = 2_000;
    let vault = Vault::open(&url, &common::key(KEY), options).expect("open");
    for i in 0..20 {
        vault.create_subject(&c("app:before"), json!({"email": format!("b{i}@failover.test")})).expect("create");
    }
    let anchor = vault.get_audit_head().expect("anchor");
    // The primary dies; the standby is promoted; the writers' handles reconnect to it.
    let failover = || {
        primary.run("crash");
        standby.run("promote");
    };
    let (acked, after) = under_load(&vault, failover, Duration::from_millis(2000));
    assert!(after > 0, "writes went on after the failover");
    assert!(acked.len() > after, "writes were acknowledged before the failover too");
    for t in &acked {
        vault.get_subject(&c("app:check"), &Lookup::token(t)).expect("an acknowledged write is on the new primary");
    }
    vault.verify_audit(Some(&anchor)).expect("the chain verifies against the anchor taken before");
}

#[test]
fn a_server_restarted_under_load_loses_no_acknowledged_write_and_handles_recover() {
    let cluster = Cluster::start();
    let url = fresh(&cluster.url, "restart");
    let mut options = Options::default();
    options.busy_timeout_ms = 2_000;
    let vault = Vault::open(&url, &common::key(KEY), options).expect("open");
    let (acked, after) = under_load(&vault, || cluster.run("restart"), Duration::from_millis(1500));
    assert!(after > 0, "the handles recovered after the restart");
    for t in &acked {
        vault.get_subject(&c("app:check"), &Lookup::token(t)).expect("an acknowledged write is kept");
    }
    vault.verify_audit(None).expect("verifies");
}

#[test]
fn the_pool_holds_at_most_max_connections_and_callers_wait_for_one() {
    let cluster = Cluster::start();
    let url = fresh(&cluster.url, "pool");
    let mut options = Options::default();
    options.postgres.max_connections = 3;
    let vault = Vault::open(&url, &common::key(KEY), options).expect("open");
    let tokens: Vec<String> = (0..20)
        .map(|i| vault.create_subject(&c("app:pool"), json!({"email": format!("p{i}@pool.test")})).expect("create"))
        .collect();
    // Sixteen threads reading and writing at once share three connections.
    std::thread::scope(|s| {
        for t in 0..16 {
            let (vault, tokens) = (&vault, &tokens);
            s.spawn(move || {
                for i in 0..30 {
                    vault.get_subject(&c("app:pool"), &Lookup::token(&tokens[(t + i) % tokens.len()])).expect("get");
                    if i % 10 == 0 {
                        vault.create_subject(&c("app:pool"), json!({"n": t * 100 + i})).expect("create");
                    }
                }
            });
        }
    });
    let held: u32 = cluster
        .query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bunkerlite'")
        .parse()
        .expect("count");
    assert!((1..=3).contains(&held), "{held} connections");
    for bad in [0, 1, 1_001] {
        let mut options = Options::default();
        options.postgres.max_connections = bad;
        let e = Vault::open(&url, &common::key(KEY), options).expect_err("out of range");
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }
}

// ---- TLS ----

#[test]
fn tls_verifies_the_server_against_the_named_ca_and_refuses_any_other() {
    let cluster = Cluster::start_tls();
    assert!(cluster.url.contains("sslmode=require"));
    let ca = cluster.dir.join("ca.pem");
    let url = fresh(&format!("{}&sslrootcert={}", cluster.url, ca.display()), "tls");
    let vault = open(&url);
    let t = vault.create_subject(&c("app:tls"), json!({"email": "tls@tls.test"})).expect("create over TLS");
    // The vault's connections are all encrypted: (with TLS, without).
    let counts = cluster.query(
        "SELECT count(*) FILTER (WHERE s.ssl) || '|' || count(*) FILTER (WHERE NOT s.ssl)
         FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'bunkerlite'",
    );
    let (encrypted, plain) = counts.split_once('|').expect("two counts");
    assert_ne!(encrypted, "0", "the vault's connections use TLS");
    assert_eq!(plain, "0", "no connection of the vault is in the clear");
    vault.close().expect("close");
    // A CA that did not sign the server's certificate, or the system's roots (which do not hold
    // the throwaway CA): the server is not trusted, nothing is sent.
    let stranger = Cluster::start_tls();
    let wrong = format!("{}&sslrootcert={}", cluster.url, stranger.dir.join("ca.pem").display());
    let e = Vault::open(fresh(&wrong, "tls"), &common::key(KEY), Options::default()).expect_err("untrusted");
    assert_eq!(e.kind(), ErrorKind::Busy, "{e}");
    let e = Vault::open(fresh(&cluster.url, "tls"), &common::key(KEY), Options::default()).expect_err("system roots");
    assert_eq!(e.kind(), ErrorKind::Busy, "{e}");
    // An unreadable CA file is a clear STORAGE error; the vault written over TLS reads back.
    let missing = format!("{}&sslrootcert=/nonexistent/ca.pem", cluster.url);
    let e = Vault::open(fresh(&missing, "tls"), &common::key(KEY), Options::default()).expect_err("no file");
    assert_eq!(e.kind(), ErrorKind::Storage, "{e}");
    let again = open(&url);
    again.get_subject(&c("app:tls"), &Lookup::token(&t)).expect("read back over TLS");
}

// ---- at rest ----

#[test]
fn the_server_holds_no_personal_data_in_its_files_or_wal() {
    let cluster = Cluster::start();
    let url = fresh(&cluster.url, "canary");
    let vault = open(&url);
    let canaries: Vec<String> = (0..20)
        .flat_map(|i| {
            [
                format!("canary.person{i}@pgcanary.example"),
                format!("Zebulon Quixotic{i}"),
                format!("CANARYSTREET {i} Vellichor Lane"),
                format!("CANARYAPPDOC {i} Shipping Quay"),
                format!("canary-session-id-{i:04}-Zq"),
                format!("CANARYCART {i} Sessionberry"),
            ]
        })
        .collect();
    let requests: Vec<String> = (0..20).map(|i| format!("CANARYREQUEST {i} Quibblestone")).collect();
    let app = c("app:canary");
    vault
        .set_legal_basis(&c("admin:dpo"), "newsletter", json!({"type": "consent", "short_description": "News"}))
        .expect("basis");
    let mut tokens = Vec::new();
    for i in 0..20 {
        let t = vault
            .create_subject(
                &app,
                json!({"email": canaries[i * 6], "name": canaries[i * 6 + 1], "address": canaries[i * 6 + 2]}),
            )
            .expect("create");
        vault
            .give_consent(&app, &Lookup::token(&t), "newsletter", Some(json!({"reference": canaries[i * 6]})))
            .expect("consent");
        vault.get_subject(&app, &Lookup::email(canaries[i * 6].clone())).expect("get");
        vault.tokenize(&app, &canaries[i * 6 + 1], Some(json!({"kind": "uuid", "subject": t}))).expect("tokenize");
        let who = Lookup::token(&t);
        vault.put_app_document(&app, &who, "shipping", json!({"street": canaries[i * 6 + 3]})).expect("app");
        let options = json!({"id": canaries[i * 6 + 4], "subject": t});
        vault.set_session(&app, json!({"cart": canaries[i * 6 + 5]}), Some(options)).expect("session");
        vault.get_session(&app, &canaries[i * 6 + 4]).expect("session read");
        // A data-subject request proposing a canary, denied with a canary reason.
        let proposal = json!({"kind": "rectify", "patch": {"name": requests[i]}, "note": requests[i]});
        let request = vault.create_request(&app, &who, Some(proposal)).expect("request");
        vault.deny_request(&app, &request.id, "other", Some(&requests[i])).expect("deny");
        tokens.push(t);
    }
    vault.update_subject(&app, &Lookup::token(&tokens[0]), json!({"name": "Zebulon Renamed"})).expect("update");
    for t in &tokens[..10] {
        vault.forget_subject(&app, &Lookup::token(t)).expect("erase");
    }
    vault.close().expect("close");
    // Everything the server wrote: tables, indexes, WAL, logs (after a checkpoint).
    cluster.run("checkpoint");
    let bytes = cluster.all_bytes();
    assert!(bytes.len() > 1_000_000, "the data directory was read");
    let mut needles = canaries.clone();
    needles.extend(requests);
    needles.push("Zebulon Renamed".to_owned());
    // The scan sees what the server wrote: the catalogue's brief (not personal data) is there.
    assert!(common::contains(&bytes, b"newsletter"), "the scan reads the tables and the WAL");
    // One pass over the directory's bytes for every encoding of every canary.
    let patterns: Vec<Vec<u8>> = needles.iter().flat_map(|n| common::encodings(n)).collect();
    let finder = aho_corasick::AhoCorasick::new(&patterns).expect("patterns");
    if let Some(hit) = finder.find(&bytes) {
        panic!(
            "a canary ({:?}) is in the PostgreSQL data directory or WAL",
            String::from_utf8_lossy(&patterns[hit.pattern()])
        );
    }
}

#[test]
fn objects_planted_in_the_vaults_schema_are_refused_at_open() {
    let cluster = Cluster::start();
    let url = fresh(&cluster.url, "planted");
    let schema = url.rsplit("schema=").next().expect("schema").to_owned();
    open(&url).close().expect("create");
    let psql = |sql: &str| {
        let out = Command::new(CLUSTER).args(["psql"]).arg(&cluster.dir).arg(sql).output().expect("psql");
        assert!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
    };
    // A trigger that would copy every new profile out.
    psql(&format!(
        "CREATE TABLE {schema}.copies (p bytea);
         CREATE FUNCTION {schema}.copy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO {schema}.copies VALUES (NEW.profile); RETURN NEW; END $$;
         CREATE TRIGGER copy AFTER INSERT ON {schema}.subjects FOR EACH ROW EXECUTE FUNCTION {schema}.copy();"
    ));
    let e = Vault::open(&url, &common::key(KEY), Options::default()).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Integrity, "{e}");
    // A wrong key changes nothing and says so.
    let other = fresh(&cluster.url, "wrongkey");
    open(&other).close().expect("create");
    let e = Vault::open(&other, &common::key(KEY + 1), Options::default()).expect_err("wrong key");
    assert_eq!(e.kind(), ErrorKind::WrongKey);
    // Not there, not created: NOT_FOUND; an unreachable server: BUSY, with no URL in the message.
    let mut options = Options::default();
    options.create = false;
    let e = Vault::open(fresh(&cluster.url, "absent"), &common::key(KEY), options).expect_err("absent");
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = Vault::open(
        "postgres://bunkerlite:s3cret@127.0.0.1:1/postgres?sslmode=disable",
        &common::key(KEY),
        Options::default(),
    )
    .expect_err("unreachable");
    assert_eq!(e.kind(), ErrorKind::Busy, "{e}");
    assert!(!e.to_string().contains("s3cret"), "{e}");
}
