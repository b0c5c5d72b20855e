//! The schema-driven tampering sweep: for every table of the format (read from the file, so a
//! table added later is swept without an edit here) and every column of one representative row,
//! a changed value — and, separately, the row deleted and the row duplicated — written with plain
//! SQLite into the closed file. Then the vault is opened and every read that touches the rows
//! runs, and `verify_audit` (with an anchor kept outside): each edit must give `INTEGRITY` on a
//! read or in verification (or be refused by the database itself, or make the vault refuse to
//! open), or be on the short list of exemptions below, each with its reason.
//!
//! An edit that gives any *other* answer than before — a refusal turned into a permission, a
//! value, a decision — is a failure even when it is exempt: exempt edits may only deny.

mod common;

use std::collections::BTreeMap;

use bunkerlite::{AuditHead, Caller, ErrorKind, Lookup, MasterKey, Options, PageRequest, Vault};
use rusqlite::types::Value as Sql;
use serde_json::{json, Value};

/// Edits that are not detected, and why that is safe. Keys are `table.column` (a changed value),
/// `table:delete` or `table:duplicate`.
const EXEMPT: &[(&str, &str)] = &[
    ("meta.consent_generation", "a counter that only tells open vaults to reload their cached catalogue"),
    ("meta.created_ms", "when the vault was made: shown nowhere, decides nothing"),
    ("meta.normalize_rules", "the version of the normalisation rules, for a future migration; read by none today"),
    ("meta:duplicate", "a meta row under a name bunkerlite does not use is never read"),
    ("meta.consent_audited_from", "the mark below which decisions (those of a format before 6) need no audited event: a decision can only be added with the consent key (its history chain's MAC), so a moved mark admits nothing"),
    ("meta.audit_shredded_through", "where the last shredding of audit details stopped: moved back, the next run looks at events again (already shredded ones have nothing left); moved on, it skips events whose details are then kept longer — nothing is disclosed, and verify_audit checks every removal of details against the recorded shreddings"),
    ("meta.audit_shredded_through:delete", "as for a mark moved back: the next shredding starts from the first event again"),
    ("meta.audit_indexed:delete", "without its mark the next index pass indexes the log from its start again, so no event is hidden; verify_audit checks the index against the log"),
    ("meta.consent_audited_from:delete", "as for a moved mark: without it every decision needs its audited event (stricter)"),
    ("meta.consent_generation:delete", "as for a changed counter: open vaults reload their cached catalogue"),
    ("meta.normalize_rules:delete", "as for a changed version: read by none today"),
    ("erased.erased_ms", "when an erasure happened: the audit event of the erasure keeps the time; this copy decides nothing"),
    ("subject_index.subject_id", "an entry re-pointed at no stored subject makes the lookup NOT_FOUND (a denial); re-pointed at a stored one it is INTEGRITY, the profile being checked"),
    ("audit_runs.last_seq", "a run's range matters only through the (subject, event) pairs it holds, which verify_audit checks (a pair outside its run's range, or in no run, is INTEGRITY): moving a boundary over events that name no subject changes no listing"),
    ("meta.audit_indexed", "the mark the audit's index by subject reaches; verify_audit checks the index against the log, and a moved mark only makes listings scan more of the log"),
    ("audit_runs.level", "how runs of the audit's index are merged, not what they hold"),
    ("keys.created_ms", "when a purpose key was made: decides nothing"),
    ("key_wrappings.created_ms", "when the root key was wrapped: decides nothing"),
    ("key_wrappings.updated_ms", "when the root key was last rewrapped: decides nothing"),
    ("key_wrappings:duplicate", "an unlock method bunkerlite does not know is never read"),
    ("app_documents:delete", "a deleted app document is NOT_FOUND: a denial, never another document or a permission"),
    ("sessions.subject_id", "a linked session moved to another subject is INTEGRITY when opened (its data is bound to its subject's token); moved to a restricted subject it is refused before it is opened (CONSENT_REQUIRED): a denial"),
    ("shares:delete", "a deleted share is NOT_FOUND (a revocation): a denial, never another share's data"),
    ("sessions:delete", "a deleted session is NOT_FOUND (a logout): a denial, never another session's data"),
    ("sessions(nobody):delete", "as for a linked session: NOT_FOUND, a denial"),
    ("sessions(nobody).hash", "a session of nobody moved to another hash is reached by no id (the hash is keyed, its data bound to the old one): NOT_FOUND, a denial; a linked one is caught by its subject's listing"),
    ("sessions(nobody):duplicate", "a copy under another hash is reached by no id: never read"),
    ("tokens:delete", "a deleted token is unknown (NOT_FOUND): a denial, never a permission; tokens are removed by purges and erasures that the audit records without naming each"),
    ("subject_index:delete", "a deleted index entry makes a lookup by that value NOT_FOUND: a denial; an entry re-pointed or planted is checked against the decrypted profile"),
    ("subject_index:duplicate", "an entry under a hash no one without the key can compute is never looked up"),
    ("subject_index.hash", "an entry moved to a hash no one without the key can compute is never looked up (a denial)"),
    ("subject_index.field", "an entry moved to another field is never looked up under it: the profile check refuses it (a denial)"),
    ("sqlite_sequence.seq", "SQLite's AUTOINCREMENT counters: bunkerlite takes the larger of the counter and the highest row, so a lowered counter reuses nothing"),
    ("sqlite_sequence:delete", "as for a lowered counter"),
    ("sqlite_sequence:duplicate", "a counter of a table that does not exist is never read"),
    ("sqlite_sequence.name", "as for a deleted counter"),
];

