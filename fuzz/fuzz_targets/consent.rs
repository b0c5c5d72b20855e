//! Consent: any brief, activity name, definition and decision options (JSON) through the
//! catalogue and the decisions, any JSON as a receipt. Every call ends in a result or a clean
//! error of an expected kind; a receipt the vault exported always verifies, and no JSON that the
//! vault did not export verifies.
#![no_main]

use bunkerlite::{ErrorKind, Lookup};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

#[path = "common.rs"]
mod common;

fn clean<T>(r: bunkerlite::Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::InvalidInput | ErrorKind::TooLarge | ErrorKind::NotFound | ErrorKind::ConsentRequired
                ),
                "unexpected {e}"
            );
            None
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // "name \n JSON \n JSON": a brief or activity name, a definition, decision options.
    let mut parts = text.splitn(3, '\n');
    let name = parts.next().unwrap_or_default();
    let first: Value = parts.next().and_then(|p| serde_json::from_str(p).ok()).unwrap_or(Value::Null);
    let second: Option<Value> = parts.next().and_then(|p| serde_json::from_str(p).ok());
    let v = common::vault();
    let c = common::caller();
    let subject = v.create_subject(&c, json!({"n": 1})).expect("subject");
    let who = Lookup::token(&subject);
    // The definition as a legal basis and as an activity.
    clean(v.set_legal_basis(&c, name, first.clone()));
    clean(v.set_activity(&c, name, first.clone()));
    // A decision with any options, then its record.
    if clean(v.give_consent(&c, &who, name, second.clone())).is_some() {
        clean(v.withdraw_consent(&c, &who, name, None));
    }
    clean(v.revoke_consent(&c, &who, name, second.clone()));
    let _ = clean(v.can_process(&who, name, second.as_ref().and_then(|s| s.as_str())));
    let receipt = v.export_consent_receipt(&c, &who).expect("export");
    v.verify_consent_receipt(receipt.clone()).expect("an exported receipt verifies");
    // Any JSON as a receipt: only a receipt this vault issued verifies.
    for candidate in [first, second.unwrap_or(Value::Null)] {
        if candidate != receipt {
            match v.verify_consent_receipt(candidate) {
                Ok(_) => panic!("a receipt the vault did not issue verified"),
                Err(e) => assert!(matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::Integrity), "{e}"),
            }
        }
    }
    clean(v.forget_subject(&c, &who));
});
