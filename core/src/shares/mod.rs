//! Shares (temporary record identity): a subject's profile, one of its app documents or one of
//! its sessions, limited to listed fields (dotted paths; every field only when asked for
//! explicitly), given to a partner for a limited time (always an expiry) and optionally a
//! limited number of reads. The share id is a bearer secret of 256 random bits; only its keyed
//! hash is stored, and the audit names a share by that hash. What a share names (the record,
//! the fields, the partner) is sealed under the subject's key and bound to the hash, the expiry,
//! the read limit and the number of reads so far; erasing the subject deletes its shares.

pub(crate) mod lifecycle;
pub(crate) mod ops;
pub(crate) mod store;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::clock;
use crate::crypto::aead::{self, Place, RowState, Slot, ROW_KEY};
use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{format_token, TokenBytes};
use crate::policy::Operation;
use crate::shares::store::ShareRow;
use crate::store::Db;
use crate::subjects::{self, Lookup, Subjects};
use crate::{apps, sessions};

/// A share's lifetime when the call names none: 24 hours (capped by `share_max_ttl_ms`).
pub const SHARE_TTL_DEFAULT_MS: i64 = 86_400_000;
/// Most fields one share may list.
const MAX_FIELDS: usize = 100;

/// What to share, for [`Vault::create_share`](crate::Vault::create_share) (unknown fields
/// refused). `Debug` does not show the session id.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ShareSpec {
    /// What is shared: `profile`, `app` or `session` (required).
    pub of: Option<String>,
    /// The app whose document is shared (with `of: "app"`).
    pub app: Option<String>,
    /// The id of the subject's session that is shared (with `of: "session"`).
    pub session: Option<String>,
    /// The fields shared, as dotted paths (`"address.city"`); 1 to 100 of them. Give this or
    /// `all_fields`.
    pub fields: Option<Vec<String>>,
    /// Share every field (must be asked for explicitly; never the default).
    pub all_fields: bool,
    /// The partner the share is for (1 to 128 characters): resolving it must name the same.
    pub partner: Option<String>,
    /// How many times it may be resolved (1 to 1,000,000; none: until it expires).
    pub max_reads: Option<i64>,
    /// Lifetime from now, in milliseconds (default 24 hours, at most `share_max_ttl_ms`).
    pub ttl_ms: Option<i64>,
    /// Expiry as a time, in milliseconds since the Unix epoch (instead of `ttl_ms`).
    pub expires_at_ms: Option<i64>,
}

impl fmt::Debug for ShareSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShareSpec").field("of", &self.of).field("app", &self.app).finish_non_exhaustive()
    }
}

/// A share as made. `Debug` does not show the id.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ShareInfo {
    /// The share id: a bearer secret, shown once (the vault keeps only its keyed hash).
    pub id: String,
    /// The keyed hash of the id (hex), as the audit log and `list_shares` name the share.
    pub reference: String,
    /// The shared subject's token.
    pub subject: String,
    /// What is shared: `profile`, `app` or `session`.
    pub of: String,
    /// The app, for an app document.
    pub app: Option<String>,
    /// The shared fields; `None`: every field (asked for with `all_fields`).
    pub fields: Option<Vec<String>>,
    /// The partner it is for, if any.
    pub partner: Option<String>,
    /// When it expires, in milliseconds since the Unix epoch.
    pub expires_ms: i64,
    /// How many times it may be resolved, if limited.
    pub max_reads: Option<i64>,
}

impl fmt::Debug for ShareInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShareInfo").field("of", &self.of).field("expires_ms", &self.expires_ms).finish_non_exhaustive()
    }
}

/// What resolving a share gives: exactly the shared fields. `Debug` does not show the data.
#[derive(Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Shared {
    /// What is shared: `profile`, `app` or `session`.
    pub of: String,
    /// The app, for an app document.
    pub app: Option<String>,
    /// The shared fields of the record as it is now (a field the record lacks is left out).
    #[cfg_attr(feature = "schema", schemars(with = "serde_json::Map<String, Value>"))]
    pub data: Value,
    /// When the share expires, in milliseconds since the Unix epoch.
    pub expires_ms: i64,
    /// Resolutions left after this one, if limited (at 0 the share is gone).
    pub reads_left: Option<i64>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared").field("of", &self.of).finish_non_exhaustive()
    }
}

