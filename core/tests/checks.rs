//! Every operation's declared purpose check runs, as declared. The declarations are the `check`
//! of each operation in `tests/vectors/operations.json` (made from the operation table); this
//! test walks every operation of that file, fails when one has no case here, and calls each
//! through the generated dispatch on a vault holding a subject (with a withdrawn consent, audit
//! details, tokens linked to it, outbox events):
//!
//! - a purpose whose activity covers every operation but the declared one is refused (the call
//!   fails with `CONSENT_REQUIRED`, or — batches, listings — the refused items carry no
//!   personal data), and one covering only the declared one is not;
//! - a purpose relying on consent the subject has not given is refused, also for a subject or
//!   token that does not exist (a refused purpose learns nothing about what exists);
//! - with `require_purpose`, a caller without a purpose is refused where the declaration says;
//! - an operation declared unchecked never refuses a purpose for its coverage, and every
//!   operation taking a caller refuses a purpose that names no activity.

mod common;

use bunkerlite::{Caller, ErrorKind, Lookup, MasterKey, Options, PageRequest, Vault};
use common::ops::dispatch;
use serde_json::{json, Value};

const OPERATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/operations.json");
const POLICY_OPS: [&str; 5] = ["read", "write", "delete", "export", "detokenize"];
/// Personal data of the subject and its tokens: never in what a refused call returns.
const CANARIES: [&str; 4] = ["ann.canary", "Ann Canary", "4111111111111111", "Canary Street"];
/// The id of the fixture's session (linked to its subject).
const SESSION: &str = "checks-session-0001";
/// A well-formed session id that names no session.
const NO_SESSION: &str = "checks-no-session-0000";
/// A well-formed subject token that names no subject.
const NOBODY: &str = "00000000-0000-4000-8000-000000000000";

/// What a fixture vault holds, by the names the cases use.
struct Fixture {
    vault: Vault,
    subject: String,
    linked: String,
    unlinked: String,
    ff1: String,
    placeholder_text: String,
    receipt: Value,
    cursor: String,
    share: String,
    /// The erasure ledger's entries (one erased subject).
    ledger: Value,
    /// An open, unverified access request of the subject, and a verified port request.
    request: String,
    verified_request: String,
    /// The cursor of the requests' first outbox event.
    request_cursor: String,
    /// The capability of the subject's scheduled erasure (in 30 days).
    capability: String,
    /// A folder for the files exports write (each run writes into its own fixture's).
    dir: tempfile::TempDir,
}

fn admin() -> Caller {
    Caller::new("admin:dpo").expect("actor")
}

