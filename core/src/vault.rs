//! `Vault`: opening and creating a vault file (key check before any write), its options, the key
//! ring loaded at open, the lifecycle (close, use after close), and the audited read and write
//! paths every feature area goes through.

use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use phonenumber::country::Id as Region;
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::audit::{self, Buffer, Event};
use crate::crypto::aead::{self, associated_data};
use crate::crypto::index::field_key;
use crate::crypto::keys::{label, MasterKey, SecretKey};
use crate::document::Limits;
use crate::error::{Error, ErrorKind, Result};
use crate::normalize::{self, Rule};
use crate::store::{self, schema, Settings, Store};

/// The identity fields every vault indexes (unique per vault).
pub const IDENTITY_FIELDS: [&str; 3] = ["email", "phone", "login"];

/// The actor bindings use when the caller names none.
pub const DEFAULT_ACTOR: &str = "app";

/// How durable a commit is before the call returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    /// fsync on every commit: an acknowledged write survives power loss (the default).
    #[default]
    Full,
    /// fsync at checkpoints only: an acknowledged write survives a process crash, and may be lost
    /// on power loss.
    Normal,
}

/// Options for [`Vault::open`]. Every field has a default; from JSON, unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Create the vault file when it does not exist (default `true`); otherwise `NOT_FOUND`.
    pub create: bool,
    /// Commit durability (default `full`).
    pub synchronous: Synchronous,
    /// How long a call waits for another connection's write lock before `BUSY`.
    pub busy_timeout_ms: u64,
    /// SQLite page cache per connection, in KiB (the writer and each pooled reader has one).
    pub cache_kib: u32,
    /// ISO 3166 region for phone numbers written without `+` (e.g. `"DE"`); none by default, so
    /// such numbers are refused.
    pub default_region: Option<String>,
    /// Extra unique, indexed top-level profile fields (beyond email, phone, login), fixed when
    /// the vault is created. Names match `^[a-z][a-z0-9_]{0,63}$`.
    pub indexed_fields: Vec<String>,
    /// Read events are group-committed at most this many milliseconds after the read; `0` writes
    /// each read's event in its own transaction before the read returns.
    pub audit_flush_interval_ms: u64,
    /// Read events held in memory at most; reaching it flushes in the calling thread.
    pub audit_max_pending: usize,
    /// Input limits.
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            create: true,
            synchronous: Synchronous::Full,
            busy_timeout_ms: 10_000,
            cache_kib: 16 * 1024,
            default_region: None,
            indexed_fields: Vec::new(),
            audit_flush_interval_ms: 100,
            audit_max_pending: 16_384,
            limits: Limits::default(),
        }
    }
}

impl Options {
    /// Options from a JSON object (as C, Python and Node pass them); unknown keys are refused.
    pub fn from_json(value: serde_json::Value) -> Result<Options> {
        if value.is_null() {
            return Ok(Options::default());
        }
        serde_json::from_value(value).map_err(|e| Error::invalid(format!("invalid options: {e}")))
    }
}

/// The result of [`Vault::compact`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompactReport {
    /// Size of the database file before, in bytes.
    pub bytes_before: u64,
    /// Size of the database file after, in bytes.
    pub bytes_after: u64,
    /// The WAL was checkpointed and truncated afterwards (false when another process held a
    /// read open; the next checkpoint completes it).
    pub wal_truncated: bool,
}

/// An indexed field with its normalisation rule and blind-index key.
pub(crate) struct IndexedField {
    pub(crate) name: String,
    pub(crate) rule: Rule,
    pub(crate) key: SecretKey,
}

/// The key ring, unwrapped at open and wiped when the vault closes.
pub(crate) struct Keys {
    pub(crate) vault_id: [u8; 16],
    pub(crate) kek: SecretKey,
    pub(crate) kek_id: u32,
    pub(crate) audit: SecretKey,
}

/// Everything an open vault holds. Dropped (keys wiped, connections closed) when the vault is
/// closed and no call is still running.
pub(crate) struct Engine {
    pub(crate) store: Store,
    pub(crate) keys: Keys,
    pub(crate) fields: Vec<IndexedField>,
    pub(crate) region: Option<Region>,
    pub(crate) limits: Limits,
    pub(crate) audit: Buffer,
}

impl Drop for Engine {
    fn drop(&mut self) {
        // Best effort: a read event still buffered is written before the connections close.
        let _ = self.flush_audit();
        self.store.drop_readers();
    }
}

