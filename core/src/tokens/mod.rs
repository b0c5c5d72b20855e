//! Tokens: stand-ins for single sensitive values (a card number, an email, an SSN in a log line),
//! so that applications' databases, logs and third parties hold a token instead. Vaulted tokens
//! map back through the vault: the store keeps a keyed hash of each token (never the token) and
//! the value sealed under the linked subject's data key or the token value key. Random by
//! default; deterministic per scope on request (a keyed function of scope and normalised value);
//! optional expiry (fixed or sliding), destruction on first use, and a subject link that the
//! subject's erasure follows. Every operation is audited with a keyed hash of the token.

mod format;
mod text;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

pub use format::TokenKind;
use format::{Keyed, OsRandom, Shape};
pub use text::Detect;

use crate::audit::action::Action;
use crate::audit::chain::{Event, OK};
use crate::caller::Caller;
use crate::crypto::aead::{self, Place, Slot, NONCE_LEN, ROW_KEY};
use crate::crypto::index::IndexKey;
use crate::crypto::keys::SecretKey;
use crate::crypto::{fpe, kdf};
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{format_token, TokenBytes};
use crate::keyring::Keyring;
use crate::normalize::{normalize, Region, Rule};
use crate::store::{self, Db, TokenRow, Tx};
use crate::subjects;

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

/// Options of [`Vault::tokenize`](crate::Vault::tokenize) (from JSON in the bindings: unknown
/// fields are refused). Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TokenizeOptions {
    /// The token's kind (`uuid` by default).
    pub kind: TokenKind,
    /// Alphanumeric and numeric tokens: how many characters (6–128; default 22 and 38).
    pub length: Option<u32>,
    /// Card tokens: keep this many leading digits (0–6).
    pub keep_first: u32,
    /// Card tokens: keep this many trailing digits (0–4).
    pub keep_last: u32,
    /// Card tokens: pass the Luhn check (by default they fail it, so no token can be taken for
    /// a card number).
    pub luhn_valid: bool,
    /// Email tokens: keep the value's domain (default) or use `token.invalid`.
    pub keep_domain: Option<bool>,
    /// The same value (normalised: a card's digits, an email lower-cased) in the same scope gets
    /// the same token. Off by default: deterministic tokens reveal which values repeat.
    pub deterministic: bool,
    /// The namespace of deterministic tokens (`default` when absent): scopes never share tokens.
    /// 1–64 letters, digits, `.`, `_`, `:` or `-`.
    pub scope: Option<String>,
    /// The token expires this many milliseconds after it is made (or, `sliding`, after its
    /// last detokenize).
    pub ttl_ms: Option<u64>,
    /// The token expires at this time (milliseconds since the Unix epoch).
    pub expires_at_ms: Option<i64>,
    /// Each detokenize moves the expiry to `ttl_ms` from then.
    pub sliding: bool,
    /// The token is destroyed by its first detokenize.
    pub once: bool,
    /// The token belongs to this subject (its token): the value is sealed under the subject's
    /// data key and the token is erased with the subject.
    pub subject: Option<String>,
    /// Deterministic tokens: tokenizing a value that already has a token moves that token's
    /// expiry as if it were made now.
    pub renew: bool,
    /// FF1 tokens: the alphabet of values and tokens — `digits` (the default), `hex`,
    /// `lower_alphanumeric`, `alphanumeric`, or the characters of a custom one (2–256, each once).
    pub alphabet: Option<String>,
}

/// A mask applied by [`Vault::detokenize`](crate::Vault::detokenize): every character but the
/// first `keep_first` and the last `keep_last` (of an email: of its local part) becomes `char`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mask {
    /// Leading characters shown (default 0).
    pub keep_first: u32,
    /// Trailing characters shown (default 4).
    pub keep_last: u32,
    /// The masking character (default `*`).
    pub char: char,
}

impl Default for Mask {
    fn default() -> Mask {
        Mask { keep_first: 0, keep_last: 4, char: '*' }
    }
}

/// Options of [`Vault::detokenize`](crate::Vault::detokenize).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DetokenizeOptions {
    /// Return the value masked (e.g. `************1111`).
    pub mask: Option<Mask>,
    /// `fpe` for FF1 tokens, which the vault does not store: they are decrypted with the
    /// `alphabet` and `scope` they were made with. Vaulted tokens know their kind.
    pub kind: Option<TokenKind>,
    /// FF1 tokens: their alphabet (`digits` by default).
    pub alphabet: Option<String>,
    /// FF1 tokens: their scope (`default` by default).
    pub scope: Option<String>,
}

