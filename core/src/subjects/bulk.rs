//! The bulk guard: enumerating the vault's subjects (`list_subjects`) is refused with
//! `BULK_LOCKED` until an audited call (`unlock_bulk`) names the purpose of the processing, for a
//! bounded time and a bounded number of subjects; pages are capped, and every subject a page
//! returns is audited. Databunker's equivalent is a boolean in its configuration; here an
//! enumeration is an act someone answers for. A grant belongs to the caller's actor and purpose
//! and lives in the open vault (each process that opens the vault unlocks for itself).

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::page::{Page, PageRequest};
use crate::policy::{Operation, Target};

use super::{Subject, Subjects};

/// An unlock's lifetime when the call names none: 10 minutes.
pub const BULK_TTL_DEFAULT_MS: i64 = 600_000;
/// The longest an unlock may last: 1 hour.
pub const BULK_TTL_MAX_MS: i64 = 3_600_000;
/// Subjects an unlock allows when the call names no number.
pub const BULK_SUBJECTS_DEFAULT: i64 = 10_000;
/// The most subjects one unlock may allow.
pub const BULK_SUBJECTS_MAX: i64 = 1_000_000;
/// The most subjects one page of a bulk listing holds (a larger `limit` is cut to it).
pub const BULK_PAGE_MAX: u64 = 100;

/// What an unlock asks for (unknown fields refused).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct BulkOptions {
    /// How long it lasts, in milliseconds (default 10 minutes, at most 1 hour).
    pub ttl_ms: Option<i64>,
    /// How many subjects it allows listing in all (default 10,000, at most 1,000,000).
    pub max_subjects: Option<i64>,
}

/// An unlock as granted (or as it stands).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BulkGrant {
    /// The actor it is for.
    pub actor: String,
    /// The purpose it is for.
    pub purpose: String,
    /// When it ends, in milliseconds since the Unix epoch.
    pub expires_ms: i64,
    /// How many subjects it allows in all.
    pub max_subjects: i64,
    /// How many it still allows.
    pub remaining: i64,
}

/// The grants of an open vault, by actor and purpose.
#[derive(Default)]
pub(crate) struct Grants(Mutex<HashMap<(String, String), BulkGrant>>);

fn locked(why: &str) -> Error {
    Error::new(
        ErrorKind::BulkLocked,
        format!("listing subjects is locked ({why}): unlock_bulk naming a purpose unlocks it for a bounded time and number of subjects"),
    )
}

impl Grants {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), BulkGrant>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Take up to `want` subjects from the caller's live grant (`BULK_LOCKED` without one).
    fn reserve(&self, key: &(String, String), want: u64, now: i64) -> Result<u64> {
        let mut grants = self.lock();
        let grant = grants.get_mut(key).ok_or_else(|| locked("no unlock for this actor and purpose"))?;
        if grant.expires_ms <= now {
            grants.remove(key);
            return Err(locked("the unlock expired"));
        }
        if grant.remaining <= 0 {
            return Err(locked("the unlock's number of subjects is used up"));
        }
        let took = want.min(grant.remaining as u64);
        grant.remaining -= took as i64;
        Ok(took)
    }

    /// Give back what a page reserved but did not return.
    fn refund(&self, key: &(String, String), n: u64) {
        if let Some(grant) = self.lock().get_mut(key) {
            grant.remaining += n as i64;
        }
    }
}

fn key_of(caller: &Caller) -> Result<(String, String)> {
    let purpose = caller
        .purpose()
        .ok_or_else(|| Error::invalid("a bulk unlock and a bulk listing name the purpose of the processing"))?;
    Ok((caller.actor().to_owned(), purpose.to_owned()))
}

/// A bulk listing's cursor: the last row id of the previous page.
fn after(page: &PageRequest) -> Result<i64> {
    match page.cursor.as_deref() {
        None => Ok(0),
        Some(c) => c
            .strip_prefix('r')
            .and_then(|id| id.parse::<i64>().ok())
            .filter(|id| *id >= 0)
            .ok_or_else(|| Error::invalid("not a cursor of list_subjects")),
    }
}

