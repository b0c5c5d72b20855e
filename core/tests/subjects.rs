//! Subjects end to end: create, lookups by every mode, updates, uniqueness, batches, erasure,
//! limits, options, lifecycle.

mod common;

use bunkerlite::{Caller, ErrorKind, Lookup, MasterKey, Options, PageRequest, Vault};
use serde_json::json;

fn vault() -> Vault {
    let options = Options::default().indexed_fields(["customer_id"]).default_region("DE");
    Vault::open_in_memory(&common::key(1), options).expect("open")
}

fn kind<T: std::fmt::Debug>(r: bunkerlite::Result<T>) -> ErrorKind {
    r.expect_err("expected an error").kind()
}

#[test]
fn create_and_get_by_every_mode() {
    let v = vault();
    let profile = json!({"email": " Ann.Lee@Example.COM ", "phone": "030 901820", "login": " ann ", "customer_id": "C-17", "name": "Ann Lee"});
    let token = v.create_subject(&common::c("app:test"), profile.clone()).expect("create");
    assert_eq!(token.len(), 36);
    assert_eq!(uuid_version(&token), 4);
    for lookup in [
        Lookup::token(&token),
        Lookup::email("ann.lee@example.com"),
        Lookup::email("ANN.LEE@example.com  "),
        Lookup::phone("+49 30 901820"),
        Lookup::phone("030-901820"),
        Lookup::login("ann"),
        Lookup::field("customer_id", "C-17"),
        Lookup::parse("email", "ann.lee@example.com"),
        Lookup::parse("token", token.clone()),
    ] {
        let s = v.get_subject(&common::c("app:test"), &lookup).unwrap_or_else(|e| panic!("{lookup:?}: {e}"));
        assert_eq!(s.token, token);
        assert_eq!(s.profile, profile, "the profile comes back as given");
        assert_eq!(s.version, 1);
        let text = bunkerlite::bridge::get_subject_json(&v, &common::c("app:test"), &lookup).expect("as text");
        assert_eq!(text, serde_json::to_string(&s).expect("json"), "the text form is the subject serialised");
        let parts = bunkerlite::bridge::get_subject_text(&v, &common::c("app:test"), &lookup).expect("profile as text");
        assert_eq!(
            (&parts.token, parts.created_ms, parts.updated_ms, parts.version),
            (&s.token, s.created_ms, s.updated_ms, s.version)
        );
        assert_eq!(serde_json::from_str::<serde_json::Value>(&parts.profile).expect("json"), profile);
        assert_eq!(parts.to_json(), text);
        assert!(!format!("{parts:?}").contains("Ann"), "Debug shows no personal data");
    }
    assert_eq!(kind(v.get_subject(&common::c("app:test"), &Lookup::email("nobody@example.com"))), ErrorKind::NotFound);
    assert_eq!(
        kind(v.get_subject(&common::c("app:test"), &Lookup::login("Ann"))),
        ErrorKind::NotFound,
        "login is case-sensitive"
    );
    assert_eq!(
        kind(v.get_subject(&common::c("app:test"), &Lookup::token("00000000-0000-4000-8000-000000000000"))),
        ErrorKind::NotFound
    );
    assert_eq!(kind(v.get_subject(&common::c("app:test"), &Lookup::token("not-a-token"))), ErrorKind::InvalidInput);
    assert_eq!(
        kind(v.get_subject(&common::c("app:test"), &Lookup::field("name", "Ann Lee"))),
        ErrorKind::InvalidInput,
        "name is not indexed"
    );
    assert_eq!(kind(v.get_subject(&common::c("app:test"), &Lookup::email("not an email"))), ErrorKind::InvalidInput);
    for (lookup, expected) in [
        (Lookup::email("nobody@example.com"), ErrorKind::NotFound),
        (Lookup::token("not-a-token"), ErrorKind::InvalidInput),
        (Lookup::field("name", "Ann Lee"), ErrorKind::InvalidInput),
    ] {
        assert_eq!(
            kind(bunkerlite::bridge::get_subject_json(&v, &common::c("app:test"), &lookup)),
            expected,
            "{lookup:?}"
        );
        assert_eq!(
            kind(bunkerlite::bridge::get_subject_text(&v, &common::c("app:test"), &lookup)),
            expected,
            "{lookup:?}"
        );
    }
    v.forget_subject(&common::c("app:test"), &Lookup::token(&token)).expect("forget");
    assert_eq!(
        kind(bunkerlite::bridge::get_subject_json(&v, &common::c("app:test"), &Lookup::token(&token))),
        ErrorKind::Erased
    );
    assert_eq!(
        kind(bunkerlite::bridge::get_subject_text(&v, &common::c("app:test"), &Lookup::token(&token))),
        ErrorKind::Erased
    );
}