/// The sweep's sessions: two linked to subjects, one to nobody.
const SESSIONS: [&str; 3] = ["sweep-session-ann-01", "sweep-session-bob-02", "sweep-session-none-3"];

fn key() -> MasterKey {
    MasterKey::from_bytes(&[5; 32]).expect("key")
}

/// The sweep's clock.
const CLOCK_MS: i64 = 1_800_000_000_000;

fn options() -> Options {
    Options::default().audit_index_batch(3).manual_clock_ms(CLOCK_MS)
}

/// What the reads answer on an untouched vault; the sweep compares each edit's answers with it.
type Answers = BTreeMap<String, Result<String, ErrorKind>>;

struct Made {
    shares: Vec<String>,
    requests: Vec<String>,
    subjects: Vec<String>,
    tokens: Vec<String>,
    text: String,
}

/// A vault with rows in every table: subjects (one erased), index entries, tokens (linked,
/// unlinked, expiring, single-use, deterministic, text), a catalogue, decisions of several
/// kinds, an outbox with an acknowledging consumer, audit details, several index runs.
fn build(path: &std::path::Path) -> (Made, AuditHead) {
    // The catalogue and the subjects three days before the rest, so their audit details are old
    // enough to be shredded at the end.
    let v = Vault::open(path, &key(), options().manual_clock_ms(CLOCK_MS - 3 * 86_400_000)).expect("open");
    let admin = Caller::new("admin:dpo").expect("actor");
    let app = Caller::new("app").expect("actor");
    v.set_legal_basis(&admin, "newsletter", json!({"type": "consent", "short_description": "News"})).expect("basis");
    v.set_legal_basis(&admin, "orders", json!({"type": "contract", "short_description": "Orders"})).expect("basis");
    v.set_legal_basis(&admin, "newsletter", json!({"short_description": "News v2"})).expect("notice 2");
    v.set_activity(&admin, "marketing", json!({"operations": ["read", "detokenize"], "legal_bases": ["newsletter"]}))
        .expect("activity");
    v.set_activity(&admin, "shipping", json!({"operations": ["read", "write"], "legal_bases": ["orders"]}))
        .expect("activity");
    let mut subjects = Vec::new();
    for (i, name) in ["ann", "bob", "cy", "dee"].iter().enumerate() {
        let t = v
            .create_subject(
                &app,
                json!({"email": format!("{name}@example.org"), "phone": format!("+49 30 90182{i}"), "name": name}),
            )
            .expect("create");
        v.update_subject(&app, &Lookup::token(&t), json!({"city": "Berlin"})).expect("update");
        subjects.push(t);
    }
    v.close().expect("close");
    let v = Vault::open(path, &key(), options()).expect("reopen");
    let who = |i: usize| Lookup::token(&subjects[i]);
    v.give_consent(&app, &who(0), "newsletter", Some(json!({"reference": "form-1"}))).expect("give");
    v.give_consent(&app, &who(1), "newsletter", Some(json!({"status": "refused"}))).expect("refuse");
    v.give_consent(&app, &who(2), "newsletter", None).expect("give");
    v.withdraw_consent(&app, &who(2), "newsletter", None).expect("withdraw");
    v.give_consent(&app, &who(2), "newsletter", Some(json!({"ttl_ms": 10_000_000}))).expect("give again");
    v.give_consent(&app, &who(3), "newsletter", None).expect("give");
    let crm = Caller::new("app:crm").expect("actor");
    let first = v.list_consent_events(&crm, Some("crm"), &PageRequest::first(2)).expect("events");
    v.ack_consent_events(&crm, &first.items[1].cursor, Some("crm")).expect("ack");
    v.list_consent_events(&crm, Some("late"), &PageRequest::first(1)).expect("another consumer");
    v.forget_subject(&admin, &who(3)).expect("erase");
    let mut tokens = Vec::new();
    tokens
        .push(v.tokenize(&app, "4111111111111111", Some(json!({"kind": "card", "subject": subjects[0]}))).expect("t"));
    tokens.push(v.tokenize(&app, "078-05-1120", Some(json!({"deterministic": true, "scope": "hr"}))).expect("t"));
    tokens.push(v.tokenize(&app, "cvv-1", Some(json!({"kind": "transient", "ttl_ms": 1_000_000}))).expect("t"));
    tokens.push(v.tokenize(&app, "once-1", Some(json!({"once": true}))).expect("t"));
    tokens.push(v.tokenize(&app, "slide-1", Some(json!({"ttl_ms": 5_000_000, "sliding": true}))).expect("t"));
    let text = v.tokenize_text(&app, "mail ann@example.org", Some(json!({"subject": subjects[0]}))).expect("text");
    v.put_app_document(&app, &who(0), "shipping", json!({"street": "1 Main St"})).expect("app");
    v.update_app_document(&app, &who(0), "shipping", json!({"zip": "10115"})).expect("app");
    v.put_app_document(&app, &who(0), "billing", json!({"iban": "DE89370400440532013000"})).expect("app");
    v.put_app_document(&app, &who(1), "shipping", json!({"street": "2 Side St"})).expect("app");
    for (i, id) in SESSIONS.iter().enumerate() {
        let options = match i {
            0 => json!({"id": id, "subject": subjects[0]}),
            1 => json!({"id": id, "subject": subjects[1], "ttl_ms": 5_000_000}),
            _ => json!({"id": id}),
        };
        v.set_session(&app, json!({"step": i}), Some(options)).expect("session");
    }
    v.touch_session(&app, SESSIONS[1], None).expect("touch");
    let admin_shares = Caller::new("admin:dpo").expect("actor");
    let mut shares = Vec::new();
    for (i, spec) in [
        json!({"of": "profile", "fields": ["name"], "partner": "courier", "max_reads": 5}),
        json!({"of": "app", "app": "shipping", "fields": ["street"]}),
        json!({"of": "session", "session": SESSIONS[0], "all_fields": true}),
    ]
    .into_iter()
    .enumerate()
    {
        let share = v.create_share(&admin_shares, &who(if i == 1 { 1 } else { 0 }), Some(spec)).expect("share");
        shares.push(share.id);
    }
    v.resolve_share(&app, &shares[0], Some("courier")).expect("resolve");
    let mut requests = Vec::new();
    for (i, spec) in [
        json!({"kind": "rectify", "patch": {"name": "Ann Lee"}, "note": "my name"}),
        json!({"kind": "object"}),
        json!({"kind": "erase", "regime": "ccpa", "verified": true}),
        json!({"kind": "access", "regime": "voluntary"}),
    ]
    .into_iter()
    .enumerate()
    {
        requests.push(v.create_request(&app, &who(i % 2), Some(spec)).expect("request").id);
    }
    v.start_request(&admin, &requests[2]).expect("start");
    v.extend_request(&admin, &requests[2], "many systems").expect("extend");
    v.deny_request(&admin, &requests[1], "claim_not_covered", Some("no profiling")).expect("deny");
    let events = v.list_request_events(&app, &PageRequest::first(2)).expect("request events");
    v.ack_request_events(&app, &events.items[0].cursor).expect("ack");
    for t in &subjects[..3] {
        v.get_subject(&app, &Lookup::token(t)).expect("read");
    }
    v.restrict_processing(&admin, &who(2)).expect("restrict");
    v.schedule_erasure(&admin, &who(1), Some(json!({"ttl_ms": 86_400_000}))).expect("schedule");
    v.schedule_erasure(&admin, &who(0), Some(json!({"ttl_ms": 2 * 86_400_000}))).expect("schedule");
    v.schedule_erasure(&admin, &who(2), Some(json!({"ttl_ms": 3 * 86_400_000}))).expect("schedule");
    let shredded = v.shred_audit_details(&admin, Some(json!({"older_than_days": 2}))).expect("shred");
    assert!(shredded.events >= 4, "the subjects' first changes lose their details");
    let head = v.get_audit_head().expect("head");
    v.close().expect("close");
    (Made { shares, requests, subjects, tokens, text }, head)
}

