//! The consent area: the catalogue (`catalogue.rs`), agreements kept as an append-only history
//! with a MACed current view, revocation for everyone in resumable batches, expiry, the outbox
//! of consent events, `can_process`, and receipts (`receipt.rs`). The purpose check every other
//! area runs is in `policy.rs`, below the areas.
//!
//! A decision is one write: the history row (its method, channel, language and reference sealed
//! under the subject's data key), the current view with its MAC, the outbox event and the audit
//! event commit together or not at all.

pub(crate) mod lifecycle;

pub(crate) mod catalogue;
mod decide;
pub(crate) mod ops;
mod outbox;
pub(crate) mod policy;
mod receipt;
pub(crate) mod restrict;
pub(crate) mod seal;
pub(crate) mod store;
pub(crate) mod types;
pub(crate) mod verify;

use std::collections::HashMap;

use crate::action::Action;
use crate::caller::{Caller, DEFAULT_ACTOR};
use crate::chain::Event;
use crate::consent::store::{BasisRow, CurrentRow, DecisionRow};
use crate::crypto::aead::{self, Place, Slot, ROW_KEY};
use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::TokenBytes;
use crate::policy::{Operation, Target};
use crate::store::Db;
use crate::subjects::{self, Lookup, Subjects};
use types::{Agreement, ConsentOptions, ConsentStatus, ProcessingDecision, ReceiptCheck};

pub(crate) use receipt::{export_receipt, verify_receipt};

/// Rows changed per transaction by a revocation for everyone and by the expiry purge.
const BATCH: u64 = 1000;
/// The consumer of the outbox when the caller names none.
const DEFAULT_CONSUMER: &str = "default";
/// The longest method, channel or language, and the longest reference, in bytes.
const MAX_LABEL: usize = 64;
const MAX_REFERENCE: usize = 1024;

/// The sealed part of a decision.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Details {
    method: String,
    channel: Option<String>,
    language: Option<String>,
    reference: Option<String>,
}

impl Details {
    /// Details of a decision the vault records itself (no channel, language or reference).
    fn by(method: &str) -> Details {
        Details { method: method.to_owned(), channel: None, language: None, reference: None }
    }
}

impl Drop for Details {
    fn drop(&mut self) {
        if let Some(r) = &mut self.reference {
            zeroize::Zeroize::zeroize(r);
        }
    }
}

/// The associated data of a decision's sealed details: the subject and every other field of
/// the row, so a row edited or moved fails to open.
fn details_record(token: &TokenBytes, d: &DecisionRow) -> Vec<u8> {
    let mut r = Vec::with_capacity(16 + 8 * 8 + d.actor.len());
    r.extend_from_slice(token);
    for v in [d.seq, d.basis_id, d.decision, d.notice_version, d.time_ms, d.start_ms, d.expires_ms.unwrap_or(i64::MIN)]
    {
        r.extend_from_slice(&v.to_be_bytes());
    }
    r.push(u8::from(d.expires_ms.is_some()));
    r.extend_from_slice(d.actor.as_bytes());
    r
}

fn seal_details(
    engine: &Engine,
    dek: &SecretKey,
    token: &TokenBytes,
    d: &DecisionRow,
    details: &Details,
) -> Result<Vec<u8>> {
    let record = details_record(token, d);
    let plain = zeroize::Zeroizing::new(
        serde_json::to_vec(details).map_err(|_| Error::internal("consent details do not serialise"))?,
    );
    aead::seal(dek, ROW_KEY, &Place::fixed(engine.keys().vault_id(), Slot::Agreement, &record), &plain)
}

fn open_details(engine: &Engine, dek: &SecretKey, token: &TokenBytes, d: &DecisionRow) -> Result<Details> {
    let record = details_record(token, d);
    let plain =
        aead::open(dek, ROW_KEY, &Place::fixed(engine.keys().vault_id(), Slot::Agreement, &record), &d.details)?;
    serde_json::from_slice(&plain).map_err(|_| Error::integrity("stored consent details are malformed"))
}

fn check_label(what: &str, value: &Option<String>) -> Result<()> {
    if let Some(v) = value {
        let ok = !v.is_empty()
            && v.len() <= MAX_LABEL
            && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:/ ".contains(&b));
        if !ok {
            return Err(Error::invalid(format!(
                "{what} must be 1-{MAX_LABEL} characters of A-Z a-z 0-9 - _ . : / and space"
            )));
        }
    }
    Ok(())
}

fn check_options(options: &ConsentOptions) -> Result<()> {
    check_label("method", &options.method)?;
    check_label("channel", &options.channel)?;
    check_label("language", &options.language)?;
    if options.reference.as_ref().is_some_and(|r| r.len() > MAX_REFERENCE) {
        return Err(Error::new(ErrorKind::TooLarge, format!("reference is longer than {MAX_REFERENCE} bytes")));
    }
    if options.expires_ms.is_some() && options.ttl_ms.is_some() {
        return Err(Error::invalid("give expires_ms or ttl_ms, not both"));
    }
    Ok(())
}

/// The consent area of an open vault.
pub(crate) struct Consent;

/// What a decision to record is.
struct Decide<'a> {
    action: Action,
    status: ConsentStatus,
    options: &'a ConsentOptions,
}