fn uuid_version(token: &str) -> u32 {
    token.chars().nth(14).and_then(|c| c.to_digit(16)).expect("uuid")
}

#[test]
fn identity_fields_are_unique_after_normalisation() {
    let v = vault();
    v.create_subject(&common::c("app"), json!({"email": "a@x.org", "phone": "+49 30 901820", "login": "a"}))
        .expect("first");
    for dup in [json!({"email": " A@X.ORG"}), json!({"phone": "030 901820"}), json!({"login": "a "})] {
        let e = v.create_subject(&common::c("app"), dup).expect_err("duplicate");
        assert_eq!(e.kind(), ErrorKind::Duplicate);
        assert!(!e.message().contains("x.org") && !e.message().contains("901820"), "{e}");
    }
    let b = v.create_subject(&common::c("app"), json!({"email": "b@x.org"})).expect("second");
    assert_eq!(
        kind(v.update_subject(&common::c("app"), &Lookup::token(&b), json!({"email": "a@x.org"}))),
        ErrorKind::Duplicate
    );
    // The failed update changed nothing.
    assert_eq!(v.get_subject(&common::c("app"), &Lookup::token(&b)).expect("get").profile, json!({"email": "b@x.org"}));
}

#[test]
fn invalid_profiles_are_refused_without_echo() {
    let v = vault();
    for bad in [json!("string"), json!([1, 2]), json!(null), json!(42)] {
        assert_eq!(kind(v.create_subject(&common::c("app"), bad)), ErrorKind::InvalidInput);
    }
    for bad in [
        json!({"email": 5}),
        json!({"email": "secret-canary"}),
        json!({"phone": "secret-canary"}),
        json!({"phone": "030 1"}),
        json!({"login": "   "}),
    ] {
        let e = v.create_subject(&common::c("app"), bad).expect_err("invalid");
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        assert!(!e.message().contains("secret-canary"));
    }
    assert_eq!(kind(Caller::new("")), ErrorKind::InvalidInput, "empty actor");
    assert_eq!(kind(Caller::new("bad actor!")), ErrorKind::InvalidInput);
    // A profile without identity fields is allowed: it is found by token.
    let t = v.create_subject(&common::c("app"), json!({"note": "token only"})).expect("create");
    assert_eq!(v.get_subject(&common::c("app"), &Lookup::token(&t)).expect("get").profile["note"], "token only");
}

