//! A model test: random sequences of create, read, update (merge patch and JSON Patch), erase and
//! reopen, run against the vault and against a plain in-memory model of what it should hold.
//! After every step the outcome (value or error code) agrees with the model; at the end every
//! lookup by token and email agrees, and the audit chain holds exactly one event per operation
//! and reconciles with every stored subject. `PROPTEST_CASES` raises the number of sequences.

mod common;

use std::collections::HashMap;

use bunkerlite::{ErrorKind, Lookup, Options, SqliteOptions, Synchronous, Vault};
use proptest::prelude::*;
use serde_json::{json, Value};

#[derive(Debug, Clone)]
enum Op {
    Create { email: Option<u8>, p: u8 },
    GetByToken(u8),
    GetByEmail(u8),
    Merge { who: u8, email: Option<u8>, p: u8 },
    Patch { who: u8, q: u8 },
    Forget(u8),
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (proptest::option::of(0u8..6), any::<u8>()).prop_map(|(email, p)| Op::Create { email, p }),
        2 => (0u8..8).prop_map(Op::GetByToken),
        2 => (0u8..6).prop_map(Op::GetByEmail),
        2 => (0u8..8, proptest::option::of(0u8..6), any::<u8>()).prop_map(|(who, email, p)| Op::Merge { who, email, p }),
        2 => (0u8..8, any::<u8>()).prop_map(|(who, q)| Op::Patch { who, q }),
        1 => (0u8..8).prop_map(Op::Forget),
        1 => Just(Op::Reopen),
    ]
}

#[derive(Debug, Clone)]
struct Model {
    profile: Value,
    version: i64,
    alive: bool,
}

fn email(i: u8) -> String {
    format!("user{i}@model.test")
}

fn options() -> Options {
    Options::default().sqlite(SqliteOptions::default().synchronous(Synchronous::Normal))
}

fn code<T>(r: &bunkerlite::Result<T>) -> Option<ErrorKind> {
    r.as_ref().err().map(|e| e.kind())
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let tv = common::temp_vault();
    let mut vault = Vault::open(&tv.path, &common::key(3), options()).expect("open");
    let c = common::c("app:model");
    let mut tokens: Vec<String> = Vec::new();
    let mut model: HashMap<String, Model> = HashMap::new();
    let mut events: u64 = 0;
    let owner = |model: &HashMap<String, Model>, e: &str| {
        model
            .iter()
            .find(|(_, m)| m.alive && m.profile.get("email").and_then(Value::as_str) == Some(e))
            .map(|(t, _)| t.clone())
    };
    let pick = |tokens: &Vec<String>, i: u8| tokens.get(i as usize % tokens.len().max(1)).cloned();
    for op in ops {
        match op {
            Op::Create { email: e, p } => {
                let mut profile = json!({"p": p});
                if let Some(e) = e {
                    profile["email"] = json!(email(e));
                }
                let r = vault.create_subject(&c, profile.clone());
                events += 1;
                let taken = e.is_some_and(|e| owner(&model, &email(e)).is_some());
                prop_assert_eq!(code(&r), taken.then_some(ErrorKind::Duplicate));
                if let Ok(t) = r {
                    model.insert(t.clone(), Model { profile, version: 1, alive: true });
                    tokens.push(t);
                }
            }
            Op::GetByToken(i) => {
                let Some(t) = pick(&tokens, i) else { continue };
                let r = vault.get_subject(&c, &Lookup::token(&t));
                events += 1;
                let m = &model[&t];
                match r {
                    Ok(s) => {
                        prop_assert!(m.alive);
                        prop_assert_eq!(&s.profile, &m.profile);
                        prop_assert_eq!(s.version, m.version);
                    }
                    Err(e) => prop_assert!(!m.alive && e.kind() == ErrorKind::Erased, "{}", e),
                }
            }
            Op::GetByEmail(i) => {
                let r = vault.get_subject(&c, &Lookup::email(email(i)));
                events += 1;
                match (r, owner(&model, &email(i))) {
                    (Ok(s), Some(t)) => prop_assert_eq!(s.token, t),
                    (Err(e), None) => prop_assert_eq!(e.kind(), ErrorKind::NotFound),
                    (r, o) => prop_assert!(false, "lookup by email: {:?} vs model {:?}", r.map(|s| s.token), o),
                }
            }
            Op::Merge { who, email: e, p } => {
                let Some(t) = pick(&tokens, who) else { continue };
                let mut patch = json!({"p": p});
                if let Some(e) = e {
                    patch["email"] = json!(email(e));
                }
                let r = vault.update_subject(&c, &Lookup::token(&t), patch);
                events += 1;
                let m = model[&t].clone();
                let expected = if !m.alive {
                    Some(ErrorKind::Erased)
                } else if e.is_some_and(|e| owner(&model, &email(e)).is_some_and(|o| o != t)) {
                    Some(ErrorKind::Duplicate)
                } else {
                    None
                };
                prop_assert_eq!(code(&r), expected);
                if let Ok(s) = r {
                    let m = model.get_mut(&t).expect("model");
                    m.profile["p"] = json!(p);
                    if let Some(e) = e {
                        m.profile["email"] = json!(email(e));
                    }
                    m.version += 1;
                    prop_assert_eq!(&s.profile, &m.profile);
                    prop_assert_eq!(s.version, m.version);
                }
            }
            Op::Patch { who, q } => {
                let Some(t) = pick(&tokens, who) else { continue };
                let patch =
                    json!([{"op": "add", "path": "/q", "value": [q]}, {"op": "test", "path": "/q/0", "value": q}]);
                let r = vault.update_subject(&c, &Lookup::token(&t), patch);
                events += 1;
                let alive = model[&t].alive;
                prop_assert_eq!(code(&r), (!alive).then_some(ErrorKind::Erased));
                if r.is_ok() {
                    let m = model.get_mut(&t).expect("model");
                    m.profile["q"] = json!([q]);
                    m.version += 1;
                }
            }
            Op::Forget(i) => {
                let Some(t) = pick(&tokens, i) else { continue };
                let r = vault.forget_subject(&c, &Lookup::token(&t));
                events += 1;
                let alive = model[&t].alive;
                prop_assert_eq!(code(&r), (!alive).then_some(ErrorKind::Erased));
                model.get_mut(&t).expect("model").alive = false;
            }
            Op::Reopen => {
                vault.close().expect("close");
                vault = Vault::open(&tv.path, &common::key(3), options()).expect("reopen");
            }
        }
    }
    // Everything the model holds reads back, by token and by email.
    for (t, m) in &model {
        let r = vault.get_subject(&c, &Lookup::token(t));
        events += 1;
        if m.alive {
            let s = r.expect("alive subject");
            prop_assert_eq!(&s.profile, &m.profile);
            prop_assert_eq!(s.version, m.version);
            if let Some(e) = m.profile.get("email").and_then(Value::as_str) {
                prop_assert_eq!(&vault.get_subject(&c, &Lookup::email(e)).expect("by email").token, t);
                events += 1;
            }
        } else {
            prop_assert_eq!(code(&r), Some(ErrorKind::Erased));
        }
    }
    let report = vault.verify_audit(None).expect("the chain verifies");
    prop_assert_eq!(report.events, events, "one audit event per operation");
    prop_assert_eq!(report.subjects, model.values().filter(|m| m.alive).count() as u64);
    vault.close().expect("close");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_vault_agrees_with_its_model(ops in proptest::collection::vec(op(), 1..40)) {
        run(ops)?;
    }
}
