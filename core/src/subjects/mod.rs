//! Subjects: profiles encrypted under a per-subject data key, found by token or by the blind
//! index of a unique field (and accepted only when the decrypted profile really holds the
//! looked-up value), changed by merge patch or JSON Patch, erased by crypto-shredding.

mod lookup;
pub(crate) mod ops;
mod scan;
pub(crate) mod store;

use std::fmt;

use phonenumber::country::Id as Region;
use serde::Serialize;
use serde_json::{json, Map, Value};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

pub use lookup::Lookup;

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::crypto::aead::{self, Place, RowState, Slot, NONCE_LEN, ROW_KEY};
use crate::crypto::index::{index_eq, IndexKey, INDEX_LEN};
use crate::crypto::keys::SecretKey;
use crate::crypto::OsRandom;
use crate::document::expect_object;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{format_token, parse_token, token_from_random, TokenBytes};
use crate::keyring::Keyring;
use crate::normalize::{normalize, Rule};
use crate::options::AuditDetails;
use crate::patch::apply_patch;
use crate::policy::{Operation, Target};
use crate::store::{Db, Tx};
use crate::subjects::store::{NewSubject, SubjectRow, TokenLookup};

/// The identity fields every vault indexes (unique per vault).
pub const IDENTITY_FIELDS: [&str; 3] = ["email", "phone", "login"];

/// A subject as read back.
#[derive(Clone, PartialEq, Serialize)]
pub struct Subject {
    /// The subject token (UUID v4).
    pub token: String,
    /// The profile (a JSON object). `null` in what
    /// [`update_subject`](crate::Vault::update_subject) returns to a caller whose purpose may
    /// change the profile but not read it.
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

/// A subject as read back, its profile still the JSON text it was stored as (one JSON object):
/// what a binding hands to its language's JSON parser when that is faster than converting a
/// parsed value. The text is wiped when dropped.
#[derive(Clone, PartialEq)]
pub struct SubjectText {
    /// The subject token (UUID v4).
    pub token: String,
    /// The profile as JSON text (an object).
    pub profile: Zeroizing<String>,
    /// Created, in milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// Last changed, in milliseconds since the Unix epoch.
    pub updated_ms: i64,
    /// 1 at creation, +1 per update.
    pub version: i64,
}

impl SubjectText {
    /// The JSON text of the [`Subject`] (the fields of its `Serialize`, in that order).
    pub fn to_json(&self) -> String {
        scan::subject_json(&self.token, self.created_ms, self.updated_ms, self.version, &self.profile)
    }
}

impl fmt::Debug for SubjectText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubjectText").field("version", &self.version).finish_non_exhaustive()
    }
}

/// An indexed field with its normalisation rule and blind-index key.
struct IndexedField {
    name: String,
    rule: Rule,
    key: IndexKey,
}

/// The subjects area of an open vault: the indexed fields with their keys, and how phone
/// numbers without a country code are read.
pub(crate) struct Subjects {
    fields: Vec<IndexedField>,
    region: Option<Region>,
    audit_details: AuditDetails,
}

/// A new subject, prepared outside the write lock.
struct NewRow<'a> {
    token: TokenBytes,
    wrapped: Vec<u8>,
    sealed: Vec<u8>,
    created_ms: i64,
    entries: Vec<(&'a str, [u8; INDEX_LEN])>,
    /// Bytes of the profile's JSON (for the batch limit).
    size: usize,
}

/// A row a lookup found, and the blind index it was found through (for a field lookup).
pub(crate) struct Found<'a> {
    row: SubjectRow,
    via: Option<Via<'a>>,
}

/// How a field lookup found its row: the field (its position), the blind index looked up and
/// the value it was computed from.
struct Via<'a> {
    field: usize,
    hash: [u8; INDEX_LEN],
    value: &'a str,
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

/// Where a subject's profile is sealed: bound to its token and row state.
fn profile_place<'a>(vault_id: &'a [u8; 16], token: &'a TokenBytes, row: RowState) -> Place<'a> {
    Place::versioned(vault_id, Slot::Profile, token, row)
}

