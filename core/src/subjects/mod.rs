//! Subjects: profiles encrypted under a per-subject data key, found by token or by the blind
//! index of a unique field (and accepted only when the decrypted profile really holds the
//! looked-up value), changed by merge patch or JSON Patch, erased by crypto-shredding.

pub(crate) mod bulk;
mod lookup;
pub(crate) mod ops;
mod read;
mod scan;
pub(crate) mod store;
mod write;

use std::fmt;

use phonenumber::country::Id as Region;
use serde::Serialize;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

pub use lookup::Lookup;
pub(crate) use write::change_details;

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::crypto::aead::{Place, RowState, Slot};
use crate::crypto::index::{IndexKey, INDEX_LEN};
use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{parse_token, TokenBytes};
use crate::keyring::Keyring;
use crate::normalize::{normalize, Rule};
use crate::options::AuditDetails;
use crate::store::Db;
use crate::subjects::store::{SubjectRow, TokenLookup};

/// The identity fields every vault indexes (unique per vault).
pub const IDENTITY_FIELDS: [&str; 3] = ["email", "phone", "login"];

/// A subject as read back.
#[derive(Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Subject {
    /// The subject token (UUID v4).
    pub token: String,
    /// The profile (a JSON object). `null` in what
    /// [`update_subject`](crate::Vault::update_subject) returns to a caller whose purpose may
    /// change the profile but not read it.
    #[cfg_attr(feature = "schema", schemars(with = "Option<serde_json::Map<String, Value>>"))]
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
    /// The bulk guard's unlocks, by actor and purpose.
    bulk: bulk::Grants,
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
/// A subject's blind-index entries by field name (what an erasure deletes and the erasure ledger
/// keeps the keyed hashes of).
pub(crate) type IndexEntries = Vec<(String, [u8; crate::crypto::index::INDEX_LEN])>;

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
        Subjects { fields, region, audit_details, bulk: bulk::Grants::default() }
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

/// The profile of the stored subject with row id `id`, for an area that discloses part of it
/// under its own check (a share); `None` when it is not stored.
pub(crate) fn profile_by_id(engine: &Engine, db: &Db<'_>, id: i64) -> Result<Option<Map<String, Value>>> {
    let Some((token, _)) = db.subject_key_by_id(id)? else { return Ok(None) };
    match db.subject_by_token(&token)? {
        TokenLookup::Found(row) => {
            let dek = engine.keys().unwrap_dek(&row.token, &row.dek)?;
            read::decrypt_profile(engine, &row, &dek).map(Some)
        }
        _ => Ok(None),
    }
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
