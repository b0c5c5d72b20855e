//! Storage: the seam between the vault and a database engine. Each feature area declares the
//! typed functions it needs in its own `store.rs` (domain terms: rows in, rows out, never SQL);
//! here are the vault's own (purpose keys, settings), the handles areas get from the engine —
//! a read handle ([`Db`]: every area's reads) and a write transaction ([`Tx`]: every area's
//! reads and writes) — and the [`Backend`] a database engine implements. `sqlite/` is the
//! SQLite backend. Rules every backend keeps: uniqueness comes from constraints (never
//! check-then-insert), one `Tx` is one atomic transaction, and audit appends are serialised by
//! the write transaction.

#[cfg(feature = "postgres")]
pub(crate) mod postgres;
pub(crate) mod sqlite;

use crate::apps::store::{AppReads, AppWrites};
use crate::audit_log::store::AuditLogReads;
use crate::chain::store::{ChainReads, ChainWrites};
use crate::consent::store::{ConsentReads, ConsentWrites};
use crate::error::Result;
use crate::ledger::store::{LedgerReads, LedgerWrites};
use crate::requests::store::{RequestReads, RequestWrites};
use crate::schedules::store::{ScheduleReads, ScheduleWrites};
use crate::sessions::store::{SessionReads, SessionWrites};
use crate::shares::store::{ShareReads, ShareWrites};
use crate::subjects::store::{SubjectReads, SubjectWrites};
use crate::tokens::store::{TokenReads, TokenWrites};

/// Every area's reads: what a read handle offers.
pub(crate) trait Reads:
    SubjectReads
    + TokenReads
    + ConsentReads
    + AppReads
    + SessionReads
    + ShareReads
    + RequestReads
    + ScheduleReads
    + LedgerReads
    + ChainReads
    + AuditLogReads
    + KeyReads
    + MetaReads
{
}

impl<T> Reads for T where
    T: ?Sized
        + SubjectReads
        + TokenReads
        + ConsentReads
        + AppReads
        + SessionReads
        + ShareReads
        + RequestReads
        + ScheduleReads
        + LedgerReads
        + ChainReads
        + AuditLogReads
        + KeyReads
        + MetaReads
{
}

/// Every area's reads and writes: what a write transaction offers.
pub(crate) trait Writes:
    Reads
    + SubjectWrites
    + TokenWrites
    + ConsentWrites
    + AppWrites
    + SessionWrites
    + ShareWrites
    + RequestWrites
    + ScheduleWrites
    + LedgerWrites
    + ChainWrites
    + KeyWrites
    + MetaWrites
{
}

impl<T> Writes for T where
    T: ?Sized
        + Reads
        + SubjectWrites
        + TokenWrites
        + ConsentWrites
        + AppWrites
        + SessionWrites
        + ShareWrites
        + RequestWrites
        + ScheduleWrites
        + LedgerWrites
        + ChainWrites
        + KeyWrites
        + MetaWrites
{
}

/// A read handle: each statement sees the last committed state, or, inside a snapshot, one
/// state for all of them.
pub(crate) type Db<'a> = dyn Reads + 'a;

/// A write transaction: everything done through it commits together or not at all; reads
/// through it see its own writes.
pub(crate) type Tx<'a> = dyn Writes + 'a;