fn state_of(row: &SubjectRow) -> RowState {
    RowState { version: row.version, created_ms: row.created_ms, updated_ms: row.updated_ms }
}

/// The token a lookup names directly, for auditing a failed attempt.
/// The token a lookup names, if it names one (what a refused call's audit event carries).
pub(crate) fn hint(lookup: &Lookup) -> Option<TokenBytes> {
    match lookup {
        Lookup::Token(t) => parse_token(t).ok(),
        Lookup::Field { .. } => None,
    }
}

fn duplicate(field: &str) -> Error {
    Error::new(ErrorKind::Duplicate, format!("another subject already has this {field}"))
}

impl Subjects {
    /// The configured indexed fields of a vault: `stored` (JSON text written at creation), which
    /// `requested` must equal unless it is empty. For a new vault, `stored` is `None` and the
    /// requested names are checked and returned with the JSON text to store.
    pub(crate) fn configure(stored: Option<&str>, requested: &[String]) -> Result<(Vec<String>, String)> {
        for name in requested {
            check_field_name(name)?;
        }
        let Some(stored) = stored else {
            let text = serde_json::to_string(requested).expect("a list of strings serialises");
            return Ok((requested.to_vec(), text));
        };
        let configured: Vec<String> = serde_json::from_str(stored)
            .map_err(|_| Error::new(ErrorKind::Storage, "the vault's metadata is missing or corrupt"))?;
        if !requested.is_empty() && requested != configured.as_slice() {
            return Err(Error::invalid(format!(
                "the vault was created with indexed_fields {configured:?}; open it with the same list or none"
            )));
        }
        Ok((configured, stored.to_owned()))
    }

    /// The area for a vault with the configured fields `configured`.
    pub(crate) fn new(
        keys: &Keyring,
        configured: Vec<String>,
        region: Option<Region>,
        audit_details: AuditDetails,
    ) -> Subjects {
        let fields = IDENTITY_FIELDS
            .iter()
            .map(|s| s.to_string())
            .chain(configured)
            .map(|name| IndexedField { rule: Rule::for_field(&name), key: IndexKey::new(&keys.field_key(&name)), name })
            .collect();
        Subjects { fields, region, audit_details }
    }

