//! Tokens from the outside: what the files on disk hold (no value, no token), what the audit
//! holds (a keyed reference, never the token), tampering with stored rows, a format's space
//! running out, concurrent deterministic tokenizing, and errors that never echo a value.

mod common;

use std::sync::Arc;

use bunkerlite::{ErrorKind, Lookup, Options, PageRequest, TokenKind, TokenizeOptions, Vault};
use common::{all_bytes, assert_absent, c, contains, open, raw, temp_vault};
use serde_json::json;

const PAN: &str = "4111111111111111";

#[test]
fn files_hold_neither_values_nor_tokens() {
    let tv = temp_vault();
    let v = open(&tv.path, 1);
    let app = c("app:pay");
    let subject = v.create_subject(&app, json!({"name": "x"})).expect("subject");
    let canaries = ["ssn-canary-918-27-3645", "tok.canary@example.org", "free text canary Zqx"];
    let mut tokens = Vec::new();
    tokens.push(v.tokenize(&app, canaries[0], None).expect("uuid"));
    tokens.push(v.tokenize(&app, canaries[1], Some(json!({"kind": "email", "subject": subject}))).expect("email"));
    tokens.push(
        v.tokenize(&app, canaries[2], Some(json!({"kind": "alphanumeric", "deterministic": true, "scope": "s"})))
            .expect("deterministic"),
    );
    tokens.push(v.tokenize(&app, PAN, Some(json!({"kind": "card", "keep_last": 4}))).expect("card"));
    for t in &tokens {
        v.detokenize(&c("app:support"), t, None).expect("detokenize");
    }
    v.flush_audit().expect("flush");
    // Both while open (database and WAL) and after close; in every encoding a leak could take.
    let values: Vec<String> = canaries.iter().chain([&PAN]).map(|s| s.to_string()).collect();
    for phase in ["open", "closed"] {
        let bytes = all_bytes(&tv.path);
        assert_absent(&bytes, &values, phase);
        for t in &tokens {
            // The email token keeps the domain: look for its random local part.
            let needle = t.split('@').next().expect("token");
            assert!(!contains(&bytes, needle.as_bytes()), "{phase}: a token is in the files");
        }
        v.close().expect("close");
    }
}

#[test]
fn the_audit_names_a_token_by_its_reference_only() {
    let v = Vault::open_in_memory(&common::key(1), Options::default()).expect("open");
    let app = c("app:pay");
    let t = v.tokenize(&app, "value", None).expect("tokenize");
    let info = v.token_info(&app, &t).expect("info");
    assert_eq!(info.reference.len(), 32);
    let support = c("app:support").with_purpose("support").expect("purpose");
    v.detokenize(&support, &t, None).expect("detokenize");
    let page = v.list_audit_events(&app, None, &PageRequest::first(10), true).expect("list");
    let text = serde_json::to_string(&page).expect("json");
    assert!(!text.contains(&t), "the audit shows the token");
    assert!(!text.contains("value\""), "the audit shows the value");
    let refs: Vec<_> = page.items.iter().filter_map(|e| e.reference.as_deref()).collect();
    assert_eq!(refs.len(), 3, "create, info and detokenize carry the reference");
    assert!(refs.iter().all(|r| *r == info.reference));
    let detok = page.items.iter().find(|e| e.action == "token.detokenize").expect("event");
    assert_eq!(detok.purpose.as_deref(), Some("support"));
    v.verify_audit(None).expect("the chain covers the references");
}