impl Consent {
    /// The public view of a current decision.
    fn view(
        engine: &Engine,
        db: &Db<'_>,
        basis: &BasisRow,
        c: &CurrentRow,
        token: &TokenBytes,
        dek: &SecretKey,
        now: i64,
    ) -> Result<Agreement> {
        let in_force = policy::in_force(&engine.keys().consent().state, token, c, basis.revoked_through, now)?;
        let row = history_row(engine, db, token, c)?;
        let details = open_details(engine, dek, token, &row)?;
        let stored = ConsentStatus::from_number(c.decision)
            .ok_or_else(|| Error::integrity("a stored consent decision is unknown"))?;
        let status = match stored {
            ConsentStatus::Given if c.seq <= basis.revoked_through => ConsentStatus::Revoked,
            ConsentStatus::Given if c.expires_ms.is_some_and(|e| e <= now) => ConsentStatus::Expired,
            s => s,
        };
        let notice = db
            .notice_of(basis.id, row.notice_version)?
            .ok_or_else(|| Error::integrity("a cited notice version is missing"))?;
        Ok(Agreement {
            legal_basis: basis.brief.clone(),
            status,
            in_force,
            decided_ms: row.time_ms,
            start_ms: c.start_ms,
            expires_ms: c.expires_ms,
            notice_version: row.notice_version,
            notice_sha256: hex::encode(notice.sha256),
            method: details.method.clone(),
            channel: details.channel.clone(),
            language: details.language.clone(),
            reference: details.reference.clone(),
            actor: row.actor,
        })
    }

    /// A subject's current decision about `brief` (`NOT_FOUND` when it never decided).
    pub(crate) fn get(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
        brief: &str,
    ) -> Result<Agreement> {
        engine.read(caller, Action::ConsentGet, subjects::hint(lookup), |db| {
            let (sid, token, dek) = subjects.locate(engine, db, (caller, Some(Operation::Read)), lookup)?;
            let basis = catalogue::basis(engine, db, brief)?;
            let c = db.current_decision(sid, basis.id)?.ok_or_else(|| {
                Error::new(ErrorKind::NotFound, "the subject has no agreement under this legal basis")
            })?;
            let view = Self::view(engine, db, &basis, &c, &token, &dek, engine.now_ms())?;
            Ok((view, vec![Event::about(Action::ConsentGet, sid, token)]))
        })
    }

    /// Every current decision of a subject, by legal basis.
    pub(crate) fn list(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
    ) -> Result<Vec<Agreement>> {
        engine.read_snapshot(caller, Action::ConsentList, subjects::hint(lookup), |db| {
            let (sid, token, dek) = subjects.locate(engine, db, (caller, Some(Operation::Read)), lookup)?;
            let bases = bases_by_id(engine, db)?;
            let now = engine.now_ms();
            let mut out = Vec::new();
            for c in db.current_decisions_of_subject(sid)? {
                let basis = basis_of(&bases, c.basis_id)?;
                out.push(Self::view(engine, db, basis, &c, &token, &dek, now)?);
            }
            out.sort_by(|a, b| a.legal_basis.cmp(&b.legal_basis));
            Ok((out, vec![Event::about(Action::ConsentList, sid, token)]))
        })
    }

    /// Whether `purpose` allows `operation` on a subject, without touching its data. Audited as
    /// `consent.check` (by the default actor, with the purpose asked about), since the answer
    /// tells whether someone is a subject and whether their consent is in force.
    pub(crate) fn can_process(
        engine: &Engine,
        subjects: &Subjects,
        lookup: &Lookup,
        purpose: &str,
        operation: Option<&str>,
    ) -> Result<ProcessingDecision> {
        let caller = Caller::new(DEFAULT_ACTOR)?.with_purpose(purpose)?;
        let hint = subjects::hint(lookup);
        let op = operation
            .map(Operation::parse)
            .transpose()
            .map_err(|e| engine.refused(&caller, Action::ConsentCheck, hint, e))?
            .unwrap_or(Operation::Read);
        engine.read(&caller, Action::ConsentCheck, hint, |db| {
            let (sid, token) = subjects.locate_id(engine, db, lookup)?;
            let v = engine.verdict(db, purpose, (op, Target::Subject(sid, &token)))?;
            let decision = ProcessingDecision { allowed: v.allowed, legal_basis: v.basis, reason: v.reason.to_owned() };
            Ok((decision, vec![Event::about(Action::ConsentCheck, sid, token)]))
        })
    }
}

/// The history row of a current decision of the subject `token`: its MAC checked (format 6),
/// and it must be the decision the current view says (`INTEGRITY` otherwise).
fn history_row(engine: &Engine, db: &Db<'_>, token: &TokenBytes, c: &CurrentRow) -> Result<DecisionRow> {
    let row =
        db.decision_by_seq(c.seq)?.ok_or_else(|| Error::integrity("a consent decision is missing from the history"))?;
    if row.subject_id != c.subject_id || row.basis_id != c.basis_id || row.decision != c.decision {
        return Err(Error::integrity("a current consent decision does not match its history"));
    }
    seal::verify_agreement(&engine.keys().consent().state, token, &row)?;
    Ok(row)
}

/// Every legal basis by row id, as the catalogue (checked against its MAC) holds them.
fn bases_by_id(engine: &Engine, db: &Db<'_>) -> Result<HashMap<i64, BasisRow>> {
    policy::Policy::of(engine)?.bases(db, &engine.keys().consent().state)
}

/// The basis an agreement names (`INTEGRITY` when there is none).
fn basis_of(bases: &HashMap<i64, BasisRow>, id: i64) -> Result<&BasisRow> {
    bases.get(&id).ok_or_else(|| Error::integrity("an agreement names no legal basis"))
}

/// Check a receipt against this vault (see `receipt.rs`).
pub(crate) fn verify(engine: &Engine, receipt: &serde_json::Value) -> Result<ReceiptCheck> {
    verify_receipt(engine, receipt)
}