    fn field(&self, name: &str) -> Result<(usize, &IndexedField)> {
        self.fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.name == name)
            // The name is not echoed: a lookup's key may be anything a caller sent.
            .ok_or_else(|| Error::invalid("the lookup names a field that is not indexed in this vault"))
    }

    /// The blind index of `value` of `field`.
    fn index_of(&self, field: &IndexedField, value: &str) -> Result<[u8; INDEX_LEN]> {
        let norm = Zeroizing::new(normalize(&field.name, field.rule, value, self.region)?);
        Ok(field.key.index(&norm))
    }

    /// The blind indexes of a profile's indexed fields.
    fn index_entries(&self, profile: &Map<String, Value>) -> Result<Vec<(&str, [u8; INDEX_LEN])>> {
        let mut out = Vec::new();
        for field in &self.fields {
            match profile.get(&field.name) {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) => out.push((field.name.as_str(), self.index_of(field, s)?)),
                Some(_) => return Err(Error::invalid(format!("field '{}' must be a string", field.name))),
            }
        }
        Ok(out)
    }

    /// Find the row a lookup names. Unknown → `NOT_FOUND`; a token of an erased subject → `ERASED`.
    fn resolve<'a>(&self, db: &Db<'_>, lookup: &'a Lookup) -> Result<Found<'a>> {
        match lookup {
            Lookup::Token(token) => match db.subject_by_token(&parse_token(token)?)? {
                TokenLookup::Found(row) => Ok(Found { row, via: None }),
                TokenLookup::Erased => Err(Error::new(ErrorKind::Erased, "the subject was erased")),
                TokenLookup::Missing => Err(Error::not_found()),
            },
            Lookup::Field { field, value } => {
                let (i, f) = self.field(field)?;
                let hash = self.index_of(f, value)?;
                let row = db.subject_by_index(&f.name, &hash)?.ok_or_else(Error::not_found)?;
                Ok(Found { row, via: Some(Via { field: i, hash, value }) })
            }
        }
    }

    /// Find the row a lookup names for `op` by `caller`: the purpose check runs on what was
    /// found, as if before the lookup (see [`Engine::check_found`]).
    fn find<'a>(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        caller: &Caller,
        op: Operation,
        lookup: &'a Lookup,
    ) -> Result<Found<'a>> {
        engine.check_found(db, caller, op, self.resolve(db, lookup), |f| (f.row.id, f.row.token))
    }

    /// The row id, token and data key of the subject a lookup names for `op` by `caller` (the
    /// purpose check as [`find`](Self::find) runs it; `None`: an operation that checks none; a
    /// subject found through a blind index is checked to hold the value, as a read checks it).
    /// For the areas that keep a subject's rows of their own (consent).
    pub(crate) fn locate(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        (caller, op): (&Caller, Option<Operation>),
        lookup: &Lookup,
    ) -> Result<(i64, TokenBytes, SecretKey)> {
        let found = match op {
            Some(op) => self.find(engine, db, caller, op, lookup)?,
            None => self.resolve(db, lookup)?,
        };
        let dek = match found.via {
            None => engine.keys().unwrap_dek(&found.row.token, &found.row.dek)?,
            Some(_) => self.open_row(engine, &found)?.0,
        };
        Ok((found.row.id, found.row.token, dek))
    }

    /// The row id and token of the subject a lookup names, checked as
    /// [`locate`](Self::locate) checks it (without a purpose check), without unwrapping its key
    /// when the lookup is a token.
    pub(crate) fn locate_id(&self, engine: &Engine, db: &Db<'_>, lookup: &Lookup) -> Result<(i64, TokenBytes)> {
        let found = self.resolve(db, lookup)?;
        if found.via.is_some() {
            self.open_row(engine, &found)?;
        }
        Ok((found.row.id, found.row.token))
    }

    /// Decrypt a found row's data key and profile. A row found through a blind index is
    /// accepted only when its profile really holds the looked-up value (the index recomputed
    /// from the profile equals the one looked up, compared in constant time): an index entry
    /// re-pointed at another row is `INTEGRITY`, never another person's data.
    fn open_row(&self, engine: &Engine, found: &Found<'_>) -> Result<(SecretKey, Map<String, Value>)> {
        let row = &found.row;
        let dek = engine.keys().unwrap_dek(&row.token, &row.dek)?;
        let profile = decrypt_profile(engine, row, &dek)?;
        if let Some(via) = &found.via {
            let held = match profile.get(&self.fields[via.field].name) {
                Some(Value::String(s)) => Some(s.as_str()),
                _ => None,
            };
            self.check_holds(found, held)?;
        }
        Ok((dek, profile))
    }

    /// As [`open_row`](Self::open_row), but the profile stays the JSON text it was stored as
    /// (checked to be one JSON object; only the looked-up field is read out of it).
    fn open_row_text(&self, engine: &Engine, found: &Found<'_>) -> Result<Zeroizing<String>> {
        let row = &found.row;
        let dek = engine.keys().unwrap_dek(&row.token, &row.dek)?;
        let place = profile_place(engine.keys().vault_id(), &row.token, state_of(row));
        let mut plain = aead::open(&dek, ROW_KEY, &place, &row.profile)?;
        let text = Zeroizing::new(String::from_utf8(std::mem::take(&mut *plain)).map_err(|e| {
            zeroize::Zeroize::zeroize(&mut e.into_bytes());
            Error::integrity("a stored profile is not JSON")
        })?);
        let field = found.via.as_ref().map(|via| self.fields[via.field].name.as_str());
        let held = scan::profile_field(&text, field)?;
        if found.via.is_some() {
            self.check_holds(found, held.as_deref().map(|s| s.as_str()))?;
        }
        Ok(text)
    }

    /// A row found through a blind index is accepted only when its profile really holds the
    /// looked-up value: `held` (the profile's value of the field, if a string) must give the
    /// same blind index, compared in constant time. A value stored exactly as it was looked up
    /// gives that index by construction (the index was computed from it), so only a value that
    /// differs (in case or spacing, say) is normalised and hashed again.
    fn check_holds(&self, found: &Found<'_>, held: Option<&str>) -> Result<()> {
        let Some(via) = &found.via else { return Ok(()) };
        let holds = held.is_some_and(|s| {
            bool::from(s.as_bytes().ct_eq(via.value.as_bytes()))
                || self.index_of(&self.fields[via.field], s).is_ok_and(|h| index_eq(&h, &via.hash))
        });
        if holds {
            Ok(())
        } else {
            Err(Error::integrity("a blind-index entry names a subject that does not hold the looked-up value"))
        }
    }

    /// Make a new subject ready to insert: checked, indexed, keyed and sealed. Pure CPU work,
    /// done before the write lock is taken, so concurrent creates overlap it with each other's
    /// commits instead of queueing behind them.
    /// `rng` is the batch's buffered randomness (a single create reads the OS directly).
    fn prepare(&self, engine: &Engine, profile: Value, rng: Option<&mut OsRandom>) -> Result<NewRow<'_>> {
        engine.limits.check(&profile)?;
        let profile = expect_object(profile, "a profile")?;
        let entries = self.index_entries(&profile)?;
        // One read from the OS CSPRNG for everything a new subject needs: token, data key and
        // the two nonces (one system call instead of four).
        let mut fresh = Zeroizing::new([0u8; 16 + 32 + NONCE_LEN + NONCE_LEN]);
        match rng {
            Some(rng) => rng.fill(fresh.as_mut_slice())?,
            None => crate::crypto::random_fill(fresh.as_mut_slice())?,
        }
        let token = token_from_random(fresh[..16].try_into().expect("16 bytes"));
        let dek = SecretKey::from_slice(&fresh[16..48]).expect("32 bytes");
        let nonce = |at: usize| -> [u8; NONCE_LEN] { fresh[at..at + NONCE_LEN].try_into().expect("12 bytes") };
        let wrapped = engine.keys().wrap_dek(&token, &dek, nonce(48));
        let now = engine.now_ms();
        let state = RowState { version: 1, created_ms: now, updated_ms: now };
        let place = profile_place(engine.keys().vault_id(), &token, state);
        let plain = engine.limits.encode(&profile)?;
        let sealed = aead::seal_with_nonce(&dek, ROW_KEY, nonce(60), &place, &plain);
        Ok(NewRow { token, wrapped, sealed, created_ms: now, entries, size: plain.len() })
    }

    /// Insert a prepared subject inside a write transaction (the blind-index entries' primary
    /// key makes a duplicate `DUPLICATE`); returns its event.
    fn insert(tx: &Tx<'_>, row: &NewRow<'_>) -> Result<Event> {
        let id = tx.insert_subject(&NewSubject {
            token: &row.token,
            dek: &row.wrapped,
            profile: &row.sealed,
            created_ms: row.created_ms,
        })?;
        for (field, hash) in &row.entries {
            if !tx.insert_index_entry(id, field, hash)? {
                return Err(duplicate(field));
            }
        }
        // No details: the profile itself is the "after", readable as long as the subject is.
        Ok(Event::about(Action::SubjectCreate, id, row.token).at_version(1))
    }

    /// Create a subject; returns its token.
    pub(crate) fn create(&self, engine: &Engine, caller: &Caller, profile: Value) -> Result<String> {
        let row =
            self.prepare(engine, profile, None).map_err(|e| engine.refused(caller, Action::SubjectCreate, None, e))?;
        engine.write(caller, Action::SubjectCreate, None, |tx| {
            engine.check(tx, caller, (Operation::Write, Target::Nobody), false)?;
            let event = Self::insert(tx, &row)?;
            Ok((format_token(&row.token), vec![event]))
        })
    }

    /// Create many subjects in one transaction: all are created, or none (the error names the
    /// failing item's position).
    pub(crate) fn create_many(&self, engine: &Engine, caller: &Caller, profiles: Vec<Value>) -> Result<Vec<String>> {
        engine.limits.check_batch(profiles.len())?;
        let refused = |e: Error| engine.refused(caller, Action::SubjectCreate, None, e);
        let mut rows = Vec::with_capacity(profiles.len());
        let mut bytes = 0usize;
        let mut rng = OsRandom::new();
        for (i, profile) in profiles.into_iter().enumerate() {
            let row = self
                .prepare(engine, profile, Some(&mut rng))
                .map_err(|e| refused(e.context(format_args!("item {i}"))))?;
            bytes += row.size;
            if bytes > engine.limits.max_batch_bytes {
                return Err(refused(engine.limits.batch_too_large()));
            }
            rows.push(row);
        }
        engine.write(caller, Action::SubjectCreate, None, |tx| {
            engine.check(tx, caller, (Operation::Write, Target::Nobody), false)?;
            let mut tokens = Vec::with_capacity(rows.len());
            let mut events = Vec::with_capacity(rows.len());
            for (i, row) in rows.iter().enumerate() {
                events.push(Self::insert(tx, row).map_err(|e| e.context(format_args!("item {i}")))?);
                tokens.push(format_token(&row.token));
            }
            Ok((tokens, events))
        })
    }

    fn subject(row: &SubjectRow, profile: Map<String, Value>) -> Subject {
        Subject {
            token: format_token(&row.token),
            profile: Value::Object(profile),
            created_ms: row.created_ms,
            updated_ms: row.updated_ms,
            version: row.version,
        }
    }

    /// [`subject`](Self::subject) with the profile still its stored JSON text.
    fn subject_text(row: &SubjectRow, profile: Zeroizing<String>) -> SubjectText {
        SubjectText {
            token: format_token(&row.token),
            profile,
            created_ms: row.created_ms,
            updated_ms: row.updated_ms,
            version: row.version,
        }
    }

    /// Read a subject.
    pub(crate) fn get(&self, engine: &Engine, caller: &Caller, lookup: &Lookup) -> Result<Subject> {
        engine.read(caller, Action::SubjectGet, hint(lookup), |db| {
            let found = self.find(engine, db, caller, Operation::Read, lookup)?;
            let (_, profile) = self.open_row(engine, &found)?;
            let event = Event::about(Action::SubjectGet, found.row.id, found.row.token);
            Ok((Self::subject(&found.row, profile), vec![event]))
        })
    }

    /// Read a subject with its stored profile text passed through, without building a `Value`
    /// (what the bindings hand to their language's JSON parser).
    pub(crate) fn get_text(&self, engine: &Engine, caller: &Caller, lookup: &Lookup) -> Result<SubjectText> {
        engine.read(caller, Action::SubjectGet, hint(lookup), |db| {
            let found = self.find(engine, db, caller, Operation::Read, lookup)?;
            let profile = self.open_row_text(engine, &found)?;
            let event = Event::about(Action::SubjectGet, found.row.id, found.row.token);
            Ok((Self::subject_text(&found.row, profile), vec![event]))
        })
    }

    /// Read many subjects on one connection; misses (not found, erased) give `None`.
    pub(crate) fn get_many(
        &self,
        engine: &Engine,
        caller: &Caller,
        lookups: &[Lookup],
    ) -> Result<Vec<Option<Subject>>> {
        self.read_many(engine, caller, lookups, |found| {
            let (_, profile) = self.open_row(engine, found)?;
            Ok(Self::subject(&found.row, profile))
        })
    }

    /// [`get_many`](Self::get_many) as the JSON text of the list (each subject as
    /// [`get_text`](Self::get_text) gives it as JSON, `null` for a miss).
    pub(crate) fn get_many_json(&self, engine: &Engine, caller: &Caller, lookups: &[Lookup]) -> Result<String> {
        let items = self.read_many(engine, caller, lookups, |found| {
            Ok(Self::subject_text(&found.row, self.open_row_text(engine, found)?).to_json())
        })?;
        let mut out =
            String::with_capacity(2 + items.iter().map(|i| i.as_ref().map_or(4, String::len) + 1).sum::<usize>());
        out.push('[');
        for (n, item) in items.into_iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            match item {
                Some(mut text) => {
                    out.push_str(&text);
                    zeroize::Zeroize::zeroize(&mut text);
                }
                None => out.push_str("null"),
            }
        }
        out.push(']');
        Ok(out)
    }

    /// Read many subjects on one connection, each found row opened by `open`; misses (not
    /// found, erased) give `None` and are audited as failed attempts.
    fn read_many<T>(
        &self,
        engine: &Engine,
        caller: &Caller,
        lookups: &[Lookup],
        open: impl Fn(&Found<'_>) -> Result<T>,
    ) -> Result<Vec<Option<T>>> {
        engine.limits.check_batch(lookups.len())?;
        let mut misses = Vec::new();
        let found = engine.read_snapshot(caller, Action::SubjectGet, None, |db| {
            self.each_lookup(db, (engine, caller, Operation::Read), lookups, &mut misses, |found| {
                let item = open(found)?;
                Ok((item, Event::about(Action::SubjectGet, found.row.id, found.row.token)))
            })
        })?;
        record_misses(engine, caller, Action::SubjectGet, misses)?;
        Ok(found)
    }

    /// Resolve each lookup, check the caller's purpose for `op` on each found subject, and
    /// handle each found row with `found` (its result and event); a lookup that finds nothing,
    /// an erased subject, or a subject the purpose may not touch (`CONSENT_REQUIRED`) gives
    /// `None` and is kept in `misses`; any other error names the item's position.
    pub(crate) fn each_lookup<T>(
        &self,
        db: &Db<'_>,
        (engine, caller, op): (&Engine, &Caller, Operation),
        lookups: &[Lookup],
        misses: &mut Vec<Miss>,
        mut found: impl FnMut(&Found<'_>) -> Result<(T, Event)>,
    ) -> Result<(Vec<Option<T>>, Vec<Event>)> {
        let mut out = Vec::with_capacity(lookups.len());
        let mut events = Vec::with_capacity(lookups.len());
        for (i, lookup) in lookups.iter().enumerate() {
            match self.find(engine, db, caller, op, lookup) {
                Ok(row) => {
                    let (item, event) = found(&row).map_err(|e| e.context(format_args!("item {i}")))?;
                    out.push(Some(item));
                    events.push(event);
                }
                Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Erased | ErrorKind::ConsentRequired) => {
                    misses.push((hint(lookup), e.code()));
                    out.push(None);
                }
                Err(e) => return Err(e.context(format_args!("item {i}"))),
            }
        }
        Ok((out, events))
    }

    /// Change a subject's profile by merge patch (object) or JSON Patch (array); changed indexed
    /// fields are re-indexed and stay unique. The event's details keep what `audit_details`
    /// says (by default the before and after of each changed top-level field), encrypted under
    /// the subject's key.
    pub(crate) fn update(&self, engine: &Engine, caller: &Caller, lookup: &Lookup, patch: Value) -> Result<Subject> {
        engine.limits.check(&patch)?;
        engine.write(caller, Action::SubjectUpdate, hint(lookup), |tx| {
            let found = self.find(engine, tx, caller, Operation::Write, lookup)?;
            // An update returns the profile: only to a purpose that may also read it.
            let readable = engine
                .refusal(tx, caller, (Operation::Read, Target::Subject(found.row.id, &found.row.token)))?
                .is_none();
            let (dek, before) = self.open_row(engine, &found)?;
            let after = apply_patch(&before, &patch, &engine.limits)?;
            let row = &found.row;
            self.reindex(tx, row.id, &before, &after)?;
            let state = store_version(engine, tx, row, &dek, &after)?;
            let now = state.updated_ms;
            let event = Event::about(Action::SubjectUpdate, row.id, row.token).at_version(state.version);
            let event = match self.audit_details {
                AuditDetails::None => event,
                detail => {
                    let (mut old, mut new, mut fields) = (Map::new(), Map::new(), Vec::new());
                    for key in before.keys().chain(after.keys()) {
                        if before.get(key) != after.get(key) && !fields.contains(key) {
                            fields.push(key.clone());
                            if let Some(v) = before.get(key) {
                                old.insert(key.clone(), v.clone());
                            }
                            if let Some(v) = after.get(key) {
                                new.insert(key.clone(), v.clone());
                            }
                        }
                    }
                    let details = match detail {
                        AuditDetails::Fields => json!({ "fields": fields }),
                        _ => json!({ "before": old, "after": new }),
                    };
                    event.with_details(engine.keys().vault_id(), &dek, &details)?
                }
            };
            let subject = Subject {
                token: format_token(&row.token),
                profile: if readable { Value::Object(after) } else { Value::Null },
                created_ms: row.created_ms,
                updated_ms: now,
                version: state.version,
            };
            Ok((subject, vec![event]))
        })
    }

    /// Bring a subject's blind-index entries from profile `before` to `after`. Only fields whose
    /// value changed are touched: an unchanged value keeps the entry it was indexed with, even
    /// when this version's rules no longer normalise it (normalisation rules change with the
    /// phone metadata and the email rules; a value stored under older rules never makes an
    /// update fail). A changed value's old entry is found by its hash, or — a value these
    /// rules refuse — by the subject's entries of that field; the new value must normalise.
    fn reindex(&self, tx: &Tx<'_>, id: i64, before: &Map<String, Value>, after: &Map<String, Value>) -> Result<()> {
        for field in &self.fields {
            let (old, new) = (before.get(&field.name), after.get(&field.name));
            if old == new {
                continue;
            }
            if let Some(Value::String(old)) = old {
                let hash = self.index_of(field, old).ok();
                tx.delete_index_entries(id, &field.name, hash.as_ref().map(|h| h.as_slice()))?;
            }
            match new {
                None | Some(Value::Null) => {}
                Some(Value::String(value)) => {
                    if !tx.insert_index_entry(id, &field.name, &self.index_of(field, value)?)? {
                        return Err(duplicate(&field.name));
                    }
                }
                Some(_) => return Err(Error::invalid(format!("field '{}' must be a string", field.name))),
            }
        }
        Ok(())
    }

    /// The row a lookup names for an erasure by `caller` (checked as `delete` for its purpose, a
    /// row found through an index checked to hold the value).
    pub(crate) fn find_to_erase<'a>(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        caller: &Caller,
        lookup: &'a Lookup,
    ) -> Result<Found<'a>> {
        self.find(engine, db, caller, Operation::Delete, lookup)
    }

    /// The subject's own part of its erasure, last (after every area of the lifecycle registry
    /// removed what it holds): its index entries, its row — and with it its data key, so what
    /// is sealed under it is shredded — and the fact of the erasure. How many index entries
    /// went.
    pub(crate) fn erase_row(&self, engine: &Engine, tx: &Tx<'_>, found: &Found<'_>, now: i64) -> Result<u64> {
        let (_, profile) = self.open_row(engine, found)?;
        // The entries to delete, recomputed from the stored values (a value this version no
        // longer normalises is found by a scan of its field instead).
        let entries: Vec<(&str, Option<[u8; INDEX_LEN]>)> = self
            .fields
            .iter()
            .filter_map(|f| match profile.get(&f.name) {
                Some(Value::String(s)) => Some((f.name.as_str(), self.index_of(f, s).ok())),
                _ => None,
            })
            .collect();
        tx.erase_subject(found.row.id, &found.row.token, now, &entries)
    }
}

