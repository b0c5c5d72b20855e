//! The PostgreSQL backend: a vault shared by application processes on several hosts. The server
//! sees only what the SQLite file holds — ciphertext, keyed hashes, random tokens, timestamps and
//! the audit chain —: sealing, blind indexes, the purpose check and the audit MAC stay in each
//! process.
//!
//! Concurrency comes from the database: every write transaction starts by locking the one row of
//! `chain_lock` (`SELECT … FOR UPDATE`), so writes — and with them the audit chain's appends —
//! run one after another across every process, as SQLite's `BEGIN IMMEDIATE` makes them on one
//! machine; uniqueness comes from PRIMARY KEY / UNIQUE constraints (`ON CONFLICT DO NOTHING`,
//! never a check-then-insert); writes run at READ COMMITTED after the lock, so each statement
//! sees every write committed before the lock was granted. A serialisation failure or a deadlock
//! (40001, 40P01), and a connection lost before the commit was sent, are retried with a bounded,
//! jittered backoff; a commit whose answer was lost is `BUSY` (its outcome is unknown), never
//! run twice. Reads run on pooled connections, one statement each or inside a REPEATABLE READ
//! READ ONLY transaction (a snapshot). Nothing is cached across transactions here: what the
//! vault caches (the consent catalogue) is checked against a generation row read from the
//! database.
//!
//! The location is a URL: `postgres://user@host:port/database?schema=name&sslmode=require&sslrootcert=ca.pem`.
//! `schema` (bunkerlite's; default `bunkerlite`) is the PostgreSQL schema the vault's tables live in,
//! so one database can hold several vaults; `sslrootcert` (bunkerlite's) a PEM file of the CAs to
//! trust instead of the system's; everything else is the driver's (libpq's names).

mod apps;
mod audit;
mod consent;
mod errors;
mod keys;
mod ledger;
mod meta;
mod requests;
mod schedules;
pub(crate) mod schema;
mod sessions;
mod shares;
mod subjects;
mod tokens;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use postgres::types::ToSql;
use postgres::{Client, Row, Statement};

use super::{fixed, mac_or_none, Backend, Compacted, StorageReport};
use crate::error::{Error, ErrorKind, Result};
use crate::store::{Db as DbHandle, Tx as TxHandle};

/// Attempts of a transaction the server aborted for a conflict, or whose connection was lost
/// before its commit was sent.
const ATTEMPTS: u32 = 8;
/// Rows fetched per statement when a walk hands rows to a callback (so the callback may use
/// the handle, and a large table is never held in memory at once).
const WALK_PAGE: i64 = 2_000;

/// Connection settings from the vault options.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// How long a statement may wait for a lock (the write lock among them), and a call for a
    /// free connection, before `BUSY`.
    pub(crate) busy_timeout: Duration,
    /// The most connections held at once.
    pub(crate) max_connections: usize,
}

/// A pooled connection and its prepared statements.
struct Conn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
    /// When it was last given back: a connection idle for long is checked before use (the
    /// server may have restarted or failed over since).
    idle_since: Instant,
}

/// How long a pooled connection may sit idle before it is checked (one empty round trip).
const CHECK_IDLE_AFTER: Duration = Duration::from_secs(1);

/// A read handle or a write transaction on one connection. `conflict` records that the server
/// aborted the transaction for a serialisation failure or a deadlock, `lost` that the connection
/// is gone: the transaction is run again on a fresh connection.
pub(crate) struct Db<'c> {
    conn: RefCell<&'c mut Conn>,
    conflict: Cell<bool>,
    lost: Cell<bool>,
    /// Creating the schema: another process creating the same objects is a conflict too.
    migrating: Cell<bool>,
    /// The engine's work was handed the handle: it runs once (it takes the buffered audit
    /// events), so from here a failure is returned, never retried.
    started: Cell<bool>,
    /// In a write transaction, what was read in the round trip that took the write lock: the
    /// catalogue generation and the audit chain's head. Nobody else changes them while the lock
    /// is held; this transaction's own change of either forgets it (the next read asks).
    pub(super) prefetched: Prefetched,
}

