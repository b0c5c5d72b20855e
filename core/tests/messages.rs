//! No error message echoes what a caller sent. Every JSON argument of every operation (from
//! `tests/vectors/operations.json`, called through the generated dispatch) gets canaries of every
//! JSON type — strings with escaped quotes and serde's own separators in them, large integers,
//! floats, arrays, objects, unknown keys, at the top and nested inside valid-looking options —
//! and no message of any refusal may contain one. The vault options and limits go through the
//! same parsers.

mod common;

use bunkerlite::{AuditHead, Caller, MasterKey, Options, Vault};
use common::ops::dispatch;
use serde_json::{json, Value};

const OPERATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/operations.json");

/// What no message may contain.
const SECRETS: [&str; 5] = ["alice", "4111111111111111", "41111.1", "-4111111111111", "Canary"];

/// Canary values of every JSON type.
fn canaries() -> Vec<Value> {
    let quoted = "alice \"Canary\", expected `x`, there are no fields` at line 1 column 2";
    vec![
        json!(quoted),
        json!("alice@example.com"),
        json!(4111111111111111u64),
        json!(-4111111111111111i64),
        json!(41111.11111),
        json!(true),
        json!([quoted, 4111111111111111u64]),
        json!({"alice@example.com": quoted}),
        json!({quoted: 4111111111111111u64}),
    ]
}

/// Objects shaped like options, each field (and an unknown one) set to each canary.
fn option_like(fields: &[&str]) -> Vec<Value> {
    let mut out = Vec::new();
    for c in canaries() {
        for f in fields.iter().chain(["alice@example.com"].iter()) {
            out.push(json!({ *f: c.clone() }));
        }
        out.push(json!({"limits": {"max_depth": c.clone()}}));
        out.push(json!({"mask": {"char": c.clone()}}));
    }
    out
}

fn assert_clean(what: &str, message: &str) {
    for s in SECRETS {
        assert!(!message.contains(s), "{what}: the message echoes the input: {message}");
    }
}

#[test]
fn no_refusal_echoes_its_input() {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(OPERATIONS).expect("read")).expect("json");
    let vault =
        Vault::open_in_memory(&MasterKey::from_bytes(&[3; 32]).expect("key"), Options::default()).expect("open");
    let app = Caller::new("app").expect("actor");
    let token = vault.create_subject(&app, json!({"email": "ann@example.org"})).expect("create");
    let fields = [
        "kind",
        "length",
        "scope",
        "ttl_ms",
        "expires_at_ms",
        "subject",
        "keep_first",
        "keep_last",
        "detect",
        "values",
        "status",
        "start_ms",
        "expires_ms",
        "method",
        "reference",
        "notice_version",
        "type",
        "operations",
        "legal_bases",
        "title",
        "seq",
        "hash",
        "op",
        "path",
        "value",
        "from",
        "email",
        "token",
    ];
    let files = tempfile::tempdir().expect("a folder for the files operations write");
    let mut refusals = 0;
    for op in doc["operations"].as_array().expect("operations") {
        let name = op["name"].as_str().expect("name");
        let args = op["args"].as_array().expect("args");
        for (i, arg) in args.iter().enumerate() {
            let kind = arg["kind"].as_str().expect("kind");
            let values: Vec<Value> = match kind {
                "doc" | "opt_doc" | "anchor" | "lookup" => {
                    let mut v = option_like(&fields);
                    v.extend(canaries());
                    v
                }
                "docs" | "lookups" | "strs" => canaries().into_iter().map(|c| json!([c])).chain(canaries()).collect(),
                "str" | "opt_str" => canaries(),
                _ => continue,
            };
            for value in values {
                // A path (of a file an operation writes) goes into a folder of the test's own.
                let value = match (arg["name"].as_str(), &value) {
                    (Some("path"), Value::String(s)) => json!(files.path().join(s)),
                    _ => value,
                };
                let mut step = json!({"op": name});
                for (j, other) in args.iter().enumerate() {
                    let Some(arg_name) = other["name"].as_str() else { continue };
                    step[arg_name] = if i == j {
                        value.clone()
                    } else {
                        match other["kind"].as_str().expect("kind") {
                            "lookup" => json!({"token": token}),
                            "lookups" => json!([{"token": token}]),
                            "doc" => json!({}),
                            "docs" => json!([{}]),
                            "strs" => json!(["x"]),
                            "key" => json!("11".repeat(32)),
                            _ => json!("x"),
                        }
                    };
                }
                if let Some(Err(e)) = dispatch(&vault, &step) {
                    refusals += 1;
                    assert_clean(&format!("{name}({})", arg["name"]), &e.to_string());
                    assert_clean(&format!("{name}({}) Debug", arg["name"]), &format!("{e:?}"));
                }
            }
        }
    }
    assert!(refusals > 1000, "only {refusals} refusals were seen: the cases do not reach the parsers");
    // The vault's own options.
    for value in option_like(&["limits", "default_region", "indexed_fields", "audit_details", "sqlite", "create"]) {
        if let Err(e) = Options::from_json(value.clone()) {
            assert_clean("Options", &e.to_string());
        }
    }
    for value in canaries() {
        if let Err(e) = Options::from_json(json!({"limits": value.clone()})) {
            assert_clean("limits", &e.to_string());
        }
        if let Err(e) = AuditHead::from_json(&value) {
            assert_clean("anchor", &e.to_string());
        }
    }
}