#[test]
fn limits_are_enforced() {
    let options = Options::default().limits(
        bunkerlite::Limits::default()
            .max_document_bytes(200)
            .max_depth(4)
            .max_fields(10)
            .max_string_bytes(50)
            .max_batch(3),
    );
    let v = Vault::open_in_memory(&common::key(1), options).expect("open");
    assert_eq!(kind(v.create_subject(&common::c("app"), json!({"a": "x".repeat(51)}))), ErrorKind::TooLarge);
    assert_eq!(kind(v.create_subject(&common::c("app"), json!({"a": {"b": {"c": {"d": 1}}}}))), ErrorKind::TooLarge);
    let many: serde_json::Map<String, serde_json::Value> = (0..11).map(|i| (format!("k{i}"), json!(i))).collect();
    assert_eq!(kind(v.create_subject(&common::c("app"), serde_json::Value::Object(many))), ErrorKind::TooLarge);
    let big: serde_json::Map<String, serde_json::Value> =
        (0..6).map(|i| (format!("k{i}"), json!("y".repeat(40)))).collect();
    assert_eq!(kind(v.create_subject(&common::c("app"), serde_json::Value::Object(big))), ErrorKind::TooLarge);
    assert_eq!(kind(v.create_subjects(&common::c("app"), vec![json!({}); 4])), ErrorKind::TooLarge);
    let t = v.create_subject(&common::c("app"), json!({"a": 1})).expect("small");
    assert_eq!(
        kind(v.update_subject(&common::c("app"), &Lookup::token(&t), json!({"b": "z".repeat(51)}))),
        ErrorKind::TooLarge
    );
}

#[test]
fn updates_by_merge_patch_and_json_patch() {
    let v = vault();
    let t = v
        .create_subject(
            &common::c("app"),
            json!({"email": "old@x.org", "name": "Ann", "address": {"city": "Berlin", "zip": "10115"}}),
        )
        .expect("create");
    let s = v
        .update_subject(
            &common::c("app"),
            &Lookup::email("old@x.org"),
            json!({"email": "New@X.org", "name": null, "address": {"zip": "10117"}}),
        )
        .expect("merge");
    assert_eq!(s.profile, json!({"email": "New@X.org", "address": {"city": "Berlin", "zip": "10117"}}));
    assert_eq!(s.version, 2);
    assert_eq!(
        kind(v.get_subject(&common::c("app"), &Lookup::email("old@x.org"))),
        ErrorKind::NotFound,
        "old email unindexed"
    );
    assert_eq!(v.get_subject(&common::c("app"), &Lookup::email("new@x.org")).expect("new email").token, t);
    // The old email is free again.
    v.create_subject(&common::c("app"), json!({"email": "old@x.org"})).expect("reuse");

    let s = v
        .update_subject(
            &common::c("app"),
            &Lookup::token(&t),
            json!([
                {"op": "add", "path": "/phone", "value": "+49 30 901820"},
                {"op": "remove", "path": "/address/city"},
                {"op": "test", "path": "/address/zip", "value": "10117"}
            ]),
        )
        .expect("json patch");
    assert_eq!(s.profile, json!({"email": "New@X.org", "phone": "+49 30 901820", "address": {"zip": "10117"}}));
    assert_eq!(v.get_subject(&common::c("app"), &Lookup::phone("030901820")).expect("by phone").token, t);
    // Removing an indexed field removes its index entry.
    v.update_subject(&common::c("app"), &Lookup::token(&t), json!({"phone": null})).expect("remove phone");
    assert_eq!(kind(v.get_subject(&common::c("app"), &Lookup::phone("030901820"))), ErrorKind::NotFound);

    // A failing JSON Patch changes nothing.
    let bad =
        json!([{"op": "replace", "path": "/name", "value": "x"}, {"op": "test", "path": "/email", "value": "wrong"}]);
    assert_eq!(kind(v.update_subject(&common::c("app"), &Lookup::token(&t), bad)), ErrorKind::InvalidInput);
    assert_eq!(
        kind(v.update_subject(
            &common::c("app"),
            &Lookup::token(&t),
            json!([{"op": "replace", "path": "", "value": [1]}])
        )),
        ErrorKind::InvalidInput
    );
    assert_eq!(kind(v.update_subject(&common::c("app"), &Lookup::token(&t), json!("x"))), ErrorKind::InvalidInput);
    assert_eq!(v.get_subject(&common::c("app"), &Lookup::token(&t)).expect("get").version, 4);
    assert_eq!(
        kind(v.update_subject(&common::c("app"), &Lookup::email("nobody@x.org"), json!({}))),
        ErrorKind::NotFound
    );
}

