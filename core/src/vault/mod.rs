//! `Vault`, the public facade: opening and creating a vault (format and key checked on a
//! read-only connection before any write), the lifecycle (close, use after close), and the
//! vault's own operations (compact, rekey, in `vault_ops.rs`). Every feature area adds its
//! operations to `Vault` from its own `ops.rs`.
//!
//! The public shape: flat methods named verb-then-noun (`get_subject`, `list_audit_events`),
//! each taking the [`Caller`](crate::Caller) first when the operation is audited. C names the
//! same operations `bl_<noun>_<verb>` and the audit log `noun.verb` (see
//! [`Action`](crate::Action)).

pub(crate) mod vault_ops;

use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde::Serialize;

use crate::apps::Apps;
use crate::crypto::keys::MasterKey;
use crate::crypto::random_fill;
use crate::engine::{Engine, Flusher};
use crate::error::{Error, ErrorKind, Result};
use crate::keyring::{self, Keyring};
use crate::normalize;
use crate::options::{AuditHead, Options, Synchronous};
use crate::shares::Shares;
use crate::store::sqlite::{Settings, Store};
use crate::store::{Backend, MetaRow, StorageReport, Tx};
use crate::subjects::Subjects;
use crate::tokens::Tokens;

/// The result of [`Vault::compact`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CompactReport {
    /// Size of the database file before, in bytes.
    pub bytes_before: u64,
    /// Size of the database file after, in bytes.
    pub bytes_after: u64,
    /// What the storage keeps of deleted data beside the live rows was removed afterwards
    /// (SQLite: the WAL was checkpointed and truncated; false when another process held a read
    /// open, and the next checkpoint completes it).
    pub residue_scrubbed: bool,
    /// The same, in the storage backend's own terms (`{"backend": "sqlite", "wal_truncated",
    /// "wal_truncation_due_ms"}`).
    pub storage: StorageReport,
    /// `residue_scrubbed` under its SQLite name, kept for callers written before the backend
    /// seam.
    pub wal_truncated: bool,
}

/// What opening the vault found (see [`Vault::open_report`]). Holds no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct OpenReport {
    /// The audit chain's head when the vault was opened.
    pub audit_head: AuditHead,
    /// With [`Options::audit_anchor`](crate::Options): how the head compares with it —
    /// `matches`, `ahead` (events came after the anchor), `behind` (the file is older than the
    /// anchor: a restored backup, or a rollback — re-apply the erasure ledger, then keep the new
    /// head) or `diverged` (the event at the anchor's position is another one: the log was
    /// rewritten). `None` without an anchor.
    pub audit_anchor: Option<String>,
    /// Entries in the vault's erasure ledger.
    pub erasure_ledger_entries: u64,
}

/// What an open vault holds: the engine and the feature areas' state.
pub(crate) struct Open {
    pub(crate) engine: Arc<Engine>,
    pub(crate) subjects: Subjects,
    pub(crate) tokens: Tokens,
    pub(crate) apps: Apps,
    pub(crate) shares: Shares,
    pub(crate) report: OpenReport,
}

struct Shared {
    open: RwLock<Option<Arc<Open>>>,
    flusher: Mutex<Option<Flusher>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        let _ = close_shared(self);
    }
}

/// An open vault. Cheap to clone (clones share one vault), `Send + Sync`: share it between
/// threads. Several processes may open the same file.
#[derive(Clone)]
pub struct Vault {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("closed", &self.is_closed()).finish_non_exhaustive()
    }
}

fn settings(options: &Options) -> Settings {
    Settings {
        synchronous_full: options.sqlite.synchronous == Synchronous::Full,
        busy_timeout: Duration::from_millis(options.busy_timeout_ms),
        cache_kib: options.sqlite.cache_kib,
    }
}

/// Whether a vault location is a PostgreSQL URL (`postgres://` or `postgresql://`) rather than a
/// file name.
fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// Read-only checks of an existing file before anything is written: it is a bunkerlite vault of
/// a format this version opens, it holds exactly the expected schema objects, and `key` opens it.
fn inspect(path: &Path, key: &MasterKey, settings: &Settings) -> Result<()> {
    Store::inspect_vault(path, settings, |db| {
        let meta = db
            .read_meta()?
            .ok_or_else(|| Error::new(ErrorKind::Storage, "the vault's metadata is missing or corrupt"))?;
        keyring::check(db, &meta.vault_id, key)
    })
}

