//! The key ring: the root key and how it is unlocked, the purpose keys below it, subjects' data
//! keys (wrap/unwrap), and rekeying.
//!
//! Hierarchy: the master key (never stored) → HKDF(master, salt = vault id, info =
//! `bunkerlite/v2/wrap/master`) = the wrapping key → opens the **root key**, a random key stored
//! only wrapped, in `key_wrappings` (one row per unlock method, so rekeying or adding a method
//! rewrites one row). Below the root key: random **purpose keys** (`kek`, `index`, `audit`),
//! each wrapped by the root key in `keys` with an id that envelopes name; a purpose missing from
//! a vault (made by an older version) is created at open. Each subject has a random **data
//! key** wrapped by the KEK. A wrong master key fails to open the root key's envelope: that is
//! the key check, and it happens on a read-only connection before anything is written.

use crate::crypto::aead::{self, Place, Slot, ROW_KEY};
use crate::crypto::index::{field_key, IndexKey, MacKey};
use crate::crypto::kdf;
use crate::crypto::keys::{MasterKey, SecretKey};
use crate::crypto::random_key;
use crate::error::{Error, ErrorKind, Result};
use crate::store::{Db, KeyRow, Tx};

/// The unlock method of the master key.
const MASTER: &str = "master";

/// What a purpose key is for. The names are stored; never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Wraps subjects' data keys.
    Kek,
    /// The root of the blind-index field keys.
    Index,
    /// The audit chain's MAC key.
    Audit,
    /// The root of the token keys: the keyed hash of stored tokens, the key sealing values of
    /// tokens not linked to a subject, and the deterministic tokens' per-scope keys.
    Tokens,
    /// The root of the consent keys: the MAC of the current consent decisions and of exported
    /// consent receipts.
    Consent,
    /// The root of the session keys: the keyed hash of session ids and the key sealing the data
    /// of sessions not linked to a subject (created at open in vaults made before sessions).
    Sessions,
    /// The root of the share keys: the keyed hash of share ids (created at open in vaults made
    /// before shares).
    Shares,
    /// The root of the erasure ledger's keys: the keyed hash of erased subjects' tokens and blind
    /// indexes, and the MAC chaining the ledger (created at open in vaults made before it).
    Erasures,
}

impl Purpose {
    /// Every purpose this version uses; those missing from a vault are created at open.
    pub(crate) const ALL: [Purpose; 8] = [
        Purpose::Kek,
        Purpose::Index,
        Purpose::Audit,
        Purpose::Tokens,
        Purpose::Consent,
        Purpose::Sessions,
        Purpose::Shares,
        Purpose::Erasures,
    ];

    pub(crate) const fn name(self) -> &'static str {
        match self {
            Purpose::Kek => "kek",
            Purpose::Index => "index",
            Purpose::Audit => "audit",
            Purpose::Tokens => "tokens",
            Purpose::Consent => "consent",
            Purpose::Sessions => "sessions",
            Purpose::Shares => "shares",
            Purpose::Erasures => "erasures",
        }
    }
}

/// The keys of an open vault, unwrapped at open and wiped when the vault closes.
pub(crate) struct Keyring {
    vault_id: [u8; 16],
    root: SecretKey,
    /// The KEK (key id inside) with its key schedule computed once: it wraps and unwraps every
    /// data key.
    kek: aead::Sealer,
    index_root: SecretKey,
    /// The audit chain's MAC key, prepared.
    audit: MacKey,
    tokens: TokenKeys,
    consent: ConsentKeys,
    sessions: SessionKeys,
    shares: ShareKeys,
    erasures: ErasureKeys,
}

/// The keys of the erasure ledger, derived from the `erasures` purpose key.
pub(crate) struct ErasureKeys {
    /// The keyed hash of an erased subject's token and of its blind indexes.
    pub(crate) hash: MacKey,
    /// Chains the ledger's entries.
    pub(crate) chain: MacKey,
}

/// The keys of the shares area, derived from the `shares` purpose key.
pub(crate) struct ShareKeys {
    /// The keyed hash of share ids (what the database stores instead of an id).
    pub(crate) hash: IndexKey,
}

/// The keys of the sessions area, derived from the `sessions` purpose key.
pub(crate) struct SessionKeys {
    /// The keyed hash of session ids (what the database stores instead of an id).
    pub(crate) hash: IndexKey,
    /// Seals the data of sessions not linked to a subject (key id: the purpose key's).
    pub(crate) value: aead::Sealer,
}