#[test]
fn batches_are_all_or_nothing() {
    let v = vault();
    let tokens = v
        .create_subjects(&common::c("app"), (0..50).map(|i| json!({"email": format!("u{i}@x.org"), "n": i})).collect())
        .expect("batch");
    assert_eq!(tokens.len(), 50);
    let e = v
        .create_subjects(&common::c("app"), vec![json!({"email": "fresh@x.org"}), json!({"email": "u3@x.org"})])
        .expect_err("duplicate inside");
    assert_eq!(e.kind(), ErrorKind::Duplicate);
    assert!(e.message().starts_with("item 1:"), "{e}");
    assert_eq!(
        kind(v.get_subject(&common::c("app"), &Lookup::email("fresh@x.org"))),
        ErrorKind::NotFound,
        "rolled back"
    );
    let e = v
        .create_subjects(&common::c("app"), vec![json!({"email": "a@y.org"}), json!({"email": "A@y.org"})])
        .expect_err("dup within");
    assert_eq!(e.kind(), ErrorKind::Duplicate);

    let lookups = vec![Lookup::email("u7@x.org"), Lookup::email("missing@x.org"), Lookup::token(&tokens[9])];
    let got = v.get_subjects(&common::c("app"), &lookups).expect("batch get");
    assert_eq!(got[0].as_ref().expect("found").profile["n"], 7);
    assert!(got[1].is_none());
    assert_eq!(got[2].as_ref().expect("found").token, tokens[9]);
    assert_eq!(kind(v.get_subjects(&common::c("app"), &[Lookup::token("bad")])), ErrorKind::InvalidInput);
    // The text form is the same list serialised.
    let text = bunkerlite::bridge::get_subjects_json(&v, &common::c("app"), &lookups).expect("as text");
    assert_eq!(text, serde_json::to_string(&got).expect("json"));
    assert_eq!(bunkerlite::bridge::get_subjects_json(&v, &common::c("app"), &[]).expect("empty"), "[]");
    assert_eq!(
        kind(bunkerlite::bridge::get_subjects_json(&v, &common::c("app"), &[Lookup::token("bad")])),
        ErrorKind::InvalidInput
    );
}

#[test]
fn forget_erases_and_reports() {
    let v = vault();
    let t =
        v.create_subject(&common::c("app"), json!({"email": "gone@x.org", "phone": "+49 30 901820"})).expect("create");
    v.update_subject(&common::c("app"), &Lookup::token(&t), json!({"name": "Gone"})).expect("update");
    v.get_subject(&common::c("app"), &Lookup::token(&t)).expect("read");
    let receipt = v.forget_subject(&common::c("admin:ops"), &Lookup::email("gone@x.org")).expect("forget");
    assert_eq!(receipt.token, t);
    assert!(receipt.profile_removed);
    assert_eq!(receipt.index_entries_removed, 2);
    assert_eq!(receipt.audit_details_shredded, 1, "the update carried details");
    assert!(receipt.wal_truncated);
    assert_eq!(kind(v.get_subject(&common::c("app"), &Lookup::token(&t))), ErrorKind::Erased);
    assert_eq!(kind(v.get_subject(&common::c("app"), &Lookup::email("gone@x.org"))), ErrorKind::NotFound);
    assert_eq!(kind(v.update_subject(&common::c("app"), &Lookup::token(&t), json!({}))), ErrorKind::Erased);
    assert_eq!(kind(v.forget_subject(&common::c("app"), &Lookup::token(&t))), ErrorKind::Erased);
    // The identity values can be used by someone else now.
    v.create_subject(&common::c("app"), json!({"email": "gone@x.org"})).expect("reuse");

    let events = v.list_audit_events(&common::c("admin:dpo"), Some(&t), &PageRequest::first(100), true).expect("audit");
    assert!(events.items.iter().any(|e| e.action == "subject.forget" && e.outcome == "ok"));
    for e in &events.items {
        assert!(e.details.is_none(), "no readable details after erasure: {e:?}");
    }
    assert_eq!(events.items.iter().filter(|e| e.details_erased).count(), 1);
    v.verify_audit(None).expect("chain verifies after erasure");
}

