//! Concurrency: threads and processes racing to create subjects with the same emails. Exactly one
//! wins per email, the others get DUPLICATE, and no BUSY reaches the caller under default settings.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use bunkerlite::{ErrorKind, Lookup, Vault};
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
    let mut results = Vec::new();
    for mut child in children {
        let out = child.stdout.take().expect("stdout");
        for line in BufReader::new(out).lines() {
            let line = line.expect("line");
            if let Some((tag, i)) = line.split_once(' ') {
                if tag == "W" || tag == "L" {
                    results.push((i.parse().expect("index"), tag == "W"));
                }
            }
        }
        assert!(child.wait().expect("wait").success(), "a racing process failed");
    }
    let vault = common::open(&tv.path, KEY);
    check_winners(&vault, &results, 6);
    vault.verify_audit(None).expect("chain verifies");
}