/// What [`Vault::purge_shares`](crate::Vault::purge_shares) removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SharePurge {
    /// Expired shares deleted.
    pub removed: u64,
    /// Transactions it took (each holds the write lock for one batch of at most 1,000).
    pub batches: u64,
}

/// Shares deleted per transaction by a purge.
const PURGE_BATCH: u64 = 1_000;

/// One of a subject's shares as listed (never its id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ShareRef {
    /// The keyed hash of the share's id (hex).
    pub reference: String,
    /// What is shared: `profile`, `app` or `session`.
    pub of: String,
    /// The app, for an app document.
    pub app: Option<String>,
    /// The shared fields; `None`: every field.
    pub fields: Option<Vec<String>>,
    /// The partner it is for, if any.
    pub partner: Option<String>,
    /// Created, in milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// When it expires (or expired), in milliseconds since the Unix epoch.
    pub expires_ms: i64,
    /// Whether it has expired.
    pub expired: bool,
    /// How many times it was resolved.
    pub reads: i64,
    /// How many times it may be resolved, if limited.
    pub max_reads: Option<i64>,
}

/// What a share names, as sealed in its row.
#[derive(Serialize, Deserialize)]
struct Sealed {
    of: String,
    app: Option<String>,
    /// The keyed hash of the shared session's id (hex).
    session: Option<String>,
    fields: Option<Vec<String>>,
    partner: Option<String>,
}

/// A share id as handed out: 43 characters of base64url (never echoed).
fn check_id(id: &str) -> Result<()> {
    if crate::crypto::is_bearer_secret(id) {
        Ok(())
    } else {
        Err(Error::invalid("a share id is 43 characters of base64url, as create_share returned it"))
    }
}

fn missing() -> Error {
    Error::new(ErrorKind::NotFound, "no share has this id (or it is not for this partner)")
}

/// The record a share's spec is bound to.
fn record(row: &ShareRow, token: &TokenBytes) -> Vec<u8> {
    let mut record = Vec::with_capacity(56);
    record.extend_from_slice(&row.hash);
    record.extend_from_slice(&row.expires_ms.to_be_bytes());
    record.extend_from_slice(&row.max_reads.unwrap_or(-1).to_be_bytes());
    record.extend_from_slice(token);
    record
}

fn place_of<'a>(engine: &'a Engine, record: &'a [u8], row: &ShareRow) -> Place<'a> {
    let state = RowState { version: row.reads + 1, created_ms: row.created_ms, updated_ms: row.updated_ms };
    Place::versioned(engine.keys().vault_id(), Slot::ShareSpec, record, state)
}

fn seal(engine: &Engine, row: &ShareRow, token: &TokenBytes, dek: &SecretKey, spec: &Sealed) -> Result<Vec<u8>> {
    let record = record(row, token);
    let plain = zeroize::Zeroizing::new(serde_json::to_vec(spec).map_err(|_| Error::internal("a share spec"))?);
    aead::seal(dek, ROW_KEY, &place_of(engine, &record, row), &plain)
}

fn open(engine: &Engine, row: &ShareRow, token: &TokenBytes, dek: &SecretKey) -> Result<Sealed> {
    let record = record(row, token);
    let plain = aead::open(dek, ROW_KEY, &place_of(engine, &record, row), &row.spec)?;
    serde_json::from_slice(&plain).map_err(|_| Error::integrity("a stored share is not what a share holds"))
}

/// A stored share as listed (what it names opened and authenticated).
fn reference_of(
    engine: &Engine,
    row: &ShareRow,
    (token, dek): (&TokenBytes, &SecretKey),
    now: i64,
) -> Result<ShareRef> {
    let sealed = open(engine, row, token, dek)?;
    Ok(ShareRef {
        reference: hex::encode(row.hash),
        of: sealed.of,
        app: sealed.app,
        fields: sealed.fields,
        partner: sealed.partner,
        created_ms: row.created_ms,
        expires_ms: row.expires_ms,
        expired: row.expires_ms <= now,
        reads: row.reads,
        max_reads: row.max_reads,
    })
}

