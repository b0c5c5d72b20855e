//! The consent area's purpose rules, the engine's gate: the caller's purpose names a processing
//! activity; the activity must cover the operation, and when every legal basis it relies on is
//! consent, the subject must have an agreement in force under one of them.
//!
//! The catalogue (activities and bases) is cached in memory for one *generation*, a counter in
//! the file that every change of the catalogue and every consent decision bumps (from any
//! connection of any process). With the catalogue, the current decisions read at that
//! generation are cached too (after their MAC was verified): while nothing changes, a check
//! right after a subject's row was read costs no statement — the generation comes from the
//! reader's memo (see `CatalogueReads::catalogue_generation`) and the decision from memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use crate::caller::Caller;
use crate::consent::seal;
use crate::consent::store::{BasisRow, CurrentRow};
use crate::crypto::index::{MacKey, PartsMac};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::TokenBytes;
use crate::keyring::Keyring;
use crate::policy::{Gate, Operation, Refusal, Target, Verdict, RESTRICTED, UNKNOWN_PURPOSE};
use crate::store::Db;

/// Stored numbers of consent decisions (`agreements.decision`, outbox events).
/// (The one table of them: `ConsentStatus` maps to these.)
pub(crate) mod decision {
    pub(crate) const GIVEN: i64 = 1;
    pub(crate) const REFUSED: i64 = 2;
    pub(crate) const WITHDRAWN: i64 = 3;
    pub(crate) const REVOKED: i64 = 4;
    pub(crate) const EXPIRED: i64 = 5;
    /// Not a decision: the outbox event of a subject's erasure.
    pub(crate) const ERASED: i64 = 6;
}

/// The stored number of the `consent` basis type.
pub(crate) const CONSENT_TYPE: i64 = 1;
/// The stored number of the `active` basis status.
pub(crate) const ACTIVE: i64 = 1;

/// The MAC of a current decision of the subject `token` under the consent state key: a row
/// planted or edited by someone who can write the file (but holds no key) fails every check
/// that reads it, and so does one moved to another subject (its row id swapped with another's:
/// the token is bound, format 6). `token` is `None` for the formula of formats 4 and 5, which
/// bound the row id alone (read only to upgrade their rows).
pub(crate) fn state_mac(key: &MacKey, token: Option<&TokenBytes>, c: &CurrentRow) -> [u8; 32] {
    let mut mac = PartsMac::new(key);
    mac.part(b"agreements_now");
    if let Some(token) = token {
        mac.part(b"subject").part(token);
    }
    mac.part(&c.subject_id.to_be_bytes())
        .part(&c.basis_id.to_be_bytes())
        .part(&c.seq.to_be_bytes())
        .part(&c.decision.to_be_bytes())
        .part(&c.start_ms.to_be_bytes())
        .opt(c.expires_ms.map(i64::to_be_bytes).as_ref().map(|b| b.as_slice()))
        .finish()
}

/// Fail with `INTEGRITY` unless a current decision's MAC is right for the subject `token`.
fn verify(key: &MacKey, token: &TokenBytes, c: &CurrentRow) -> Result<()> {
    let expected = state_mac(key, Some(token), c);
    if !bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_slice(), c.mac.as_slice())) {
        return Err(Error::integrity("a stored consent decision fails its MAC"));
    }
    Ok(())
}

/// Whether a verified current decision is an agreement in force at `now_ms` under a basis
/// revoked for everyone through `revoked_through`.
fn is_in_force(c: &CurrentRow, revoked_through: i64, now_ms: i64) -> bool {
    c.decision == decision::GIVEN
        && c.seq > revoked_through
        && c.start_ms <= now_ms
        && c.expires_ms.map_or(true, |e| e > now_ms)
}

/// Whether a current decision is an agreement in force at `now_ms` under a basis revoked for
/// everyone through `revoked_through` (its MAC is checked first).
pub(crate) fn in_force(
    key: &MacKey,
    token: &TokenBytes,
    c: &CurrentRow,
    revoked_through: i64,
    now_ms: i64,
) -> Result<bool> {
    verify(key, token, c)?;
    Ok(is_in_force(c, revoked_through, now_ms))
}

/// Why a consent-based purpose is refused for a subject (also one that is not there).
const NO_CONSENT: &str = "the subject has no consent in force for the processing activity's legal bases";

/// Current decisions remembered per catalogue generation, at most this many (then forgotten
/// all at once).
const MAX_REMEMBERED: usize = 100_000;

/// A basis as the check needs it.
#[derive(Debug, Clone)]
struct BasisRule {
    brief: String,
    consent: bool,
    active: bool,
    revoked_through: i64,
}

/// An activity as the check needs it.
#[derive(Debug, Clone)]
struct ActivityRule {
    operations: i64,
    bases: Vec<i64>,
}