struct Shared {
    engine: RwLock<Option<Arc<Engine>>>,
    flusher: Mutex<Option<(mpsc::Sender<()>, JoinHandle<()>)>>,
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

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Check an actor name: 1–64 characters of `A-Z a-z 0-9 . _ : @ / -`. Actors are stored in
/// clear in the audit log, so they name roles and operators, never data subjects' data.
pub(crate) fn check_actor(actor: &str) -> Result<Arc<str>> {
    let ok = !actor.is_empty()
        && actor.len() <= 64
        && actor.bytes().all(|b| b.is_ascii_alphanumeric() || b".:_@/-".contains(&b));
    if ok {
        Ok(Arc::from(actor))
    } else {
        Err(Error::invalid("actor must be 1-64 characters of A-Z a-z 0-9 . _ : @ / -"))
    }
}

fn check_field_name(name: &str) -> Result<()> {
    let mut bytes = name.bytes();
    let ok = name.len() <= 64
        && bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(Error::invalid("indexed field names must match ^[a-z][a-z0-9_]{0,63}$"));
    }
    if IDENTITY_FIELDS.contains(&name) || name == "token" {
        return Err(Error::invalid(format!("'{name}' is always indexed and cannot be configured")));
    }
    Ok(())
}

impl Vault {
    /// Open the vault at `path`, creating it (unless `options.create` is false).
    ///
    /// A wrong key fails with `WRONG_KEY` before anything is written: the files stay
    /// byte-identical. A file that is not a bunkerlite vault is `STORAGE`; one written by a newer
    /// version is `UNSUPPORTED`.
    pub fn open(path: impl AsRef<Path>, key: &MasterKey, options: Options) -> Result<Vault> {
        let path = path.as_ref();
        let settings = settings(&options);
        let exists = std::fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false);
        if exists {
            let conn = store::open_read_only(path, &settings)?;
            preflight(&conn, key)?;
        } else if !options.create {
            return Err(Error::new(ErrorKind::NotFound, "the vault file does not exist"));
        }
        let store = Store::open_file(path, settings)?;
        Self::start(store, key, options)
    }

    /// A private vault in memory, gone when closed. For tests and ephemeral use.
    pub fn open_in_memory(key: &MasterKey, options: Options) -> Result<Vault> {
        let store = Store::open_memory(settings(&options))?;
        Self::start(store, key, options)
    }

    fn start(store: Store, key: &MasterKey, options: Options) -> Result<Vault> {
        let region = options.default_region.as_deref().map(normalize::parse_region).transpose()?;
        for f in &options.indexed_fields {
            check_field_name(f)?;
        }
        let (keys, index_root, configured) = store.write(|tx| init_or_load(tx, key, &options))?;
        let fields = IDENTITY_FIELDS
            .iter()
            .map(|s| s.to_string())
            .chain(configured)
            .map(|name| IndexedField {
                rule: Rule::for_field(&name),
                key: field_key(&index_root, &keys.vault_id, &name),
                name,
            })
            .collect();
        let engine = Arc::new(Engine {
            store,
            keys,
            fields,
            region,
            limits: options.limits.clone(),
            audit: Buffer::new(options.audit_flush_interval_ms == 0, options.audit_max_pending.max(1)),
        });
        let flusher = if options.audit_flush_interval_ms > 0 {
            Some(audit::spawn_flusher(Arc::downgrade(&engine), Duration::from_millis(options.audit_flush_interval_ms))?)
        } else {
            None
        };
        Ok(Vault { shared: Arc::new(Shared { engine: RwLock::new(Some(engine)), flusher: Mutex::new(flusher) }) })
    }

    /// Close the vault: write buffered audit events, checkpoint and remove the WAL, wipe the keys.
    /// Later calls on this vault (or its clones) fail with `CLOSED`; closing twice is a no-op.
    pub fn close(&self) -> Result<()> {
        close_shared(&self.shared)
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.shared.engine.read().map(|g| g.is_none()).unwrap_or(true)
    }

    /// Rewrite the vault file so that nothing of erased subjects survives anywhere in it: SQLite
    /// zeroes deleted rows, but B-tree rebalancing can leave stale copies of rows it moved earlier
    /// in free page space; compaction (`VACUUM`, then a WAL truncation) writes every page afresh
    /// from live rows. Takes time proportional to the vault's size and holds the write lock
    /// meanwhile: run it after erasures, e.g. nightly. Audited as `vault.compact`.
    pub fn compact(&self, actor: &str) -> Result<CompactReport> {
        let engine = self.engine()?;
        engine.audited_write(actor, "vault.compact", None, |_| {
            Ok(((), vec![crate::audit::Event::new("vault.compact", None)]))
        })?;
        let (bytes_before, bytes_after, wal_truncated) = engine.store.vacuum()?;
        Ok(CompactReport { bytes_before, bytes_after, wal_truncated })
    }

    /// Parse JSON text (from C, or any caller holding text) under this vault's limits: oversized
    /// text is refused before it is parsed.
    pub fn parse_document(&self, text: &str) -> Result<serde_json::Value> {
        self.engine()?.limits.parse(text)
    }

    pub(crate) fn engine(&self) -> Result<Arc<Engine>> {
        let guard = self.shared.engine.read().unwrap_or_else(|p| p.into_inner());
        guard.clone().ok_or_else(|| Error::new(ErrorKind::Closed, "the vault is closed"))
    }
}