fn fixture(options: Value) -> Fixture {
    let key = MasterKey::from_bytes(&[7; 32]).expect("key");
    let vault = Vault::open_in_memory(&key, Options::from_json(options).expect("options")).expect("open");
    let a = admin();
    // A purpose for the setup (any is accepted until the activities are made, and one is needed
    // for the reads below when the vault requires one).
    let app = Caller::new("app:web").expect("actor").with_purpose("setup").expect("purpose");
    let subject = vault
        .create_subject(
            &app,
            json!({"email": "ann.canary@example.org", "name": "Ann Canary", "street": "Canary Street"}),
        )
        .expect("create");
    let ann = Lookup::token(&subject);
    vault.update_subject(&app, &ann, json!({"name": "Ann Canary-Lee"})).expect("update: audit details");
    vault.put_app_document(&app, &ann, "shipping", json!({"street": "Canary Street"})).expect("app document");
    let session = json!({"id": SESSION, "subject": subject});
    vault.set_session(&app, json!({"street": "Canary Street"}), Some(session)).expect("session");
    let share = vault.create_share(&app, &ann, Some(json!({"of": "profile", "fields": ["street"]}))).expect("share").id;
    let request = vault.create_request(&app, &ann, Some(json!({"kind": "access"}))).expect("request").id;
    let verified_request =
        vault.create_request(&app, &ann, Some(json!({"kind": "port", "verified": true}))).expect("request").id;
    let request_cursor =
        vault.list_request_events(&app, &PageRequest::default()).expect("request events").items[0].cursor.clone();
    let capability =
        vault.schedule_erasure(&app, &ann, Some(json!({"ttl_ms": 30 * 86_400_000_i64}))).expect("schedule").capability;
    let linked = vault.tokenize(&app, "4111111111111111", Some(json!({"subject": subject}))).expect("linked token");
    let unlinked = vault.tokenize(&app, "record-7", None).expect("unlinked token");
    let ff1 = vault.tokenize(&app, "4111111111111111", Some(json!({"kind": "fpe"}))).expect("ff1 token");
    let placeholder_text =
        vault.tokenize_text(&app, "write to ann.canary@example.org", Some(json!({"subject": subject}))).expect("text");
    vault.set_legal_basis(&a, "contract-basis", json!({"type": "contract"})).expect("basis");
    vault.set_legal_basis(&a, "consent-basis", json!({"type": "consent"})).expect("basis");
    vault.give_consent(&app, &ann, "consent-basis", None).expect("give");
    vault.withdraw_consent(&app, &ann, "consent-basis", None).expect("withdraw");
    let receipt = vault.export_consent_receipt(&app, &ann).expect("receipt");
    let events = vault.list_consent_events(&app, Some("setup"), &PageRequest::default()).expect("events");
    let cursor = events.items[0].cursor.clone();
    let gone = vault.create_subject(&app, json!({"name": "Erased Early"})).expect("create");
    vault.forget_subject(&app, &Lookup::token(&gone)).expect("forget");
    let ledger = json!(vault.export_erasure_ledger(&app).expect("ledger").entries);
    // The activities are made last: from then on every purpose is enforced.
    let activity = |name: &str, ops: &[&str], basis: &str| {
        vault.set_activity(&a, name, json!({"operations": ops, "legal_bases": [basis]})).expect("activity");
    };
    for op in POLICY_OPS {
        activity(&format!("only-{op}"), &[op], "contract-basis");
        let others: Vec<&str> = POLICY_OPS.into_iter().filter(|o| *o != op).collect();
        activity(&format!("all-but-{op}"), &others, "contract-basis");
    }
    activity("consent-all", &POLICY_OPS, "consent-basis");
    activity("everything", &POLICY_OPS, "contract-basis");
    activity("spare", &["read"], "contract-basis");
    // The cases run as `app:test`: every purpose whose activity may read unlocks bulk listing
    // (the others cannot, and are refused for their coverage first).
    let mut purposes = vec!["consent-all".to_owned(), "everything".to_owned(), "spare".to_owned()];
    for op in POLICY_OPS {
        purposes.push(format!("only-{op}"));
        purposes.push(format!("all-but-{op}"));
    }
    for purpose in purposes {
        let tester = Caller::new("app:test").expect("actor").with_purpose(&purpose).expect("purpose");
        let _ = vault.unlock_bulk(&tester, None);
    }
    let dir = tempfile::tempdir().expect("a folder for exports");
    Fixture {
        vault,
        subject,
        linked,
        unlinked,
        ff1,
        placeholder_text,
        receipt,
        cursor,
        share,
        ledger,
        request,
        verified_request,
        request_cursor,
        capability,
        dir,
    }
}

/// How an operation shows a refusal: the call fails, or (batches and listings) the refused
/// items are left out or carry the error.
#[derive(Clone, Copy, PartialEq)]
enum Shows {
    Error,
    Items,
}

/// One call of an operation: its arguments (as a vector step), the check it is expected to run
/// (as declared; an FF1 token is a variant with its own), how a refusal shows, and the
/// arguments naming a subject or token that does not exist (for single-subject operations).
struct Case {
    op: &'static str,
    check: Option<&'static str>,
    /// The purpose that must be refused (`all-but-<check>` unless given).
    refused_by: Option<&'static str>,
    shows: Shows,
    step: Value,
    missing: Option<Value>,
}

