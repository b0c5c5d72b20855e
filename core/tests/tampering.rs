//! Someone who can write the closed vault file (plain SQLite) but holds no key: every row that
//! decides a permission or keeps a promise is authenticated, so each edit below — each one a
//! path to a permission or a broken promise before format 6 — is `INTEGRITY` on the read that
//! meets it or in `verify_audit`, never a permission.
//!
//! The schema-driven sweep (every table, every column of a representative row, changed,
//! deleted and duplicated) is `sweep.rs`; these are the attacks, written out.

mod common;

use bunkerlite::{AuditHead, ErrorKind, Lookup, Options, PageRequest, Vault};
use common::{c, open, raw, temp_vault};
use serde_json::json;

fn integrity<T: std::fmt::Debug>(what: &str, r: bunkerlite::Result<T>) {
    match r {
        Err(e) => assert_eq!(e.kind(), ErrorKind::Integrity, "{what}: {e}"),
        Ok(v) => panic!("{what}: the edit went unnoticed: {v:?}"),
    }
}

fn purpose(p: &str) -> bunkerlite::Caller {
    c("app:web").with_purpose(p).expect("purpose")
}

/// A vault with a consent basis and an activity relying on it alone, a donor who consented and a
/// victim who refused; their tokens and the chain head.
fn consented() -> (common::TempVault, String, String, AuditHead) {
    let tv = temp_vault();
    let v = open(&tv.path, 1);
    let admin = c("admin:dpo");
    v.set_legal_basis(&admin, "newsletter", json!({"type": "consent", "short_description": "News"})).expect("basis");
    v.set_legal_basis(&admin, "orders", json!({"type": "contract"})).expect("basis");
    v.set_activity(&admin, "marketing", json!({"operations": ["read"], "legal_bases": ["newsletter"]}))
        .expect("activity");
    let app = c("app");
    let donor = v.create_subject(&app, json!({"email": "donor@example.org"})).expect("donor");
    let victim = v.create_subject(&app, json!({"email": "victim@example.org"})).expect("victim");
    v.give_consent(&app, &Lookup::token(&donor), "newsletter", None).expect("give");
    v.give_consent(&app, &Lookup::token(&victim), "newsletter", Some(json!({"status": "refused"}))).expect("refuse");
    v.update_subject(&app, &Lookup::token(&donor), json!({"name": "Donor"})).expect("details");
    let head = v.get_audit_head().expect("head");
    v.close().expect("close");
    (tv, donor, victim, head)
}

#[test]
fn swapping_two_subjects_row_ids_grants_nothing() {
    let (tv, donor, victim, head) = consented();
    {
        let db = raw(&tv.path);
        // Swap the integer ids of the two subjects, and of their index rows, through a free id.
        db.execute_batch(
            "UPDATE subjects SET id = -1 WHERE id = 1; UPDATE subjects SET id = 1 WHERE id = 2;
             UPDATE subjects SET id = 2 WHERE id = -1;
             UPDATE subject_index SET subject_id = -1 WHERE subject_id = 1;
             UPDATE subject_index SET subject_id = 1 WHERE subject_id = 2;
             UPDATE subject_index SET subject_id = 2 WHERE subject_id = -1;",
        )
        .expect("swap");
    }
    let v = open(&tv.path, 1);
    let victim_lookup = Lookup::token(&victim);
    integrity("read of the victim under consent", v.get_subject(&purpose("marketing"), &victim_lookup));
    integrity("by email", v.get_subject(&purpose("marketing"), &Lookup::email("victim@example.org")));
    integrity("can_process", v.can_process(&victim_lookup, "marketing", None));
    integrity(
        "the victim's audit listing",
        v.list_audit_events(&c("admin"), Some(&victim), &PageRequest::default(), true),
    );
    integrity("verify_audit with the anchor", v.verify_audit(Some(&head)));
    let _ = donor;
}