fn close_shared(shared: &Shared) -> Result<()> {
    let engine = shared.engine.write().unwrap_or_else(|p| p.into_inner()).take();
    if let Some((stop, handle)) = shared.flusher.lock().unwrap_or_else(|p| p.into_inner()).take() {
        drop(stop);
        let _ = handle.join();
    }
    let Some(engine) = engine else { return Ok(()) };
    engine.flush_audit()?;
    engine.store.drop_readers();
    engine.store.checkpoint_truncate()?;
    Ok(())
}

fn settings(options: &Options) -> Settings {
    Settings {
        synchronous_full: options.synchronous == Synchronous::Full,
        busy_timeout: Duration::from_millis(options.busy_timeout_ms),
        cache_kib: options.cache_kib,
    }
}

/// Read-only checks of an existing file before anything is written: it is a bunkerlite vault of
/// a known version, and `key` is its key.
fn preflight(conn: &Connection, key: &MasterKey) -> Result<()> {
    let app_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if app_id == 0 && version == 0 {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if tables == 0 {
            return Ok(()); // an empty database: it becomes a vault
        }
    }
    if app_id != schema::APPLICATION_ID {
        return Err(Error::new(ErrorKind::Storage, "the file is not a bunkerlite vault"));
    }
    schema::check_version(version)?;
    verify_key(conn, key).map(|_| ())
}

fn meta<T: rusqlite::types::FromSql>(conn: &Connection, name: &str) -> Result<Option<T>> {
    Ok(conn.query_row("SELECT value FROM meta WHERE name = ?1", [name], |r| r.get(0)).optional()?)
}

fn key_check_value(key: &MasterKey, vault_id: &[u8; 16]) -> SecretKey {
    key.secret().derive(vault_id, label::KEY_CHECK)
}

/// Compare the stored key-check value with the one derived from `key`, in constant time.
fn verify_key(conn: &Connection, key: &MasterKey) -> Result<[u8; 16]> {
    let corrupt = || Error::new(ErrorKind::Storage, "the vault's metadata is missing or corrupt");
    let vault_id: Vec<u8> = meta(conn, "vault_id")?.ok_or_else(corrupt)?;
    let stored: Vec<u8> = meta(conn, "key_check")?.ok_or_else(corrupt)?;
    let vault_id: [u8; 16] = vault_id.try_into().map_err(|_| corrupt())?;
    let expected = key_check_value(key, &vault_id);
    if !bool::from(expected.bytes().as_slice().ct_eq(&stored)) {
        return Err(Error::new(ErrorKind::WrongKey, "the master key does not open this vault"));
    }
    Ok(vault_id)
}

const KEY_PURPOSES: [&str; 2] = ["index-root", "audit-mac"];

