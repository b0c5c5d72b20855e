//! Data-subject requests against reference models: the deadlines of every regime (calendar
//! months, calendar days, business days across year ends and leap days) computed by a naive
//! day-by-day model; random sequences of steps (create, start, verify, extend, approve, deny,
//! revoke, expire, time passing) against a reference state machine; and the mapping of every
//! state, transition, kind and denial code onto the Data Rights Protocol 0.9.4.

use std::collections::BTreeSet;

use bunkerlite::{
    Caller, Clock, ErrorKind, Lookup, MasterKey, Options, PageRequest, Vault, DENIAL_CODES, REQUEST_KINDS,
    REQUEST_STATES,
};
use proptest::prelude::*;
use serde_json::json;

const DAY: i64 = 86_400_000;

/// The civil date of a day number (days since 1970-01-01), by walking years and months.
fn civil(mut day: i64) -> (i64, u32, u32) {
    let mut y = 1970;
    loop {
        let len = if leap(y) { 366 } else { 365 };
        if day < 0 {
            y -= 1;
            day += if leap(y) { 366 } else { 365 };
        } else if day >= len {
            day -= len;
            y += 1;
        } else {
            break;
        }
    }
    let mut m = 1;
    while day >= i64::from(month_len(y, m)) {
        day -= i64::from(month_len(y, m));
        m += 1;
    }
    (y, m, day as u32 + 1)
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn month_len(y: i64, m: u32) -> u32 {
    [31, if leap(y) { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m as usize - 1]
}

/// The day number of a civil date, by walking from 1970.
fn day_of(y: i64, m: u32, d: u32) -> i64 {
    let mut day = 0;
    for year in 1970..y {
        day += if leap(year) { 366 } else { 365 };
    }
    for month in 1..m {
        day += i64::from(month_len(y, month));
    }
    day + i64::from(d) - 1
}

/// `ms` plus `n` calendar months, the day clamped to the month's length.
fn plus_months(ms: i64, n: u32) -> i64 {
    let (day, time) = (ms.div_euclid(DAY), ms.rem_euclid(DAY));
    let (mut y, mut m, d) = civil(day);
    for _ in 0..n {
        m += 1;
        if m == 13 {
            (y, m) = (y + 1, 1);
        }
    }
    day_of(y, m, d.min(month_len(y, m))) * DAY + time
}

/// `ms` plus `n` business days, counted one day at a time (Saturday and Sunday skipped).
fn plus_business_days(ms: i64, n: u32) -> i64 {
    let (mut day, time) = (ms.div_euclid(DAY), ms.rem_euclid(DAY));
    let mut left = n;
    while left > 0 {
        day += 1;
        // 1970-01-01 was a Thursday: (day + 3) % 7 is 5 on Saturdays, 6 on Sundays.
        if (day + 3).rem_euclid(7) < 5 {
            left -= 1;
        }
    }
    // A request received on a weekend: its first business day is the Monday after, which the
    // walk above reaches as well.
    day * DAY + time
}

/// The reference deadlines: (due, acknowledgement, furthest extension).
fn deadlines(regime: &str, kind: &str, received: i64) -> (i64, Option<i64>, Option<i64>) {
    match (regime, kind) {
        ("gdpr", _) => (plus_months(received, 1), None, Some(plus_months(received, 3))),
        (_, "opt_out" | "opt_in") => (plus_business_days(received, 15), None, None),
        _ => (received + 45 * DAY, Some(plus_business_days(received, 10)), Some(received + 90 * DAY)),
    }
}

fn kinds_of(regime: &str) -> Vec<&'static str> {
    REQUEST_KINDS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| match regime {
            "gdpr" => !matches!(*k, "opt_out" | "opt_in"),
            "ccpa" => !matches!(*k, "restrict" | "object"),
            _ => true,
        })
        // Kinds that need more than a subject to be made (a patch, a legal basis) are covered by
        // the shared scenarios.
        .filter(|k| !matches!(*k, "rectify" | "change_app_data" | "withdraw_consent" | "opt_in"))
        .collect()
}