#[test]
fn the_catalogue_cannot_be_edited_into_a_permission() {
    let edits = [
        ("a consent basis turned into a contract", "UPDATE legal_bases SET type = 2 WHERE brief = 'newsletter'"),
        ("an activity widened", "UPDATE activities SET operations = 31"),
        (
            "an activity linked to another basis",
            "INSERT INTO activity_bases (activity_id, basis_id) SELECT a.id, b.id FROM activities a, legal_bases b
             WHERE b.brief = 'orders'",
        ),
        ("a revocation for everyone reset", "UPDATE legal_bases SET revoked_through = 0"),
        ("every activity deleted (enforcement off)", "DELETE FROM activity_bases; DELETE FROM activities"),
        ("a notice text rewritten", "UPDATE notices SET text = replace(text, 'News', 'Olds')"),
        (
            "a notice hash rewritten with its text",
            "UPDATE notices SET text = replace(text, 'News', 'Olds'), sha256 = zeroblob(32)",
        ),
        ("the catalogue's MAC deleted", "DELETE FROM meta WHERE name = 'catalogue_mac'"),
    ];
    for (what, sql) in edits {
        let (tv, _, victim, _) = consented();
        {
            let v = open(&tv.path, 1);
            v.revoke_legal_basis(&c("admin"), "newsletter").expect("revoke for everyone");
            v.close().expect("close");
        }
        raw(&tv.path).execute_batch(sql).expect(what);
        let v = open(&tv.path, 1);
        // Never a permission: refused as before, or (the catalogue being read) INTEGRITY.
        let read = v.get_subject(&purpose("marketing"), &Lookup::token(&victim)).expect_err(what);
        assert!(matches!(read.kind(), ErrorKind::Integrity | ErrorKind::ConsentRequired), "{what}: {read}");
        if !what.starts_with("a notice text") {
            assert_eq!(read.kind(), ErrorKind::Integrity, "{what}: {read}");
        }
        integrity(what, v.list_legal_bases());
        integrity(what, v.verify_audit(None));
    }
}

#[test]
fn an_expired_token_is_not_revived_by_its_row() {
    let tv = temp_vault();
    let v = Vault::open(&tv.path, &common::key(1), Options::default().manual_clock_ms(1_000_000)).expect("open");
    let app = c("app");
    let cvv = v.tokenize(&app, "123", Some(json!({"kind": "transient", "ttl_ms": 1000}))).expect("cvv");
    let once = v.tokenize(&app, "456", Some(json!({"once": true}))).expect("once");
    v.close().expect("close");
    let later = Options::default().manual_clock_ms(10_000_000);
    for (what, sql, token) in [
        ("expiry cleared", "UPDATE tokens SET expires_ms = NULL", &cvv),
        ("expiry moved", "UPDATE tokens SET expires_ms = 99999999999999", &cvv),
        ("ttl changed", "UPDATE tokens SET ttl_ms = 5", &cvv),
        ("created moved", "UPDATE tokens SET created_ms = 5", &cvv),
        ("MAC cleared", "UPDATE tokens SET mac = NULL", &once),
    ] {
        let copy = tv.dir.path().join(format!("copy-{}.db", what.replace(' ', "-")));
        std::fs::copy(&tv.path, &copy).expect("copy");
        raw(&copy).execute_batch(sql).expect(what);
        let v = Vault::open(&copy, &common::key(1), later.clone()).expect("open");
        integrity(what, v.detokenize(&app, token, None));
        integrity(what, v.verify_audit(None));
    }
}