/// The cached catalogue at one generation, with the current decisions read at it.
#[derive(Debug, Default)]
struct Catalogue {
    generation: i64,
    activities: HashMap<String, ActivityRule>,
    bases: HashMap<i64, BasisRule>,
    /// The bases' rows, by brief (what the consent area reads).
    basis_rows: HashMap<String, BasisRow>,
    /// (subject row id, basis id) → the verified current decision (`None`: none recorded), as
    /// read in a state of this generation.
    decisions: Mutex<HashMap<(i64, i64), Option<CurrentRow>>>,
    /// Subject row id → since when its processing is restricted (GDPR Art. 18).
    restricted: HashMap<i64, i64>,
}

impl Catalogue {
    fn remembered(&self, subject_id: i64, basis_id: i64) -> Option<Option<CurrentRow>> {
        self.decisions.lock().unwrap_or_else(|p| p.into_inner()).get(&(subject_id, basis_id)).cloned()
    }

    fn remember(&self, subject_id: i64, basis_id: i64, current: Option<CurrentRow>) {
        let mut decisions = self.decisions.lock().unwrap_or_else(|p| p.into_inner());
        if decisions.len() >= MAX_REMEMBERED {
            decisions.clear();
        }
        decisions.insert((subject_id, basis_id), current);
    }
}

/// The purpose policy of an open vault.
pub(crate) struct Policy {
    require_purpose: bool,
    cache: RwLock<Arc<Catalogue>>,
}

impl Policy {
    /// The rules of a vault opened with `require_purpose` or not; the catalogue is read at the
    /// first check.
    pub(crate) fn new(require_purpose: bool) -> Policy {
        Policy { require_purpose, cache: RwLock::new(Arc::new(Catalogue { generation: -1, ..Catalogue::default() })) }
    }

    /// The consent area's rules as the engine's gate holds them (`INTERNAL` if the vault was
    /// opened with another gate, which it never is).
    pub(crate) fn of(engine: &Engine) -> Result<&Policy> {
        engine
            .gate()
            .as_any()
            .downcast_ref::<Policy>()
            .ok_or_else(|| Error::new(crate::error::ErrorKind::Internal, "the gate is not consent's"))
    }
}

impl Gate for Policy {
    fn applies_to(&self, caller: &Caller) -> bool {
        self.require_purpose || caller.purpose().is_some()
    }

