//! The file format is a promise: every format a released bunkerlite wrote is committed here as a
//! fixture vault (`fixtures/v<N>.db`, with `fixtures/v<N>.json` holding its key and what it
//! must read back), and every later version must open it (migrating a copy) and read exactly
//! that back, with a verifying audit chain.
//!
//! `BUNKERLITE_WRITE_FIXTURE=1 cargo test -p bunkerlite --test fixtures` writes the fixture of
//! the current format if it does not exist yet; an existing fixture is never rewritten.

mod common;

use std::path::{Path, PathBuf};

use bunkerlite::{AuditHead, Caller, ErrorKind, Lookup, MasterKey, Options, PageRequest, Vault};
use serde_json::{json, Value};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
/// The current format (the schema's `user_version`).
const CURRENT: u32 = 12;
/// The clock the fixtures of format 8 on were written (and are checked) at.
const FIXTURE_CLOCK_MS: i64 = 1_800_000_000_000;
const KEY_HEX: &str = "4242424242424242424242424242424242424242424242424242424242424242";

fn fixture(version: u32, ext: &str) -> PathBuf {
    Path::new(DIR).join(format!("v{version}.{ext}"))
}

fn write_fixture(db: &Path, manifest: &Path) {
    write_fixture_at(db.to_str().expect("utf-8"), CURRENT, manifest);
}