/// From 1999 to 2101: every kind of year end, the leap days of 2000 and 2100 (not a leap year).
fn received() -> impl Strategy<Value = i64> {
    (day_of(1999, 1, 1) * DAY)..(day_of(2101, 1, 1) * DAY)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn deadlines_follow_the_reference_model(times in proptest::collection::vec((received(), 0usize..3, 0usize..10), 1..12)) {
        let now = day_of(2101, 6, 1) * DAY;
        let vault = Vault::open_in_memory(&MasterKey::generate().expect("key"), Options::default().manual_clock_ms(now)).expect("open");
        let app = Caller::new("app").expect("actor");
        let ann = vault.create_subject(&app, json!({"name": "Ann"})).expect("subject");
        for (at, regime, kind) in times {
            let regime = ["gdpr", "ccpa", "voluntary"][regime];
            let kinds = kinds_of(regime);
            let kind = kinds[kind % kinds.len()];
            let r = vault
                .create_request(&app, &Lookup::token(&ann), Some(json!({"kind": kind, "regime": regime, "received_ms": at})))
                .expect("request");
            let (due, ack, furthest) = deadlines(regime, kind, at);
            prop_assert_eq!((r.due_ms, r.ack_due_ms), (due, ack), "{} {} received at {}", regime, kind, at);
            let extended = vault.extend_request(&app, &r.id, "reason");
            match furthest {
                Some(f) => prop_assert_eq!(extended.expect("extend").due_ms, f),
                None => prop_assert_eq!(extended.expect_err("not extendable").kind(), ErrorKind::InvalidInput),
            }
            // Closed, so the next request of this kind is a new one.
            vault.deny_request(&app, &r.id, "other", None).expect("deny");
        }
    }
}

/// A step of the transition model.
#[derive(Debug, Clone)]
enum Step {
    Create { kind: usize, verified: bool },
    Start(usize),
    Verify(usize),
    Extend(usize),
    Approve(usize),
    Deny(usize),
    Revoke(usize),
    Expire,
    Wait(i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0usize..3, any::<bool>()).prop_map(|(kind, verified)| Step::Create { kind, verified }),
        (0usize..8).prop_map(Step::Start),
        (0usize..8).prop_map(Step::Verify),
        (0usize..8).prop_map(Step::Extend),
        (0usize..8).prop_map(Step::Approve),
        (0usize..8).prop_map(Step::Deny),
        (0usize..8).prop_map(Step::Revoke),
        Just(Step::Expire),
        (1i64..40).prop_map(|days| Step::Wait(days * DAY)),
    ]
}

/// A request as the reference model holds it.
#[derive(Debug, Clone)]
struct Model {
    id: String,
    kind: &'static str,
    state: &'static str,
    verified: bool,
    due: i64,
    extended: bool,
}

const MODEL_KINDS: [&str; 3] = ["access", "port", "object"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn transitions_follow_the_reference_model(steps in proptest::collection::vec(step(), 1..40)) {
        let start = day_of(2026, 12, 20) * DAY;
        let clock = Clock::manual(start);
        let vault = Vault::open_in_memory(&MasterKey::generate().expect("key"), Options::default().clock(clock.clone())).expect("open");
        let app = Caller::new("admin:dpo").expect("actor");
        let ann = Lookup::token(vault.create_subject(&app, json!({"name": "Ann"})).expect("subject"));
        let mut model: Vec<Model> = Vec::new();
        let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
        let active = |m: &Model| matches!(m.state, "open" | "in_progress");
        for s in steps {
            let now = clock.now_ms();
            let target = |i: usize, model: &Vec<Model>| model.get(i % model.len().max(1)).cloned();
            let (expected, got): (Option<Model>, Result<bunkerlite::Request, ErrorKind>) = match s {
                Step::Wait(ms) => {
                    clock.advance_ms(ms);
                    continue;
                }
                Step::Expire => {
                    let before: Vec<Model> = model.clone();
                    let n = vault.expire_requests(&app).expect("expire").expired;
                    let mut expired = 0;
                    for m in model.iter_mut() {
                        if m.state == "open" && !m.verified && m.due < now {
                            seen.insert((m.state.to_owned(), "expired".to_owned()));
                            m.state = "expired";
                            expired += 1;
                        }
                    }
                    prop_assert_eq!(n, expired, "expired from {:?}", before);
                    continue;
                }
                Step::Create { kind, verified } => {
                    let kind = MODEL_KINDS[kind];
                    let r = vault.create_request(&app, &ann, Some(json!({"kind": kind, "verified": verified}))).map_err(|e| e.kind());
                    let existing = model.iter_mut().find(|m| m.kind == kind && matches!(m.state, "open" | "in_progress"));
                    let expected = match existing {
                        Some(m) => {
                            m.verified |= verified;
                            m.clone()
                        }
                        None => {
                            let id = r.as_ref().map(|r| r.id.clone()).unwrap_or_default();
                            let m = Model { id, kind, state: "open", verified, due: plus_months(now, 1), extended: false };
                            model.push(m.clone());
                            m
                        }
                    };
                    (Some(expected), r)
                }
                Step::Start(i) | Step::Verify(i) | Step::Extend(i) | Step::Approve(i) | Step::Deny(i) | Step::Revoke(i) => {
                    let Some(m) = target(i, &model) else { continue };
                    let at = model.iter().position(|x| x.id == m.id).expect("in the model");
                    let mut next = m.clone();
                    let ok = match &s {
                        Step::Start(_) => active(&m) && m.state == "open",
                        Step::Verify(_) => active(&m) && !m.verified,
                        Step::Extend(_) => active(&m) && !m.extended,
                        Step::Approve(_) => active(&m) && m.verified,
                        _ => active(&m),
                    };
                    if ok {
                        match &s {
                            Step::Start(_) => next.state = "in_progress",
                            Step::Verify(_) => next.verified = true,
                            Step::Extend(_) => {
                                next.extended = true;
                                next.due = plus_months(next.due, 0).max(0);
                            }
                            Step::Approve(_) => next.state = "fulfilled",
                            Step::Deny(_) => next.state = "denied",
                            _ => next.state = "revoked",
                        }
                    }
                    let id = m.id.as_str();
                    let r = match &s {
                        Step::Start(_) => vault.start_request(&app, id),
                        Step::Verify(_) => vault.verify_request(&app, id),
                        Step::Extend(_) => vault.extend_request(&app, id, "reason"),
                        Step::Approve(_) => vault.approve_request(&app, id, None),
                        Step::Deny(_) => vault.deny_request(&app, id, "other", Some("why")),
                        _ => vault.revoke_request(&app, id),
                    }
                    .map_err(|e| e.kind());
                    if !ok {
                        prop_assert_eq!(r.clone().err(), Some(ErrorKind::InvalidInput), "{:?} on {:?}", s, m);
                        continue;
                    }
                    if next.state != m.state {
                        seen.insert((m.state.to_owned(), next.state.to_owned()));
                    }
                    if let (Step::Extend(_), Ok(r)) = (&s, &r) {
                        // GDPR: three months after receipt.
                        next.due = r.due_ms;
                        prop_assert_eq!(r.due_ms, plus_months(r.received_ms, 3));
                    }
                    model[at] = next.clone();
                    (Some(next), r)
                }
            };
            let expected = expected.expect("a step that changes a request");
            let got = got.map_err(|e| TestCaseError::fail(format!("{s:?}: {e:?}")))?;
            prop_assert_eq!(&got.id, &expected.id);
            prop_assert_eq!(got.state.as_str(), expected.state, "{:?}", s);
            prop_assert_eq!(got.verified, expected.verified);
            prop_assert_eq!(got.extended, expected.extended);
            prop_assert_eq!(got.due_ms, expected.due);
        }
        // The vault's own listing agrees with the model at the end.
        let listed = vault.list_requests(&app, None, &PageRequest::first(100)).expect("list");
        prop_assert_eq!(listed.items.len(), model.len());
        for (got, m) in listed.items.iter().zip(&model) {
            prop_assert_eq!((&got.id, got.state.as_str()), (&m.id, m.state));
        }
        // Every transition taken is one the Data Rights Protocol has.
        for (from, to) in &seen {
            prop_assert!(drp_transition(from, to), "{} → {} is no DRP 0.9.4 transition", from, to);
        }
    }
}

