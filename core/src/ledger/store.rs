//! The erasure ledger's store: its entries in order, and the typed functions it needs from a
//! backend, in domain terms. Every backend implements them (`store/sqlite/ledger.rs`,
//! `store/postgres/ledger.rs`); nothing outside this area names them.

use crate::error::Result;

/// One entry of the erasure ledger as stored: no personal data, only keyed hashes.
pub(crate) struct LedgerRow {
    /// Its position, from 1.
    pub(crate) seq: i64,
    /// The keyed hash of the erased subject's token.
    pub(crate) subject: [u8; 32],
    /// The keyed hashes of its blind-index entries, 32 bytes each, concatenated.
    pub(crate) indexes: Vec<u8>,
    /// When the subject was erased (0: before the ledger existed, carried over at the upgrade).
    pub(crate) erased_ms: i64,
    /// The MAC chaining it to the entry before.
    pub(crate) mac: [u8; 32],
}

/// The reads of the erasure ledger.
pub(crate) trait LedgerReads {
    /// The last entry's position and MAC.
    fn ledger_head(&self) -> Result<Option<(i64, [u8; 32])>>;

    /// At most `limit` entries after position `after`, in order.
    fn ledger_rows(&self, after: i64, limit: u64) -> Result<Vec<LedgerRow>>;

    /// Whether an entry names the subject with this keyed hash.
    fn ledger_has(&self, subject: &[u8; 32]) -> Result<bool>;
}

/// The writes of the erasure ledger (append only).
pub(crate) trait LedgerWrites: LedgerReads {
    /// Append an entry (its position the next one; a subject appears once: `Ok(false)` when an
    /// entry already names it).
    fn insert_ledger_row(&self, row: &LedgerRow) -> Result<bool>;
}
