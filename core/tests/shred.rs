//! Shredding old audit details: the details of events older than the rule go (their hash stays),
//! the chain still verifies, listings and exports say so, the removed bytes leave the file, a
//! later run starts where the last stopped, and the purge applies the vault's rule.

mod common;

use std::path::Path;

use bunkerlite::{Caller, ErrorKind, Lookup, Options, PageRequest, Vault};
use serde_json::json;

const KEY: u8 = 41;
const T: i64 = 1_800_000_000_000;
const DAY: i64 = 86_400_000;

fn open_at(path: &Path, clock_ms: i64, retention_days: Option<u32>) -> Vault {
    let mut options = Options::default().manual_clock_ms(clock_ms);
    if let Some(days) = retention_days {
        options = options.audit_details_retention_days(days);
    }
    Vault::open(path, &common::key(KEY), options).expect("open")
}

fn dpo() -> Caller {
    common::c("admin:dpo")
}

/// Every event with details asked for, newest first.
fn events(vault: &Vault, subject: Option<&str>) -> Vec<bunkerlite::AuditEvent> {
    let mut out = Vec::new();
    let mut page = PageRequest::first(500);
    loop {
        let listed = vault.list_audit_events(&dpo(), subject, &page, true).expect("list");
        out.extend(listed.items);
        match listed.next {
            Some(next) => page = PageRequest::after(next, 500),
            None => return out,
        }
    }
}

#[test]
fn old_details_are_shredded_and_the_chain_still_verifies() {
    let tv = common::temp_vault();
    let vault = open_at(&tv.path, T, None);
    let ann = vault.create_subject(&dpo(), json!({"email": "ann.shred@example.org", "name": "Ann"})).expect("ann");
    for i in 0..3 {
        vault.update_subject(&dpo(), &Lookup::token(&ann), json!({"name": format!("Ann {i}")})).expect("update");
    }
    vault.close().expect("close");
    // The sealed details of the old events, as the file holds them.
    let old_details: Vec<Vec<u8>> = {
        let c = common::raw(&tv.path);
        let mut stmt = c.prepare("SELECT details FROM audit WHERE details IS NOT NULL").expect("sql");
        let rows = stmt.query_map([], |r| r.get(0)).expect("query").collect::<Result<Vec<_>, _>>().expect("rows");
        rows
    };
    assert!(old_details.len() >= 3);

    let vault = open_at(&tv.path, T + 31 * DAY, None);
    vault.update_subject(&dpo(), &Lookup::token(&ann), json!({"name": "Ann Recent"})).expect("update");
    let report = vault.shred_audit_details(&dpo(), Some(json!({"older_than_days": 30}))).expect("shred");
    assert_eq!(report.events, old_details.len() as u64);
    assert_eq!(report.shreddable_from, 1, "a vault made by this build shreds from its first event");
    assert_eq!(report.cutoff_ms, T + DAY);
    assert_eq!(report.batches, 1);
    let verified = vault.verify_audit(None).expect("the chain verifies after shredding");

    let listed = events(&vault, Some(&ann));
    let shredded = listed.iter().filter(|e| e.details_shredded).count();
    assert_eq!(shredded, old_details.len());
    assert!(listed.iter().filter(|e| e.details_shredded).all(|e| e.details.is_none() && !e.details_erased));
    let recent = listed.iter().find(|e| e.action == "subject.update" && e.time_ms == T + 31 * DAY).expect("recent");
    assert!(recent.details.is_some() && !recent.details_shredded, "the recent change keeps its details");
    // Without details asked for, nothing is said about them.
    let plain = vault.list_audit_events(&dpo(), Some(&ann), &PageRequest::first(100), false).expect("list");
    assert!(plain.items.iter().all(|e| !e.details_shredded));
    // The subject's export says the same.
    let export =
        serde_json::to_value(vault.export_subject(&dpo(), &Lookup::token(&ann)).expect("export")).expect("json");
    let trail = export["audit"].as_array().expect("audit section");
    assert_eq!(trail.iter().filter(|e| e["details_shredded"] == json!(true)).count(), old_details.len());
    // The shredding is on the record, naming the last event it covered.
    let all = events(&vault, None);
    let shred = all.iter().find(|e| e.action == "audit.shred").expect("audit.shred event");
    assert_eq!(shred.outcome, "ok");

    // A second run finds nothing more to do, and starts where the first stopped.
    let again = vault.shred_audit_details(&dpo(), Some(json!({"older_than_days": 30}))).expect("again");
    assert_eq!(again.events, 0);
    assert_eq!(again.through_seq, report.through_seq);
    assert!(vault.verify_audit(None).expect("verifies").events > verified.events);

    // The removed bytes leave the file once it is compacted.
    vault.compact(&dpo()).expect("compact");
    vault.close().expect("close");
    let bytes = common::all_bytes(&tv.path);
    for d in &old_details {
        assert!(!common::contains(&bytes, d), "shredded details are still in the file");
    }
    let vault = open_at(&tv.path, T + 32 * DAY, None);
    vault.verify_audit(None).expect("verifies after reopening");
    vault.close().expect("close");
}

