//! Restriction of processing (GDPR Art. 18): a restricted subject's data is still stored,
//! exported to the subject and erased, but read (or detokenized) for no purpose — named or not —
//! until the restriction is lifted. The purpose check enforces it (`consent::policy`); the
//! restrictions are part of the catalogue, under its MAC, so one removed or moved to another
//! subject by someone who can write the file fails every check.

use serde::Serialize;

use super::seal;
use super::Consent;
use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::engine::Engine;
use crate::error::Result;
use crate::ids::{format_token, TokenBytes};
use crate::store::{Db, Tx};
use crate::subjects::{self, Lookup, Subjects};

/// A subject's restriction of processing, as set or lifted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Restriction {
    /// The subject's token.
    pub subject: String,
    /// Whether its processing is restricted now.
    pub restricted: bool,
    /// Since when (milliseconds since the Unix epoch), while restricted.
    pub since_ms: Option<i64>,
    /// Whether this call changed it (false: it was so already).
    pub changed: bool,
}

impl Consent {
    /// Since when the subject with row id `sid` is restricted, if it is (as stored: the caller
    /// checks the catalogue's MAC where the answer decides something).
    pub(crate) fn restricted_since(db: &Db<'_>, sid: i64) -> Result<Option<i64>> {
        Ok(db.restrictions()?.into_iter().find(|(s, _)| *s == sid).map(|(_, t)| t))
    }

    /// Restrict (or, with `on: false`, lift the restriction of) the subject with row id `sid`
    /// inside a write; whether it changed, and since when it is restricted.
    pub(crate) fn restrict_in(engine: &Engine, tx: &Tx<'_>, sid: i64, on: bool) -> Result<(bool, Option<i64>)> {
        let since = Self::restricted_since(tx, sid)?;
        if since.is_some() == on {
            return Ok((false, since));
        }
        let key = &engine.keys().consent().state;
        // The catalogue is checked before it changes (its MAC is then made anew over the change).
        seal::catalogue(tx, key)?;
        let now = engine.now_ms();
        if on {
            tx.insert_restriction(sid, now)?;
        } else {
            tx.delete_restriction(sid)?;
        }
        tx.bump_catalogue_generation()?;
        seal::seal_catalogue(tx, key)?;
        Ok((true, on.then_some(now)))
    }

    /// Restrict or lift, as its own operation: no purpose check (it limits processing, or ends a
    /// limit the subject or an operator set; it reads nothing), audited against the subject.
    pub(crate) fn restrict(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
        on: bool,
    ) -> Result<Restriction> {
        let action = if on { Action::RestrictionSet } else { Action::RestrictionLift };
        engine.write(caller, action, subjects::hint(lookup), |tx| {
            engine.validate_purpose(tx, caller)?;
            let (sid, token): (i64, TokenBytes) = subjects.locate_id(engine, tx, lookup)?;
            let (changed, since_ms) = Self::restrict_in(engine, tx, sid, on)?;
            let out = Restriction { subject: format_token(&token), restricted: on, since_ms, changed };
            Ok((out, vec![Event::about(action, sid, token)]))
        })
    }

    /// Lift the subject's restriction with its erasure; whether there was one.
    pub(crate) fn erase_restriction(engine: &Engine, tx: &Tx<'_>, sid: i64) -> Result<bool> {
        Ok(Self::restrict_in(engine, tx, sid, false)?.0)
    }
}