fn cases(f: &Fixture) -> Vec<Case> {
    let s = &f.subject;
    let case = |op, shows, step: Value, missing: Option<Value>| Case {
        op,
        check: None,
        refused_by: None,
        shows,
        step,
        missing,
    };
    let lookup = json!({"token": s});
    let nobody = json!({"token": NOBODY});
    let e = Shows::Error;
    let items = Shows::Items;
    let mut out = vec![
        case("create_subject", e, json!({"profile": {"name": "Bob"}}), None),
        case("create_subjects", e, json!({"profiles": [{"name": "Bob"}]}), None),
        case("get_subject", e, json!({"lookup": lookup}), Some(json!({"lookup": nobody}))),
        case("get_subjects", items, json!({"lookups": [lookup]}), None),
        case("update_subject", e, json!({"lookup": lookup, "patch": {}}), Some(json!({"lookup": nobody, "patch": {}}))),
        case("forget_subject", e, json!({"lookup": lookup}), Some(json!({"lookup": nobody}))),
        case("forget_subjects", items, json!({"lookups": [lookup]}), None),
        case("export_subject", e, json!({"lookup": lookup}), Some(json!({"lookup": nobody}))),
        case("list_subjects", items, json!({"limit": 10}), None),
        case("unlock_bulk", e, json!({"options": {"ttl_ms": 60_000}}), None),
        case("lock_bulk", e, json!({}), None),
        case(
            "export_subject_to_file",
            e,
            json!({"lookup": lookup, "path": f.dir.path().join("export.json")}),
            Some(json!({"lookup": nobody, "path": f.dir.path().join("nobody.json")})),
        ),
        case(
            "tokenize",
            e,
            json!({"value": "5500005555555559", "options": {"subject": s}}),
            Some(json!({"value": "5500005555555559", "options": {"subject": NOBODY}})),
        ),
        case("tokenize_many", e, json!({"values": ["5500005555555559"], "options": {"subject": s}}), None),
        case("detokenize", e, json!({"token": f.linked}), Some(json!({"token": "no-such-token"}))),
        case("detokenize_many", items, json!({"tokens": [f.linked]}), None),
        case("tokenize_text", e, json!({"text": "mail ann.canary@example.org", "options": {"subject": s}}), None),
        case("detokenize_text", items, json!({"text": f.placeholder_text}), None),
        case("delete_token", e, json!({"token": f.linked}), Some(json!({"token": "no-such-token"}))),
        case("delete_tokens", items, json!({"tokens": [f.linked]}), None),
        case("token_info", e, json!({"token": f.linked}), Some(json!({"token": "no-such-token"}))),
        case("token_infos", items, json!({"tokens": [f.linked]}), None),
        case("purge_tokens", e, json!({}), None),
        case("set_legal_basis", e, json!({"brief": "another-basis", "definition": {"type": "contract"}}), None),
        case("get_legal_basis", e, json!({"brief": "consent-basis"}), None),
        case("list_legal_bases", e, json!({}), None),
        case(
            "put_app_document",
            e,
            json!({"lookup": lookup, "app": "shipping", "document": {"city": "Berlin"}}),
            Some(json!({"lookup": nobody, "app": "shipping", "document": {}})),
        ),
        case(
            "get_app_document",
            e,
            json!({"lookup": lookup, "app": "shipping"}),
            Some(json!({"lookup": nobody, "app": "shipping"})),
        ),
        case(
            "update_app_document",
            e,
            json!({"lookup": lookup, "app": "shipping", "patch": {"city": "Berlin"}}),
            Some(json!({"lookup": nobody, "app": "shipping", "patch": {}})),
        ),
        case(
            "delete_app_document",
            e,
            json!({"lookup": lookup, "app": "shipping"}),
            Some(json!({"lookup": nobody, "app": "shipping"})),
        ),
        case("list_apps", e, json!({"lookup": lookup}), Some(json!({"lookup": nobody}))),
        case("list_app_names", e, json!({}), None),
        case(
            "set_session",
            e,
            json!({"data": {"a": 1}, "options": {"id": SESSION, "subject": s}}),
            Some(json!({"data": {"a": 1}, "options": {"subject": NOBODY}})),
        ),
        case("get_session", e, json!({"id": SESSION}), Some(json!({"id": NO_SESSION}))),
        case("touch_session", e, json!({"id": SESSION}), Some(json!({"id": NO_SESSION}))),
        case("delete_session", e, json!({"id": SESSION}), Some(json!({"id": NO_SESSION}))),
        case("list_sessions", e, json!({"lookup": lookup}), Some(json!({"lookup": nobody}))),
        case("purge_sessions", e, json!({}), None),
        case(
            "create_share",
            e,
            json!({"lookup": lookup, "spec": {"of": "profile", "fields": ["street"]}}),
            Some(json!({"lookup": nobody, "spec": {"of": "profile", "fields": ["street"]}})),
        ),
        case("resolve_share", e, json!({"id": f.share}), None),
        case("revoke_share", e, json!({"id": f.share}), None),
        case("list_shares", e, json!({"lookup": lookup}), Some(json!({"lookup": nobody}))),
        case("purge_shares", e, json!({}), None),
        case("create_request", e, json!({"lookup": lookup, "spec": {"kind": "object"}}), None),
        case("get_request", e, json!({"id": f.request}), None),
        case("list_requests", e, json!({"query": {"subject": s}}), None),
        case("start_request", e, json!({"id": f.request}), None),
        case("verify_request", e, json!({"id": f.request}), None),
        case("extend_request", e, json!({"id": f.request, "reason": "many systems to search"}), None),
        case("approve_request", e, json!({"id": f.verified_request}), None),
        case("deny_request", e, json!({"id": f.request, "code": "other"}), None),
        case("revoke_request", e, json!({"id": f.request}), None),
        case("expire_requests", e, json!({}), None),
        case("list_request_events", e, json!({}), None),
        case("ack_request_events", e, json!({"cursor": f.request_cursor}), None),
        case("restrict_processing", e, json!({"lookup": lookup}), None),
        case("lift_restriction", e, json!({"lookup": lookup}), None),
        case(
            "schedule_erasure",
            e,
            json!({"lookup": lookup, "options": {"ttl_ms": 86_400_000}}),
            Some(json!({"lookup": nobody, "options": {"ttl_ms": 86_400_000}})),
        ),
        case("get_erasure_schedule", e, json!({"lookup": lookup}), None),
        case("cancel_erasure", e, json!({"lookup": lookup}), None),
        case("retain_by_capability", e, json!({"capability": f.capability}), None),
        case("erase_by_capability", e, json!({"capability": f.capability}), None),
        case("delete_legal_basis", e, json!({"brief": "consent-basis"}), None),
        case("revoke_legal_basis", e, json!({"brief": "consent-basis"}), None),
        case(
            "set_activity",
            e,
            json!({"activity": "new-activity", "definition": {"operations": ["read"], "legal_bases": ["contract-basis"]}}),
            None,
        ),
        case("link_activity", e, json!({"activity": "spare", "brief": "consent-basis"}), None),
        case("unlink_activity", e, json!({"activity": "spare", "brief": "contract-basis"}), None),
        case("delete_activity", e, json!({"activity": "spare"}), None),
        case("list_activities", e, json!({}), None),
        case("give_consent", e, json!({"lookup": lookup, "brief": "consent-basis"}), None),
        case("withdraw_consent", e, json!({"lookup": lookup, "brief": "consent-basis"}), None),
        case("revoke_consent", e, json!({"lookup": lookup, "brief": "consent-basis"}), None),
        case(
            "get_consent",
            e,
            json!({"lookup": lookup, "brief": "consent-basis"}),
            Some(json!({"lookup": nobody, "brief": "consent-basis"})),
        ),
        case("list_consents", e, json!({"lookup": lookup}), Some(json!({"lookup": nobody}))),
        case("export_consent_receipt", e, json!({"lookup": lookup}), Some(json!({"lookup": nobody}))),
        case("verify_consent_receipt", e, json!({"receipt": f.receipt}), None),
        case("can_process", e, json!({"lookup": lookup, "purpose": "consent-all", "operation": "read"}), None),
        case("list_consent_events", e, json!({"consumer": "setup"}), None),
        case("ack_consent_events", e, json!({"cursor": f.cursor, "consumer": "setup"}), None),
        case("purge_consents", e, json!({}), None),
        // Details need read or export: refused to a purpose covering neither.
        Case {
            op: "list_audit_events",
            check: None,
            refused_by: Some("only-write"),
            shows: items,
            step: json!({"subject": s, "details": true}),
            missing: None,
        },
        case("get_audit_head", e, json!({}), None),
        case("export_erasure_ledger", e, json!({}), None),
        case("reapply_erasures", e, json!({"entries": f.ledger}), None),
        case("open_report", e, json!({}), None),
        case("verify_audit", e, json!({}), None),
        case("flush_audit", e, json!({}), None),
        case("compact", e, json!({}), None),
        case("purge", e, json!({}), None),
        case("shred_audit_details", e, json!({"options": {"older_than_days": 30}}), None),
        case("rekey", e, json!({"new_key": "11".repeat(32)}), None),
    ];
    // FF1 tokens store nothing and name no subject: making one is checked as reading one.
    let ff1 =
        |op, step| Case { op, check: Some("detokenize"), refused_by: None, shows: Shows::Error, step, missing: None };
    out.push(ff1("tokenize", json!({"value": "4111111111111111", "options": {"kind": "fpe"}})));
    out.push(ff1("tokenize_many", json!({"values": ["4111111111111111"], "options": {"kind": "fpe"}})));
    out.push(ff1("detokenize", json!({"token": f.ff1, "options": {"kind": "fpe"}})));
    out.push(Case {
        op: "detokenize_many",
        check: Some("detokenize"),
        refused_by: None,
        shows: Shows::Error,
        step: json!({"tokens": [f.ff1], "options": {"kind": "fpe"}}),
        missing: None,
    });
    // An unlinked token is nobody's: only the activity's coverage is checked.
    out.push(Case {
        op: "detokenize",
        check: Some("detokenize"),
        refused_by: None,
        shows: Shows::Error,
        step: json!({"token": f.unlinked}),
        missing: None,
    });
    out
}

