//! Purpose-checked access: the check every area runs before it touches a subject's data. The
//! caller's purpose names a processing activity; the activity must cover the operation, and
//! when every legal basis it relies on is consent, the subject must have an agreement in force
//! under one of them.
//!
//! The catalogue (activities and bases) is cached in memory for one *generation*, a counter in
//! the file that every change of the catalogue and every consent decision bumps (from any
//! connection of any process). With the catalogue, the current decisions read at that
//! generation are cached too (after their MAC was verified): while nothing changes, a check
//! right after a subject's row was read costs no statement — the generation comes from the
//! reader's memo (see `CatalogueReads::catalogue_generation`) and the decision from memory.

pub(crate) mod seal;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use crate::caller::Caller;
use crate::consent::store::{BasisRow, CurrentRow};
use crate::crypto::index::{MacKey, PartsMac};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::TokenBytes;
use crate::store::Db;

/// What an operation does to a subject's data, as processing activities list it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    Read,
    Write,
    Delete,
    Export,
    Detokenize,
}

impl Operation {
    /// Every operation, in bit order.
    pub(crate) const ALL: [Operation; 5] =
        [Operation::Read, Operation::Write, Operation::Delete, Operation::Export, Operation::Detokenize];

    /// The bit of the stored `activities.operations` mask.
    pub(crate) const fn bit(self) -> i64 {
        match self {
            Operation::Read => 1,
            Operation::Write => 2,
            Operation::Delete => 4,
            Operation::Export => 8,
            Operation::Detokenize => 16,
        }
    }

    /// The name callers use.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Operation::Read => "read",
            Operation::Write => "write",
            Operation::Delete => "delete",
            Operation::Export => "export",
            Operation::Detokenize => "detokenize",
        }
    }

    /// The operation called `name`.
    pub(crate) fn parse(name: &str) -> Result<Operation> {
        Operation::ALL
            .into_iter()
            .find(|o| o.name() == name)
            .ok_or_else(|| Error::invalid("operation must be one of read, write, delete, export, detokenize"))
    }

    /// Operations that `require_purpose` refuses without a purpose.
    const fn reads_data(self) -> bool {
        matches!(self, Operation::Read | Operation::Export | Operation::Detokenize)
    }
}

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

const REQUIRES_PURPOSE: &str = "this vault requires a purpose for reads, detokenization and exports (require_purpose)";
const UNKNOWN_PURPOSE: &str = "the purpose names no processing activity of this vault";

/// Why a check refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The vault requires a purpose for this operation and the caller named none.
    NoPurpose,
    /// The purpose does not allow it (the reason, in words).
    Denied(&'static str),
}

impl Refusal {
    /// Why, in words (never personal data).
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Refusal::NoPurpose => REQUIRES_PURPOSE,
            Refusal::Denied(reason) => reason,
        }
    }
}

/// What a purpose check is about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target<'a> {
    /// No subject (a vault-wide operation): only the activity's coverage is checked.
    Nobody,
    /// A subject that a lookup did not find (unknown, erased, or named by a token that is gone
    /// or expired): judged as a subject without consent, so a refused purpose learns nothing
    /// about whether it exists.
    Missing,
    /// The stored subject with this row id and token.
    Subject(i64, &'a TokenBytes),
}

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

/// The answer of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub(crate) allowed: bool,
    /// The legal basis that allows it (when one does).
    pub(crate) basis: Option<String>,
    /// Why, in words (never personal data).
    pub(crate) reason: &'static str,
}

impl Verdict {
    fn allowed(basis: Option<&str>, reason: &'static str) -> Verdict {
        Verdict { allowed: true, basis: basis.map(str::to_owned), reason }
    }

    fn denied(reason: &'static str) -> Verdict {
        Verdict { allowed: false, basis: None, reason }
    }
}

/// The purpose policy of an open vault.
pub(crate) struct Policy {
    require_purpose: bool,
    cache: RwLock<Arc<Catalogue>>,
}

impl Policy {
    pub(crate) fn new(require_purpose: bool) -> Policy {
        Policy { require_purpose, cache: RwLock::new(Arc::new(Catalogue { generation: -1, ..Catalogue::default() })) }
    }

    /// Whether a check of `caller` can refuse anything (it names a purpose, or the vault
    /// requires one).
    pub(crate) fn applies_to(&self, caller: &Caller) -> bool {
        self.require_purpose || caller.purpose().is_some()
    }

    /// Fail unless `caller` may do `op` on `target`: `CONSENT_REQUIRED`, or `INVALID_INPUT` for
    /// a purpose that names no activity (or none given where the vault requires one for reads,
    /// detokenization and exports). `after_read`: `db` is a reader whose last statement read the
    /// target's row (outside a write), so the generation may come from the reader's memo and a
    /// decision read now may be remembered.
    pub(crate) fn check(
        &self,
        db: &Db<'_>,
        key: &MacKey,
        caller: &Caller,
        (op, target): (Operation, Target<'_>),
        after_read: bool,
        now_ms: i64,
    ) -> Result<()> {
        match self.refusal(db, key, caller, (op, target), after_read, now_ms)? {
            None => Ok(()),
            Some(Refusal::NoPurpose) => Err(Error::invalid(REQUIRES_PURPOSE)),
            Some(Refusal::Denied(reason)) => Err(Error::new(ErrorKind::ConsentRequired, reason)),
        }
    }

    /// Why `caller` may not do `op` on `target` (`None`: it may), as [`check`](Self::check)
    /// decides; errors are those of a purpose that names no activity and of reading.
    pub(crate) fn refusal(
        &self,
        db: &Db<'_>,
        key: &MacKey,
        caller: &Caller,
        (op, target): (Operation, Target<'_>),
        after_read: bool,
        now_ms: i64,
    ) -> Result<Option<Refusal>> {
        let Some(purpose) = caller.purpose() else {
            return Ok((self.require_purpose && op.reads_data()).then_some(Refusal::NoPurpose));
        };
        let verdict = self.verdict(db, key, purpose, (op, target), after_read, now_ms)?;
        Ok((!verdict.allowed).then_some(Refusal::Denied(verdict.reason)))
    }

    /// Fail with `INVALID_INPUT` when `caller` names a purpose that is none of the vault's
    /// processing activities (once it has any): what an operation that checks nothing else
    /// still checks, so an unknown purpose is refused by every operation alike.
    pub(crate) fn validate(&self, db: &Db<'_>, key: &MacKey, caller: &Caller) -> Result<()> {
        let Some(purpose) = caller.purpose() else { return Ok(()) };
        let catalogue = self.catalogue(db, key, false)?;
        if !catalogue.activities.is_empty() && !catalogue.activities.contains_key(purpose) {
            return Err(Error::invalid(UNKNOWN_PURPOSE));
        }
        Ok(())
    }

    /// Whether `purpose` allows `op` on `target`, and why (`after_read` as for
    /// [`check`](Self::check)).
    pub(crate) fn verdict(
        &self,
        db: &Db<'_>,
        key: &MacKey,
        purpose: &str,
        (op, target): (Operation, Target<'_>),
        after_read: bool,
        now_ms: i64,
    ) -> Result<Verdict> {
        let catalogue = self.catalogue(db, key, after_read)?;
        Self::verdict_in(&catalogue, db, key, (purpose, op, target), after_read, now_ms)
    }

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
        let basis_rows = rows.bases.into_iter().map(|b| (b.brief.clone(), b)).collect();
        let loaded = Arc::new(Catalogue { generation, activities, bases, basis_rows, decisions: Mutex::default() });
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
