//! Erasure that survives a backup restore: back up, erase 1,000 subjects, restore the backup,
//! re-apply the ledger — nothing of them readable, no canary in the file or WAL, the chain
//! verifies; the open report tells a restored file by its anchor; a changed ledger is refused;
//! a re-application killed with SIGKILL leaves nothing half done and runs again to the end.

mod common;

use std::path::Path;
use std::time::Duration;

use bunkerlite::{AuditHead, Caller, ErrorKind, Lookup, Options, Vault};
use serde_json::{json, Value};

const KEY: u8 = 41;

fn dpo() -> Caller {
    Caller::new("admin:dpo").expect("actor")
}

fn canary(i: usize) -> String {
    format!("ledgercanary{i:05}x")
}

/// `n` subjects, each with a canary in its profile, an app document, a session, a share and a
/// linked token; their tokens.
fn populate(vault: &Vault, n: usize) -> Vec<String> {
    let app = Caller::new("app:web").expect("actor");
    let profiles: Vec<Value> = (0..n)
        .map(|i| json!({"email": format!("{}@example.org", canary(i)), "name": format!("Name {}", canary(i))}))
        .collect();
    let tokens: Vec<String> =
        profiles.chunks(500).flat_map(|c| vault.create_subjects(&app, c.to_vec()).expect("create")).collect();
    for (i, t) in tokens.iter().enumerate() {
        let l = Lookup::token(t);
        vault.put_app_document(&app, &l, "shipping", json!({"street": format!("{} street", canary(i))})).expect("app");
        vault
            .set_session(&app, json!({"note": format!("{} session", canary(i))}), Some(json!({"subject": t})))
            .expect("s");
        vault.create_share(&app, &l, Some(json!({"of": "profile", "fields": ["name"]}))).expect("share");
        vault.tokenize(&app, &format!("{}-token", canary(i)), Some(json!({"subject": t}))).expect("token");
    }
    tokens
}

fn copy_vault(from: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let (a, b) = (format!("{}{suffix}", from.display()), format!("{}{suffix}", to.display()));
        let _ = std::fs::remove_file(&b);
        if Path::new(&a).exists() {
            std::fs::copy(&a, &b).expect("copy");
        }
    }
}

#[test]
fn a_restored_backup_is_put_beyond_use_by_reapplying_the_ledger() {
    let tv = common::temp_vault();
    let backup = tv.dir.path().join("backup.db");
    let vault = common::open(&tv.path, KEY);
    let tokens = populate(&vault, 1_100);
    vault.close().expect("close");
    copy_vault(&tv.path, &backup);

    // After the backup: 1,000 of them are erased; the application keeps the ledger and the head.
    let vault = common::open(&tv.path, KEY);
    for batch in tokens[..1_000].chunks(100) {
        let lookups: Vec<Lookup> = batch.iter().map(Lookup::token).collect();
        assert!(vault.forget_subjects(&dpo(), &lookups).expect("forget").iter().all(Option::is_some));
    }
    let ledger = vault.export_erasure_ledger(&dpo()).expect("ledger");
    assert_eq!(ledger.entries.len(), 1_000);
    assert!(ledger.entries.iter().all(|e| e.indexes.len() == 1), "each keeps its email's index hash");
    let text = serde_json::to_string(&ledger).expect("json");
    assert!(!text.contains("ledgercanary") && !tokens.iter().any(|t| text.contains(t.as_str())), "hashes only");
    let anchor = vault.get_audit_head().expect("head");
    vault.close().expect("close");

    // The disaster: the backup comes back. Opened with the anchor, the vault says it is behind.
    copy_vault(&backup, &tv.path);
    let options = Options::default().audit_anchor(anchor.clone());
    let vault = Vault::open(&tv.path, &common::key(KEY), options).expect("open restored");
    let report = vault.open_report().expect("report");
    assert_eq!(report.audit_anchor.as_deref(), Some("behind"));
    assert_eq!(report.erasure_ledger_entries, 0);
    assert!(vault.get_subject(&dpo(), &Lookup::token(&tokens[0])).is_ok(), "the erased came back");

    let entries: Vec<Value> = ledger.entries.iter().map(|e| json!(e)).collect();
    let done = vault.reapply_erasures(&dpo(), entries.clone()).expect("reapply");
    assert_eq!((done.entries, done.erased, done.added_to_ledger), (1_000, 1_000, 1_000));
    assert!(done.residue_scrubbed);
    for t in &tokens[..1_000] {
        let e = vault.get_subject(&dpo(), &Lookup::token(t)).expect_err("erased again");
        assert_eq!(e.kind(), ErrorKind::Erased);
        assert_eq!(
            vault.get_app_document(&dpo(), &Lookup::token(t), "shipping").expect_err("gone").kind(),
            ErrorKind::Erased
        );
    }
    for t in &tokens[1_000..] {
        vault.get_subject(&dpo(), &Lookup::token(t)).expect("the others stay");
    }
    vault.verify_audit(None).expect("the chain verifies");
    // Again: nothing more to do.
    let again = vault.reapply_erasures(&dpo(), entries).expect("again");
    assert_eq!((again.erased, again.added_to_ledger), (0, 0));
    vault.close().expect("close");

    // No canary of the erased in the file or its sidecars.
    let bytes = common::all_bytes(&tv.path);
    for i in 0..1_000 {
        assert!(!common::contains(&bytes, canary(i).as_bytes()), "canary {i} survived the re-applied erasure");
    }
}