/// Open the vault at `path` and run every read that touches its rows; the answers by name.
fn answers(path: &std::path::Path, made: &Made, head: &AuditHead) -> Answers {
    let mut out = Answers::new();
    let v = match Vault::open(path, &key(), options()) {
        Ok(v) => v,
        Err(e) => {
            out.insert("open".into(), Err(e.kind()));
            return out;
        }
    };
    let app = Caller::new("app:reader").expect("actor");
    let market = app.clone().with_purpose("marketing").expect("purpose");
    let ship = app.clone().with_purpose("shipping").expect("purpose");
    let mut put = |name: String, r: bunkerlite::Result<Value>| {
        out.insert(name, r.map(|v| v.to_string()).map_err(|e| e.kind()));
    };
    let value = |r: bunkerlite::Result<String>| r.map(Value::String);
    let json_of = |r: bunkerlite::Result<serde_json::Value>| r;
    put("erasure ledger".into(), v.export_erasure_ledger(&app).map(|l| json!(l)));
    for (i, s) in made.subjects.iter().enumerate() {
        let who = Lookup::token(s);
        put(format!("get {i}"), v.get_subject(&app, &who).map(|x| json!([x.profile, x.version])));
        put(format!("get {i} marketing"), v.get_subject(&market, &who).map(|x| json!(x.version)));
        put(format!("get {i} shipping"), v.get_subject(&ship, &who).map(|x| json!(x.version)));
        put(
            format!("get {i} by email"),
            v.get_subject(&app, &Lookup::email(format!("{}@example.org", ["ann", "bob", "cy", "dee"][i])))
                .map(|x| json!(x.token)),
        );
        put(format!("consents {i}"), v.list_consents(&app, &who).map(|x| json!(x)));
        put(format!("schedule {i}"), v.get_erasure_schedule(&app, &who).map(|x| json!(x)));
        put(
            format!("receipt {i}"),
            v.export_consent_receipt(&app, &who).map(|r| json!([r["record"]["events"], r["record"]["state"]])),
        );
        put(format!("can {i}"), v.can_process(&who, "marketing", None).map(|d| json!(d.allowed)));
        put(format!("apps {i}"), v.list_apps(&app, &who).map(|x| json!(x)));
        for name in ["shipping", "billing"] {
            put(
                format!("app {i} {name}"),
                v.get_app_document(&app, &who, name).map(|x| json!([x.document, x.version])),
            );
        }
        put(
            format!("audit {i}"),
            v.list_audit_events(&app, Some(s), &PageRequest::first(1000), true)
                .map(|p| json!(p.items.iter().map(|e| (e.seq, e.details.clone())).collect::<Vec<_>>())),
        );
    }
    for (i, t) in made.tokens.iter().enumerate() {
        put(format!("token {i}"), v.token_info(&app, t).map(|x| json!([x.expires_ms, x.subject, x.once])));
        put(format!("detokenize {i}"), value(v.detokenize(&market, t, None)));
    }
    put("text".into(), value(v.detokenize_text(&market, &made.text, None)));
    for (i, id) in made.shares.iter().enumerate() {
        put(format!("share {i}"), v.resolve_share(&app, id, Some("courier")).map(|s| json!([s.data, s.reads_left])));
    }
    for (i, s) in made.subjects.iter().enumerate() {
        put(format!("shares {i}"), v.list_shares(&app, &Lookup::token(s)).map(|x| json!(x)));
    }
    for (i, id) in made.requests.iter().enumerate() {
        put(format!("request {i}"), v.get_request(&app, id).map(|r| json!(r)));
    }
    put("requests".into(), v.list_requests(&app, None, &PageRequest::first(100)).map(|p| json!(p)));
    put(
        "requests overdue".into(),
        v.list_requests(&app, Some(json!({"overdue": true})), &PageRequest::first(100)).map(|p| json!(p)),
    );
    put("request events".into(), v.list_request_events(&app, &PageRequest::first(100)).map(|p| json!(p)));
    put("request events 2".into(), v.list_request_events(&app, &PageRequest::first(2)).map(|p| json!(p)));
    for id in SESSIONS {
        put(
            format!("session {id}"),
            v.get_session(&ship, id).map(|s| json!([s.data, s.subject, s.expires_ms, s.version])),
        );
    }
    for (i, s) in made.subjects.iter().enumerate() {
        put(
            format!("sessions {i}"),
            v.list_sessions(&app, &Lookup::token(s), &PageRequest::first(10)).map(|p| json!(p)),
        );
    }
    put("bases".into(), json_of(v.list_legal_bases().map(|b| json!(b))));
    put("activities".into(), v.list_activities().map(|a| json!(a)));
    put(
        "outbox crm".into(),
        v.list_consent_events(&app, Some("crm"), &PageRequest::first(100)).map(|p| json!(p.items)),
    );
    put(
        "outbox late".into(),
        v.list_consent_events(&app, Some("late"), &PageRequest::first(100)).map(|p| json!(p.items)),
    );
    put("verify".into(), v.verify_audit(Some(head)).map(|r| json!(r)));
    out
}

