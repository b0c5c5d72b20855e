//! Tokens: stand-ins for single sensitive values (a card number, an email, an SSN in a log line),
//! so that applications' databases, logs and third parties hold a token instead. Vaulted tokens
//! map back through the vault: the store keeps a keyed hash of each token (never the token) and
//! the value sealed under the linked subject's data key or the token value key. Random by
//! default; deterministic per scope on request (a keyed function of scope and normalised value);
//! optional expiry (fixed or sliding), destruction on first use, and a subject link that the
//! subject's erasure follows. Every operation is audited with a keyed hash of the token.

pub(crate) mod lifecycle;

mod batch;
mod detect;
mod format;
pub(crate) mod ops;
pub(crate) mod store;
mod text;
mod types;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

pub use format::TokenKind;
use format::{Keyed, OsRandom, Shape};
pub use text::Detect;
pub use types::{
    BatchSummary, DeleteItem, DetokenizeItem, DetokenizeOptions, InfoItem, ItemError, Mask, PurgeReport, TextOptions,
    TokenBatch, TokenInfo, TokenizeItem, TokenizeOptions,
};

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::{Event, OK};
use crate::crypto::aead::{self, Place, Slot, NONCE_LEN, ROW_KEY};
use crate::crypto::index::{IndexKey, MacKey, PartsMac};
use crate::crypto::keys::SecretKey;
use crate::crypto::{fpe, kdf};
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{format_token, TokenBytes};
use crate::keyring::Keyring;
use crate::normalize::Region;
use crate::policy::{Operation, Target};
use crate::store::{Db, Tx};
use crate::subjects;
use crate::tokens::store::TokenRow;

/// Stored flag bits.
const DETERMINISTIC: i64 = 1;
const ONCE: i64 = 2;
const SLIDING: i64 = 4;
/// Draws before a format's space counts as used up.
const MAX_DRAWS: u32 = 32;
/// The longest token accepted as input.
const MAX_TOKEN_LEN: usize = 256;
/// The longest life of a transient token (and its default).
pub const TRANSIENT_MAX_MS: u64 = 3_600_000;
/// The longest `ttl_ms`: 100 years.
const MAX_TTL_MS: u64 = 100 * 365 * 24 * 3_600_000;
/// Expired tokens deleted per transaction by a purge.
const PURGE_BATCH: u64 = 1_000;

/// An FF1 key, alphabet and tweak (the scope).
struct Ff1 {
    key: Arc<SecretKey>,
    alphabet: fpe::Alphabet,
    tweak: Vec<u8>,
}

/// Scopes whose FF1 key is kept derived (beyond it the cache starts over).
const FF1_KEYS_CACHED: usize = 256;

/// What a tokenize resolved before its transaction: the options checked.
struct Plan {
    /// FF1 tokens: nothing is stored.
    ff1: Option<Ff1>,
    shape: Shape,
    scope: String,
    flags: i64,
    scope_key: Option<SecretKey>,
    expires_ms: Option<i64>,
    ttl_ms: Option<i64>,
    renew: bool,
}

/// A linked subject's row id and token.
type LinkId = (i64, TokenBytes);

/// The subject a token is linked to.
struct Link {
    id: i64,
    token: TokenBytes,
    dek: SecretKey,
}

/// A value to tokenize: as stored, in the form deterministic tokens are derived from, and how a
/// stored value is brought to that form (to recognise it).
#[derive(Clone, Copy)]
struct Prepared<'a> {
    stored: &'a str,
    normal: &'a str,
    renormalize: &'a dyn Fn(&str) -> Result<Zeroizing<String>>,
}

/// A value read back: the value, its kind, and the event of the read.
struct Opened {
    value: Zeroizing<String>,
    kind: TokenKind,
    event: Event,
}

/// The purpose check of an FF1 token made or read (no subject is involved; nothing is stored),
/// audited as `attempt` when it refuses. Making an FF1 token is checked as detokenizing: the
/// token is the value encrypted, so whoever may make tokens of chosen values may test guesses
/// against a token they hold (a card's BIN and last four leave a million candidates) — an
/// encryption oracle is a decryption oracle here.
pub(super) fn check_vaultless(engine: &Engine, caller: &Caller, attempt: Event) -> Result<()> {
    if !engine.applies_to(caller) {
        return Ok(());
    }
    engine.read_as(caller, attempt, |db| {
        engine.check(db, caller, (Operation::Detokenize, Target::Nobody), false).map(|()| ((), Vec::new()))
    })
}

pub(super) fn check_scope(scope: &str) -> Result<()> {
    let ok = (1..=64).contains(&scope.len())
        && scope.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid("scope must be 1 to 64 letters, digits, '.', '_', ':' or '-'"))
    }
}

fn expired(row: &TokenRow, now: i64) -> bool {
    row.expires_ms.is_some_and(|e| e <= now)
}

fn expired_error() -> Error {
    Error::new(ErrorKind::Expired, "the token has expired")
}

