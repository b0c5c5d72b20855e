//! Tokens: any text as a value with any options (JSON), and any text through tokenize_text and
//! detokenize_text. Every call ends in a token or a clean error; a token made detokenizes to its
//! value (FF1 tokens with the same alphabet and scope), and free text comes back whole.
#![no_main]

use bunkerlite::ErrorKind;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let v = common::vault();
    let c = common::caller();
    // "options JSON \n value": the part before the first newline, when it is JSON, is the options.
    let (options, value) = match text.split_once('\n') {
        Some((head, rest)) => match serde_json::from_str::<Value>(head) {
            Ok(options) => (Some(options), rest),
            Err(_) => (None, text),
        },
        None => (None, text),
    };
    match v.tokenize(&c, value, options.clone()) {
        Ok(token) => {
            let fpe = options.as_ref().is_some_and(|o| o["kind"] == "fpe");
            let detok = if fpe {
                let o = options.as_ref().expect("options");
                Some(json!({"kind": "fpe", "alphabet": o.get("alphabet").cloned(), "scope": o.get("scope").cloned()}))
            } else {
                None
            };
            match v.detokenize(&c, &token, detok) {
                Ok(back) => {
                    // Cards come back as digits, emails trimmed; every other kind exactly.
                    let kind = options.as_ref().and_then(|o| o["kind"].as_str()).unwrap_or("uuid");
                    if !matches!(kind, "card" | "email") {
                        assert_eq!(back, value, "round trip of a {kind} token");
                    }
                }
                // A token made with `once` may be gone only after a detokenize; an expiring one
                // cannot expire on the fuzzer's fixed clock within one input.
                Err(e) => assert!(matches!(e.kind(), ErrorKind::Expired | ErrorKind::NotFound), "{e}"),
            }
        }
        Err(e) => assert!(
            matches!(
                e.kind(),
                ErrorKind::InvalidInput | ErrorKind::TooLarge | ErrorKind::NotFound | ErrorKind::Erased | ErrorKind::Exhausted
            ),
            "{e}"
        ),
    }
    // A scope of its own per input: a value first seen by an earlier input would come back in
    // that input's spelling.
    static INPUT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let scope = format!("fuzz-{}", INPUT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    match v.tokenize_text(&c, text, Some(json!({"scope": scope}))) {
        Ok(replaced) => {
            // Read back in the scope they were made in (in any other, they stay placeholders).
            let back = v
                .detokenize_text(&c, &replaced, Some(json!({"scope": scope})))
                .expect("placeholders of this vault detokenize");
            // A value written two ways (an email's case, a number's spacing) is one token and
            // comes back as first seen: the text comes back exactly when no token repeats.
            let tokens: Vec<&str> = replaced.split('[').skip(1).filter_map(|p| p.split(']').next()).collect();
            let distinct: std::collections::HashSet<&&str> = tokens.iter().collect();
            if distinct.len() == tokens.len() {
                assert_eq!(back, text, "text round trip");
            }
        }
        Err(e) => assert!(matches!(e.kind(), ErrorKind::TooLarge), "{e}"),
    }
    let _ = v.detokenize_text(&c, text, Some(json!({"mask": {}})));
});