/// One edit of the sweep: its name and SQL.
struct Edit {
    name: String,
    exempt_as: String,
    sql: String,
}

/// A value as an SQL literal. The sweep writes each edit as the statement an attacker with the
/// file would run, kept as text to name it and replay it on a fresh copy of the vault: the
/// identifiers in it come from the file's own schema (quoted), the values through this.
fn quote(v: &Sql) -> String {
    match v {
        Sql::Null => "NULL".into(),
        Sql::Integer(i) => i.to_string(),
        Sql::Real(f) => f.to_string(),
        Sql::Text(t) => format!("'{}'", t.replace('\'', "''")),
        Sql::Blob(b) => format!("X'{}'", hex::encode(b)),
    }
}

/// The value a column takes in a changed row.
fn changed(v: &Sql) -> Sql {
    match v {
        Sql::Null => Sql::Integer(1),
        // 0 and 1 are flags as often as numbers: flipped (2 would read as the same `true`).
        Sql::Integer(0) => Sql::Integer(1),
        Sql::Integer(1) => Sql::Integer(0),
        Sql::Integer(i) => Sql::Integer(i.wrapping_add(1)),
        Sql::Real(f) => Sql::Real(f + 1.0),
        Sql::Text(t) => Sql::Text(format!("{t}x")),
        Sql::Blob(b) if b.is_empty() => Sql::Blob(vec![1]),
        Sql::Blob(b) => {
            let mut b = b.clone();
            let last = b.len() - 1;
            b[last] ^= 1;
            Sql::Blob(b)
        }
    }
}

