//! Erasure completeness: a subject holding every kind of data the vault keeps — a profile, app
//! documents, sessions, shares, tokens (vaulted and in free text), consent decisions, audit
//! events with details, an export — is erased; afterwards no row of it remains in any table
//! except the PII-free facts (the fact of the erasure, the audit chain's events whose sealed
//! details nobody can open any more, the `erased` outbox event, the erasure ledger's keyed
//! hashes), and no encoding of any of its canaries is in the file or its WAL. Another subject
//! stays whole. The table list is read from the file, so a table a later format adds is checked
//! without editing this test.

mod common;

use bunkerlite::{ErrorKind, Lookup, PageRequest};
use serde_json::json;

/// The tables that may keep rows naming an erased subject, and why.
const FACTS: &[(&str, &str)] = &[
    ("erased", "the fact of the erasure: token, row id and time"),
    ("audit", "the chain's events: who did what when; their details sealed under the shredded key"),
    ("audit_subjects", "the audit's index by subject (row ids and sequence numbers)"),
    ("consent_outbox", "the one `erased` event downstream systems are told of"),
];

fn canary(field: &str) -> String {
    format!("ErCompl{field}Zq")
}

#[test]
fn an_erased_subject_leaves_only_pii_free_facts() {
    let tv = common::temp_vault();
    let vault = common::open(&tv.path, 17);
    let app = common::c("app:web");
    let dpo = common::c("admin:dpo");
    let canaries: Vec<String> = [
        "mail", "name", "street", "note", "ship", "bill", "sess", "sessid", "card", "text", "ref", "after", "request",
        "reason",
    ]
    .iter()
    .map(|f| canary(f))
    .collect();
    let ann = vault
        .create_subject(
            &app,
            json!({"email": format!("{}@example.org", canaries[0]), "name": canaries[1],
                   "address": {"street": canaries[2]}}),
        )
        .expect("ann");
    let bob = vault.create_subject(&app, json!({"email": "bob@example.org", "name": "Bob Stays"})).expect("bob");
    let l = Lookup::token(&ann);
    vault.update_subject(&app, &l, json!({"note": canaries[3]})).expect("update");
    vault.update_subject(&app, &l, json!({"note": canaries[11]})).expect("update again");
    vault.put_app_document(&app, &l, "shipping", json!({"street": canaries[4]})).expect("app");
    vault.put_app_document(&app, &l, "billing", json!({"iban": canaries[5]})).expect("app");
    vault.update_app_document(&app, &l, "billing", json!({"vat": "DE1"})).expect("app update");
    let sid = format!("{}-0123456789", canaries[7]);
    vault.set_session(&app, json!({"cart": canaries[6]}), Some(json!({"id": sid, "subject": ann}))).expect("session");
    vault.set_session(&app, json!({"x": 1}), Some(json!({"subject": ann}))).expect("generated session");
    vault.create_share(&dpo, &l, Some(json!({"of": "profile", "fields": ["name"], "partner": "courier"}))).expect("s");
    let share =
        vault.create_share(&dpo, &l, Some(json!({"of": "app", "app": "shipping", "all_fields": true}))).expect("s");
    vault.resolve_share(&app, &share.id, None).expect("resolve");
    let card = vault.tokenize(&app, &canaries[8], Some(json!({"subject": ann}))).expect("token");
    vault
        .tokenize_text(&app, &format!("write to {}@example.org", canaries[9]), Some(json!({"subject": ann})))
        .expect("text");
    vault.set_legal_basis(&dpo, "newsletter", json!({"type": "consent"})).expect("basis");
    vault.give_consent(&app, &l, "newsletter", Some(json!({"reference": canaries[10]}))).expect("consent");
    vault.withdraw_consent(&app, &l, "newsletter", None).expect("withdraw");
    vault.give_consent(&app, &Lookup::token(&bob), "newsletter", None).expect("bob consents");
    // Requests: a rectification proposing a canary, one denied with a canary reason; a
    // restriction of processing lifted after the export (an export is the subject's own).
    let proposal = json!({"kind": "rectify", "patch": {"note": canaries[12]}, "note": canaries[12]});
    vault.create_request(&app, &l, Some(proposal)).expect("request");
    let object = vault.create_request(&app, &l, Some(json!({"kind": "object"}))).expect("request");
    vault.deny_request(&dpo, &object.id, "other", Some(&canaries[13])).expect("deny");
    vault.restrict_processing(&dpo, &l).expect("restrict");
    let export = tv.dir.path().join("ann-export.json");
    vault.export_subject_to_file(&dpo, &l, export.to_str().expect("path")).expect("export");
    std::fs::remove_file(&export).expect("the export is the application's file");
    vault.lift_restriction(&dpo, &l).expect("lift");
    vault.restrict_processing(&dpo, &l).expect("restrict again: erased with the subject");
    vault.lift_restriction(&dpo, &l).expect("lift for the read below");
    vault.get_subject(&app, &l).expect("read");
    vault.flush_audit().expect("flush");
    let sid_row: i64 = common::raw(&tv.path)
        .query_row(
            "SELECT id FROM subjects WHERE token = ?1",
            [uuid::Uuid::parse_str(&ann).expect("uuid").as_bytes().as_slice()],
            |r| r.get(0),
        )
        .expect("ann's row id");

    let receipt = vault.forget_subject(&dpo, &l).expect("forget");
    assert!(receipt.residue_scrubbed);
    for area in ["tokens", "consent", "apps", "sessions", "shares", "requests", "audit_details"] {
        assert!(receipt.removed_by_area[area] > 0, "the receipt counts {area}: {:?}", receipt.removed_by_area);
    }
    // Through the API: nothing of Ann answers, Bob is whole.
    assert_eq!(vault.get_subject(&app, &l).expect_err("erased").kind(), ErrorKind::Erased);
    assert_eq!(vault.detokenize(&app, &card, None).expect_err("token").kind(), ErrorKind::NotFound);
    assert_eq!(vault.get_session(&app, &sid).expect_err("session").kind(), ErrorKind::NotFound);
    assert_eq!(vault.resolve_share(&app, &share.id, None).expect_err("share").kind(), ErrorKind::NotFound);
    let page = vault.list_audit_events(&dpo, Some(&ann), &PageRequest::first(1000), true).expect("audit");
    assert!(page.items.iter().all(|e| e.details.is_none()), "no details of an erased subject open");
    assert_eq!(vault.get_subject(&app, &Lookup::token(&bob)).expect("bob").profile["name"], "Bob Stays");
    assert_eq!(vault.export_erasure_ledger(&dpo).expect("ledger").entries.len(), 1);
    vault.verify_audit(None).expect("the chain verifies");
    vault.close().expect("close");

    // In the file: every table with a subject column holds no row of Ann but the facts.
    let raw = common::raw(&tv.path);
    let tables: Vec<String> = raw
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("names");
    let mut checked = 0;
    for table in &tables {
        let columns: Vec<String> = raw
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .expect("columns")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("names");
        if !columns.iter().any(|c| c == "subject_id") {
            continue;
        }
        checked += 1;
        let n: i64 = raw
            .query_row(&format!("SELECT count(*) FROM \"{table}\" WHERE subject_id = ?1"), [sid_row], |r| r.get(0))
            .expect("count");
        if n > 0 {
            assert!(
                FACTS.iter().any(|(t, _)| table == t || table.starts_with(&format!("{t}_"))),
                "{n} rows of the erased subject remain in {table}"
            );
        }
    }
    assert!(checked >= 10, "the tables with a subject column were found ({checked})");
    drop(raw);
    common::assert_absent(&common::all_bytes(&tv.path), &canaries, "after the erasure");
}