/// Values read with the write lock (see [`Db::prefetched`]); `None` when not read (or forgotten).
#[derive(Default)]
pub(super) struct Prefetched {
    pub(super) generation: Cell<Option<i64>>,
    pub(super) head: Cell<Option<Head>>,
}

/// The audit chain's head: the last event's sequence number and MAC (`None`: an empty chain).
pub(super) type Head = Option<(u64, [u8; 32])>;

/// A write transaction: the same handle, inside `BEGIN … COMMIT` with the write lock held.
pub(crate) type Tx<'c> = Db<'c>;

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl<'c> Db<'c> {
    fn on(conn: &'c mut Conn) -> Db<'c> {
        Db {
            conn: RefCell::new(conn),
            conflict: Cell::new(false),
            lost: Cell::new(false),
            migrating: Cell::new(false),
            started: Cell::new(false),
            prefetched: Prefetched::default(),
        }
    }

    /// Note what an error means for a retry, and turn it into the vault's kind.
    fn failed(&self, e: postgres::Error) -> Error {
        if errors::is_conflict_abort(&e) || (self.migrating.get() && errors::is_concurrent_create(&e)) {
            self.conflict.set(true);
        }
        if e.is_closed() || self.conn.borrow().client.is_closed() {
            self.lost.set(true);
        }
        Error::from(e)
    }

    fn statement(&self, sql: &'static str) -> Result<Statement> {
        let mut conn = self.conn.borrow_mut();
        if let Some(s) = conn.statements.get(sql) {
            return Ok(s.clone());
        }
        let prepared = conn.client.prepare(sql);
        drop(conn);
        let s = prepared.map_err(|e| self.failed(e))?;
        self.conn.borrow_mut().statements.insert(sql, s.clone());
        Ok(s)
    }

    /// Every row `sql` selects.
    fn rows(&self, sql: &'static str, params: Params<'_>) -> Result<Vec<Row>> {
        let s = self.statement(sql)?;
        let out = self.conn.borrow_mut().client.query(&s, params);
        out.map_err(|e| self.failed(e))
    }

    /// The row `sql` selects, if any.
    fn row(&self, sql: &'static str, params: Params<'_>) -> Result<Option<Row>> {
        let s = self.statement(sql)?;
        let out = self.conn.borrow_mut().client.query_opt(&s, params);
        out.map_err(|e| self.failed(e))
    }

    /// Every row `sql` selects, each read by `f`.
    fn all<T>(&self, sql: &'static str, params: Params<'_>, f: impl Fn(&Row) -> Result<T>) -> Result<Vec<T>> {
        self.rows(sql, params)?.iter().map(f).collect()
    }

    /// The row `sql` selects, if any, read by `f`.
    fn maybe<T>(&self, sql: &'static str, params: Params<'_>, f: impl FnOnce(&Row) -> Result<T>) -> Result<Option<T>> {
        self.row(sql, params)?.as_ref().map(f).transpose()
    }

    /// The one row `sql` selects.
    fn one(&self, sql: &'static str, params: Params<'_>) -> Result<Row> {
        self.row(sql, params)?.ok_or_else(|| Error::internal("a statement that selects one row selected none"))
    }

    /// Run `sql`; how many rows it changed.
    fn exec(&self, sql: &'static str, params: Params<'_>) -> Result<u64> {
        let s = self.statement(sql)?;
        let out = self.conn.borrow_mut().client.execute(&s, params);
        out.map_err(|e| self.failed(e))
    }

    /// Begin a write transaction, take the write lock, and read the catalogue generation and the
    /// audit chain's head, in one round trip (a simple query of four statements; values as text).
    fn begin_locked(&self) -> Result<()> {
        use postgres::SimpleQueryMessage;
        let out = self.conn.borrow_mut().client.simple_query(
            "BEGIN ISOLATION LEVEL READ COMMITTED;
             SELECT 1 FROM chain_lock WHERE id = 1 FOR UPDATE;
             SELECT num FROM meta WHERE name = 'consent_generation';
             SELECT seq, encode(mac, 'hex') FROM audit ORDER BY seq DESC LIMIT 1",
        );
        let messages = out.map_err(|e| self.failed(e))?;
        let (mut statement, mut generation, mut head) = (0, None, None);
        let bad = || Error::integrity("a value read with the write lock is malformed");
        for m in &messages {
            match m {
                SimpleQueryMessage::CommandComplete(_) => statement += 1,
                SimpleQueryMessage::Row(row) if statement == 2 => {
                    generation = row.get(0).map(|v| v.parse::<i64>().map_err(|_| bad())).transpose()?;
                }
                SimpleQueryMessage::Row(row) if statement == 3 => {
                    let seq = row.get(0).ok_or_else(bad)?.parse::<u64>().map_err(|_| bad())?;
                    let mac = hex::decode(row.get(1).ok_or_else(bad)?).map_err(|_| bad())?;
                    head = Some((seq, fixed(mac, "audit MAC")?));
                }
                _ => {}
            }
        }
        if statement != 4 {
            return Err(Error::internal("the write lock's round trip did not run its four statements"));
        }
        self.prefetched.generation.set(Some(generation.unwrap_or(0)));
        self.prefetched.head.set(Some(head));
        Ok(())
    }

    /// Run statements without parameters (transaction control, DDL).
    fn batch(&self, sql: &str) -> Result<()> {
        let out = self.conn.borrow_mut().client.batch_execute(sql);
        out.map_err(|e| self.failed(e))
    }
}

/// Column `i` of `row`, as `T`; a type the schema does not give is `INTEGRITY`.
fn get<'r, T: postgres::types::FromSql<'r>>(row: &'r Row, i: usize) -> Result<T> {
    row.try_get(i).map_err(|_| Error::integrity("a stored value has an unexpected type"))
}

/// A count or page size as the `bigint` a statement binds (saturating).
fn limit(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Where the vault lives: the driver's configuration, bunkerlite's schema, and how TLS checks the
/// server.
struct Target {
    config: postgres::Config,
    schema: String,
    tls: tokio_postgres_rustls::MakeRustlsConnect,
}

impl Target {
    fn parse(url: &str) -> Result<Target> {
        // bunkerlite's own parameters are taken out before the driver reads the rest. (Errors never
        // repeat the URL: it may carry a password.)
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut schema = "bunkerlite".to_owned();
        let mut ca_file = None;
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("schema", v)) => schema = percent_decode(v)?,
                Some(("sslrootcert", v)) => ca_file = Some(percent_decode(v)?),
                _ => rest.push(pair),
            }
        }
        if !valid_schema(&schema) {
            return Err(Error::invalid(
                "the URL's schema must be 1 to 63 lower-case letters, digits or underscores, starting with a letter or underscore",
            ));
        }
        let driver_url = if rest.is_empty() { base.to_owned() } else { format!("{base}?{}", rest.join("&")) };
        let mut config = postgres::Config::from_str(&driver_url)
            .map_err(|_| Error::invalid("the PostgreSQL URL is malformed (postgres://user@host:port/database?…)"))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("bunkerlite");
        }
        Ok(Target { config, schema, tls: tls(ca_file.as_deref())? })
    }
}