#[test]
fn lifecycle_and_options() {
    let tv = common::temp_vault();
    let options = Options::default().indexed_fields(["member_no"]);
    let v = Vault::open(&tv.path, &common::key(3), options.clone()).expect("create");
    let t = v.create_subject(&common::c("app"), json!({"member_no": "M1"})).expect("create");
    let clone = v.clone();
    v.close().expect("close");
    v.close().expect("second close is a no-op");
    assert!(clone.is_closed());
    assert_eq!(kind(clone.get_subject(&common::c("app"), &Lookup::token(&t))), ErrorKind::Closed);
    assert!(common::files(&tv.path).len() == 1, "close removes the WAL: {:?}", common::files(&tv.path));

    // Reopen: the configured field is remembered; a different list is refused.
    let v = Vault::open(&tv.path, &common::key(3), Options::default()).expect("reopen");
    assert_eq!(v.get_subject(&common::c("app"), &Lookup::field("member_no", "M1")).expect("by member_no").token, t);
    drop(v);
    let other = Options::default().indexed_fields(["other"]);
    assert_eq!(kind(Vault::open(&tv.path, &common::key(3), other)), ErrorKind::InvalidInput);

    for bad in [vec!["email".to_string()], vec!["Bad".to_string()], vec!["".to_string()]] {
        let o = Options::default().indexed_fields(bad);
        assert_eq!(kind(Vault::open_in_memory(&common::key(1), o)), ErrorKind::InvalidInput);
    }
    let o = Options::default().default_region("XX");
    assert_eq!(kind(Vault::open_in_memory(&common::key(1), o)), ErrorKind::InvalidInput);

    let missing = tv.dir.path().join("missing.db");
    let o = Options::default().create(false);
    assert_eq!(kind(Vault::open(&missing, &common::key(1), o)), ErrorKind::NotFound);
    assert!(!missing.exists());

    assert_eq!(
        Options::from_json(json!({"sqlite": {"synchronous": "normal"}, "busy_timeout_ms": 5}))
            .expect("json")
            .busy_timeout_ms,
        5
    );
    assert_eq!(kind(Options::from_json(json!({"nope": 1}))), ErrorKind::InvalidInput);
    assert_eq!(Options::from_json(json!(null)).expect("null"), Options::default());
}

#[test]
fn foreign_files_are_refused() {
    let tv = common::temp_vault();
    std::fs::write(&tv.path, b"this is not a database file at all, just text........................................")
        .expect("write");
    assert_eq!(kind(Vault::open(&tv.path, &common::key(1), Options::default())), ErrorKind::Storage);
    let other = tv.dir.path().join("other.db");
    common::raw(&other).execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").expect("sqlite");
    assert_eq!(kind(Vault::open(&other, &common::key(1), Options::default())), ErrorKind::Storage);
    // A vault from a newer bunkerlite.
    let newer = tv.dir.path().join("newer.db");
    common::open(&newer, 1).close().expect("close");
    common::raw(&newer).pragma_update(None, "user_version", 99).expect("bump");
    let e = Vault::open(&newer, &common::key(1), Options::default()).expect_err("newer");
    assert_eq!(e.kind(), ErrorKind::Unsupported);
}

