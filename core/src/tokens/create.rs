//! Making tokens: the plan an options object describes, drawing and storing a token (or finding
//! the deterministic one a value already has), and the link to a subject.

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::crypto::aead::{self, Place, Slot, NONCE_LEN, ROW_KEY};
use crate::crypto::fpe;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::policy::{Operation, Target};
use crate::store::{Db, Tx};
use crate::subjects;
use crate::tokens::store::TokenRow;
use format::{Keyed, OsRandom, Shape};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::{
    check_scope, check_vaultless, expired, format, row_mac, value_record, Link, Plan, Prepared, TokenKind,
    TokenizeOptions, Tokens, DETERMINISTIC, MAX_DRAWS, MAX_TTL_MS, ONCE, SLIDING, TRANSIENT_MAX_MS,
};

impl Tokens {
    pub(super) fn plan(&self, engine: &Engine, o: &TokenizeOptions) -> Result<Plan> {
        if o.kind == TokenKind::Fpe {
            let stored = o.ttl_ms.is_some()
                || o.expires_at_ms.is_some()
                || o.sliding
                || o.once
                || o.subject.is_some()
                || o.renew;
            if stored {
                return Err(Error::invalid(
                    "fpe tokens are the encrypted value itself (nothing is stored): they cannot expire, be single-use or belong to a subject",
                ));
            }
        } else if o.alphabet.is_some() {
            return Err(Error::invalid("alphabet applies only to fpe tokens"));
        }
        let shape = Shape::new(o.kind, o.length, o.keep_first, o.keep_last, o.luhn_valid, o.keep_domain)?;
        let scope = o.scope.clone().unwrap_or_else(|| "default".to_owned());
        check_scope(&scope)?;
        let now = engine.now_ms();
        if o.ttl_ms.is_some() && o.expires_at_ms.is_some() {
            return Err(Error::invalid("give ttl_ms or expires_at_ms, not both"));
        }
        if o.ttl_ms.is_some_and(|t| t == 0 || t > MAX_TTL_MS) {
            return Err(Error::invalid("ttl_ms must be between 1 and 100 years"));
        }
        if o.sliding && o.ttl_ms.is_none() {
            return Err(Error::invalid("a sliding expiry needs ttl_ms"));
        }
        if o.renew && !o.deterministic {
            return Err(Error::invalid("renew applies only to deterministic tokens"));
        }
        if o.expires_at_ms.is_some_and(|at| at <= now) {
            return Err(Error::invalid("expires_at_ms is not in the future"));
        }
        let mut ttl = o.ttl_ms;
        if o.kind == TokenKind::Transient {
            if o.deterministic || o.sliding {
                return Err(Error::invalid("transient tokens are random and expire at a fixed time"));
            }
            let limit = now.saturating_add(TRANSIENT_MAX_MS as i64);
            if ttl.is_some_and(|t| t > TRANSIENT_MAX_MS) || o.expires_at_ms.is_some_and(|at| at > limit) {
                return Err(Error::invalid("a transient token lives at most one hour"));
            }
            if o.expires_at_ms.is_none() {
                ttl = Some(ttl.unwrap_or(TRANSIENT_MAX_MS));
            }
        }
        let expires_ms = o.expires_at_ms.or_else(|| ttl.map(|t| now.saturating_add(t as i64)));
        let mut flags = 0;
        if o.deterministic {
            flags |= DETERMINISTIC;
        }
        if o.once {
            flags |= ONCE;
        }
        if o.sliding {
            flags |= SLIDING;
        }
        let scope_key = o.deterministic.then(|| self.scope_key(engine, &scope));
        let ff1 = match o.kind {
            TokenKind::Fpe => Some(self.ff1(engine, o.alphabet.as_deref(), &scope)?),
            _ => None,
        };
        Ok(Plan {
            ff1,
            shape,
            scope,
            flags,
            scope_key,
            expires_ms,
            ttl_ms: if o.sliding { ttl.map(|t| t as i64) } else { None },
            renew: o.renew,
        })
    }