/// Write a vault at `location` (a file, or a PostgreSQL URL) with a bit of everything every format
/// added, and its manifest (`format` is the backend's format number).
fn write_fixture_at(location: &str, format: u32, manifest: &Path) {
    let db = location;
    let key = MasterKey::from_hex(KEY_HEX).expect("key");
    // Format 5: a small index batch, so the audit's index by subject holds several runs.
    // Format 8: a fixed clock, so the sessions' expiry (at most 400 days ahead) is the same
    // whenever the fixture is checked (the manifest names the clock).
    let options =
        Options::default().indexed_fields(["customer_id"]).audit_index_batch(3).manual_clock_ms(FIXTURE_CLOCK_MS);
    let vault = Vault::open(db, &key, options).expect("create");
    let signup = Caller::new("app:signup").expect("actor");
    let ann = vault
        .create_subject(
            &signup,
            json!({"email": "Ann.Fixture@Example.com", "phone": "+49 30 901820", "login": "ann", "customer_id": "C-1",
                   "name": "Ann Fixture", "address": {"city": "Berlin", "zip": "10115"}}),
        )
        .expect("ann");
    let bob = vault.create_subject(&signup, json!({"email": "bob.fixture@example.org", "name": "Bob"})).expect("bob");
    let eve = vault.create_subject(&signup, json!({"email": "eve.fixture@example.net"})).expect("eve");
    let crm = Caller::new("app:crm").expect("actor").with_purpose("support").expect("purpose");
    vault.update_subject(&crm, &Lookup::token(&ann), json!({"name": "Ann F. Ixture"})).expect("update");
    vault.get_subject(&crm, &Lookup::email("bob.fixture@example.org")).expect("read");
    vault.forget_subject(&Caller::new("admin:dpo").expect("actor"), &Lookup::token(&eve)).expect("forget");
    // Format 3: tokens (linked and not, deterministic, with an expiry) and audit references.
    let pay = Caller::new("app:pay").expect("actor");
    let card_options = json!({"kind": "card", "keep_first": 6, "keep_last": 4, "expires_at_ms": 4_102_444_800_000_i64});
    let card = vault.tokenize(&pay, "4111111111111111", Some(card_options)).expect("card token");
    let email =
        vault.tokenize(&pay, "Ann.Fixture@Example.com", Some(json!({"kind": "email", "subject": ann}))).expect("email");
    let ssn = vault
        .tokenize(&pay, "123-45-6789", Some(json!({"deterministic": true, "scope": "hr"})))
        .expect("deterministic token");
    vault.detokenize(&crm, &card, None).expect("detokenize");
    // Format 4: consent — a basis with two notice versions, an activity, decisions (given under
    // version 1, refused, withdrawn and given again under version 2) and outbox events.
    let dpo = Caller::new("admin:dpo").expect("actor");
    vault
        .set_legal_basis(&dpo, "newsletter", json!({"type": "consent", "short_description": "News v1"}))
        .expect("basis");
    vault.set_legal_basis(&dpo, "orders", json!({"type": "contract", "short_description": "Orders"})).expect("basis");
    vault
        .set_activity(&dpo, "marketing", json!({"operations": ["read"], "legal_bases": ["newsletter"]}))
        .expect("activity");
    let subject = Caller::new("subject").expect("actor");
    vault
        .give_consent(
            &subject,
            &Lookup::token(&ann),
            "newsletter",
            Some(json!({"method": "web-form", "reference": "fixture-ref"})),
        )
        .expect("give");
    vault
        .give_consent(&subject, &Lookup::token(&bob), "newsletter", Some(json!({"status": "refused"})))
        .expect("refuse");
    vault.set_legal_basis(&dpo, "newsletter", json!({"short_description": "News v2"})).expect("notice v2");
    vault.withdraw_consent(&subject, &Lookup::token(&ann), "newsletter", None).expect("withdraw");
    vault.give_consent(&subject, &Lookup::token(&ann), "newsletter", None).expect("give again");
    // Format 6: text placeholders with their tags; an outbox consumer that acknowledged (and so
    // deleted) the first events; a subject with consent erased (its events linked past, an
    // `erased` event left); authenticated token rows, history and catalogue.
    let text = vault
        .tokenize_text(&pay, "mail ann.fixture@example.com or call +49 30 901820", Some(json!({"subject": ann})))
        .expect("text");
    let dan = vault.create_subject(&signup, json!({"email": "dan.fixture@example.org"})).expect("dan");
    vault.give_consent(&subject, &Lookup::token(&dan), "newsletter", None).expect("dan gives");
    let crm = Caller::new("app:crm").expect("actor");
    let first = vault.list_consent_events(&crm, Some("crm"), &PageRequest::first(2)).expect("events");
    vault.ack_consent_events(&crm, &first.items[1].cursor, Some("crm")).expect("ack");
    vault.forget_subject(&dpo, &Lookup::token(&dan)).expect("forget dan");
    let kept = vault.list_consent_events(&crm, Some("crm"), &PageRequest::first(100)).expect("events").total;
    // Format 7: app documents (one replaced, one patched, one deleted; one of an erased subject).
    let shop = Caller::new("app:shop").expect("actor");
    let ann_lookup = Lookup::token(&ann);
    vault
        .put_app_document(&shop, &ann_lookup, "shipping", json!({"street": "1 Main St", "city": "Berlin"}))
        .expect("app");
    vault
        .put_app_document(&shop, &ann_lookup, "shipping", json!({"street": "2 Side St", "city": "Berlin"}))
        .expect("app");
    vault.put_app_document(&shop, &ann_lookup, "billing", json!({"iban": "DE89370400440532013000"})).expect("app");
    vault.update_app_document(&shop, &ann_lookup, "billing", json!({"vat": "DE123456789"})).expect("app");
    vault.put_app_document(&shop, &Lookup::token(&bob), "wishlist", json!({"items": ["book"]})).expect("app");
    vault.delete_app_document(&shop, &Lookup::token(&bob), "wishlist").expect("app");
    vault.put_app_document(&shop, &Lookup::token(&bob), "shipping", json!({"city": "Lyon"})).expect("app");
    // Format 8: sessions (linked to a subject and not, one set twice, one deleted, one of an
    // erased subject).
    let web = Caller::new("app:web").expect("actor");
    let far = FIXTURE_CLOCK_MS + 300 * 86_400_000;
    let linked = json!({"id": "fixture-session-ann-0001", "subject": ann, "expires_at_ms": far});
    vault.set_session(&web, json!({"cart": [1]}), Some(linked.clone())).expect("session");
    vault.set_session(&web, json!({"cart": [1, 2]}), Some(linked)).expect("session again");
    let anon = json!({"id": "fixture-session-anon-0002", "expires_at_ms": far});
    vault.set_session(&web, json!({"theme": "dark"}), Some(anon)).expect("session");
    vault.set_session(&web, json!({"x": 1}), Some(json!({"id": "fixture-session-gone-0003"}))).expect("session");
    vault.delete_session(&web, "fixture-session-gone-0003").expect("delete session");
    let gus = vault.create_subject(&signup, json!({"email": "gus.fixture@example.org"})).expect("gus");
    vault
        .set_session(&web, json!({"y": 1}), Some(json!({"id": "fixture-session-gus-0004", "subject": gus})))
        .expect("s");
    vault.forget_subject(&dpo, &Lookup::token(&gus)).expect("forget gus");
    // Format 9: shares (a partner-bound one read once, an app document's, a revoked one).
    let six_days = FIXTURE_CLOCK_MS + 6 * 86_400_000;
    let spec = json!({"of": "profile", "fields": ["name", "address.city"], "partner": "fixture-partner",
                      "max_reads": 10, "expires_at_ms": six_days});
    let profile_share = vault.create_share(&dpo, &ann_lookup, Some(spec)).expect("share").id;
    vault.resolve_share(&web, &profile_share, Some("fixture-partner")).expect("resolve");
    let spec = json!({"of": "app", "app": "billing", "fields": ["vat"], "expires_at_ms": six_days});
    let app_share = vault.create_share(&dpo, &ann_lookup, Some(spec)).expect("share").id;
    let spec = json!({"of": "profile", "all_fields": true});
    let revoked = vault.create_share(&dpo, &ann_lookup, Some(spec)).expect("share").id;
    vault.revoke_share(&dpo, &revoked).expect("revoke");
    // Format 11: data-subject requests (one with two proposals, one extended, one denied, one
    // fulfilled by its approval), their outbox (the first events acknowledged) and a
    // restriction of processing (hal).
    let portal = Caller::new("portal:subject").expect("actor");
    let bob_lookup = Lookup::token(&bob);
    let rectify = json!({"kind": "rectify", "patch": {"address": {"zip": "10117"}}, "note": "we moved"});
    let rectify_id = vault.create_request(&portal, &ann_lookup, Some(rectify)).expect("request").id;
    let again = json!({"kind": "rectify", "patch": {"address": {"zip": "10119"}}, "verified": true});
    vault.create_request(&portal, &ann_lookup, Some(again)).expect("second proposal");
    let access = json!({"kind": "access", "regime": "ccpa"});
    let access_id = vault.create_request(&portal, &bob_lookup, Some(access)).expect("request").id;
    vault.start_request(&dpo, &access_id).expect("start");
    vault.extend_request(&dpo, &access_id, "archives to search").expect("extend");
    let object_id = vault.create_request(&portal, &ann_lookup, Some(json!({"kind": "object"}))).expect("request").id;
    vault.deny_request(&dpo, &object_id, "claim_not_covered", Some("no profiling")).expect("deny");
    let port = json!({"kind": "port", "verified": true});
    let port_id = vault.create_request(&portal, &bob_lookup, Some(port)).expect("request").id;
    vault.approve_request(&dpo, &port_id, None).expect("approve");
    let first_events = vault.list_request_events(&dpo, &PageRequest::first(2)).expect("request events");
    vault.ack_request_events(&dpo, &first_events.items[1].cursor).expect("ack");
    let request_events = vault.list_request_events(&dpo, &PageRequest::first(100)).expect("request events").total;
    let hal = vault.create_subject(&signup, json!({"email": "hal.fixture@example.org"})).expect("hal");
    vault.restrict_processing(&dpo, &Lookup::token(&hal)).expect("restrict hal");
    // Format 11 too: a scheduled erasure (far ahead of the fixture's clock), and one replaced.
    let far_erasure = FIXTURE_CLOCK_MS + 3_000 * 86_400_000;
    vault.schedule_erasure(&dpo, &bob_lookup, Some(json!({"ttl_ms": 86_400_000}))).expect("schedule");
    vault.schedule_erasure(&dpo, &bob_lookup, Some(json!({"expires_at_ms": far_erasure}))).expect("reschedule");
    // Format 12: the details of every event older than a day shredded by a retention rule,
    // two days later.
    vault.close().expect("close");
    let later = Options::default()
        .indexed_fields(["customer_id"])
        .audit_index_batch(3)
        .manual_clock_ms(FIXTURE_CLOCK_MS + 2 * 86_400_000);
    let vault = Vault::open(db, &key, later).expect("reopen two days later");
    let shredded = vault.shred_audit_details(&dpo, Some(json!({"older_than_days": 1}))).expect("shred").events;
    assert!(shredded > 0);
    // Format 10: the erasure ledger (every erasure above has its entry, with its index hashes).
    let ledger = vault.export_erasure_ledger(&dpo).expect("ledger");
    let with_indexes = ledger.entries.iter().filter(|e| !e.indexes.is_empty()).count();
    let head = vault.get_audit_head().expect("head");
    vault.close().expect("close");
    let manifest_json = json!({
        "format": format,
        "key": KEY_HEX,
        "options": {"indexed_fields": ["customer_id"], "audit_index_batch": 3},
        "manual_clock_ms": FIXTURE_CLOCK_MS,
        "subjects": [
            {"token": ann, "version": 2, "lookup": {"customer_id": "C-1"},
             "profile": {"email": "Ann.Fixture@Example.com", "phone": "+49 30 901820", "login": "ann", "customer_id": "C-1",
                         "name": "Ann F. Ixture", "address": {"city": "Berlin", "zip": "10115"}}},
            {"token": bob, "version": 1, "lookup": {"email": "BOB.fixture@example.org"},
             "profile": {"email": "bob.fixture@example.org", "name": "Bob"}},
        ],
        "erased": [eve, dan, gus],
        "tokens": [
            {"token": card, "value": "4111111111111111", "kind": "card", "expires_ms": 4_102_444_800_000_i64},
            {"token": email, "value": "Ann.Fixture@Example.com", "kind": "email", "subject": ann},
            {"token": ssn, "value": "123-45-6789", "kind": "uuid", "deterministic": {"scope": "hr"}},
        ],
        "consents": [
            {"subject": ann, "legal_basis": "newsletter", "status": "given", "notice_version": 2, "history": 3},
            {"subject": bob, "legal_basis": "newsletter", "status": "refused", "notice_version": 1, "history": 1},
        ],
        "outbox_events": kept,
        "apps": [
            {"subject": ann, "app": "billing", "version": 2,
             "document": {"iban": "DE89370400440532013000", "vat": "DE123456789"}},
            {"subject": ann, "app": "shipping", "version": 2, "document": {"street": "2 Side St", "city": "Berlin"}},
            {"subject": bob, "app": "shipping", "version": 1, "document": {"city": "Lyon"}},
        ],
        "app_names": ["billing", "shipping"],
        "sessions": [
            {"id": "fixture-session-ann-0001", "subject": ann, "data": {"cart": [1, 2]}, "version": 2},
            {"id": "fixture-session-anon-0002", "subject": null, "data": {"theme": "dark"}, "version": 1},
        ],
        "sessions_gone": ["fixture-session-gone-0003", "fixture-session-gus-0004"],
        "shares": [
            {"id": profile_share, "partner": "fixture-partner", "data": {"name": "Ann F. Ixture", "address": {"city": "Berlin"}},
             "reads_left": 8},
            {"id": app_share, "partner": null, "data": {"vat": "DE123456789"}, "reads_left": null},
        ],
        "shares_gone": [revoked],
        "texts": [{"text": text, "restored": "mail ann.fixture@example.com or call +49 30 901820"}],
        "audit_head": head,
        "audit_events": head.seq,
        "audit_shredded": shredded,
        "erasure_ledger": {"entries": ledger.entries.len(), "with_indexes": with_indexes},
        "requests": [
            {"id": rectify_id, "state": "open", "verified": true, "proposals": 2},
            {"id": access_id, "state": "in_progress", "extended": true},
            {"id": object_id, "state": "denied", "denial_code": "claim_not_covered"},
            {"id": port_id, "state": "fulfilled"},
        ],
        "request_events": request_events,
        "restricted": [hal],
        "erasure_schedules": [{"subject": bob, "due_ms": far_erasure}, {"subject": ann, "due_ms": null}],
    });
    std::fs::write(manifest, serde_json::to_string_pretty(&manifest_json).expect("json") + "\n").expect("manifest");
}

