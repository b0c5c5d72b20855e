//! The vault's own operations: compaction and rekeying.

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::crypto::keys::MasterKey;
use crate::declare::{operations, Arg, Ret};
use crate::error::Result;

use super::{CompactReport, OpenReport, Vault};
use crate::retention::{self, Purged};

operations! {
    /// Remove or record everything whose time has passed: agreements past their expiry are
    /// recorded as expired (with their outbox events), expired tokens, sessions and shares are
    /// deleted, unverified data-subject requests past their due date recorded as expired — each
    /// in batches of at most 1,000 per transaction (the write lock is never held longer than one
    /// batch) — subjects whose scheduled erasure fell due are erased (100 per transaction), and
    /// with audit_details_retention_days the details of older audit events are shredded; a purge
    /// killed half way leaves whole batches done and running it again finishes the work.
    /// Returns what each part did.
    #[operation(
        c = "bl_vault_purge",
        action = "vault.purge",
        check = none("removes what expired by its own terms; returns only counts"),
        errors = [],
        args = [Arg::Caller],
        ret = Ret::json("report", "Purged"),
    )]
    pub fn purge(&self, caller: &Caller) -> Result<Purged> {
        let open = self.state()?;
        retention::purge(&open.engine, (&open.subjects, &open.tokens), caller)
    }

    /// What opening the vault found: the audit head then, how it compares with
    /// `Options::audit_anchor` (`behind`: the file is older than the anchor — a restored backup;
    /// re-apply the erasure ledger) and how many erasures the ledger holds.
    #[operation(
        c = "bl_vault_open_report",
        action = none,
        check = none("a head, a word and a count: no personal data (not audited)"),
        errors = [],
        args = [],
        ret = Ret::json("report", "OpenReport"),
    )]
    pub fn open_report(&self) -> Result<OpenReport> {
        Ok(self.state()?.report.clone())
    }

    /// Rewrite the vault file so nothing of erased subjects survives in free page space: SQLite
    /// zeroes deleted rows, but B-tree rebalancing can leave stale copies of rows it moved earlier;
    /// compaction (VACUUM, then a WAL truncation) writes every page afresh from live rows. Takes
    /// time proportional to the vault's size and holds the write lock meanwhile: run it after
    /// erasures, e.g. nightly. Returns {bytes_before, bytes_after, residue_scrubbed, storage,
    /// wal_truncated}.
    #[operation(
        c = "bl_vault_compact",
        action = "vault.compact",
        check = none("rewrites the file; reads and returns no personal data"),
        errors = [],
        args = [Arg::Caller],
        ret = Ret::json("report", "CompactReport"),
    )]
    pub fn compact(&self, caller: &Caller) -> Result<CompactReport> {
        let open = self.state()?;
        let engine = &open.engine;
        engine.write(caller, Action::VaultCompact, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            Ok(((), vec![Event::attempt(Action::VaultCompact, None)]))
        })?;
        let done = engine.compact_storage()?;
        Ok(CompactReport {
            bytes_before: done.bytes_before,
            bytes_after: done.bytes_after,
            residue_scrubbed: done.residue_scrubbed,
            storage: engine.storage_report(done.residue_scrubbed, None),
            wal_truncated: done.residue_scrubbed,
        })
    }

    /// Replace the master key: the root key is wrapped for the new key in one atomic write (one
    /// row). Afterwards only the new key opens the vault; a crash at any point leaves exactly one
    /// of the two keys able to open it. Nothing else is re-encrypted.
    #[operation(
        c = "bl_vault_rekey",
        action = "vault.rekey",
        check = none("rewraps the root key; reads and returns no personal data"),
        errors = ["INVALID_INPUT"],
        args = [Arg::Caller, Arg::Key("new_key")],
        ret = Ret::Unit,
    )]
    pub fn rekey(&self, caller: &Caller, new_key: &MasterKey) -> Result<()> {
        let open = self.state()?;
        let engine = &open.engine;
        engine.write(caller, Action::VaultRekey, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            engine.keys().rekey(tx, new_key, engine.now_ms())?;
            Ok(((), vec![Event::attempt(Action::VaultRekey, None)]))
        })?;
        // The old key's wrapping must not linger in the storage's residue.
        engine.scrub_residue()?;
        Ok(())
    }
}
