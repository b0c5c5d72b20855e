//! Hostile input through the API never crashes or exhausts the host: JSON Patch amplification
//! (copies that double the document, adds of large values, deep nesting) is refused with
//! `TOO_LARGE` inside a small memory budget — proven in a child process whose address space is
//! capped at its own baseline plus 64 MiB, where an allocation failure would abort it — and
//! patches that crash other implementations are `INVALID_INPUT`, audited like other failures.

mod common;

use std::process::Command;

use bunkerlite::{ErrorKind, Lookup, MasterKey, Options, PageRequest, Vault};
use serde_json::{json, Value};

fn vm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("status");
    let line = status.lines().find(|l| l.starts_with("VmPeak:")).expect("VmPeak");
    line.split_whitespace().nth(1).expect("value").parse().expect("kib")
}

/// The attacks, each a JSON Patch a caller could send.
fn attacks() -> Vec<(&'static str, Value)> {
    let mut doubling = vec![json!({"op": "add", "path": "/d", "value": ["z".repeat(60_000)]})];
    doubling.extend((0..40).map(|_| json!({"op": "copy", "from": "/d", "path": "/d/-"})));
    let mut copies = vec![json!({"op": "add", "path": "/x", "value": "y".repeat(60_000)})];
    copies.extend((0..999).map(|i| json!({"op": "copy", "from": "/x", "path": format!("/x{i}")})));
    let mut adds = Vec::new();
    adds.extend((0..999).map(|i| json!({"op": "add", "path": format!("/a{i}"), "value": "w".repeat(60_000)})));
    let mut nested = vec![json!({"op": "add", "path": "/n", "value": {"n": {"n": {"n": {}}}}})];
    nested.extend((0..40).map(|_| json!({"op": "copy", "from": "/n", "path": "/n/n/n/n"})));
    let mut whole = vec![json!({"op": "add", "path": "/w", "value": ["v".repeat(60_000)]})];
    whole.extend((0..40).map(|_| json!({"op": "copy", "from": "", "path": "/w/-"})));
    vec![
        ("doubling copies", Value::Array(doubling)),
        ("1000 copies", Value::Array(copies)),
        ("1000 large adds", Value::Array(adds)),
        ("nesting copies", Value::Array(nested)),
        ("copies of the whole document", Value::Array(whole)),
    ]
}

/// Child entry point: with `BL_MEASURE` print the peak address space after setting up; else run
/// every attack and print `survived` when each was refused with TOO_LARGE.
#[test]
#[ignore = "child process entry point, run by `patch_amplification_stays_within_a_memory_cap`"]
fn amplification_child() {
    let vault =
        Vault::open_in_memory(&MasterKey::from_bytes(&[5; 32]).expect("key"), Options::default()).expect("open");
    let t = vault.create_subject(&common::c("app"), json!({"email": "a@x.org"})).expect("create");
    let attacks = attacks();
    if std::env::var("BL_MEASURE").is_ok() {
        println!("vm {}", vm_kib());
        return;
    }
    for (name, patch) in attacks {
        let e = vault.update_subject(&common::c("app"), &Lookup::token(&t), patch).expect_err(name);
        assert_eq!(e.kind(), ErrorKind::TooLarge, "{name}: {e}");
    }
    assert_eq!(vault.get_subject(&common::c("app"), &Lookup::token(&t)).expect("unchanged").version, 1);
    println!("survived");
}

#[test]
fn patch_amplification_stays_within_a_memory_cap() {
    let run = |measure: bool, cap_kib: Option<u64>| {
        let exe = std::env::current_exe().expect("exe");
        let mut script = String::new();
        if let Some(cap) = cap_kib {
            script.push_str(&format!("ulimit -v {cap} && "));
        }
        script.push_str("exec \"$0\" amplification_child --exact --ignored --nocapture --test-threads=1 -q");
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script).arg(exe);
        if measure {
            cmd.env("BL_MEASURE", "1");
        }
        cmd.output().expect("child")
    };
    let measured = run(true, None);
    let out = String::from_utf8_lossy(&measured.stdout);
    let baseline: u64 = out
        .lines()
        .find_map(|l| l.strip_prefix("vm "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no baseline: {out}"));
    let capped = run(false, Some(baseline + 64 * 1024));
    let out = String::from_utf8_lossy(&capped.stdout);
    assert!(
        capped.status.success() && out.contains("survived"),
        "the child died under a cap of baseline {baseline} KiB + 64 MiB: {:?}\n{out}\n{}",
        capped.status,
        String::from_utf8_lossy(&capped.stderr)
    );
}

#[test]
fn a_patch_that_panics_elsewhere_is_invalid_input_and_audited() {
    let vault = Vault::open_in_memory(&common::key(1), Options::default()).expect("open");
    let t = vault.create_subject(&common::c("app"), json!({"a": 1})).expect("create");
    let patch = json!([{"op": "move", "from": "/a", "path": ""}, {"op": "remove", "path": "/nope"}]);
    let e = vault.update_subject(&common::c("app:editor"), &Lookup::token(&t), patch).expect_err("invalid");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().starts_with("JSON Patch operation"), "{e}");
    vault.flush_audit().expect("flush");
    let events =
        vault.list_audit_events(&common::c("admin:dpo"), Some(&t), &PageRequest::first(10), false).expect("list");
    assert!(events
        .items
        .iter()
        .any(|e| e.action == "subject.update" && e.outcome == "INVALID_INPUT" && e.actor == "app:editor"));
    assert_eq!(vault.get_subject(&common::c("app"), &Lookup::token(&t)).expect("unchanged").profile, json!({"a": 1}));
}

#[test]
fn the_deepest_limit_a_vault_accepts_is_one_it_can_read_back() {
    use bunkerlite::{Limits, Options, Vault, MAX_DEPTH};
    let deep = |levels: usize| {
        let mut v = serde_json::json!("bottom");
        for _ in 1..levels {
            v = serde_json::json!({ "a": v });
        }
        v
    };
    let options = |depth: usize| Options::default().limits(Limits::default().max_depth(depth));
    let e = Vault::open_in_memory(&common::key(1), options(MAX_DEPTH + 1)).expect_err("deeper than readable");
    assert_eq!(e.kind(), bunkerlite::ErrorKind::InvalidInput);
    let vault = Vault::open_in_memory(&common::key(1), options(MAX_DEPTH)).expect("open");
    let app = common::c("app");
    let profile = deep(MAX_DEPTH);
    let token = vault.create_subject(&app, profile.clone()).expect("as deep as allowed");
    let lookup = bunkerlite::Lookup::token(&token);
    assert_eq!(vault.get_subject(&app, &lookup).expect("reads back").profile, profile);
    let text: serde_json::Value =
        serde_json::from_str(&bunkerlite::bridge::get_subject_json(&vault, &app, &lookup).expect("as text"))
            .expect("json");
    assert_eq!(text["profile"], profile);
    let e = vault.create_subject(&app, deep(MAX_DEPTH + 1)).expect_err("deeper");
    assert_eq!(e.kind(), bunkerlite::ErrorKind::TooLarge);
}