/// Open a copy of the fixture of `version` with the current code and check everything it holds.
fn check(version: u32) {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture(version, "json")).expect("manifest")).expect("json");
    let tv = common::temp_vault();
    std::fs::copy(fixture(version, "db"), &tv.path).expect("copy the fixture (never open it in place)");
    check_at(tv.path.to_str().expect("utf-8"), &manifest, &format!("v{version}"));
    // The wrong key still writes nothing.
    let before = common::hashes(&tv.path);
    let e = Vault::open(&tv.path, &common::key(9), Options::default()).expect_err("wrong key");
    assert_eq!(e.kind(), ErrorKind::WrongKey);
    assert_eq!(common::hashes(&tv.path), before);
}

/// Open the vault at `location` (a copy of a fixture) and check everything its manifest lists.
fn check_at(location: &str, manifest: &Value, version: &str) {
    let key = MasterKey::from_hex(manifest["key"].as_str().expect("key")).expect("key");
    let mut options = Options::from_json(manifest["options"].clone()).expect("options");
    if let Some(clock) = manifest["manual_clock_ms"].as_i64() {
        options = options.manual_clock_ms(clock);
    }
    let vault = Vault::open(location, &key, options).unwrap_or_else(|e| panic!("{version} does not open: {e}"));
    // The audit chain first, before this test appends to it: unchanged up to the recorded head.
    let head: AuditHead = serde_json::from_value(manifest["audit_head"].clone()).expect("head");
    let report = vault.verify_audit(Some(&head)).unwrap_or_else(|e| panic!("v{version} audit: {e}"));
    assert_eq!(report.events, manifest["audit_events"].as_u64().expect("count"));
    let reader = Caller::new("app:fixture-check").expect("actor");
    for s in manifest["subjects"].as_array().expect("subjects") {
        let token = s["token"].as_str().expect("token");
        for lookup in [Lookup::token(token), Lookup::from_json(&s["lookup"]).expect("lookup")] {
            let got = vault.get_subject(&reader, &lookup).unwrap_or_else(|e| panic!("v{version} {lookup:?}: {e}"));
            assert_eq!(got.token, token);
            assert_eq!(got.profile, s["profile"], "v{version}: profile of {token}");
            assert_eq!(json!(got.version), s["version"]);
        }
    }
    for token in manifest["erased"].as_array().expect("erased") {
        let e = vault.get_subject(&reader, &Lookup::token(token.as_str().expect("token"))).expect_err("erased");
        assert_eq!(e.kind(), ErrorKind::Erased);
    }
    // The erasure ledger names every erasure, whatever the format (carried over at the upgrade
    // from before format 10, without index hashes); re-applying it changes nothing here.
    let ledger = vault.export_erasure_ledger(&reader).unwrap_or_else(|e| panic!("{version} ledger: {e}"));
    let erased = manifest["erased"].as_array().expect("erased").len();
    assert_eq!(ledger.entries.len(), erased, "{version}: one ledger entry per erasure");
    assert_eq!(vault.open_report().expect("report").erasure_ledger_entries, erased as u64);
    if let Some(expected) = manifest.get("erasure_ledger") {
        let with_indexes = ledger.entries.iter().filter(|e| !e.indexes.is_empty()).count();
        assert_eq!(json!(with_indexes), expected["with_indexes"], "{version}: entries with index hashes");
    }
    let entries: Vec<Value> = ledger.entries.iter().map(|e| json!(e)).collect();
    let again = vault.reapply_erasures(&reader, entries).unwrap_or_else(|e| panic!("{version} reapply: {e}"));
    assert_eq!((again.erased, again.added_to_ledger), (0, 0), "{version}: nothing came back");
    for t in manifest["tokens"].as_array().into_iter().flatten() {
        let token = t["token"].as_str().expect("token");
        let value = vault.detokenize(&reader, token, None).unwrap_or_else(|e| panic!("v{version} token: {e}"));
        assert_eq!(value, t["value"].as_str().expect("value"));
        let info = vault.token_info(&reader, token).expect("info");
        assert_eq!(json!(info.kind), t["kind"]);
        assert_eq!(info.subject.as_deref(), t["subject"].as_str());
        if let Some(at) = t["expires_ms"].as_i64() {
            assert_eq!(info.expires_ms, Some(at));
        }
        if let Some(scope) = t["deterministic"]["scope"].as_str() {
            let again = json!({"deterministic": true, "scope": scope});
            assert_eq!(vault.tokenize(&reader, &value, Some(again)).expect("again"), token, "same token");
        }
    }
    let consents = manifest["consents"].as_array().cloned().unwrap_or_default();
    for c in &consents {
        let who = Lookup::token(c["subject"].as_str().expect("subject"));
        let got = vault.get_consent(&reader, &who, c["legal_basis"].as_str().expect("basis")).expect("consent");
        assert_eq!(json!(got.status), c["status"]);
        assert_eq!(json!(got.notice_version), c["notice_version"]);
        let receipt = vault.export_consent_receipt(&reader, &who).expect("receipt");
        assert_eq!(receipt["record"]["events"].as_array().map(Vec::len), c["history"].as_u64().map(|n| n as usize));
        vault.verify_consent_receipt(receipt).expect("receipt verifies");
    }
    if !consents.is_empty() {
        let who = Lookup::token(consents[0]["subject"].as_str().expect("subject"));
        assert!(vault.can_process(&who, "marketing", None).expect("check").allowed);
        let events = vault.list_consent_events(&reader, None, &PageRequest::first(100)).expect("events");
        assert_eq!(json!(events.total), manifest["outbox_events"]);
    }
    for t in manifest["texts"].as_array().into_iter().flatten() {
        let back = vault.detokenize_text(&reader, t["text"].as_str().expect("text"), None).expect("detokenize_text");
        assert_eq!(back, t["restored"].as_str().expect("restored"), "v{version}: placeholders read back");
    }
    for a in manifest["apps"].as_array().into_iter().flatten() {
        let who = Lookup::token(a["subject"].as_str().expect("subject"));
        let app = a["app"].as_str().expect("app");
        let got = vault.get_app_document(&reader, &who, app).unwrap_or_else(|e| panic!("{version} app {app}: {e}"));
        assert_eq!(got.document, a["document"], "{version}: document of {app}");
        assert_eq!(json!(got.version), a["version"]);
    }
    for s in manifest["sessions"].as_array().into_iter().flatten() {
        let id = s["id"].as_str().expect("id");
        let got = vault.get_session(&reader, id).unwrap_or_else(|e| panic!("{version} session: {e}"));
        assert_eq!(got.data, s["data"], "{version}: session data");
        assert_eq!(json!(got.subject), s["subject"]);
        assert_eq!(json!(got.version), s["version"]);
    }
    for s in manifest["shares"].as_array().into_iter().flatten() {
        let id = s["id"].as_str().expect("id");
        let got =
            vault.resolve_share(&reader, id, s["partner"].as_str()).unwrap_or_else(|e| panic!("{version} share: {e}"));
        assert_eq!(got.data, s["data"], "{version}: shared data");
        assert_eq!(json!(got.reads_left), s["reads_left"]);
    }
    for id in manifest["shares_gone"].as_array().into_iter().flatten() {
        let e = vault.resolve_share(&reader, id.as_str().expect("id"), None).expect_err("revoked");
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }
    for r in manifest["requests"].as_array().into_iter().flatten() {
        let got =
            vault.get_request(&reader, r["id"].as_str().expect("id")).unwrap_or_else(|e| panic!("{version}: {e}"));
        let got = json!(got.request);
        for (k, v) in r.as_object().expect("request") {
            assert_eq!(&got[k], v, "{version}: request {k}");
        }
    }
    if let Some(n) = manifest.get("request_events") {
        let events = vault.list_request_events(&reader, &PageRequest::first(100)).expect("request events");
        assert_eq!(json!(events.total), *n, "{version}: the requests' outbox verifies and holds what it held");
    }
    for e in manifest["erasure_schedules"].as_array().into_iter().flatten() {
        let who = Lookup::token(e["subject"].as_str().expect("subject"));
        let got = vault.get_erasure_schedule(&reader, &who).unwrap_or_else(|e| panic!("{version} schedule: {e}"));
        assert_eq!(json!(got.due_ms), e["due_ms"], "{version}: scheduled erasure");
    }
    for t in manifest["restricted"].as_array().into_iter().flatten() {
        let e = vault.get_subject(&reader, &Lookup::token(t.as_str().expect("token"))).expect_err("restricted");
        assert_eq!(e.kind(), ErrorKind::ConsentRequired, "{version}: a restricted subject is not read");
    }
    for id in manifest["sessions_gone"].as_array().into_iter().flatten() {
        let e = vault.get_session(&reader, id.as_str().expect("id")).expect_err("gone");
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }
    if let Some(names) = manifest.get("app_names") {
        assert_eq!(json!(vault.list_app_names().expect("names")), *names);
    }
    // The audit's index by subject, whatever its layout in this format: each subject's events
    // page back newest first, all naming it, as many as the first page's total (each listing
    // is audited too, after the events it lists).
    for s in manifest["subjects"].as_array().expect("subjects") {
        let token = s["token"].as_str().expect("token");
        let (mut seen, mut last, mut page, mut total) = (0, u64::MAX, PageRequest::first(2), None);
        loop {
            let listed = vault.list_audit_events(&reader, Some(token), &page, false).expect("list");
            total.get_or_insert(listed.total);
            for e in &listed.items {
                assert!(e.seq < last, "v{version}: events of {token} newest first");
                assert_eq!(e.subject.as_deref(), Some(token));
                last = e.seq;
                seen += 1;
            }
            match listed.next {
                Some(cursor) => page = PageRequest::after(cursor, 2),
                None => break,
            }
        }
        assert!(seen >= 2, "v{version}: {token} has its create and reads");
        assert_eq!(Some(seen), total, "v{version}: the pages of {token} hold the total");
    }
    // Consent works in every format after the migration.
    let dpo = Caller::new("admin:dpo").expect("actor");
    vault.set_legal_basis(&dpo, "after-upgrade", json!({"type": "consent"})).expect("basis after upgrade");
    let first_token = manifest["subjects"][0]["token"].as_str().expect("token");
    let first = Lookup::token(first_token);
    vault.give_consent(&reader, &first, "after-upgrade", None).expect("consent after upgrade");
    // App documents work in every format after the migration (format 7 added them).
    vault.put_app_document(&reader, &first, "after_upgrade", json!({"ok": true})).expect("app after upgrade");
    let doc = vault.get_app_document(&reader, &first, "after_upgrade").expect("app read after upgrade");
    assert_eq!(doc.document, json!({"ok": true}));
    // Sessions work in every format after the migration (format 8 added them, and the key of
    // their ids, made at open in an older vault).
    let session =
        vault.set_session(&reader, json!({"ok": true}), Some(json!({"subject": first_token}))).expect("session");
    assert_eq!(vault.get_session(&reader, &session.id).expect("session read").data, json!({"ok": true}));
    // Requests work in every format after the migration (format 11 added them).
    let request =
        vault.create_request(&reader, &first, Some(json!({"kind": "access"}))).expect("request after upgrade");
    assert_eq!(vault.get_request(&reader, &request.id).expect("request read").request.state, "open");
    let scheduled = vault.schedule_erasure(&reader, &first, Some(json!({"ttl_ms": 86_400_000}))).expect("schedule");
    assert!(vault.retain_by_capability(&reader, &scheduled.capability).expect("retain").changed);
    // Tokens work in every format after the migration.
    let fresh = vault.tokenize(&reader, "after-upgrade", None).expect("tokenize after upgrade");
    assert_eq!(vault.detokenize(&reader, &fresh, None).expect("detokenize"), "after-upgrade");
    // Still writable, and the chain continues.
    let t = vault.create_subject(&reader, json!({"email": "new@fixture.test"})).expect("create after upgrade");
    vault.update_subject(&reader, &Lookup::token(&t), json!({"n": 1})).expect("update after upgrade");
    let listed = vault.list_audit_events(&reader, Some(&t), &PageRequest::first(10), false).expect("list");
    assert_eq!(listed.total, 2);
    vault.verify_audit(Some(&head)).expect("verifies after new writes");
    // Audit details shredded by a retention rule (format 12) stay shredded and verify; events
    // of older formats keep their details (their MACs cover them): a shredding skips them.
    let format = manifest["format"].as_u64().expect("format");
    let events = manifest["audit_events"].as_u64().expect("count");
    if let Some(shredded) = manifest["audit_shredded"].as_u64() {
        let mut seen = 0;
        let mut page = PageRequest::first(1_000);
        loop {
            let listed = vault.list_audit_events(&reader, None, &page, true).expect("list with details");
            seen += listed.items.iter().filter(|e| e.details_shredded && e.details.is_none()).count() as u64;
            match listed.next {
                Some(next) => page = PageRequest::after(next, 1_000),
                None => break,
            }
        }
        assert_eq!(seen, shredded, "v{version}: shredded events");
    }
    let shred = vault.shred_audit_details(&reader, Some(json!({"older_than_days": 1}))).expect("shred");
    let is_postgres = location.starts_with("postgres");
    if (!is_postgres && format < 12) || (is_postgres && format < 7) {
        assert_eq!(shred.events, 0, "v{version}: events of an older format keep their details");
        assert_eq!(shred.shreddable_from, events + 1, "v{version}: the digest mark is the head's successor");
    }
    vault.verify_audit(Some(&head)).expect("verifies after a shredding");
    vault.close().expect("close");
}