/// What [`Vault::token_info`](crate::Vault::token_info) tells about a token: never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// The token's kind.
    pub kind: TokenKind,
    /// Its scope (`default` unless given).
    pub scope: String,
    /// Made deterministically (same value and scope, same token).
    pub deterministic: bool,
    /// Destroyed by its first detokenize.
    pub once: bool,
    /// Each detokenize moves the expiry `ttl_ms` ahead.
    pub sliding: bool,
    /// When it was made (milliseconds since the Unix epoch).
    pub created_ms: i64,
    /// When it expires (milliseconds since the Unix epoch), if ever.
    pub expires_ms: Option<i64>,
    /// The sliding expiry's duration.
    pub ttl_ms: Option<i64>,
    /// It has expired (detokenize answers `EXPIRED`; a purge removes it).
    pub expired: bool,
    /// The token of the subject it belongs to.
    pub subject: Option<String>,
    /// The keyed hash of the token (hex) that audit events about it carry.
    pub reference: String,
}

/// A failed item of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemError {
    /// The error code (`INVALID_INPUT`, `NOT_FOUND`, `EXPIRED`, …).
    pub code: String,
    /// What went wrong (never the value).
    pub message: String,
}

impl From<&Error> for ItemError {
    fn from(e: &Error) -> ItemError {
        ItemError { code: e.code().to_owned(), message: e.message().to_owned() }
    }
}

/// One item of [`Vault::tokenize_many`](crate::Vault::tokenize_many).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenizeItem {
    /// `created`, `existing` (a deterministic token made earlier) or `failed`.
    pub status: &'static str,
    /// The token, unless the item failed.
    pub token: Option<String>,
    /// Why the item failed.
    pub error: Option<ItemError>,
}

/// One item of [`Vault::detokenize_many`](crate::Vault::detokenize_many).
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct DetokenizeItem {
    /// The value (masked when asked), unless the item failed.
    pub value: Option<String>,
    /// Why the item failed.
    pub error: Option<ItemError>,
}

impl std::fmt::Debug for DetokenizeItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DetokenizeItem")
            .field("value", &self.value.as_ref().map(|_| "<redacted>"))
            .field("error", &self.error)
            .finish()
    }
}

/// One item of [`Vault::token_infos`](crate::Vault::token_infos).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InfoItem {
    /// The token's metadata, unless the item failed.
    pub info: Option<TokenInfo>,
    /// Why the item failed.
    pub error: Option<ItemError>,
}

/// One item of [`Vault::delete_tokens`](crate::Vault::delete_tokens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeleteItem {
    /// The token was deleted.
    pub deleted: bool,
    /// Why the item failed.
    pub error: Option<ItemError>,
}

/// Counts of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BatchSummary {
    /// Items in the batch.
    pub total: u64,
    /// Items that succeeded.
    pub ok: u64,
    /// Items that failed.
    pub failed: u64,
}

/// The result of a token batch: one item per input, in order, and the counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenBatch<T> {
    /// One result per input, in order.
    pub items: Vec<T>,
    /// The counts.
    pub summary: BatchSummary,
}

/// The result of [`Vault::purge_tokens`](crate::Vault::purge_tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    /// Expired tokens deleted.
    pub removed: u64,
}

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

fn parse<T: serde::de::DeserializeOwned + Default>(options: Option<Value>, what: &str) -> Result<T> {
    match options {
        None | Some(Value::Null) => Ok(T::default()),
        Some(v) => serde_json::from_value(v).map_err(|e| Error::invalid(format!("invalid {what}: {}", unquoted(&e)))),
    }
}

/// serde's message without the input it quotes (`invalid type: string "…"`, `unknown variant
/// `…``): an option given a value by mistake must not echo it. Field names it lists stay.
fn unquoted(e: &serde_json::Error) -> String {
    let message = e.to_string();
    for (prefix, open, close) in
        [("invalid type: string \"", '"', '"'), ("invalid value: string \"", '"', '"'), ("unknown variant `", '`', '`')]
    {
        if let Some(at) = message.find(prefix) {
            let start = at + prefix.len() - open.len_utf8();
            if let Some(len) = message[start + 1..].find(close) {
                return format!("{}{}", &message[..start].trim_end(), &message[start + 1 + len + 1..]);
            }
        }
    }
    message
}

