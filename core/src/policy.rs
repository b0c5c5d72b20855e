//! The purpose check's vocabulary and its gate: what an operation does to a subject's data
//! ([`Operation`]), whom it concerns ([`Target`]), why a check refuses ([`Refusal`]) and what
//! it answers ([`Verdict`]); and [`Gate`], the check the engine runs for every area. The rules
//! behind it — processing activities, legal bases, consent decisions — are the consent area's
//! (`consent::policy`), which the vault installs as the engine's gate when it opens.

use crate::caller::Caller;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::TokenBytes;
use crate::keyring::Keyring;
use crate::store::Db;

/// What an operation does to a subject's data, as processing activities list it.
// The bindings' typings of an activity's operations are written from this enum's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), serde(rename_all = "lowercase"))]
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

    /// Operations a restriction of processing (GDPR Art. 18) refuses, whatever the purpose: the
    /// data is still stored, exported to the subject and erased.
    pub(crate) const fn restrictable(self) -> bool {
        matches!(self, Operation::Read | Operation::Detokenize)
    }

    /// Operations that `require_purpose` refuses without a purpose.
    pub(crate) const fn reads_data(self) -> bool {
        matches!(self, Operation::Read | Operation::Export | Operation::Detokenize)
    }
}

/// Why a caller that names no purpose is refused where the vault requires one.
pub(crate) const REQUIRES_PURPOSE: &str =
    "this vault requires a purpose for reads, detokenization and exports (require_purpose)";
/// Why a restricted subject's data is not read (GDPR Art. 18).
pub(crate) const RESTRICTED: &str =
    "the subject's processing is restricted (GDPR Art. 18): its data is stored, exported to it and erased, not read";

/// Why a purpose that names no processing activity is refused.
pub(crate) const UNKNOWN_PURPOSE: &str = "the purpose names no processing activity of this vault";

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
    pub(crate) fn allowed(basis: Option<&str>, reason: &'static str) -> Verdict {
        Verdict { allowed: true, basis: basis.map(str::to_owned), reason }
    }

    pub(crate) fn denied(reason: &'static str) -> Verdict {
        Verdict { allowed: false, basis: None, reason }
    }
}

/// The purpose check the engine runs before an area touches a subject's data: one
/// implementation per vault, installed when it opens (the consent area's rules).
pub(crate) trait Gate: Send + Sync {
    /// Whether a check of `caller` can refuse anything (it names a purpose, or the vault
    /// requires one).
    fn applies_to(&self, caller: &Caller) -> bool;

    /// Why `caller` may not do `op` on `target` (`None`: it may); errors are those of a purpose
    /// that names no activity and of reading. `after_read`: `db` is a reader whose last
    /// statement read the target's row (outside a write), so the answer may come from memory.
    fn refusal(
        &self,
        db: &Db<'_>,
        keys: &Keyring,
        caller: &Caller,
        check: (Operation, Target<'_>),
        after_read: bool,
        now_ms: i64,
    ) -> Result<Option<Refusal>>;

    /// Fail with `INVALID_INPUT` when `caller` names a purpose that is none of the vault's
    /// processing activities (once it has any): what an operation that checks nothing else
    /// still checks, so an unknown purpose is refused by every operation alike.
    fn validate(&self, db: &Db<'_>, keys: &Keyring, caller: &Caller) -> Result<()>;

    /// Whether `purpose` allows `op` on `target`, and why (`after_read` as for
    /// [`refusal`](Self::refusal)).
    fn verdict(
        &self,
        db: &Db<'_>,
        keys: &Keyring,
        purpose: &str,
        check: (Operation, Target<'_>),
        after_read: bool,
        now_ms: i64,
    ) -> Result<Verdict>;

    /// Since when the processing of the subject with this row id is restricted (GDPR Art. 18),
    /// if it is (`after_read` as for [`refusal`](Self::refusal)).
    fn restricted(&self, db: &Db<'_>, keys: &Keyring, subject_id: i64, after_read: bool) -> Result<Option<i64>>;

    /// The gate as `Any`: the area that installed it reaches its own state through it.
    fn as_any(&self) -> &dyn std::any::Any;

    /// Fail unless `caller` may do `op` on `target`: `CONSENT_REQUIRED`, or `INVALID_INPUT` for
    /// a purpose that names no activity (or none given where the vault requires one for reads,
    /// detokenization and exports).
    fn check(
        &self,
        db: &Db<'_>,
        keys: &Keyring,
        caller: &Caller,
        check: (Operation, Target<'_>),
        after_read: bool,
        now_ms: i64,
    ) -> Result<()> {
        match self.refusal(db, keys, caller, check, after_read, now_ms)? {
            None => Ok(()),
            Some(Refusal::NoPurpose) => Err(Error::invalid(REQUIRES_PURPOSE)),
            Some(Refusal::Denied(reason)) => Err(Error::new(ErrorKind::ConsentRequired, reason)),
        }
    }
}
