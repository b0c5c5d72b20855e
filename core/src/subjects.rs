//! Subjects: profiles encrypted under a per-subject data key, found by token or by the blind
//! index of a unique field, changed by merge patch or JSON Patch, erased by crypto-shredding.

use std::fmt;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{json, Map, Value};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::audit::Event;
use crate::crypto::aead::{self, associated_data};
use crate::crypto::index::{blind_index, INDEX_LEN};
use crate::crypto::keys::SecretKey;
use crate::document::{apply_patch, expect_object};
use crate::error::{Error, ErrorKind, Result};
use crate::normalize::normalize;
use crate::vault::{now_ms, Engine, Vault};

/// How to find a subject: by its token or by the value of an indexed field.
///
/// `Debug` shows the field, never the value.
#[derive(Clone, PartialEq, Eq)]
pub enum Lookup {
    /// By subject token (a UUID).
    Token(String),
    /// By an indexed field (`email`, `phone`, `login`, or a configured one) and its value,
    /// normalised before it is looked up.
    Field {
        /// The indexed field's name.
        field: String,
        /// The value, as typed.
        value: String,
    },
}

impl Lookup {
    /// By subject token.
    pub fn token(token: impl Into<String>) -> Lookup {
        Lookup::Token(token.into())
    }
    /// By email (trimmed, lower-cased).
    pub fn email(value: impl Into<String>) -> Lookup {
        Lookup::field("email", value)
    }
    /// By phone (normalised to E.164).
    pub fn phone(value: impl Into<String>) -> Lookup {
        Lookup::field("phone", value)
    }
    /// By login (trimmed).
    pub fn login(value: impl Into<String>) -> Lookup {
        Lookup::field("login", value)
    }
    /// By any indexed field.
    pub fn field(field: impl Into<String>, value: impl Into<String>) -> Lookup {
        Lookup::Field { field: field.into(), value: value.into() }
    }
    /// From a mode name (`token`, `email`, `phone`, `login`, or a configured field) and a value,
    /// as the bindings and the REST API receive them.
    pub fn parse(mode: &str, value: impl Into<String>) -> Lookup {
        match mode {
            "token" => Lookup::Token(value.into()),
            _ => Lookup::field(mode, value),
        }
    }

    /// From a JSON object with exactly one key, the mode, whose value is a string:
    /// `{"email": "ann@example.com"}`, `{"token": "…"}`. How batch lookups cross the C boundary.
    pub fn from_json(value: &Value) -> Result<Lookup> {
        let bad = || {
            Error::invalid("a lookup must be an object with one key (token, email, phone, login or an indexed field) and a string value")
        };
        let map = value.as_object().ok_or_else(bad)?;
        let mut entries = map.iter();
        match (entries.next(), entries.next()) {
            (Some((mode, Value::String(v))), None) => Ok(Lookup::parse(mode, v.clone())),
            _ => Err(bad()),
        }
    }
}

impl fmt::Debug for Lookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lookup::Token(_) => f.write_str("Lookup::Token(<redacted>)"),
            Lookup::Field { field, .. } => write!(f, "Lookup::Field({field}, <redacted>)"),
        }
    }
}

/// A subject as read back.
#[derive(Clone, PartialEq, Serialize)]
pub struct Subject {
    /// The subject token (UUID v4).
    pub token: String,
    /// The profile (a JSON object).
    pub profile: Value,
    /// Created, in milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// Last changed, in milliseconds since the Unix epoch.
    pub updated_ms: i64,
    /// 1 at creation, +1 per update.
    pub version: i64,
}

impl fmt::Debug for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subject").field("version", &self.version).finish_non_exhaustive()
    }
}

/// Proof of an erasure. Holds no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErasureReceipt {
    /// The erased subject's token.
    pub token: String,
    /// When, in milliseconds since the Unix epoch.
    pub erased_ms: i64,
    /// The profile row and its data key were deleted (always true on success).
    pub profile_removed: bool,
    /// Blind-index entries deleted.
    pub index_entries_removed: u64,
    /// Audit events whose encrypted details became unreadable.
    pub audit_details_shredded: u64,
    /// The WAL was checkpointed and truncated, so no old version of the subject's pages remains
    /// in it. False when another process held a read open; the next checkpoint does it.
    ///
    /// Deleted cells are zeroed (`secure_delete`), but SQLite can leave stale copies of rows it
    /// moved between pages earlier (B-tree rebalancing does not clear the space it vacates).
    /// [`Vault::compact`] rewrites the file and removes them; run it after erasures (e.g. nightly,
    /// or after each batch of erasures) when no trace may remain.
    pub wal_truncated: bool,
}

