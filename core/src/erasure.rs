//! Erasure (the right to be forgotten), orchestrated over the lifecycle registry: inside one
//! unit of work, every area that holds a subject's data removes its part, then the subject's
//! own row goes — its data key with it, so everything sealed under it is shredded — and the
//! audit chain keeps only the fact. Adding an area means adding it to [`REGISTRY`], never
//! editing this.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::action::Action;
use crate::apps::lifecycle::AppsData;
use crate::audit_log::lifecycle::AuditData;
use crate::caller::Caller;
use crate::chain::Event;
use crate::consent::lifecycle::{ConsentData, RestrictionData};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::{format_token, TokenBytes};
use crate::ledger::{self, LedgerEntry};
use crate::lifecycle::{SubjectData, SubjectRef};
use crate::policy::{Operation, Target};
use crate::requests::lifecycle::RequestsData;
use crate::schedules;
use crate::schedules::lifecycle::SchedulesData;
use crate::sessions::lifecycle::SessionsData;
use crate::shares::lifecycle::SharesData;
use crate::store::{StorageReport, Tx};
use crate::subjects::{self, Found, Lookup, Subjects};
use crate::tokens::lifecycle::TokensData;

/// Every area that holds a subject's data besides the subject's own row, in the order an
/// erasure removes their parts.
pub(crate) const REGISTRY: &[&dyn SubjectData] = &[
    &TokensData,
    &ConsentData,
    &RestrictionData,
    &AppsData,
    &SessionsData,
    &SharesData,
    &RequestsData,
    &SchedulesData,
    &AuditData,
];

/// Proof of an erasure. Holds no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ErasureReceipt {
    /// The erased subject's token.
    pub token: String,
    /// When, in milliseconds since the Unix epoch.
    pub erased_ms: i64,
    /// The profile row and its data key were deleted (always true on success).
    pub profile_removed: bool,
    /// Blind-index entries deleted.
    pub index_entries_removed: u64,
    /// Tokens linked to the subject, deleted with it (as `removed_by_area["tokens"]`).
    pub tokens_removed: u64,
    /// Consent decisions (the subject's whole consent record) deleted with it; its pending
    /// consent events were deleted too, and one `erased` event was left in their place (as
    /// `removed_by_area["consent"]`).
    pub consents_removed: u64,
    /// Audit events whose encrypted details became unreadable (as
    /// `removed_by_area["audit_details"]`).
    pub audit_details_shredded: u64,
    /// What each area of the lifecycle registry removed (or shredded), by area.
    pub removed_by_area: BTreeMap<String, u64>,
    /// What the storage kept of the erased rows beside the live ones is gone (SQLite: the WAL
    /// was checkpointed and truncated, so no old version of the subject's pages remains in it).
    /// False when another process held a read open (the next scrub does it), or while a
    /// coalesced scrub is pending (`residue_scrub_due_ms`).
    ///
    /// Deleted cells are zeroed (`secure_delete`), but SQLite can leave stale copies of rows it
    /// moved between pages earlier (B-tree rebalancing does not clear the space it vacates).
    /// [`Vault::compact`](crate::Vault::compact) rewrites the file and removes them; run it after
    /// erasures (e.g. nightly, or after each batch of erasures) when no trace may remain.
    pub residue_scrubbed: bool,
    /// With [`Options::erasure_wal_window_ms`](crate::Options) above 0: when the coalesced scrub
    /// is due (milliseconds since the Unix epoch); the background thread does it then (or
    /// `flush_audit`/`close` sooner). `None` when the erasure scrubbed itself.
    pub residue_scrub_due_ms: Option<i64>,
    /// The same, in the storage backend's own terms (`{"backend": "sqlite", "wal_truncated",
    /// "wal_truncation_due_ms"}`).
    pub storage: StorageReport,
    /// `residue_scrubbed` under its SQLite name, kept for callers written before the backend
    /// seam (prefer `residue_scrubbed` or `storage`).
    pub wal_truncated: bool,
    /// `residue_scrub_due_ms` under its SQLite name, kept for callers written before the backend
    /// seam.
    pub wal_truncation_due_ms: Option<i64>,
}

impl ErasureReceipt {
    /// Record the outcome of the residue scrub that followed the erasure.
    fn scrubbed(&mut self, engine: &Engine, scrubbed: bool, due: Option<i64>) {
        (self.residue_scrubbed, self.residue_scrub_due_ms) = (scrubbed, due);
        (self.wal_truncated, self.wal_truncation_due_ms) = (scrubbed, due);
        self.storage = engine.storage_report(scrubbed, due);
    }
}

