//! A model test of consent: random sequences of give, refuse, withdraw, revoke, the passing of
//! time (a reopen with a later manual clock), the expiry purge, revoking and deleting a legal
//! basis for everyone, erasure, reopening, and crashes (a child process doing one of these, killed
//! with SIGKILL at a random moment) — run against the vault and a plain model. After every step
//! the vault's observable consent state (each subject's decision and whether it is in force for
//! each basis), its enforcement answers (`can_process`) and its outbox equal the model's; after a
//! crash they equal the model with the killed operation applied whole or not at all (whole when
//! the child had reported it done). `PROPTEST_CASES` raises the number of sequences.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Duration;

use bunkerlite::{ErrorKind, Lookup, Options, PageRequest, SqliteOptions, Synchronous, Vault};
use proptest::prelude::*;
use serde_json::json;

const SUBJECTS: usize = 3;
const BASES: usize = 2;
const T0: i64 = 1_700_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Give { s: usize, b: usize, ttl: Option<u16> },
    Refuse { s: usize, b: usize },
    Withdraw { s: usize, b: usize },
    Revoke { s: usize, b: usize },
    RevokeBasis(usize),
    DeleteBasis(usize),
    Erase(usize),
    Purge,
    Advance(u16),
    Reopen,
    Crash { op: Single, delay_us: u16 },
}

/// The operations a crashing child runs: each one transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Single {
    Give { s: usize, b: usize, ttl: Option<u16> },
    Withdraw { s: usize, b: usize },
    Erase(usize),
}

impl Single {
    fn op(self) -> Op {
        match self {
            Single::Give { s, b, ttl } => Op::Give { s, b, ttl },
            Single::Withdraw { s, b } => Op::Withdraw { s, b },
            Single::Erase(s) => Op::Erase(s),
        }
    }

    fn encode(self) -> String {
        match self {
            Single::Give { s, b, ttl } => format!("give {s} {b} {}", ttl.map_or(-1, i64::from)),
            Single::Withdraw { s, b } => format!("withdraw {s} {b} 0"),
            Single::Erase(s) => format!("erase {s} 0 0"),
        }
    }

    fn decode(text: &str) -> Single {
        let parts: Vec<&str> = text.split(' ').collect();
        let n = |i: usize| parts[i].parse::<i64>().expect("number");
        match parts[0] {
            "give" => Single::Give { s: n(1) as usize, b: n(2) as usize, ttl: (n(3) >= 0).then(|| n(3) as u16) },
            "withdraw" => Single::Withdraw { s: n(1) as usize, b: n(2) as usize },
            _ => Single::Erase(n(1) as usize),
        }
    }
}

fn single() -> impl Strategy<Value = Single> {
    let sb = (0..SUBJECTS, 0..BASES);
    prop_oneof![
        3 => (sb.clone(), proptest::option::of(1u16..200)).prop_map(|((s, b), ttl)| Single::Give { s, b, ttl }),
        2 => sb.prop_map(|(s, b)| Single::Withdraw { s, b }),
        1 => (0..SUBJECTS).prop_map(Single::Erase),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let sb = (0..SUBJECTS, 0..BASES);
    prop_oneof![
        6 => (sb.clone(), proptest::option::of(1u16..200)).prop_map(|((s, b), ttl)| Op::Give { s, b, ttl }),
        2 => sb.clone().prop_map(|(s, b)| Op::Refuse { s, b }),
        3 => sb.clone().prop_map(|(s, b)| Op::Withdraw { s, b }),
        2 => sb.prop_map(|(s, b)| Op::Revoke { s, b }),
        1 => (0..BASES).prop_map(Op::RevokeBasis),
        1 => (0..BASES).prop_map(Op::DeleteBasis),
        1 => (0..SUBJECTS).prop_map(Op::Erase),
        2 => Just(Op::Purge),
        3 => (1u16..300).prop_map(Op::Advance),
        1 => Just(Op::Reopen),
        1 => (single(), 0u16..3000).prop_map(|(op, delay_us)| Op::Crash { op, delay_us }),
    ]
}

// ---- the model -------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    Given,
    Refused,
    Withdrawn,
    Revoked,
    Expired,
}

