//! Reading subjects: resolving a lookup (token or blind index) to its row, checking that a row
//! found through an index really holds the value, opening it, and the single and batch reads.

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::crypto::aead::{self, ROW_KEY};
use crate::crypto::index::index_eq;
use crate::crypto::keys::SecretKey;
use crate::document::expect_object;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{format_token, parse_token, TokenBytes};
use crate::policy::Operation;
use crate::store::Db;
use crate::subjects::store::{SubjectRow, TokenLookup};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::{hint, profile_place, record_misses, state_of, Found, Lookup, Miss, Subject, SubjectText, Subjects, Via};

impl Subjects {
    /// Find the row a lookup names. Unknown → `NOT_FOUND`; a token of an erased subject → `ERASED`.
    pub(super) fn resolve<'a>(&self, db: &Db<'_>, lookup: &'a Lookup) -> Result<Found<'a>> {
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
    pub(super) fn find<'a>(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        caller: &Caller,
        op: Operation,
        lookup: &'a Lookup,
    ) -> Result<Found<'a>> {
        engine.check_found(db, caller, op, self.resolve(db, lookup), |f| Some((f.row.id, f.row.token)))
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

    /// The subject a lookup names for `op` by `caller`, opened: its row id, token, the subject as
    /// read and its data key.
    pub(crate) fn open_subject(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        (caller, op): (&Caller, Operation),
        lookup: &Lookup,
    ) -> Result<(i64, TokenBytes, Subject, SecretKey)> {
        let found = self.find(engine, db, caller, op, lookup)?;
        let (dek, profile) = self.open_row(engine, &found)?;
        Ok((found.row.id, found.row.token, Self::subject(&found.row, profile), dek))
    }

    /// The row id and token of the subject a lookup names, checked as
    /// [`locate`](Self::locate) checks it (without a purpose check), without unwrapping its key
    /// when the lookup is a token.
    /// The row id and token of the subject a lookup names for `op` by `caller` (purpose-checked;
    /// a row found through an index checked to hold the value).
    pub(crate) fn locate_checked(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        caller: &Caller,
        op: Operation,
        lookup: &Lookup,
    ) -> Result<(i64, TokenBytes)> {
        let found = self.find(engine, db, caller, op, lookup)?;
        if found.via.is_some() {
            self.open_row(engine, &found)?;
        }
        Ok((found.row.id, found.row.token))
    }

    /// The row a lookup names, for an erasure that an earlier, checked call decided (a scheduled
    /// erasure falling due): no purpose check.
    pub(crate) fn find_decided<'a>(&self, db: &Db<'_>, lookup: &'a Lookup) -> Result<Found<'a>> {
        self.resolve(db, lookup)
    }

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
    pub(super) fn open_row(&self, engine: &Engine, found: &Found<'_>) -> Result<(SecretKey, Map<String, Value>)> {
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
    pub(super) fn open_row_text(&self, engine: &Engine, found: &Found<'_>) -> Result<Zeroizing<String>> {
        let row = &found.row;
        let dek = engine.keys().unwrap_dek(&row.token, &row.dek)?;
        let place = profile_place(engine.keys().vault_id(), &row.token, state_of(row));
        let mut plain = aead::open(&dek, ROW_KEY, &place, &row.profile)?;
        let text = Zeroizing::new(String::from_utf8(std::mem::take(&mut *plain)).map_err(|e| {
            zeroize::Zeroize::zeroize(&mut e.into_bytes());
            Error::integrity("a stored profile is not JSON")
        })?);
        let field = found.via.as_ref().map(|via| self.fields[via.field].name.as_str());
        let held = super::scan::profile_field(&text, field)?;
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
    pub(super) fn check_holds(&self, found: &Found<'_>, held: Option<&str>) -> Result<()> {
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

    pub(super) fn subject(row: &SubjectRow, profile: Map<String, Value>) -> Subject {
        Subject {
            token: format_token(&row.token),
            profile: Value::Object(profile),
            created_ms: row.created_ms,
            updated_ms: row.updated_ms,
            version: row.version,
        }
    }

    /// [`subject`](Self::subject) with the profile still its stored JSON text.
    pub(super) fn subject_text(row: &SubjectRow, profile: Zeroizing<String>) -> SubjectText {
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
    pub(super) fn read_many<T>(
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
}
pub(super) fn decrypt_profile(engine: &Engine, row: &SubjectRow, dek: &SecretKey) -> Result<Map<String, Value>> {
    let place = profile_place(engine.keys().vault_id(), &row.token, state_of(row));
    let plain = aead::open(dek, ROW_KEY, &place, &row.profile)?;
    let value: Value = serde_json::from_slice(&plain).map_err(|_| Error::integrity("a stored profile is not JSON"))?;
    expect_object(value, "a stored profile").map_err(|_| Error::integrity("a stored profile is not an object"))
}