/// Erase a subject by crypto-shredding: every area's part and its own row are deleted
/// (`secure_delete` on), the WAL is checkpointed and truncated, and the audit chain keeps only
/// the fact. A subject named by a field is erased only if its profile holds the value.
pub(crate) fn forget(engine: &Engine, subjects: &Subjects, caller: &Caller, lookup: &Lookup) -> Result<ErasureReceipt> {
    let (mut receipt, truncated, due) = engine.erase(caller, Action::SubjectForget, subjects::hint(lookup), |tx| {
        let found = subjects.find_to_erase(engine, tx, caller, lookup)?;
        let (receipt, event) = erase_in(engine, subjects, tx, &found, engine.now_ms())?;
        Ok((receipt, vec![event]))
    })?;
    receipt.scrubbed(engine, truncated, due);
    Ok(receipt)
}

/// Erase many subjects in one transaction, then checkpoint and truncate the WAL once. A lookup
/// that finds nothing, or a subject already erased (earlier, or by an earlier item of the
/// batch), gives `None` in its position and is audited as a failed attempt; any other error
/// erases nobody and names the failing item's position.
pub(crate) fn forget_many(
    engine: &Engine,
    subjects: &Subjects,
    caller: &Caller,
    lookups: &[Lookup],
) -> Result<Vec<Option<ErasureReceipt>>> {
    engine.limits.check_batch(lookups.len())?;
    let mut misses = Vec::new();
    let (mut receipts, truncated, due) = engine.erase(caller, Action::SubjectForget, None, |tx| {
        let now = engine.now_ms();
        subjects.each_lookup(tx, (engine, caller, crate::policy::Operation::Delete), lookups, &mut misses, |found| {
            erase_in(engine, subjects, tx, found, now)
        })
    })?;
    subjects::record_misses(engine, caller, Action::SubjectForget, misses)?;
    for receipt in receipts.iter_mut().flatten() {
        receipt.scrubbed(engine, truncated, due);
    }
    Ok(receipts)
}

/// Erase a found subject inside a write transaction: every area's part, then its own row. The
/// receipt (the WAL not yet truncated) and the audit event.
pub(crate) fn erase_in(
    engine: &Engine,
    subjects: &Subjects,
    tx: &Tx<'_>,
    found: &Found<'_>,
    now: i64,
) -> Result<(ErasureReceipt, Event)> {
    let (id, token) = found.subject();
    let subject = SubjectRef { id, token, now_ms: now };
    let mut removed_by_area = BTreeMap::new();
    let mut downstream = None;
    for area in REGISTRY {
        let erased = area.erase(engine, tx, &subject)?;
        removed_by_area.insert(area.area().to_owned(), erased.removed);
        if let Some(seq) = erased.downstream_event {
            if downstream.replace(seq).is_some() {
                return Err(Error::internal("two areas wrote a downstream event for one erasure"));
            }
        }
    }
    let (index_entries_removed, indexes) = subjects.erase_row(engine, tx, found, now)?;
    ledger::append(engine.keys().erasures(), tx, &token, &indexes, now)?;
    let of = |area: &str| removed_by_area.get(area).copied().unwrap_or(0);
    let receipt = ErasureReceipt {
        token: format_token(&token),
        erased_ms: now,
        profile_removed: true,
        index_entries_removed,
        tokens_removed: of("tokens"),
        consents_removed: of("consent"),
        audit_details_shredded: of("audit_details"),
        removed_by_area,
        residue_scrubbed: false,
        residue_scrub_due_ms: None,
        storage: engine.storage_report(false, None),
        wal_truncated: false,
        wal_truncation_due_ms: None,
    };
    // The event carries the downstream event's number (consent's `erased` outbox event):
    // `verify_audit` checks it is kept (or was acknowledged).
    let event = Event::about(Action::SubjectForget, id, token);
    Ok((
        receipt,
        match downstream {
            Some(seq) => event.at_version(seq),
            None => event,
        },
    ))
}

/// Erase the subject a scheduled erasure's capability names, now (the subject's own "erase my
/// data now" link): checked as `delete`, audited as `erasure.confirm` and `subject.forget`.
pub(crate) fn confirm(
    engine: &Engine,
    subjects: &Subjects,
    caller: &Caller,
    capability: &str,
) -> Result<ErasureReceipt> {
    schedules::check_capability(capability).map_err(|e| engine.refused(caller, Action::ErasureConfirm, None, e))?;
    let (mut receipt, truncated, due) = engine.erase(caller, Action::ErasureConfirm, None, |tx| {
        let (sid, token, _) = schedules::by_capability(engine, tx, capability)?;
        let lookup = Lookup::token(format_token(&token));
        let found = subjects.find_to_erase(engine, tx, caller, &lookup)?;
        let (receipt, event) = erase_in(engine, subjects, tx, &found, engine.now_ms())?;
        Ok((receipt, vec![Event::about(Action::ErasureConfirm, sid, token), event]))
    })?;
    receipt.scrubbed(engine, truncated, due);
    Ok(receipt)
}

