//! The SQLite backend: connections with the vault's pragmas, one writer and a pool of readers,
//! the read handle (`Db`) and the write transaction (`Tx`, always `BEGIN IMMEDIATE`), the mapping
//! of engine errors to the vault's kinds, and one file of typed functions per area.

mod apps;
mod audit;
mod consent;
mod errors;
mod keys;
mod ledger;
mod meta;
#[cfg(unix)]
mod mutex;
mod open;
mod requests;
mod schedules;
pub(crate) mod schema;
mod sessions;
mod shares;
mod subjects;
mod tokens;
mod writer;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{Condvar, Mutex, MutexGuard, TryLockError};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use self::writer::Writer;
use super::{Backend, Compacted, StorageReport};
use crate::error::{Error, ErrorKind, Result};
use crate::store::{Db as DbHandle, Tx as TxHandle};

pub(crate) use self::errors::is_conflict;
pub(super) use crate::store::{fixed, mac_or_none};

/// Reader connections kept open for reuse: one slot each (see [`Store::read`]).
const READER_SLOTS: usize = 8;
/// WAL pages before an automatic checkpoint. Larger than SQLite's 1000 because blind-index and
/// token inserts land on random pages: a page changed by several transactions between two
/// checkpoints is copied into the database once. Erasure still checkpoints and truncates at once.
const WAL_AUTOCHECKPOINT_PAGES: i64 = 8000;
/// Prepared statements cached per connection.
const STATEMENT_CACHE: usize = 64;

/// Connection settings from the vault options.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) synchronous_full: bool,
    pub(crate) busy_timeout: Duration,
    pub(crate) cache_kib: u32,
}

/// fsync the WAL of the database at `path` (a write committed without its own sync).
fn sync_wal(path: &Path) -> Result<()> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    match std::fs::OpenOptions::new().write(true).open(std::path::PathBuf::from(wal)) {
        Ok(file) => file.sync_all().map_err(|_| Error::new(ErrorKind::Storage, "could not sync the WAL")),
        // No WAL left: a checkpoint already copied and removed it.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) => Err(Error::new(ErrorKind::Storage, "could not open the WAL to sync it")),
    }
}

/// Process-wide SQLite settings, applied once before the first connection: memory statistics
/// off. With them on (SQLite's default), every allocation SQLite makes — each page a reader
/// pulls into its cache — takes one global mutex, and readers on separate connections queue on
/// it instead of running in parallel. Nothing here reads the statistics. When SQLite was
/// already initialised in this process (another library opened a database first), the call is
/// refused and the default stays.
fn configure_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: SQLITE_CONFIG_MEMSTATUS takes one int; sqlite3_config is safe to call before
        // initialisation and answers SQLITE_MISUSE (ignored) after it.
        let _ = unsafe { rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int) };
        #[cfg(unix)]
        mutex::install();
    });
}

/// A read handle: a connection (a pooled reader, or the writer inside a transaction).
pub(crate) struct Db<'c> {
    conn: &'c Connection,
    /// A pooled reader's memo of the consent catalogue generation (see
    /// [`CatalogueReads::catalogue_generation`](crate::consent::store::CatalogueReads::catalogue_generation)); `None` on the writer.
    seen: Option<&'c Seen>,
}

/// The consent catalogue generation a reader read last, with the connection's data version
/// then (SQLite's `SQLITE_FCNTL_DATA_VERSION`: it changes with every commit to the file, by any
/// connection of any process).
pub(crate) type Seen = Cell<Option<(u32, i64)>>;

