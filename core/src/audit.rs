//! The audit trail: events appended atomically with the effects they record (writes) or
//! group-committed shortly after (reads and failures), chained with a keyed MAC; listing, the
//! chain head, and verification against an externally kept anchor.
//!
//! Chain: `mac_n = HMAC(audit key, "bunkerlite/v1/audit" ‖ mac_{n-1} ‖ seq ‖ time ‖ actor ‖ action
//! ‖ subject token ‖ subject row id ‖ outcome ‖ details)`, every part length-prefixed (a missing
//! part is empty), `mac_0` = 32 zero bytes. Details
//! are encrypted under the subject's data key: erasing the subject shreds them while the chain,
//! which covers the ciphertext, still verifies.
//!
//! Durability of read events: with `audit_flush_interval_ms = T` (default 100) and
//! `audit_max_pending = N` (default 16384), a read's event is committed at most T ms after the read
//! (by a background thread), or at once when N events are waiting, or by the next write or
//! audit call, or at close. A process killed abruptly loses at most the read events of the last T
//! ms and never more than N. Write events are never buffered: they commit with the write.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::crypto::aead::{self, associated_data};
use crate::crypto::index::mac_parts;
use crate::crypto::keys::SecretKey;
use crate::error::{Error, ErrorKind, Result};
use crate::subjects::{format_token, parse_token};
use crate::vault::{Engine, Keys, Vault};

const CHAIN_LABEL: &[u8] = b"bunkerlite/v1/audit";
/// Most events one page may hold.
pub const MAX_PAGE: u64 = 1000;
/// The page size bindings use when the caller names none.
pub const DEFAULT_PAGE: u64 = 100;

/// What an operation records: the action, the subject it touched (token, and row id when known),
/// and its encrypted details.
pub(crate) struct Event {
    action: &'static str,
    subject: Option<[u8; 16]>,
    subject_id: Option<i64>,
    details: Option<Vec<u8>>,
}

impl Event {
    /// An event naming at most a token (failed attempts: the row may not exist).
    pub(crate) fn new(action: &'static str, subject: Option<[u8; 16]>) -> Event {
        Event { action, subject, subject_id: None, details: None }
    }

    /// An event about the stored subject with row id `id` and token `token`.
    pub(crate) fn for_subject(action: &'static str, id: i64, token: [u8; 16]) -> Event {
        Event { action, subject: Some(token), subject_id: Some(id), details: None }
    }

    /// Attach details, sealed under the subject's data key.
    pub(crate) fn with_details(mut self, keys: &Keys, dek: &SecretKey, details: &Value) -> Result<Event> {
        let token = self.subject.ok_or_else(|| Error::internal("details need a subject"))?;
        let plain = zeroize::Zeroizing::new(
            serde_json::to_vec(details).map_err(|_| Error::internal("details do not serialise"))?,
        );
        let ad = associated_data(&keys.vault_id, "audit", "details", &token);
        self.details = Some(aead::seal(dek, 0, &ad, &plain)?);
        Ok(self)
    }

    pub(crate) fn into_pending(self, actor: &Arc<str>, time_ms: i64, outcome: &'static str) -> Pending {
        Pending {
            time_ms,
            actor: Arc::clone(actor),
            action: self.action,
            subject: self.subject,
            subject_id: self.subject_id,
            outcome,
            details: self.details,
        }
    }
}

/// An event ready to be chained.
#[derive(Clone)]
pub(crate) struct Pending {
    time_ms: i64,
    actor: Arc<str>,
    action: &'static str,
    subject: Option<[u8; 16]>,
    subject_id: Option<i64>,
    outcome: &'static str,
    details: Option<Vec<u8>>,
}

/// Read and failure events waiting to be committed.
pub(crate) struct Buffer {
    pending: Mutex<Vec<Pending>>,
    synchronous: bool,
    max_pending: usize,
}

