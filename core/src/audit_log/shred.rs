//! Shredding old audit details, a retention rule: the sealed before/after of changes older than
//! N days is removed from events written since format 12 (whose MACs cover the details' SHA-256,
//! kept in `details_hash`), so the chain still verifies with every fact — who, when, what,
//! which subject, how it ended — while the personal data of old changes is gone. Events written
//! before format 12 cover their details themselves: those keep them until their subject is
//! erased (the key's erasure makes them unreadable).
//!
//! It runs in batches of at most 1,000 events per transaction, from a mark kept in `meta`
//! (`audit_shredded_through`) so a later run starts where the last one stopped; it stops at the
//! first event that is not old enough (a clock set back leaves the events after it for a later
//! run). Each batch that shredded records one `audit.shred` event whose `version` is the last
//! event the batch covered: verification fails on details removed past every audited shredding.

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::{self, Event};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::options::check_retention_days as check_days;

/// Events looked at per transaction.
const BATCH: u64 = 1_000;

/// The `meta` entry holding the last event a shredding run covered.
const SHREDDED_THROUGH: &str = "audit_shredded_through";

const DAY_MS: i64 = 86_400_000;

/// Options of [`Vault::shred_audit_details`](crate::Vault::shred_audit_details).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ShredOptions {
    /// Shred the details of events older than this many days (1 to 36,500); default: the vault's
    /// `audit_details_retention_days`.
    pub older_than_days: Option<u32>,
}

/// What a shredding did. Holds no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Shredded {
    /// Events whose details were shredded now.
    pub events: u64,
    /// Events before this time (milliseconds since the Unix epoch) were old enough.
    pub cutoff_ms: i64,
    /// Every event from `shreddable_from` up to this one that is older than the cutoff has no
    /// details left (0: none yet).
    pub through_seq: u64,
    /// The first event whose details can be shredded: older ones were written before format 12
    /// and keep theirs until their subject is erased.
    pub shreddable_from: u64,
    /// Transactions it took.
    pub batches: u64,
}

/// Shred the details of the events older than `older_than_days` (or the vault's
/// `audit_details_retention_days`), batch by batch.
pub(crate) fn shred(engine: &Engine, caller: &Caller, options: ShredOptions) -> Result<Shredded> {
    let days = options
        .older_than_days
        .or(engine.audit_details_retention_days)
        .ok_or_else(|| Error::invalid("give older_than_days, or open the vault with audit_details_retention_days"))
        .and_then(|d| check_days(d, "older_than_days").map(|()| d))
        .map_err(|e| engine.refused(caller, Action::AuditShred, None, e))?;
    run(engine, caller, days)
}

/// Shred by the vault's `audit_details_retention_days`, when it has one (what `purge` runs).
pub(crate) fn by_retention(engine: &Engine, caller: &Caller) -> Result<Option<Shredded>> {
    engine.audit_details_retention_days.map(|days| run(engine, caller, days)).transpose()
}

fn run(engine: &Engine, caller: &Caller, days: u32) -> Result<Shredded> {
    let cutoff_ms = engine.now_ms().saturating_sub(i64::from(days) * DAY_MS);
    let mut out = Shredded { events: 0, cutoff_ms, through_seq: 0, shreddable_from: 0, batches: 0 };
    loop {
        let (shredded, more) = engine.write(caller, Action::AuditShred, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            out.shreddable_from = chain::digests_from(tx)?;
            let done = tx.meta_number(SHREDDED_THROUGH)?.and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
            out.through_seq = out.through_seq.max(done);
            let rows = tx.audit_details_from(out.shreddable_from.max(done + 1), BATCH)?;
            let full = rows.len() as u64 == BATCH;
            let (mut shredded, mut through, mut reached) = (0u64, None, false);
            for row in rows {
                if row.time_ms >= cutoff_ms {
                    reached = true;
                    break;
                }
                if let Some(sealed) = &row.details {
                    if tx.shred_audit_details(row.seq, &chain::details_digest(sealed))? {
                        shredded += 1;
                    }
                }
                through = Some(row.seq);
            }
            let mut events = Vec::new();
            if let Some(through) = through {
                tx.set_meta_number(SHREDDED_THROUGH, i64::try_from(through).unwrap_or(i64::MAX))?;
                out.through_seq = through;
                if shredded > 0 {
                    events.push(
                        Event::attempt(Action::AuditShred, None).at_version(i64::try_from(through).unwrap_or(i64::MAX)),
                    );
                }
            }
            Ok(((shredded, full && !reached), events))
        })?;
        out.events += shredded;
        out.batches += 1;
        if !more {
            break;
        }
    }
    if out.events == 0 {
        // Nothing shredded: the run itself is still on the record.
        engine.write(caller, Action::AuditShred, None, |_| Ok(((), vec![Event::attempt(Action::AuditShred, None)])))?;
    }
    Ok(out)
}