impl<'c> Db<'c> {
    fn of(conn: &'c Connection) -> Db<'c> {
        Db { conn, seen: None }
    }

    /// The connection's data version as of its last read transaction.
    fn data_version(&self) -> Result<u32> {
        let mut version: std::ffi::c_uint = 0;
        self.conn.file_control(Some(rusqlite::MAIN_DB), rusqlite::FileControl::DataVersion(&mut version))?;
        Ok(version)
    }
}

/// A pooled reader connection and its memo.
struct Reader {
    conn: Connection,
    seen: Seen,
}

/// A write transaction (`BEGIN IMMEDIATE`): the same handle on the writer connection, inside
/// its transaction (the engine hands it out as a `Tx`, areas see reads as a `Db`).
pub(crate) type Tx<'c> = Db<'c>;

/// The database: one writer connection and reusable readers (a file), or one connection
/// (in memory).
pub(crate) struct Store {
    writer: Mutex<Writer>,
    /// Threads waiting for the writer (see [`writer`]).
    wanting: AtomicUsize,
    /// Signalled when a group transaction settles.
    committed: Condvar,
    /// Reader connections, each in a slot a thread holds while it reads.
    readers: [Mutex<Option<Reader>>; READER_SLOTS],
    path: Option<PathBuf>,
    settings: Settings,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while a connection was held leaves it usable: rusqlite rolls an open transaction
    // back when the `Transaction` is dropped during unwinding.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `m` if no other thread holds it now; a poisoned lock is taken as it is, as [`lock`] does.
fn try_lock<T>(m: &Mutex<T>) -> Option<MutexGuard<'_, T>> {
    match m.try_lock() {
        Ok(guard) => Some(guard),
        Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
        Err(TryLockError::WouldBlock) => None,
    }
}

/// A filesystem path as the path part of a `file:` URI (RFC 3986 percent-encoding of every byte
/// outside the unreserved set, so nothing in a caller's path is read as a URI parameter).
fn uri_path(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut out = String::new();
    for b in absolute.as_os_str().as_encoded_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(*b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Store {
    /// Run `f` in a `BEGIN IMMEDIATE` transaction; commit if it returns `Ok`, roll back otherwise.
    /// Holding the writer serialises every write (and so every audit append) of this process;
    /// `BEGIN IMMEDIATE` serialises them with other processes.
    ///
    /// On a file, writes of several threads are group-committed (see [`writer`]): `Ok` means
    /// committed, as for a write alone.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        if self.path.is_some() {
            return self.write_grouped(f);
        }
        alone(&mut lock(&self.writer).conn, f)
    }

    /// [`write`](Self::write) if the writer is free now: `None`, and `f` not run, when another
    /// thread of this process holds it.
    pub(crate) fn write_unless_busy<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<Option<T>> {
        if self.path.is_some() {
            return self.write_grouped_unless_busy(f);
        }
        match try_lock(&self.writer) {
            Some(mut w) => alone(&mut w.conn, f).map(Some),
            None => Ok(None),
        }
    }

    /// Run `f` in a write transaction as [`write`](Self::write) does, then, still holding the
    /// writer, checkpoint the WAL into the database and truncate it (an erasure: no old copy of
    /// the pages it changed may stay in the WAL). Returns whether the truncation finished.
    ///
    /// With `synchronous=FULL` the commit skips its own fsync, because the checkpoint that
    /// follows syncs the WAL before copying it; when the checkpoint cannot copy (another
    /// connection's open read) or fails, the WAL file is synced explicitly. Either way the
    /// write is durable when this returns, with one fsync fewer than a write plus a checkpoint.
    pub(crate) fn write_then_truncate<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<(T, bool)> {
        let mut w = self.settled_writer();
        let conn = &mut w.conn;
        let Some(path) = &self.path else {
            return alone(conn, f).map(|out| (out, true));
        };
        let relax = self.settings.synchronous_full;
        if relax {
            conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        let written = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
            Ok(tx) => match f(&Db::of(&tx)) {
                Ok(out) => tx.commit().map(|()| out).map_err(Error::from),
                Err(e) => Err(e),
            },
            Err(e) => Err(Error::from(e)),
        };
        // Back to full durability for every later write, whatever happened. (Setting the pragma
        // fails only on a connection that fails every statement, later writes included.)
        if relax {
            conn.pragma_update(None, "synchronous", "FULL")?;
        }
        let out = written?;
        let checkpoint: Result<i64> =
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0)).map_err(Error::from);
        let truncated = matches!(checkpoint, Ok(0));
        if relax && !truncated {
            sync_wal(path)?;
        }
        checkpoint?;
        Ok((out, truncated))
    }

    /// Run `f` on a reader connection inside one read transaction: every statement of `f` sees
    /// the same committed state (a listing's count and its page, a verification's chain and the
    /// rows it reconciles). For the single-statement reads of the hot path, [`read`](Self::read).
    pub(crate) fn read_snapshot<T>(&self, f: impl FnOnce(&Db<'_>) -> Result<T>) -> Result<T> {
        self.read(|db| snapshot(db.conn, |conn| f(&Db { conn, seen: db.seen })))
    }

    /// Run `f` on a reader connection (the writer, for an in-memory vault). Reads see the last
    /// committed state; each statement on its own (use [`read_snapshot`](Self::read_snapshot)
    /// when several must agree).
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Db<'_>) -> Result<T>) -> Result<T> {
        let Some(path) = &self.path else {
            return f(&Db::of(&lock(&self.writer).conn));
        };
        // A thread starts at its own slot, so its reads keep one connection and its page cache
        // (warm in this core's caches); a slot another thread holds is passed over. When every
        // slot is held (more concurrent reads than slots, or a read nested in one), the read
        // gets a connection of its own for this call, as a pool that ran dry would.
        let home = reader_slot();
        // (A panic during an earlier read leaves its connection usable: statements reset.)
        let held = (0..READER_SLOTS).find_map(|k| try_lock(&self.readers[(home + k) % READER_SLOTS]));
        let Some(mut slot) = held else {
            let reader = Reader { conn: Self::connect(Some(path), &self.settings)?, seen: Cell::new(None) };
            return f(&Db { conn: &reader.conn, seen: Some(&reader.seen) });
        };
        if slot.is_none() {
            *slot = Some(Reader { conn: Self::connect(Some(path), &self.settings)?, seen: Cell::new(None) });
        }
        let reader = slot.as_ref().expect("filled above");
        f(&Db { conn: &reader.conn, seen: Some(&reader.seen) })
    }

    /// Whether the store lives in memory (no file, no WAL).
    pub(crate) fn in_memory(&self) -> bool {
        self.path.is_none()
    }

    /// Copy the WAL into the database and truncate it to zero bytes, so no old page versions
    /// remain on disk. Returns `false` when another connection's open read kept it from finishing.
    pub(crate) fn checkpoint_truncate(&self) -> Result<bool> {
        if self.path.is_none() {
            return Ok(true);
        }
        let w = self.settled_writer();
        let busy: i64 = w.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        Ok(busy == 0)
    }

    /// Rebuild the database file (`VACUUM`) and truncate the WAL: every page is written afresh
    /// from live rows, so no stale copy of a deleted or moved row survives in free page space.
    pub(crate) fn compact(&self) -> Result<Compacted> {
        let size = |conn: &Connection| -> Result<u64> {
            let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
            let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
            Ok((pages * page_size) as u64)
        };
        self.drop_readers();
        let w = self.settled_writer();
        let conn = &w.conn;
        let bytes_before = size(conn)?;
        conn.execute_batch("VACUUM")?;
        let bytes_after = size(conn)?;
        let busy: i64 = match self.path {
            Some(_) => conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?,
            None => 0,
        };
        Ok(Compacted { bytes_before, bytes_after, residue_scrubbed: busy == 0 })
    }

    /// Drop idle readers (before close, so the last connection can remove the WAL).
    pub(crate) fn drop_readers(&self) {
        for slot in &self.readers {
            lock(slot).take();
        }
    }
}