#[test]
fn key_sources() {
    let tv = common::temp_vault();
    let key = MasterKey::generate().expect("generate");
    let key_file = tv.dir.path().join("master.key");
    std::fs::write(&key_file, format!("{}\n", key.to_hex().as_str())).expect("write key");
    let raw_file = tv.dir.path().join("master.bin");
    std::fs::write(&raw_file, hex::decode(key.to_hex().as_str()).expect("hex")).expect("write key");
    let v = Vault::open(&tv.path, &key, Options::default()).expect("create");
    let t = v.create_subject(&common::c("app"), json!({"a": 1})).expect("create");
    v.close().expect("close");
    for k in [
        MasterKey::from_file(&key_file).expect("hex file"),
        MasterKey::from_file(&raw_file).expect("raw file"),
        MasterKey::from_base64(&key.to_base64()).expect("b64"),
    ] {
        let v = Vault::open(&tv.path, &k, Options::default()).expect("reopen");
        v.get_subject(&common::c("app"), &Lookup::token(&t)).expect("get");
    }
    std::env::set_var("BUNKERLITE_TEST_KEY_SOURCE", key.to_base64().as_str());
    let k = MasterKey::from_env("BUNKERLITE_TEST_KEY_SOURCE").expect("env");
    Vault::open(&tv.path, &k, Options::default()).expect("env key opens");
    std::fs::write(&key_file, "not a key").expect("write");
    let e = MasterKey::from_file(&key_file).expect_err("bad file");
    assert_eq!(e.kind(), ErrorKind::KeySource);
    assert!(e.message().contains("master.key") && !e.message().contains("not a key"), "{e}");
}

#[test]
fn debug_output_holds_no_personal_data() {
    let v = vault();
    let t = v.create_subject(&common::c("app"), json!({"email": "debug-canary@x.org"})).expect("create");
    let s = v.get_subject(&common::c("app"), &Lookup::email("debug-canary@x.org")).expect("get");
    let shown = format!("{s:?} {:?} {:?} {v:?}", Lookup::email("debug-canary@x.org"), Lookup::token(&t));
    assert!(!shown.contains("debug-canary") && !shown.contains(&t), "{shown}");
    // Audit events print without their details (the before/after of a change) or token.
    v.update_subject(&common::c("app"), &Lookup::token(&t), json!({"note": "debug-canary-note"})).expect("update");
    let events = v.list_audit_events(&common::c("admin"), Some(&t), &PageRequest::first(10), true).expect("list");
    assert!(events.items.iter().any(|e| e.details.is_some()), "details were decrypted");
    let shown = format!("{events:?}");
    assert!(!shown.contains("debug-canary") && !shown.contains(&t), "{shown}");
}

#[test]
fn vault_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Vault>();
    assert_send_sync::<bunkerlite::Error>();
}

