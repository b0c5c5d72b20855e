//! Export (access and portability) through the public API: the document holds everything of
//! the subject and nothing of anyone else, the file form appears whole or not at all and never
//! replaces a file, a failing destination is `STORAGE` and audited, and a long trail streams.

use std::io::{self, Write};

use bunkerlite::{Caller, ErrorKind, Lookup, MasterKey, Options, PageRequest, Vault};
use serde_json::{json, Value};

fn open() -> Vault {
    let key = MasterKey::from_bytes(&[9; 32]).expect("key");
    Vault::open_in_memory(&key, Options::default()).expect("open")
}

fn app() -> Caller {
    Caller::new("app:web").expect("actor")
}

/// Ann with something in every area, and Bob beside her (whose data must never show).
fn populated(vault: &Vault) -> (String, String) {
    let a = app();
    let ann = vault.create_subject(&a, json!({"email": "ann.canary@example.org", "name": "Ann"})).expect("ann");
    let bob = vault.create_subject(&a, json!({"email": "bob.canary@example.org", "name": "Bob Secret"})).expect("bob");
    for (who, street, phone) in [(&ann, "Ann Street", "+49 30 901820"), (&bob, "Bob Street", "+49 30 901821")] {
        let l = Lookup::token(who);
        vault.update_subject(&a, &l, json!({"phone": phone})).expect("update");
        vault.put_app_document(&a, &l, "shipping", json!({"street": street})).expect("app");
        vault.set_session(&a, json!({"cart": street}), Some(json!({"subject": who}))).expect("session");
        vault.create_share(&a, &l, Some(json!({"of": "profile", "fields": ["name"]}))).expect("share");
        vault.tokenize(&a, &format!("{street} 4111"), Some(json!({"subject": who}))).expect("token");
    }
    vault.tokenize(&a, "nobody's value", None).expect("unlinked");
    (ann, bob)
}

#[test]
fn the_export_holds_the_subject_and_nobody_else() {
    let vault = open();
    let (ann, bob) = populated(&vault);
    let doc = vault.export_subject(&app(), &Lookup::token(&ann)).expect("export");
    let text = doc.to_string();
    for other in [bob.as_str(), "bob.canary", "Bob Secret", "Bob Street", "nobody's value"] {
        assert!(!text.contains(other), "the export shows another subject's data ({other})");
    }
    // Token values are never exported, the subject's own included.
    assert!(!text.contains("Ann Street 4111"));
    assert_eq!(doc["format"], bunkerlite::EXPORT_FORMAT);
    assert_eq!(doc["subject"]["profile"]["phone"], "+49 30 901820");
    for (section, n) in [("tokens", 1), ("apps", 1), ("sessions", 1), ("shares", 1)] {
        assert_eq!(doc[section].as_array().map(Vec::len), Some(n), "{section}");
    }
    // The trail: create, update, app.put, session.set, share.create, token.create — newest first.
    let actions: Vec<&str> =
        doc["audit"].as_array().expect("audit").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        actions,
        ["token.create", "share.create", "session.set", "app.put", "subject.update", "subject.create"],
        "the audit section"
    );
    assert_eq!(doc["audit"][4]["details"]["after"]["phone"], "+49 30 901820", "the update's details are decrypted");
    vault.verify_consent_receipt(doc["consent"].clone()).expect("the consent section is a valid receipt");
}

#[test]
fn the_file_appears_whole_private_and_never_replaces_one() {
    let vault = open();
    let (ann, _) = populated(&vault);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("ann.json");
    let p = path.to_str().expect("path");
    let summary = vault.export_subject_to_file(&app(), &Lookup::token(&ann), p).expect("export");
    let bytes = std::fs::read(&path).expect("the file");
    assert_eq!(summary.bytes, bytes.len() as u64);
    assert_eq!(summary.subject, ann);
    assert_eq!(summary.sections["audit"], 6);
    assert_eq!(summary.sections["consent"], 1);
    let doc: Value = serde_json::from_slice(&bytes).expect("one JSON document");
    assert_eq!(doc["subject"]["token"], ann.as_str());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "only the owner may read an export");
    }
    // Never replaced: the file stays as it was.
    let err = vault.export_subject_to_file(&app(), &Lookup::token(&ann), p).expect_err("exists");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(std::fs::read(&path).expect("still there"), bytes);
    // A refused export creates nothing; nothing temporary is left behind by any of them.
    let other = dir.path().join("nobody.json");
    let err = vault
        .export_subject_to_file(&app(), &Lookup::email("nobody@example.org"), other.to_str().expect("path"))
        .expect_err("unknown");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["ann.json"]);
}

/// A destination that fails after `left` bytes.
struct Failing {
    left: usize,
}

impl Write for Failing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::other("disk full at /secret/path"));
        }
        let n = buf.len().min(self.left);
        self.left -= n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_destination_is_storage_and_audited() {
    let vault = open();
    let (ann, _) = populated(&vault);
    let err = vault.export_subject_to(&app(), &Lookup::token(&ann), &mut Failing { left: 300 }).expect_err("fails");
    assert_eq!(err.kind(), ErrorKind::Storage);
    assert!(!err.to_string().contains("/secret/path"), "the destination's own error is not repeated");
    let admin = Caller::new("admin:dpo").expect("actor");
    let page = vault.list_audit_events(&admin, Some(&ann), &PageRequest::default(), false).expect("audit");
    assert_eq!(page.items[0].action, "subject.export");
    assert_eq!(page.items[0].outcome, "STORAGE");
}

#[test]
fn a_long_trail_streams_page_by_page() {
    let vault = open();
    let a = app();
    let ann = vault.create_subject(&a, json!({"email": "ann@example.org"})).expect("ann");
    let l = Lookup::token(&ann);
    // More events than one page of the export's reads (1,000), some with details.
    for i in 0..2_345 {
        if i % 10 == 0 {
            vault.update_subject(&a, &l, json!({"n": i})).expect("update");
        } else {
            vault.get_subject(&a, &l).expect("get");
        }
    }
    let mut out = Vec::new();
    let summary = vault.export_subject_to(&a, &l, &mut out).expect("export");
    assert_eq!(summary.sections["audit"], 2_346);
    let doc: Value = serde_json::from_slice(&out).expect("json");
    let seqs: Vec<u64> =
        doc["audit"].as_array().expect("audit").iter().map(|e| e["seq"].as_u64().expect("seq")).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "newest first, each event once");
    assert_eq!(seqs.len(), 2_346);
}