impl Backend for Store {
    fn read(&self, f: &mut dyn FnMut(&DbHandle<'_>) -> Result<()>) -> Result<()> {
        Store::read(self, |db| f(db))
    }

    fn read_snapshot(&self, f: &mut dyn FnMut(&DbHandle<'_>) -> Result<()>) -> Result<()> {
        Store::read_snapshot(self, |db| f(db))
    }

    fn write_migrated(&self, f: &mut dyn FnMut(&TxHandle<'_>, i64) -> Result<()>) -> Result<()> {
        Store::write(self, |tx| {
            let from = schema::migrate(tx)?;
            f(tx, from)
        })
    }

    fn write(&self, f: &mut dyn FnMut(&TxHandle<'_>) -> Result<()>) -> Result<()> {
        Store::write(self, |tx| f(tx))
    }

    fn write_unless_busy(&self, f: &mut dyn FnMut(&TxHandle<'_>) -> Result<()>) -> Result<bool> {
        Store::write_unless_busy(self, |tx| f(tx)).map(|done| done.is_some())
    }

    fn write_and_scrub(&self, f: &mut dyn FnMut(&TxHandle<'_>) -> Result<()>) -> Result<bool> {
        Store::write_then_truncate(self, |tx| f(tx)).map(|((), truncated)| truncated)
    }

    fn scrub_residue(&self) -> Result<bool> {
        self.checkpoint_truncate()
    }

    fn leaves_residue(&self) -> bool {
        !self.in_memory()
    }

    fn storage_report(&self, scrubbed: bool, due_ms: Option<i64>) -> StorageReport {
        StorageReport::Sqlite { wal_truncated: scrubbed, wal_truncation_due_ms: due_ms }
    }

    fn compact(&self) -> Result<Compacted> {
        Store::compact(self)
    }

    fn release_connections(&self) {
        self.drop_readers();
    }
}

/// `f` in a transaction of its own on `conn` (an in-memory store's writer).
fn alone<T>(conn: &mut Connection, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = f(&Db::of(&tx))?;
    tx.commit()?;
    Ok(out)
}

/// The reader slot this thread starts at: threads are numbered as they first read.
fn reader_slot() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    thread_local! {
        static SLOT: usize = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % READER_SLOTS;
    }
    // 0 while the thread's locals are being torn down.
    SLOT.try_with(|s| *s).unwrap_or(0)
}

/// Run `f` inside one deferred read transaction on `conn` (ended whatever `f` returns).
fn snapshot<T>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    conn.prepare_cached("BEGIN DEFERRED")?.execute([])?;
    let out = f(conn);
    let end = conn.prepare_cached("COMMIT").and_then(|mut s| s.execute([]));
    let out = out?;
    end?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synchronous(store: &Store) -> i64 {
        lock(&store.writer).conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).expect("pragma")
    }

    #[test]
    fn an_erasing_write_leaves_full_durability_behind_and_the_wal_empty() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("s.db");
        let settings = Settings { synchronous_full: true, busy_timeout: Duration::from_secs(1), cache_kib: 1024 };
        let store = Store::open_file(&path, settings).expect("open");
        lock(&store.writer).conn.execute_batch("CREATE TABLE t (x BLOB)").expect("table");
        assert_eq!(synchronous(&store), 2, "FULL");
        let wal = || std::fs::metadata(format!("{}-wal", path.display())).map(|m| m.len()).unwrap_or(0);
        let (_, truncated) = store
            .write_then_truncate(|tx| Ok(tx.conn.execute("INSERT INTO t VALUES (zeroblob(10000))", [])?))
            .expect("write");
        assert!(truncated);
        assert_eq!(wal(), 0);
        assert_eq!(synchronous(&store), 2, "FULL again after the erasing write");
        // A failing write rolls back and also restores FULL.
        let e = store
            .write_then_truncate(|tx| -> Result<()> {
                tx.conn.execute("INSERT INTO t VALUES (1)", [])?;
                Err(Error::invalid("no"))
            })
            .expect_err("fails");
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(synchronous(&store), 2);
        let n: i64 = lock(&store.writer).conn.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).expect("count");
        assert_eq!(n, 1, "the failed write left nothing");
    }
}
