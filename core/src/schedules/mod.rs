//! Scheduled erasure (Databunker's `/v1/exp/*`): a subject's erasure set for a time (`ttl_ms` or
//! `expires_at_ms`), seen, cancelled — by an operator, or by the subject through the capability
//! the schedule hands out once (a 256-bit bearer secret of which only a keyed hash is stored:
//! Databunker's `exptoken` links, made opaque) — and carried out by `purge` when due. Each row
//! is MACed with its subject's token: a date moved, a row moved to another subject or a
//! capability swapped is `INTEGRITY`.

pub(crate) mod lifecycle;
pub(crate) mod ops;
pub(crate) mod store;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::clock;
use crate::crypto::index::PartsMac;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{format_token, TokenBytes};
use crate::policy::Operation;
use crate::schedules::store::ScheduleRow;
use crate::store::Db;
use crate::subjects::{self, Lookup, Subjects};

/// The longest an erasure may be scheduled ahead: ten years.
pub const SCHEDULE_MAX_MS: i64 = 10 * 366 * 86_400_000;

/// When to erase, for [`Vault::schedule_erasure`](crate::Vault::schedule_erasure) (unknown
/// fields refused; give one of the two).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleOptions {
    /// Erase this many milliseconds from now (1 ms to ten years).
    pub ttl_ms: Option<i64>,
    /// Erase at this time, in milliseconds since the Unix epoch (in the future, within ten years).
    pub expires_at_ms: Option<i64>,
}

/// A subject's scheduled erasure as set: with its capability, shown once. `Debug` hides it.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScheduledErasure {
    /// The subject's token.
    pub subject: String,
    /// When it is erased (milliseconds since the Unix epoch).
    pub due_ms: i64,
    /// When the schedule was set.
    pub created_ms: i64,
    /// A bearer secret (43 characters of base64url) for the subject's links: keep its data
    /// (`retain_by_capability`) or erase it now (`erase_by_capability`). Shown once; the vault
    /// keeps only its keyed hash, and a new schedule voids it.
    pub capability: String,
}

impl fmt::Debug for ScheduledErasure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScheduledErasure").field("due_ms", &self.due_ms).finish_non_exhaustive()
    }
}

/// Whether and when a subject's erasure is scheduled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErasureSchedule {
    /// The subject's token.
    pub subject: String,
    /// Whether an erasure is scheduled.
    pub scheduled: bool,
    /// When it is due, if scheduled.
    pub due_ms: Option<i64>,
    /// When it was set, if scheduled.
    pub created_ms: Option<i64>,
    /// Whether this call changed it (cancel, retain: false when nothing was scheduled).
    pub changed: bool,
}

/// The keyed hash of a capability.
pub(crate) fn capability_hash(engine: &Engine, capability: &str) -> [u8; 32] {
    PartsMac::new(&engine.keys().erasures().hash)
        .part(b"erasure_schedule_capability")
        .part(capability.as_bytes())
        .finish()
}

/// The MAC of a schedule row of the subject `token`.
fn row_mac(engine: &Engine, token: &TokenBytes, r: &ScheduleRow) -> [u8; 32] {
    PartsMac::new(&engine.keys().erasures().chain)
        .part(b"erasure_schedules")
        .part(token)
        .part(&r.subject_id.to_be_bytes())
        .part(&r.due_ms.to_be_bytes())
        .part(&r.created_ms.to_be_bytes())
        .part(&r.capability)
        .finish()
}

/// A stored schedule of the subject `token`, checked against its MAC.
pub(crate) fn checked(engine: &Engine, token: &TokenBytes, r: ScheduleRow) -> Result<ScheduleRow> {
    let expected = row_mac(engine, token, &r);
    if !bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_slice(), r.mac.as_slice())) {
        return Err(Error::integrity("a scheduled erasure fails its MAC"));
    }
    Ok(r)
}

/// A capability as handed out: 43 characters of base64url (never echoed).
pub(crate) fn check_capability(capability: &str) -> Result<()> {
    if crate::crypto::is_bearer_secret(capability) {
        Ok(())
    } else {
        Err(Error::invalid("a capability is 43 characters of base64url, as schedule_erasure returned it"))
    }
}

pub(crate) fn view(token: &TokenBytes, row: Option<&ScheduleRow>, changed: bool) -> ErasureSchedule {
    ErasureSchedule {
        subject: format_token(token),
        scheduled: row.is_some(),
        due_ms: row.map(|r| r.due_ms),
        created_ms: row.map(|r| r.created_ms),
        changed,
    }
}

/// The subject (row id, token) and its checked schedule that a capability names, inside `db`:
/// `NOT_FOUND` for a capability that names none (never set, voided by a newer one, carried out
/// or cancelled).
pub(crate) fn by_capability(engine: &Engine, db: &Db<'_>, capability: &str) -> Result<(i64, TokenBytes, ScheduleRow)> {
    let row = db
        .schedule_by_capability(&capability_hash(engine, capability))?
        .ok_or_else(|| Error::new(ErrorKind::NotFound, "no scheduled erasure has this capability"))?;
    let (token, _) = subjects::data_key_by_id(engine, db, row.subject_id)?
        .ok_or_else(|| Error::integrity("a scheduled erasure names a subject that is not stored"))?;
    Ok((row.subject_id, token, checked(engine, &token, row)?))
}

