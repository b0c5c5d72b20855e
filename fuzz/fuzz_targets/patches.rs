//! A profile and a JSON Patch or merge patch (the input split at its first NUL): applied within
//! the limits, never panicking; an accepted change reads back, a refused one changes nothing.
#![no_main]

use bunkerlite::{ErrorKind, Lookup};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(cut) = data.iter().position(|b| *b == 0) else { return };
    let (Ok(doc), Ok(patch)) = (std::str::from_utf8(&data[..cut]), std::str::from_utf8(&data[cut + 1..])) else {
        return;
    };
    let v = common::vault();
    let c = common::caller();
    let (Ok(doc), Ok(patch)) = (bunkerlite::bridge::parse_document(&v, doc), bunkerlite::bridge::parse_document(&v, patch)) else { return };
    let Ok(token) = v.create_subject(&c, doc) else { return };
    let before = v.get_subject(&c, &Lookup::token(&token)).expect("read");
    match v.update_subject(&c, &Lookup::token(&token), patch) {
        Ok(after) => {
            let read = v.get_subject(&c, &Lookup::token(&token)).expect("read");
            assert_eq!(read.profile, after.profile);
            assert_eq!(read.version, before.version + 1);
        }
        Err(e) => {
            assert!(
                matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::TooLarge | ErrorKind::Duplicate),
                "unexpected {e}"
            );
            assert_eq!(v.get_subject(&c, &Lookup::token(&token)).expect("read").profile, before.profile);
        }
    }
    let _ = v.forget_subject(&c, &Lookup::token(&token));
});