/// Subjects whose scheduled erasure falls due erased per transaction by [`erase_due`].
const DUE_BATCH: u64 = 100;

/// Erase every subject whose scheduled erasure is due, at most 100 per transaction (each with
/// its `subject.forget` event; the WAL scrubbed after each batch). The schedule was checked as
/// `delete` when it was set: falling due checks nothing more. How many were erased, and in how
/// many transactions.
pub(crate) fn erase_due(engine: &Engine, subjects: &Subjects, caller: &Caller) -> Result<(u64, u64)> {
    let (mut erased, mut batches) = (0, 0);
    loop {
        let (n, _, _) = engine.erase(caller, Action::ErasureDue, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            let now = engine.now_ms();
            let mut events = Vec::new();
            for token in schedules::due(engine, tx, now, DUE_BATCH)? {
                let lookup = Lookup::token(format_token(&token));
                let found = subjects.find_decided(tx, &lookup)?;
                events.push(erase_in(engine, subjects, tx, &found, now)?.1);
            }
            let n = events.len() as u64;
            if events.is_empty() {
                events.push(Event::attempt(Action::ErasureDue, None));
            }
            Ok((n, events))
        })?;
        erased += n;
        batches += 1;
        if n < DUE_BATCH {
            return Ok((erased, batches));
        }
    }
}

/// What [`reapply_erasures`](crate::Vault::reapply_erasures) did. Holds no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ReapplyReport {
    /// Entries in the ledger handed in.
    pub entries: u64,
    /// Subjects of the ledger that were stored again (a restored backup) and are erased now.
    pub erased: u64,
    /// The tokens of the subjects erased now.
    pub tokens: Vec<String>,
    /// Entries the vault's own ledger lacked and gained (the erased subjects' included).
    pub added_to_ledger: u64,
    /// As [`ErasureReceipt::residue_scrubbed`]: what the storage kept of the erased rows beside
    /// the live ones is gone.
    pub residue_scrubbed: bool,
    /// The same, in the storage backend's own terms.
    pub storage: StorageReport,
}

/// Re-apply a ledger's erasures (see [`Vault::reapply_erasures`](crate::Vault::reapply_erasures)):
/// in one unit of work, every stored subject the ledger names is erased as `forget_subject`
/// erases it (each checked as `delete`, each audited as `subject.forget`), and the ledger's
/// entries the vault lacks are appended; audited as `ledger.reapply`.
pub(crate) fn reapply(
    engine: &Engine,
    subjects: &Subjects,
    caller: &Caller,
    entries: Vec<Value>,
) -> Result<ReapplyReport> {
    let refused = |e| engine.refused(caller, Action::LedgerReapply, None, e);
    let entries: Vec<LedgerEntry> =
        entries.into_iter().map(serde_json::from_value).collect::<std::result::Result<_, _>>().map_err(|_| {
            refused(Error::invalid(
                "a ledger entry is {seq, subject, indexes, erased_ms, mac}, as export_erasure_ledger gives it",
            ))
        })?;
    let keys = engine.keys().erasures();
    let checked = ledger::check(keys, &entries).map_err(refused)?;
    let named: HashSet<[u8; 32]> = checked.iter().map(|(subject, ..)| *subject).collect();
    let (mut report, truncated, due) = engine.erase(caller, Action::LedgerReapply, None, |tx| {
        // Re-applying erasures is deleting: the caller's activity must cover it even when no
        // subject came back (each one found is checked again on its own).
        engine.check(tx, caller, (Operation::Delete, Target::Nobody), false)?;
        let now = engine.now_ms();
        let mut back: Vec<TokenBytes> = Vec::new();
        subjects::versions(tx, |_, token, _| {
            if named.contains(&ledger::subject_hash(keys, &token)) {
                back.push(token);
            }
            Ok(())
        })?;
        let (mut events, mut tokens, mut added) = (Vec::new(), Vec::new(), 0);
        for token in &back {
            let lookup = Lookup::token(format_token(token));
            let found = subjects.find_to_erase(engine, tx, caller, &lookup)?;
            let (_, event) = erase_in(engine, subjects, tx, &found, now)?;
            events.push(event);
            tokens.push(format_token(token));
            added += 1;
        }
        for (subject, indexes, erased_ms) in &checked {
            if ledger::append_hashed(keys, tx, *subject, indexes.clone(), *erased_ms)? {
                added += 1;
            }
        }
        events.push(Event::attempt(Action::LedgerReapply, None));
        let report = ReapplyReport {
            entries: checked.len() as u64,
            erased: back.len() as u64,
            tokens,
            added_to_ledger: added,
            residue_scrubbed: false,
            storage: engine.storage_report(false, None),
        };
        Ok((report, events))
    })?;
    report.residue_scrubbed = truncated;
    report.storage = engine.storage_report(truncated, due);
    Ok(report)
}