/// DRP 0.9.4's request statuses, the final ones, its denial reasons and its actions.
const DRP_STATES: [&str; 6] = ["open", "in_progress", "fulfilled", "revoked", "denied", "expired"];
const DRP_FINAL: [&str; 4] = ["fulfilled", "revoked", "denied", "expired"];
const DRP_DENIALS: [&str; 8] = [
    "need_user_verification",
    "suspected_fraud",
    "insufficient_verification",
    "no_match",
    "claim_not_covered",
    "outside_jurisdiction",
    "too_many_requests",
    "other",
];
const DRP_ACTIONS: [&str; 6] =
    ["sale:opt_out", "sale:opt_in", "access", "deletion", "access:categories", "access:specific"];

/// A DRP transition: from a pending status (open, in progress) to in progress or a final status.
fn drp_transition(from: &str, to: &str) -> bool {
    matches!(from, "open" | "in_progress") && (to == "in_progress" && from == "open" || DRP_FINAL.contains(&to))
}

#[test]
fn every_state_kind_and_denial_code_maps_onto_drp() {
    assert_eq!(REQUEST_STATES.iter().copied().collect::<BTreeSet<_>>(), DRP_STATES.iter().copied().collect());
    assert_eq!(DENIAL_CODES, DRP_DENIALS);
    for (kind, action) in REQUEST_KINDS {
        if let Some(action) = action {
            assert!(DRP_ACTIONS.contains(action), "{kind} maps onto {action}, which DRP does not have");
        }
    }
    // The DRP actions a covered business answers, each reachable from one of our kinds.
    for action in ["sale:opt_out", "sale:opt_in", "access", "deletion"] {
        assert!(REQUEST_KINDS.iter().any(|(_, a)| *a == Some(action)), "no kind is DRP's {action}");
    }
    // Every one of our transitions (the model test checks the ones taken) is DRP's; and the
    // transitions the vault refuses (out of a final state) DRP does not have either.
    for from in DRP_FINAL {
        for to in DRP_STATES {
            assert!(!drp_transition(from, to));
        }
    }
}