/// Create the vault's metadata and keys on first open, or check the key and migrate; then load
/// the key ring. Runs in one `BEGIN IMMEDIATE` transaction, so two processes creating the same
/// file at once end with one vault.
fn init_or_load(tx: &Transaction<'_>, key: &MasterKey, options: &Options) -> Result<(Keys, SecretKey, Vec<String>)> {
    let has_meta: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta')", [], |r| {
            r.get(0)
        })?;
    let kek_id = 1u32;
    let vault_id = if has_meta {
        let vault_id = verify_key(tx, key)?;
        schema::migrate(tx)?;
        vault_id
    } else {
        schema::migrate(tx)?;
        let mut vault_id = [0u8; 16];
        crate::crypto::random_fill(&mut vault_id)?;
        let fields = serde_json::to_vec(&options.indexed_fields).expect("a list of strings serialises");
        let insert = "INSERT INTO meta (name, value) VALUES (?1, ?2)";
        tx.execute(insert, rusqlite::params!["vault_id", vault_id.as_slice()])?;
        tx.execute(insert, rusqlite::params!["key_check", key_check_value(key, &vault_id).bytes().as_slice()])?;
        tx.execute(insert, rusqlite::params!["indexed_fields", fields])?;
        tx.execute(insert, rusqlite::params!["created_ms", now_ms()])?;
        let kek = key.secret().derive(&vault_id, label::KEK);
        for purpose in KEY_PURPOSES {
            let fresh = crate::crypto::random_key()?;
            let ad = associated_data(&vault_id, "keys", "wrapped", purpose.as_bytes());
            let wrapped = aead::seal(&kek, kek_id, &ad, fresh.bytes())?;
            tx.execute(
                "INSERT INTO keys (purpose, kek_id, wrapped, created_ms) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![purpose, kek_id, wrapped, now_ms()],
            )?;
        }
        vault_id
    };
    let kek = key.secret().derive(&vault_id, label::KEK);
    let fields: Vec<u8> = meta(tx, "indexed_fields")?.unwrap_or_default();
    let configured: Vec<String> = serde_json::from_slice(&fields)
        .map_err(|_| Error::new(ErrorKind::Storage, "the vault's metadata is missing or corrupt"))?;
    if !options.indexed_fields.is_empty() && options.indexed_fields != configured {
        return Err(Error::invalid(format!(
            "the vault was created with indexed_fields {configured:?}; open it with the same list or none"
        )));
    }
    let unwrap = |purpose: &str| -> Result<SecretKey> {
        let wrapped: Vec<u8> = tx
            .query_row("SELECT wrapped FROM keys WHERE purpose = ?1", [purpose], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::new(ErrorKind::Storage, "a vault key is missing"))?;
        let ad = associated_data(&vault_id, "keys", "wrapped", purpose.as_bytes());
        let plain = aead::open(&kek, &ad, &wrapped)?;
        SecretKey::from_slice(&plain).ok_or_else(|| Error::integrity("a vault key has the wrong length"))
    };
    let index_root = unwrap("index-root")?;
    let audit = unwrap("audit-mac")?;
    Ok((Keys { vault_id, kek, kek_id, audit }, index_root, configured))
}

impl Engine {
    /// The indexed field called `name`.
    pub(crate) fn field(&self, name: &str) -> Result<&IndexedField> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| Error::invalid(format!("field '{name}' is not indexed in this vault")))
    }

    /// A write: `f` runs in one `BEGIN IMMEDIATE` transaction and returns its result with the
    /// audit events of its effect; buffered read events and those events are appended in the
    /// same transaction, so the effect and its audit commit together. A failure is audited
    /// (group-committed) with its error code.
    pub(crate) fn audited_write<T>(
        &self,
        actor: &str,
        action: &'static str,
        subject_hint: Option<[u8; 16]>,
        f: impl FnOnce(&Transaction<'_>) -> Result<(T, Vec<Event>)>,
    ) -> Result<T> {
        let actor = &check_actor(actor)?;
        let pending = self.audit.take();
        let result = self.store.write(|tx| {
            let (out, events) = f(tx)?;
            let time_ms = now_ms();
            let done = events.into_iter().map(|e| e.into_pending(actor, time_ms, "ok"));
            audit::append(tx, &self.keys, pending.iter().cloned().chain(done))?;
            Ok(out)
        });
        match result {
            Ok(out) => Ok(out),
            Err(err) => {
                self.audit.restore(pending);
                let failed = Event::new(action, subject_hint).into_pending(actor, now_ms(), err.code());
                self.record(failed)?;
                Err(err)
            }
        }
    }

    /// A read: `f` runs on a reader connection and returns its result with the subjects it read;
    /// one event per subject (or one failure event) is recorded.
    pub(crate) fn audited_read<T>(
        &self,
        actor: &str,
        action: &'static str,
        subject_hint: Option<[u8; 16]>,
        f: impl FnOnce(&Connection) -> Result<(T, Vec<Event>)>,
    ) -> Result<T> {
        let actor = &check_actor(actor)?;
        match self.store.read(f) {
            Ok((out, events)) => {
                let time_ms = now_ms();
                for e in events {
                    self.record(e.into_pending(actor, time_ms, "ok"))?;
                }
                Ok(out)
            }
            Err(err) => {
                self.record(Event::new(action, subject_hint).into_pending(actor, now_ms(), err.code()))?;
                Err(err)
            }
        }
    }
}