/// The declared check of every operation, from the generated table.
fn declared() -> Vec<(String, Option<String>, bool)> {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(OPERATIONS).expect("read")).expect("json");
    doc["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .map(|op| {
            let takes_caller = op["args"].as_array().expect("args").iter().any(|a| a["kind"] == "caller");
            (op["name"].as_str().expect("name").to_owned(), op["check"].as_str().map(str::to_owned), takes_caller)
        })
        .collect()
}

/// Run case number `at` on a fresh fixture (opened with `options`; the case's arguments name
/// that fixture's subject and tokens) as `purpose` (none: no purpose).
fn run(at: usize, options: Value, purpose: Option<&str>, missing: bool) -> (bunkerlite::Result<Value>, String) {
    let f = fixture(options);
    let case = cases(&f).swap_remove(at);
    let mut step = if missing { case.missing.clone().expect("missing args") } else { case.step.clone() };
    step["op"] = json!(case.op);
    step["actor"] = json!("app:test");
    if let Some(p) = purpose {
        step["purpose"] = json!(p);
    }
    let result = dispatch(&f.vault, &step).expect("an operation");
    let text = match &result {
        Ok(v) => v.to_string(),
        Err(e) => e.to_string(),
    };
    (result, text)
}

fn code(r: &bunkerlite::Result<Value>) -> Option<ErrorKind> {
    r.as_ref().err().map(bunkerlite::Error::kind)
}