/// A field path: 1 to 16 non-empty segments separated by dots, at most 256 bytes.
fn check_path(path: &str) -> Result<()> {
    let ok = !path.is_empty()
        && path.len() <= 256
        && path.split('.').all(|s| !s.is_empty())
        && path.split('.').count() <= 16;
    if ok {
        Ok(())
    } else {
        Err(Error::invalid("a shared field is a dotted path of non-empty names (at most 16, 256 bytes)"))
    }
}

/// The fields of `doc` that `paths` name, in their places (a path the document lacks is left
/// out); every field when `paths` is `None`.
fn select(doc: Map<String, Value>, paths: Option<&[String]>) -> Map<String, Value> {
    let Some(paths) = paths else { return doc };
    let mut out = Map::new();
    for path in paths {
        let segments: Vec<&str> = path.split('.').collect();
        let mut at = Some(&doc);
        let mut value = None;
        for (i, s) in segments.iter().enumerate() {
            let v = at.and_then(|m| m.get(*s));
            if i + 1 == segments.len() {
                value = v;
            } else {
                at = v.and_then(Value::as_object);
            }
        }
        if let Some(v) = value {
            let mut target = &mut out;
            for s in &segments[..segments.len() - 1] {
                let entry = target.entry(s.to_string()).or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    *entry = Value::Object(Map::new());
                }
                target = entry.as_object_mut().expect("an object");
            }
            target.insert(segments[segments.len() - 1].to_owned(), v.clone());
        }
    }
    out
}

/// The shares area of an open vault: the longest lifetime a share may have.
pub(crate) struct Shares {
    max_ttl_ms: i64,
}

impl Shares {
    pub(crate) fn new(max_ttl_ms: i64) -> Shares {
        Shares { max_ttl_ms }
    }

    fn hash(engine: &Engine, id: &str) -> [u8; 16] {
        engine.keys().shares().hash.index(id)
    }

    /// The checked parts of a spec: what it names, its expiry, its read limit.
    fn checked(&self, engine: &Engine, spec: &ShareSpec, now: i64) -> Result<(Sealed, i64, Option<[u8; 16]>)> {
        let of = spec.of.as_deref().ok_or_else(|| Error::invalid("a share names what it shares: of"))?;
        let (app, session) = match of {
            "profile" if spec.app.is_none() && spec.session.is_none() => (None, None),
            "app" if spec.session.is_none() => {
                let app = spec.app.as_deref().ok_or_else(|| Error::invalid("a share of an app names the app"))?;
                apps::check_app(app)?;
                (Some(app.to_owned()), None)
            }
            "session" if spec.app.is_none() => {
                let id = spec.session.as_deref().ok_or_else(|| Error::invalid("a share of a session names it"))?;
                (None, Some(sessions::hash_of(engine, id)?))
            }
            "profile" | "app" | "session" => {
                return Err(Error::invalid("app goes with of: \"app\", session with of: \"session\""));
            }
            _ => return Err(Error::invalid("of is profile, app or session")),
        };
        let fields = match (&spec.fields, spec.all_fields) {
            (Some(_), true) => return Err(Error::invalid("give fields or all_fields, not both")),
            (None, false) => return Err(Error::invalid("a share lists its fields, or asks for all_fields")),
            (None, true) => None,
            (Some(f), false) => {
                if f.is_empty() || f.len() > MAX_FIELDS {
                    return Err(Error::invalid("a share lists 1 to 100 fields"));
                }
                f.iter().try_for_each(|p| check_path(p))?;
                Some(f.clone())
            }
        };
        if let Some(p) = &spec.partner {
            if p.is_empty() || p.chars().count() > 128 || p.chars().any(char::is_control) {
                return Err(Error::invalid("a partner's name is 1 to 128 characters, none a control character"));
            }
        }
        if let Some(n) = spec.max_reads {
            if !(1..=1_000_000).contains(&n) {
                return Err(Error::invalid("max_reads is 1 to 1,000,000"));
            }
        }
        let limits = (SHARE_TTL_DEFAULT_MS.min(self.max_ttl_ms), self.max_ttl_ms);
        let expires_ms = clock::expiry((spec.ttl_ms, spec.expires_at_ms), now, limits, "a share")?;
        let sealed =
            Sealed { of: of.to_owned(), app, session: session.map(hex::encode), fields, partner: spec.partner.clone() };
        Ok((sealed, expires_ms, session))
    }