/// `%XX` escapes of a URL parameter decoded.
fn percent_decode(v: &str) -> Result<String> {
    let bad = || Error::invalid("a parameter of the PostgreSQL URL has a malformed escape");
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = v.get(i + 1..i + 3).ok_or_else(bad)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}

fn valid_schema(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && (b[0].is_ascii_lowercase() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

/// TLS through rustls: the server's certificate is verified against `ca_file`'s certificates, or
/// the system's roots when none is named. (`sslmode` decides whether TLS is used: `disable`,
/// `prefer` — the driver's default — or `require`.)
fn tls(ca_file: Option<&str>) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let certs = rustls_pki_types::CertificateDer::pem_file_iter(path)
                .map_err(|_| Error::new(ErrorKind::Storage, "the sslrootcert file cannot be read"))?;
            for cert in certs {
                let cert = cert.map_err(|_| Error::invalid("the sslrootcert file holds a malformed certificate"))?;
                roots.add(cert).map_err(|_| Error::invalid("the sslrootcert file holds an unusable certificate"))?;
            }
        }
        None => {
            // Certificates the platform store holds but rustls cannot use are skipped.
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
        }
    }
    // ring, not aws-lc-rs: it builds with a plain C compiler for every target the packages are
    // made for (manylinux2014 through zig included). rustls marks it deprecated because ring has
    // no post-quantum key exchange; the connection is classical TLS 1.2/1.3 (noted in the book).
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| Error::internal("TLS could not be configured"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// The database: where it is, and the pool — idle connections, and how many exist.
pub(crate) struct Store {
    target: Target,
    settings: Settings,
    idle: Mutex<Pool>,
    /// Signalled when a connection is given back (or dropped).
    freed: Condvar,
}

struct Pool {
    idle: Vec<Conn>,
    /// Connections that exist now, idle or in use.
    open: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Store {
    /// Connect to the vault at `url`: `Ok(None)`-like answers are the caller's (see
    /// [`exists`](Self::exists)); here only that the server answers.
    pub(crate) fn connect(url: &str, settings: Settings) -> Result<Store> {
        let store = Store {
            target: Target::parse(url)?,
            settings,
            idle: Mutex::new(Pool { idle: Vec::new(), open: 0 }),
            freed: Condvar::new(),
        };
        let conn = store.take()?;
        store.give_back(conn);
        Ok(store)
    }

    fn new_conn(&self) -> Result<Conn> {
        let client = self.target.config.connect(self.target.tls.clone()).map_err(errors::connect_error)?;
        let mut conn = Conn { client, statements: HashMap::new(), idle_since: Instant::now() };
        let lock_ms = self.settings.busy_timeout.as_millis().clamp(1, i32::MAX as u128);
        // The schema name was checked (lower-case letters, digits, underscores).
        let setup = format!(
            "SET search_path TO \"{}\"; SET lock_timeout = {lock_ms}; SET idle_in_transaction_session_timeout = 0",
            self.target.schema
        );
        Db::on(&mut conn).batch(&setup)?;
        Ok(conn)
    }

    /// A connection: an idle one (checked first when it sat idle for a while), a new one while
    /// fewer than `max_connections` exist, or the next one given back — waiting up to the busy
    /// timeout, then `BUSY`.
    fn take(&self) -> Result<Conn> {
        let deadline = Instant::now() + self.settings.busy_timeout;
        let mut pool = lock(&self.idle);
        loop {
            if let Some(mut conn) = pool.idle.pop() {
                drop(pool);
                let alive = !conn.client.is_closed()
                    && (conn.idle_since.elapsed() < CHECK_IDLE_AFTER || conn.client.batch_execute("").is_ok());
                if alive {
                    return Ok(conn);
                }
                pool = lock(&self.idle);
                pool.open -= 1;
                continue;
            }
            if pool.open < self.settings.max_connections.max(1) {
                pool.open += 1;
                drop(pool);
                let made = self.new_conn();
                if made.is_err() {
                    lock(&self.idle).open -= 1;
                    self.freed.notify_one();
                }
                return made;
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::new(
                    ErrorKind::Busy,
                    "every connection of the vault's pool stayed in use longer than the busy timeout (postgres.max_connections)",
                ));
            }
            pool = self.freed.wait_timeout(pool, deadline - now).map(|(g, _)| g).unwrap_or_else(|p| p.into_inner().0);
        }
    }

    /// Give a connection back to the pool (one that was closed is dropped, freeing its place).
    fn give_back(&self, mut conn: Conn) {
        let mut pool = lock(&self.idle);
        if conn.client.is_closed() {
            pool.open -= 1;
        } else {
            conn.idle_since = Instant::now();
            pool.idle.push(conn);
        }
        drop(pool);
        self.freed.notify_one();
    }

    /// Run `f` on a connection (a connection found closed before `f` began is replaced).
    fn on_conn<T>(&self, mut f: impl FnMut(&Db<'_>) -> Result<T>) -> Result<T> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut conn = self.take()?;
            let (out, retry) = {
                let db = Db::on(&mut conn);
                let out = f(&db);
                (out, (db.lost.get() || db.conflict.get()) && !db.started.get())
            };
            self.give_back(conn);
            match out {
                Err(_) if retry && attempt < ATTEMPTS => backoff(attempt),
                other => return other,
            }
        }
    }

    /// Run `f` in a write transaction holding the write lock; commit if it returns `Ok`.
    fn transaction<T>(&self, mut f: impl FnMut(&Tx<'_>) -> Result<T>) -> Result<T> {
        // BEGIN, the lock, and the two values nearly every write reads next: one round trip.
        self.begin_then(None, |tx| {
            tx.begin_locked()?;
            tx.started.set(true);
            f(tx)
        })
    }

    /// Run `f` in a transaction (which takes the write lock itself); commit if it returns `Ok`.
    fn unlocked_transaction<T>(&self, f: impl FnMut(&Tx<'_>) -> Result<T>) -> Result<T> {
        self.begin_then(Some("BEGIN ISOLATION LEVEL READ COMMITTED"), f)
    }

    /// Run `begin` (unless `f` begins the transaction itself), then `f`, and commit if it returns
    /// `Ok` (see the retries below).
    fn begin_then<T>(&self, begin: Option<&str>, mut f: impl FnMut(&Tx<'_>) -> Result<T>) -> Result<T> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut conn = self.take()?;
            let (out, retry, lost_commit) = {
                let tx = Db::on(&mut conn);
                let mut committing = false;
                let out = (|| {
                    if let Some(begin) = begin {
                        tx.batch(begin)?;
                    }
                    let out = f(&tx)?;
                    committing = true;
                    tx.batch("COMMIT")?;
                    Ok(out)
                })();
                if out.is_err() && !tx.lost.get() {
                    let _ = tx.batch("ROLLBACK");
                }
                // Run again what failed before the engine's work began (the wait for the write lock
                // ended in a conflict, a connection was lost, another process created the schema at
                // the same moment): nothing was written. Once the work began, its failure is the
                // caller's (a retryable BUSY): the work runs once. A commit whose answer was lost
                // may have committed.
                let retry = (tx.conflict.get() || tx.lost.get()) && !tx.started.get();
                let lost_commit = tx.lost.get() && committing;
                (out, retry, lost_commit)
            };
            self.give_back(conn);
            match out {
                Err(_) if lost_commit => {
                    return Err(Error::new(
                        ErrorKind::Busy,
                        "the connection to the database server was lost during a commit; its outcome is unknown — read before retrying",
                    ))
                }
                Err(_) if retry && attempt < ATTEMPTS => backoff(attempt),
                other => return other,
            }
        }
    }

    /// Rows sizes of the vault's tables, in bytes (`pg_total_relation_size`).
    fn size(&self) -> Result<u64> {
        self.on_conn(|db| {
            let row = db.one(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = current_schema() AND c.relkind = 'r'",
                &[],
            )?;
            Ok(get::<i64>(&row, 0)?.max(0) as u64)
        })
    }

    /// `VACUUM` (or `VACUUM FULL`) of the tables a subject's rows live in: what a deleted row
    /// left in their pages is released for reuse (see the book's "Scaling out" for what VACUUM
    /// does not reach).
    fn vacuum(&self, full: bool) -> Result<()> {
        // Only the vault's own tables (named unqualified: the connection's search path is the
        // vault's schema), never the rest of the database.
        let sql = if full {
            format!("VACUUM FULL {}", schema::tables().join(", "))
        } else {
            "VACUUM subjects, subject_index, erased, tokens, agreements, agreements_now, consent_outbox, app_documents, sessions, shares, requests, request_events, restrictions, erasure_schedules"
                .to_owned()
        };
        let mut conn = self.take()?;
        let out = Db::on(&mut conn).batch(&sql);
        self.give_back(conn);
        out
    }

    /// Whether the schema already holds a vault, and if it does, run `f` on a read handle (the
    /// read-only checks before anything is written).
    pub(crate) fn inspect(&self, mut f: impl FnMut(&DbHandle<'_>) -> Result<()>) -> Result<bool> {
        let schema = self.target.schema.clone();
        self.on_conn(|db| {
            if !schema::exists(db)? {
                return Ok(false);
            }
            schema::check(db, &schema)?;
            f(db)?;
            Ok(true)
        })
    }
}

/// Take the write lock: the one row of `chain_lock`, held to the end of the transaction.
fn lock_writes(tx: &Tx<'_>) -> Result<()> {
    tx.exec("SELECT 1 FROM chain_lock WHERE id = 1 FOR UPDATE", &[]).map(|_| ())
}

/// Wait before attempt `attempt + 1`: doubling from 2 ms, capped at 250 ms, with jitter (so
/// processes that collided do not collide again in step).
fn backoff(attempt: u32) {
    let base = (2u64 << attempt.min(7)).min(250);
    let mut b = [0u8; 2];
    let jitter = match crate::crypto::random_fill(&mut b) {
        Ok(()) => u64::from(u16::from_le_bytes(b)) % base.max(1),
        Err(_) => base / 2,
    };
    std::thread::sleep(Duration::from_millis(base / 2 + jitter));
}

impl Backend for Store {
    fn read(&self, f: &mut dyn FnMut(&DbHandle<'_>) -> Result<()>) -> Result<()> {
        self.on_conn(|db| {
            db.started.set(true);
            f(db)
        })
    }

    fn read_snapshot(&self, f: &mut dyn FnMut(&DbHandle<'_>) -> Result<()>) -> Result<()> {
        self.on_conn(|db| {
            db.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
            db.started.set(true);
            let out = f(db);
            let end = db.batch(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
            out?;
            end
        })
    }

    fn write_migrated(&self, f: &mut dyn FnMut(&TxHandle<'_>, i64) -> Result<()>) -> Result<()> {
        self.unlocked_transaction(|tx| {
            tx.migrating.set(true);
            let from = schema::migrate(tx, &self.target.schema)?;
            tx.migrating.set(false);
            lock_writes(tx)?;
            tx.started.set(true);
            f(tx, from)
        })
    }

    fn write(&self, f: &mut dyn FnMut(&TxHandle<'_>) -> Result<()>) -> Result<()> {
        self.transaction(|tx| f(tx))
    }

    fn write_unless_busy(&self, f: &mut dyn FnMut(&TxHandle<'_>) -> Result<()>) -> Result<bool> {
        // The write lock is another process's as often as this one's: waiting for it is what a
        // write does here. (The engine uses this for background flushes, which may wait.)
        self.transaction(|tx| f(tx)).map(|()| true)
    }

    fn write_and_scrub(&self, f: &mut dyn FnMut(&TxHandle<'_>) -> Result<()>) -> Result<bool> {
        self.transaction(|tx| f(tx))?;
        self.scrub_residue()
    }

    fn scrub_residue(&self) -> Result<bool> {
        Ok(self.vacuum(false).is_ok())
    }

    fn leaves_residue(&self) -> bool {
        true
    }

    fn storage_report(&self, scrubbed: bool, due_ms: Option<i64>) -> StorageReport {
        StorageReport::Postgres { vacuumed: scrubbed, vacuum_due_ms: due_ms }
    }

    fn compact(&self) -> Result<Compacted> {
        let bytes_before = self.size()?;
        self.vacuum(true)?;
        let bytes_after = self.size()?;
        Ok(Compacted { bytes_before, bytes_after, residue_scrubbed: true })
    }

    fn release_connections(&self) {
        let mut pool = lock(&self.idle);
        let n = pool.idle.len();
        pool.idle.clear();
        pool.open -= n;
    }
}