/// A refused call: the error when refusals show as one; otherwise the result holds no personal
/// data and says why (an item's error, or a listing's refused details).
fn assert_refused(case: &Case, (result, text): &(bunkerlite::Result<Value>, String), kind: ErrorKind, why: &str) {
    let name = format!("{} ({why}): {text}", case.op);
    for canary in CANARIES {
        assert!(!text.contains(canary), "{name}: personal data in a refused call");
    }
    match case.shows {
        Shows::Error => assert_eq!(code(result), Some(kind), "{name}"),
        Shows::Items => {
            if let Err(e) = result {
                assert_eq!(e.kind(), kind, "{name}");
            }
        }
    }
}

#[test]
fn every_operation_runs_its_declared_check() {
    let probe = fixture(Value::Null);
    let cases = cases(&probe);
    let declared = declared();
    for (name, _, _) in &declared {
        assert!(cases.iter().any(|c| c.op == name), "operation {name} has no case in core/tests/checks.rs");
    }
    for (at, case) in cases.iter().enumerate() {
        let (_, check, takes_caller) =
            declared.iter().find(|(n, ..)| n == case.op).unwrap_or_else(|| panic!("{} is not an operation", case.op));
        let check = case.check.or(check.as_deref());
        let Some(check) = check else {
            // Unchecked: a purpose covering nothing it does is never refused for coverage ...
            if *takes_caller {
                for purpose in ["only-read", "all-but-read", "consent-all"] {
                    let (r, text) = run(at, Value::Null, Some(purpose), false);
                    assert_ne!(code(&r), Some(ErrorKind::ConsentRequired), "{} as {purpose}: {text}", case.op);
                    assert!(r.is_ok(), "{} as {purpose}: {text}", case.op);
                }
                // ... but a purpose naming no activity is refused, as by every operation.
                let (r, text) = run(at, Value::Null, Some("no-such-activity"), false);
                assert_eq!(code(&r), Some(ErrorKind::InvalidInput), "{} with an unknown purpose: {text}", case.op);
            } else {
                let (r, text) = run(at, Value::Null, None, false);
                assert!(r.is_ok(), "{}: {text}", case.op);
            }
            continue;
        };
        assert!(*takes_caller, "{}: a checked operation takes the caller", case.op);
        let allowed = run(at, Value::Null, Some(&format!("only-{check}")), false);
        assert!(allowed.0.is_ok(), "{} as only-{check}: {}", case.op, allowed.1);
        assert!(!allowed.1.contains("CONSENT_REQUIRED"), "{} as only-{check}: {}", case.op, allowed.1);
        if ["write", "delete"].contains(&check) {
            // A purpose that may only change or delete data is never shown any.
            for canary in CANARIES {
                assert!(!allowed.1.contains(canary), "{} as only-{check} shows personal data: {}", case.op, allowed.1);
            }
        }
        let everything = run(at, Value::Null, Some("everything"), false);
        assert!(everything.0.is_ok(), "{} as everything: {}", case.op, everything.1);
        let refuser = case.refused_by.map_or_else(|| format!("all-but-{check}"), str::to_owned);
        let refused = run(at, Value::Null, Some(&refuser), false);
        assert_refused(case, &refused, ErrorKind::ConsentRequired, "activity not covering it");
        assert_ne!(refused.1, everything.1, "{}: a refusal changes nothing", case.op);
        assert_refused(
            case,
            &run(at, Value::Null, Some("unknown-activity"), false),
            ErrorKind::InvalidInput,
            "unknown",
        );
        // Consent: the subject withdrew its consent, so a purpose relying on consent only is
        // refused for it — and for what does not exist, with the same code.
        let consent = run(at, Value::Null, Some("consent-all"), false);
        if case.step.to_string().contains(&probe.subject)
            || case.step.to_string().contains(&probe.linked)
            || case.step.to_string().contains("[EMAIL:")
        {
            assert_refused(case, &consent, ErrorKind::ConsentRequired, "no consent");
        }
        if case.missing.is_some() {
            let missing = run(at, Value::Null, Some("consent-all"), true);
            assert_refused(case, &missing, ErrorKind::ConsentRequired, "missing, no consent");
            let (r, text) = run(at, Value::Null, Some(&format!("only-{check}")), true);
            assert!(
                matches!(code(&r), Some(ErrorKind::NotFound | ErrorKind::Erased)),
                "{}: what does not exist is NOT_FOUND to a purpose allowed to know: {text}",
                case.op
            );
        }
        // require_purpose: no purpose is refused for reads, exports and detokenization.
        let strict = run(at, json!({"require_purpose": true}), None, false);
        if ["read", "export", "detokenize"].contains(&check) {
            assert_refused(case, &strict, ErrorKind::InvalidInput, "require_purpose, no purpose");
            if case.shows == Shows::Items {
                assert_ne!(strict.1, everything.1, "{}: require_purpose changes nothing", case.op);
            }
        } else {
            assert!(strict.0.is_ok(), "{} without a purpose under require_purpose: {}", case.op, strict.1);
        }
    }
}

