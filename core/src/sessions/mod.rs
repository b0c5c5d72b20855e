//! Sessions: encrypted session records for web applications (what an HTTP session store keeps
//! behind a cookie). The id is a bearer secret — chosen by the caller or generated (256 random
//! bits) — and only its keyed hash is stored. The data is sealed under the linked subject's data
//! key (so erasing the subject shreds it) or, for a session linked to nobody, under the vault's
//! session key; either way bound to the id's hash, the expiry, the subject's token and the row's
//! version and times. An expired session is `EXPIRED` at once and removed by `purge_sessions`.
//! A session linked to one subject can never be taken over through another (`DUPLICATE`).

pub(crate) mod lifecycle;
pub(crate) mod ops;
pub(crate) mod store;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::crypto::aead::{self, Place, RowState, Slot, ROW_KEY};
use crate::crypto::keys::SecretKey;
use crate::document::expect_object;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{format_token, TokenBytes};
use crate::page::{Page, PageRequest};
use crate::policy::{Operation, Target};
use crate::sessions::store::SessionRow;
use crate::store::{Db, Tx};
use crate::subjects::{self, Lookup, Subjects};

/// A session's lifetime when the call names none: 24 hours.
pub const SESSION_TTL_DEFAULT_MS: i64 = 86_400_000;
/// The longest lifetime a session may be given: 400 days (the longest a browser keeps a cookie).
pub const SESSION_TTL_MAX_MS: i64 = 400 * 86_400_000;
/// Expired sessions removed per transaction by [`Vault::purge_sessions`](crate::Vault::purge_sessions).
const PURGE_BATCH: u64 = 1000;

/// Options of [`Vault::set_session`](crate::Vault::set_session) and
/// [`Vault::touch_session`](crate::Vault::touch_session) (unknown fields refused). `Debug` does
/// not show the id (a bearer secret).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SessionOptions {
    /// The session id: 16 to 256 visible ASCII characters. Generated (43 characters, 256 random
    /// bits) when absent.
    pub id: Option<String>,
    /// The token of the subject the session belongs to. A session linked to a subject keeps its
    /// link: naming another subject is `DUPLICATE`, naming none keeps the one it has.
    pub subject: Option<String>,
    /// Lifetime from now, in milliseconds (1 to 400 days' worth; default 24 hours).
    pub ttl_ms: Option<i64>,
    /// Expiry as a time, in milliseconds since the Unix epoch (instead of `ttl_ms`).
    pub expires_at_ms: Option<i64>,
}

impl fmt::Debug for SessionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionOptions")
            .field("ttl_ms", &self.ttl_ms)
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

/// A session's metadata, as stored or changed. `Debug` does not show the id.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SessionInfo {
    /// The session id (as given, or generated).
    pub id: String,
    /// The linked subject's token, if any.
    pub subject: Option<String>,
    /// Created, in milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// Last set or touched, in milliseconds since the Unix epoch.
    pub updated_ms: i64,
    /// When it expires, in milliseconds since the Unix epoch.
    pub expires_ms: i64,
    /// 1 when created, +1 per set or touch.
    pub version: i64,
}

impl fmt::Debug for SessionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionInfo").field("expires_ms", &self.expires_ms).finish_non_exhaustive()
    }
}

/// A session as read back. `Debug` shows neither the id nor the data.
#[derive(Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Session {
    /// The session id.
    pub id: String,
    /// The linked subject's token, if any.
    pub subject: Option<String>,
    /// The data (a JSON object).
    #[cfg_attr(feature = "schema", schemars(with = "serde_json::Map<String, Value>"))]
    pub data: Value,
    /// Created, in milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// Last set or touched, in milliseconds since the Unix epoch.
    pub updated_ms: i64,
    /// When it expires, in milliseconds since the Unix epoch.
    pub expires_ms: i64,
    /// 1 when created, +1 per set or touch.
    pub version: i64,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session").field("expires_ms", &self.expires_ms).finish_non_exhaustive()
    }
}