#[test]
fn every_committed_format_opens_and_reads_back() {
    let (db, manifest) = (fixture(CURRENT, "db"), fixture(CURRENT, "json"));
    if std::env::var("BUNKERLITE_WRITE_FIXTURE").as_deref() == Ok("1") && !db.exists() {
        std::fs::create_dir_all(DIR).expect("dir");
        write_fixture(&db, &manifest);
    }
    assert!(db.exists(), "no fixture of the current format {CURRENT}: write it with BUNKERLITE_WRITE_FIXTURE=1");
    let mut checked = 0;
    for version in 1..=CURRENT {
        if fixture(version, "db").exists() {
            check(version);
            checked += 1;
        }
    }
    assert!(checked >= 1);
}

#[test]
fn pre_release_format_1_is_refused_clearly() {
    // Format 1 (pre-release builds) is not migrated: such a file is UNSUPPORTED, with nothing
    // written and a message that says so.
    let tv = common::temp_vault();
    let raw = common::raw(&tv.path);
    raw.execute_batch("CREATE TABLE meta (name TEXT PRIMARY KEY, value ANY) STRICT;").expect("sql");
    raw.pragma_update(None, "application_id", 0x424C_5631).expect("app id");
    raw.pragma_update(None, "user_version", 1).expect("version");
    drop(raw);
    let before = common::hashes(&tv.path);
    let e = Vault::open(&tv.path, &common::key(1), Options::default()).expect_err("format 1");
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert!(e.message().contains("pre-release"), "{e}");
    assert_eq!(common::hashes(&tv.path), before);
}