impl Buffer {
    pub(crate) fn new(synchronous: bool, max_pending: usize) -> Buffer {
        Buffer { pending: Mutex::new(Vec::new()), synchronous, max_pending }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Pending>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn take(&self) -> Vec<Pending> {
        std::mem::take(&mut *self.lock())
    }

    /// Put events back in front after a failed commit, keeping their order.
    pub(crate) fn restore(&self, mut events: Vec<Pending>) {
        if events.is_empty() {
            return;
        }
        let mut pending = self.lock();
        events.append(&mut pending);
        *pending = events;
    }
}

/// Start the background thread that commits buffered events every `interval`. It ends when the
/// sender is dropped (close) or the engine is gone.
pub(crate) fn spawn_flusher(
    engine: Weak<Engine>,
    interval: Duration,
) -> Result<(mpsc::Sender<()>, std::thread::JoinHandle<()>)> {
    let (stop, stopped) = mpsc::channel::<()>();
    let handle = std::thread::Builder::new()
        .name("bunkerlite-audit".into())
        .spawn(move || loop {
            match stopped.recv_timeout(interval) {
                Err(RecvTimeoutError::Timeout) => match engine.upgrade() {
                    // A failed flush keeps its events buffered; the next attempt retries them.
                    Some(engine) => drop(engine.flush_audit()),
                    None => return,
                },
                _ => return,
            }
        })
        .map_err(|_| Error::internal("cannot start the audit flusher thread"))?;
    Ok((stop, handle))
}

/// Append events to the chain inside `tx`.
pub(crate) fn append(tx: &Transaction<'_>, keys: &Keys, events: impl Iterator<Item = Pending>) -> Result<()> {
    let mut events = events.peekable();
    if events.peek().is_none() {
        return Ok(());
    }
    let (mut seq, mut prev) = head_row(tx)?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO audit (seq, time_ms, actor, action, subject, subject_id, outcome, details, mac)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for e in events {
        seq += 1;
        let subject = e.subject.as_ref().map(|s| s.as_slice());
        // A failed attempt names only a token: find the row it belongs to, if any.
        let subject_id = match (e.subject, e.subject_id) {
            (Some(token), None) => subject_id_of(tx, &token)?,
            (_, id) => id,
        };
        let fields = Fields {
            seq,
            time_ms: e.time_ms,
            actor: &e.actor,
            action: e.action,
            subject,
            subject_id,
            outcome: e.outcome,
            details: e.details.as_deref(),
        };
        let mac = fields.mac(&keys.audit, &prev);
        insert.execute(rusqlite::params![
            seq as i64,
            e.time_ms,
            &*e.actor,
            e.action,
            subject,
            subject_id,
            e.outcome,
            e.details,
            mac.as_slice()
        ])?;
        prev = mac;
    }
    Ok(())
}

/// The row id of the subject with this token, stored or erased.
pub(crate) fn subject_id_of(conn: &Connection, token: &[u8; 16]) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM subjects WHERE token = ?1
             UNION ALL SELECT subject_id FROM erased WHERE token = ?1",
        )?
        .query_row([token.as_slice()], |r| r.get(0))
        .optional()?)
}

/// The fields of one event that the chain MAC covers.
struct Fields<'a> {
    seq: u64,
    time_ms: i64,
    actor: &'a str,
    action: &'a str,
    subject: Option<&'a [u8]>,
    subject_id: Option<i64>,
    outcome: &'a str,
    details: Option<&'a [u8]>,
}

impl Fields<'_> {
    fn mac(&self, key: &SecretKey, prev: &[u8; 32]) -> [u8; 32] {
        let subject_id = self.subject_id.map(i64::to_be_bytes);
        mac_parts(
            key,
            &[
                CHAIN_LABEL,
                prev,
                &self.seq.to_be_bytes(),
                &self.time_ms.to_be_bytes(),
                self.actor.as_bytes(),
                self.action.as_bytes(),
                self.subject.unwrap_or_default(),
                subject_id.as_ref().map(|b| b.as_slice()).unwrap_or_default(),
                self.outcome.as_bytes(),
                self.details.unwrap_or_default(),
            ],
        )
    }
}

fn head_row(conn: &Connection) -> Result<(u64, [u8; 32])> {
    let row: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        None => Ok((0, [0; 32])),
        Some((seq, mac)) => {
            let mac = mac.try_into().map_err(|_| Error::integrity("the audit chain head is malformed"))?;
            Ok((seq as u64, mac))
        }
    }
}

impl Engine {
    /// Record a read or failure event: buffered, or committed now when the vault is set to
    /// synchronous read auditing or the buffer is full.
    pub(crate) fn record(&self, event: Pending) -> Result<()> {
        let full = {
            let mut pending = self.audit.lock();
            pending.push(event);
            self.audit.synchronous || pending.len() >= self.audit.max_pending
        };
        if full {
            self.flush_audit()?;
        }
        Ok(())
    }

    /// Commit every buffered event.
    pub(crate) fn flush_audit(&self) -> Result<()> {
        let events = self.audit.take();
        if events.is_empty() {
            return Ok(());
        }
        let result = self.store.write(|tx| append(tx, &self.keys, events.iter().cloned()));
        if result.is_err() {
            self.audit.restore(events);
        }
        result
    }
}