/// One of a subject's sessions in its export: by reference (never its id), with its data.
/// `Debug` does not show the data.
#[derive(Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ExportedSession {
    /// The keyed hash of the session's id (hex), as the audit log names it.
    pub reference: String,
    /// The data (a JSON object).
    #[cfg_attr(feature = "schema", schemars(with = "serde_json::Map<String, Value>"))]
    pub data: Value,
    /// Created, in milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// Last set or touched, in milliseconds since the Unix epoch.
    pub updated_ms: i64,
    /// When it expires (or expired), in milliseconds since the Unix epoch.
    pub expires_ms: i64,
    /// Whether it has expired (the purge removes it).
    pub expired: bool,
    /// 1 when created, +1 per set or touch.
    pub version: i64,
}

impl fmt::Debug for ExportedSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportedSession").field("expires_ms", &self.expires_ms).finish_non_exhaustive()
    }
}

/// One of a subject's sessions as listed: never its id (a bearer secret the vault does not
/// keep), a reference instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SessionRef {
    /// The keyed hash of the session's id (hex), as the audit log names it.
    pub reference: String,
    /// Created, in milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// Last set or touched, in milliseconds since the Unix epoch.
    pub updated_ms: i64,
    /// When it expires (or expired), in milliseconds since the Unix epoch.
    pub expires_ms: i64,
    /// Whether it has expired (unreadable; the next purge removes it).
    pub expired: bool,
}

/// The result of [`Vault::purge_sessions`](crate::Vault::purge_sessions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SessionPurge {
    /// Expired sessions deleted.
    pub removed: u64,
    /// Transactions it took (each holds the write lock for one batch of at most 1,000).
    pub batches: u64,
}

/// A session id: 16 to 256 visible ASCII characters (never echoed: it is a bearer secret).
fn check_id(id: &str) -> Result<()> {
    if (16..=256).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(())
    } else {
        Err(Error::invalid("a session id must be 16 to 256 visible ASCII characters"))
    }
}

fn missing() -> Error {
    Error::new(ErrorKind::NotFound, "no session has this id")
}

/// The expiry the options ask for, from `now`.
fn expiry(options: &SessionOptions, now: i64) -> Result<i64> {
    let limits = (SESSION_TTL_DEFAULT_MS, SESSION_TTL_MAX_MS);
    crate::clock::expiry((options.ttl_ms, options.expires_at_ms), now, limits, "a session")
}

/// The record a session's data is bound to: the id's hash, the expiry and the linked subject's
/// token.
fn record(hash: &[u8; 16], expires_ms: i64, token: Option<&TokenBytes>) -> Vec<u8> {
    let mut record = Vec::with_capacity(40);
    record.extend_from_slice(hash);
    record.extend_from_slice(&expires_ms.to_be_bytes());
    if let Some(token) = token {
        record.extend_from_slice(token);
    }
    record
}

fn state_of(row: &SessionRow) -> RowState {
    RowState { version: row.version, created_ms: row.created_ms, updated_ms: row.updated_ms }
}

/// Whose a stored session is: the linked subject (row id, token, data key), or nobody.
type Owner = Option<(i64, TokenBytes, SecretKey)>;

/// The subject a stored session is linked to, with its data key. A link to a subject that is not
/// stored is `INTEGRITY` (an erasure deletes the subject's sessions with it).
fn owner(engine: &Engine, db: &Db<'_>, row: &SessionRow) -> Result<Owner> {
    let Some(sid) = row.subject_id else { return Ok(None) };
    let (token, dek) = match &row.link {
        Some((token, wrapped)) => (*token, engine.keys().unwrap_dek(token, wrapped)?),
        None => subjects::data_key_by_id(engine, db, sid)?
            .ok_or_else(|| Error::integrity("a session is linked to a subject that is not stored"))?,
    };
    Ok(Some((sid, token, dek)))
}

fn seal(engine: &Engine, owner: &Owner, row: &SessionRow, plain: &[u8]) -> Result<Vec<u8>> {
    let record = record(&row.hash, row.expires_ms, owner.as_ref().map(|(_, t, _)| t));
    let place = Place::versioned(engine.keys().vault_id(), Slot::SessionData, &record, state_of(row));
    match owner {
        Some((_, _, dek)) => aead::seal(dek, ROW_KEY, &place, plain),
        None => {
            let mut nonce = [0u8; aead::NONCE_LEN];
            crate::crypto::random_fill(&mut nonce)?;
            Ok(engine.keys().sessions().value.seal_with_nonce(nonce, &place, plain))
        }
    }
}

