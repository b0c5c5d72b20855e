//! Writing subjects: creating (single and batch), changing a profile and re-indexing it, and
//! the subject's own row in an erasure.

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::crypto::aead::{self, RowState, NONCE_LEN, ROW_KEY};
use crate::crypto::index::INDEX_LEN;
use crate::crypto::keys::SecretKey;
use crate::crypto::OsRandom;
use crate::document::expect_object;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::{format_token, token_from_random};
use crate::options::AuditDetails;
use crate::patch::apply_patch;
use crate::policy::{Operation, Target};
use crate::store::{Db, Tx};
use crate::subjects::store::{NewSubject, SubjectRow};
use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use super::{duplicate, hint, profile_place, Found, IndexEntries, Lookup, NewRow, Subject, Subjects};

impl Subjects {
    /// Make a new subject ready to insert: checked, indexed, keyed and sealed. Pure CPU work,
    /// done before the write lock is taken, so concurrent creates overlap it with each other's
    /// commits instead of queueing behind them.
    /// `rng` is the batch's buffered randomness (a single create reads the OS directly).
    pub(super) fn prepare(&self, engine: &Engine, profile: Value, rng: Option<&mut OsRandom>) -> Result<NewRow<'_>> {
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
    pub(super) fn insert(tx: &Tx<'_>, row: &NewRow<'_>) -> Result<Event> {
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

    /// Change a subject's profile by merge patch (object) or JSON Patch (array); changed indexed
    /// fields are re-indexed and stay unique. The event's details keep what `audit_details`
    /// says (by default the before and after of each changed top-level field), encrypted under
    /// the subject's key.
    pub(crate) fn update(&self, engine: &Engine, caller: &Caller, lookup: &Lookup, patch: Value) -> Result<Subject> {
        engine.limits.check(&patch)?;
        engine
            .write(caller, Action::SubjectUpdate, hint(lookup), |tx| self.update_in(engine, tx, caller, lookup, &patch))
    }

    /// [`update`](Self::update) inside a write: the subject as changed and the event.
    pub(crate) fn update_in(
        &self,
        engine: &Engine,
        tx: &Tx<'_>,
        caller: &Caller,
        lookup: &Lookup,
        patch: &Value,
    ) -> Result<(Subject, Vec<Event>)> {
        {
            let found = self.find(engine, tx, caller, Operation::Write, lookup)?;
            // An update returns the profile: only to a purpose that may also read it.
            let readable = engine
                .refusal(tx, caller, (Operation::Read, Target::Subject(found.row.id, &found.row.token)))?
                .is_none();
            let (dek, before) = self.open_row(engine, &found)?;
            let after = apply_patch(&before, patch, &engine.limits)?;
            let row = &found.row;
            self.reindex(tx, row.id, &before, &after)?;
            let state = store_version(engine, tx, row, &dek, &after)?;
            let now = state.updated_ms;
            let event = Event::about(Action::SubjectUpdate, row.id, row.token).at_version(state.version);
            let event = match change_details(self.audit_details, &before, &after) {
                None => event,
                Some(details) => event.with_details(engine.keys().vault_id(), &dek, &Value::Object(details))?,
            };
            let subject = Subject {
                token: format_token(&row.token),
                profile: if readable { Value::Object(after) } else { Value::Null },
                created_ms: row.created_ms,
                updated_ms: now,
                version: state.version,
            };
            Ok((subject, vec![event]))
        }
    }

    /// Bring a subject's blind-index entries from profile `before` to `after`. Only fields whose
    /// value changed are touched: an unchanged value keeps the entry it was indexed with, even
    /// when this version's rules no longer normalise it (normalisation rules change with the
    /// phone metadata and the email rules; a value stored under older rules never makes an
    /// update fail). A changed value's old entry is found by its hash, or — a value these
    /// rules refuse — by the subject's entries of that field; the new value must normalise.
    pub(super) fn reindex(
        &self,
        tx: &Tx<'_>,
        id: i64,
        before: &Map<String, Value>,
        after: &Map<String, Value>,
    ) -> Result<()> {
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
    /// went, and which (the erasure ledger keeps their keyed hashes).
    pub(crate) fn erase_row(
        &self,
        engine: &Engine,
        tx: &Tx<'_>,
        found: &Found<'_>,
        now: i64,
    ) -> Result<(u64, IndexEntries)> {
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
        let removed = tx.erase_subject(found.row.id, &found.row.token, now, &entries)?;
        let kept = entries.iter().filter_map(|(field, index)| index.map(|i| ((*field).to_owned(), i))).collect();
        Ok((removed, kept))
    }
}

/// What the audit event of a change from `before` to `after` keeps (see [`AuditDetails`]): the
/// before and after of each changed top-level field, their names, or nothing (`None`). Sealed
/// under the subject's key by the caller. (App documents' changes keep the same.)
pub(crate) fn change_details(
    detail: AuditDetails,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> Option<Map<String, Value>> {
    if detail == AuditDetails::None {
        return None;
    }
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
    match details {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Seal `profile` as the next version of the subject's row and store it; the new row state.
pub(super) fn store_version(
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
