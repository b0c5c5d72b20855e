//! The audit's operations on [`Vault`]: listing, the chain head, verification, flushing.

use crate::audit_log::{self as audit, AuditEvent, AuditHead, AuditReport};
use crate::caller::Caller;
use crate::error::Result;
use crate::page::{Page, PageRequest};

use super::Vault;

impl Vault {
    /// Audit events, newest first: those of the subject with token `subject`, or all events when
    /// `None`. With `details`, each event's details (the before/after of a change: personal
    /// data) are decrypted while the subject exists and the caller's purpose allows `read` or
    /// `export` of it (otherwise the event comes without them and `details_refused` says why),
    /// and the listing is audited as `audit.list_details` (otherwise `audit.list`). Follow `next` for the next page; each event
    /// is returned once even while others are appended.
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

    /// The current chain head, after committing buffered events: keep it outside the vault.
    pub fn get_audit_head(&self) -> Result<AuditHead> {
        audit::head(&self.state()?.engine)
    }

    /// Check the whole chain (every event's MAC, contiguous sequence numbers from 1) and every
    /// stored subject against its last audited change. With an `anchor` (a head kept outside the
    /// vault), also check that the log still reaches it and holds the same event there —
    /// detecting truncation and rollback. A failure is `INTEGRITY`.
    pub fn verify_audit(&self, anchor: Option<&AuditHead>) -> Result<AuditReport> {
        audit::verify(&self.state()?.engine, anchor)
    }

    /// Commit buffered read events now, and complete the WAL truncations that erasures left
    /// pending (with `erasure_wal_window_ms` above 0).
    pub fn flush_audit(&self) -> Result<()> {
        let engine = &self.state()?.engine;
        engine.flush_audit()?;
        engine.truncate_wal_if_due(true)
    }
}