/// Where a case's refusal shows per item, it really is the refused items that differ: the
/// specific shapes the book promises.
#[test]
fn refused_items_say_why() {
    let f = fixture(Value::Null);
    // Details need read or export: a purpose with neither.
    let refused = Caller::new("app:x").expect("actor").with_purpose("only-write").expect("purpose");
    let reader = Caller::new("app:x").expect("actor").with_purpose("only-read").expect("purpose");
    let page = PageRequest::default();
    let listed = f.vault.list_audit_events(&refused, Some(&f.subject), &page, true).expect("list");
    let with_details: Vec<_> = listed.items.iter().filter(|e| e.action == "subject.update").collect();
    assert_eq!(with_details.len(), 1);
    assert!(with_details[0].details.is_none());
    assert!(with_details[0].details_refused.as_deref().is_some_and(|r| r.contains("does not cover")));
    let listed = f.vault.list_audit_events(&reader, Some(&f.subject), &page, true).expect("list");
    let update = listed.items.iter().find(|e| e.action == "subject.update").expect("update event");
    assert!(update.details.as_ref().is_some_and(|d| d.to_string().contains("Ann Canary")));
    assert!(update.details_refused.is_none());
    // All subjects' listing: the same per subject.
    let all = f.vault.list_audit_events(&refused, None, &page, true).expect("list all");
    assert!(all.items.iter().all(|e| e.details.is_none()));
    // A write-only purpose changes the profile but is not shown it, even by an empty patch.
    let writer = Caller::new("app:x").expect("actor").with_purpose("only-write").expect("purpose");
    let updated = f.vault.update_subject(&writer, &Lookup::token(&f.subject), json!({})).expect("update");
    assert!(updated.profile.is_null());
    assert_eq!(updated.version, 3);
    let both = Caller::new("app:x").expect("actor").with_purpose("everything").expect("purpose");
    let updated = f.vault.update_subject(&both, &Lookup::token(&f.subject), json!([])).expect("update");
    assert_eq!(updated.profile["name"], "Ann Canary-Lee");
}

