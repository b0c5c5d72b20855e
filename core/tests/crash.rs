//! Crash safety: a writer process killed with SIGKILL at random points loses no acknowledged
//! write and leaves nothing partial; and the documented bound on buffered read events holds.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bunkerlite::{Lookup, Options, Vault};
use serde_json::json;

const KEY: u8 = 9;

fn lines_of(child: &mut std::process::Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Child entry point: create and update subjects forever, printing each acknowledged write.
#[test]
#[ignore = "child process entry point, run by `writer_killed_at_random_points`"]
fn crash_writer() {
    let path = std::env::var("BL_PATH").expect("BL_PATH");
    let round: u64 = std::env::var("BL_ROUND").expect("BL_ROUND").parse().expect("round");
    let vault = common::open(Path::new(&path), KEY);
    let mut mine: Vec<(String, u64)> = Vec::new();
    let mut rng = common::Rng(round * 7919 + 1);
    for n in 0.. {
        if mine.is_empty() || rng.below(3) == 0 {
            let email = format!("r{round}n{n}@crash.test");
            let batch = rng.below(4) == 0;
            let tokens = if batch {
                let second = format!("r{round}n{n}b@crash.test");
                let t = vault
                    .create_subjects(
                        &common::c("app:crash"),
                        vec![json!({"email": email, "v": 0}), json!({"email": second, "v": 0})],
                    )
                    .expect("batch create");
                println!("C {} {email} 0", t[0]);
                println!("C {} {second} 0", t[1]);
                t
            } else {
                let t = vault.create_subject(&common::c("app:crash"), json!({"email": email, "v": 0})).expect("create");
                println!("C {t} {email} 0");
                vec![t]
            };
            mine.extend(tokens.into_iter().map(|t| (t, 0)));
        } else {
            let i = rng.below(mine.len() as u64) as usize;
            let (token, v) = &mut mine[i];
            *v += 1;
            vault
                .update_subject(
                    &common::c("app:crash"),
                    &Lookup::token(token.as_str()),
                    json!({"v": *v, "pad": "x".repeat((*v % 50) as usize)}),
                )
                .expect("update");
            println!("U {token} - {v}");
        }
    }
}

#[test]
fn writer_killed_at_random_points() {
    kill_writers_at_random_points("crash_writer", 50, 40, 2);
}

/// Run the child test `child` (a writer printing each acknowledged write) for a number of rounds
/// (`default_rounds`, or BUNKERLITE_CRASH_ROUNDS for soak runs with BUNKERLITE_SOAK=1), killing it
/// with SIGKILL after up to `lines_before_kill` acknowledgements and a random pause, and checking
/// the file after each kill: no acknowledged write lost, at most `in_flight` subjects committed
/// but not acknowledged per kill.
fn kill_writers_at_random_points(child: &str, default_rounds: u64, lines_before_kill: u64, in_flight: i64) {
    let tv = common::temp_vault();
    common::open(&tv.path, KEY).close().expect("create");
    let mut rng = common::Rng::from_time();
    // token → (email, last acknowledged version)
    let mut acked: std::collections::HashMap<String, (String, u64)> = Default::default();
    let rounds: u64 =
        std::env::var("BUNKERLITE_CRASH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(default_rounds);
    // Subjects committed but never acknowledged (killed between commit and print).
    let mut unacked = 0;
    let mut touched: std::collections::HashSet<String> = Default::default();
    for round in 0..rounds {
        let mut child =
            common::child(child, &[("BL_PATH", tv.path.display().to_string()), ("BL_ROUND", round.to_string())])
                .spawn()
                .expect("spawn");
        let lines = lines_of(&mut child);
        let wait_for = rng.below(lines_before_kill);
        let mut seen = 0;
        while seen < wait_for {
            match lines.recv_timeout(Duration::from_secs(20)) {
                Ok(line) => {
                    record(&mut acked, &mut touched, &line);
                    seen += 1;
                }
                Err(_) => panic!("round {round}: the writer made no progress"),
            }
        }
        std::thread::sleep(Duration::from_micros(rng.below(3000)));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        // Lines already written before the kill were acknowledged too.
        while let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
            record(&mut acked, &mut touched, &line);
        }
        // Soak runs (more rounds than the default) check every subject and run integrity_check
        // every 100th round and at the end; in between, this round's subjects and a sample of
        // older ones.
        let full = rounds <= default_rounds || round % 100 == 99 || round + 1 == rounds;
        unacked = check(&tv.path, &acked, &touched, unacked, round, full, in_flight);
        touched.clear();
    }
    assert!(acked.len() as u64 > rounds, "the writer made progress: {} subjects", acked.len());
}

/// Writer threads of one child process, whose creates are group-committed.
const GROUP_THREADS: u64 = 4;

/// Child entry point: GROUP_THREADS threads creating subjects forever (every fifth create of a
/// thread repeats one of its emails and must fail with DUPLICATE, rolled back alone inside the
/// group), printing each acknowledged create.
#[test]
#[ignore = "child process entry point, run by `group_writers_killed_at_random_points`"]
fn crash_group_writer() {
    let path = std::env::var("BL_PATH").expect("BL_PATH");
    let round: u64 = std::env::var("BL_ROUND").expect("BL_ROUND").parse().expect("round");
    let vault = common::open(Path::new(&path), KEY);
    let out = std::sync::Mutex::new(std::io::stdout());
    std::thread::scope(|s| {
        for t in 0..GROUP_THREADS {
            let (vault, out) = (&vault, &out);
            s.spawn(move || {
                for n in 0.. {
                    let (email, repeat) = if n % 5 == 4 {
                        (format!("r{round}t{t}n{}@group.test", n - 1), true)
                    } else {
                        (format!("r{round}t{t}n{n}@group.test"), false)
                    };
                    match vault.create_subject(&common::c("app:crash"), json!({"email": email, "v": 0})) {
                        Ok(token) => {
                            assert!(!repeat, "a repeated email was accepted");
                            let mut out = out.lock().expect("stdout");
                            writeln!(out, "C {token} {email} 0").expect("print");
                            out.flush().expect("flush");
                        }
                        Err(e) => assert!(repeat && e.kind() == bunkerlite::ErrorKind::Duplicate, "{e}"),
                    }
                }
            });
        }
    });
}

#[test]
fn group_writers_killed_at_random_points() {
    kill_writers_at_random_points("crash_group_writer", 20, 60, GROUP_THREADS as i64);
}

fn record(
    acked: &mut std::collections::HashMap<String, (String, u64)>,
    touched: &mut std::collections::HashSet<String>,
    line: &str,
) {
    let parts: Vec<&str> = line.split(' ').collect();
    if let ["C" | "U", token, ..] = parts.as_slice() {
        touched.insert(token.to_string());
    }
    match parts.as_slice() {
        ["C", token, email, _] => {
            acked.insert(token.to_string(), (email.to_string(), 0));
        }
        ["U", token, _, v] => {
            let entry = acked.get_mut(*token).expect("update of an acknowledged subject");
            entry.1 = v.parse().expect("version");
        }
        _ => {} // test harness chatter
    }
}

/// Check the file after a kill; returns the number of committed but unacknowledged subjects.
fn check(
    path: &Path,
    acked: &std::collections::HashMap<String, (String, u64)>,
    touched: &std::collections::HashSet<String>,
    unacked: i64,
    round: u64,
    full: bool,
    in_flight: i64,
) -> i64 {
    let raw = common::raw(path);
    if full {
        let ok: String = raw.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
        assert_eq!(ok, "ok", "round {round}");
    }
    let fk: i64 = raw.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).expect("fk");
    assert_eq!(fk, 0, "round {round}: dangling index rows");
    let subjects: i64 = raw.query_row("SELECT count(*) FROM subjects", [], |r| r.get(0)).expect("count");
    drop(raw);
    // At most the writes in flight (one batch of 2, or one create per thread) may be committed
    // but not yet acknowledged.
    let known = acked.len() as i64 + unacked;
    assert!(
        subjects >= known && subjects <= known + in_flight,
        "round {round}: {subjects} stored, {known} acknowledged"
    );
    let vault = common::open(path, KEY);
    let sample = acked
        .iter()
        .filter(|(t, _)| full || touched.contains(*t))
        .chain(acked.iter().skip((round as usize * 37) % acked.len().max(1)).take(if full { 0 } else { 100 }));
    for (token, (email, v)) in sample {
        let s = vault
            .get_subject(&common::c("app:check"), &Lookup::token(token.as_str()))
            .unwrap_or_else(|e| panic!("round {round}: lost subject: {e}"));
        let stored = s.profile["v"].as_u64().expect("v");
        // The write after the last acknowledged one may have committed before the kill.
        assert!(stored == *v || stored == v + 1, "round {round}: version {stored}, acknowledged {v}");
        let by_email =
            vault.get_subject(&common::c("app:check"), &Lookup::email(email.as_str())).expect("index entry intact");
        assert_eq!(&by_email.token, token);
    }
    vault.verify_audit(None).unwrap_or_else(|e| panic!("round {round}: {e}"));
    vault.close().expect("close");
    subjects - acked.len() as i64
}

