//! Using tokens: finding a row by its token, opening its value (masked on request), expiry,
//! deletion, the metadata of a token, and the purge of expired ones.

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::{Event, OK};
use crate::crypto::aead::{self, Place, Slot, ROW_KEY};
use crate::crypto::fpe;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{format_token, TokenBytes};
use crate::policy::{Operation, Target};
use crate::store::{Db, Tx};
use crate::subjects;
use crate::tokens::store::TokenRow;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::{
    check_scope, check_vaultless, expired, expired_error, format, row_mac, text, value_record, DetokenizeOptions, Ff1,
    Link, LinkId, Opened, PurgeReport, TokenInfo, TokenKind, Tokens, DETERMINISTIC, ONCE, PURGE_BATCH, SLIDING,
};

/// A token row with its MAC checked (`INTEGRITY` for a row edited in the file).
pub(super) fn checked(engine: &Engine, row: TokenRow) -> Result<TokenRow> {
    let expected = row_mac(&engine.keys().tokens().state, &row);
    if bool::from(expected.as_slice().ct_eq(&row.mac)) {
        Ok(row)
    } else {
        Err(Error::integrity("a token's stored state fails its MAC (its expiry, flags or link were edited)"))
    }
}

/// A token's metadata from its (checked) row; `subject` is the linked subject's token.
pub(super) fn info_of(row: &TokenRow, subject: Option<&TokenBytes>, now: i64) -> Result<TokenInfo> {
    Ok(TokenInfo {
        kind: TokenKind::from_number(row.kind)?,
        scope: row.scope.clone(),
        deterministic: row.flags & DETERMINISTIC != 0,
        once: row.flags & ONCE != 0,
        sliding: row.flags & SLIDING != 0,
        created_ms: row.created_ms,
        expires_ms: row.expires_ms,
        ttl_ms: row.ttl_ms,
        expired: expired(row, now),
        subject: subject.map(format_token),
        reference: hex::encode(row.hash),
    })
}

impl Tokens {
    /// The token row with hash `hash`, its MAC checked (`INTEGRITY` for a row edited in the file).
    pub(super) fn stored_row(engine: &Engine, db: &Db<'_>, hash: &[u8; 16]) -> Result<Option<TokenRow>> {
        db.token_by_hash(hash)?.map(|row| checked(engine, row)).transpose()
    }

    /// Store a token row's changed expiry with its new MAC.
    pub(super) fn store_expiry(engine: &Engine, tx: &Tx<'_>, mut row: TokenRow) -> Result<()> {
        row.mac = row_mac(&engine.keys().tokens().state, &row);
        tx.set_token_expiry(&row)
    }

    /// The subject a stored token is linked to (its row id, token and data key), if any.
    pub(super) fn link_of(engine: &Engine, db: &Db<'_>, row: &TokenRow) -> Result<Option<Link>> {
        row.subject_id
            .map(|id| {
                let (token, dek) = subjects::data_key_by_id(engine, db, id)?
                    .ok_or_else(|| Error::integrity("a token names a subject that is not stored"))?;
                Ok(Link { id, token, dek })
            })
            .transpose()
    }

    /// Decrypt a stored token's value; also gives the linked subject's row id and token.
    pub(super) fn open_value(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        row: &TokenRow,
    ) -> Result<(Zeroizing<String>, Option<LinkId>)> {
        let link = Self::link_of(engine, db, row)?;
        let value = Self::open_linked(engine, row, link.as_ref())?;
        Ok((value, link.map(|l| (l.id, l.token))))
    }

    /// Decrypt a stored token's value, sealed under its linked subject's data key (`link`, as
    /// [`link_of`](Self::link_of) found it) or the token value key.
    pub(super) fn open_linked(engine: &Engine, row: &TokenRow, link: Option<&Link>) -> Result<Zeroizing<String>> {
        let record = value_record(&row.hash, row.kind, row.flags, &row.scope);
        let place = Place::fixed(engine.keys().vault_id(), Slot::TokenValue, &record);
        let mut plain = match link {
            Some(l) => aead::open(&l.dek, ROW_KEY, &place, &row.value)?,
            None => engine.keys().tokens().value.open(&place, &row.value)?,
        };
        let text = String::from_utf8(std::mem::take(&mut *plain)).map_err(|e| {
            zeroize::Zeroize::zeroize(&mut e.into_bytes());
            Error::integrity("a stored token value is not text")
        })?;
        Ok(Zeroizing::new(text))
    }