#[test]
fn moved_or_edited_token_rows_fail_as_integrity() {
    let tv = temp_vault();
    let v = open(&tv.path, 1);
    let app = c("app");
    let a = v.tokenize(&app, "value-a", None).expect("a");
    let b = v.tokenize(&app, "value-b", Some(json!({"once": true}))).expect("b");
    let linked_subject = v.create_subject(&app, json!({"name": "s"})).expect("subject");
    let l = v.tokenize(&app, "value-l", Some(json!({"subject": linked_subject}))).expect("linked");
    let ref_of = |t: &str| hex::decode(v.token_info(&app, t).expect("info").reference).expect("hex");
    let (ra, rb, rl) = (ref_of(&a), ref_of(&b), ref_of(&l));
    v.close().expect("close");
    let db = raw(&tv.path);
    // a's value copied over b's row; the once flag of b cleared; l moved to another subject.
    db.execute("UPDATE tokens SET value = (SELECT value FROM tokens WHERE hash = ?1) WHERE hash = ?2", [&ra, &rb])
        .expect("copy value");
    drop(db);
    let v = open(&tv.path, 1);
    assert_eq!(v.detokenize(&app, &b, None).expect_err("moved value").kind(), ErrorKind::Integrity);
    assert_eq!(v.detokenize(&app, &a, None).expect("a intact"), "value-a");
    let other = v.create_subject(&app, json!({"name": "other"})).expect("other");
    let other_id: i64 = {
        v.close().expect("close");
        let db = raw(&tv.path);
        let id: i64 = db.query_row("SELECT max(id) FROM subjects", [], |r| r.get(0)).expect("id");
        db.execute("UPDATE tokens SET subject_id = ?1 WHERE hash = ?2", rusqlite::params![id, rl]).expect("relink");
        db.execute("UPDATE tokens SET flags = 0 WHERE hash = ?1", [&rb]).expect("flags");
        id
    };
    assert!(other_id > 0 && !other.is_empty());
    let v = open(&tv.path, 1);
    assert_eq!(v.detokenize(&app, &l, None).expect_err("relinked").kind(), ErrorKind::Integrity);
    assert_eq!(v.detokenize(&app, &b, None).expect_err("flags edited").kind(), ErrorKind::Integrity);
}

#[test]
fn a_used_up_format_is_exhausted_not_a_loop() {
    let v = Vault::open_in_memory(&common::key(1), Options::default()).expect("open");
    let app = c("app");
    // 12 digits keeping 6 + 3 leave 3 to draw, one of them the Luhn digit: 100 Luhn-valid tokens.
    let options = TokenizeOptions {
        kind: TokenKind::Card,
        keep_first: 6,
        keep_last: 3,
        luhn_valid: true,
        ..TokenizeOptions::default()
    };
    let pan = "411111111117"; // 12 digits, Luhn-valid
    let mut made = std::collections::HashSet::new();
    let mut exhausted = 0;
    for _ in 0..3000 {
        match v.tokenize_with(&app, pan, &options) {
            Ok(t) => {
                assert!(t.starts_with("411111") && t.ends_with("117") && t != pan, "{t}");
                assert!(made.insert(t), "a token was handed out twice");
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Exhausted);
                assert!(!e.message().contains(pan));
                exhausted += 1;
            }
        }
    }
    assert!(made.len() <= 100, "{} tokens in a space of 100", made.len());
    assert!(made.len() >= 90, "only {} of 100 tokens were found before EXHAUSTED", made.len());
    assert!(exhausted > 0);
}