    /// Make a share of the subject `lookup` names.
    pub(crate) fn create(
        &self,
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
        spec: ShareSpec,
    ) -> Result<ShareInfo> {
        let hint = subjects::hint(lookup);
        self.checked(engine, &spec, engine.now_ms())
            .map_err(|e| engine.refused(caller, Action::ShareCreate, hint, e))?;
        let id = crate::crypto::bearer_secret()?;
        let hash = Self::hash(engine, &id);
        engine.write(caller, Action::ShareCreate, hint, |tx| {
            let now = engine.now_ms();
            let (sealed, expires_ms, session) = self.checked(engine, &spec, now)?;
            let (sid, token, dek) = subjects.locate(engine, tx, (caller, Some(Operation::Export)), lookup)?;
            // A restricted subject's data is disclosed to no one.
            engine.check_unrestricted(tx, sid)?;
            // What it names must exist now (it is read again at each resolution).
            let exists = match (sealed.of.as_str(), &sealed.app, &session) {
                ("app", Some(app), _) => apps::document_of(engine, tx, (sid, &token, &dek), app)?.is_some(),
                ("session", _, Some(h)) => sessions::linked_data(engine, tx, (sid, &token, &dek), h)?.is_some(),
                _ => true,
            };
            if !exists {
                return Err(Error::new(ErrorKind::NotFound, "the subject has no such record to share"));
            }
            let mut row = ShareRow {
                hash,
                subject_id: sid,
                spec: Vec::new(),
                created_ms: now,
                updated_ms: now,
                expires_ms,
                max_reads: spec.max_reads,
                reads: 0,
            };
            row.spec = seal(engine, &row, &token, &dek, &sealed)?;
            if !tx.insert_share(&row)? {
                return Err(Error::integrity("a share appeared during its own creation"));
            }
            let details =
                json!({"of": sealed.of, "app": sealed.app, "fields": sealed.fields, "partner": sealed.partner});
            let event = Event::about(Action::ShareCreate, sid, token).with_reference(hash).with_details(
                engine.keys().vault_id(),
                &dek,
                &details,
            )?;
            let out = ShareInfo {
                id: id.clone(),
                reference: hex::encode(hash),
                subject: format_token(&token),
                of: sealed.of,
                app: sealed.app,
                fields: sealed.fields,
                partner: sealed.partner,
                expires_ms,
                max_reads: spec.max_reads,
            };
            Ok((out, vec![event]))
        })
    }