    /// The stored token with hash `hash` and its linked subject, after the purpose check of `op`
    /// by `caller` on that subject (or on none, for an unlinked token). The check runs before
    /// anything about the token is told: a purpose refused gets `CONSENT_REQUIRED` for a token
    /// that does not exist, as for one whose subject it may not touch. Expiry is the caller's
    /// to check (after this).
    pub(super) fn find(
        engine: &Engine,
        db: &Db<'_>,
        caller: &Caller,
        op: Operation,
        hash: &[u8; 16],
    ) -> Result<(TokenRow, Option<Link>)> {
        let Some(row) = Self::stored_row(engine, db, hash)? else {
            engine.check(db, caller, (op, Target::Missing), true)?;
            return Err(Error::new(ErrorKind::NotFound, "no such token"));
        };
        let link = Self::link_of(engine, db, &row)?;
        let target = link.as_ref().map_or(Target::Nobody, |l| Target::Subject(l.id, &l.token));
        engine.check(db, caller, (op, target), true)?;
        Ok((row, link))
    }

    /// Read a token's value. With `tx` absent (a reader) a token that must change when used
    /// (once, sliding) gives `None`: the caller repeats the read inside a write.
    /// `text`: the token is a placeholder's, read back only if it was made for that
    /// placeholder's scope and tag (anything else is `NOT_FOUND`).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn detokenize_in(
        &self,
        engine: &Engine,
        caller: &Caller,
        db: &Db<'_>,
        tx: Option<&Tx<'_>>,
        hash: [u8; 16],
        action: Action,
        text: Option<&text::TextToken<'_>>,
    ) -> Result<Option<Opened>> {
        let (row, link) = Self::find(engine, db, caller, Operation::Detokenize, &hash)?;
        let not_found = || Error::new(ErrorKind::NotFound, "no such token");
        if text.is_some_and(|t| !t.admits(&row)) {
            return Err(not_found());
        }
        let now = engine.now_ms();
        if expired(&row, now) {
            return Err(expired_error());
        }
        let changes = row.flags & (ONCE | SLIDING) != 0;
        if changes && tx.is_none() {
            return Ok(None);
        }
        let value = Self::open_linked(engine, &row, link.as_ref())?;
        if text.is_some_and(|t| !t.derives(self, &row, &value, self.region)) {
            return Err(not_found());
        }
        if let Some(tx) = tx {
            if row.flags & ONCE != 0 {
                tx.delete_token(&hash)?;
            } else if row.flags & SLIDING != 0 {
                let mut row = row.clone();
                row.expires_ms = row.ttl_ms.map(|t| now.saturating_add(t));
                Self::store_expiry(engine, tx, row)?;
            }
        }
        let kind = TokenKind::from_number(row.kind)?;
        Ok(Some(Opened { value, kind, event: Self::event(action, link.map(|l| (l.id, l.token)), hash) }))
    }

    pub(super) fn masked(value: &str, kind: TokenKind, options: &DetokenizeOptions) -> String {
        match &options.mask {
            Some(m) => format::mask(kind, value, m.keep_first as usize, m.keep_last as usize, m.char),
            None => value.to_owned(),
        }
    }

    pub(crate) fn detokenize(
        &self,
        engine: &Engine,
        caller: &Caller,
        token: &str,
        options: &DetokenizeOptions,
    ) -> Result<String> {
        let hash = self.hash_of(token).map_err(|e| engine.refused(caller, Action::TokenDetokenize, None, e))?;
        let attempt = || Event::attempt(Action::TokenDetokenize, None).with_reference(hash);
        if let Some(ff1) = self.ff1_of(engine, options).map_err(|e| engine.refused_as(caller, attempt(), e))? {
            check_vaultless(engine, caller, attempt())?;
            let value = Zeroizing::new(
                fpe::decrypt(&ff1.key, &ff1.alphabet, &ff1.tweak, token)
                    .map_err(|e| engine.refused_as(caller, attempt(), e))?,
            );
            self.record_vaultless(engine, caller, Action::TokenDetokenize, [token])?;
            return Ok(Self::masked(&value, TokenKind::Fpe, options));
        }
        let read = engine.read_as(caller, attempt(), |db| {
            Ok(match self.detokenize_in(engine, caller, db, None, hash, Action::TokenDetokenize, None)? {
                Some(o) => (Some((o.value, o.kind)), vec![o.event]),
                None => (None, vec![]),
            })
        })?;
        let (value, kind) = match read {
            Some(done) => done,
            None => engine.write_as(caller, attempt(), |tx| {
                let o = self
                    .detokenize_in(engine, caller, tx, Some(tx), hash, Action::TokenDetokenize, None)?
                    .ok_or_else(|| Error::internal("detokenize"))?;
                Ok(((o.value, o.kind), vec![o.event]))
            })?,
        };
        Ok(Self::masked(&value, kind, options))
    }

    /// The FF1 parameters named by detokenize options (`None` for vaulted tokens).
    pub(super) fn ff1_of(&self, engine: &Engine, options: &DetokenizeOptions) -> Result<Option<Ff1>> {
        match options.kind {
            Some(TokenKind::Fpe) => {
                let scope = options.scope.as_deref().unwrap_or("default");
                check_scope(scope)?;
                self.ff1(engine, options.alphabet.as_deref(), scope).map(Some)
            }
            Some(_) => Err(Error::invalid("kind is given only for fpe tokens (vaulted tokens know their kind)")),
            None if options.alphabet.is_some() || options.scope.is_some() => {
                Err(Error::invalid("alphabet and scope are given only with kind fpe"))
            }
            None => Ok(None),
        }
    }

    /// Audit FF1 tokens made or read (nothing is stored: the events are recorded as reads are).
    pub(super) fn record_vaultless<'t>(
        &self,
        engine: &Engine,
        caller: &Caller,
        action: Action,
        tokens: impl IntoIterator<Item = &'t str>,
    ) -> Result<()> {
        let now = engine.now_ms();
        engine.record(
            tokens
                .into_iter()
                .map(|t| Event::attempt(action, None).with_reference(self.hash.index(t)).into_pending(caller, now, OK))
                .collect(),
        )
    }

    pub(crate) fn delete(&self, engine: &Engine, caller: &Caller, token: &str) -> Result<()> {
        let hash = self.hash_of(token).map_err(|e| engine.refused(caller, Action::TokenDelete, None, e))?;
        engine.write_as(caller, Event::attempt(Action::TokenDelete, None).with_reference(hash), |tx| {
            let event = Self::delete_in(engine, caller, tx, hash)?;
            Ok(((), vec![event]))
        })
    }

    pub(super) fn delete_in(engine: &Engine, caller: &Caller, tx: &Tx<'_>, hash: [u8; 16]) -> Result<Event> {
        let (_, link) = Self::find(engine, tx, caller, Operation::Delete, &hash)?;
        tx.delete_token(&hash)?;
        Ok(Self::event(Action::TokenDelete, link.map(|l| (l.id, l.token)), hash))
    }

    pub(crate) fn info(&self, engine: &Engine, caller: &Caller, token: &str) -> Result<TokenInfo> {
        let hash = self.hash_of(token).map_err(|e| engine.refused(caller, Action::TokenInfo, None, e))?;
        engine.read_as(caller, Event::attempt(Action::TokenInfo, None).with_reference(hash), |db| {
            let (info, event) = Self::info_in(engine, caller, db, hash)?;
            Ok((info, vec![event]))
        })
    }

    /// A token's metadata. It names the subject the token belongs to, so it is checked as a read
    /// of that subject.
    pub(super) fn info_in(engine: &Engine, caller: &Caller, db: &Db<'_>, hash: [u8; 16]) -> Result<(TokenInfo, Event)> {
        let (row, link) = Self::find(engine, db, caller, Operation::Read, &hash)?;
        let link = link.map(|l| (l.id, l.token));
        let info = info_of(&row, link.as_ref().map(|(_, t)| t), engine.now_ms())?;
        Ok((info, Self::event(Action::TokenInfo, link, hash)))
    }

    /// Delete expired tokens, [`PURGE_BATCH`] per transaction (readers are never blocked, and
    /// other writers get the lock between transactions).
    pub(crate) fn purge(&self, engine: &Engine, caller: &Caller) -> Result<PurgeReport> {
        let (removed, _) = engine.purge_in_batches::<()>(caller, Action::TokenPurge, PURGE_BATCH, |tx, now, _| {
            Ok((tx.purge_expired_tokens(now, PURGE_BATCH)?, None))
        })?;
        Ok(PurgeReport { removed })
    }
}
