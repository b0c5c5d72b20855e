//! What `verify_audit` checks beyond the chain itself, area by area (format 6): the erasures'
//! records against the audited erasures here, then each area's own rows (`tokens`, `consent`,
//! and — for rows whose deletion would otherwise go unseen — `requests` and `schedules`).

use std::collections::{HashMap, HashSet};

use crate::consent::verify::{self as consent, Audited};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::TokenBytes;
use crate::store::Db;
use crate::{requests, schedules, subjects, tokens};

/// What the audit chain holds for the areas' reconciliation: the consent facts, and the tokens
/// and row ids of audited erasures.
#[derive(Default)]
pub(super) struct Facts {
    pub(super) consent: Audited,
    pub(super) erasures: HashSet<(TokenBytes, i64)>,
    /// The ids of the data-subject requests created for each subject not erased since.
    pub(super) requests: HashMap<i64, HashSet<[u8; 16]>>,
    /// Whether each subject's last audited schedule event left an erasure scheduled.
    pub(super) scheduled: HashMap<i64, bool>,
}

/// What was reconciled.
pub(super) struct Reconciled {
    pub(super) decisions: u64,
    pub(super) outbox_events: u64,
    pub(super) tokens: u64,
}

/// Reconcile the stored rows with what the audit recorded (`stored`: each stored subject's row
/// id and token). A failure is `INTEGRITY`.
pub(super) fn rows(
    engine: &Engine,
    db: &Db<'_>,
    stored: &HashMap<i64, TokenBytes>,
    facts: &Facts,
) -> Result<Reconciled> {
    let tokens = tokens::verify_rows(engine, db)?;
    // Every audited erasure left the fact of it (a token of an erased subject reads as ERASED),
    // and no other.
    let erased: HashSet<(TokenBytes, i64)> = subjects::erased(db)?.into_iter().collect();
    if facts.erasures.iter().any(|t| !erased.contains(t)) || erased.len() != facts.erasures.len() {
        return Err(Error::integrity("the record of erased subjects does not match the audited erasures"));
    }
    requests::verify_rows(db, &facts.requests)?;
    schedules::verify_rows(db, facts.scheduled.iter().filter(|(_, on)| **on).map(|(id, _)| *id))?;
    let c = consent::reconcile(engine, db, stored, &facts.consent)?;
    Ok(Reconciled { decisions: c.decisions, outbox_events: c.outbox_events, tokens })
}