/// One audit event as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    /// Position in the chain, from 1.
    pub seq: u64,
    /// When, in milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// Who, as named by the caller (`app:billing`, `admin:ann`, `subject`).
    pub actor: String,
    /// What (`subject.create`, `subject.get`, …).
    pub action: String,
    /// The subject token, if the event concerns one.
    pub subject: Option<String>,
    /// `ok`, or the error code of a failed attempt.
    pub outcome: String,
    /// The decrypted details (e.g. the before/after of a change), when there are any and the
    /// subject still exists.
    pub details: Option<Value>,
    /// True when the event had details that were shredded by the subject's erasure.
    pub details_erased: bool,
}

/// A page of results, with the total across all pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// How many there are in all.
    pub total: u64,
    /// This page's items.
    pub items: Vec<T>,
}

/// The chain head: keep it outside the vault, and `audit_verify` can then detect truncation and
/// rollback of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AuditHead {
    /// The last event's sequence number (0 for an empty log).
    pub seq: u64,
    /// The last event's MAC, 64 hex digits.
    pub hash: String,
}

impl AuditHead {
    /// From a JSON object `{"seq": N, "hash": "<64 hex>"}` (as kept by the application).
    pub fn from_json(value: &Value) -> Result<AuditHead> {
        serde_json::from_value(value.clone())
            .map_err(|_| Error::invalid("an audit anchor must be {\"seq\": <integer>, \"hash\": \"<64 hex digits>\"}"))
    }
}

/// The result of a successful verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Events checked.
    pub events: u64,
    /// The head at the time of verification.
    pub head: AuditHead,
}

fn check_page(offset: u64, limit: u64) -> Result<(i64, i64)> {
    if limit == 0 || limit > MAX_PAGE {
        return Err(Error::invalid(format!("limit must be between 1 and {MAX_PAGE}")));
    }
    let offset = i64::try_from(offset).map_err(|_| Error::invalid("offset is too large"))?;
    Ok((offset, limit as i64))
}

type Row = (i64, i64, String, String, Option<Vec<u8>>, String, Option<Vec<u8>>);

fn decode_rows(engine: &Engine, conn: &Connection, rows: Vec<Row>) -> Result<Vec<AuditEvent>> {
    let mut deks: std::collections::HashMap<[u8; 16], Option<SecretKey>> = std::collections::HashMap::new();
    rows.into_iter()
        .map(|(seq, time_ms, actor, action, subject, outcome, details)| {
            let subject: Option<[u8; 16]> = subject
                .map(|s| s.try_into())
                .transpose()
                .map_err(|_| Error::integrity("an audit subject is malformed"))?;
            let (mut plain, mut erased) = (None, false);
            if let (Some(token), Some(sealed)) = (subject, details) {
                let dek = match deks.entry(token) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(crate::subjects::subject_key(engine, conn, &token)?)
                    }
                };
                match dek.as_ref() {
                    Some(dek) => {
                        let ad = associated_data(&engine.keys.vault_id, "audit", "details", &token);
                        let bytes = aead::open(dek, &ad, &sealed)?;
                        plain = Some(
                            serde_json::from_slice(&bytes)
                                .map_err(|_| Error::integrity("audit details are not JSON"))?,
                        );
                    }
                    None => erased = true,
                }
            }
            Ok(AuditEvent {
                seq: seq as u64,
                time_ms,
                actor,
                action,
                subject: subject.map(|t| format_token(&t)),
                outcome,
                details: plain,
                details_erased: erased,
            })
        })
        .collect()
}

fn map_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