impl Vault {
    /// Open the vault at `path` (a file name, never a URI), creating it unless `options.create`
    /// is false.
    ///
    /// A `path` starting with `postgres://` or `postgresql://` is a PostgreSQL server instead
    /// (with the `postgres` feature, on in the C library and the Python and Node packages): the
    /// vault's tables live in the URL's `schema` (default `bunkerlite`), shared by every process
    /// and host that opens the same URL. Besides the driver's parameters (libpq's names:
    /// `sslmode`, `connect_timeout`, `target_session_attrs`, several hosts), `sslrootcert` names
    /// a PEM file of the CAs to trust instead of the system's. See the book's "Scaling out".
    ///
    /// A wrong key fails with `WRONG_KEY` before anything is written: the files stay
    /// byte-identical. A file that is not a bunkerlite vault is `STORAGE`; one of a format this
    /// version does not open is `UNSUPPORTED`; one holding schema objects bunkerlite did not
    /// make (a trigger, a view) is `INTEGRITY`.
    pub fn open(path: impl AsRef<Path>, key: &MasterKey, options: Options) -> Result<Vault> {
        options.check()?;
        if let Some(url) = path.as_ref().to_str().filter(|p| is_postgres_url(p)) {
            return Self::open_postgres(url, key, options);
        }
        // Absolute, so that SQLite never reads a name such as `file:x.db?mode=ro` as a URI.
        let path = &std::path::absolute(path.as_ref())
            .map_err(|_| Error::invalid("the vault path is empty or cannot be made absolute"))?;
        let settings = settings(&options);
        let exists = std::fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false);
        if exists {
            inspect(path, key, &settings)?;
        } else if !options.create {
            return Err(Error::new(ErrorKind::NotFound, "the vault file does not exist"));
        }
        let store = Store::open_file(path, settings)?;
        Self::start(Box::new(store), key, options)
    }

    #[cfg(feature = "postgres")]
    fn open_postgres(url: &str, key: &MasterKey, options: Options) -> Result<Vault> {
        use crate::store::postgres::{Settings as ServerSettings, Store as ServerStore};
        let settings = ServerSettings {
            busy_timeout: Duration::from_millis(options.busy_timeout_ms),
            max_connections: options.postgres.max_connections as usize,
        };
        let store = ServerStore::connect(url, settings)?;
        let exists = store.inspect(|db| {
            let meta = db
                .read_meta()?
                .ok_or_else(|| Error::new(ErrorKind::Storage, "the vault's metadata is missing or corrupt"))?;
            keyring::check(db, &meta.vault_id, key)
        })?;
        if !exists && !options.create {
            return Err(Error::new(ErrorKind::NotFound, "the PostgreSQL schema holds no vault"));
        }
        Self::start(Box::new(store), key, options)
    }

    #[cfg(not(feature = "postgres"))]
    fn open_postgres(_url: &str, _key: &MasterKey, _options: Options) -> Result<Vault> {
        Err(Error::new(
            ErrorKind::Unsupported,
            "this build has no PostgreSQL backend (the bunkerlite crate's `postgres` feature)",
        ))
    }

    /// A private vault in memory, gone when closed. For tests and ephemeral use.
    pub fn open_in_memory(key: &MasterKey, options: Options) -> Result<Vault> {
        options.check()?;
        let store = Store::open_memory(settings(&options))?;
        Self::start(Box::new(store), key, options)
    }

    fn start(store: Box<dyn Backend>, key: &MasterKey, options: Options) -> Result<Vault> {
        // Checked before anything is written; the canonical code (upper case) is what is pinned.
        let requested = options
            .default_region
            .as_deref()
            .map(|code| normalize::parse_region(code).map(|_| code.trim().to_ascii_uppercase()))
            .transpose()?;
        Subjects::configure(None, &options.indexed_fields)?;
        let clock = match options.manual_clock_ms {
            Some(ms) if !options.clock.is_manual() => crate::clock::Clock::manual(ms),
            _ => options.clock.clone(),
        };
        let now = clock.now_ms();
        // One `BEGIN IMMEDIATE` transaction: two processes creating the same file end with one vault.
        let mut opened = None;
        store.write_migrated(&mut |tx, from| {
            let (keys, configured) = match tx.read_meta()? {
                Some(meta) => {
                    let keys = Keyring::open(tx, meta.vault_id, key, now)?;
                    let (configured, _) = Subjects::configure(Some(&meta.indexed_fields), &options.indexed_fields)?;
                    (keys, configured)
                }
                None => {
                    let mut vault_id = [0u8; 16];
                    random_fill(&mut vault_id)?;
                    let (configured, indexed_fields) = Subjects::configure(None, &options.indexed_fields)?;
                    tx.insert_meta(&MetaRow { vault_id, created_ms: now, indexed_fields })?;
                    (Keyring::create(tx, vault_id, key, now)?, configured)
                }
            };
            crate::upgrade::finish(tx, &keys, from)?;
            let region = pin_region(tx, requested.as_deref())?;
            opened = Some((keys, configured, region));
            Ok(())
        })?;
        let (keys, configured, region) =
            opened.ok_or_else(|| Error::internal("the backend finished opening without running it"))?;
        let subjects = Subjects::new(&keys, configured, region, options.audit_details);
        let tokens = Tokens::new(&keys, region);
        let apps = Apps::new(options.audit_details);
        let shares = Shares::new(options.share_max_ttl_ms);
        let gate = Box::new(crate::consent::policy::Policy::new(options.require_purpose));
        let engine = Arc::new(Engine::new(store, keys, clock, &options, gate));
        // A WAL left by a process that ended without closing (and so maybe holding pages of
        // subjects erased inside an erasure window, or while a reader blocked the truncation) is
        // checkpointed and truncated now. Another process's open read may keep it from finishing;
        // the next checkpoint does it then.
        engine.scrub_residue()?;
        // The background thread commits buffered read events and does coalesced WAL
        // truncations: it wakes every audit interval, or (reads audited synchronously) often
        // enough for the erasure window.
        let tick = match (options.audit_flush_interval_ms, options.erasure_wal_window_ms) {
            (0, 0) => None,
            (0, window) => Some(window.min(100)),
            (interval, 0) => Some(interval),
            (interval, window) => Some(interval.min(window)),
        };
        let flusher = match tick {
            Some(ms) => Some(Flusher::spawn(Arc::downgrade(&engine), Duration::from_millis(ms))?),
            None => None,
        };
        let report = OpenReport {
            audit_head: crate::audit_log::head(&engine)?,
            audit_anchor: options
                .audit_anchor
                .as_ref()
                .map(|anchor| crate::audit_log::anchor_state(&engine, anchor))
                .transpose()?
                .map(str::to_owned),
            erasure_ledger_entries: crate::ledger::count(&engine)?,
        };
        let open = Arc::new(Open { engine, subjects, tokens, apps, shares, report });
        Ok(Vault { shared: Arc::new(Shared { open: RwLock::new(Some(open)), flusher: Mutex::new(flusher) }) })
    }

    /// Close the vault: write buffered audit events, checkpoint and remove the WAL, wipe the keys.
    /// Later calls on this vault (or its clones) fail with `CLOSED`; closing twice is a no-op.
    pub fn close(&self) -> Result<()> {
        close_shared(&self.shared)
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.shared.open.read().map(|g| g.is_none()).unwrap_or(true)
    }

    /// The open vault's state (what every area's operations work on), or `CLOSED`.
    pub(crate) fn state(&self) -> Result<Arc<Open>> {
        let guard = self.shared.open.read().unwrap_or_else(|p| p.into_inner());
        guard.clone().ok_or_else(|| Error::new(ErrorKind::Closed, "the vault is closed"))
    }
}

