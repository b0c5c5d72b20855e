//! The erasure ledger's operations on [`Vault`]: export it, and re-apply it after a restore.

use serde_json::Value;

use crate::caller::Caller;
use crate::declare::{operations, Arg, Ret};
use crate::erasure::{self, ReapplyReport};
use crate::error::Result;
use crate::ledger::{self, ErasureLedger};

use crate::vault::Vault;

operations! {
    /// The erasure ledger: one entry per erased subject — keyed hashes of its token and blind
    /// indexes, when, a MAC chaining it to the entry before — oldest first. Keep it outside the
    /// database (beside the backups, replaced after each export); after restoring a backup, hand
    /// its entries to `reapply_erasures`. `INTEGRITY` when the stored ledger was changed.
    #[operation(
        c = "bl_ledger_export",
        action = "ledger.export",
        check = none("keyed hashes only: no personal data"),
        errors = ["INTEGRITY"],
        args = [Arg::Caller],
        ret = Ret::json("ledger", "ErasureLedger"),
    )]
    pub fn export_erasure_ledger(&self, caller: &Caller) -> Result<ErasureLedger> {
        let open = self.state()?;
        ledger::export(&open.engine, caller)
    }

    /// Re-apply erasures after restoring a backup: `entries` is the `entries` list of a ledger
    /// this vault exported (checked whole: in order from 1, every MAC — `INTEGRITY` for any
    /// change or another vault's). Every subject of the ledger that is stored again is erased,
    /// with its tokens, documents, sessions and shares, in one transaction (a crash leaves
    /// nothing half done; running it again is harmless), and the vault's own ledger gains the
    /// entries it lacked. Returns what it did.
    #[operation(
        c = "bl_ledger_reapply",
        action = "ledger.reapply",
        check = delete("the activity's coverage, then each subject of the ledger found stored"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args = [Arg::Caller, Arg::Docs { name: "entries", ts: "LedgerEntry", py: "Dict[str, Any]" }],
        ret = Ret::json("report", "ReapplyReport"),
    )]
    pub fn reapply_erasures(&self, caller: &Caller, entries: Vec<Value>) -> Result<ReapplyReport> {
        let open = self.state()?;
        erasure::reapply(&open.engine, &open.subjects, caller, entries)
    }
}
