//! The audit listing's store: the pages and counts it reads, in domain terms (the rows are the
//! chain's). Every backend implements them (`store/sqlite/audit.rs`).

use crate::chain::store::AuditRow;
use crate::error::Result;

/// The reads of the audit listing: pages of events (all, or one subject's) and their counts.
pub(crate) trait AuditLogReads {
    /// Whether `audit_subjects` holds exactly the (subject, event) pairs of the events up to its mark
    /// (which is at most `head`) that name a subject, each in the run whose range holds it, and the
    /// runs follow each other up to the mark.
    fn audit_index_is_exact(&self, head: u64) -> Result<bool>;

    /// How many events name the subject with row id `subject_id` (the indexed ones, run by run, and
    /// those of the log's tail after the mark).
    fn count_audit_of_subject(&self, subject_id: i64) -> Result<u64>;

    /// How many events the log holds.
    fn count_audit(&self) -> Result<u64>;

    /// A subject's events below sequence number `before` (all when `None`), newest first: from the
    /// log's tail after the index mark first, then through the index.
    fn audit_page_of_subject(&self, subject_id: i64, before: Option<u64>, limit: u64) -> Result<Vec<AuditRow>>;

    /// All events below sequence number `before` (all when `None`), newest first.
    fn audit_page(&self, before: Option<u64>, limit: u64) -> Result<Vec<AuditRow>>;
}
