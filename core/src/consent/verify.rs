//! What `verify_audit` checks of the consent area (format 6): the rows that decide a permission
//! or keep a promise, each against its MAC and against the audited events that made them.
//!
//! - the catalogue's MAC, and each notice text against its hash;
//! - each stored subject's history as a chain; each decision after the format-6 mark made by an
//!   audited event that names it (and each such event's decision still there, unless the
//!   subject was erased); each current decision's MAC and that it is the newest decision of its
//!   subject and basis (a rollback of one row is seen);
//! - the outbox as a chain from what was deleted after every consumer acknowledged it; the event
//!   each decision wrote, and the `erased` event each audited erasure wrote, still there unless
//!   acknowledged and deleted; the consumers' marks' MAC.

use std::collections::{HashMap, HashSet};

use subtle::ConstantTimeEq;

use crate::consent::policy::{decision, state_mac};
use crate::consent::seal;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::TokenBytes;
use crate::store::Db;

/// The consent facts the audit chain holds: decisions made by audited events (subject row id →
/// their sequence numbers) and the `erased` outbox events of audited erasures.
#[derive(Default)]
pub(crate) struct Audited {
    pub(crate) decisions: HashMap<i64, HashSet<i64>>,
    pub(crate) erased_events: Vec<(TokenBytes, i64)>,
}

/// What was reconciled: consent decisions and outbox events.
pub(crate) struct Reconciled {
    pub(crate) decisions: u64,
    pub(crate) outbox_events: u64,
}

/// Reconcile the consent rows with what the audit recorded (`stored`: each stored subject's row
/// id and token). A failure is `INTEGRITY`.
pub(crate) fn reconcile(
    engine: &Engine,
    db: &Db<'_>,
    stored: &HashMap<i64, TokenBytes>,
    audited: &Audited,
) -> Result<Reconciled> {
    let key = &engine.keys().consent().state;
    seal::catalogue(db, key)?;
    // The catalogue's MAC covers each notice's hash; each text must still give it.
    for n in db.all_notices()? {
        let sha: [u8; 32] =
            sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(n.text.as_bytes())).into();
        if !bool::from(sha.ct_eq(&n.sha256)) {
            return Err(Error::integrity("a stored notice text does not match its hash"));
        }
    }
    let consumers = seal::consumers(db, key)?;
    let mark = db.meta_number("consent_audited_from")?.unwrap_or(0);
    let events = db.all_outbox_events()?;
    seal::verify_outbox(key, &events, consumers.pruned)?;
    let by_seq: HashMap<i64, &super::store::OutboxRow> = events.iter().map(|e| (e.seq, e)).collect();
    // An event every consumer acknowledged may have been deleted since.
    let acknowledged_and_deleted = |seq: i64| seq <= consumers.pruned && !by_seq.contains_key(&seq);

    let mut decisions = 0u64;
    let mut newest: HashMap<(i64, i64), i64> = HashMap::new();
    for sid in db.subjects_with_decisions()? {
        let token = stored.get(&sid).ok_or_else(|| {
            Error::integrity(format!("consent decisions name subject row {sid}, which is not stored"))
        })?;
        let history = db.decision_history(sid)?;
        seal::verify_history(key, token, &history)?;
        let made = audited.decisions.get(&sid);
        for d in &history {
            decisions += 1;
            newest.insert((sid, d.basis_id), d.seq);
            if d.seq > mark && !made.is_some_and(|m| m.contains(&d.seq)) {
                return Err(Error::integrity(format!(
                    "consent decision {} of subject row {sid} was made by no audited event",
                    d.seq
                )));
            }
            if let Some(o) = d.outbox_seq {
                let matches = by_seq.get(&o).is_some_and(|e| e.subject_id == sid && e.event == d.decision);
                if !matches && !acknowledged_and_deleted(o) {
                    return Err(Error::integrity(format!(
                        "the outbox event of consent decision {} is missing (deleted before it was acknowledged)",
                        d.seq
                    )));
                }
            }
        }
        if let Some(made) = made {
            if let Some(seq) = made.iter().find(|s| !history.iter().any(|d| d.seq == **s)) {
                return Err(Error::integrity(format!(
                    "consent decision {seq} of subject row {sid} is audited but missing from its history"
                )));
            }
        }
    }
    // Audited decisions of stored subjects that have no history left at all.
    for (sid, made) in &audited.decisions {
        if stored.contains_key(sid) && !made.is_empty() && !newest.keys().any(|(s, _)| s == sid) {
            return Err(Error::integrity(format!("the consent history of subject row {sid} was deleted")));
        }
    }
    let current = db.all_current_decisions()?;
    if let Some((sid, _)) = newest.keys().find(|(s, b)| !current.iter().any(|c| c.subject_id == *s && c.basis_id == *b))
    {
        return Err(Error::integrity(format!("the current consent decision of subject row {sid} was deleted")));
    }
    for c in current {
        let token = stored.get(&c.subject_id).ok_or_else(|| {
            Error::integrity(format!(
                "a current consent decision names subject row {}, which is not stored",
                c.subject_id
            ))
        })?;
        if !bool::from(state_mac(key, Some(token), &c).ct_eq(&c.mac)) {
            return Err(Error::integrity("a stored consent decision fails its MAC"));
        }
        if newest.get(&(c.subject_id, c.basis_id)) != Some(&c.seq) {
            return Err(Error::integrity(format!(
                "the current consent decision of subject row {} is not its newest (rolled back)",
                c.subject_id
            )));
        }
    }
    for (token, seq) in &audited.erased_events {
        let kept = by_seq.get(seq).is_some_and(|e| e.subject == *token && e.event == decision::ERASED);
        if !kept && !acknowledged_and_deleted(*seq) {
            return Err(Error::integrity(format!(
                "the outbox event of the erasure that wrote event {seq} is missing (deleted before it was acknowledged)"
            )));
        }
    }
    Ok(Reconciled { decisions, outbox_events: events.len() as u64 })
}