#[test]
fn concurrent_deterministic_tokenizing_agrees_on_one_token() {
    let tv = temp_vault();
    let v = Arc::new(open(&tv.path, 1));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let v = Arc::clone(&v);
            std::thread::spawn(move || {
                (0..50)
                    .map(|i| {
                        v.tokenize(&c("app"), &format!("value-{i}"), Some(json!({"deterministic": true})))
                            .expect("tokenize")
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let results: Vec<Vec<String>> = handles.into_iter().map(|h| h.join().expect("thread")).collect();
    for r in &results[1..] {
        assert_eq!(r, &results[0]);
    }
}

#[test]
fn errors_and_debug_never_show_values() {
    let v = Vault::open_in_memory(&common::key(1), Options::default()).expect("open");
    let app = c("app");
    let canary = "4111111111111112"; // fails Luhn
    for (value, options) in [
        (canary, json!({"kind": "card"})),
        ("canary not an email", json!({"kind": "email"})),
        (&*"c".repeat(5000), json!({})),
    ] {
        let e = v.tokenize(&app, value, Some(options)).expect_err("refused");
        assert!(!e.to_string().contains(value) && !format!("{e:?}").contains(value), "{e}");
    }
    for options in [json!({"kind": "Ann Canary"}), json!({"scope": 5, "kind": 7}), json!({"alphabet": ["Ann Canary"]})]
    {
        let e = v.tokenize(&app, "x", Some(options)).expect_err("bad options");
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(!e.to_string().contains("Ann Canary"), "{e}");
    }
    let e = v.tokenize_text(&app, "x", Some(json!({"detect": ["Ann Canary"]}))).expect_err("bad detect");
    assert!(!e.to_string().contains("Ann Canary"), "{e}");
    let text_options: bunkerlite::TextOptions =
        serde_json::from_value(json!({"values": ["Ann Canary"]})).expect("text options");
    assert!(!format!("{text_options:?}").contains("Ann Canary"));
    let t = v.tokenize(&app, "debug-canary", None).expect("token");
    let batch = v.detokenize_many(&app, std::slice::from_ref(&t), None, false).expect("batch");
    assert!(!format!("{batch:?}").contains("debug-canary"));
    assert_eq!(batch.items[0].value.as_deref(), Some("debug-canary"));
    let many = v.tokenize_many(&app, &[canary.to_owned()], Some(json!({"kind": "card"})), false).expect("batch");
    let text = serde_json::to_string(&many).expect("json");
    assert!(!text.contains(canary), "{text}");
}

#[test]
fn erasing_a_subject_removes_its_tokens_from_the_files() {
    let tv = temp_vault();
    let v = open(&tv.path, 1);
    let app = c("app");
    let s = v.create_subject(&app, json!({"name": "n"})).expect("subject");
    let canary = "linked-token-canary-55";
    let t = v.tokenize(&app, canary, Some(json!({"subject": s}))).expect("token");
    v.flush_audit().expect("flush");
    let receipt = v.forget_subject(&app, &Lookup::token(&s)).expect("forget");
    assert_eq!(receipt.tokens_removed, 1);
    assert_eq!(v.detokenize(&app, &t, None).expect_err("gone").kind(), ErrorKind::NotFound);
    v.compact(&app).expect("compact");
    v.close().expect("close");
    assert_absent(&all_bytes(&tv.path), &[canary.to_owned()], "after erasure");
}

/// 100,000 random tokens of each random kind: all distinct, of the exact length and alphabet,
/// none holding a 4-character run of its input outside the kept digits, and every position's
/// symbols within 6σ of uniform.
#[test]
fn random_tokens_are_unique_well_formed_and_uniform() {
    const N: usize = 100_000;
    const BATCH: usize = 10_000;
    let options = Options::default().audit_flush_interval_ms(1000);
    let v = Vault::open_in_memory(&common::key(1), options).expect("open");
    let app = c("app");
    let digits: Vec<u8> = (b'0'..=b'9').collect();
    let alnum: Vec<u8> = (b'0'..=b'9').chain(b'A'..=b'Z').chain(b'a'..=b'z').collect();
    let hex: Vec<u8> = (b'0'..=b'9').chain(b'a'..=b'f').collect();
    let base32: Vec<u8> = (b'a'..=b'z').chain(b'2'..=b'7').collect();
    struct Case {
        options: serde_json::Value,
        value: &'static str,
        /// The drawn part of a token: (start, end) in bytes.
        drawn: fn(&str) -> (usize, usize),
        /// The alphabet of each drawn position (None: a fixed character, not counted).
        alphabet: Box<dyn Fn(usize) -> Option<Vec<u8>>>,
        len: usize,
    }
    let all = |a: Vec<u8>| -> Box<dyn Fn(usize) -> Option<Vec<u8>>> { Box::new(move |_| Some(a.clone())) };
    let uuid_hex = hex.clone();
    let cases = vec![
        Case {
            options: json!({}),
            value: "uuid-input-0123456789abcdef",
            drawn: |t| (0, t.len()),
            alphabet: Box::new(move |i| match i {
                8 | 13 | 18 | 23 | 14 => None, // hyphens and the version nibble
                19 => Some(b"89ab".to_vec()),  // the variant nibble
                _ => Some(uuid_hex.clone()),
            }),
            len: 36,
        },
        Case {
            options: json!({"kind": "alphanumeric"}),
            value: "AbCdEf0123456789xyz",
            drawn: |t| (0, t.len()),
            alphabet: all(alnum.clone()),
            len: 22,
        },
        Case {
            options: json!({"kind": "numeric", "length": 20}),
            value: "01234567890123456789",
            drawn: |t| (0, t.len()),
            alphabet: all(digits.clone()),
            len: 20,
        },
        Case {
            options: json!({"kind": "card", "keep_first": 6, "keep_last": 4}),
            value: "4111111111111111",
            drawn: |_| (6, 12),
            alphabet: all(digits.clone()),
            len: 16,
        },
        Case {
            options: json!({"kind": "email"}),
            value: "abcdefgh2345@example.org",
            drawn: |_| (0, 26),
            alphabet: all(base32.clone()),
            len: 26 + 12,
        },
    ];
    for case in &cases {
        let values = vec![case.value.to_owned(); BATCH];
        let mut tokens = std::collections::HashSet::new();
        for _ in 0..N / BATCH {
            let batch = v.tokenize_many(&app, &values, Some(case.options.clone()), true).expect("batch");
            for item in batch.items {
                assert!(tokens.insert(item.token.expect("token")), "{}: a token repeated", case.options);
            }
        }
        assert_eq!(tokens.len(), N);
        let runs: std::collections::HashSet<&[u8]> = case.value.as_bytes().windows(4).collect();
        let mut counts: Vec<std::collections::HashMap<u8, u64>> = vec![Default::default(); case.len];
        for t in &tokens {
            assert_eq!(t.len(), case.len, "{}: {t}", case.options);
            let (start, end) = (case.drawn)(t);
            let drawn = &t.as_bytes()[start..end];
            assert!(drawn.windows(4).all(|w| !runs.contains(w)), "{}: {t} holds a run of its input", case.options);
            for (i, b) in t.bytes().enumerate().take(end).skip(start) {
                if let Some(alphabet) = (case.alphabet)(i) {
                    assert!(alphabet.contains(&b), "{}: {t} position {i}", case.options);
                    *counts[i].entry(b).or_default() += 1;
                }
            }
        }
        for (i, position) in counts.iter().enumerate() {
            let Some(alphabet) = (case.alphabet)(i) else { continue };
            if position.is_empty() {
                continue;
            }
            let p = 1.0 / alphabet.len() as f64;
            let (mean, sigma) = (N as f64 * p, (N as f64 * p * (1.0 - p)).sqrt());
            for symbol in &alphabet {
                let n = *position.get(symbol).unwrap_or(&0) as f64;
                assert!(
                    (n - mean).abs() <= 6.0 * sigma,
                    "{}: position {i} symbol {} seen {n} times, expected {mean}±{sigma}",
                    case.options,
                    *symbol as char
                );
            }
        }
    }
}

#[test]
fn an_edited_token_reference_in_the_audit_breaks_the_chain() {
    let tv = temp_vault();
    let v = open(&tv.path, 1);
    let app = c("app");
    let t = v.tokenize(&app, "value", None).expect("tokenize");
    v.detokenize(&app, &t, None).expect("detokenize");
    v.verify_audit(None).expect("intact");
    v.close().expect("close");
    for edit in ["UPDATE audit SET ref = randomblob(16) WHERE ref IS NOT NULL", "UPDATE audit SET ref = NULL"] {
        let copy = temp_vault();
        std::fs::copy(&tv.path, &copy.path).expect("copy");
        raw(&copy.path).execute(edit, []).expect("edit");
        let e = open(&copy.path, 1).verify_audit(None).expect_err("tampered");
        assert_eq!(e.kind(), ErrorKind::Integrity, "{edit}");
    }
}

#[test]
fn a_placeholder_is_read_back_only_under_the_tag_and_scope_it_was_made_with() {
    let v = Vault::open_in_memory(&common::key(4), Options::default()).expect("open");
    let app = c("app");
    let text = v.tokenize_text(&app, "ssn 078-05-1120", Some(json!({"values": ["078-05-1120"]}))).expect("text");
    let token = text.trim_start_matches("ssn [VALUE:").trim_end_matches(']').to_owned();
    assert_eq!(token.len(), 22, "{text}");
    // The same token under another tag: not an email, whatever the vault holds for it.
    for tag in ["EMAIL", "PHONE", "CARD"] {
        let forged = format!("x [{tag}:{token}] y");
        assert_eq!(v.detokenize_text(&app, &forged, None).expect("detokenize"), forged, "{tag}");
    }
    assert_eq!(v.detokenize_text(&app, &text, None).expect("detokenize"), "ssn 078-05-1120");
    // Any vaulted token of the placeholder's shape — another scope, another kind of token — stays.
    let hr = v
        .tokenize(&app, "078-05-1120", Some(json!({"kind": "alphanumeric", "deterministic": true, "scope": "text"})))
        .expect("token");
    assert_eq!(hr.len(), 22);
    let forged = format!("[VALUE:{hr}]");
    assert_eq!(v.detokenize_text(&app, &forged, None).expect("detokenize"), forged);
    let plain = v.tokenize(&app, "078-05-1120", Some(json!({"kind": "alphanumeric"}))).expect("token");
    let forged = format!("[EMAIL:{plain}]");
    assert_eq!(v.detokenize_text(&app, &forged, None).expect("detokenize"), forged);
    // What stays is audited as a failed read, never as a success.
    v.flush_audit().expect("flush");
    let events = v.list_audit_events(&app, None, &PageRequest::first(20), false).expect("list");
    assert!(events.items.iter().any(|e| e.action == "text.detokenize" && e.outcome == "NOT_FOUND"));
}