#[test]
fn text_and_json_entry_points() {
    let v = vault();
    let doc = bunkerlite::bridge::parse_document(&v, r#"{"email": "t@x.org"}"#).expect("parse");
    let t = v.create_subject(&common::c("app"), doc).expect("create");
    assert_eq!(kind(bunkerlite::bridge::parse_document(&v, "{")), ErrorKind::InvalidInput);
    assert_eq!(kind(bunkerlite::bridge::parse_document(&v, &"x".repeat(2 << 20))), ErrorKind::TooLarge);
    let lookup = Lookup::from_json(&json!({"email": "T@x.org"})).expect("lookup");
    assert_eq!(v.get_subject(&common::c("app"), &lookup).expect("get").token, t);
    for bad in [json!({}), json!({"email": 1}), json!({"email": "a", "phone": "b"}), json!("email")] {
        assert_eq!(kind(Lookup::from_json(&bad)), ErrorKind::InvalidInput);
    }
}

#[test]
fn the_default_region_is_part_of_the_vault() {
    let tv = common::temp_vault();
    let with = |region: Option<&str>| {
        let mut options = Options::default();
        options.default_region = region.map(String::from);
        options
    };
    let vault = Vault::open(&tv.path, &common::key(1), with(Some("DE"))).expect("open");
    let token = vault.create_subject(&common::c("app"), json!({"phone": "030 901820", "name": "Ann"})).expect("create");
    vault.close().expect("close");
    // Reopened without a region: the pinned one is used, so the stored national number still
    // matches its index entry and can be changed.
    let vault = Vault::open(&tv.path, &common::key(1), with(None)).expect("reopen");
    let s = vault.get_subject(&common::c("app"), &Lookup::phone("+49 30 901820")).expect("found by phone");
    assert_eq!(s.token, token);
    assert_eq!(vault.get_subject(&common::c("app"), &Lookup::phone("030 901820")).expect("national form").token, token);
    vault.update_subject(&common::c("app"), &Lookup::token(&token), json!({"name": "Ann B."})).expect("update");
    vault.close().expect("close");
    // Another region would index national numbers differently: refused, nothing written.
    let before = common::hashes(&tv.path);
    let e = Vault::open(&tv.path, &common::key(1), with(Some("FR"))).expect_err("another region");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().contains("default_region DE"), "{e}");
    assert_eq!(common::hashes(&tv.path), before);
    // The same region in another spelling is the same region.
    Vault::open(&tv.path, &common::key(1), with(Some(" de "))).expect("same region").close().expect("close");

    // A vault created without a region holds only international numbers; a region can be given
    // later, and is pinned from then on.
    let other = common::temp_vault();
    let vault = Vault::open(&other.path, &common::key(1), with(None)).expect("open");
    assert_eq!(kind(vault.create_subject(&common::c("app"), json!({"phone": "030 901820"}))), ErrorKind::InvalidInput);
    vault.create_subject(&common::c("app"), json!({"phone": "+33 1 23 45 67 89"})).expect("international");
    vault.close().expect("close");
    let vault = Vault::open(&other.path, &common::key(1), with(Some("DE"))).expect("first region");
    vault.create_subject(&common::c("app"), json!({"phone": "030 901821"})).expect("national");
    vault.close().expect("close");
    let vault = Vault::open(&other.path, &common::key(1), with(None)).expect("pinned");
    vault.get_subject(&common::c("app"), &Lookup::phone("030 901821")).expect("national form, pinned region");
    vault.get_subject(&common::c("app"), &Lookup::phone("+33123456789")).expect("international");
    vault.close().expect("close");
}

/// Erasure and update find a subject's index entries by the (field, hash) recomputed from the
/// stored profile; an entry whose hash no longer matches (as after a change of normalisation
/// rules) is still found, by a scan of its field, so nothing of the subject stays indexed.
#[test]
fn index_entries_go_even_when_their_hash_no_longer_matches() {
    let tv = common::temp_vault();
    let v = common::open(&tv.path, 1);
    let app = common::c("app");
    let ann = v.create_subject(&app, json!({"email": "ann@x.org", "login": "ann"})).expect("ann");
    let bob = v.create_subject(&app, json!({"email": "bob@x.org", "login": "bob"})).expect("bob");
    v.close().expect("close");
    let count = |who: &str| -> i64 {
        common::raw(&tv.path)
            .query_row(
                "SELECT count(*) FROM subject_index i JOIN subjects s ON s.id = i.subject_id WHERE s.token = ?1",
                [uuid::Uuid::parse_str(who).expect("uuid").as_bytes().to_vec()],
                |r| r.get(0),
            )
            .expect("count")
    };
    assert_eq!(count(&ann), 2);
    // Ann's email entry gets a hash the current rules would not compute; Bob's login too.
    let db = common::raw(&tv.path);
    for (who, field) in [(&ann, "email"), (&bob, "login")] {
        db.execute(
            "UPDATE subject_index SET hash = randomblob(16) WHERE field = ?1 AND subject_id =
               (SELECT id FROM subjects WHERE token = ?2)",
            rusqlite::params![field, uuid::Uuid::parse_str(who).expect("uuid").as_bytes().to_vec()],
        )
        .expect("edit");
    }
    drop(db);
    let v = common::open(&tv.path, 1);
    let receipt = v.forget_subject(&app, &Lookup::token(&ann)).expect("forget");
    assert_eq!(receipt.index_entries_removed, 2, "both entries, one of them by the scan");
    v.update_subject(&app, &Lookup::token(&bob), json!({"login": "robert"})).expect("update");
    v.close().expect("close");
    let db = common::raw(&tv.path);
    let left: i64 = db.query_row("SELECT count(*) FROM subject_index", [], |r| r.get(0)).expect("count");
    assert_eq!(left, 2, "only Bob's email and new login remain");
}