    /// Make (or, deterministic, find) the token of a prepared value inside `tx`. Returns the
    /// token, whether it was created, and its hash.
    pub(super) fn create_in(
        &self,
        engine: &Engine,
        tx: &Tx<'_>,
        plan: &Plan,
        value: &Prepared<'_>,
        link: Option<&Link>,
        rng: &mut OsRandom,
    ) -> Result<(String, bool, [u8; 16])> {
        let Prepared { stored, normal, renormalize } = *value;
        let now = engine.now_ms();
        let kind = plan.shape.kind.number();
        for attempt in 0..MAX_DRAWS {
            // A deterministic token is drawn from the normalised value (an email's domain as
            // lower-cased), so every spelling of one value gives the same token.
            let candidate = match &plan.scope_key {
                Some(key) => format::draw(&plan.shape, normal, &mut Keyed::new(key, normal, attempt))?,
                None => format::draw(&plan.shape, stored, rng)?,
            };
            if plan.shape.kind == TokenKind::Card && bool::from(candidate.as_bytes().ct_eq(stored.as_bytes())) {
                continue;
            }
            if format::leaks(&plan.shape, &candidate, stored) {
                continue;
            }
            let hash = self.hash.index(&candidate);
            if plan.scope_key.is_some() {
                if let Some(mut row) = Self::stored_row(engine, tx, &hash)? {
                    let same_place = row.flags & DETERMINISTIC != 0
                        && row.kind == kind
                        && row.scope == plan.scope
                        && row.subject_id == link.map(|l| l.id);
                    if !same_place || !self.holds(engine, tx, &row, renormalize, normal)? {
                        continue;
                    }
                    if !expired(&row, now) {
                        if plan.renew {
                            (row.expires_ms, row.ttl_ms) = (plan.expires_ms, plan.ttl_ms);
                            Self::store_expiry(engine, tx, row)?;
                        }
                        return Ok((candidate, false, hash));
                    }
                    // Expired: made afresh below under the same token.
                    tx.delete_token(&hash)?;
                }
            }
            let record = value_record(&hash, kind, plan.flags, &plan.scope);
            let place = Place::fixed(engine.keys().vault_id(), Slot::TokenValue, &record);
            let value = match link {
                Some(l) => aead::seal(&l.dek, ROW_KEY, &place, stored.as_bytes())?,
                None => {
                    let mut nonce = [0u8; NONCE_LEN];
                    format::Source::fill(rng, &mut nonce)?;
                    engine.keys().tokens().value.seal_with_nonce(nonce, &place, stored.as_bytes())
                }
            };
            let mut row = TokenRow {
                hash,
                kind,
                scope: plan.scope.clone(),
                flags: plan.flags,
                subject_id: link.map(|l| l.id),
                value,
                created_ms: now,
                expires_ms: plan.expires_ms,
                ttl_ms: plan.ttl_ms,
                mac: [0; 32],
            };
            row.mac = row_mac(&engine.keys().tokens().state, &row);
            if tx.insert_token(&row)? {
                return Ok((candidate, true, hash));
            }
        }
        Err(Error::new(
            ErrorKind::Exhausted,
            "no free token of this format: every draw collided with an existing token",
        ))
    }

    /// Whether a stored deterministic token holds the value whose normalised form is `normal`.
    pub(super) fn holds(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        row: &TokenRow,
        renormalize: &dyn Fn(&str) -> Result<Zeroizing<String>>,
        normal: &str,
    ) -> Result<bool> {
        let (value, _) = self.open_value(engine, db, row)?;
        let held = renormalize(&value)?;
        Ok(bool::from(held.as_bytes().ct_eq(normal.as_bytes())))
    }

    /// The subject a new token is linked to (if any), after checking the caller's purpose for
    /// a write on it (as if before looking it up: see [`Engine::check_found`]).
    pub(super) fn resolve_link(
        engine: &Engine,
        caller: &Caller,
        db: &Db<'_>,
        subject: Option<&str>,
    ) -> Result<Option<Link>> {
        let Some(subject) = subject else {
            engine.check(db, caller, (Operation::Write, Target::Nobody), false)?;
            return Ok(None);
        };
        let found = subjects::key_of(engine, db, subject).map(|(id, token, dek)| Link { id, token, dek });
        engine.check_found(db, caller, Operation::Write, found, |l| Some((l.id, l.token))).map(Some)
    }

    pub(crate) fn tokenize(
        &self,
        engine: &Engine,
        caller: &Caller,
        value: &str,
        options: &TokenizeOptions,
    ) -> Result<String> {
        let refuse = |e| engine.refused(caller, Action::TokenCreate, None, e);
        let plan = self.plan(engine, options).map_err(refuse)?;
        let (stored, normal) = format::prepare(&plan.shape, value).map_err(refuse)?;
        if let Some(ff1) = &plan.ff1 {
            check_vaultless(engine, caller, Event::attempt(Action::TokenCreate, None))?;
            let token = fpe::encrypt(&ff1.key, &ff1.alphabet, &ff1.tweak, &stored).map_err(refuse)?;
            self.record_vaultless(engine, caller, Action::TokenCreate, [token.as_str()])?;
            return Ok(token);
        }
        engine.write(caller, Action::TokenCreate, None, |tx| {
            let link = Self::resolve_link(engine, caller, tx, options.subject.as_deref())?;
            let renormalize = |v: &str| format::prepare(&plan.shape, v).map(|(_, n)| n);
            let (token, _, hash) = self.create_in(
                engine,
                tx,
                &plan,
                &Prepared { stored: &stored, normal: &normal, renormalize: &renormalize },
                link.as_ref(),
                &mut OsRandom::new(),
            )?;
            Ok((token, vec![Self::event(Action::TokenCreate, link.map(|l| (l.id, l.token)), hash)]))
        })
    }
}