#[test]
fn can_process_is_audited_without_the_value() {
    let f = fixture(Value::Null);
    let by_email = Lookup::email("ann.canary@example.org");
    assert!(!f.vault.can_process(&by_email, "consent-all", None).expect("can_process").allowed);
    let missing = f.vault.can_process(&Lookup::email("nobody@example.org"), "consent-all", None);
    assert_eq!(missing.expect_err("unknown").kind(), ErrorKind::NotFound);
    f.vault.flush_audit().expect("flush");
    let all = f.vault.list_audit_events(&admin(), None, &PageRequest::default(), false).expect("list");
    let checks: Vec<_> = all.items.iter().filter(|e| e.action == "consent.check").collect();
    assert_eq!(checks.len(), 2, "both questions are audited");
    assert_eq!(checks[1].subject.as_deref(), Some(f.subject.as_str()));
    assert_eq!(checks[1].purpose.as_deref(), Some("consent-all"));
    assert_eq!(checks[0].outcome, "NOT_FOUND");
    let text = format!("{:?}", all.items);
    assert!(!text.contains("canary") && !text.contains("nobody@"));
}

#[test]
fn ff1_tokens_are_not_an_oracle_for_a_narrow_purpose() {
    let f = fixture(Value::Null);
    let writer = Caller::new("app:x").expect("actor").with_purpose("only-write").expect("purpose");
    let guesses: Vec<String> = (0..10).map(|i| format!("411111111111111{i}")).collect();
    let e = f.vault.tokenize_many(&writer, &guesses, Some(json!({"kind": "fpe"})), false).expect_err("oracle");
    assert_eq!(e.kind(), ErrorKind::ConsentRequired);
    let unknown = Caller::new("app:x").expect("actor").with_purpose("not-an-activity").expect("purpose");
    let e = f.vault.tokenize(&unknown, "4111111111111111", Some(json!({"kind": "fpe"}))).expect_err("unknown");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}