/// Every edit of the sweep, from the file's schema.
fn edits(path: &std::path::Path) -> Vec<Edit> {
    let db = rusqlite::Connection::open(path).expect("raw");
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .expect("schema")
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<rusqlite::Result<_>>()
        .expect("names");
    let mut out = Vec::new();
    for table in tables {
        let columns: Vec<(String, bool)> = db
            .prepare(&format!("SELECT name, pk FROM pragma_table_info('{table}') ORDER BY cid"))
            .expect("columns")
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? > 0)))
            .expect("columns")
            .collect::<rusqlite::Result<_>>()
            .expect("columns");
        let list = columns.iter().map(|(c, _)| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
        let rows: Vec<Vec<Sql>> = db
            .prepare(&format!("SELECT {list} FROM \"{table}\""))
            .expect("rows")
            .query_map([], |r| (0..columns.len()).map(|i| r.get::<_, Sql>(i)).collect())
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        assert!(!rows.is_empty(), "the sweep's vault has no row in {table}: give it one");
        // A representative row: the one in the middle — except in `meta`, whose rows each mean
        // something else: there, every row (named by its `name`); and in `sessions`, whose order
        // (by a keyed hash) changes from run to run: there, every row, a session linked to nobody
        // named `sessions(nobody)` (what authenticates it differs: no listing reaches it).
        let every = table == "meta" || table == "sessions";
        let mut picked: Vec<&Vec<Sql>> = if every { rows.iter().collect() } else { vec![&rows[rows.len() / 2]] };
        // In `audit`, also an event whose details were shredded (what authenticates its
        // `details_hash` and its absent details differs), named `audit(shredded)`.
        let hash_at = columns.iter().position(|(c, _)| c == "details_hash");
        let is_shredded = |row: &Vec<Sql>| hash_at.is_some_and(|i| !matches!(row[i], Sql::Null));
        if table == "audit" {
            picked.push(rows.iter().find(|r| is_shredded(r)).expect("a shredded audit event"));
        }
        for row in picked {
            let prefix = if table == "sessions" && matches!(row[1], Sql::Null) {
                "sessions(nobody)"
            } else if table == "audit" && is_shredded(row) {
                "audit(shredded)"
            } else {
                &table
            };
            let label = match (&*table, &row[0]) {
                ("meta", Sql::Text(name)) => format!("meta.{name}"),
                _ => String::new(),
            };
            let key_cols: Vec<usize> = {
                let pk: Vec<usize> = columns.iter().enumerate().filter(|(_, (_, pk))| *pk).map(|(i, _)| i).collect();
                if pk.is_empty() {
                    (0..columns.len()).collect()
                } else {
                    pk
                }
            };
            let condition = key_cols
                .iter()
                .map(|&i| match &row[i] {
                    Sql::Null => format!("\"{}\" IS NULL", columns[i].0),
                    v => format!("\"{}\" = {}", columns[i].0, quote(v)),
                })
                .collect::<Vec<_>>()
                .join(" AND ");
            for (i, (column, _)) in columns.iter().enumerate() {
                let name = if label.is_empty() { format!("{prefix}.{column}") } else { format!("{label} ({column})") };
                out.push(Edit {
                    exempt_as: if label.is_empty() { name.clone() } else { label.clone() },
                    sql: format!(
                        "UPDATE \"{table}\" SET \"{column}\" = {} WHERE {condition}",
                        quote(&changed(&row[i]))
                    ),
                    name,
                });
            }
            out.push(Edit {
                name: format!("{prefix}: delete"),
                exempt_as: if label.is_empty() { format!("{prefix}:delete") } else { format!("{label}:delete") },
                sql: format!("DELETE FROM \"{table}\" WHERE {condition}"),
            });
            // A duplicate: the same row under a changed key.
            let values = row
                .iter()
                .enumerate()
                .map(|(i, v)| if key_cols.contains(&i) { quote(&changed(v)) } else { quote(v) })
                .collect::<Vec<_>>()
                .join(", ");
            out.push(Edit {
                name: format!("{prefix}: duplicate"),
                exempt_as: format!("{prefix}:duplicate"),
                sql: format!("INSERT INTO \"{table}\" ({list}) VALUES ({values})"),
            });
        }
    }
    out
}

