//! The requests area's store: data-subject requests and their outbox of transition events, and
//! the typed functions it needs from a backend, in domain terms. Every backend implements them
//! (`store/sqlite/requests.rs`, `store/postgres/requests.rs`); nothing outside this area names
//! them.

use crate::error::Result;

/// A request row as stored. Everything but `seq` and `body` is bound into the sealed body, so
/// a changed column (a state, a due date, a verification) is `INTEGRITY` when read.
#[derive(Clone)]
pub(crate) struct RequestRow {
    /// Its place in the order requests arrived (the listings' cursor).
    pub(crate) seq: i64,
    /// Its id: 16 random bytes.
    pub(crate) id: [u8; 16],
    /// The subject's row id.
    pub(crate) subject_id: i64,
    pub(crate) kind: String,
    pub(crate) regime: String,
    pub(crate) state: String,
    pub(crate) verified: bool,
    pub(crate) received_ms: i64,
    pub(crate) due_ms: i64,
    /// When the receipt must be acknowledged (CCPA: ten business days), if the regime says so.
    pub(crate) ack_due_ms: Option<i64>,
    /// Whether the deadline was extended.
    pub(crate) extended: bool,
    pub(crate) updated_ms: i64,
    /// 1 when made, + 1 with each change.
    pub(crate) version: i64,
    /// The proposals, notes and reasons, sealed under the subject's data key.
    pub(crate) body: Vec<u8>,
}

/// Which requests a listing wants.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestFilter {
    /// Only this subject's.
    pub(crate) subject_id: Option<i64>,
    /// Only requests in this state.
    pub(crate) state: Option<String>,
    /// Only open or in-progress requests due at or before this time.
    pub(crate) due_by_ms: Option<i64>,
}

/// A request's transition as the outbox keeps it (no personal data: ids, names, times).
#[derive(Debug, Clone)]
pub(crate) struct RequestEventRow {
    pub(crate) seq: i64,
    pub(crate) request: [u8; 16],
    /// The subject's token.
    pub(crate) subject: [u8; 16],
    pub(crate) kind: String,
    pub(crate) event: String,
    pub(crate) state: String,
    pub(crate) time_ms: i64,
    /// The MAC of its fields and of the event before it (a chain: see `requests::outbox`).
    pub(crate) mac: [u8; 32],
}

/// The reads of the requests area.
pub(crate) trait RequestReads {
    /// The request with this id.
    fn request(&self, id: &[u8; 16]) -> Result<Option<RequestRow>>;

    /// The subject's open or in-progress request of `kind`, if any.
    fn active_request(&self, subject_id: i64, kind: &str) -> Result<Option<RequestRow>>;

    /// At most `limit` requests the filter wants after `after_seq`, in arrival order, and how
    /// many it wants after `after_seq` (these included).
    fn requests(&self, filter: &RequestFilter, after_seq: i64, limit: u64) -> Result<(Vec<RequestRow>, u64)>;

    /// The subject's requests, in arrival order.
    fn requests_of_subject(&self, subject_id: i64) -> Result<Vec<RequestRow>>;

    /// How many requests the subject has.
    fn count_requests_of_subject(&self, subject_id: i64) -> Result<u64>;

    /// At most `limit` outbox events after `after_seq`, in order, and how many there are after it.
    fn request_events_after(&self, after_seq: i64, limit: u64) -> Result<(Vec<RequestEventRow>, u64)>;

    /// The last outbox event's number (0 when none was ever written).
    fn last_request_event_seq(&self) -> Result<i64>;

    /// The newest outbox event numbered below `seq`, if one is kept.
    fn request_event_before(&self, seq: i64) -> Result<Option<RequestEventRow>>;
}

/// The writes of the requests area, inside one write transaction.
pub(crate) trait RequestWrites: RequestReads {
    /// Insert a new request (its `seq` is chosen by the store); its seq.
    fn insert_request(&self, row: &RequestRow) -> Result<i64>;

    /// Replace the request at `row.version - 1` with `row` (anything else is `INTEGRITY`).
    fn update_request(&self, row: &RequestRow) -> Result<()>;

    /// Delete every request of the subject (its erasure); how many there were.
    fn delete_requests_of_subject(&self, subject_id: i64) -> Result<u64>;

    /// Append an outbox event numbered `event.seq` (one more than the last ever written).
    fn insert_request_event(&self, event: &RequestEventRow) -> Result<()>;

    /// Delete the outbox events up to `seq`; how many went.
    fn delete_request_events_through(&self, seq: i64) -> Result<u64>;
}