#[test]
fn the_changelog_states_the_formats_this_release_writes_and_opens() {
    let changelog =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../CHANGELOG.md")).expect("CHANGELOG.md");
    let oldest = (1..=CURRENT).find(|v| fixture(*v, "db").exists()).expect("a fixture");
    let row = format!("| Unreleased | {CURRENT} | {oldest}–{CURRENT} |");
    let released = format!("| {} | {CURRENT} | {oldest}–{CURRENT} |", env!("CARGO_PKG_VERSION"));
    assert!(
        changelog.contains(&row) || changelog.contains(&released),
        "CHANGELOG.md's format table must say this release writes format {CURRENT} and opens {oldest}–{CURRENT}"
    );
}

/// The PostgreSQL formats: `fixtures/pg<N>.sql` is a `pg_dump --inserts` of a vault written by
/// [`write_fixture_at`] into the schema `fixture_pg<N>` (`pg<N>.json` its manifest). Each is
/// restored into a fresh schema of the test cluster and checked as a file fixture is.
///
/// To add the fixture of a new format: `BUNKERLITE_WRITE_FIXTURE=1` with the test cluster named
/// writes the vault and the manifest, then
/// `pg_dump -n fixture_pg<N> --inserts --no-owner --no-privileges "<cluster URL without its
/// parameters>" > core/tests/fixtures/pg<N>.sql`.
#[cfg(feature = "postgres")]
mod on_postgres {
    use super::*;