    /// Resolve a share: exactly its fields of the record as it is now. No purpose check (the
    /// share is the authorisation, checked when it was made); audited against the subject.
    pub(crate) fn resolve(&self, engine: &Engine, caller: &Caller, id: &str, partner: Option<&str>) -> Result<Shared> {
        check_id(id).map_err(|e| engine.refused(caller, Action::ShareResolve, None, e))?;
        let hash = Self::hash(engine, id);
        engine.write(caller, Action::ShareResolve, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            let row = tx.share(&hash)?.ok_or_else(missing)?;
            let now = engine.now_ms();
            let (token, dek) = subjects::data_key_by_id(engine, tx, row.subject_id)?
                .ok_or_else(|| Error::integrity("a share names a subject that is not stored"))?;
            let sealed = open(engine, &row, &token, &dek)?;
            if sealed.partner.as_deref().is_some_and(|p| Some(p) != partner) {
                return Err(missing());
            }
            if row.expires_ms <= now {
                return Err(Error::new(ErrorKind::Expired, "the share expired"));
            }
            engine.check_unrestricted(tx, row.subject_id)?;
            let who = (row.subject_id, &token, &dek);
            let record = match (sealed.of.as_str(), &sealed.app, &sealed.session) {
                ("profile", _, _) => subjects::profile_by_id(engine, tx, row.subject_id)?,
                ("app", Some(app), _) => apps::document_of(engine, tx, who, app)?,
                ("session", _, Some(h)) => {
                    let h: [u8; 16] = hex::decode(h)
                        .ok()
                        .and_then(|b| b.try_into().ok())
                        .ok_or_else(|| Error::integrity("a stored share is malformed"))?;
                    match sessions::linked_data(engine, tx, who, &h)? {
                        Some(Value::Object(m)) => Some(m),
                        Some(_) => return Err(Error::integrity("a stored session is not an object")),
                        None => None,
                    }
                }
                _ => return Err(Error::integrity("a stored share is malformed")),
            };
            let record = record.ok_or_else(|| Error::new(ErrorKind::NotFound, "the shared record is gone"))?;
            let data = select(record, sealed.fields.as_deref());
            let reads = row.reads + 1;
            let reads_left = row.max_reads.map(|m| m - reads);
            if reads_left.is_some_and(|left| left <= 0) {
                tx.delete_share(&hash)?;
            } else {
                let mut next = ShareRow { reads, updated_ms: now, spec: Vec::new(), ..row };
                next.spec = seal(engine, &next, &token, &dek, &sealed)?;
                tx.update_share(&next)?;
            }
            let details = json!({"partner": sealed.partner, "fields": sealed.fields});
            let event = Event::about(Action::ShareResolve, row.subject_id, token).with_reference(hash).with_details(
                engine.keys().vault_id(),
                &dek,
                &details,
            )?;
            let out = Shared {
                of: sealed.of,
                app: sealed.app,
                data: Value::Object(data),
                expires_ms: row.expires_ms,
                reads_left: reads_left.map(|l| l.max(0)),
            };
            Ok((out, vec![event]))
        })
    }

    /// Revoke a share (delete it). No purpose check: it ends a disclosure.
    pub(crate) fn revoke(&self, engine: &Engine, caller: &Caller, id: &str) -> Result<()> {
        check_id(id).map_err(|e| engine.refused(caller, Action::ShareRevoke, None, e))?;
        let hash = Self::hash(engine, id);
        engine.write(caller, Action::ShareRevoke, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            let row = tx.share(&hash)?.ok_or_else(missing)?;
            let (token, _) = subjects::data_key_by_id(engine, tx, row.subject_id)?
                .ok_or_else(|| Error::integrity("a share names a subject that is not stored"))?;
            tx.delete_share(&hash)?;
            Ok(((), vec![Event::about(Action::ShareRevoke, row.subject_id, token).with_reference(hash)]))
        })
    }

    /// Delete every expired share, a batch of at most 1,000 per transaction (the write lock is
    /// never held longer than one batch). Audited once, as `share.purge`.
    pub(crate) fn purge(engine: &Engine, caller: &Caller) -> Result<SharePurge> {
        let (removed, batches) =
            engine.purge_in_batches::<()>(caller, Action::SharePurge, PURGE_BATCH, |tx, now, _| {
                Ok((tx.purge_expired_shares(now, PURGE_BATCH)?, None))
            })?;
        Ok(SharePurge { removed, batches })
    }

    /// The subject's shares (each authenticated on the way).
    pub(crate) fn list(
        &self,
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
    ) -> Result<Vec<ShareRef>> {
        engine.read(caller, Action::ShareList, subjects::hint(lookup), |db: &Db<'_>| {
            let (sid, token, dek) = subjects.locate(engine, db, (caller, Some(Operation::Read)), lookup)?;
            let now = engine.now_ms();
            let mut out = Vec::new();
            for row in db.shares_of_subject(sid)? {
                out.push(reference_of(engine, &row, (&token, &dek), now)?);
            }
            Ok((out, vec![Event::about(Action::ShareList, sid, token)]))
        })
    }
}