    fn refusal(
        &self,
        db: &Db<'_>,
        keys: &Keyring,
        caller: &Caller,
        (op, target): (Operation, Target<'_>),
        after_read: bool,
        now_ms: i64,
    ) -> Result<Option<Refusal>> {
        let Some(purpose) = caller.purpose() else {
            // A restricted subject's data is read for no purpose, named or not.
            if let (true, Target::Subject(id, _)) = (op.restrictable(), target) {
                if self.restricted(db, keys, id, after_read)?.is_some() {
                    return Ok(Some(Refusal::Denied(RESTRICTED)));
                }
            }
            return Ok((self.require_purpose && op.reads_data()).then_some(Refusal::NoPurpose));
        };
        let verdict = self.verdict(db, keys, purpose, (op, target), after_read, now_ms)?;
        Ok((!verdict.allowed).then_some(Refusal::Denied(verdict.reason)))
    }

    fn validate(&self, db: &Db<'_>, keys: &Keyring, caller: &Caller) -> Result<()> {
        let Some(purpose) = caller.purpose() else { return Ok(()) };
        let catalogue = self.catalogue(db, &keys.consent().state, false)?;
        if !catalogue.activities.is_empty() && !catalogue.activities.contains_key(purpose) {
            return Err(Error::invalid(UNKNOWN_PURPOSE));
        }
        Ok(())
    }

    fn verdict(
        &self,
        db: &Db<'_>,
        keys: &Keyring,
        purpose: &str,
        (op, target): (Operation, Target<'_>),
        after_read: bool,
        now_ms: i64,
    ) -> Result<Verdict> {
        let key = &keys.consent().state;
        let catalogue = self.catalogue(db, key, after_read)?;
        if let (true, Target::Subject(id, _)) = (op.restrictable(), target) {
            if catalogue.restricted.contains_key(&id) {
                if !catalogue.activities.is_empty() && !catalogue.activities.contains_key(purpose) {
                    return Err(Error::invalid(UNKNOWN_PURPOSE));
                }
                return Ok(Verdict::denied(RESTRICTED));
            }
        }
        Self::verdict_in(&catalogue, db, key, (purpose, op, target), after_read, now_ms)
    }

    fn restricted(&self, db: &Db<'_>, keys: &Keyring, subject_id: i64, after_read: bool) -> Result<Option<i64>> {
        Ok(self.catalogue(db, &keys.consent().state, after_read)?.restricted.get(&subject_id).copied())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Policy {
    /// The verdict under `catalogue` (whose generation is the file's as of `db`'s last
    /// statement) for `(purpose, op, target)`. A decision not remembered is read; it is
    /// remembered when `after_read` and nothing was committed between the subject's read and
    /// this one (the same state, so the same generation).
    fn verdict_in(
        catalogue: &Catalogue,
        db: &Db<'_>,
        key: &MacKey,
        (purpose, op, target): (&str, Operation, Target<'_>),
        after_read: bool,
        now_ms: i64,
    ) -> Result<Verdict> {
        if catalogue.activities.is_empty() {
            return Ok(Verdict::allowed(None, "the vault defines no processing activities: purposes are not enforced"));
        }
        let rule = catalogue.activities.get(purpose).ok_or_else(|| Error::invalid(UNKNOWN_PURPOSE))?;
        if rule.operations & op.bit() == 0 {
            return Ok(Verdict::denied("the processing activity does not cover this operation"));
        }
        let usable =
            rule.bases.iter().filter_map(|id| catalogue.bases.get(id).map(|b| (*id, b))).filter(|(_, b)| b.active);
        if usable.clone().next().is_none() {
            return Ok(Verdict::denied("the processing activity relies on no active legal basis"));
        }
        if let Some((_, b)) = usable.clone().find(|(_, b)| !b.consent) {
            return Ok(Verdict::allowed(Some(&b.brief), "a legal basis other than consent applies"));
        }
        let (subject_id, token) = match target {
            Target::Nobody => return Ok(Verdict::allowed(None, "no subject is involved")),
            // A subject that is not there has no consent in force: refused as one that is
            // there without it, so the refusal tells nothing about which it is.
            Target::Missing => return Ok(Verdict::denied(NO_CONSENT)),
            Target::Subject(id, token) => (id, token),
        };
        for (id, b) in usable {
            let current = match catalogue.remembered(subject_id, id) {
                Some(remembered) => remembered,
                None => {
                    let (current, same_state) = db.current_decision_after(subject_id, id, after_read)?;
                    if let Some(c) = &current {
                        verify(key, token, c)?;
                    }
                    if same_state {
                        catalogue.remember(subject_id, id, current.clone());
                    }
                    current
                }
            };
            if current.is_some_and(|c| is_in_force(&c, b.revoked_through, now_ms)) {
                return Ok(Verdict::allowed(Some(&b.brief), "the subject's consent is in force"));
            }
        }
        Ok(Verdict::denied(NO_CONSENT))
    }

    /// The catalogue at the file's current generation (reloaded, and checked against its MAC,
    /// when another change happened); `after_read` as `CatalogueReads::catalogue_generation` takes it.
    fn catalogue(&self, db: &Db<'_>, key: &MacKey, after_read: bool) -> Result<Arc<Catalogue>> {
        let generation = db.catalogue_generation(after_read)?;
        {
            let cached = self.cache.read().unwrap_or_else(|p| p.into_inner());
            if cached.generation == generation {
                return Ok(Arc::clone(&cached));
            }
        }
        let rows = seal::catalogue(db, key)?;
        let bases = rows
            .bases
            .iter()
            .map(|b| {
                let rule = BasisRule {
                    consent: b.kind == CONSENT_TYPE,
                    active: b.status == ACTIVE,
                    revoked_through: b.revoked_through,
                    brief: b.brief.clone(),
                };
                (b.id, rule)
            })
            .collect();
        let activities = rows
            .activities
            .into_iter()
            .map(|a| (a.name, ActivityRule { operations: a.operations, bases: a.bases }))
            .collect();
        let basis_rows = rows.bases.iter().cloned().map(|b| (b.brief.clone(), b)).collect();
        let restricted = rows.restrictions.iter().copied().collect();
        let loaded =
            Arc::new(Catalogue { generation, activities, bases, basis_rows, decisions: Mutex::default(), restricted });
        *self.cache.write().unwrap_or_else(|p| p.into_inner()) = Arc::clone(&loaded);
        Ok(loaded)
    }

    /// The legal basis `brief` as the catalogue (checked against its MAC) holds it.
    pub(crate) fn basis(&self, db: &Db<'_>, key: &MacKey, brief: &str) -> Result<Option<BasisRow>> {
        Ok(self.catalogue(db, key, false)?.basis_rows.get(brief).cloned())
    }

    /// Every legal basis by row id, as the catalogue (checked against its MAC) holds them.
    pub(crate) fn bases(&self, db: &Db<'_>, key: &MacKey) -> Result<HashMap<i64, BasisRow>> {
        Ok(self.catalogue(db, key, false)?.basis_rows.values().map(|b| (b.id, b.clone())).collect())
    }
}