impl St {
    fn name(self) -> &'static str {
        match self {
            St::Given => "given",
            St::Refused => "refused",
            St::Withdrawn => "withdrawn",
            St::Revoked => "revoked",
            St::Expired => "expired",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cur {
    st: St,
    expires: Option<i64>,
    seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Model {
    now: i64,
    seq: u64,
    deleted: [bool; BASES],
    erased: [bool; SUBJECTS],
    had: [bool; SUBJECTS],
    cur: [[Option<Cur>; BASES]; SUBJECTS],
    /// (subject, basis, event) in outbox order.
    outbox: Vec<(usize, Option<usize>, &'static str)>,
}

/// What the vault shows: per subject and basis the decision (or error code) and whether the
/// basis's activity may read the subject, then the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Observed {
    decisions: Vec<String>,
    outbox: Vec<(usize, Option<usize>, String)>,
}

impl Model {
    fn new() -> Model {
        Model {
            now: T0,
            seq: 0,
            deleted: [false; BASES],
            erased: [false; SUBJECTS],
            had: [false; SUBJECTS],
            cur: [[None; BASES]; SUBJECTS],
            outbox: Vec::new(),
        }
    }

    fn expired(&self, c: &Cur) -> bool {
        c.st == St::Given && c.expires.is_some_and(|e| e <= self.now)
    }

    fn append(&mut self, s: usize, b: usize, st: St, expires: Option<i64>) {
        self.seq += 1;
        self.cur[s][b] = Some(Cur { st, expires, seq: self.seq });
        self.had[s] = true;
        self.outbox.push((s, Some(b), st.name()));
    }

    /// A given agreement whose expiry passed is recorded as expired before a new decision.
    fn expire_first(&mut self, s: usize, b: usize) {
        if let Some(c) = self.cur[s][b] {
            if self.expired(&c) {
                self.append(s, b, St::Expired, c.expires);
            }
        }
    }

    /// Apply an operation; the error code it gives, if any.
    fn apply(&mut self, op: Op) -> Option<ErrorKind> {
        match op {
            Op::Give { s, b, .. } | Op::Refuse { s, b } => {
                if self.erased[s] {
                    return Some(ErrorKind::Erased);
                }
                if self.deleted[b] {
                    return Some(ErrorKind::InvalidInput);
                }
                self.expire_first(s, b);
                match op {
                    Op::Give { ttl, .. } => {
                        let expires = ttl.map(|t| self.now + i64::from(t));
                        self.append(s, b, St::Given, expires);
                    }
                    _ => self.append(s, b, St::Refused, None),
                }
                None
            }
            Op::Withdraw { s, b } | Op::Revoke { s, b } => {
                if self.erased[s] {
                    return Some(ErrorKind::Erased);
                }
                if self.cur[s][b].is_none() {
                    return Some(ErrorKind::NotFound);
                }
                self.expire_first(s, b);
                let c = self.cur[s][b].expect("checked");
                if c.st == St::Given {
                    let st = if matches!(op, Op::Withdraw { .. }) { St::Withdrawn } else { St::Revoked };
                    self.append(s, b, st, c.expires);
                }
                None
            }
            Op::RevokeBasis(b) | Op::DeleteBasis(b) => {
                let mut given: Vec<(u64, usize)> = (0..SUBJECTS)
                    .filter_map(|s| self.cur[s][b].filter(|c| c.st == St::Given).map(|c| (c.seq, s)))
                    .collect();
                given.sort();
                for (_, s) in given {
                    let expires = self.cur[s][b].expect("given").expires;
                    self.append(s, b, St::Revoked, expires);
                }
                if matches!(op, Op::DeleteBasis(_)) {
                    self.deleted[b] = true;
                }
                None
            }
            Op::Erase(s) => {
                if self.erased[s] {
                    return Some(ErrorKind::Erased);
                }
                self.outbox.retain(|(t, _, _)| *t != s);
                if self.had[s] {
                    self.outbox.push((s, None, "erased"));
                }
                self.erased[s] = true;
                self.cur[s] = [None; BASES];
                None
            }
            Op::Purge => {
                let mut due: Vec<(i64, usize, usize)> = Vec::new();
                for s in 0..SUBJECTS {
                    for b in 0..BASES {
                        if let Some(c) = self.cur[s][b] {
                            if self.expired(&c) {
                                due.push((c.expires.expect("expires"), s, b));
                            }
                        }
                    }
                }
                due.sort();
                for (_, s, b) in due {
                    let expires = self.cur[s][b].expect("due").expires;
                    self.append(s, b, St::Expired, expires);
                }
                None
            }
            Op::Advance(dt) => {
                self.now += i64::from(dt);
                None
            }
            Op::Reopen | Op::Crash { .. } => None,
        }
    }

    fn observed(&self) -> Observed {
        let mut decisions = Vec::new();
        for s in 0..SUBJECTS {
            for b in 0..BASES {
                decisions.push(if self.erased[s] {
                    "ERASED ERASED".to_owned()
                } else {
                    match self.cur[s][b] {
                        None => format!("NOT_FOUND {}", false),
                        Some(c) => {
                            let st = if self.expired(&c) { St::Expired } else { c.st };
                            let in_force = st == St::Given;
                            format!("{} {in_force} {}", st.name(), in_force && !self.deleted[b])
                        }
                    }
                });
            }
        }
        Observed { decisions, outbox: self.outbox.iter().map(|(s, b, e)| (*s, *b, e.to_string())).collect() }
    }
}

// ---- the vault -------------------------------------------------------------------------------

fn options(now: i64) -> Options {
    Options::default().manual_clock_ms(now).sqlite(SqliteOptions::default().synchronous(Synchronous::Normal))
}

fn open_at(path: &Path, now: i64) -> Vault {
    Vault::open(path, &common::key(3), options(now)).expect("open")
}

fn brief(b: usize) -> String {
    format!("basis-{b}")
}

/// Run one operation on the vault: its error code, if any.
fn run(v: &Vault, tokens: &[String], op: Op) -> Option<ErrorKind> {
    let app = common::c("app:model");
    let who = |s: usize| Lookup::token(&tokens[s]);
    let r = match op {
        Op::Give { s, b, ttl } => {
            let options = ttl.map(|t| json!({"ttl_ms": t, "method": "web-form", "reference": format!("ref-{s}-{b}")}));
            v.give_consent(&app, &who(s), &brief(b), options).map(drop)
        }
        Op::Refuse { s, b } => v.give_consent(&app, &who(s), &brief(b), Some(json!({"status": "refused"}))).map(drop),
        Op::Withdraw { s, b } => v.withdraw_consent(&app, &who(s), &brief(b), None).map(drop),
        Op::Revoke { s, b } => v.revoke_consent(&app, &who(s), &brief(b), None).map(drop),
        Op::RevokeBasis(b) => v.revoke_legal_basis(&app, &brief(b)).map(drop),
        Op::DeleteBasis(b) => v.delete_legal_basis(&app, &brief(b)).map(drop),
        Op::Erase(s) => v.forget_subject(&app, &who(s)).map(drop),
        Op::Purge => v.purge_consents(&app).map(drop),
        Op::Advance(_) | Op::Reopen | Op::Crash { .. } => Ok(()),
    };
    r.err().map(|e| e.kind())
}

fn observe(v: &Vault, tokens: &[String]) -> Observed {
    let app = common::c("app:model");
    let mut decisions = Vec::new();
    for (s, token) in tokens.iter().enumerate() {
        for b in 0..BASES {
            let who = Lookup::token(token);
            let got = v.get_consent(&app, &who, &brief(b));
            let can = v.can_process(&who, &format!("act-{b}"), None);
            decisions.push(match (got, can) {
                (Ok(a), Ok(c)) => format!("{} {} {}", json!(a.status).as_str().expect("status"), a.in_force, c.allowed),
                (Err(e), Ok(c)) => format!("{} {}", e.code(), c.allowed),
                (Err(e), Err(f)) => format!("{} {}", e.code(), f.code()),
                (Ok(_), Err(f)) => panic!("subject {s}: a decision but can_process fails: {f}"),
            });
        }
    }
    let page = v.list_consent_events(&app, None, &PageRequest::first(1000)).expect("events");
    let outbox = page
        .items
        .iter()
        .map(|e| {
            let s = tokens.iter().position(|t| *t == e.subject).expect("a known subject");
            let b = e.legal_basis.as_ref().map(|l| (0..BASES).find(|b| brief(*b) == *l).expect("a known basis"));
            (s, b, e.event.clone())
        })
        .collect();
    Observed { decisions, outbox }
}

fn setup(path: &Path) -> Vec<String> {
    let v = open_at(path, T0);
    let admin = common::c("admin:model");
    for b in 0..BASES {
        v.set_legal_basis(&admin, &brief(b), json!({"type": "consent", "short_description": format!("basis {b}")}))
            .expect("basis");
        v.set_activity(&admin, &format!("act-{b}"), json!({"operations": ["read"], "legal_bases": [brief(b)]}))
            .expect("activity");
    }
    let tokens = (0..SUBJECTS)
        .map(|i| v.create_subject(&admin, json!({"email": format!("m{i}@consent-model.test")})).expect("subject"))
        .collect();
    v.close().expect("close");
    tokens
}

/// Child entry point: open the vault, run one operation, report it done, then wait to be killed.
#[test]
#[ignore = "child process entry point, run by the consent model test"]
fn consent_crash_child() {
    let path = std::env::var("BL_PATH").expect("BL_PATH");
    let now: i64 = std::env::var("BL_NOW").expect("BL_NOW").parse().expect("now");
    let tokens: Vec<String> = std::env::var("BL_TOKENS").expect("BL_TOKENS").split(',').map(str::to_owned).collect();
    let op = Single::decode(&std::env::var("BL_OP").expect("BL_OP"));
    let v = Vault::open(&path, &common::key(3), options(now))
        .unwrap_or_else(|e| panic!("open {path} (exists: {}): {e}", Path::new(&path).exists()));
    println!("open");
    run(&v, &tokens, op.op());
    println!("done");
    std::thread::sleep(Duration::from_secs(30));
}

fn crash(path: &Path, now: i64, tokens: &[String], op: Single, delay_us: u16) -> bool {
    let mut child = common::child(
        "consent_crash_child",
        &[
            ("BL_PATH", path.display().to_string()),
            ("BL_NOW", now.to_string()),
            ("BL_TOKENS", tokens.join(",")),
            ("BL_OP", op.encode()),
        ],
    )
    .spawn()
    .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    // Wait until the child has the vault open, then let it run for a random moment.
    // (The test harness writes its own lines first.)
    let opened = lines.by_ref().map_while(|l| l.ok()).any(|l| l == "open");
    assert!(opened, "the child did not open the vault");
    std::thread::sleep(Duration::from_micros(u64::from(delay_us)));
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    lines.any(|l| l.is_ok_and(|l| l == "done"))
}

fn check(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let tv = common::temp_vault();
    let tokens = setup(&tv.path);
    let mut model = Model::new();
    let mut v = open_at(&tv.path, model.now);
    for (i, op) in ops.into_iter().enumerate() {
        match op {
            Op::Advance(_) => {
                model.apply(op);
                v.close().expect("close");
                v = open_at(&tv.path, model.now);
            }
            Op::Reopen => {
                v.close().expect("close");
                v = open_at(&tv.path, model.now);
            }
            Op::Crash { op: single, delay_us } => {
                v.close().expect("close");
                let done = crash(&tv.path, model.now, &tokens, single, delay_us);
                v = open_at(&tv.path, model.now);
                let seen = observe(&v, &tokens);
                let mut with = model.clone();
                with.apply(single.op());
                if seen == with.observed() {
                    model = with;
                } else {
                    prop_assert!(!done, "step {i}: {single:?} was reported done but is not in the vault");
                    prop_assert_eq!(&seen, &model.observed(), "step {}: {:?} left a partial state", i, single);
                }
            }
            _ => {
                let expected = model.apply(op);
                let got = run(&v, &tokens, op);
                prop_assert_eq!(got, expected, "step {}: {:?}", i, op);
            }
        }
        prop_assert_eq!(observe(&v, &tokens), model.observed(), "after step {}: {:?}", i, op);
    }
    v.verify_audit(None).expect("the audit chain verifies");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn consent_state_follows_the_model(ops in proptest::collection::vec(op(), 1..40)) {
        check(ops)?;
    }
}