/// The MAC of a token row's state — everything but the sealed value, which its envelope binds
/// (format 6): an expiry cleared or moved, a flag flipped or a link changed in the file fails it.
/// One fixed layout (it is checked on every detokenization, so it is hashed in few passes):
/// `"token"`, the hash, kind, flags, creation time, then subject, expiry and time to live each
/// as a presence byte and a value; then the scope as a part of its own.
pub(crate) fn row_mac(key: &MacKey, row: &TokenRow) -> [u8; 32] {
    let mut buf = [0u8; 5 + 16 + 8 * 3 + 9 * 3];
    buf[..5].copy_from_slice(b"token");
    buf[5..21].copy_from_slice(&row.hash);
    let mut at = 21;
    for v in [row.kind, row.flags, row.created_ms] {
        buf[at..at + 8].copy_from_slice(&v.to_be_bytes());
        at += 8;
    }
    for v in [row.subject_id, row.expires_ms, row.ttl_ms] {
        if let Some(v) = v {
            buf[at] = 1;
            buf[at + 1..at + 9].copy_from_slice(&v.to_be_bytes());
        }
        at += 9;
    }
    PartsMac::new(key).part(&buf[..at]).part(row.scope.as_bytes()).finish()
}

/// Where a token's value is sealed: bound to the token's hash, kind, flags and scope.
fn value_record(hash: &[u8; 16], kind: i64, flags: i64, scope: &str) -> Vec<u8> {
    let mut record = hash.to_vec();
    record.push(kind as u8);
    record.push(flags as u8);
    record.extend_from_slice(scope.as_bytes());
    record
}

/// The tokens area of an open vault: the prepared key of token hashes, and the default phone
/// region for finding national numbers in free text.
pub(crate) struct Tokens {
    hash: IndexKey,
    region: Option<Region>,
    /// FF1 keys of the scopes used so far (HKDF per scope, derived once).
    ff1_keys: Mutex<HashMap<String, Arc<SecretKey>>>,
}

impl Tokens {
    pub(crate) fn new(keys: &Keyring, region: Option<Region>) -> Tokens {
        Tokens { hash: IndexKey::new(&keys.tokens().hash), region, ff1_keys: Mutex::new(HashMap::new()) }
    }

    /// The FF1 parameters of a scope: its key (HKDF from the token keys, cached), the alphabet,
    /// and the scope as the tweak.
    fn ff1(&self, engine: &Engine, alphabet: Option<&str>, scope: &str) -> Result<Ff1> {
        let alphabet = fpe::Alphabet::parse(alphabet.unwrap_or("digits"))?;
        let mut keys = self.ff1_keys.lock().unwrap_or_else(|p| p.into_inner());
        let key = match keys.get(scope) {
            Some(key) => Arc::clone(key),
            None => {
                let mut info = kdf::TOKEN_FPE.to_vec();
                info.extend_from_slice(scope.as_bytes());
                let key = Arc::new(engine.keys().tokens().deterministic.derive(engine.keys().vault_id(), &info));
                if keys.len() >= FF1_KEYS_CACHED {
                    keys.clear();
                }
                keys.insert(scope.to_owned(), Arc::clone(&key));
                key
            }
        };
        Ok(Ff1 { key, alphabet, tweak: scope.as_bytes().to_vec() })
    }

    /// The keyed hash of a token given by a caller (`INVALID_INPUT` when it cannot be one).
    fn hash_of(&self, token: &str) -> Result<[u8; 16]> {
        if token.is_empty() || token.len() > MAX_TOKEN_LEN {
            return Err(Error::invalid(format!("a token is 1 to {MAX_TOKEN_LEN} bytes")));
        }
        Ok(self.hash.index(token))
    }

    /// The key deterministic tokens of `scope` are derived with.
    fn scope_key(&self, engine: &Engine, scope: &str) -> SecretKey {
        let mut info = kdf::TOKEN_SCOPE.to_vec();
        info.extend_from_slice(scope.as_bytes());
        engine.keys().tokens().deterministic.derive(engine.keys().vault_id(), &info)
    }