/// What the engine needs of a database engine: read handles, write transactions, and the
/// removal of what deleted data leaves behind. Work is handed over as `FnMut`: a backend whose
/// engine can abort a transaction for a conflict (a serialisation failure) may roll back and run
/// it again, so work does everything through the handle it is given.
pub(crate) trait Backend: Send + Sync {
    /// Run `f` on a read handle; each statement on its own.
    fn read(&self, f: &mut dyn FnMut(&Db<'_>) -> Result<()>) -> Result<()>;

    /// Run `f` inside one read transaction: every statement sees the same committed state.
    fn read_snapshot(&self, f: &mut dyn FnMut(&Db<'_>) -> Result<()>) -> Result<()>;

    /// Bring the storage's schema up to this version's and run `f`, in one write transaction
    /// (two processes opening a new vault at once end with one). `f` gets the format the
    /// storage had (0: new), so it can finish what a migration needs the keys for.
    fn write_migrated(&self, f: &mut dyn FnMut(&Tx<'_>, i64) -> Result<()>) -> Result<()>;

    /// Run `f` in one write transaction; commit if it returns `Ok`, roll back otherwise. `Ok`
    /// means committed and durable as the options ask.
    fn write(&self, f: &mut dyn FnMut(&Tx<'_>) -> Result<()>) -> Result<()>;

    /// [`write`](Self::write) unless this process's writer is taken now: `false`, and `f` not
    /// run, when it is.
    fn write_unless_busy(&self, f: &mut dyn FnMut(&Tx<'_>) -> Result<()>) -> Result<bool>;

    /// [`write`](Self::write), then [`scrub_residue`](Self::scrub_residue) before another
    /// write can begin (an erasure). Returns whether the scrub finished.
    fn write_and_scrub(&self, f: &mut dyn FnMut(&Tx<'_>) -> Result<()>) -> Result<bool>;

    /// Remove what the backend keeps of deleted rows beside the live ones (SQLite: copy the WAL
    /// into the file and truncate it). `false` when something (another process's open read)
    /// kept it from finishing; a later call does it.
    fn scrub_residue(&self) -> Result<bool>;

    /// Whether deleted rows leave residue for [`scrub_residue`](Self::scrub_residue) (not in
    /// memory).
    fn leaves_residue(&self) -> bool;

    /// The backend's terms for a scrub's outcome: whether it finished, and when a scrub left
    /// pending is due.
    fn storage_report(&self, scrubbed: bool, due_ms: Option<i64>) -> StorageReport;

    /// Rewrite the storage from its live rows (SQLite: `VACUUM`, then a scrub).
    fn compact(&self) -> Result<Compacted>;

    /// Close pooled connections (at close, so the last one can clean up).
    fn release_connections(&self);
}

/// A stored MAC that may be absent (a row of a format before it had one): absent reads as all
/// zeros, which no MAC check accepts. (Both backends read stored values through these two.)
pub(crate) fn mac_or_none(bytes: Option<Vec<u8>>) -> Result<[u8; 32]> {
    bytes.map_or(Ok([0; 32]), |b| fixed(b, "MAC"))
}

/// A stored blob that must have exactly `N` bytes; anything else is `INTEGRITY`.
pub(crate) fn fixed<const N: usize>(bytes: Vec<u8>, what: &'static str) -> Result<[u8; N]> {
    bytes.try_into().map_err(|_| crate::error::Error::integrity(format!("a stored {what} is malformed")))
}

/// A purpose key row: a random key wrapped by the root key.
pub(crate) struct KeyRow {
    pub(crate) id: u32,
    pub(crate) purpose: String,
    pub(crate) wrapped: Vec<u8>,
}

/// The vault's identity and settings fixed at creation.
pub(crate) struct MetaRow {
    pub(crate) vault_id: [u8; 16],
    pub(crate) created_ms: i64,
    /// The configured indexed fields (beyond the identity fields), as JSON text.
    pub(crate) indexed_fields: String,
}

/// The result of a compaction.
pub(crate) struct Compacted {
    pub(crate) bytes_before: u64,
    pub(crate) bytes_after: u64,
    /// Whether the residue scrub that follows the rewrite finished.
    pub(crate) residue_scrubbed: bool,
}

/// What the backend did about the residue of deleted data, in its own terms: the part of an
/// erasure receipt or a compaction report that depends on the database engine. `backend` names
/// it; the other fields are that engine's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "backend", rename_all = "lowercase")]
#[non_exhaustive]
pub enum StorageReport {
    /// The SQLite file: deleted cells are zeroed (`secure_delete`); the write-ahead log, which
    /// still holds the old pages, is checkpointed into the file and truncated.
    Sqlite {
        /// The WAL was checkpointed and truncated: no old version of the changed pages remains
        /// in it. False when another process held a read open (the next checkpoint does it), or
        /// while a coalesced truncation is pending.
        wal_truncated: bool,
        /// When a coalesced truncation (`Options::erasure_wal_window_ms`) is due, in milliseconds
        /// since the Unix epoch; `None` when nothing is pending.
        wal_truncation_due_ms: Option<i64>,
    },
    /// A PostgreSQL server: a deleted row stays in its table's pages as a dead tuple until
    /// `VACUUM` releases the space (and until new rows overwrite it), and in the server's WAL, its
    /// archives, replicas and backups until they expire — none of which a client can reach. What
    /// is guaranteed is that the subject's data key is deleted with the row; see the book's
    /// "Scaling out" for the operator's steps.
    Postgres {
        /// The tables a subject's rows live in were vacuumed after the erasure (the dead tuples'
        /// space released for reuse). False when a coalesced `VACUUM` is pending, or it failed
        /// (the next one does it).
        vacuumed: bool,
        /// When a coalesced `VACUUM` (`Options::erasure_wal_window_ms`) is due, in milliseconds
        /// since the Unix epoch; `None` when nothing is pending.
        vacuum_due_ms: Option<i64>,
    },
}

/// The unlock methods and purpose keys (read).
pub(crate) trait KeyReads {
    /// The wrapped root key of an unlock method, if the vault has that method.
    fn key_wrapping(&self, method: &str) -> Result<Option<Vec<u8>>>;

    /// The active (not retired) purpose keys.
    fn active_keys(&self) -> Result<Vec<KeyRow>>;
}

/// The unlock methods and purpose keys (written).
pub(crate) trait KeyWrites: KeyReads {
    /// Add an unlock method.
    fn insert_key_wrapping(&self, method: &str, wrapped: &[u8], now_ms: i64) -> Result<()>;

    /// Replace the wrapped root key of an existing unlock method.
    fn update_key_wrapping(&self, method: &str, wrapped: &[u8], now_ms: i64) -> Result<()>;

    /// The id the next purpose key gets (ids are never reused).
    fn next_key_id(&self) -> Result<u32>;

    /// Add a purpose key with id `row.id`. A second active key for one purpose is refused by the
    /// table's unique index.
    fn insert_key(&self, row: &KeyRow, now_ms: i64) -> Result<()>;
}

/// The vault's identity, settings and stored marks (read).
pub(crate) trait MetaReads {
    /// The vault's metadata, or `None` in a database that is not a vault yet.
    fn read_meta(&self) -> Result<Option<MetaRow>>;

    /// The default phone region the vault's national numbers were indexed with, if one was given.
    fn default_region(&self) -> Result<Option<String>>;

    /// A MAC kept in `meta` under `name` (the catalogue's, the outbox consumers'), if any.
    fn meta_mac(&self, name: &str) -> Result<Option<[u8; 32]>>;

    /// An integer kept in `meta` under `name` (a mark a migration left), if any.
    fn meta_number(&self, name: &str) -> Result<Option<i64>>;
}

/// The vault's identity, settings and stored marks (written).
pub(crate) trait MetaWrites: MetaReads {
    /// Write the metadata of a new vault.
    fn insert_meta(&self, row: &MetaRow) -> Result<()>;

    /// Record the default phone region (once: the caller checks there is none yet).
    fn set_default_region(&self, region: &str) -> Result<()>;

    /// Store a MAC in `meta` under `name`.
    fn set_meta_mac(&self, name: &str, mac: &[u8; 32]) -> Result<()>;

    /// Store a number (a mark an area keeps) in `meta` under `name`.
    fn set_meta_number(&self, name: &str, value: i64) -> Result<()>;
}
