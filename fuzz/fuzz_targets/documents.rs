//! Profiles as JSON text: parsed under the limits, created, read back unchanged, erased. No input
//! panics, and whatever is accepted comes back exactly.
#![no_main]

use bunkerlite::{ErrorKind, Lookup};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let v = common::vault();
    let c = common::caller();
    let Ok(doc) = bunkerlite::bridge::parse_document(&v, text) else { return };
    match v.create_subject(&c, doc.clone()) {
        Ok(token) => {
            let s = v.get_subject(&c, &Lookup::token(&token)).expect("a created subject reads back");
            assert_eq!(s.profile, doc, "a profile comes back as stored");
            v.forget_subject(&c, &Lookup::token(&token)).expect("erase");
        }
        Err(e) => assert!(
            matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::TooLarge | ErrorKind::Duplicate),
            "unexpected {e}"
        ),
    }
});