    fn plan(&self, engine: &Engine, o: &TokenizeOptions) -> Result<Plan> {
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

    fn event(action: Action, link: Option<LinkId>, hash: [u8; 16]) -> Event {
        match link {
            Some((id, token)) => Event::about(action, id, token).with_reference(hash),
            None => Event::attempt(action, None).with_reference(hash),
        }
    }

    /// Make (or, deterministic, find) the token of a prepared value inside `tx`. Returns the
    /// token, whether it was created, and its hash.
    fn create_in(
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
    fn holds(
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

    /// The token row with hash `hash`, its MAC checked (`INTEGRITY` for a row edited in the file).
    fn stored_row(engine: &Engine, db: &Db<'_>, hash: &[u8; 16]) -> Result<Option<TokenRow>> {
        let Some(row) = db.token_by_hash(hash)? else { return Ok(None) };
        let expected = row_mac(&engine.keys().tokens().state, &row);
        if !bool::from(expected.as_slice().ct_eq(&row.mac)) {
            return Err(Error::integrity(
                "a token's stored state fails its MAC (its expiry, flags or link were edited)",
            ));
        }
        Ok(Some(row))
    }

    /// Store a token row's changed expiry with its new MAC.
    fn store_expiry(engine: &Engine, tx: &Tx<'_>, mut row: TokenRow) -> Result<()> {
        row.mac = row_mac(&engine.keys().tokens().state, &row);
        tx.set_token_expiry(&row)
    }

    /// The subject a stored token is linked to (its row id, token and data key), if any.
    fn link_of(engine: &Engine, db: &Db<'_>, row: &TokenRow) -> Result<Option<Link>> {
        row.subject_id
            .map(|id| {
                let (token, dek) = subjects::data_key_by_id(engine, db, id)?
                    .ok_or_else(|| Error::integrity("a token names a subject that is not stored"))?;
                Ok(Link { id, token, dek })
            })
            .transpose()
    }

    /// Decrypt a stored token's value; also gives the linked subject's row id and token.
    fn open_value(&self, engine: &Engine, db: &Db<'_>, row: &TokenRow) -> Result<(Zeroizing<String>, Option<LinkId>)> {
        let link = Self::link_of(engine, db, row)?;
        let value = Self::open_linked(engine, row, link.as_ref())?;
        Ok((value, link.map(|l| (l.id, l.token))))
    }

    /// Decrypt a stored token's value, sealed under its linked subject's data key (`link`, as
    /// [`link_of`](Self::link_of) found it) or the token value key.
    fn open_linked(engine: &Engine, row: &TokenRow, link: Option<&Link>) -> Result<Zeroizing<String>> {
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
    fn find(
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
    fn detokenize_in(
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

    fn masked(value: &str, kind: TokenKind, options: &DetokenizeOptions) -> String {
        match &options.mask {
            Some(m) => format::mask(kind, value, m.keep_first as usize, m.keep_last as usize, m.char),
            None => value.to_owned(),
        }
    }

    /// The subject a new token is linked to (if any), after checking the caller's purpose for
    /// a write on it (as if before looking it up: see [`Engine::check_found`]).
    fn resolve_link(engine: &Engine, caller: &Caller, db: &Db<'_>, subject: Option<&str>) -> Result<Option<Link>> {
        let Some(subject) = subject else {
            engine.check(db, caller, (Operation::Write, Target::Nobody), false)?;
            return Ok(None);
        };
        let found = subjects::key_of(engine, db, subject).map(|(id, token, dek)| Link { id, token, dek });
        engine.check_found(db, caller, Operation::Write, found, |l| (l.id, l.token)).map(Some)
    }

    // ---- operations -------------------------------------------------------------------------

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
    fn ff1_of(&self, engine: &Engine, options: &DetokenizeOptions) -> Result<Option<Ff1>> {
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
    fn record_vaultless<'t>(
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

    fn delete_in(engine: &Engine, caller: &Caller, tx: &Tx<'_>, hash: [u8; 16]) -> Result<Event> {
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
    fn info_in(engine: &Engine, caller: &Caller, db: &Db<'_>, hash: [u8; 16]) -> Result<(TokenInfo, Event)> {
        let (row, link) = Self::find(engine, db, caller, Operation::Read, &hash)?;
        let link = link.map(|l| (l.id, l.token));
        let info = TokenInfo {
            kind: TokenKind::from_number(row.kind)?,
            scope: row.scope.clone(),
            deterministic: row.flags & DETERMINISTIC != 0,
            once: row.flags & ONCE != 0,
            sliding: row.flags & SLIDING != 0,
            created_ms: row.created_ms,
            expires_ms: row.expires_ms,
            ttl_ms: row.ttl_ms,
            expired: expired(&row, engine.now_ms()),
            subject: link.map(|(_, t)| format_token(&t)),
            reference: hex::encode(hash),
        };
        Ok((info, Self::event(Action::TokenInfo, link, hash)))
    }

    /// Delete expired tokens, [`PURGE_BATCH`] per transaction (readers are never blocked, and
    /// other writers get the lock between transactions).
    pub(crate) fn purge(&self, engine: &Engine, caller: &Caller) -> Result<PurgeReport> {
        let mut removed = 0;
        loop {
            let now = engine.now_ms();
            let n = engine.write(caller, Action::TokenPurge, None, |tx| {
                engine.validate_purpose(tx, caller)?;
                Ok((tx.purge_expired_tokens(now, PURGE_BATCH)?, vec![]))
            })?;
            removed += n;
            if n < PURGE_BATCH {
                break;
            }
        }
        engine.write(caller, Action::TokenPurge, None, |_| Ok(((), vec![Event::attempt(Action::TokenPurge, None)])))?;
        Ok(PurgeReport { removed })
    }
}

/// Check every token row's state MAC (what `verify_audit` does of this area); how many there
/// are.
pub(crate) fn verify_rows(engine: &Engine, db: &Db<'_>) -> Result<u64> {
    let key = &engine.keys().tokens().state;
    let mut n = 0u64;
    db.each_token(&mut |row| {
        let expected = row_mac(key, &row);
        if !bool::from(expected.as_slice().ct_eq(&row.mac)) {
            return Err(Error::integrity(
                "a token's stored state fails its MAC (its expiry, flags or link were edited)",
            ));
        }
        n += 1;
        Ok(())
    })?;
    Ok(n)
}