#[test]
fn the_consent_history_and_the_outbox_keep_their_promises() {
    let history_edits = [
        ("a refusal deleted from the middle of a history", "DELETE FROM agreements WHERE seq = 2"),
        ("a decision edited", "UPDATE agreements SET decision = 1 WHERE seq = 2"),
        ("a decision's chain link cleared", "UPDATE agreements SET prev_mac = zeroblob(32) WHERE seq = 3"),
    ];
    let setup = |tv: &common::TempVault| {
        let v = open(&tv.path, 1);
        let admin = c("admin:dpo");
        v.set_legal_basis(&admin, "newsletter", json!({"type": "consent"})).expect("basis");
        let app = c("app");
        let ann = v.create_subject(&app, json!({"email": "ann@example.org"})).expect("ann");
        let who = Lookup::token(&ann);
        v.give_consent(&app, &who, "newsletter", None).expect("give");
        v.give_consent(&app, &who, "newsletter", Some(json!({"status": "refused"}))).expect("refuse");
        v.give_consent(&app, &who, "newsletter", None).expect("give again");
        v.withdraw_consent(&app, &who, "newsletter", None).expect("withdraw");
        v.close().expect("close");
        ann
    };
    for (what, sql) in history_edits {
        let tv = temp_vault();
        let ann = setup(&tv);
        raw(&tv.path).execute_batch(sql).expect(what);
        let v = open(&tv.path, 1);
        integrity(what, v.export_consent_receipt(&c("app"), &Lookup::token(&ann)));
        integrity(what, v.verify_audit(None));
    }
    let outbox_edits = [
        ("an event deleted from the middle", "DELETE FROM consent_outbox WHERE seq = 2", true),
        ("the withdrawal (the newest event) deleted", "DELETE FROM consent_outbox WHERE seq = 4", false),
        ("an event edited", "UPDATE consent_outbox SET event = 1 WHERE seq = 4", true),
        (
            "an event planted",
            "INSERT INTO consent_outbox (seq, subject_id, subject, event, time_ms, prev_seq, prev_mac, mac, link)
          SELECT 5, subject_id, subject, 1, time_ms, 4, mac, mac, link FROM consent_outbox WHERE seq = 4",
            true,
        ),
        ("every event deleted", "DELETE FROM consent_outbox", false),
    ];
    for (what, sql, on_read) in outbox_edits {
        let tv = temp_vault();
        setup(&tv);
        raw(&tv.path).execute_batch(sql).expect(what);
        let v = open(&tv.path, 1);
        let read = v.list_consent_events(&c("app"), None, &PageRequest::default());
        if on_read {
            integrity(what, read);
        }
        integrity(what, v.verify_audit(None));
    }
    // A consumer's mark moved forward (to skip the withdrawal), or the consumer deleted.
    for (what, sql) in [
        ("a consumer's mark moved forward", "UPDATE consent_consumers SET acked = 4"),
        ("a consumer deleted", "DELETE FROM consent_consumers"),
    ] {
        let tv = temp_vault();
        setup(&tv);
        {
            let v = open(&tv.path, 1);
            let page = v.list_consent_events(&c("app"), None, &PageRequest::first(1)).expect("registers");
            v.ack_consent_events(&c("app"), &page.items[0].cursor, None).expect("ack");
            v.close().expect("close");
        }
        raw(&tv.path).execute_batch(sql).expect(what);
        let v = open(&tv.path, 1);
        integrity(what, v.list_consent_events(&c("app"), None, &PageRequest::default()));
        integrity(what, v.verify_audit(None));
    }
}

#[test]
fn erasure_and_acknowledgement_keep_the_outbox_whole() {
    let tv = temp_vault();
    let v = open(&tv.path, 1);
    v.set_legal_basis(&c("admin"), "newsletter", json!({"type": "consent"})).expect("basis");
    let app = c("app");
    let people: Vec<String> = (0..6).map(|i| v.create_subject(&app, json!({"n": i})).expect("create")).collect();
    for p in &people {
        v.give_consent(&app, &Lookup::token(p), "newsletter", None).expect("give");
    }
    let first = v.list_consent_events(&app, Some("crm"), &PageRequest::first(2)).expect("events");
    v.ack_consent_events(&app, &first.items[1].cursor, Some("crm")).expect("ack");
    // Erasing subjects whose events are pending (one of them the first kept) links past them.
    v.forget_subject(&app, &Lookup::token(&people[2])).expect("erase");
    v.forget_subject(&app, &Lookup::token(&people[3])).expect("erase");
    v.forget_subject(&app, &Lookup::token(&people[5])).expect("erase");
    let rest = v.list_consent_events(&app, Some("crm"), &PageRequest::default()).expect("events after erasures");
    let kinds: Vec<&str> = rest.items.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(kinds, ["given", "erased", "erased", "erased"]);
    v.ack_consent_events(&app, &rest.items[2].cursor, Some("crm")).expect("ack");
    let report = v.verify_audit(None).expect("whole");
    assert_eq!(report.outbox_events, 1);
    v.close().expect("close");
    let v = open(&tv.path, 1);
    assert_eq!(v.list_consent_events(&app, Some("crm"), &PageRequest::default()).expect("events").total, 1);
}