/// Open a stored session's data (authenticating the row).
fn open_data(engine: &Engine, owner: &Owner, row: &SessionRow) -> Result<Value> {
    open_with(engine, owner.as_ref().map(|(_, token, dek)| (token, dek)), row)
}

/// [`open_data`], the owner given as its token and data key.
fn open_with(engine: &Engine, link: Option<(&TokenBytes, &SecretKey)>, row: &SessionRow) -> Result<Value> {
    let record = record(&row.hash, row.expires_ms, link.map(|(t, _)| t));
    let place = Place::versioned(engine.keys().vault_id(), Slot::SessionData, &record, state_of(row));
    let plain = match link {
        Some((_, dek)) => aead::open(dek, ROW_KEY, &place, &row.data)?,
        None => engine.keys().sessions().value.open(&place, &row.data)?,
    };
    serde_json::from_slice(&plain).map_err(|_| Error::integrity("a stored session is not JSON"))
}

/// The keyed hash of a session id (checked), for an area that names a session (a share).
pub(crate) fn hash_of(engine: &Engine, id: &str) -> Result<[u8; 16]> {
    check_id(id)?;
    Ok(Sessions::hash(engine, id))
}

/// The data of the live session with this hash if it is linked to the subject `(id, token,
/// dek)` (`None` otherwise: missing, expired, or another's), for an area that discloses it under
/// its own check (a share).
pub(crate) fn linked_data(
    engine: &Engine,
    db: &Db<'_>,
    (id, token, dek): (i64, &TokenBytes, &SecretKey),
    hash: &[u8; 16],
) -> Result<Option<Value>> {
    match db.session(hash)? {
        Some(row) if row.subject_id == Some(id) && row.expires_ms > engine.now_ms() => {
            open_with(engine, Some((token, dek)), &row).map(Some)
        }
        _ => Ok(None),
    }
}

/// Who a found session belongs to, for the purpose check ([`Engine::check_found`]: a linked
/// session is checked on its subject, one linked to nobody on the activity's coverage alone, a
/// missing or expired one as a missing subject).
fn whose((_, owner): &(SessionRow, Owner)) -> Option<(i64, TokenBytes)> {
    owner.as_ref().map(|(sid, token, _)| (*sid, *token))
}

/// The event of an operation on a session: about its subject when linked, naming the session by
/// the keyed hash of its id.
fn event(action: Action, hash: &[u8; 16], owner: &Owner) -> Event {
    let event = match owner {
        Some((sid, token, _)) => Event::about(action, *sid, *token),
        None => Event::attempt(action, None),
    };
    event.with_reference(*hash)
}

fn info(id: String, owner: &Owner, row: &SessionRow) -> SessionInfo {
    SessionInfo {
        id,
        subject: owner.as_ref().map(|(_, t, _)| format_token(t)),
        created_ms: row.created_ms,
        updated_ms: row.updated_ms,
        expires_ms: row.expires_ms,
        version: row.version,
    }
}

/// The sessions area of an open vault.
pub(crate) struct Sessions;

impl Sessions {
    fn hash(engine: &Engine, id: &str) -> [u8; 16] {
        engine.keys().sessions().hash.index(id)
    }

    /// The stored session with this hash and its owner; `NOT_FOUND`, or `EXPIRED` at `now`.
    fn find(engine: &Engine, db: &Db<'_>, hash: &[u8; 16], now: i64) -> Result<(SessionRow, Owner)> {
        let row = db.session(hash)?.ok_or_else(missing)?;
        if row.expires_ms <= now {
            return Err(Error::new(ErrorKind::Expired, "the session expired"));
        }
        let owner = owner(engine, db, &row)?;
        Ok((row, owner))
    }