    /// The PostgreSQL format this build writes.
    const CURRENT_PG: u32 = 7;

    fn server() -> String {
        std::env::var("BUNKERLITE_TEST_POSTGRES").expect("BUNKERLITE_TEST_POSTGRES names the test cluster")
    }

    fn with_schema(schema: &str) -> String {
        let base = server();
        format!("{base}{}schema={schema}", if base.contains('?') { '&' } else { '?' })
    }

    /// Restore `pg<version>.sql` into a fresh schema; its URL.
    fn restore(version: u32) -> String {
        let dump = std::fs::read_to_string(fixture_pg(version, "sql")).expect("dump");
        let mut nonce = [0u8; 6];
        getrandom::fill(&mut nonce).expect("random");
        let schema = format!("restored_pg{version}_{}", hex::encode(nonce));
        // psql's meta-commands (`\restrict`) are not SQL; the rest is run as it is.
        let sql: String = dump
            .lines()
            .filter(|l| !l.starts_with('\\'))
            .map(|l| l.replace(&format!("fixture_pg{version}"), &schema) + "\n")
            .collect();
        let base = server();
        let plain = base.split('?').next().expect("url");
        let mut client =
            postgres::Client::connect(&format!("{plain}?sslmode=disable"), postgres::NoTls).expect("connect");
        client.batch_execute(&sql).expect("restore the dump");
        with_schema(&schema)
    }