/// Parse a subject token (a UUID in its hyphenated text form).
pub(crate) fn parse_token(token: &str) -> Result<[u8; 16]> {
    if token.len() != 36 {
        return Err(Error::invalid("a subject token must be a UUID"));
    }
    Uuid::try_parse(token).map(|u| *u.as_bytes()).map_err(|_| Error::invalid("a subject token must be a UUID"))
}

pub(crate) fn format_token(token: &[u8; 16]) -> String {
    Uuid::from_bytes(*token).hyphenated().to_string()
}

/// A subject row as stored.
struct Row {
    id: i64,
    token: [u8; 16],
    dek: Vec<u8>,
    profile: Vec<u8>,
    created_ms: i64,
    updated_ms: i64,
    version: i64,
}

fn map_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let token: Vec<u8> = r.get(1)?;
    Ok(Row {
        id: r.get(0)?,
        token: token.try_into().unwrap_or([0; 16]),
        dek: r.get(2)?,
        profile: r.get(3)?,
        created_ms: r.get(4)?,
        updated_ms: r.get(5)?,
        version: r.get(6)?,
    })
}

/// Unwrap a subject's data key.
fn unwrap_dek(engine: &Engine, token: &[u8; 16], wrapped: &[u8]) -> Result<SecretKey> {
    let ad = associated_data(&engine.keys.vault_id, "subjects", "dek", token);
    let plain = aead::open(&engine.keys.kek, &ad, wrapped)?;
    SecretKey::from_slice(&plain).ok_or_else(|| Error::integrity("a subject key has the wrong length"))
}

/// The data key of the subject `token`, or `None` when it was erased.
pub(crate) fn subject_key(engine: &Engine, conn: &Connection, token: &[u8; 16]) -> Result<Option<SecretKey>> {
    let wrapped: Option<Vec<u8>> = conn
        .prepare_cached("SELECT dek FROM subjects WHERE token = ?1")?
        .query_row([token.as_slice()], |r| r.get(0))
        .optional()?;
    wrapped.map(|w| unwrap_dek(engine, token, &w)).transpose()
}

fn decrypt_profile(engine: &Engine, row: &Row, dek: &SecretKey) -> Result<Map<String, Value>> {
    let ad = associated_data(&engine.keys.vault_id, "subjects", "profile", &row.token);
    let plain = aead::open(dek, &ad, &row.profile)?;
    let value: Value = serde_json::from_slice(&plain).map_err(|_| Error::integrity("a stored profile is not JSON"))?;
    expect_object(value, "a stored profile").map_err(|_| Error::integrity("a stored profile is not an object"))
}

/// Encrypt a profile that has passed the limits check.
fn seal_profile(engine: &Engine, token: &[u8; 16], dek: &SecretKey, profile: &Map<String, Value>) -> Result<Vec<u8>> {
    let plain = engine.limits.encode(profile)?;
    let ad = associated_data(&engine.keys.vault_id, "subjects", "profile", token);
    aead::seal(dek, 0, &ad, &plain)
}

/// The blind indexes of a profile's indexed fields.
fn index_entries<'e>(engine: &'e Engine, profile: &Map<String, Value>) -> Result<Vec<(&'e str, [u8; INDEX_LEN])>> {
    let mut out = Vec::new();
    for field in &engine.fields {
        match profile.get(&field.name) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                let norm = Zeroizing::new(normalize(&field.name, field.rule, s, engine.region)?);
                out.push((field.name.as_str(), blind_index(&field.key, &norm)));
            }
            Some(_) => return Err(Error::invalid(format!("field '{}' must be a string", field.name))),
        }
    }
    Ok(out)
}