impl Found<'_> {
    /// The found subject's row id and token.
    pub(crate) fn subject(&self) -> (i64, TokenBytes) {
        (self.row.id, self.row.token)
    }
}

/// A lookup of a batch that found nothing: the token it named (if any) and the error code.
pub(crate) type Miss = (Option<TokenBytes>, &'static str);

/// Audit the misses of a batch as failed attempts of `action`.
pub(crate) fn record_misses(engine: &Engine, caller: &Caller, action: Action, misses: Vec<Miss>) -> Result<()> {
    let now = engine.now_ms();
    engine
        .record(misses.into_iter().map(|(t, code)| Event::attempt(action, t).into_pending(caller, now, code)).collect())
}

/// Seal `profile` as the next version of the subject's row and store it; the new row state.
fn store_version(
    engine: &Engine,
    tx: &Tx<'_>,
    row: &SubjectRow,
    dek: &SecretKey,
    profile: &Map<String, Value>,
) -> Result<RowState> {
    let now = engine.now_ms();
    let state = RowState { version: row.version + 1, created_ms: row.created_ms, updated_ms: now };
    let place = profile_place(engine.keys().vault_id(), &row.token, state);
    let sealed = aead::seal(dek, ROW_KEY, &place, &engine.limits.encode(profile)?)?;
    tx.update_profile(row.id, &sealed, now, state.version)?;
    Ok(state)
}

#[cfg(feature = "testing")]
impl Subjects {
    /// Store `profile` as the subject's next version without touching its blind-index entries:
    /// what a vault holds when a value was indexed under normalisation rules this version no
    /// longer has (tests only).
    pub(crate) fn store_unindexed(&self, engine: &Engine, token: &str, profile: Value) -> Result<()> {
        let caller = Caller::new("testing")?;
        let profile = expect_object(profile, "a profile")?;
        engine.write(&caller, Action::SubjectUpdate, None, |tx| {
            let lookup = Lookup::token(token);
            let found = self.resolve(tx, &lookup)?;
            let (dek, _) = self.open_row(engine, &found)?;
            let state = store_version(engine, tx, &found.row, &dek, &profile)?;
            Ok(((), vec![Event::about(Action::SubjectUpdate, found.row.id, found.row.token).at_version(state.version)]))
        })
    }
}

fn decrypt_profile(engine: &Engine, row: &SubjectRow, dek: &SecretKey) -> Result<Map<String, Value>> {
    let place = profile_place(engine.keys().vault_id(), &row.token, state_of(row));
    let plain = aead::open(dek, ROW_KEY, &place, &row.profile)?;
    let value: Value = serde_json::from_slice(&plain).map_err(|_| Error::integrity("a stored profile is not JSON"))?;
    expect_object(value, "a stored profile").map_err(|_| Error::integrity("a stored profile is not an object"))
}

/// The data key of the subject `token`, or `None` when it was erased (its details are shredded).
pub(crate) fn data_key(engine: &Engine, db: &Db<'_>, token: &TokenBytes) -> Result<Option<SecretKey>> {
    db.subject_dek(token)?.map(|w| engine.keys().unwrap_dek(token, &w)).transpose()
}

/// The row id, token and data key of the subject with token `token` (text): `NOT_FOUND` when
/// there is none, `ERASED` when it was erased.
pub(crate) fn key_of(engine: &Engine, db: &Db<'_>, token: &str) -> Result<(i64, TokenBytes, SecretKey)> {
    let token = parse_token(token)?;
    match db.subject_by_token(&token)? {
        TokenLookup::Found(row) => Ok((row.id, row.token, engine.keys().unwrap_dek(&row.token, &row.dek)?)),
        TokenLookup::Erased => Err(Error::new(ErrorKind::Erased, "the subject was erased")),
        TokenLookup::Missing => Err(Error::new(ErrorKind::NotFound, "no subject has this token")),
    }
}

/// The token and data key of the stored subject with row id `id`, or `None` when it is gone.
pub(crate) fn data_key_by_id(engine: &Engine, db: &Db<'_>, id: i64) -> Result<Option<(TokenBytes, SecretKey)>> {
    db.subject_key_by_id(id)?
        .map(|(token, wrapped)| Ok((token, engine.keys().unwrap_dek(&token, &wrapped)?)))
        .transpose()
}

/// The row id of the subject with this token, stored or erased.
pub(crate) fn row_id(db: &Db<'_>, token: &TokenBytes) -> Result<Option<i64>> {
    db.subject_id_of(token)
}

/// Every stored subject's row id, token and version (for reconciling rows with the audit chain).
pub(crate) fn versions(db: &Db<'_>, mut f: impl FnMut(i64, TokenBytes, i64) -> Result<()>) -> Result<()> {
    db.each_subject_version(&mut f)
}

/// The token and row id of every erased subject (the facts of erasures, for `verify_audit`).
pub(crate) fn erased(db: &Db<'_>) -> Result<Vec<(TokenBytes, i64)>> {
    db.erased_subjects()
}