#[test]
fn every_stored_field_is_authenticated_or_exempt_with_a_reason() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("sweep.db");
    let (made, head) = build(&path);
    // The reference answers, from an untouched copy (reads are audited: each run gets a copy).
    let reference = {
        let copy = dir.path().join("reference.db");
        std::fs::copy(&path, &copy).expect("copy");
        answers(&copy, &made, &head)
    };
    assert!(
        reference.values().all(|a| a.is_ok()
            || matches!(
                a,
                Err(ErrorKind::ConsentRequired | ErrorKind::Erased | ErrorKind::NotFound | ErrorKind::Expired)
            )),
        "{reference:?}"
    );
    let mut undetected = Vec::new();
    let mut permissions = Vec::new();
    let mut seen_exempt = std::collections::BTreeSet::new();
    let edits = edits(&path);
    assert!(edits.len() > 100, "the sweep reaches every column ({} edits)", edits.len());
    for (n, edit) in edits.iter().enumerate() {
        let copy = dir.path().join(format!("edit-{n}.db"));
        std::fs::copy(&path, &copy).expect("copy");
        let applied = rusqlite::Connection::open(&copy).expect("raw").execute_batch(&edit.sql);
        if applied.is_err() {
            // Refused by the database itself (a constraint).
            std::fs::remove_file(&copy).ok();
            continue;
        }
        let got = answers(&copy, &made, &head);
        std::fs::remove_file(&copy).ok();
        let detected = got.values().any(|a| matches!(a, Err(ErrorKind::Integrity)))
            || matches!(
                got.get("open"),
                Some(Err(ErrorKind::Integrity | ErrorKind::Storage | ErrorKind::WrongKey | ErrorKind::Unsupported))
            );
        if detected {
            continue;
        }
        // Undetected: it may only deny — no answer that was a refusal became a success.
        for (read, before) in &reference {
            let after = got.get(read);
            if before.is_err() && after.is_some_and(|a| a.is_ok()) {
                permissions.push(format!("{}: {read} was {before:?}, is now allowed", edit.name));
            }
        }
        match EXEMPT.iter().find(|(k, _)| *k == edit.exempt_as) {
            Some((k, _)) => {
                seen_exempt.insert(*k);
            }
            None => undetected.push(format!("{} ({})", edit.name, edit.sql)),
        }
    }
    assert!(permissions.is_empty(), "edits that granted something:\n{}", permissions.join("\n"));
    assert!(undetected.is_empty(), "edits neither detected nor exempt:\n{}", undetected.join("\n"));
    // Every exemption is still needed (a detected one is taken off the list).
    let stale: Vec<&str> = EXEMPT.iter().map(|(k, _)| *k).filter(|k| !seen_exempt.contains(k)).collect();
    assert!(stale.is_empty(), "exemptions no edit needs any more: {stale:?}");
}