    /// Store a session: a new one, or new data and expiry for the one with this id.
    pub(crate) fn set(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        data: Value,
        options: SessionOptions,
    ) -> Result<SessionInfo> {
        let hint = options.subject.as_deref().and_then(|t| subjects::hint(&Lookup::token(t)));
        let prepared = (|| {
            if let Some(id) = &options.id {
                check_id(id)?;
            }
            engine.limits.check(&data)?;
            let data = expect_object(data, "session data")?;
            let plain = engine.limits.encode(&data)?;
            expiry(&options, engine.now_ms())?;
            Ok(plain)
        })();
        let plain = prepared.map_err(|e| engine.refused(caller, Action::SessionSet, hint, e))?;
        let id = match &options.id {
            Some(id) => id.clone(),
            None => crate::crypto::bearer_secret()?,
        };
        let hash = Self::hash(engine, &id);
        engine.write(caller, Action::SessionSet, hint, |tx| {
            let now = engine.now_ms();
            let expires_ms = expiry(&options, now)?;
            let named: Owner = match &options.subject {
                Some(t) => Some(subjects.locate(engine, tx, (caller, Some(Operation::Write)), &Lookup::token(t))?),
                None => None,
            };
            let stored = tx.session(&hash)?;
            let kept = match &stored {
                Some(row) => owner(engine, tx, row)?,
                None => None,
            };
            let owner = match (kept, named) {
                (Some((kept_id, ..)), Some((named_id, ..))) if kept_id != named_id => {
                    return Err(Error::new(
                        ErrorKind::Duplicate,
                        "this session id belongs to another subject's session",
                    ));
                }
                (_, Some(named)) => Some(named),
                (Some(kept), None) => {
                    engine.check(tx, caller, (Operation::Write, Target::Subject(kept.0, &kept.1)), false)?;
                    Some(kept)
                }
                (None, None) => {
                    engine.check(tx, caller, (Operation::Write, Target::Nobody), false)?;
                    None
                }
            };
            let mut row = SessionRow {
                hash,
                subject_id: owner.as_ref().map(|(sid, ..)| *sid),
                data: Vec::new(),
                created_ms: stored.as_ref().map_or(now, |r| r.created_ms),
                updated_ms: now,
                expires_ms,
                version: stored.as_ref().map_or(1, |r| r.version + 1),
                link: None,
            };
            row.data = seal(engine, &owner, &row, &plain)?;
            Self::save(tx, &row, stored.is_some())?;
            let out = info(id.clone(), &owner, &row);
            Ok((out, vec![event(Action::SessionSet, &hash, &owner)]))
        })
    }

    fn save(tx: &Tx<'_>, row: &SessionRow, replace: bool) -> Result<()> {
        if replace {
            tx.update_session(row)
        } else if tx.insert_session(row)? {
            Ok(())
        } else {
            // The write lock rules out a concurrent set; a row that appeared anyway is not ours.
            Err(Error::integrity("a session appeared during its own creation"))
        }
    }

    /// Read a session.
    pub(crate) fn get(engine: &Engine, caller: &Caller, id: &str) -> Result<Session> {
        check_id(id).map_err(|e| engine.refused(caller, Action::SessionGet, None, e))?;
        let hash = Self::hash(engine, id);
        engine.read(caller, Action::SessionGet, None, |db| {
            let found = Self::find(engine, db, &hash, engine.now_ms());
            let (row, owner) = engine.check_found(db, caller, Operation::Read, found, whose)?;
            let data = open_data(engine, &owner, &row)?;
            let info = info(id.to_owned(), &owner, &row);
            let out = Session {
                id: info.id,
                subject: info.subject,
                data,
                created_ms: row.created_ms,
                updated_ms: row.updated_ms,
                expires_ms: row.expires_ms,
                version: row.version,
            };
            Ok((out, vec![event(Action::SessionGet, &hash, &owner)]))
        })
    }