impl Vault {
    /// A subject's audit events, newest first, with details decrypted (while the subject exists).
    /// Reading them is itself audited.
    pub fn audit_events(&self, actor: &str, subject: &str, offset: u64, limit: u64) -> Result<Page<AuditEvent>> {
        let engine = self.engine()?;
        let token = parse_token(subject)?;
        let (offset, limit) = check_page(offset, limit)?;
        engine.flush_audit()?;
        engine.audited_read(actor, "audit.list", Some(token), |conn| {
            let id = subject_id_of(conn, &token)?.ok_or_else(Error::not_found)?;
            let total: i64 = conn
                .prepare_cached("SELECT count(*) FROM audit WHERE subject_id = ?1")?
                .query_row([id], |r| r.get(0))?;
            let rows = conn
                .prepare_cached(
                    "SELECT seq, time_ms, actor, action, subject, outcome, details FROM audit
                     WHERE subject_id = ?1 ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
                )?
                .query_map(rusqlite::params![id, limit, offset], map_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let items = decode_rows(&engine, conn, rows)?;
            Ok((Page { total: total as u64, items }, vec![Event::for_subject("audit.list", id, token)]))
        })
    }

    /// All audit events, newest first. Reading them is itself audited.
    pub fn audit_all(&self, actor: &str, offset: u64, limit: u64) -> Result<Page<AuditEvent>> {
        let engine = self.engine()?;
        let (offset, limit) = check_page(offset, limit)?;
        engine.flush_audit()?;
        engine.audited_read(actor, "audit.list_all", None, |conn| {
            let total: i64 = conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?;
            let rows = conn
                .prepare_cached(
                    "SELECT seq, time_ms, actor, action, subject, outcome, details FROM audit
                     ORDER BY seq DESC LIMIT ?1 OFFSET ?2",
                )?
                .query_map(rusqlite::params![limit, offset], map_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let items = decode_rows(&engine, conn, rows)?;
            Ok((Page { total: total as u64, items }, vec![Event::new("audit.list_all", None)]))
        })
    }

    /// The current chain head, after committing buffered events.
    pub fn audit_head(&self) -> Result<AuditHead> {
        let engine = self.engine()?;
        engine.flush_audit()?;
        let (seq, mac) = engine.store.read(head_row)?;
        Ok(AuditHead { seq, hash: hex::encode(mac) })
    }

    /// Commit buffered read events now.
    pub fn audit_flush(&self) -> Result<()> {
        self.engine()?.flush_audit()
    }

    /// Check the whole chain: every event's MAC, contiguous sequence numbers from 1. With an
    /// `anchor` (a head kept outside the vault), also check that the log still reaches it and
    /// holds the same event there — detecting truncation and rollback. A broken chain is
    /// `INTEGRITY`, naming the first bad sequence number.
    pub fn audit_verify(&self, anchor: Option<&AuditHead>) -> Result<AuditReport> {
        let engine = self.engine()?;
        engine.flush_audit()?;
        let anchor_mac: Option<(u64, [u8; 32])> = anchor
            .map(|a| {
                let mut mac = [0u8; 32];
                hex::decode_to_slice(&a.hash, &mut mac)
                    .map_err(|_| Error::invalid("anchor hash must be 64 hex digits"))?;
                Ok::<_, Error>((a.seq, mac))
            })
            .transpose()?;
        engine.store.read(|conn| {
            let mut stmt = conn.prepare("SELECT seq, time_ms, actor, action, subject, subject_id, outcome, details, mac FROM audit ORDER BY seq")?;
            let mut rows = stmt.query([])?;
            let (mut expected, mut prev, mut anchor_seen) = (1u64, [0u8; 32], false);
            while let Some(r) = rows.next()? {
                let seq: i64 = r.get(0)?;
                let broken = || Error::integrity(format!("the audit chain is broken at event {expected}"));
                if seq as u64 != expected {
                    return Err(broken());
                }
                let subject: Option<Vec<u8>> = r.get(4)?;
                let (actor, action, outcome): (String, String, String) = (r.get(2)?, r.get(3)?, r.get(6)?);
                let details: Option<Vec<u8>> = r.get(7)?;
                let stored: Vec<u8> = r.get(8)?;
                let fields = Fields {
                    seq: expected,
                    time_ms: r.get(1)?,
                    actor: &actor,
                    action: &action,
                    subject: subject.as_deref(),
                    subject_id: r.get(5)?,
                    outcome: &outcome,
                    details: details.as_deref(),
                };
                let mac = fields.mac(&engine.keys.audit, &prev);
                if !bool::from(mac.as_slice().ct_eq(&stored)) {
                    return Err(broken());
                }
                if let Some((aseq, amac)) = &anchor_mac {
                    if *aseq == expected {
                        if !bool::from(mac.ct_eq(amac)) {
                            return Err(Error::integrity("the audit log does not match the anchor (rolled back or rewritten)"));
                        }
                        anchor_seen = true;
                    }
                }
                prev = mac;
                expected += 1;
            }
            let events = expected - 1;
            if let Some((aseq, amac)) = anchor_mac {
                let empty_ok = aseq == 0 && amac == [0; 32];
                if !anchor_seen && !empty_ok {
                    return Err(Error::new(
                        ErrorKind::Integrity,
                        format!("the audit log ends at event {events} but the anchor is at event {aseq} (truncated or rolled back)"),
                    ));
                }
            }
            Ok(AuditReport { events, head: AuditHead { seq: events, hash: hex::encode(prev) } })
        })
    }
}