/// The consent keys, derived from the `consent` purpose key and prepared.
pub(crate) struct ConsentKeys {
    /// MACs each current consent decision (what every purpose check reads).
    pub(crate) state: MacKey,
    /// MACs exported consent receipts.
    pub(crate) receipt: MacKey,
    /// The `consent` purpose key's id (named in receipts).
    pub(crate) key_id: u32,
}

/// The keys of the tokens area, derived from the `tokens` purpose key.
pub(crate) struct TokenKeys {
    /// HMAC key of the stored token hashes (and the audit's token references).
    pub(crate) hash: SecretKey,
    /// Seals the values of tokens not linked to a subject (key id: the purpose key's).
    pub(crate) value: aead::Sealer,
    /// The root of the deterministic tokens' per-scope keys.
    pub(crate) deterministic: SecretKey,
    /// MACs each token row's state (format 6).
    pub(crate) state: MacKey,
}

fn wrapping_key(master: &MasterKey, vault_id: &[u8; 16]) -> SecretKey {
    master.secret().derive(vault_id, kdf::WRAP_MASTER)
}

fn root_place(vault_id: &[u8; 16]) -> Place<'_> {
    Place::fixed(vault_id, Slot::RootKey, MASTER.as_bytes())
}

/// The record a purpose key's envelope is bound to: its id and purpose.
fn purpose_record(id: u32, purpose: &str) -> Vec<u8> {
    let mut record = id.to_be_bytes().to_vec();
    record.extend_from_slice(purpose.as_bytes());
    record
}

fn unwrap_key(plain: &[u8], what: &'static str) -> Result<SecretKey> {
    SecretKey::from_slice(plain).ok_or_else(|| Error::integrity(format!("{what} has the wrong length")))
}

/// Open the root key with the master key: `WRONG_KEY` when the master key does not open it.
fn unlock_root(db: &Db<'_>, vault_id: &[u8; 16], master: &MasterKey) -> Result<SecretKey> {
    let wrapped = db
        .key_wrapping(MASTER)?
        .ok_or_else(|| Error::new(ErrorKind::Storage, "the vault's key wrapping is missing"))?;
    if aead::key_id(&wrapped) != Some(ROW_KEY) {
        return Err(Error::integrity("the vault's key wrapping is malformed"));
    }
    let plain = aead::open(&wrapping_key(master, vault_id), ROW_KEY, &root_place(vault_id), &wrapped)
        .map_err(|_| Error::new(ErrorKind::WrongKey, "the master key does not open this vault"))?;
    unwrap_key(&plain, "the root key")
}

/// Check, read-only, that `master` opens the vault whose id is `vault_id`.
pub(crate) fn check(db: &Db<'_>, vault_id: &[u8; 16], master: &MasterKey) -> Result<()> {
    unlock_root(db, vault_id, master).map(drop)
}

impl Keyring {
    /// Make the key ring of a new vault: a random root key wrapped for `master`, and the
    /// purpose keys.
    pub(crate) fn create(tx: &Tx<'_>, vault_id: [u8; 16], master: &MasterKey, now_ms: i64) -> Result<Keyring> {
        let root = random_key()?;
        let wrapped = aead::seal(&wrapping_key(master, &vault_id), ROW_KEY, &root_place(&vault_id), root.bytes())?;
        tx.insert_key_wrapping(MASTER, &wrapped, now_ms)?;
        Self::load_with_root(tx, vault_id, root, now_ms)
    }

    /// Open the key ring of an existing vault with `master` (`WRONG_KEY` otherwise), creating
    /// any purpose key this version uses that the vault lacks.
    pub(crate) fn open(tx: &Tx<'_>, vault_id: [u8; 16], master: &MasterKey, now_ms: i64) -> Result<Keyring> {
        let root = unlock_root(tx, &vault_id, master)?;
        Self::load_with_root(tx, vault_id, root, now_ms)
    }