#[test]
fn the_purge_applies_the_vaults_rule_in_batches() {
    let tv = common::temp_vault();
    let vault = open_at(&tv.path, T, Some(7));
    let bo = vault.create_subject(&dpo(), json!({"email": "bo.shred@example.org"})).expect("bo");
    for i in 0..2_100 {
        vault.update_subject(&dpo(), &Lookup::token(&bo), json!({"n": i})).expect("update");
    }
    // Nothing is old enough yet.
    assert_eq!(vault.purge(&dpo()).expect("purge").audit_details_shredded, 0);
    vault.close().expect("close");

    let vault = open_at(&tv.path, T + 8 * DAY, Some(7));
    let purged = vault.purge(&dpo()).expect("purge");
    assert_eq!(purged.audit_details_shredded, 2_100, "every change's (a creation has none)");
    vault.verify_audit(None).expect("verifies");
    assert!(events(&vault, Some(&bo)).iter().filter(|e| e.action == "subject.update").all(|e| e.details_shredded));
    // Three batches, three recorded shreddings.
    let shreds = events(&vault, None).into_iter().filter(|e| e.action == "audit.shred" && e.time_ms == T + 8 * DAY);
    assert_eq!(shreds.count(), 3);
    // On demand, the rule is the vault's unless the call names another.
    assert_eq!(vault.shred_audit_details(&dpo(), None).expect("shred").events, 0);
    vault.close().expect("close");
}

#[test]
fn a_shredding_stops_at_the_first_event_not_old_enough() {
    let tv = common::temp_vault();
    let vault = open_at(&tv.path, T + 10 * DAY, None);
    let cy = vault.create_subject(&dpo(), json!({"email": "cy.shred@example.org"})).expect("cy");
    vault.close().expect("close");
    // The clock set back: a later event older than the earlier one.
    let vault = open_at(&tv.path, T, None);
    vault.update_subject(&dpo(), &Lookup::token(&cy), json!({"n": 1})).expect("update");
    vault.close().expect("close");
    let vault = open_at(&tv.path, T + 13 * DAY, None);
    let report = vault.shred_audit_details(&dpo(), Some(json!({"older_than_days": 5}))).expect("shred");
    assert_eq!(report.events, 0, "the first event is not old enough: nothing after it is shredded");
    let report = vault.shred_audit_details(&dpo(), Some(json!({"older_than_days": 2}))).expect("shred");
    assert_eq!(report.events, 1, "the change's (a creation has no details)");
    vault.verify_audit(None).expect("verifies");
    vault.close().expect("close");
}

#[test]
fn bad_rules_are_refused() {
    let vault = Vault::open_in_memory(&common::key(KEY), Options::default()).expect("open");
    for options in [
        Some(json!({"older_than_days": 0})),
        Some(json!({"older_than_days": 36_501})),
        Some(json!({"older_than_days": -1})),
        Some(json!({"older_than_days": "30"})),
        Some(json!({"older_than": 30})),
        None,
    ] {
        let e = vault.shred_audit_details(&dpo(), options.clone()).expect_err("refused");
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{options:?}");
    }
    let refused = events(&vault, None);
    assert!(refused.iter().any(|e| e.action == "audit.shred" && e.outcome == "INVALID_INPUT"));
    for days in [0, 36_501] {
        let e = Vault::open_in_memory(&common::key(KEY), Options::default().audit_details_retention_days(days))
            .expect_err("refused");
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }
    let options = Options::from_json(json!({"audit_details_retention_days": 90})).expect("from JSON");
    assert_eq!(options.audit_details_retention_days, Some(90));
}