    fn fixture_pg(version: u32, ext: &str) -> PathBuf {
        Path::new(DIR).join(format!("pg{version}.{ext}"))
    }

    #[test]
    fn every_committed_postgres_format_opens_and_reads_back() {
        let manifest_path = fixture_pg(CURRENT_PG, "json");
        if std::env::var("BUNKERLITE_WRITE_FIXTURE").as_deref() == Ok("1") && !manifest_path.exists() {
            write_fixture_at(&with_schema(&format!("fixture_pg{CURRENT_PG}")), CURRENT_PG, &manifest_path);
        }
        assert!(
            fixture_pg(CURRENT_PG, "sql").exists(),
            "no dump of PostgreSQL format {CURRENT_PG} (see the module's doc)"
        );
        let mut checked = 0;
        for version in 1..=CURRENT_PG {
            if fixture_pg(version, "sql").exists() {
                let manifest: Value =
                    serde_json::from_str(&std::fs::read_to_string(fixture_pg(version, "json")).expect("manifest"))
                        .expect("json");
                assert_eq!(manifest["format"], json!(version));
                check_at(&restore(version), &manifest, &format!("pg{version}"));
                // The wrong key is refused, and the restored vault still opens with the right one.
                let url = restore(version);
                let e = Vault::open(&url, &common::key(9), Options::default()).expect_err("wrong key");
                assert_eq!(e.kind(), ErrorKind::WrongKey);
                checked += 1;
            }
        }
        assert!(checked >= 1);
    }
}
