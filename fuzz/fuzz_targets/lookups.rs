//! Lookups and normalisation: any text as an email, phone, login or configured value, and any
//! JSON as a lookup object. Normalisation never panics and is idempotent; lookups end in a
//! subject or a clean error.
#![no_main]

use bunkerlite::{testing, ErrorKind, Lookup};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

/// Default regions whose numbering plans differ (national prefixes, leading zeros, shared codes).
const REGIONS: [&str; 10] = ["DE", "US", "IT", "GB", "FR", "RU", "JP", "BR", "IN", "AU"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let region = REGIONS[usize::from(pick) % REGIONS.len()];
    let Ok(text) = std::str::from_utf8(rest) else { return };
    for field in ["email", "phone", "login", "customer_id"] {
        if let Ok(n) = testing::normalize(field, text, Some(region)) {
            assert!(n.len() <= 320);
            // A normal form normalises to itself, with the same default region or with none.
            for again in [Some(region), None] {
                assert_eq!(
                    testing::normalize(field, &n, again).expect("a normal form normalises"),
                    n,
                    "{field} idempotent ({region} then {again:?})"
                );
            }
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