#[cfg(feature = "testing")]
impl Vault {
    /// See `testing::store_profile_unindexed`.
    pub(crate) fn testing_store_unindexed(&self, token: &str, profile: serde_json::Value) -> Result<()> {
        let open = self.state()?;
        open.subjects.store_unindexed(&open.engine, token, profile)
    }
}

/// The default phone region of the vault. A national number's blind index depends on the region
/// it was read with, so the first region given is recorded in the vault and used from then on:
/// opening without one uses it, opening with another is `INVALID_INPUT`. (A vault that never had
/// one holds only international numbers, which no region changes, so a first region can be given
/// at any later open.)
fn pin_region(tx: &Tx<'_>, requested: Option<&str>) -> Result<Option<normalize::Region>> {
    let code = match (tx.default_region()?, requested) {
        (Some(stored), Some(asked)) if stored != asked => {
            return Err(Error::invalid(format!(
                "the vault's phone numbers were indexed with default_region {stored}; open it with that region or none"
            )));
        }
        (Some(stored), _) => Some(stored),
        (None, Some(asked)) => {
            tx.set_default_region(asked)?;
            Some(asked.to_owned())
        }
        (None, None) => None,
    };
    code.as_deref().map(normalize::parse_region).transpose()
}

fn close_shared(shared: &Shared) -> Result<()> {
    let open = shared.open.write().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(flusher) = shared.flusher.lock().unwrap_or_else(|p| p.into_inner()).take() {
        flusher.stop();
    }
    let Some(open) = open else { return Ok(()) };
    let engine = &open.engine;
    engine.flush_audit()?;
    engine.release_readers();
    engine.scrub_residue()?;
    Ok(())
}