/// Every subject whose last audited schedule event (`erasure.schedule`, not followed by a
/// cancellation, a retention or its erasure) left an erasure scheduled still has its schedule in
/// the file: one deleted from the file (which would keep the subject past its date) is
/// `INTEGRITY` (`verify_audit`).
pub(crate) fn verify_rows(db: &Db<'_>, scheduled: impl Iterator<Item = i64>) -> Result<()> {
    for subject_id in scheduled {
        if db.schedule(subject_id)?.is_none() {
            return Err(Error::integrity(format!(
                "the scheduled erasure of subject row {subject_id} recorded in the audit is missing from the file"
            )));
        }
    }
    Ok(())
}

/// The tokens of at most `limit` subjects whose scheduled erasure is due at `now`, soonest
/// first, each schedule checked against its MAC.
pub(crate) fn due(engine: &Engine, db: &Db<'_>, now: i64, limit: u64) -> Result<Vec<TokenBytes>> {
    let mut out = Vec::new();
    for row in db.due_schedules(now, limit)? {
        let (token, _) = subjects::data_key_by_id(engine, db, row.subject_id)?
            .ok_or_else(|| Error::integrity("a scheduled erasure names a subject that is not stored"))?;
        checked(engine, &token, row)?;
        out.push(token);
    }
    Ok(out)
}

/// The schedules area of an open vault.
pub(crate) struct Schedules;

impl Schedules {
    /// Schedule the erasure of the subject `lookup` names (replacing its schedule, voiding the
    /// old capability). Checked as `delete`.
    pub(crate) fn schedule(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
        options: ScheduleOptions,
    ) -> Result<ScheduledErasure> {
        let hint = subjects::hint(lookup);
        let when = (options.ttl_ms, options.expires_at_ms);
        if when == (None, None) {
            let e = Error::invalid("a schedule gives ttl_ms or expires_at_ms");
            return Err(engine.refused(caller, Action::ErasureSchedule, hint, e));
        }
        clock::expiry(when, engine.now_ms(), (1, SCHEDULE_MAX_MS), "an erasure schedule")
            .map_err(|e| engine.refused(caller, Action::ErasureSchedule, hint, e))?;
        let capability = crate::crypto::bearer_secret()?;
        engine.write(caller, Action::ErasureSchedule, hint, |tx| {
            let now = engine.now_ms();
            let due_ms = clock::expiry(when, now, (1, SCHEDULE_MAX_MS), "an erasure schedule")?;
            let (sid, token) = subjects.locate_checked(engine, tx, caller, Operation::Delete, lookup)?;
            let mut row = ScheduleRow {
                subject_id: sid,
                due_ms,
                created_ms: now,
                capability: capability_hash(engine, &capability),
                mac: [0; 32],
            };
            row.mac = row_mac(engine, &token, &row);
            tx.put_schedule(&row)?;
            let out = ScheduledErasure {
                subject: format_token(&token),
                due_ms,
                created_ms: now,
                capability: capability.clone(),
            };
            let dek = subjects::data_key(engine, tx, &token)?
                .ok_or_else(|| Error::integrity("a subject found is not stored"))?;
            let event = Event::about(Action::ErasureSchedule, sid, token).with_details(
                engine.keys().vault_id(),
                &dek,
                &json!({"due_ms": due_ms}),
            )?;
            Ok((out, vec![event]))
        })
    }

    /// Whether and when the subject's erasure is scheduled.
    pub(crate) fn status(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
    ) -> Result<ErasureSchedule> {
        engine.read(caller, Action::ErasureStatus, subjects::hint(lookup), |db| {
            engine.validate_purpose(db, caller)?;
            let (sid, token) = subjects.locate_id(engine, db, lookup)?;
            let row = db.schedule(sid)?.map(|r| checked(engine, &token, r)).transpose()?;
            Ok((view(&token, row.as_ref(), false), vec![Event::about(Action::ErasureStatus, sid, token)]))
        })
    }

    /// Cancel the subject's scheduled erasure (an operator).
    pub(crate) fn cancel(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
    ) -> Result<ErasureSchedule> {
        engine.write(caller, Action::ErasureCancel, subjects::hint(lookup), |tx| {
            engine.validate_purpose(tx, caller)?;
            let (sid, token) = subjects.locate_id(engine, tx, lookup)?;
            if let Some(r) = tx.schedule(sid)? {
                checked(engine, &token, r)?;
            }
            let changed = tx.delete_schedule(sid)?;
            Ok((view(&token, None, changed), vec![Event::about(Action::ErasureCancel, sid, token)]))
        })
    }

    /// The subject keeps its data: the schedule its capability names is cancelled.
    pub(crate) fn retain(engine: &Engine, caller: &Caller, capability: &str) -> Result<ErasureSchedule> {
        check_capability(capability).map_err(|e| engine.refused(caller, Action::ErasureRetain, None, e))?;
        engine.write(caller, Action::ErasureRetain, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            let (sid, token, _) = by_capability(engine, tx, capability)?;
            tx.delete_schedule(sid)?;
            let details = json!({"by": "capability"});
            let dek = subjects::data_key(engine, tx, &token)?
                .ok_or_else(|| Error::integrity("a scheduled erasure names a subject that is not stored"))?;
            let event = Event::about(Action::ErasureRetain, sid, token).with_details(
                engine.keys().vault_id(),
                &dek,
                &details,
            )?;
            Ok((view(&token, None, true), vec![event]))
        })
    }
}
