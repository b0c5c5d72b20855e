//! The audit's operations on [`Vault`]: listing, the chain head, verification, flushing.

use serde_json::Value;

use crate::action::Action;
use crate::audit_log::{self as audit, AuditEvent, AuditHead, AuditReport, ShredOptions, Shredded};
use crate::caller::Caller;
use crate::declare::{operations, Arg, Ret};
use crate::engine::parse_options;
use crate::error::Result;
use crate::page::{Page, PageRequest};

use crate::vault::Vault;

operations! {
    /// List audit events, newest first: the subject's (a token) or, without one, all. A page is
    /// {total, items, next}; pass `next` as the cursor for the following page (each event is
    /// returned once even while others are appended). With `details`, each event's details (the
    /// before/after of a change) are decrypted while the subject exists, and the listing is audited
    /// as audit.list_details; otherwise as audit.list.
    #[operation(
        c = "bl_audit_list",
        action = "audit.list",
        check = read("each event's subject, for its details only (`export` also allows them); refused details are left out with the reason"),
        errors = ["NOT_FOUND", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::OptStr("subject"), Arg::Page, Arg::Flag("details")],
        ret = Ret::json("page", "Page<AuditEvent>"),
    )]
    pub fn list_audit_events(
        &self,
        caller: &Caller,
        subject: Option<&str>,
        page: &PageRequest,
        details: bool,
    ) -> Result<Page<AuditEvent>> {
        let open = self.state()?;
        audit::list(&open.engine, caller, subject, page, details)
    }

    /// The audit chain's head {seq, hash}, after committing buffered events: keep it outside the
    /// vault to detect truncation and rollback later.
    #[operation(
        c = "bl_audit_head",
        action = none,
        check = none("a sequence number and a MAC: no personal data (not audited)"),
        errors = [],
        args = [],
        ret = Ret::json("head", "AuditHead"),
    )]
    pub fn get_audit_head(&self) -> Result<AuditHead> {
        audit::head(&self.state()?.engine)
    }

    /// Verify the audit chain (every MAC and sequence number) and every stored subject against its
    /// last audited change; with an anchor (a head kept earlier) also detect truncation and
    /// rollback. Returns {events, subjects, head}.
    #[operation(
        c = "bl_audit_verify",
        action = none,
        check = none("returns counts and the head only (not audited)"),
        errors = ["INTEGRITY", "INVALID_INPUT"],
        args = [Arg::Anchor],
        ret = Ret::json("report", "AuditReport"),
    )]
    pub fn verify_audit(&self, anchor: Option<&AuditHead>) -> Result<AuditReport> {
        audit::verify(&self.state()?.engine, anchor)
    }

    /// Commit buffered read events now (they are otherwise group-committed within
    /// audit_flush_interval_ms), and complete the residue scrubs that erasures left pending (with
    /// erasure_wal_window_ms above 0).
    #[operation(
        c = "bl_audit_flush",
        action = none,
        check = none("writes events already recorded (not audited)"),
        errors = [],
        args = [],
        ret = Ret::Unit,
    )]
    pub fn flush_audit(&self) -> Result<()> {
        let engine = &self.state()?.engine;
        engine.flush_audit()?;
        engine.truncate_wal_if_due(true)
    }

    /// Shred the details (the sealed before/after of changes) of audit events older than
    /// `options.older_than_days` (default: the vault's audit_details_retention_days, which
    /// `purge` also applies): the chain keeps every fact and still verifies; listings say
    /// details_shredded. Events written before format 12 keep their details until their subject
    /// is erased. Runs in batches of 1,000 events per transaction, from where the last run
    /// stopped. Returns {events, cutoff_ms, through_seq, shreddable_from, batches}.
    #[operation(
        c = "bl_audit_shred",
        action = "audit.shred",
        check = none("removes old details by a retention rule; reads and returns no personal data"),
        errors = ["INVALID_INPUT"],
        args = [Arg::Caller, Arg::OptDoc { name: "options", ts: "ShredOptions", py: "Dict[str, Any]" }],
        ret = Ret::json("report", "Shredded"),
    )]
    pub fn shred_audit_details(&self, caller: &Caller, options: Option<Value>) -> Result<Shredded> {
        let open = self.state()?;
        let options: ShredOptions =
            parse_options(&open.engine, caller, Action::AuditShred, "shred options", options)?;
        audit::shred::shred(&open.engine, caller, options)
    }
}

impl Vault {}
