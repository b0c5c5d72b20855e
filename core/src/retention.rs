//! Retention, orchestrated: one `purge` removes or records everything whose time has passed —
//! expired tokens, sessions and shares are deleted, agreements past their expiry recorded as
//! expired (with their outbox events), unverified requests past their due date recorded as expired,
//! subjects whose scheduled erasure fell due erased (100 per transaction), the details of audit
//! events older than `audit_details_retention_days` shredded — each part in batches of at most 1,000 rows per
//! transaction, so the write lock is never held longer than one batch and readers never wait
//! for more. Each batch commits on its own: a purge killed half way leaves whole batches done
//! and nothing half done, and running it again (from any process, or several at once) finishes
//! the work. Returns what each part did.

use serde::Serialize;

use crate::action::Action;
use crate::audit_log;
use crate::caller::Caller;
use crate::chain::Event;
use crate::consent::Consent;
use crate::engine::Engine;
use crate::erasure;
use crate::error::Result;
use crate::requests::Requests;
use crate::sessions::Sessions;
use crate::shares::Shares;
use crate::subjects::Subjects;
use crate::tokens::Tokens;

/// What [`Vault::purge`](crate::Vault::purge) did. Holds no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Purged {
    /// Expired tokens deleted.
    pub tokens: u64,
    /// Expired sessions deleted.
    pub sessions: u64,
    /// Expired shares deleted.
    pub shares: u64,
    /// Agreements recorded as expired.
    pub agreements_expired: u64,
    /// Unverified data-subject requests past their due date recorded as expired.
    pub requests_expired: u64,
    /// Subjects whose scheduled erasure fell due, erased (each with its own receipt's facts in
    /// the audit log and the erasure ledger).
    pub subjects_erased: u64,
    /// Audit events whose details were shredded by the vault's `audit_details_retention_days`
    /// (0 without one).
    pub audit_details_shredded: u64,
    /// When it ran (milliseconds since the Unix epoch, at its start).
    pub started_ms: i64,
    /// How long it took, in milliseconds.
    pub took_ms: i64,
}

/// Run every part of the purge in turn, then record one `vault.purge` event.
pub(crate) fn purge(engine: &Engine, (subjects, tokens): (&Subjects, &Tokens), caller: &Caller) -> Result<Purged> {
    let started_ms = engine.now_ms();
    let clock = std::time::Instant::now();
    let agreements_expired = Consent::purge(engine, caller)?.changed;
    let tokens = tokens.purge(engine, caller)?.removed;
    let sessions = Sessions::purge(engine, caller)?.removed;
    let shares = Shares::purge(engine, caller)?.removed;
    let requests_expired = Requests::expire(engine, caller)?.expired;
    let (subjects_erased, _) = erasure::erase_due(engine, subjects, caller)?;
    let audit_details_shredded = audit_log::shred::by_retention(engine, caller)?.map_or(0, |s| s.events);
    engine.write(caller, Action::VaultPurge, None, |_| Ok(((), vec![Event::attempt(Action::VaultPurge, None)])))?;
    Ok(Purged {
        tokens,
        sessions,
        shares,
        agreements_expired,
        requests_expired,
        subjects_erased,
        audit_details_shredded,
        started_ms,
        took_ms: clock.elapsed().as_millis().min(i64::MAX as u128) as i64,
    })
}
