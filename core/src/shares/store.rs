//! The shares area's store: shares by the keyed hash of their id, and the typed functions it
//! needs from a backend, in domain terms. Every backend implements them (`store/sqlite/shares.rs`,
//! `store/postgres/shares.rs`); nothing outside this area names them.

use crate::error::Result;

/// A share row as stored.
pub(crate) struct ShareRow {
    /// The keyed hash of the share id (the id, a bearer secret, is never stored).
    pub(crate) hash: [u8; 16],
    /// The shared subject's row id.
    pub(crate) subject_id: i64,
    /// What is shared (the record, the fields, the partner), sealed under the subject's data
    /// key, bound to the hash, the expiry, the read limit, the subject's token and the row's
    /// state (its version is the number of reads + 1).
    pub(crate) spec: Vec<u8>,
    pub(crate) created_ms: i64,
    pub(crate) updated_ms: i64,
    pub(crate) expires_ms: i64,
    /// How many resolutions it allows (`None`: until it expires).
    pub(crate) max_reads: Option<i64>,
    /// How many resolutions it had.
    pub(crate) reads: i64,
}

/// The reads of the shares area.
pub(crate) trait ShareReads {
    /// The share whose id has this keyed hash.
    fn share(&self, hash: &[u8; 16]) -> Result<Option<ShareRow>>;

    /// The subject's shares, in hash order.
    fn shares_of_subject(&self, subject_id: i64) -> Result<Vec<ShareRow>>;

    /// How many shares the subject has.
    fn count_shares_of_subject(&self, subject_id: i64) -> Result<u64>;
}

/// The writes of the shares area, inside one write transaction.
pub(crate) trait ShareWrites: ShareReads {
    /// Insert a new share. `Ok(false)` when one with this hash exists (the primary key refuses
    /// it; never a check-then-insert).
    fn insert_share(&self, row: &ShareRow) -> Result<bool>;

    /// Record one more resolution: the row at `row.reads - 1` reads gets `row`'s reads, time and
    /// resealed spec (anything else is `INTEGRITY`).
    fn update_share(&self, row: &ShareRow) -> Result<()>;

    /// Delete the share with this hash; whether there was one.
    fn delete_share(&self, hash: &[u8; 16]) -> Result<bool>;

    /// Delete every share of the subject (its erasure); how many there were.
    fn delete_shares_of_subject(&self, subject_id: i64) -> Result<u64>;

    /// Delete at most `limit` shares that expired at `now_ms` or before; how many went.
    fn purge_expired_shares(&self, now_ms: i64, limit: u64) -> Result<u64>;
}