fn duplicate_or(err: rusqlite::Error, field: &str) -> Error {
    match &err {
        rusqlite::Error::SqliteFailure(e, _) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
            Error::new(ErrorKind::Duplicate, format!("another subject already has this {field}"))
        }
        _ => err.into(),
    }
}

fn insert_index(conn: &Connection, subject_id: i64, field: &str, hash: &[u8; INDEX_LEN]) -> Result<()> {
    conn.prepare_cached("INSERT INTO subject_index (field, hash, subject_id) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![field, hash.as_slice(), subject_id])
        .map_err(|e| duplicate_or(e, field))?;
    Ok(())
}

/// Find the row a lookup names. Unknown → `NOT_FOUND`; a token of an erased subject → `ERASED`.
fn resolve(engine: &Engine, conn: &Connection, lookup: &Lookup) -> Result<Row> {
    match lookup {
        Lookup::Token(token) => {
            let token = parse_token(token)?;
            let row = conn
                .prepare_cached(
                    "SELECT s.id, s.token, s.dek, s.profile, s.created_ms, s.updated_ms, s.version
                     FROM subjects s WHERE s.token = ?1",
                )?
                .query_row([token.as_slice()], map_row)
                .optional()?;
            if let Some(row) = row {
                return Ok(row);
            }
            let erased: bool = conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM erased WHERE token = ?1)")?
                .query_row([token.as_slice()], |r| r.get(0))?;
            Err(if erased { Error::new(ErrorKind::Erased, "the subject was erased") } else { Error::not_found() })
        }
        Lookup::Field { field, value } => {
            let f = engine.field(field)?;
            let norm = Zeroizing::new(normalize(&f.name, f.rule, value, engine.region)?);
            let hash = blind_index(&f.key, &norm);
            conn.prepare_cached(
                "SELECT s.id, s.token, s.dek, s.profile, s.created_ms, s.updated_ms, s.version
                 FROM subject_index i JOIN subjects s ON s.id = i.subject_id
                 WHERE i.field = ?1 AND i.hash = ?2",
            )?
            .query_row(rusqlite::params![f.name, hash.as_slice()], map_row)
            .optional()?
            .ok_or_else(Error::not_found)
        }
    }
}

/// The token a lookup names directly, for auditing a failed attempt.
fn hint(lookup: &Lookup) -> Option<[u8; 16]> {
    match lookup {
        Lookup::Token(t) => parse_token(t).ok(),
        Lookup::Field { .. } => None,
    }
}

fn read_subject(engine: &Engine, row: Row) -> Result<Subject> {
    let dek = unwrap_dek(engine, &row.token, &row.dek)?;
    let profile = decrypt_profile(engine, &row, &dek)?;
    Ok(Subject {
        token: format_token(&row.token),
        profile: Value::Object(profile),
        created_ms: row.created_ms,
        updated_ms: row.updated_ms,
        version: row.version,
    })
}