impl Subjects {
    /// Unlock listing for the caller's actor and purpose (whose activity must cover reads).
    /// Audited as `bulk.unlock`, committed before it returns.
    pub(crate) fn unlock_bulk(&self, engine: &Engine, caller: &Caller, options: BulkOptions) -> Result<BulkGrant> {
        let refused = |e| engine.refused(caller, Action::BulkUnlock, None, e);
        let key = key_of(caller).map_err(refused)?;
        let ttl = options.ttl_ms.unwrap_or(BULK_TTL_DEFAULT_MS);
        let max = options.max_subjects.unwrap_or(BULK_SUBJECTS_DEFAULT);
        if !(1..=BULK_TTL_MAX_MS).contains(&ttl) {
            return Err(refused(Error::invalid("a bulk unlock lasts 1 ms to 1 hour (ttl_ms)")));
        }
        if !(1..=BULK_SUBJECTS_MAX).contains(&max) {
            return Err(refused(Error::invalid("a bulk unlock allows 1 to 1,000,000 subjects (max_subjects)")));
        }
        let grant = engine.write(caller, Action::BulkUnlock, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            engine.check(tx, caller, (Operation::Read, Target::Nobody), false)?;
            let grant = BulkGrant {
                actor: key.0.clone(),
                purpose: key.1.clone(),
                expires_ms: engine.now_ms().saturating_add(ttl),
                max_subjects: max,
                remaining: max,
            };
            Ok((grant, vec![Event::attempt(Action::BulkUnlock, None)]))
        })?;
        self.bulk.lock().insert(key, grant.clone());
        Ok(grant)
    }

    /// End the caller's unlock now (nothing when there is none). Audited as `bulk.lock`.
    pub(crate) fn lock_bulk(&self, engine: &Engine, caller: &Caller) -> Result<()> {
        engine.write(caller, Action::BulkLock, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            Ok(((), vec![Event::attempt(Action::BulkLock, None)]))
        })?;
        if let Some(purpose) = caller.purpose() {
            self.bulk.lock().remove(&(caller.actor().to_owned(), purpose.to_owned()));
        }
        Ok(())
    }

    /// A page of every stored subject, in creation order, under the caller's unlock: each one
    /// checked as a read (a refused one is left out) and audited as `subject.list`.
    pub(crate) fn list(&self, engine: &Engine, caller: &Caller, page: &PageRequest) -> Result<Page<Subject>> {
        let refused = |e| engine.refused(caller, Action::SubjectList, None, e);
        let limit = page.limit().map_err(refused)?.min(BULK_PAGE_MAX);
        let after = after(page).map_err(refused)?;
        let key = key_of(caller).map_err(refused)?;
        // The activity first (a purpose that may not read is told so, whatever the lock).
        engine
            .unaudited(|db| {
                engine.validate_purpose(db, caller)?;
                engine.check(db, caller, (Operation::Read, Target::Nobody), false)
            })
            .map_err(refused)?;
        let took = self.bulk.reserve(&key, limit, engine.now_ms()).map_err(refused)?;
        let listed = engine.read_snapshot(caller, Action::SubjectList, None, |db| {
            let total = db.count_subjects()?;
            let rows = db.subjects_page(after, took)?;
            let next = if rows.len() as u64 == took { rows.last().map(|r| format!("r{}", r.id)) } else { None };
            let (mut items, mut events) = (Vec::with_capacity(rows.len()), Vec::with_capacity(rows.len()));
            for row in rows {
                let target = Target::Subject(row.id, &row.token);
                if engine.refusal(db, caller, (Operation::Read, target))?.is_some() {
                    continue;
                }
                let found = super::Found { row, via: None };
                let (_, profile) = self.open_row(engine, &found)?;
                events.push(Event::about(Action::SubjectList, found.row.id, found.row.token));
                items.push(Self::subject(&found.row, profile));
            }
            Ok((Page { total, items, next }, events))
        });
        match &listed {
            Ok(p) => self.bulk.refund(&key, took - p.items.len() as u64),
            Err(_) => self.bulk.refund(&key, took),
        }
        listed
    }
}
