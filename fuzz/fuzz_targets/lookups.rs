//! Lookups and normalisation: any text as an email, phone, login or configured value, and any
//! JSON as a lookup object. Normalisation never panics and is idempotent; lookups end in a
//! subject or a clean error.
#![no_main]

use bunkerlite::{testing, ErrorKind, Lookup};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for field in ["email", "phone", "login", "customer_id"] {
        if let Ok(n) = testing::normalize(field, text, Some("DE")) {
            assert!(n.len() <= 320);
            assert_eq!(
                testing::normalize(field, &n, Some("DE")).expect("a normal form normalises"),
                n,
                "{field} idempotent"
            );
        }
    }
    let v = common::vault();
    let c = common::caller();
    let lookups: Vec<Lookup> = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(json) => Lookup::from_json(&json).into_iter().collect(),
        Err(_) => ["token", "email", "phone", "login", "customer_id", "other"]
            .iter()
            .map(|m| Lookup::parse(m, text))
            .collect(),
    };
    for lookup in lookups {
        if let Err(e) = v.get_subject(&c, &lookup) {
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::InvalidInput | ErrorKind::TooLarge | ErrorKind::NotFound | ErrorKind::Erased
                ),
                "unexpected {e}"
            );
        }
    }
});
