//! The audit chain's store: an event row and the typed functions the chain needs from a backend
//! (its head, appending, walking, the subject index), in domain terms. Every backend implements
//! them (`store/sqlite/audit.rs`).

use crate::error::Result;

/// One audit event as stored (the chain MAC covers every field but `mac` itself).
#[derive(Clone)]
pub(crate) struct AuditRow {
    pub(crate) seq: u64,
    pub(crate) time_ms: i64,
    pub(crate) actor: String,
    pub(crate) purpose: Option<String>,
    pub(crate) action: String,
    pub(crate) subject: Option<[u8; 16]>,
    pub(crate) subject_id: Option<i64>,
    pub(crate) version: Option<i64>,
    pub(crate) outcome: String,
    pub(crate) details: Option<Vec<u8>>,
    pub(crate) mac: [u8; 32],
    /// A keyed hash of the token the event concerns (token operations), never the token.
    pub(crate) reference: Option<[u8; 16]>,
    /// The SHA-256 of the sealed details a retention rule shredded (format 12): what the MAC
    /// covers once `details` are gone.
    pub(crate) details_hash: Option<[u8; 32]>,
}

/// An audit event to append (borrowed parts of an event about to be chained).
pub(crate) struct NewAuditRow<'a> {
    pub(crate) seq: u64,
    pub(crate) time_ms: i64,
    pub(crate) actor: &'a str,
    pub(crate) purpose: Option<&'a str>,
    pub(crate) action: crate::action::Action,
    pub(crate) subject: Option<&'a [u8; 16]>,
    pub(crate) subject_id: Option<i64>,
    pub(crate) version: Option<i64>,
    pub(crate) outcome: &'a str,
    pub(crate) details: Option<&'a [u8]>,
    pub(crate) mac: [u8; 32],
    pub(crate) reference: Option<&'a [u8; 16]>,
}

/// An event's sealed details as a retention rule sees them: where and when, and the details if
/// it still has them.
pub(crate) struct DetailsRow {
    pub(crate) seq: u64,
    pub(crate) time_ms: i64,
    pub(crate) details: Option<Vec<u8>>,
}

/// The reads of the audit chain: its head, every event in order, counts.
pub(crate) trait ChainReads {
    /// The last event's sequence number and MAC, or `None` for an empty log.
    fn audit_head(&self) -> Result<Option<(u64, [u8; 32])>>;

    /// How many of a subject's events carry encrypted details.
    fn count_audit_details_of_subject(&self, subject_id: i64) -> Result<u64>;

    /// Every event in chain order, handed to `f` one at a time.
    fn walk_audit(&self, f: &mut dyn FnMut(AuditRow) -> Result<()>) -> Result<()>;

    /// At most `limit` events from sequence number `from` on, in chain order: their time and
    /// sealed details.
    fn audit_details_from(&self, from: u64, limit: u64) -> Result<Vec<DetailsRow>>;
}

/// The writes of the audit chain, inside one write transaction (appends are serialised by it).
pub(crate) trait ChainWrites: ChainReads {
    /// Append events in order (each event's sequence number is the primary key: two appends of
    /// one number fail).
    fn append_audit(&self, rows: &[NewAuditRow<'_>]) -> Result<()>;

    /// Index the events after the mark up to `head` (the last event's sequence number) by subject,
    /// in one sorted pass appended as a new run, once at least `batch` of them wait; returns how many
    /// were indexed. The run's keys sort after every earlier run's, so the pass only adds pages at
    /// the end of the index, whatever the log's size.
    fn index_audit(&self, head: u64, batch: u64) -> Result<u64>;

    /// Remove the sealed details of event `seq`, keeping their SHA-256 `hash` (what its MAC
    /// covers); false when the event has no details.
    fn shred_audit_details(&self, seq: u64, hash: &[u8; 32]) -> Result<bool>;
}
