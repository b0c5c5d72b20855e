//! The sessions area's store: session rows by the keyed hash of their id, and the typed
//! functions it needs from a backend, in domain terms. Every backend implements them
//! (`store/sqlite/sessions.rs`, `store/postgres/sessions.rs`); nothing outside this area names
//! them.

use crate::error::Result;

/// A session row as stored.
pub(crate) struct SessionRow {
    /// The keyed hash of the session id (HMAC-SHA256 truncated to 128 bits): the id itself, a
    /// bearer secret, is never stored.
    pub(crate) hash: [u8; 16],
    /// The linked subject's row id, if any.
    pub(crate) subject_id: Option<i64>,
    /// The data, sealed under the linked subject's data key (or the vault's session key), bound
    /// to the hash, the expiry, the subject's token and the row's version and times.
    pub(crate) data: Vec<u8>,
    pub(crate) created_ms: i64,
    pub(crate) updated_ms: i64,
    pub(crate) expires_ms: i64,
    /// 1 when created, +1 per set or touch.
    pub(crate) version: i64,
    /// The linked subject's token and wrapped data key, read with the row by
    /// [`session`](SessionReads::session) (one lookup for the hot path); `None` elsewhere, and
    /// when the linked subject is not stored.
    pub(crate) link: Option<([u8; 16], Vec<u8>)>,
}

/// The reads of the sessions area.
pub(crate) trait SessionReads {
    /// The session whose id has this keyed hash, with its linked subject's token and wrapped data
    /// key.
    fn session(&self, hash: &[u8; 16]) -> Result<Option<SessionRow>>;

    /// Up to `limit` of the subject's sessions with a hash after `after` (all when `None`), in
    /// hash order.
    fn sessions_of_subject(&self, subject_id: i64, after: Option<&[u8; 16]>, limit: u64) -> Result<Vec<SessionRow>>;

    /// How many sessions are linked to the subject.
    fn count_sessions_of_subject(&self, subject_id: i64) -> Result<u64>;
}

/// The writes of the sessions area, inside one write transaction.
pub(crate) trait SessionWrites: SessionReads {
    /// Insert a new session. `Ok(false)` when one with this hash exists (the primary key refuses
    /// it; never a check-then-insert).
    fn insert_session(&self, row: &SessionRow) -> Result<bool>;

    /// Replace the stored session (at `row.version - 1`; anything else is `INTEGRITY`).
    fn update_session(&self, row: &SessionRow) -> Result<()>;

    /// Delete the session with this hash; whether there was one.
    fn delete_session(&self, hash: &[u8; 16]) -> Result<bool>;

    /// Delete up to `limit` sessions expired at `now_ms` among those whose hash comes after
    /// `after` (all when `None`), in hash order (so a batch deletes neighbouring rows); how many
    /// went and the last hash it deleted.
    fn purge_expired_sessions(
        &self,
        now_ms: i64,
        after: Option<&[u8; 16]>,
        limit: u64,
    ) -> Result<(u64, Option<[u8; 16]>)>;

    /// Delete every session linked to the subject (its erasure); how many there were.
    fn delete_sessions_of_subject(&self, subject_id: i64) -> Result<u64>;
}
