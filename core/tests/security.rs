//! What an attacker with the files sees and can do: no plaintext on disk (before and after
//! erasure), ciphertexts bound to their place, wrong keys refused without a write, and every
//! tampering with the audit log detected.

mod common;

use common::assert_absent;

use bunkerlite::{AuditHead, ErrorKind, Lookup, MasterKey, Options, PageRequest, Vault};
use serde_json::json;
use std::collections::HashMap;

/// A raw-SQL change an attacker with the file makes.
type Tamper<'a> = Box<dyn Fn(&rusqlite::Connection) + 'a>;

fn canary(i: usize, field: &str) -> String {
    format!("Cnry{field}{i:05}Zq")
}

#[test]
fn no_plaintext_or_residue_on_disk() {
    let tv = common::temp_vault();
    let vault = common::open(&tv.path, 1);
    let n = 1000;
    let profiles: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "email": format!("{}@example.org", canary(i, "mail")),
                "login": canary(i, "login"),
                "name": canary(i, "name"),
                "address": {"street": canary(i, "street")},
            })
        })
        .collect();
    let tokens = vault.create_subjects(&common::c("app:seed"), profiles).expect("create");
    for i in (0..n).step_by(10) {
        vault
            .update_subject(&common::c("app:crm"), &Lookup::token(&tokens[i]), json!({"note": canary(i, "note")}))
            .expect("update");
        vault.get_subject(&common::c("app:crm"), &Lookup::login(canary(i, "login"))).expect("read");
        // An app document and a session (its id a bearer secret: never stored either).
        let who = Lookup::token(&tokens[i]);
        let shop = common::c("app:shop");
        vault.put_app_document(&shop, &who, "shipping", json!({"street": canary(i, "appdoc")})).expect("app");
        vault.update_app_document(&shop, &who, "shipping", json!({"floor": canary(i, "apppatch")})).expect("app");
        let options = json!({"id": canary(i, "sessionid"), "subject": tokens[i]});
        vault.set_session(&shop, json!({"cart": canary(i, "session")}), Some(options)).expect("session");
        vault.get_session(&shop, &canary(i, "sessionid")).expect("session read");
    }
    // Capture what erasure must remove: the erased subjects' ciphertexts and wrapped keys.
    let erase: Vec<usize> = (0..n).step_by(7).collect();
    let raw = common::raw(&tv.path);
    let mut residue: Vec<(&str, Vec<u8>)> = Vec::new();
    for &i in &erase {
        let token = uuid_bytes(&tokens[i]);
        let (dek, profile): (Vec<u8>, Vec<u8>) = raw
            .query_row("SELECT dek, profile FROM subjects WHERE token = ?1", [token.as_slice()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("row");
        let hashes: Vec<Vec<u8>> = raw
            .prepare("SELECT hash FROM subject_index i JOIN subjects s ON s.id = i.subject_id WHERE s.token = ?1")
            .expect("prepare")
            .query_map([token.as_slice()], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(hashes.len(), 2);
        let sealed: Vec<(&str, Vec<u8>)> = raw
            .prepare(
                "SELECT 'app document', document FROM app_documents a JOIN subjects s ON s.id = a.subject_id
                   WHERE s.token = ?1
                 UNION ALL SELECT 'session data', data FROM sessions x JOIN subjects s ON s.id = x.subject_id
                   WHERE s.token = ?1",
            )
            .expect("prepare")
            .query_map([token.as_slice()], |r| {
                Ok((if r.get::<_, String>(0)? == "session data" { "session data" } else { "app document" }, r.get(1)?))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(sealed.len(), if i % 10 == 0 { 2 } else { 0 });
        residue.extend(sealed.into_iter().map(|(what, c)| (what, c[17..33].to_vec())));
        // 16 bytes of each ciphertext body (after the 17-byte header) and of each index hash:
        // random-looking, so finding one anywhere means the row's bytes survived.
        residue.push(("wrapped data key", dek[17..33].to_vec()));
        residue.push(("profile ciphertext", profile[17..33].to_vec()));
        residue.extend(hashes.iter().map(|h| ("blind index", h[..16].to_vec())));
    }
    drop(raw);
    vault.close().expect("close");

    let all: Vec<String> = (0..n)
        .flat_map(|i| {
            ["mail", "login", "name", "street", "note", "appdoc", "apppatch", "sessionid", "session"]
                .map(|f| canary(i, f))
        })
        .collect();
    assert_absent(&common::all_bytes(&tv.path), &all, "before erasure");

    let vault = common::open(&tv.path, 1);
    for &i in &erase {
        vault.forget_subject(&common::c("admin:dpo"), &Lookup::token(&tokens[i])).expect("forget");
    }
    // Deleted rows are zeroed and the WAL truncated, but SQLite may keep stale copies of rows it
    // moved between pages earlier; compaction removes them. After it, nothing may remain.
    let report = vault.compact(&common::c("admin:dpo")).expect("compact");
    assert!(report.wal_truncated && report.bytes_after <= report.bytes_before, "{report:?}");
    let open_files = common::files_bytes(&tv.path);
    vault.close().expect("close");
    let closed_bytes = common::all_bytes(&tv.path);
    assert_absent(&closed_bytes, &all, "after erasure");
    let residue: HashMap<Vec<u8>, &str> = residue.into_iter().map(|(what, bytes)| (bytes, what)).collect();
    for (when, files) in [("vault open", &open_files), ("closed", &common::files_bytes(&tv.path))] {
        for (file, bytes) in files {
            let found: Vec<(usize, &str)> =
                bytes.windows(16).enumerate().filter_map(|(at, w)| residue.get(w).map(|what| (at, *what))).collect();
            assert!(found.is_empty(), "{when}: bytes of erased subjects remain in {}: {found:?}", file.display());
        }
    }
    // The files hold what remains, and it still decrypts.
    let vault = common::open(&tv.path, 1);
    assert_eq!(
        vault.get_subject(&common::c("app"), &Lookup::token(&tokens[1])).expect("kept").profile["name"],
        canary(1, "name")
    );
    vault.verify_audit(None).expect("chain verifies");
}

fn uuid_bytes(token: &str) -> Vec<u8> {
    hex::decode(token.replace('-', "")).expect("uuid hex")
}

#[test]
fn ciphertexts_are_bound_to_their_place() {
    let tv = common::temp_vault();
    let vault = common::open(&tv.path, 1);
    let a = vault.create_subject(&common::c("app"), json!({"email": "a@x.org", "secret": "A"})).expect("a");
    let b = vault.create_subject(&common::c("app"), json!({"email": "b@x.org", "secret": "B"})).expect("b");
    vault.update_subject(&common::c("app"), &Lookup::token(&a), json!({"secret": "A2"})).expect("update");
    vault.close().expect("close");
    let (ta, tb) = (uuid_bytes(&a), uuid_bytes(&b));

    let cases: Vec<(&str, Tamper)> = vec![
        (
            "profile of A into B's row",
            Box::new(|c| {
                c.execute(
                    "UPDATE subjects SET profile = (SELECT profile FROM subjects WHERE token = ?1) WHERE token = ?2",
                    [ta.as_slice(), tb.as_slice()],
                )
                .expect("sql");
            }),
        ),
        (
            "key of A into B's row",
            Box::new(|c| {
                c.execute(
                    "UPDATE subjects SET dek = (SELECT dek FROM subjects WHERE token = ?1) WHERE token = ?2",
                    [ta.as_slice(), tb.as_slice()],
                )
                .expect("sql");
            }),
        ),
        // Same subject, same key, other column: only the associated data tells them apart.
        (
            "A's audit details into A's profile column",
            Box::new(|c| {
                c.execute("UPDATE subjects SET profile = (SELECT details FROM audit WHERE subject = ?1 AND details IS NOT NULL LIMIT 1) WHERE token = ?1", [ta.as_slice()]).expect("sql");
            }),
        ),
        (
            "row key swapped: A's token on B's row",
            Box::new(|c| {
                c.execute_batch("PRAGMA foreign_keys = OFF").expect("fk");
                c.execute("UPDATE subjects SET token = randomblob(16) WHERE token = ?1", [ta.as_slice()]).expect("sql");
                c.execute("UPDATE subjects SET token = ?1 WHERE token = ?2", [ta.as_slice(), tb.as_slice()])
                    .expect("sql");
            }),
        ),
    ];
    let target = |case: &str| if case.starts_with("A's") || case.starts_with("row") { a.clone() } else { b.clone() };
    let pristine = std::fs::read(&tv.path).expect("read");
    for (name, tamper) in cases {
        std::fs::write(&tv.path, &pristine).expect("restore");
        tamper(&common::raw(&tv.path));
        let vault = common::open(&tv.path, 1);
        let e = vault.get_subject(&common::c("app"), &Lookup::token(target(name))).expect_err(name);
        assert_eq!(e.kind(), ErrorKind::Integrity, "{name}: {e}");
        vault.close().expect("close");
    }
}

#[test]
fn wrong_keys_fail_without_writing() {
    let tv = common::temp_vault();
    let right = MasterKey::generate().expect("key");
    let vault = Vault::open(&tv.path, &right, Options::default()).expect("create");
    let t = vault.create_subject(&common::c("app"), json!({"email": "k@x.org"})).expect("create");
    vault.close().expect("close");
    let before = common::hashes(&tv.path);
    for _ in 0..20 {
        let wrong = MasterKey::generate().expect("key");
        let e = Vault::open(&tv.path, &wrong, Options::default()).expect_err("wrong key");
        assert_eq!(e.kind(), ErrorKind::WrongKey);
        assert_eq!(common::hashes(&tv.path), before, "files changed by a wrong-key open");
    }
    let vault = Vault::open(&tv.path, &right, Options::default()).expect("right key");
    vault.get_subject(&common::c("app"), &Lookup::token(&t)).expect("data intact");
}

#[test]
fn wrong_key_while_another_handle_is_open() {
    let tv = common::temp_vault();
    let vault = common::open(&tv.path, 1);
    vault.create_subject(&common::c("app"), json!({"a": 1})).expect("create");
    let e = Vault::open(&tv.path, &common::key(2), Options::default()).expect_err("wrong");
    assert_eq!(e.kind(), ErrorKind::WrongKey);
    vault.create_subject(&common::c("app"), json!({"a": 2})).expect("still usable");
}

/// Apply `tamper` to a copy of a vault with a known chain and return what verify says.
fn verify_after(
    tamper: &dyn Fn(&rusqlite::Connection),
    anchor: Option<&AuditHead>,
) -> bunkerlite::Result<bunkerlite::AuditReport> {
    let tv = common::temp_vault();
    let vault = common::open(&tv.path, 1);
    let t = vault.create_subject(&common::c("app"), json!({"email": "t@x.org"})).expect("create");
    for i in 0..5 {
        vault.update_subject(&common::c("app"), &Lookup::token(&t), json!({"n": i})).expect("update");
        vault.get_subject(&common::c("app"), &Lookup::token(&t)).expect("get");
    }
    vault.close().expect("close");
    tamper(&common::raw(&tv.path));
    let vault = common::open(&tv.path, 1);
    // Verify before anything else appends to the log.
    vault.verify_audit(anchor)
}

#[test]
fn audit_tampering_is_detected() {
    let ok = verify_after(&|_| {}, None).expect("untouched log verifies");
    assert_eq!(ok.events, 11);
    let cases: Vec<(&str, Tamper)> = vec![
        ("edit actor", Box::new(|c| drop(c.execute("UPDATE audit SET actor = 'app:other' WHERE seq = 4", [])))),
        ("edit outcome", Box::new(|c| drop(c.execute("UPDATE audit SET outcome = 200 WHERE seq = 3", [])))),
        ("edit time", Box::new(|c| drop(c.execute("UPDATE audit SET time_ms = time_ms + 1 WHERE seq = 2", [])))),
        (
            "flip a details byte",
            Box::new(|c| {
                let d: Vec<u8> = c.query_row("SELECT details FROM audit WHERE seq = 2", [], |r| r.get(0)).expect("d");
                let mut d = d;
                d[20] ^= 1;
                c.execute("UPDATE audit SET details = ?1 WHERE seq = 2", [d]).expect("sql");
            }),
        ),
        ("flip a mac byte", Box::new(|c| drop(c.execute("UPDATE audit SET mac = randomblob(32) WHERE seq = 6", [])))),
        ("delete a middle event", Box::new(|c| drop(c.execute("DELETE FROM audit WHERE seq = 5", [])))),
        ("delete the first event", Box::new(|c| drop(c.execute("DELETE FROM audit WHERE seq = 1", [])))),
        (
            "delete and renumber",
            Box::new(|c| {
                c.execute("DELETE FROM audit WHERE seq = 5", []).expect("sql");
                c.execute("UPDATE audit SET seq = seq - 1 WHERE seq > 5", []).expect("sql");
            }),
        ),
        (
            "insert a copy",
            Box::new(|c| {
                c.execute("UPDATE audit SET seq = seq + 1000 WHERE seq >= 4", []).expect("shift");
                c.execute("UPDATE audit SET seq = seq - 999 WHERE seq >= 1000", []).expect("shift");
                c.execute("INSERT INTO audit SELECT 4, time_ms, actor, purpose, action, subject, subject_id, version, outcome, details, mac, ref, details_hash FROM audit WHERE seq = 3", []).expect("sql");
            }),
        ),
        (
            "swap two events",
            Box::new(|c| {
                c.execute("UPDATE audit SET seq = -1 WHERE seq = 3", []).expect("sql");
                c.execute("UPDATE audit SET seq = 3 WHERE seq = 4", []).expect("sql");
                c.execute("UPDATE audit SET seq = 4 WHERE seq = -1", []).expect("sql");
            }),
        ),
        (
            "change the subject",
            Box::new(|c| drop(c.execute("UPDATE audit SET subject = randomblob(16) WHERE seq = 7", []))),
        ),
        (
            "hide an event from its subject",
            Box::new(|c| drop(c.execute("UPDATE audit SET subject_id = NULL WHERE seq = 7", []))),
        ),
        // Absent and empty are told apart by the MAC (an empty value where none was, and back).
        (
            "absent details made empty",
            Box::new(|c| drop(c.execute("UPDATE audit SET details = X'' WHERE seq = 1", []))),
        ),
        ("absent purpose made empty", Box::new(|c| drop(c.execute("UPDATE audit SET purpose = '' WHERE seq = 3", [])))),
        ("absent version set", Box::new(|c| drop(c.execute("UPDATE audit SET version = 0 WHERE seq = 3", [])))),
        ("details removed", Box::new(|c| drop(c.execute("UPDATE audit SET details = NULL WHERE seq = 2", [])))),
        // Format 12: the MAC covers the details' SHA-256, so details removed down to their hash
        // still give the MAC — but only a recorded shredding may do that.
        (
            "details shredded without a recorded shredding",
            Box::new(|c| {
                let d: Vec<u8> = c.query_row("SELECT details FROM audit WHERE seq = 2", [], |r| r.get(0)).expect("d");
                let hash = <sha2::Sha256 as sha2::Digest>::digest(&d).to_vec();
                c.execute("UPDATE audit SET details = NULL, details_hash = ?1 WHERE seq = 2", [hash]).expect("sql");
            }),
        ),
        (
            "a hash planted beside details",
            Box::new(|c| drop(c.execute("UPDATE audit SET details_hash = randomblob(32) WHERE seq = 2", []))),
        ),
        (
            "the digest mark moved on",
            Box::new(|c| drop(c.execute("UPDATE meta SET value = 3 WHERE name = 'audit_digests_from'", []))),
        ),
        (
            "the digest mark moved past the log",
            Box::new(|c| drop(c.execute("UPDATE meta SET value = 1000 WHERE name = 'audit_digests_from'", []))),
        ),
    ];
    for (name, tamper) in cases {
        let e = verify_after(tamper.as_ref(), None).expect_err(name);
        assert_eq!(e.kind(), ErrorKind::Integrity, "{name}");
    }
}

#[test]
fn truncation_and_rollback_are_detected_with_an_anchor() {
    let tv = common::temp_vault();
    let vault = common::open(&tv.path, 1);
    let t = vault.create_subject(&common::c("app"), json!({"email": "t@x.org"})).expect("create");
    vault.close().expect("close");
    let old_copy = std::fs::read(&tv.path).expect("snapshot");
    let vault = common::open(&tv.path, 1);
    for i in 0..4 {
        vault.update_subject(&common::c("app"), &Lookup::token(&t), json!({"n": i})).expect("update");
    }
    for _ in 0..2 {
        vault.get_subject(&common::c("app"), &Lookup::token(&t)).expect("read");
    }
    let anchor = vault.get_audit_head().expect("head");
    assert_eq!(anchor.seq, 7);
    assert_eq!(vault.verify_audit(Some(&anchor)).expect("verifies").events, 7);
    vault.close().expect("close");
    let pristine = std::fs::read(&tv.path).expect("read");

    // Truncating changes: the subject's row no longer matches its last audited change, which
    // verify reports even without an anchor.
    common::raw(&tv.path).execute("DELETE FROM audit WHERE seq > 3", []).expect("truncate");
    let vault = common::open(&tv.path, 1);
    let e = vault.verify_audit(None).expect_err("rows ahead of the log");
    assert!(e.message().contains("last audited change"), "{e}");
    vault.close().expect("close");

    // Truncating the two reads: without the anchor the rest is a valid chain.
    std::fs::write(&tv.path, &pristine).expect("restore");
    common::raw(&tv.path).execute("DELETE FROM audit WHERE seq > 5", []).expect("truncate");
    let vault = common::open(&tv.path, 1);
    assert_eq!(vault.verify_audit(None).expect("prefix is a valid chain").events, 5);
    assert_eq!(vault.verify_audit(Some(&anchor)).expect_err("truncated").kind(), ErrorKind::Integrity);
    vault.close().expect("close");

    // Rollback: the whole file replaced by an older copy.
    std::fs::write(&tv.path, &old_copy).expect("rollback");
    let vault = common::open(&tv.path, 1);
    assert_eq!(vault.verify_audit(Some(&anchor)).expect_err("rolled back").kind(), ErrorKind::Integrity);
    vault.close().expect("close");

    // Rollback then new events past the anchor's seq: the event at the anchor differs.
    std::fs::write(&tv.path, &old_copy).expect("rollback");
    let vault = common::open(&tv.path, 1);
    for i in 0..6 {
        vault.update_subject(&common::c("app"), &Lookup::token(&t), json!({"m": i})).expect("update");
    }
    let e = vault.verify_audit(Some(&anchor)).expect_err("rewritten");
    assert_eq!(e.kind(), ErrorKind::Integrity);
    vault.close().expect("close");

    std::fs::write(&tv.path, &pristine).expect("restore");
    let vault = common::open(&tv.path, 1);
    vault.verify_audit(Some(&anchor)).expect("restored file verifies");
    let bad = AuditHead { seq: 1, hash: "zz".into() };
    assert_eq!(vault.verify_audit(Some(&bad)).expect_err("bad anchor").kind(), ErrorKind::InvalidInput);
}

#[test]
fn every_operation_and_failure_is_audited() {
    let vault = Vault::open_in_memory(&common::key(1), Options::default()).expect("open");
    let t = vault.create_subject(&common::c("app:signup"), json!({"email": "a@x.org"})).expect("create");
    vault.get_subject(&common::c("app:billing"), &Lookup::email("a@x.org")).expect("get");
    vault.get_subject(&common::c("app:billing"), &Lookup::email("nobody@x.org")).expect_err("miss");
    vault.create_subject(&common::c("app:signup"), json!({"email": "a@x.org"})).expect_err("dup");
    vault.update_subject(&common::c("admin:ann"), &Lookup::token(&t), json!({"name": "Ann"})).expect("update");
    let dpo = common::c("admin:dpo");
    let all = vault.list_audit_events(&dpo, None, &PageRequest::first(100), false).expect("all");
    let seen: Vec<(String, String, String, bool)> = all
        .items
        .iter()
        .rev()
        .map(|e| (e.actor.clone(), e.action.clone(), e.outcome.clone(), e.subject.is_some()))
        .collect();
    let expected = [
        ("app:signup", "subject.create", "ok", true),
        ("app:billing", "subject.get", "ok", true),
        ("app:billing", "subject.get", "NOT_FOUND", false),
        ("app:signup", "subject.create", "DUPLICATE", false),
        ("admin:ann", "subject.update", "ok", true),
    ];
    let expected: Vec<_> =
        expected.iter().map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), *d)).collect();
    assert_eq!(seen, expected);
    let mine = vault.list_audit_events(&dpo, Some(&t), &PageRequest::first(10), true).expect("mine");
    let update = mine.items.iter().find(|e| e.action == "subject.update").expect("update event");
    assert_eq!(update.details, Some(json!({"before": {}, "after": {"name": "Ann"}})));
    assert!(mine.items[0].seq > mine.items[1].seq, "newest first");
    // Listing the audit is itself audited.
    let again = vault.list_audit_events(&dpo, None, &PageRequest::first(1), false).expect("page");
    assert_eq!(again.items[0].action, "audit.list_details", "a listing with details is audited as such");
    assert_eq!(again.total, 7);
    for bad in [0, 5000] {
        let e = vault.list_audit_events(&dpo, None, &PageRequest::first(bad), false).expect_err("limit");
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }
    let e = vault.list_audit_events(&dpo, Some("nope"), &PageRequest::first(5), false).expect_err("token");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

/// A vault file with two subjects (Ann updated once, so her profile has an older ciphertext
/// too), closed; returns the tokens and Ann's profile row as it was at version 1.
fn two_subjects(path: &std::path::Path) -> (String, String, (Vec<u8>, i64, i64, i64)) {
    let vault = common::open(path, 1);
    let ann = vault.create_subject(&common::c("app"), json!({"email": "ann@x.org", "secret": "A"})).expect("ann");
    let bob = vault.create_subject(&common::c("app"), json!({"email": "bob@x.org", "secret": "B"})).expect("bob");
    vault.close().expect("close");
    let old: (Vec<u8>, i64, i64, i64) = common::raw(path)
        .query_row(
            "SELECT profile, version, created_ms, updated_ms FROM subjects WHERE token = ?1",
            [uuid_bytes(&ann)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("row");
    std::thread::sleep(std::time::Duration::from_millis(2));
    let vault = common::open(path, 1);
    vault.update_subject(&common::c("app"), &Lookup::token(&ann), json!({"secret": "A2"})).expect("update");
    vault.close().expect("close");
    (ann, bob, old)
}

/// Flip one bit of a blob column's envelope header (byte 1: the key id).
/// Flip a bit of the key id in the envelope `sql_select` reads and write it back with
/// `sql_update` (`?1` the blob); `row`, when given, is bound as `?1` of the select and `?2` of the
/// update.
fn flip_key_id(c: &rusqlite::Connection, sql_select: &str, sql_update: &str, row: Option<&[u8]>) {
    let mut blob: Vec<u8> = match row {
        Some(r) => c.query_row(sql_select, [r], |x| x.get(0)),
        None => c.query_row(sql_select, [], |x| x.get(0)),
    }
    .expect("select");
    blob[1] ^= 0x40;
    match row {
        Some(r) => c.execute(sql_update, rusqlite::params![blob, r]),
        None => c.execute(sql_update, [blob]),
    }
    .expect("update");
}

#[test]
fn envelope_headers_row_versions_and_index_rows_are_checked() {
    let tv = common::temp_vault();
    let (ann, bob, old) = two_subjects(&tv.path);
    let pristine = std::fs::read(&tv.path).expect("read");
    let restore = || std::fs::write(&tv.path, &pristine).expect("restore");
    let get_ann = || {
        let vault = common::open(&tv.path, 1);
        let value = vault.get_subject(&common::c("app"), &Lookup::token(&ann)).map(|s| s.profile);
        // The text form (what the bindings read) checks exactly what the Value form checks.
        let text = bunkerlite::bridge::get_subject_json(&vault, &common::c("app"), &Lookup::token(&ann));
        match (&value, &text) {
            (Ok(v), Ok(t)) => assert_eq!(&serde_json::from_str::<serde_json::Value>(t).expect("json")["profile"], v),
            (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind()),
            _ => panic!("get_subject and get_subject_json disagree"),
        }
        value
    };
    assert_eq!(get_ann().expect("untouched")["secret"], "A2");

    // The key id in the header of each kind of blob is authenticated and checked.
    let ann_token = uuid_bytes(&ann);
    for (what, select, update) in [
        (
            "profile",
            "SELECT profile FROM subjects WHERE token = ?1",
            "UPDATE subjects SET profile = ?1 WHERE token = ?2",
        ),
        (
            "wrapped data key",
            "SELECT dek FROM subjects WHERE token = ?1",
            "UPDATE subjects SET dek = ?1 WHERE token = ?2",
        ),
    ] {
        flip_key_id(&common::raw(&tv.path), select, update, Some(&ann_token[..]));
        assert_eq!(get_ann().expect_err(what).kind(), ErrorKind::Integrity, "{what}");
        restore();
    }
    for (what, select, update) in [
        (
            "purpose key",
            "SELECT wrapped FROM keys WHERE purpose = 'kek'",
            "UPDATE keys SET wrapped = ?1 WHERE purpose = 'kek'",
        ),
        (
            "root key wrapping",
            "SELECT wrapped FROM key_wrappings WHERE method = 'master'",
            "UPDATE key_wrappings SET wrapped = ?1 WHERE method = 'master'",
        ),
    ] {
        flip_key_id(&common::raw(&tv.path), select, update, None);
        let e = Vault::open(&tv.path, &common::key(1), Options::default()).expect_err(what);
        assert_eq!(e.kind(), ErrorKind::Integrity, "{what}: {e}");
        restore();
    }
    flip_key_id(
        &common::raw(&tv.path),
        "SELECT details FROM audit WHERE details IS NOT NULL",
        "UPDATE audit SET details = ?1 WHERE details IS NOT NULL",
        None,
    );
    let vault = common::open(&tv.path, 1);
    let e = vault.list_audit_events(&common::c("app"), Some(&ann), &PageRequest::first(10), true).expect_err("details");
    assert_eq!(e.kind(), ErrorKind::Integrity);
    drop(vault);
    restore();

    // The profile is bound to its row's version and timestamps.
    for edit in [
        "UPDATE subjects SET version = version + 1",
        "UPDATE subjects SET updated_ms = updated_ms + 1",
        "UPDATE subjects SET created_ms = created_ms - 1",
    ] {
        common::raw(&tv.path).execute(edit, []).expect("edit");
        assert_eq!(get_ann().expect_err(edit).kind(), ErrorKind::Integrity, "{edit}");
        restore();
    }

    // A whole-row rollback (the old ciphertext with its old version and timestamps) is
    // self-consistent, so a read accepts it; verify reports it.
    common::raw(&tv.path)
        .execute(
            "UPDATE subjects SET profile = ?1, version = ?2, created_ms = ?3, updated_ms = ?4 WHERE token = ?5",
            rusqlite::params![old.0, old.1, old.2, old.3, ann_token],
        )
        .expect("rollback");
    assert_eq!(get_ann().expect("a consistent old row reads")["secret"], "A");
    let vault = common::open(&tv.path, 1);
    let e = vault.verify_audit(None).expect_err("rolled-back row");
    assert_eq!(e.kind(), ErrorKind::Integrity);
    assert!(e.message().contains("last audited change"), "{e}");
    drop(vault);
    restore();

    // An index entry re-pointed at another subject is never trusted: a lookup by Ann's email
    // does not return Bob, and an erasure by Ann's email erases nobody.
    common::raw(&tv.path)
        .execute(
            "UPDATE subject_index SET subject_id = (SELECT id FROM subjects WHERE token = ?1)
             WHERE field = 'email' AND subject_id = (SELECT id FROM subjects WHERE token = ?2)",
            [uuid_bytes(&bob), ann_token.clone()],
        )
        .expect("re-point");
    let vault = common::open(&tv.path, 1);
    let e = vault.get_subject(&common::c("app"), &Lookup::email("ann@x.org")).expect_err("re-pointed");
    assert_eq!(e.kind(), ErrorKind::Integrity);
    let e = bunkerlite::bridge::get_subject_json(&vault, &common::c("app"), &Lookup::email("ann@x.org"))
        .expect_err("re-pointed");
    assert_eq!(e.kind(), ErrorKind::Integrity);
    // Spelled otherwise (the stored value is then normalised and hashed again), the same.
    for spelling in ["ANN@x.org", " Ann@X.org "] {
        let e = bunkerlite::bridge::get_subject_json(&vault, &common::c("app"), &Lookup::email(spelling))
            .expect_err("re-pointed");
        assert_eq!(e.kind(), ErrorKind::Integrity, "{spelling}");
    }
    let e = vault.forget_subject(&common::c("app"), &Lookup::email("ann@x.org")).expect_err("re-pointed");
    assert_eq!(e.kind(), ErrorKind::Integrity);
    assert_eq!(vault.get_subject(&common::c("app"), &Lookup::token(&bob)).expect("Bob kept").profile["secret"], "B");
    drop(vault);
    restore();
}

#[test]
fn a_planted_schema_object_refuses_the_open_and_nothing_is_written() {
    let tv = common::temp_vault();
    let vault = common::open(&tv.path, 1);
    vault.create_subject(&common::c("app"), json!({"email": "t@x.org"})).expect("create");
    vault.close().expect("close");
    let pristine = std::fs::read(&tv.path).expect("read");
    for plant in [
        "CREATE TABLE stash (token BLOB, dek BLOB, profile BLOB);
         CREATE TRIGGER keep BEFORE DELETE ON subjects BEGIN INSERT INTO stash VALUES (old.token, old.dek, old.profile); END;",
        "CREATE VIEW everyone AS SELECT * FROM subjects;",
        "CREATE TABLE extra (x);",
        "CREATE INDEX extra_index ON subjects (created_ms);",
    ] {
        std::fs::write(&tv.path, &pristine).expect("restore");
        common::raw(&tv.path).execute_batch(plant).expect("plant");
        let before = common::hashes(&tv.path);
        let e = Vault::open(&tv.path, &common::key(1), Options::default()).expect_err(plant);
        assert_eq!(e.kind(), ErrorKind::Integrity, "{plant}");
        assert!(!e.message().contains("stash") && !e.message().contains("keep"), "{e}");
        assert_eq!(common::hashes(&tv.path), before, "nothing written");
    }
}

/// The WAL file's bytes (empty when truncated or absent).
fn wal_bytes(path: &std::path::Path) -> Vec<u8> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::read(std::path::PathBuf::from(wal)).unwrap_or_default()
}

#[test]
fn coalesced_wal_truncation_holds_its_stated_point() {
    let tv = common::temp_vault();
    let open = |window: u64| {
        let options = Options::default().erasure_wal_window_ms(window);
        Vault::open(&tv.path, &common::key(1), options).expect("open")
    };
    // Bytes of a subject's profile ciphertext, to look for in the WAL after its erasure.
    let fragment = |token: &str| -> Vec<u8> {
        let profile: Vec<u8> = common::raw(&tv.path)
            .query_row("SELECT profile FROM subjects WHERE token = ?1", [uuid_bytes(token).as_slice()], |r| r.get(0))
            .expect("row");
        profile[17..33].to_vec()
    };
    let app = common::c("admin:dpo");

    // Without a window, the erasure itself truncates the WAL.
    let vault = open(0);
    let t = vault.create_subject(&app, json!({"email": "zero@x.org"})).expect("create");
    let r = vault.forget_subject(&app, &Lookup::token(&t)).expect("forget");
    assert!(r.wal_truncated && r.wal_truncation_due_ms.is_none(), "{r:?}");
    assert!(wal_bytes(&tv.path).is_empty());
    vault.close().expect("close");

    // A long window: the erasure returns at once with the due time; the WAL still holds the
    // subject's pages until flush_audit completes the truncation.
    let vault = open(60_000);
    let tokens = vault
        .create_subjects(&app, (0..50).map(|i| json!({"email": format!("w{i}@x.org"), "note": "n"})).collect())
        .expect("create");
    vault.flush_audit().expect("flush");
    let bits = fragment(&tokens[0]);
    let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64;
    let r = vault.forget_subject(&app, &Lookup::token(&tokens[0])).expect("forget");
    assert!(!r.wal_truncated, "{r:?}");
    let due = r.wal_truncation_due_ms.expect("due");
    assert!((before + 59_000..=before + 61_000).contains(&due), "due {due}, now {before}");
    // The backend-neutral fields say the same, and the backend's own part names the WAL.
    assert_eq!((r.residue_scrubbed, r.residue_scrub_due_ms), (false, Some(due)));
    assert_eq!(
        serde_json::to_value(&r.storage).expect("json"),
        json!({"backend": "sqlite", "wal_truncated": false, "wal_truncation_due_ms": due})
    );
    assert!(!wal_bytes(&tv.path).is_empty(), "the truncation waits for its window");
    // A second erasure inside the window is coalesced into the same truncation.
    let r2 = vault.forget_subjects(&app, &[Lookup::token(&tokens[1])]).expect("forget");
    assert_eq!(r2[0].as_ref().expect("erased").wal_truncation_due_ms, Some(due));
    vault.flush_audit().expect("flush completes pending truncations");
    let wal = wal_bytes(&tv.path);
    assert!(wal.is_empty() && !common::contains(&wal, &bits), "WAL truncated at the stated point");
    vault.close().expect("close");

    // A short window: the background thread truncates by the due time, with no further call.
    let vault = open(200);
    let bits = fragment(&tokens[2]);
    let r = vault.forget_subject(&app, &Lookup::token(&tokens[2])).expect("forget");
    let due = r.wal_truncation_due_ms.expect("due");
    let mut waited = 0;
    while !wal_bytes(&tv.path).is_empty() && waited < 5_000 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        waited += 50;
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64;
    let wal = wal_bytes(&tv.path);
    assert!(wal.is_empty() && !common::contains(&wal, &bits), "truncated by the background thread");
    assert!(now >= due - 50, "not before it was due");
    vault.close().expect("close");

    // A process that ends inside the window (never closing) leaves the WAL as it was; the next
    // open completes the truncation.
    let vault = open(60_000);
    let bits = fragment(&tokens[3]);
    let r = vault.forget_subject(&app, &Lookup::token(&tokens[3])).expect("forget");
    assert!(!r.wal_truncated);
    assert!(!wal_bytes(&tv.path).is_empty());
    std::mem::forget(vault); // no close, no drop: as if the process died
    let vault = open(0);
    let wal = wal_bytes(&tv.path);
    assert!(wal.is_empty() && !common::contains(&wal, &bits), "the next open truncated the WAL");
    vault.close().expect("close");

    // Out of range is refused before any file is made.
    let other = tv.path.with_file_name("never.db");
    let options = Options::default().erasure_wal_window_ms(60_001);
    let e = Vault::open(&other, &common::key(1), options).expect_err("too long");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(!other.exists());
}

#[test]
fn events_hidden_from_a_subjects_listing_fail_verification() {
    // The audit's index by subject is a table filled in batches (runs): removing a row of it, or
    // moving its mark past events it does not hold, would hide events from a subject's listing
    // while the chain verifies. verify_audit checks that it matches the log exactly.
    for tamper in [
        "DELETE FROM audit_subjects WHERE seq = (SELECT max(seq) FROM audit_subjects)",
        "UPDATE meta SET value = value + 3 WHERE name = 'audit_indexed'",
        "INSERT INTO audit_subjects (run, subject_id, seq) VALUES ((SELECT min(run) FROM audit_runs), 999999, 1)",
        // The index as runs (format 5): an event listed in a run whose range does not hold it
        // (so it could be listed twice or out of order), a run dropped or its range moved.
        "UPDATE audit_subjects SET run = (SELECT min(run) FROM audit_runs)
             WHERE seq = (SELECT min(seq) FROM audit_subjects WHERE run = (SELECT max(run) FROM audit_runs))",
        "INSERT INTO audit_subjects (run, subject_id, seq)
             SELECT (SELECT max(run) FROM audit_runs), subject_id, seq FROM audit_subjects
             WHERE seq = (SELECT max(seq) FROM audit_subjects WHERE run = (SELECT min(run) FROM audit_runs))",
        "DELETE FROM audit_runs WHERE run = (SELECT min(run) FROM audit_runs)",
        "UPDATE audit_runs SET last_seq = last_seq - 1 WHERE run = (SELECT min(run) FROM audit_runs)",
        "UPDATE audit_runs SET last_seq = last_seq + 100 WHERE run = (SELECT max(run) FROM audit_runs)",
    ] {
        let tv = common::temp_vault();
        let options = bunkerlite::Options::default().audit_index_batch(4);
        let v = bunkerlite::Vault::open(&tv.path, &common::key(1), options.clone()).expect("open");
        let app = common::c("app");
        let t = v.create_subject(&app, serde_json::json!({"n": 1})).expect("create");
        for _ in 0..12 {
            v.get_subject(&app, &bunkerlite::Lookup::token(&t)).expect("get");
            v.flush_audit().expect("flush"); // a pass (a run) every 4 events
        }
        v.verify_audit(None).expect("verifies before");
        v.close().expect("close");
        let raw = common::raw(&tv.path);
        let runs: i64 = raw.query_row("SELECT count(*) FROM audit_runs", [], |r| r.get(0)).expect("runs");
        assert!(runs >= 2, "the scenario has runs to tamper with");
        raw.execute_batch(tamper).expect("tamper");
        drop(raw);
        let v = bunkerlite::Vault::open(&tv.path, &common::key(1), options).expect("reopen");
        let e = v.verify_audit(None).expect_err(tamper);
        assert_eq!(e.kind(), bunkerlite::ErrorKind::Integrity, "{tamper}");
    }
}

#[test]
fn the_audit_index_keeps_few_runs_however_small_its_batches() {
    // Each index pass appends a run; runs that have caught up with the one before them are
    // merged, so a listing looks into few of them even with a pass per event.
    let tv = common::temp_vault();
    let options = bunkerlite::Options::default().audit_index_batch(1);
    let v = bunkerlite::Vault::open(&tv.path, &common::key(1), options).expect("open");
    let app = common::c("app");
    let t = v.create_subject(&app, serde_json::json!({"n": 1})).expect("create");
    for _ in 0..300 {
        v.get_subject(&app, &bunkerlite::Lookup::token(&t)).expect("get");
        v.flush_audit().expect("flush");
    }
    let listed = v.list_audit_events(&app, Some(&t), &bunkerlite::PageRequest::first(1000), false).expect("list");
    assert_eq!(listed.total, 301);
    assert!(listed.items.windows(2).all(|w| w[0].seq > w[1].seq));
    v.verify_audit(None).expect("verifies");
    v.close().expect("close");
    let runs: i64 = common::raw(&tv.path).query_row("SELECT count(*) FROM audit_runs", [], |r| r.get(0)).expect("runs");
    assert!((1..=17).contains(&runs), "{runs} runs for ~300 passes");
}

#[test]
fn a_request_or_a_schedule_deleted_from_the_file_is_detected() {
    let tv = common::temp_vault();
    let vault = common::open(&tv.path, 1);
    let app = common::c("admin:dpo");
    let ann = vault.create_subject(&app, json!({"email": "ann.rows@example.org"})).expect("ann");
    let bob = vault.create_subject(&app, json!({"email": "bob.rows@example.org"})).expect("bob");
    let cy = vault.create_subject(&app, json!({"email": "cy.rows@example.org"})).expect("cy");
    vault.create_request(&app, &Lookup::token(&ann), Some(json!({"kind": "access"}))).expect("request");
    vault.schedule_erasure(&app, &Lookup::token(&bob), Some(json!({"ttl_ms": 86_400_000}))).expect("schedule");
    // A schedule cancelled, one kept by its capability, an erased subject's request and schedule:
    // their rows are gone by the vault's own hand, and the audit says so.
    vault.schedule_erasure(&app, &Lookup::token(&cy), Some(json!({"ttl_ms": 86_400_000}))).expect("schedule");
    vault.cancel_erasure(&app, &Lookup::token(&cy)).expect("cancel");
    let kept = vault.schedule_erasure(&app, &Lookup::token(&ann), Some(json!({"ttl_ms": 86_400_000}))).expect("s");
    vault.retain_by_capability(&common::c("subject"), &kept.capability).expect("retain");
    let dee = vault.create_subject(&app, json!({"email": "dee.rows@example.org"})).expect("dee");
    vault.create_request(&app, &Lookup::token(&dee), Some(json!({"kind": "erase"}))).expect("request");
    vault.schedule_erasure(&app, &Lookup::token(&dee), Some(json!({"ttl_ms": 86_400_000}))).expect("schedule");
    vault.forget_subject(&app, &Lookup::token(&dee)).expect("forget");
    vault.close().expect("close");
    let pristine = std::fs::read(&tv.path).expect("read");
    let vault = common::open(&tv.path, 1);
    vault.verify_audit(None).expect("the vault's own deletions verify");
    vault.close().expect("close");
    for (table, what) in [("requests", "data-subject request"), ("erasure_schedules", "scheduled erasure")] {
        std::fs::write(&tv.path, &pristine).expect("restore");
        common::raw(&tv.path).execute(&format!("DELETE FROM {table}"), []).expect("delete");
        let vault = common::open(&tv.path, 1);
        let e = vault.verify_audit(None).expect_err(table);
        assert_eq!(e.kind(), ErrorKind::Integrity, "{table}");
        assert!(e.message().contains(what), "{table}: {e}");
        vault.close().expect("close");
    }
}

#[test]
fn the_requests_outbox_is_checked_where_it_is_acknowledged_and_where_it_is_read() {
    let tv = common::temp_vault();
    let options = Options::from_json(json!({"sqlite": {"synchronous": "normal"}})).expect("options");
    let vault = Vault::open(&tv.path, &common::key(1), options.clone()).expect("open");
    let app = common::c("admin:dpo");
    let profiles: Vec<_> = (0..1_300).map(|i| json!({"email": format!("outbox{i}@example.org")})).collect();
    let tokens = vault.create_subjects(&app, profiles).expect("subjects");
    for t in &tokens {
        vault.create_request(&app, &Lookup::token(t), Some(json!({"kind": "access"}))).expect("request");
    }
    let first = vault.list_request_events(&app, &PageRequest::first(1_000)).expect("page 1");
    let second = vault.list_request_events(&app, &PageRequest::after(first.next.clone().expect("more"), 200));
    let cursor = second.expect("page 2").items.last().expect("item").cursor.clone();
    vault.close().expect("close");
    let pristine = std::fs::read(&tv.path).expect("read");
    let reopen = || Vault::open(&tv.path, &common::key(1), options.clone()).expect("open");
    let tamper = |seq: i64| {
        std::fs::write(&tv.path, &pristine).expect("restore");
        let sql = "UPDATE request_events SET state = 'fulfilled' WHERE seq = ?1";
        common::raw(&tv.path).execute(sql, [seq]).expect("tamper");
    };

    // Untouched: 1,200 events acknowledged across two pages of the check; the rest verify.
    std::fs::write(&tv.path, &pristine).expect("restore");
    let vault = reopen();
    assert_eq!(vault.ack_request_events(&app, &cursor).expect("ack").removed, 1_200);
    assert_eq!(vault.list_request_events(&app, &PageRequest::first(1_000)).expect("rest").total, 100);
    vault.verify_audit(None).expect("verifies");
    vault.close().expect("close");

    // An event edited among those acknowledged: the acknowledgement refuses (nothing deleted).
    tamper(1_100);
    let vault = reopen();
    let e = vault.ack_request_events(&app, &cursor).expect_err("edited event acknowledged");
    assert_eq!(e.kind(), ErrorKind::Integrity);
    // A page is checked from the event before it through its last: the page holding the edit fails.
    let page = PageRequest::after(first.next.clone().expect("more"), 200);
    assert_eq!(vault.list_request_events(&app, &page).expect_err("listed").kind(), ErrorKind::Integrity);
    vault.close().expect("close");

    // An event edited past the page of the check (1,000 events from the acknowledged end): an
    // acknowledgement before it goes through, listing the event refuses.
    tamper(1_290);
    let vault = reopen();
    let early = first.items[499].cursor.clone();
    assert_eq!(vault.ack_request_events(&app, &early).expect("ack before the edited event").removed, 500);
    let e = vault.list_request_events(&app, &PageRequest::first(1_000)).expect_err("edited event listed");
    assert_eq!(e.kind(), ErrorKind::Integrity);
    vault.close().expect("close");
}