#[test]
fn audit_listings_by_subject_are_whole_on_both_sides_of_the_index_mark() {
    // Events are indexed by subject in batches: a listing reads the index up to its mark and
    // scans the log after it. With a batch of 7, the mark moves many times during this test.
    let options = Options::default().audit_index_batch(7).audit_flush_interval_ms(0);
    let v = Vault::open_in_memory(&common::key(1), options).expect("open");
    let app = common::c("app");
    let tokens: Vec<String> =
        (0..5).map(|i| v.create_subject(&app, serde_json::json!({"n": i})).expect("create")).collect();
    let mut expected: Vec<usize> = vec![1; 5];
    for round in 0..23 {
        let k = (round * 3) % 5;
        v.get_subject(&app, &Lookup::token(&tokens[k])).expect("get");
        expected[k] += 1;
        if round % 4 == 0 {
            v.update_subject(&app, &Lookup::token(&tokens[k]), serde_json::json!({"r": round})).expect("update");
            expected[k] += 1;
        }
        // After every step: each subject's listing (paged by 2) holds exactly its events, newest
        // first, each once. (A listing is itself an event about the subject, newer than every
        // cursor it hands out.)
        for (i, t) in tokens.iter().enumerate() {
            let mut seqs = Vec::new();
            let mut page = PageRequest::first(2);
            let mut calls = 0;
            loop {
                let got = v.list_audit_events(&c_admin(), Some(t), &page, false).expect("list");
                if calls == 0 {
                    assert_eq!(got.total as usize, expected[i], "total of subject {i} after round {round}");
                }
                calls += 1;
                seqs.extend(got.items.iter().map(|e| e.seq));
                match got.next {
                    Some(n) => page = PageRequest::after(n, 2),
                    None => break,
                }
            }
            assert_eq!(seqs.len(), expected[i], "subject {i} after round {round}");
            assert!(seqs.windows(2).all(|w| w[0] > w[1]), "newest first, each once");
            expected[i] += calls;
        }
    }
    v.verify_audit(None).expect("verifies");
}

fn c_admin() -> bunkerlite::Caller {
    common::c("admin:dpo")
}

#[test]
fn updates_never_fail_on_a_value_indexed_under_older_rules() {
    let v = Vault::open_in_memory(&common::key(1), Options::default()).expect("open");
    let app = Caller::new("app").expect("actor");
    let token = v.create_subject(&app, json!({"phone": "+49 30 901820", "name": "Ann"})).expect("create");
    // Under older rules "+49 0" was indexed where "+49 30 901820" is; these rules refuse it.
    bunkerlite::testing::store_profile_unindexed(&v, &token, json!({"phone": "+49 0", "name": "Ann"}))
        .expect("stored as an older version left it");
    let ann = Lookup::token(&token);
    // Another field changes: the phone keeps the entry it was indexed with.
    let s = v.update_subject(&app, &ann, json!({"name": "Ann Lee"})).expect("update with an old-rules value");
    assert_eq!(s.profile["phone"], "+49 0");
    // The phone itself changes: the old entry goes (found by the subject's entries, since its
    // value cannot be hashed now) and the new one is indexed.
    v.update_subject(&app, &ann, json!({"phone": "+44 20 7946 0958"})).expect("update the phone");
    assert_eq!(v.get_subject(&app, &Lookup::phone("+44 20 7946 0958")).expect("new entry").token, token);
    let gone = v.get_subject(&app, &Lookup::phone("+4930901820")).expect_err("old entry removed");
    assert_eq!(gone.kind(), ErrorKind::NotFound);
    // A new value must still follow the rules.
    let bad = v.update_subject(&app, &ann, json!({"phone": "+49 1"})).expect_err("new invalid value");
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
    v.forget_subject(&app, &ann).expect("erase");
    v.verify_audit(None).expect("chain and rows agree");
}