    fn load_with_root(tx: &Tx<'_>, vault_id: [u8; 16], root: SecretKey, now_ms: i64) -> Result<Keyring> {
        ensure_purposes(tx, &vault_id, &root, &Purpose::ALL, now_ms)?;
        let rows = tx.active_keys()?;
        let find = |purpose: Purpose| -> Result<(u32, SecretKey)> {
            let row = rows
                .iter()
                .find(|r| r.purpose == purpose.name())
                .ok_or_else(|| Error::new(ErrorKind::Storage, "a vault key is missing"))?;
            let record = purpose_record(row.id, &row.purpose);
            let plain = aead::open(&root, ROW_KEY, &Place::fixed(&vault_id, Slot::PurposeKey, &record), &row.wrapped)?;
            Ok((row.id, unwrap_key(&plain, "a vault key")?))
        };
        let (kek_id, kek) = find(Purpose::Kek)?;
        let (_, index_root) = find(Purpose::Index)?;
        let (_, audit) = find(Purpose::Audit)?;
        let (tokens_id, tokens_root) = find(Purpose::Tokens)?;
        let (consent_id, consent_root) = find(Purpose::Consent)?;
        let consent = ConsentKeys {
            state: MacKey::new(&consent_root.derive(&vault_id, kdf::CONSENT_STATE)),
            receipt: MacKey::new(&consent_root.derive(&vault_id, kdf::CONSENT_RECEIPT)),
            key_id: consent_id,
        };
        let kek = aead::Sealer::new(&kek, kek_id);
        let tokens = TokenKeys {
            hash: tokens_root.derive(&vault_id, kdf::TOKEN_HASH),
            value: aead::Sealer::new(&tokens_root.derive(&vault_id, kdf::TOKEN_VALUE), tokens_id),
            deterministic: tokens_root.derive(&vault_id, kdf::TOKEN_DETERMINISTIC),
            state: MacKey::new(&tokens_root.derive(&vault_id, kdf::TOKEN_STATE)),
        };
        let (sessions_id, sessions_root) = find(Purpose::Sessions)?;
        let sessions = SessionKeys {
            hash: IndexKey::new(&sessions_root.derive(&vault_id, kdf::SESSION_HASH)),
            value: aead::Sealer::new(&sessions_root.derive(&vault_id, kdf::SESSION_VALUE), sessions_id),
        };
        let (_, shares_root) = find(Purpose::Shares)?;
        let shares = ShareKeys { hash: IndexKey::new(&shares_root.derive(&vault_id, kdf::SHARE_HASH)) };
        let (_, erasures_root) = find(Purpose::Erasures)?;
        let erasures = ErasureKeys {
            hash: MacKey::new(&erasures_root.derive(&vault_id, kdf::ERASURE_HASH)),
            chain: MacKey::new(&erasures_root.derive(&vault_id, kdf::ERASURE_CHAIN)),
        };
        let audit = MacKey::new(&audit);
        Ok(Keyring { vault_id, root, kek, index_root, audit, tokens, consent, sessions, shares, erasures })
    }

    /// The vault's random id (bound into every ciphertext and derived key).
    pub(crate) fn vault_id(&self) -> &[u8; 16] {
        &self.vault_id
    }

    /// The audit chain's MAC key.
    pub(crate) fn audit_key(&self) -> &MacKey {
        &self.audit
    }

    /// The tokens area's keys.
    pub(crate) fn tokens(&self) -> &TokenKeys {
        &self.tokens
    }

    /// The consent keys.
    pub(crate) fn consent(&self) -> &ConsentKeys {
        &self.consent
    }

    /// The sessions area's keys.
    pub(crate) fn sessions(&self) -> &SessionKeys {
        &self.sessions
    }

    /// The shares area's keys.
    pub(crate) fn shares(&self) -> &ShareKeys {
        &self.shares
    }

    /// The erasure ledger's keys.
    pub(crate) fn erasures(&self) -> &ErasureKeys {
        &self.erasures
    }

    /// The blind-index key of the indexed field `field`.
    pub(crate) fn field_key(&self, field: &str) -> SecretKey {
        field_key(&self.index_root, &self.vault_id, field)
    }

    /// A subject's data key wrapped by the KEK, bound to its token (the nonce comes from the OS
    /// CSPRNG; creating a subject draws all its random bytes at once).
    pub(crate) fn wrap_dek(&self, token: &[u8; 16], dek: &SecretKey, nonce: [u8; aead::NONCE_LEN]) -> Vec<u8> {
        let place = Place::fixed(&self.vault_id, Slot::SubjectKey, token);
        self.kek.seal_with_nonce(nonce, &place, dek.bytes())
    }

    /// Unwrap a subject's data key (`INTEGRITY` when it was edited, moved or names another key).
    pub(crate) fn unwrap_dek(&self, token: &[u8; 16], wrapped: &[u8]) -> Result<SecretKey> {
        let plain = self.kek.open(&Place::fixed(&self.vault_id, Slot::SubjectKey, token), wrapped)?;
        unwrap_key(&plain, "a subject key")
    }

