//! Opening the SQLite file: read-only inspection before anything is written, the writer and
//! reader connections with the vault's pragmas, WAL mode.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::writer::Writer;
use super::{
    configure_sqlite, schema, snapshot, uri_path, Db, Settings, Store, STATEMENT_CACHE, WAL_AUTOCHECKPOINT_PAGES,
};
use crate::error::{Error, ErrorKind, Result};
use crate::store::Db as DbHandle;

impl Store {
    /// Run read-only checks on an existing file before anything is written. When no `-wal` file
    /// exists, no connection has the vault open and everything is in the main file: it is opened
    /// `immutable`, so SQLite creates no `-wal`/`-shm` and the files stay byte-identical.
    /// Otherwise a plain read-only connection reads through the live WAL (it never writes the
    /// database or the WAL). Caller paths are file names, never URIs: only the URI built here
    /// from the percent-encoded absolute path is parsed as one.
    ///
    /// An immutable read takes no lock, so it can see a file that another process is creating or
    /// checkpointing at that moment half-written. A refusal from such a read is therefore only
    /// believed when a second read of the unchanged file gives it again; otherwise the file is
    /// read again (through the WAL once there is one), within the busy timeout.
    pub(crate) fn inspect<T>(path: &Path, settings: &Settings, f: impl Fn(&Db<'_>) -> Result<T>) -> Result<T> {
        let wal = PathBuf::from(format!("{}-wal", path.display()));
        let state = || {
            let m = std::fs::metadata(path).ok();
            (m.as_ref().map(|m| m.len()), m.and_then(|m| m.modified().ok()), wal.exists())
        };
        let start = std::time::Instant::now();
        let mut refused: Option<(ErrorKind, String, _)> = None;
        loop {
            let before = state();
            let result = (|| {
                let conn = if before.2 {
                    Connection::open_with_flags(
                        path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?
                } else {
                    let flags =
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
                    Connection::open_with_flags(format!("file:{}?immutable=1", uri_path(path)), flags)?
                };
                conn.busy_timeout(settings.busy_timeout)?;
                // One read transaction: every check sees the same state of the file.
                snapshot(&conn, |conn| f(&Db::of(conn)))
            })();
            let e = match result {
                Err(e) if !before.2 && e.kind() != ErrorKind::WrongKey => e,
                other => return other,
            };
            let verdict = (e.kind(), e.message().to_owned(), state());
            if refused.as_ref() == Some(&verdict) || start.elapsed() >= settings.busy_timeout {
                return Err(e);
            }
            refused = Some(verdict);
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Read-only checks of an existing file before anything is written (see
    /// [`inspect`](Self::inspect)): it is empty, or a vault of a format this version opens
    /// holding exactly the expected schema objects, which `check` then reads (the key check).
    pub(crate) fn inspect_vault(
        path: &Path,
        settings: &Settings,
        check: impl Fn(&DbHandle<'_>) -> Result<()>,
    ) -> Result<()> {
        Self::inspect(path, settings, |db| match schema::classify(db)? {
            schema::FileKind::Empty => Ok(()),
            schema::FileKind::Vault => {
                schema::check_objects(db)?;
                check(db)
            }
        })
    }

    /// Open (creating if needed) the file at `path` with the vault's pragmas.
    pub(crate) fn open_file(path: &Path, settings: Settings) -> Result<Store> {
        let writer = Self::connect(Some(path), &settings)?;
        Self::enter_wal(&writer, &settings)?;
        writer.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)?;
        Ok(Store::new(writer, Some(path.to_owned()), settings))
    }

    /// Switch to WAL mode. Switching a new file needs an exclusive lock, and SQLite answers
    /// `SQLITE_BUSY` at once (without its busy handler) while another process creating the same
    /// file holds one: retry, with a growing pause, until the busy timeout has passed.
    pub(super) fn enter_wal(conn: &Connection, settings: &Settings) -> Result<()> {
        let start = std::time::Instant::now();
        let mut pause = Duration::from_micros(200);
        loop {
            match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0)) {
                Ok(mode) if mode.eq_ignore_ascii_case("wal") => return Ok(()),
                Ok(_) => return Err(Error::new(ErrorKind::Storage, "the database cannot use write-ahead logging")),
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                        && start.elapsed() < settings.busy_timeout =>
                {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(20));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// A private in-memory database.
    pub(crate) fn open_memory(settings: Settings) -> Result<Store> {
        let writer = Self::connect(None, &settings)?;
        Ok(Store::new(writer, None, settings))
    }

    pub(super) fn new(writer: Connection, path: Option<PathBuf>, settings: Settings) -> Store {
        Store {
            writer: Mutex::new(Writer::new(writer)),
            wanting: AtomicUsize::new(0),
            committed: Condvar::new(),
            readers: std::array::from_fn(|_| Mutex::new(None)),
            path,
            settings,
        }
    }

    pub(super) fn connect(path: Option<&Path>, settings: &Settings) -> Result<Connection> {
        configure_sqlite();
        // No SQLITE_OPEN_URI, and paths arrive absolute (see `Vault::open`): a caller's path is a
        // file name, never a URI with parameters.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match path {
            Some(p) => Connection::open_with_flags(p, flags)?,
            None => Connection::open_in_memory_with_flags(flags)?,
        };
        conn.busy_timeout(settings.busy_timeout)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // Query-planner stability: plans never depend on bound values. Without it SQLite marks
        // some cached statements for re-preparation whenever their bindings are cleared, which
        // re-parsed the lookup query on every call.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        // Page cache per connection, in KiB (negative = KiB for SQLite).
        conn.pragma_update(None, "cache_size", -i64::from(settings.cache_kib))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.pragma_update(None, "trusted_schema", "OFF")?;
        conn.pragma_update(None, "synchronous", if settings.synchronous_full { "FULL" } else { "NORMAL" })?;
        Ok(conn)
    }
}
