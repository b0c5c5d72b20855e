//! Tokens: stand-ins for single sensitive values (a card number, an email, an SSN in a log line),
//! so that applications' databases, logs and third parties hold a token instead. Vaulted tokens
//! map back through the vault: the store keeps a keyed hash of each token (never the token) and
//! the value sealed under the linked subject's data key or the token value key. Random by
//! default; deterministic per scope on request (a keyed function of scope and normalised value);
//! optional expiry (fixed or sliding), destruction on first use, and a subject link that the
//! subject's erasure follows. Every operation is audited with a keyed hash of the token.

pub(crate) mod lifecycle;

mod batch;
mod create;
mod detect;
mod format;
pub(crate) mod ops;
pub(crate) mod store;
mod text;
mod types;
mod using;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

use format::Shape;
pub use format::TokenKind;
pub use text::Detect;
pub use types::{
    BatchSummary, DeleteItem, DetokenizeItem, DetokenizeOptions, InfoItem, ItemError, Mask, PurgeReport, TextOptions,
    TokenBatch, TokenInfo, TokenizeItem, TokenizeOptions,
};

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::crypto::index::{IndexKey, MacKey, PartsMac};
use crate::crypto::keys::SecretKey;
use crate::crypto::{fpe, kdf};
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::TokenBytes;
use crate::keyring::Keyring;
use crate::normalize::Region;
use crate::policy::{Operation, Target};
use crate::store::Db;
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

    fn event(action: Action, link: Option<LinkId>, hash: [u8; 16]) -> Event {
        match link {
            Some((id, token)) => Event::about(action, id, token).with_reference(hash),
            None => Event::attempt(action, None).with_reference(hash),
        }
    }

    // ---- operations -------------------------------------------------------------------------
}

/// Check every token row's state MAC (what `verify_audit` does of this area); how many there
/// are.
pub(crate) fn verify_rows(engine: &Engine, db: &Db<'_>) -> Result<u64> {
    let mut n = 0u64;
    db.each_token(&mut |row| {
        using::checked(engine, row)?;
        n += 1;
        Ok(())
    })?;
    Ok(n)
}