    /// Wrap the root key for `new_master` in place of the current master key: one row is
    /// rewritten inside `tx`, so the change is atomic — after the commit only the new key opens
    /// the vault, before it only the old one.
    pub(crate) fn rekey(&self, tx: &Tx<'_>, new_master: &MasterKey, now_ms: i64) -> Result<()> {
        let wrapped = aead::seal(
            &wrapping_key(new_master, &self.vault_id),
            ROW_KEY,
            &root_place(&self.vault_id),
            self.root.bytes(),
        )?;
        tx.update_key_wrapping(MASTER, &wrapped, now_ms)
    }
}

/// Create the purpose keys among `purposes` that have no active key yet.
fn ensure_purposes(
    tx: &Tx<'_>,
    vault_id: &[u8; 16],
    root: &SecretKey,
    purposes: &[Purpose],
    now_ms: i64,
) -> Result<()> {
    let active = tx.active_keys()?;
    for purpose in purposes {
        if active.iter().any(|r| r.purpose == purpose.name()) {
            continue;
        }
        let id = tx.next_key_id()?;
        let record = purpose_record(id, purpose.name());
        let fresh = random_key()?;
        let wrapped = aead::seal(root, ROW_KEY, &Place::fixed(vault_id, Slot::PurposeKey, &record), fresh.bytes())?;
        tx.insert_key(&KeyRow { id, purpose: purpose.name().to_owned(), wrapped }, now_ms)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::{schema, Settings, Store};
    use crate::store::{KeyReads, KeyWrites};

    fn store() -> Store {
        let settings =
            Settings { synchronous_full: true, busy_timeout: std::time::Duration::from_secs(1), cache_kib: 1024 };
        let store = Store::open_memory(settings).expect("store");
        store.write(schema::migrate).expect("schema");
        store
    }

    #[test]
    fn purposes_missing_from_a_vault_are_created_and_kept() {
        let store = store();
        let master = MasterKey::from_bytes(&[3; 32]).expect("key");
        let vault_id = [9; 16];
        // A vault made by a version that knew only the KEK.
        store
            .write(|tx| {
                let root = random_key()?;
                let wrapped =
                    aead::seal(&wrapping_key(&master, &vault_id), ROW_KEY, &root_place(&vault_id), root.bytes())?;
                tx.insert_key_wrapping(MASTER, &wrapped, 1)?;
                ensure_purposes(tx, &vault_id, &root, &[Purpose::Kek], 1)
            })
            .expect("old vault");
        let before = store.read(|db| db.active_keys()).expect("keys");
        assert_eq!(before.len(), 1);
        let ring = store.write(|tx| Keyring::open(tx, vault_id, &master, 2)).expect("open");
        let after = store.read(|db| db.active_keys()).expect("keys");
        assert_eq!(after.len(), Purpose::ALL.len());
        assert_eq!(after[0].wrapped, before[0].wrapped, "existing keys are kept");
        // Opening again creates nothing and gives the same keys.
        let again = store.write(|tx| Keyring::open(tx, vault_id, &master, 3)).expect("open");
        assert_eq!(store.read(|db| db.active_keys()).expect("keys").len(), Purpose::ALL.len());
        let mac = |k: &Keyring| crate::crypto::index::PartsMac::new(&k.audit).part(b"same key").finish();
        assert_eq!(mac(&ring), mac(&again));
        assert_eq!(ring.kek.key_id(), again.kek.key_id());
        let dek = SecretKey::from_slice(&[9; 32]).expect("dek");
        let wrapped = ring.wrap_dek(&[1; 16], &dek, [0; 12]);
        assert_eq!(again.unwrap_dek(&[1; 16], &wrapped).expect("same KEK").bytes(), dek.bytes());
    }

    #[test]
    fn rekey_swaps_the_unlocking_key() {
        let store = store();
        let (a, b) = (MasterKey::from_bytes(&[1; 32]).expect("a"), MasterKey::from_bytes(&[2; 32]).expect("b"));
        let ring = store.write(|tx| Keyring::create(tx, [5; 16], &a, 1)).expect("create");
        store.write(|tx| ring.rekey(tx, &b, 2)).expect("rekey");
        let wrong = store.read(|db| check(db, &[5; 16], &a)).expect_err("old key");
        assert_eq!(wrong.kind(), ErrorKind::WrongKey);
        store.read(|db| check(db, &[5; 16], &b)).expect("new key");
        let reopened = store.write(|tx| Keyring::open(tx, [5; 16], &b, 3)).expect("open");
        let dek = SecretKey::from_slice(&[9; 32]).expect("dek");
        let wrapped = ring.wrap_dek(&[1; 16], &dek, [0; 12]);
        let unwrapped = reopened.unwrap_dek(&[1; 16], &wrapped).expect("purpose keys survive a rekey");
        assert_eq!(unwrapped.bytes(), dek.bytes());
    }
}