/// Insert one subject inside a write transaction.
fn insert_subject(engine: &Engine, conn: &Connection, profile: Value) -> Result<([u8; 16], Event)> {
    engine.limits.check(&profile)?;
    let profile = expect_object(profile, "a profile")?;
    let entries = index_entries(engine, &profile)?;
    // One read from the OS CSPRNG for everything a new subject needs: token, data key and the
    // two nonces (one system call instead of four).
    let mut fresh = Zeroizing::new([0u8; 16 + 32 + 12 + 12]);
    crate::crypto::random_fill(fresh.as_mut_slice())?;
    let token = *uuid::Builder::from_random_bytes(fresh[..16].try_into().expect("16 bytes")).into_uuid().as_bytes();
    let dek = SecretKey::from_slice(&fresh[16..48]).expect("32 bytes");
    let nonce = |at: usize| -> [u8; 12] { fresh[at..at + 12].try_into().expect("12 bytes") };
    let dek_ad = associated_data(&engine.keys.vault_id, "subjects", "dek", &token);
    let wrapped = aead::seal_with_nonce(&engine.keys.kek, engine.keys.kek_id, nonce(48), &dek_ad, dek.bytes());
    let profile_ad = associated_data(&engine.keys.vault_id, "subjects", "profile", &token);
    let sealed = aead::seal_with_nonce(&dek, 0, nonce(60), &profile_ad, &engine.limits.encode(&profile)?);
    let now = now_ms();
    conn.prepare_cached(
        "INSERT INTO subjects (token, dek, profile, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute(rusqlite::params![token.as_slice(), wrapped, sealed, now])?;
    let id = conn.last_insert_rowid();
    for (field, hash) in &entries {
        insert_index(conn, id, field, hash)?;
    }
    // No details: the profile itself is the "after", and it is readable as long as the subject is.
    Ok((token, Event::for_subject("subject.create", id, token)))
}

impl Vault {
    /// Create a subject from a profile (a JSON object) and return its new token. Indexed fields
    /// (email, phone, login, configured ones) must be strings and unique: `DUPLICATE` otherwise.
    pub fn create_subject(&self, actor: &str, profile: Value) -> Result<String> {
        let engine = self.engine()?;
        engine.audited_write(actor, "subject.create", None, |tx| {
            let (token, event) = insert_subject(&engine, tx, profile)?;
            Ok((format_token(&token), vec![event]))
        })
    }

    /// Create many subjects in one transaction: all are created, or none (the error names the
    /// failing item's position).
    pub fn create_subjects(&self, actor: &str, profiles: Vec<Value>) -> Result<Vec<String>> {
        let engine = self.engine()?;
        engine.limits.check_batch(profiles.len())?;
        engine.audited_write(actor, "subject.create", None, |tx| {
            let mut tokens = Vec::with_capacity(profiles.len());
            let mut events = Vec::with_capacity(profiles.len());
            for (i, profile) in profiles.into_iter().enumerate() {
                let (token, event) =
                    insert_subject(&engine, tx, profile).map_err(|e| e.context(format_args!("item {i}")))?;
                tokens.push(format_token(&token));
                events.push(event);
            }
            Ok((tokens, events))
        })
    }

    /// Read a subject. Unknown → `NOT_FOUND`; a token of an erased subject → `ERASED`.
    pub fn get_subject(&self, actor: &str, lookup: &Lookup) -> Result<Subject> {
        let engine = self.engine()?;
        engine.audited_read(actor, "subject.get", hint(lookup), |conn| {
            let row = resolve(&engine, conn, lookup)?;
            let event = Event::for_subject("subject.get", row.id, row.token);
            Ok((read_subject(&engine, row)?, vec![event]))
        })
    }

    /// Read many subjects on one connection; a lookup that finds nothing (or an erased subject)
    /// gives `None` in its position. Each lookup is audited.
    pub fn get_subjects(&self, actor: &str, lookups: &[Lookup]) -> Result<Vec<Option<Subject>>> {
        let engine = self.engine()?;
        engine.limits.check_batch(lookups.len())?;
        let mut misses = Vec::new();
        let found = engine.audited_read(actor, "subject.get", None, |conn| {
            let mut out = Vec::with_capacity(lookups.len());
            let mut events = Vec::with_capacity(lookups.len());
            for (i, lookup) in lookups.iter().enumerate() {
                match resolve(&engine, conn, lookup) {
                    Ok(row) => {
                        events.push(Event::for_subject("subject.get", row.id, row.token));
                        out.push(Some(read_subject(&engine, row).map_err(|e| e.context(format_args!("item {i}")))?));
                    }
                    Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Erased) => {
                        misses.push((hint(lookup), e.code()));
                        out.push(None);
                    }
                    Err(e) => return Err(e.context(format_args!("item {i}"))),
                }
            }
            Ok((out, events))
        })?;
        let actor: std::sync::Arc<str> = actor.into();
        for (subject, code) in misses {
            engine.record(Event::new("subject.get", subject).into_pending(&actor, now_ms(), code))?;
        }
        Ok(found)
    }

    /// Change a subject's profile. `patch` is a JSON object (merge patch, RFC 7396: `null` removes
    /// a key) or an array (JSON Patch, RFC 6902). Changed indexed fields are re-indexed and stay
    /// unique. Returns the subject as stored after the change. The audit event keeps the before
    /// and after of each changed top-level field, encrypted under the subject's key.
    pub fn update_subject(&self, actor: &str, lookup: &Lookup, patch: Value) -> Result<Subject> {
        let engine = self.engine()?;
        engine.limits.check(&patch)?;
        engine.audited_write(actor, "subject.update", hint(lookup), |tx| {
            let row = resolve(&engine, tx, lookup)?;
            let dek = unwrap_dek(&engine, &row.token, &row.dek)?;
            let before = decrypt_profile(&engine, &row, &dek)?;
            let after = apply_patch(&before, &patch)?;
            engine.limits.check_map(&after)?;
            let old_entries = index_entries(&engine, &before)?;
            let new_entries = index_entries(&engine, &after)?;
            for (field, hash) in &old_entries {
                if !new_entries.iter().any(|(f, h)| f == field && h == hash) {
                    tx.prepare_cached("DELETE FROM subject_index WHERE field = ?1 AND subject_id = ?2")?
                        .execute(rusqlite::params![field, row.id])?;
                }
            }
            for (field, hash) in &new_entries {
                if !old_entries.iter().any(|(f, h)| f == field && h == hash) {
                    insert_index(tx, row.id, field, hash)?;
                }
            }
            let sealed = seal_profile(&engine, &row.token, &dek, &after)?;
            let now = now_ms();
            tx.prepare_cached(
                "UPDATE subjects SET profile = ?1, updated_ms = ?2, version = version + 1 WHERE id = ?3",
            )?
            .execute(rusqlite::params![sealed, now, row.id])?;
            let (mut old, mut new) = (Map::new(), Map::new());
            for key in before.keys().chain(after.keys()) {
                if before.get(key) != after.get(key) {
                    if let Some(v) = before.get(key) {
                        old.insert(key.clone(), v.clone());
                    }
                    if let Some(v) = after.get(key) {
                        new.insert(key.clone(), v.clone());
                    }
                }
            }
            let details = json!({ "before": old, "after": new });
            let event =
                Event::for_subject("subject.update", row.id, row.token).with_details(&engine.keys, &dek, &details)?;
            let subject = Subject {
                token: format_token(&row.token),
                profile: Value::Object(after),
                created_ms: row.created_ms,
                updated_ms: now,
                version: row.version + 1,
            };
            Ok((subject, vec![event]))
        })
    }

    /// Erase a subject (right to be forgotten) by crypto-shredding: its data key, profile and
    /// index entries are deleted with `secure_delete` on, the WAL is checkpointed and truncated,
    /// and the audit chain keeps only the fact of the erasure (older events' details become
    /// unreadable, the chain still verifies). Later lookups by token give `ERASED`.
    pub fn forget_subject(&self, actor: &str, lookup: &Lookup) -> Result<ErasureReceipt> {
        let engine = self.engine()?;
        let mut receipt = engine.audited_write(actor, "subject.forget", hint(lookup), |tx| {
            let row = resolve(&engine, tx, lookup)?;
            let index_entries: i64 = tx
                .prepare_cached("SELECT count(*) FROM subject_index WHERE subject_id = ?1")?
                .query_row([row.id], |r| r.get(0))?;
            let shredded: i64 = tx
                .prepare_cached("SELECT count(*) FROM audit WHERE subject_id = ?1 AND details IS NOT NULL")?
                .query_row([row.id], |r| r.get(0))?;
            tx.prepare_cached("DELETE FROM subject_index WHERE subject_id = ?1")?.execute([row.id])?;
            tx.prepare_cached("DELETE FROM subjects WHERE id = ?1")?.execute([row.id])?;
            let now = now_ms();
            tx.prepare_cached("INSERT INTO erased (token, subject_id, erased_ms) VALUES (?1, ?2, ?3)")?
                .execute(rusqlite::params![row.token.as_slice(), row.id, now])?;
            let receipt = ErasureReceipt {
                token: format_token(&row.token),
                erased_ms: now,
                profile_removed: true,
                index_entries_removed: index_entries as u64,
                audit_details_shredded: shredded as u64,
                wal_truncated: false,
            };
            Ok((receipt, vec![Event::for_subject("subject.forget", row.id, row.token)]))
        })?;
        receipt.wal_truncated = engine.store.checkpoint_truncate()?;
        Ok(receipt)
    }
}