    /// Move a session's expiry ahead (its data unchanged).
    pub(crate) fn touch(engine: &Engine, caller: &Caller, id: &str, options: SessionOptions) -> Result<SessionInfo> {
        let checked = (|| {
            check_id(id)?;
            if options.id.is_some() || options.subject.is_some() {
                return Err(Error::invalid("touch_session takes only ttl_ms or expires_at_ms"));
            }
            expiry(&options, engine.now_ms()).map(|_| ())
        })();
        checked.map_err(|e| engine.refused(caller, Action::SessionTouch, None, e))?;
        let hash = Self::hash(engine, id);
        engine.write(caller, Action::SessionTouch, None, |tx| {
            let now = engine.now_ms();
            let found = Self::find(engine, tx, &hash, now);
            let (stored, owner) = engine.check_found(tx, caller, Operation::Write, found, whose)?;
            let plain = serde_json::to_vec(&open_data(engine, &owner, &stored)?)
                .map_err(|_| Error::internal("session data does not serialise"))?;
            let plain = zeroize::Zeroizing::new(plain);
            let mut row = SessionRow {
                hash,
                subject_id: stored.subject_id,
                data: Vec::new(),
                created_ms: stored.created_ms,
                updated_ms: now,
                expires_ms: expiry(&options, now)?,
                version: stored.version + 1,
                link: None,
            };
            row.data = seal(engine, &owner, &row, &plain)?;
            tx.update_session(&row)?;
            Ok((info(id.to_owned(), &owner, &row), vec![event(Action::SessionTouch, &hash, &owner)]))
        })
    }

    /// Delete a session (expired or not).
    pub(crate) fn delete(engine: &Engine, caller: &Caller, id: &str) -> Result<()> {
        check_id(id).map_err(|e| engine.refused(caller, Action::SessionDelete, None, e))?;
        let hash = Self::hash(engine, id);
        engine.write(caller, Action::SessionDelete, None, |tx| {
            let found = match tx.session(&hash)? {
                Some(row) => owner(engine, tx, &row).map(|o| (row, o)),
                None => Err(missing()),
            };
            let (_, owner) = engine.check_found(tx, caller, Operation::Delete, found, whose)?;
            tx.delete_session(&hash)?;
            Ok(((), vec![event(Action::SessionDelete, &hash, &owner)]))
        })
    }

    /// A page of the subject's sessions (each authenticated on the way), in the order of their
    /// references.
    pub(crate) fn list(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
        page: &PageRequest,
    ) -> Result<Page<SessionRef>> {
        let limit = page.limit().map_err(|e| engine.refused(caller, Action::SessionList, subjects::hint(lookup), e))?;
        let after = cursor(page).map_err(|e| engine.refused(caller, Action::SessionList, subjects::hint(lookup), e))?;
        engine.read_snapshot(caller, Action::SessionList, subjects::hint(lookup), |db| {
            let (sid, token, dek) = subjects.locate(engine, db, (caller, Some(Operation::Read)), lookup)?;
            let total = db.count_sessions_of_subject(sid)?;
            let mut rows = db.sessions_of_subject(sid, after.as_ref(), limit + 1)?;
            let more = rows.len() as u64 > limit;
            rows.truncate(limit as usize);
            let owner: Owner = Some((sid, token, dek));
            let now = engine.now_ms();
            let mut items = Vec::with_capacity(rows.len());
            for row in &rows {
                open_data(engine, &owner, row)?;
                items.push(SessionRef {
                    reference: hex::encode(row.hash),
                    created_ms: row.created_ms,
                    updated_ms: row.updated_ms,
                    expires_ms: row.expires_ms,
                    expired: row.expires_ms <= now,
                });
            }
            let next = if more { rows.last().map(|r| format!("h{}", hex::encode(r.hash))) } else { None };
            Ok((Page { total, items, next }, vec![Event::about(Action::SessionList, sid, token)]))
        })
    }

    /// Remove every expired session, a batch of at most 1,000 per transaction (the write lock is
    /// never held longer than one batch).
    pub(crate) fn purge(engine: &Engine, caller: &Caller) -> Result<SessionPurge> {
        let (removed, batches) =
            engine.purge_in_batches(caller, Action::SessionPurge, PURGE_BATCH, |tx, now, after| {
                tx.purge_expired_sessions(now, after, PURGE_BATCH)
            })?;
        Ok(SessionPurge { removed, batches })
    }
}

/// The position a listing's cursor names (`h` and the hex of the last listed hash).
fn cursor(page: &PageRequest) -> Result<Option<[u8; 16]>> {
    let Some(c) = &page.cursor else { return Ok(None) };
    let bad = || Error::invalid("cursor is not one this vault returned");
    let hex_part = c.strip_prefix('h').ok_or_else(bad)?;
    let bytes = hex::decode(hex_part).map_err(|_| bad())?;
    bytes.try_into().map(Some).map_err(|_| bad())
}