fn check_scope(scope: &str) -> Result<()> {
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
                let key = Arc::new(engine.keys.tokens().deterministic.derive(engine.keys.vault_id(), &info));
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
        let scope_key = o.deterministic.then(|| {
            let mut info = kdf::TOKEN_SCOPE.to_vec();
            info.extend_from_slice(scope.as_bytes());
            engine.keys.tokens().deterministic.derive(engine.keys.vault_id(), &info)
        });
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
                if let Some(row) = store::tokens::get(tx, &hash)? {
                    let same_place = row.flags & DETERMINISTIC != 0
                        && row.kind == kind
                        && row.scope == plan.scope
                        && row.subject_id == link.map(|l| l.id);
                    if !same_place || !self.holds(engine, tx, &row, renormalize, normal)? {
                        continue;
                    }
                    if !expired(&row, now) {
                        if plan.renew {
                            store::tokens::set_expiry(tx, &hash, plan.expires_ms, plan.ttl_ms)?;
                        }
                        return Ok((candidate, false, hash));
                    }
                    // Expired: made afresh below under the same token.
                    store::tokens::delete(tx, &hash)?;
                }
            }
            let record = value_record(&hash, kind, plan.flags, &plan.scope);
            let place = Place::fixed(engine.keys.vault_id(), Slot::TokenValue, &record);
            let value = match link {
                Some(l) => aead::seal(&l.dek, ROW_KEY, &place, stored.as_bytes())?,
                None => {
                    let mut nonce = [0u8; NONCE_LEN];
                    format::Source::fill(rng, &mut nonce)?;
                    engine.keys.tokens().value.seal_with_nonce(nonce, &place, stored.as_bytes())
                }
            };
            let row = TokenRow {
                hash,
                kind,
                scope: plan.scope.clone(),
                flags: plan.flags,
                subject_id: link.map(|l| l.id),
                value,
                created_ms: now,
                expires_ms: plan.expires_ms,
                ttl_ms: plan.ttl_ms,
            };
            if store::tokens::insert(tx, &row)? {
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

    /// Decrypt a stored token's value; also gives the linked subject's row id and token.
    fn open_value(&self, engine: &Engine, db: &Db<'_>, row: &TokenRow) -> Result<(Zeroizing<String>, Option<LinkId>)> {
        let record = value_record(&row.hash, row.kind, row.flags, &row.scope);
        let place = Place::fixed(engine.keys.vault_id(), Slot::TokenValue, &record);
        let (mut plain, link) = match row.subject_id {
            Some(id) => {
                let (token, dek) = subjects::data_key_by_id(engine, db, id)?
                    .ok_or_else(|| Error::integrity("a token names a subject that is not stored"))?;
                (aead::open(&dek, ROW_KEY, &place, &row.value)?, Some((id, token)))
            }
            None => (engine.keys.tokens().value.open(&place, &row.value)?, None),
        };
        let text = String::from_utf8(std::mem::take(&mut *plain)).map_err(|e| {
            zeroize::Zeroize::zeroize(&mut e.into_bytes());
            Error::integrity("a stored token value is not text")
        })?;
        Ok((Zeroizing::new(text), link))
    }

    /// Read a token's value. With `tx` absent (a reader) a token that must change when used
    /// (once, sliding) gives `None`: the caller repeats the read inside a write.
    fn detokenize_in(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        tx: Option<&Tx<'_>>,
        hash: [u8; 16],
        action: Action,
    ) -> Result<Option<Opened>> {
        let row = store::tokens::get(db, &hash)?.ok_or_else(|| Error::new(ErrorKind::NotFound, "no such token"))?;
        let now = engine.now_ms();
        if expired(&row, now) {
            return Err(expired_error());
        }
        let changes = row.flags & (ONCE | SLIDING) != 0;
        if changes && tx.is_none() {
            return Ok(None);
        }
        let (value, link) = self.open_value(engine, db, &row)?;
        if let Some(tx) = tx {
            if row.flags & ONCE != 0 {
                store::tokens::delete(tx, &hash)?;
            } else if row.flags & SLIDING != 0 {
                let expires = row.ttl_ms.map(|t| now.saturating_add(t));
                store::tokens::set_expiry(tx, &hash, expires, row.ttl_ms)?;
            }
        }
        let kind = TokenKind::from_number(row.kind)?;
        Ok(Some(Opened { value, kind, event: Self::event(action, link, hash) }))
    }

    fn masked(value: &str, kind: TokenKind, options: &DetokenizeOptions) -> String {
        match &options.mask {
            Some(m) => format::mask(kind, value, m.keep_first as usize, m.keep_last as usize, m.char),
            None => value.to_owned(),
        }
    }

    fn resolve_link(engine: &Engine, db: &Db<'_>, subject: Option<&str>) -> Result<Option<Link>> {
        subject.map(|t| subjects::key_of(engine, db, t).map(|(id, token, dek)| Link { id, token, dek })).transpose()
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
            let token = fpe::encrypt(&ff1.key, &ff1.alphabet, &ff1.tweak, &stored).map_err(refuse)?;
            self.record_vaultless(engine, caller, Action::TokenCreate, [token.as_str()])?;
            return Ok(token);
        }
        engine.write(caller, Action::TokenCreate, None, |tx| {
            let link = Self::resolve_link(engine, tx, options.subject.as_deref())?;
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

    pub(crate) fn tokenize_many(
        &self,
        engine: &Engine,
        caller: &Caller,
        values: &[String],
        options: &TokenizeOptions,
        all_or_nothing: bool,
    ) -> Result<TokenBatch<TokenizeItem>> {
        let refuse = |e| engine.refused(caller, Action::TokenCreate, None, e);
        engine.limits.check_batch(values.len()).map_err(refuse)?;
        let plan = self.plan(engine, options).map_err(refuse)?;
        if let Some(ff1) = &plan.ff1 {
            let encrypt = |v: &String| {
                format::prepare(&plan.shape, v)
                    .and_then(|(stored, _)| fpe::encrypt(&ff1.key, &ff1.alphabet, &ff1.tweak, &stored))
            };
            let results: Vec<Result<String>> = values.iter().map(encrypt).collect();
            if all_or_nothing {
                if let Some((i, e)) = results.iter().enumerate().find_map(|(i, r)| r.as_ref().err().map(|e| (i, e))) {
                    return Err(refuse(Error::new(e.kind(), format!("item {i}: {}", e.message()))));
                }
            }
            let made = results.iter().filter_map(|r| r.as_ref().ok().map(String::as_str));
            self.record_vaultless(engine, caller, Action::TokenCreate, made)?;
            let failures: Vec<&'static str> =
                results.iter().filter_map(|r| r.as_ref().err().map(Error::code)).collect();
            record_failures(engine, caller, Action::TokenCreate, &failures)?;
            let items = results
                .into_iter()
                .map(|r| match r {
                    Ok(token) => TokenizeItem { status: "created", token: Some(token), error: None },
                    Err(e) => TokenizeItem { status: "failed", token: None, error: Some((&e).into()) },
                })
                .collect();
            return Ok(batch(items, |i| i.error.is_none()));
        }
        let mut failures: Vec<&'static str> = Vec::new();
        let items = engine.write(caller, Action::TokenCreate, None, |tx| {
            let link = Self::resolve_link(engine, tx, options.subject.as_deref())?;
            let renormalize = |v: &str| format::prepare(&plan.shape, v).map(|(_, n)| n);
            let mut rng = OsRandom::new();
            let mut items = Vec::with_capacity(values.len());
            let mut events = Vec::new();
            for (i, v) in values.iter().enumerate() {
                let made = format::prepare(&plan.shape, v).and_then(|(stored, normal)| {
                    let value = Prepared { stored: &stored, normal: &normal, renormalize: &renormalize };
                    self.create_in(engine, tx, &plan, &value, link.as_ref(), &mut rng)
                });
                match made {
                    Ok((token, created, hash)) => {
                        events.push(Self::event(Action::TokenCreate, link.as_ref().map(|l| (l.id, l.token)), hash));
                        let status = if created { "created" } else { "existing" };
                        items.push(TokenizeItem { status, token: Some(token), error: None });
                    }
                    Err(e) if item_error(&e) => {
                        if all_or_nothing {
                            return Err(Error::new(e.kind(), format!("item {i}: {}", e.message())));
                        }
                        failures.push(e.code());
                        items.push(TokenizeItem { status: "failed", token: None, error: Some((&e).into()) });
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok((items, events))
        })?;
        record_failures(engine, caller, Action::TokenCreate, &failures)?;
        Ok(batch(items, |i| i.error.is_none()))
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
            let value = Zeroizing::new(
                fpe::decrypt(&ff1.key, &ff1.alphabet, &ff1.tweak, token)
                    .map_err(|e| engine.refused_as(caller, attempt(), e))?,
            );
            self.record_vaultless(engine, caller, Action::TokenDetokenize, [token])?;
            return Ok(Self::masked(&value, TokenKind::Fpe, options));
        }
        let read = engine.read_as(caller, attempt(), |db| {
            Ok(match self.detokenize_in(engine, db, None, hash, Action::TokenDetokenize)? {
                Some(o) => (Some((o.value, o.kind)), vec![o.event]),
                None => (None, vec![]),
            })
        })?;
        let (value, kind) = match read {
            Some(done) => done,
            None => engine.write_as(caller, attempt(), |tx| {
                let o = self
                    .detokenize_in(engine, tx, Some(tx), hash, Action::TokenDetokenize)?
                    .ok_or_else(|| Error::internal("detokenize"))?;
                Ok(((o.value, o.kind), vec![o.event]))
            })?,
        };
        Ok(Self::masked(&value, kind, options))
    }

    pub(crate) fn detokenize_many(
        &self,
        engine: &Engine,
        caller: &Caller,
        tokens: &[String],
        options: &DetokenizeOptions,
        all_or_nothing: bool,
    ) -> Result<TokenBatch<DetokenizeItem>> {
        self.detokenize_many_as(engine, caller, Action::TokenDetokenize, tokens, options, all_or_nothing)
    }

    /// [`detokenize_many`](Self::detokenize_many), audited as `action`.
    fn detokenize_many_as(
        &self,
        engine: &Engine,
        caller: &Caller,
        action: Action,
        tokens: &[String],
        options: &DetokenizeOptions,
        all_or_nothing: bool,
    ) -> Result<TokenBatch<DetokenizeItem>> {
        engine.limits.check_batch(tokens.len()).map_err(|e| engine.refused(caller, action, None, e))?;
        let ff1 = self.ff1_of(engine, options).map_err(|e| engine.refused(caller, action, None, e))?;
        if let Some(ff1) = ff1 {
            return self.detokenize_many_ff1(engine, caller, tokens, &ff1, options, all_or_nothing);
        }
        let hashes: Vec<Result<[u8; 16]>> = tokens.iter().map(|t| self.hash_of(t)).collect();
        let mut failures: Vec<(Option<[u8; 16]>, &'static str)> = Vec::new();
        // One pass on a reader; if a token must change when used (once, sliding), the whole
        // batch runs again inside a write.
        let run = |db: &Db<'_>, tx: Option<&Tx<'_>>, failures: &mut Vec<(Option<[u8; 16]>, &'static str)>| {
            let mut items = Vec::with_capacity(hashes.len());
            let mut events = Vec::new();
            failures.clear();
            for (i, h) in hashes.iter().enumerate() {
                let got = match h {
                    Ok(hash) => self.detokenize_in(engine, db, tx, *hash, action),
                    Err(e) => Err(Error::new(e.kind(), e.message().to_owned())),
                };
                match got {
                    Ok(Some(o)) => {
                        let value = Self::masked(&o.value, o.kind, options);
                        events.push(o.event);
                        items.push(DetokenizeItem { value: Some(value), error: None });
                    }
                    Ok(None) => return Ok(None),
                    Err(e) if item_error(&e) => {
                        if all_or_nothing {
                            return Err(Error::new(e.kind(), format!("item {i}: {}", e.message())));
                        }
                        failures.push((h.as_ref().ok().copied(), e.code()));
                        items.push(DetokenizeItem { value: None, error: Some((&e).into()) });
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(Some((items, events)))
        };
        let read = engine.read_snapshot(caller, action, None, |db| {
            Ok(match run(db, None, &mut failures)? {
                Some((items, events)) => (Some(items), events),
                None => (None, vec![]),
            })
        })?;
        let items = match read {
            Some(items) => items,
            None => engine.write(caller, action, None, |tx| {
                run(tx, Some(tx), &mut failures)?.ok_or_else(|| Error::internal("detokenize batch"))
            })?,
        };
        let now = engine.now_ms();
        let events = failures
            .iter()
            .map(|(hash, code)| {
                let e = Event::attempt(action, None);
                let e = match hash {
                    Some(h) => e.with_reference(*h),
                    None => e,
                };
                e.into_pending(caller, now, code)
            })
            .collect();
        engine.record(events)?;
        Ok(batch(items, |i| i.error.is_none()))
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

    fn detokenize_many_ff1(
        &self,
        engine: &Engine,
        caller: &Caller,
        tokens: &[String],
        ff1: &Ff1,
        options: &DetokenizeOptions,
        all_or_nothing: bool,
    ) -> Result<TokenBatch<DetokenizeItem>> {
        let results: Vec<Result<Zeroizing<String>>> = tokens
            .iter()
            .map(|t| {
                self.hash_of(t)?;
                fpe::decrypt(&ff1.key, &ff1.alphabet, &ff1.tweak, t).map(Zeroizing::new)
            })
            .collect();
        if all_or_nothing {
            if let Some((i, e)) = results.iter().enumerate().find_map(|(i, r)| r.as_ref().err().map(|e| (i, e))) {
                let e = Error::new(e.kind(), format!("item {i}: {}", e.message()));
                return Err(engine.refused(caller, Action::TokenDetokenize, None, e));
            }
        }
        let read = tokens.iter().zip(&results).filter(|(_, r)| r.is_ok()).map(|(t, _)| t.as_str());
        self.record_vaultless(engine, caller, Action::TokenDetokenize, read)?;
        let failures: Vec<&'static str> = results.iter().filter_map(|r| r.as_ref().err().map(Error::code)).collect();
        record_failures(engine, caller, Action::TokenDetokenize, &failures)?;
        let items = results
            .into_iter()
            .map(|r| match r {
                Ok(v) => DetokenizeItem { value: Some(Self::masked(&v, TokenKind::Fpe, options)), error: None },
                Err(e) => DetokenizeItem { value: None, error: Some((&e).into()) },
            })
            .collect();
        Ok(batch(items, |i| i.error.is_none()))
    }

    pub(crate) fn delete(&self, engine: &Engine, caller: &Caller, token: &str) -> Result<()> {
        let hash = self.hash_of(token).map_err(|e| engine.refused(caller, Action::TokenDelete, None, e))?;
        engine.write_as(caller, Event::attempt(Action::TokenDelete, None).with_reference(hash), |tx| {
            let event = self.delete_in(engine, tx, hash)?;
            Ok(((), vec![event]))
        })
    }

    fn delete_in(&self, engine: &Engine, tx: &Tx<'_>, hash: [u8; 16]) -> Result<Event> {
        let row = store::tokens::get(tx, &hash)?.ok_or_else(|| Error::new(ErrorKind::NotFound, "no such token"))?;
        let link = match row.subject_id {
            Some(id) => subjects::data_key_by_id(engine, tx, id)?.map(|(token, _)| (id, token)),
            None => None,
        };
        store::tokens::delete(tx, &hash)?;
        Ok(Self::event(Action::TokenDelete, link, hash))
    }

    pub(crate) fn delete_many(
        &self,
        engine: &Engine,
        caller: &Caller,
        tokens: &[String],
        all_or_nothing: bool,
    ) -> Result<TokenBatch<DeleteItem>> {
        engine.limits.check_batch(tokens.len()).map_err(|e| engine.refused(caller, Action::TokenDelete, None, e))?;
        let mut failures: Vec<&'static str> = Vec::new();
        let items = engine.write(caller, Action::TokenDelete, None, |tx| {
            let mut items = Vec::with_capacity(tokens.len());
            let mut events = Vec::new();
            for (i, t) in tokens.iter().enumerate() {
                let done = self.hash_of(t).and_then(|h| self.delete_in(engine, tx, h));
                match done {
                    Ok(event) => {
                        events.push(event);
                        items.push(DeleteItem { deleted: true, error: None });
                    }
                    Err(e) if item_error(&e) => {
                        if all_or_nothing {
                            return Err(Error::new(e.kind(), format!("item {i}: {}", e.message())));
                        }
                        failures.push(e.code());
                        items.push(DeleteItem { deleted: false, error: Some((&e).into()) });
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok((items, events))
        })?;
        record_failures(engine, caller, Action::TokenDelete, &failures)?;
        Ok(batch(items, |i| i.deleted))
    }

    pub(crate) fn info(&self, engine: &Engine, caller: &Caller, token: &str) -> Result<TokenInfo> {
        let hash = self.hash_of(token).map_err(|e| engine.refused(caller, Action::TokenInfo, None, e))?;
        engine.read_as(caller, Event::attempt(Action::TokenInfo, None).with_reference(hash), |db| {
            let (info, event) = self.info_in(engine, db, hash)?;
            Ok((info, vec![event]))
        })
    }

    fn info_in(&self, engine: &Engine, db: &Db<'_>, hash: [u8; 16]) -> Result<(TokenInfo, Event)> {
        let row = store::tokens::get(db, &hash)?.ok_or_else(|| Error::new(ErrorKind::NotFound, "no such token"))?;
        let link = match row.subject_id {
            Some(id) => subjects::data_key_by_id(engine, db, id)?.map(|(token, _)| (id, token)),
            None => None,
        };
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

    /// The metadata of many tokens on one snapshot: per item the info or the error, and a
    /// summary; `all_or_nothing` makes any failure fail the call.
    pub(crate) fn info_many(
        &self,
        engine: &Engine,
        caller: &Caller,
        tokens: &[String],
        all_or_nothing: bool,
    ) -> Result<TokenBatch<InfoItem>> {
        engine.limits.check_batch(tokens.len()).map_err(|e| engine.refused(caller, Action::TokenInfo, None, e))?;
        let mut failures: Vec<(Option<[u8; 16]>, &'static str)> = Vec::new();
        let items = engine.read_snapshot(caller, Action::TokenInfo, None, |db| {
            let mut items = Vec::with_capacity(tokens.len());
            let mut events = Vec::new();
            for (i, t) in tokens.iter().enumerate() {
                let hash = self.hash_of(t);
                match hash
                    .as_ref()
                    .map_err(|e| Error::new(e.kind(), e.message().to_owned()))
                    .and_then(|h| self.info_in(engine, db, *h))
                {
                    Ok((info, event)) => {
                        events.push(event);
                        items.push(InfoItem { info: Some(info), error: None });
                    }
                    Err(e) if item_error(&e) => {
                        if all_or_nothing {
                            return Err(Error::new(e.kind(), format!("item {i}: {}", e.message())));
                        }
                        failures.push((hash.ok(), e.code()));
                        items.push(InfoItem { info: None, error: Some((&e).into()) });
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok((items, events))
        })?;
        let now = engine.now_ms();
        engine.record(
            failures
                .into_iter()
                .map(|(hash, code)| {
                    let e = Event::attempt(Action::TokenInfo, None);
                    match hash {
                        Some(h) => e.with_reference(h),
                        None => e,
                    }
                    .into_pending(caller, now, code)
                })
                .collect(),
        )?;
        Ok(batch(items, |i| i.error.is_none()))
    }

    /// Delete expired tokens, [`PURGE_BATCH`] per transaction (readers are never blocked, and
    /// other writers get the lock between transactions).
    pub(crate) fn purge(&self, engine: &Engine, caller: &Caller) -> Result<PurgeReport> {
        let mut removed = 0;
        loop {
            let now = engine.now_ms();
            let n = engine.write(caller, Action::TokenPurge, None, |tx| {
                Ok((store::tokens::purge_expired(tx, now, PURGE_BATCH)?, vec![]))
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

/// Options of [`Vault::tokenize_text`](crate::Vault::tokenize_text) (unknown fields refused).
/// `Debug` does not show the literal values (they are personal data).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TextOptions {
    /// What to find: any of `email`, `phone`, `card` (all three when absent).
    pub detect: Option<Vec<Detect>>,
    /// Literal values to replace wherever they occur (names, account numbers; at most 1,000).
    pub values: Vec<String>,
    /// The scope of the placeholders' tokens (`text` when absent): in one scope a value always
    /// gets the same token, so one conversation keeps one token per person.
    pub scope: Option<String>,
    /// The tokens expire this many milliseconds after they are made.
    pub ttl_ms: Option<u64>,
    /// The tokens belong to this subject (its token) and are erased with it.
    pub subject: Option<String>,
}

impl std::fmt::Debug for TextOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextOptions")
            .field("detect", &self.detect)
            .field("values", &format_args!("<{} redacted>", self.values.len()))
            .field("scope", &self.scope)
            .field("ttl_ms", &self.ttl_ms)
            .field("subject", &self.subject.as_ref().map(|_| "<token>"))
            .finish()
    }
}

/// The most literal values `tokenize_text` takes.
const MAX_TEXT_VALUES: usize = 1_000;

/// A free-text value in the form deterministic tokens are derived from: an email lower-cased, a
/// phone number in E.164, a card number's digits; the tag keeps kinds apart.
fn text_normal(tag: &str, value: &str, region: Option<Region>) -> Result<Zeroizing<String>> {
    let normal = match tag {
        "EMAIL" => normalize("text", Rule::Email, value, None)?,
        "PHONE" => normalize("text", Rule::Phone, value, region)?,
        "CARD" => value.chars().filter(char::is_ascii_digit).collect(),
        _ => value.to_owned(),
    };
    Ok(Zeroizing::new(format!("{tag}:{normal}")))
}

impl Tokens {
    pub(crate) fn tokenize_text(
        &self,
        engine: &Engine,
        caller: &Caller,
        input: &str,
        options: &TextOptions,
    ) -> Result<String> {
        let refuse = |e| engine.refused(caller, Action::TextTokenize, None, e);
        let max = engine.limits.max_document_bytes;
        if input.len() > max {
            return Err(refuse(Error::too_large(format!("a text is at most {max} bytes"))));
        }
        if options.values.len() > MAX_TEXT_VALUES {
            return Err(refuse(Error::too_large(format!("at most {MAX_TEXT_VALUES} values"))));
        }
        if options.values.iter().any(|v| v.len() > format::MAX_VALUE_LEN) {
            return Err(refuse(Error::too_large(format!("a value is at most {} bytes", format::MAX_VALUE_LEN))));
        }
        let plan = self
            .plan(
                engine,
                &TokenizeOptions {
                    kind: TokenKind::Alphanumeric,
                    deterministic: true,
                    scope: Some(options.scope.clone().unwrap_or_else(|| "text".to_owned())),
                    ttl_ms: options.ttl_ms,
                    subject: options.subject.clone(),
                    ..TokenizeOptions::default()
                },
            )
            .map_err(refuse)?;
        let detect = options.detect.as_deref().unwrap_or(&text::Detect::ALL);
        let found = text::find(input, detect, &options.values, self.region);
        if found.is_empty() {
            return Ok(input.to_owned());
        }
        engine.write(caller, Action::TextTokenize, None, |tx| {
            let link = Self::resolve_link(engine, tx, options.subject.as_deref())?;
            let mut out = String::with_capacity(input.len());
            let mut events = Vec::new();
            let mut seen = std::collections::HashSet::new();
            let mut rng = OsRandom::new();
            let mut at = 0;
            for f in &found {
                let span = &input[f.start..f.end];
                let normal = text_normal(f.tag, span, self.region)?;
                let tag = f.tag;
                let renormalize = |v: &str| text_normal(tag, v, self.region);
                let (token, _, hash) = self.create_in(
                    engine,
                    tx,
                    &plan,
                    &Prepared { stored: span, normal: &normal, renormalize: &renormalize },
                    link.as_ref(),
                    &mut rng,
                )?;
                if seen.insert(hash) {
                    events.push(Self::event(Action::TextTokenize, link.as_ref().map(|l| (l.id, l.token)), hash));
                }
                out.push_str(&input[at..f.start]);
                out.push('[');
                out.push_str(f.tag);
                out.push(':');
                out.push_str(&token);
                out.push(']');
                at = f.end;
            }
            out.push_str(&input[at..]);
            Ok((out, events))
        })
    }

    pub(crate) fn detokenize_text(
        &self,
        engine: &Engine,
        caller: &Caller,
        input: &str,
        options: &DetokenizeOptions,
    ) -> Result<String> {
        let max = engine.limits.max_document_bytes;
        if input.len() > max {
            let e = Error::too_large(format!("a text is at most {max} bytes"));
            return Err(engine.refused(caller, Action::TextDetokenize, None, e));
        }
        if options.kind.is_some() || options.alphabet.is_some() || options.scope.is_some() {
            let e = Error::invalid("text placeholders hold vaulted tokens: only mask applies");
            return Err(engine.refused(caller, Action::TextDetokenize, None, e));
        }
        let found = text::placeholders(input);
        if found.is_empty() {
            return Ok(input.to_owned());
        }
        let tokens: Vec<String> = found.iter().map(|(_, _, t)| (*t).to_owned()).collect();
        let batch = self.detokenize_many_as(engine, caller, Action::TextDetokenize, &tokens, options, false)?;
        let mut out = String::with_capacity(input.len());
        let mut at = 0;
        for ((start, end, _), item) in found.iter().zip(&batch.items) {
            // A placeholder whose token is unknown or expired stays as it is.
            if let Some(value) = &item.value {
                out.push_str(&input[at..*start]);
                out.push_str(value);
                at = *end;
            }
        }
        out.push_str(&input[at..]);
        Ok(out)
    }
}

/// Options from JSON (the bindings' form).
pub(crate) fn text_options(options: Option<Value>) -> Result<TextOptions> {
    parse(options, "tokenize_text options")
}

/// Errors that fail one item of a batch (the rest go on); any other error fails the batch.
fn item_error(e: &Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::InvalidInput | ErrorKind::TooLarge | ErrorKind::NotFound | ErrorKind::Expired | ErrorKind::Exhausted
    )
}

fn record_failures(engine: &Engine, caller: &Caller, action: Action, codes: &[&'static str]) -> Result<()> {
    let now = engine.now_ms();
    engine.record(codes.iter().map(|code| Event::attempt(action, None).into_pending(caller, now, code)).collect())
}

fn batch<T>(items: Vec<T>, ok: impl Fn(&T) -> bool) -> TokenBatch<T> {
    let total = items.len() as u64;
    let good = items.iter().filter(|i| ok(i)).count() as u64;
    TokenBatch { items, summary: BatchSummary { total, ok: good, failed: total - good } }
}

/// Options from JSON (the bindings' form).
pub(crate) fn tokenize_options(options: Option<Value>) -> Result<TokenizeOptions> {
    parse(options, "tokenize options")
}

/// Options from JSON (the bindings' form).
pub(crate) fn detokenize_options(options: Option<Value>) -> Result<DetokenizeOptions> {
    parse(options, "detokenize options")
}