#[test]
fn a_changed_or_foreign_ledger_is_refused() {
    let vault = Vault::open_in_memory(&common::key(KEY), Options::default()).expect("open");
    let tokens = populate(&vault, 3);
    for t in &tokens {
        vault.forget_subject(&dpo(), &Lookup::token(t)).expect("forget");
    }
    let entries: Vec<Value> =
        vault.export_erasure_ledger(&dpo()).expect("ledger").entries.iter().map(|e| json!(e)).collect();
    let mut edits = Vec::new();
    for (field, value) in [("erased_ms", json!(1)), ("subject", json!("00".repeat(32))), ("seq", json!(7))] {
        let mut changed = entries.clone();
        changed[1][field] = value;
        edits.push(changed);
    }
    edits.push(vec![entries[0].clone(), entries[2].clone()]); // one removed
    edits.push(vec![entries[1].clone(), entries[0].clone(), entries[2].clone()]); // reordered
    for changed in edits {
        let e = vault.reapply_erasures(&dpo(), changed).expect_err("changed");
        assert_eq!(e.kind(), ErrorKind::Integrity, "{e}");
    }
    let other = Vault::open_in_memory(&common::key(KEY + 1), Options::default()).expect("other");
    assert_eq!(other.reapply_erasures(&dpo(), entries.clone()).expect_err("foreign").kind(), ErrorKind::Integrity);
    for malformed in [
        json!({"seq": 1}),
        json!("text"),
        json!({"seq": 1, "subject": "zz", "indexes": [], "erased_ms": 0, "mac": "zz", "more": 1}),
    ] {
        let e = vault.reapply_erasures(&dpo(), vec![malformed]).expect_err("malformed");
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }
    assert_eq!(vault.reapply_erasures(&dpo(), entries).expect("the real one").erased, 0);
}

#[test]
fn the_open_report_compares_the_head_with_the_anchor() {
    let tv = common::temp_vault();
    let vault = common::open(&tv.path, KEY);
    populate(&vault, 2);
    let head = vault.get_audit_head().expect("head");
    vault.close().expect("close");
    let state = |anchor: Option<AuditHead>| {
        let options = match anchor {
            Some(a) => Options::default().audit_anchor(a),
            None => Options::default(),
        };
        let vault = Vault::open(&tv.path, &common::key(KEY), options).expect("open");
        let report = vault.open_report().expect("report");
        vault.close().expect("close");
        report.audit_anchor
    };
    assert_eq!(state(None), None);
    assert_eq!(state(Some(head.clone())).as_deref(), Some("matches"));
    let earlier = AuditHead { seq: 0, hash: "00".repeat(32) };
    assert_eq!(state(Some(earlier)).as_deref(), Some("ahead"));
    let later = AuditHead { seq: head.seq + 5, hash: "11".repeat(32) };
    assert_eq!(state(Some(later)).as_deref(), Some("behind"));
    let rewritten = AuditHead { seq: head.seq, hash: "22".repeat(32) };
    assert_eq!(state(Some(rewritten)).as_deref(), Some("diverged"));
    let bad = Options::default().audit_anchor(AuditHead { seq: 1, hash: "xyz".into() });
    assert_eq!(Vault::open(&tv.path, &common::key(KEY), bad).expect_err("bad").kind(), ErrorKind::InvalidInput);
}

/// Child entry point: re-apply the ledger in BL_LEDGER to the vault at BL_PATH, printing when done.
#[test]
#[ignore = "child process entry point, run by `a_reapplication_killed_midway_leaves_nothing_half_done`"]
fn reapply_child() {
    let path = std::env::var("BL_PATH").expect("BL_PATH");
    let entries: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(std::env::var("BL_LEDGER").expect("ledger")).expect("read"))
            .expect("json");
    let vault = common::open(Path::new(&path), KEY);
    println!("start");
    let report = vault.reapply_erasures(&dpo(), entries).expect("reapply");
    println!("done {}", report.erased);
}

#[test]
fn a_reapplication_killed_midway_leaves_nothing_half_done() {
    let tv = common::temp_vault();
    let backup = tv.dir.path().join("backup.db");
    let vault = common::open(&tv.path, KEY);
    let tokens = populate(&vault, 400);
    vault.close().expect("close");
    copy_vault(&tv.path, &backup);
    let vault = common::open(&tv.path, KEY);
    let lookups: Vec<Lookup> = tokens.iter().map(Lookup::token).collect();
    vault.forget_subjects(&dpo(), &lookups).expect("forget");
    let entries: Vec<Value> =
        vault.export_erasure_ledger(&dpo()).expect("ledger").entries.iter().map(|e| json!(e)).collect();
    vault.close().expect("close");
    let ledger_file = tv.dir.path().join("ledger.json");
    std::fs::write(&ledger_file, serde_json::to_string(&entries).expect("json")).expect("write");
    let mut rng = common::Rng::from_time();
    for round in 0..5 {
        copy_vault(&backup, &tv.path);
        let mut child = common::child(
            "reapply_child",
            &[("BL_PATH", tv.path.display().to_string()), ("BL_LEDGER", ledger_file.display().to_string())],
        )
        .spawn()
        .expect("spawn");
        std::thread::sleep(Duration::from_millis(20 + rng.below(400)));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        // All or nothing: every subject is back, or none is.
        let vault = common::open(&tv.path, KEY);
        let back = tokens.iter().filter(|t| vault.get_subject(&dpo(), &Lookup::token(*t)).is_ok()).count();
        assert!(back == 0 || back == tokens.len(), "round {round}: {back} of {} came back after a kill", tokens.len());
        // Running it again finishes the work.
        let report = vault.reapply_erasures(&dpo(), entries.clone()).expect("again");
        assert_eq!(report.erased as usize, back);
        assert!(tokens.iter().all(|t| vault.get_subject(&dpo(), &Lookup::token(t)).is_err()));
        vault.verify_audit(None).expect("verifies");
        vault.close().expect("close");
    }
}