/// Child entry point: one read every millisecond, printing each acknowledged read.
#[test]
#[ignore = "child process entry point, run by the read-audit bound tests"]
fn audit_reader() {
    let path = std::env::var("BL_PATH").expect("BL_PATH");
    let options: Options = serde_json::from_str(&std::env::var("BL_OPTIONS").expect("BL_OPTIONS")).expect("options");
    let vault = Vault::open(&path, &common::key(KEY), options).expect("open");
    let token = vault.create_subject(&common::c("app:reader"), json!({"n": 1})).expect("create");
    println!("READY");
    for i in 0.. {
        vault.get_subject(&common::c("app:reader"), &Lookup::token(token.as_str())).expect("read");
        println!("R {i}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Run the reader for `run_for`, SIGKILL it, and return (acknowledged reads with the instant
/// each was seen, reads found in the audit, the instant of the kill).
fn kill_reader(options: &Options, run_for: Duration) -> (Vec<Instant>, usize, Instant) {
    let tv = common::temp_vault();
    let mut child = common::child(
        "audit_reader",
        &[("BL_PATH", tv.path.display().to_string()), ("BL_OPTIONS", serde_json::to_string(options).expect("json"))],
    )
    .spawn()
    .expect("spawn");
    let lines = lines_of(&mut child);
    loop {
        let line = lines.recv_timeout(Duration::from_secs(20)).expect("reader starts");
        if line == "READY" {
            break;
        }
    }
    let start = Instant::now();
    let mut acks = Vec::new();
    while start.elapsed() < run_for {
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(5)) {
            if line.starts_with("R ") {
                acks.push(Instant::now());
            }
        }
    }
    child.kill().expect("SIGKILL");
    let killed = Instant::now();
    child.wait().expect("reap");
    while let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
        if line.starts_with("R ") {
            acks.push(killed);
        }
    }
    let raw = common::raw(&tv.path);
    let logged: i64 = raw
        .query_row("SELECT count(*) FROM audit WHERE action = ?1", [bunkerlite::Action::SubjectGet.number()], |r| {
            r.get(0)
        })
        .expect("count");
    (acks, logged as usize, killed)
}

#[test]
fn read_events_lost_on_kill_are_bounded_by_the_flush_interval() {
    let interval = 100;
    // A pending cap far beyond the run: only the background flusher makes events durable.
    let options = Options::default().audit_flush_interval_ms(interval).audit_max_pending(1_000_000);
    let (acks, logged, killed) = kill_reader(&options, Duration::from_millis(1500));
    assert!(acks.len() > 100, "the reader made progress: {}", acks.len());
    // Every read acknowledged more than one interval (plus scheduling slack) before the kill
    // must be in the log.
    let slack = Duration::from_millis(interval + 400);
    let old_enough = acks.iter().filter(|t| killed.duration_since(**t) > slack).count();
    assert!(logged >= old_enough, "{logged} read events logged, {old_enough} were older than the bound");
    assert!(logged <= acks.len() + 1, "no invented events");
}

#[test]
fn read_events_lost_on_kill_are_bounded_by_max_pending() {
    // A flush interval far beyond the run: only the pending cap makes events durable.
    let max_pending = 40;
    let options = Options::default().audit_flush_interval_ms(600_000).audit_max_pending(max_pending);
    let (acks, logged, _) = kill_reader(&options, Duration::from_millis(800));
    assert!(acks.len() > 2 * max_pending, "the reader made progress: {}", acks.len());
    assert!(
        logged + max_pending >= acks.len(),
        "{logged} logged of {} acknowledged: more than {max_pending} lost",
        acks.len()
    );
}

#[test]
fn synchronous_read_auditing_loses_nothing() {
    let options = Options::default().audit_flush_interval_ms(0);
    let (acks, logged, _) = kill_reader(&options, Duration::from_millis(600));
    assert!(acks.len() > 20, "the reader made progress: {}", acks.len());
    assert!(logged >= acks.len(), "{logged} logged of {} acknowledged", acks.len());
}
