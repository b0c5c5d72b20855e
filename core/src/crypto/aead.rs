//! The AEAD envelope: AES-256-GCM-SIV with a random 96-bit nonce, its authenticated header, and
//! the typed places (slots) whose associated data binds each ciphertext to where it belongs.
//!
//! Envelope = `version (1 byte, 2) ‖ key id (u32 BE) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`.
//! The version and key id (the header) are authenticated: they open the associated data, and
//! the key id is checked against the key the caller expects before anything is decrypted.
//!
//! AD = `"bunkerlite/v2\0" ‖ header (5) ‖ vault id (16) ‖ len(slot) u8 ‖ slot ‖ len(record) u32 BE
//! ‖ record ‖ row state`, where the slot names the table and column (`subjects.profile`), the
//! record is the row's stable identity (a token, a key's id and purpose), and the row state of a
//! mutable record is `0x01 ‖ version i64 BE ‖ created_ms i64 BE ‖ updated_ms i64 BE` (`0x00` for
//! records that never change). A ciphertext copied into another vault, table, column, row or
//! version of its row fails to decrypt.

use aes_gcm_siv::aead::{AeadInPlace, KeyInit};
use aes_gcm_siv::{AesGcmSiv, Nonce, Tag};
use zeroize::Zeroizing;

use super::keys::SecretKey;
use crate::error::{Error, Result};

/// AES-256-GCM-SIV over the encrypt-only AES-256 (the `aes` crate's `Aes256GcmSiv` takes the
/// full cipher, whose every key expansion also computes the decryption round keys; GCM-SIV
/// only ever encrypts blocks). The same algorithm and the same ciphertexts; three key expansions
/// per read are cheaper.
type Aes256GcmSiv = AesGcmSiv<aes_ni::Aes256Enc>;

/// The envelope format version this code writes and reads.
pub(crate) const VERSION: u8 = 2;
pub(crate) const NONCE_LEN: usize = 12;
pub(crate) const TAG_LEN: usize = 16;
pub(crate) const HEADER_LEN: usize = 1 + 4;
const BODY_START: usize = HEADER_LEN + NONCE_LEN;
/// Size added to a plaintext by sealing it.
pub(crate) const OVERHEAD: usize = BODY_START + TAG_LEN;
/// The key id of envelopes whose key is implied by their row (a subject's data key, the root
/// key, a wrapping key); purpose keys that seal other rows' data have ids from 1.
pub(crate) const ROW_KEY: u32 = 0;

const AD_PREFIX: &[u8] = b"bunkerlite/v2\0";

/// Where a ciphertext is stored. Never a string at a call site: adding a place adds a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The root key, wrapped by a key derived from the master key (`key_wrappings.wrapped`).
    RootKey,
    /// A purpose key (KEK, index root, audit MAC), wrapped by the root key (`keys.wrapped`).
    PurposeKey,
    /// A subject's data key, wrapped by the KEK (`subjects.dek`).
    SubjectKey,
    /// A subject's profile, under its data key (`subjects.profile`).
    Profile,
    /// An audit event's details, under the subject's data key (`audit.details`).
    AuditDetails,
    /// A vaulted token's value, under the linked subject's data key or the token value key
    /// (`tokens.value`).
    TokenValue,
    /// A consent decision's method, channel, language and reference, under the subject's data
    /// key (`agreements.details`).
    Agreement,
    /// A subject's document of an app, under its data key (`app_documents.document`).
    AppDocument,
    /// A session's data, under the linked subject's data key or the session value key
    /// (`sessions.data`).
    SessionData,
    /// What a share names (record, fields, partner), under the subject's data key
    /// (`shares.spec`).
    ShareSpec,
    /// A data-subject request's proposals and reasons, under the subject's data key
    /// (`requests.body`).
    RequestBody,
}

impl Slot {
    /// The table and column, as bound into the associated data.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Slot::RootKey => "key_wrappings.wrapped",
            Slot::PurposeKey => "keys.wrapped",
            Slot::SubjectKey => "subjects.dek",
            Slot::Profile => "subjects.profile",
            Slot::AuditDetails => "audit.details",
            Slot::TokenValue => "tokens.value",
            Slot::Agreement => "agreements.details",
            Slot::AppDocument => "app_documents.document",
            Slot::SessionData => "sessions.data",
            Slot::ShareSpec => "shares.spec",
            Slot::RequestBody => "requests.body",
        }
    }
}

/// The state of a mutable row that its ciphertext is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RowState {
    pub(crate) version: i64,
    pub(crate) created_ms: i64,
    pub(crate) updated_ms: i64,
}

/// The full place of a ciphertext: vault, slot, record identity and (for mutable rows) state.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place<'a> {
    pub(crate) vault_id: &'a [u8; 16],
    pub(crate) slot: Slot,
    pub(crate) record: &'a [u8],
    pub(crate) row: Option<RowState>,
}

impl<'a> Place<'a> {
    /// A place in a row that never changes.
    pub(crate) fn fixed(vault_id: &'a [u8; 16], slot: Slot, record: &'a [u8]) -> Place<'a> {
        Place { vault_id, slot, record, row: None }
    }

    /// A place in a mutable row at `row`.
    pub(crate) fn versioned(vault_id: &'a [u8; 16], slot: Slot, record: &'a [u8], row: RowState) -> Place<'a> {
        Place { vault_id, slot, record, row: Some(row) }
    }

    /// The associated data for an envelope with `header`.
    pub(crate) fn associated_data(&self, header: &[u8]) -> Vec<u8> {
        let slot = self.slot.name();
        let mut ad =
            Vec::with_capacity(AD_PREFIX.len() + HEADER_LEN + 16 + 1 + slot.len() + 4 + self.record.len() + 25);
        ad.extend_from_slice(AD_PREFIX);
        ad.extend_from_slice(header);
        ad.extend_from_slice(self.vault_id);
        ad.push(u8::try_from(slot.len()).expect("slot names are short constants"));
        ad.extend_from_slice(slot.as_bytes());
        let len = u32::try_from(self.record.len()).expect("record ids are short");
        ad.extend_from_slice(&len.to_be_bytes());
        ad.extend_from_slice(self.record);
        match self.row {
            None => ad.push(0),
            Some(r) => {
                ad.push(1);
                for v in [r.version, r.created_ms, r.updated_ms] {
                    ad.extend_from_slice(&v.to_be_bytes());
                }
            }
        }
        ad
    }
}

fn header(key_id: u32) -> [u8; HEADER_LEN] {
    let id = key_id.to_be_bytes();
    [VERSION, id[0], id[1], id[2], id[3]]
}

/// Encrypt `plaintext` for `place` under `key` (whose id is `key_id`) with a fresh random nonce.
pub(crate) fn seal(key: &SecretKey, key_id: u32, place: &Place<'_>, plaintext: &[u8]) -> Result<Vec<u8>> {
    let mut nonce = [0u8; NONCE_LEN];
    super::random_fill(&mut nonce)?;
    Ok(seal_with_nonce(key, key_id, nonce, place, plaintext))
}

/// Encrypt with a caller-chosen nonce, which must come from the OS CSPRNG (callers that need
/// several random values draw them in one call). Known-answer tests use it with fixed nonces.
pub(crate) fn seal_with_nonce(
    key: &SecretKey,
    key_id: u32,
    nonce: [u8; NONCE_LEN],
    place: &Place<'_>,
    plaintext: &[u8],
) -> Vec<u8> {
    let head = header(key_id);
    let mut out = Vec::with_capacity(plaintext.len() + OVERHEAD);
    out.extend_from_slice(&head);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    seal_raw(key, &place.associated_data(&head), &mut out);
    out
}

/// Encrypt `out[BODY_START..]` in place with the header and nonce already at its start, and
/// append the tag. `ad` is the complete associated data.
fn seal_raw(key: &SecretKey, ad: &[u8], out: &mut Vec<u8>) {
    seal_in(&Aes256GcmSiv::new(key.bytes().into()), ad, out);
}

fn seal_in(cipher: &Aes256GcmSiv, ad: &[u8], out: &mut Vec<u8>) {
    let nonce: [u8; NONCE_LEN] = out[HEADER_LEN..BODY_START].try_into().expect("12 bytes");
    let tag = cipher
        .encrypt_in_place_detached(Nonce::from_slice(&nonce), ad, &mut out[BODY_START..])
        .expect("plaintexts are far below the AES-GCM-SIV length limit");
    out.extend_from_slice(&tag);
}

/// A long-lived key with its AES key schedule computed once (the KEK, used for every subject's
/// data key): the same envelopes as [`seal_with_nonce`] and [`open`], without expanding the key
/// on every call. The round keys are wiped on drop (the `aes` crate's `zeroize` feature).
pub(crate) struct Sealer {
    cipher: Aes256GcmSiv,
    key_id: u32,
}

impl Sealer {
    pub(crate) fn new(key: &SecretKey, key_id: u32) -> Sealer {
        Sealer { cipher: Aes256GcmSiv::new(key.bytes().into()), key_id }
    }

    /// The key id its envelopes carry.
    #[cfg(test)]
    pub(crate) fn key_id(&self) -> u32 {
        self.key_id
    }

    /// As [`seal_with_nonce`] with this key.
    pub(crate) fn seal_with_nonce(&self, nonce: [u8; NONCE_LEN], place: &Place<'_>, plaintext: &[u8]) -> Vec<u8> {
        let head = header(self.key_id);
        let mut out = Vec::with_capacity(plaintext.len() + OVERHEAD);
        out.extend_from_slice(&head);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plaintext);
        seal_in(&self.cipher, &place.associated_data(&head), &mut out);
        out
    }

    /// As [`open`] with this key.
    pub(crate) fn open(&self, place: &Place<'_>, envelope: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        check_key_id(envelope, self.key_id)?;
        open_in(&self.cipher, &place.associated_data(&envelope[..HEADER_LEN]), envelope)
    }
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

/// The key id written in an envelope's header, if the envelope is well formed.
pub(crate) fn key_id(envelope: &[u8]) -> Option<u32> {
    if envelope.len() < OVERHEAD || envelope[0] != VERSION {
        return None;
    }
    Some(u32::from_be_bytes(envelope[1..HEADER_LEN].try_into().expect("4 bytes")))
}

/// Decrypt and authenticate an envelope sealed for `place` under the key with id `key_id`. Any
/// mismatch — another key named in the header, a wrong key, another place (a ciphertext moved to
/// another row, column or row version), an edited byte of header, nonce, body or tag — is
/// `INTEGRITY`.
pub(crate) fn open(key: &SecretKey, key_id: u32, place: &Place<'_>, envelope: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    check_key_id(envelope, key_id)?;
    open_raw(key, &place.associated_data(&envelope[..HEADER_LEN]), envelope)
}

/// A well-formed envelope naming `key_id` (`INTEGRITY` otherwise, before any decryption).
fn check_key_id(envelope: &[u8], key_id: u32) -> Result<()> {
    match self::key_id(envelope) {
        None => Err(Error::integrity("a stored ciphertext is malformed")),
        Some(id) if id != key_id => Err(Error::integrity("a stored ciphertext names another key")),
        Some(_) => Ok(()),
    }
}

fn open_raw(key: &SecretKey, ad: &[u8], envelope: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    open_in(&Aes256GcmSiv::new(key.bytes().into()), ad, envelope)
}

fn open_in(cipher: &Aes256GcmSiv, ad: &[u8], envelope: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let nonce: [u8; NONCE_LEN] = envelope[HEADER_LEN..BODY_START].try_into().expect("12 bytes");
    let body_end = envelope.len() - TAG_LEN;
    let tag = Tag::clone_from_slice(&envelope[body_end..]);
    let mut plaintext = Zeroizing::new(envelope[BODY_START..body_end].to_vec());
    cipher
        .decrypt_in_place_detached(Nonce::from_slice(&nonce), ad, plaintext.as_mut_slice(), &tag)
        .map_err(|_| Error::integrity("a stored ciphertext failed authentication"))?;
    Ok(plaintext)
}

/// The envelope primitives with raw associated data, for the RFC 8452 known answers (whose AD is
/// not a bunkerlite place).
#[cfg(feature = "testing")]
pub(crate) mod raw {
    use super::*;

    /// Seal with a fixed nonce and raw `ad` (used as the complete associated data).
    pub(crate) fn seal(key: &SecretKey, key_id: u32, nonce: [u8; NONCE_LEN], ad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(plaintext.len() + OVERHEAD);
        out.extend_from_slice(&header(key_id));
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plaintext);
        seal_raw(key, ad, &mut out);
        out
    }

    /// Open with raw `ad`.
    pub(crate) fn open(key: &SecretKey, ad: &[u8], envelope: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        if key_id(envelope).is_none() {
            return Err(Error::integrity("a stored ciphertext is malformed"));
        }
        open_raw(key, ad, envelope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn key(byte: u8) -> SecretKey {
        SecretKey::from_slice(&[byte; 32]).expect("32 bytes")
    }

    const V: [u8; 16] = [7; 16];

    fn row(version: i64) -> RowState {
        RowState { version, created_ms: 10, updated_ms: 20 }
    }

    #[test]
    fn round_trip_and_binding() {
        let place = Place::versioned(&V, Slot::Profile, b"a", row(1));
        let sealed = seal(&key(1), 3, &place, b"hello").expect("seal");
        assert_eq!(key_id(&sealed), Some(3));
        assert_eq!(&open(&key(1), 3, &place, &sealed).expect("open")[..], b"hello");
        let other_vault = [8u8; 16];
        let moved = [
            Place::versioned(&V, Slot::Profile, b"b", row(1)),
            Place::versioned(&V, Slot::AuditDetails, b"a", row(1)),
            Place::versioned(&other_vault, Slot::Profile, b"a", row(1)),
            Place::versioned(&V, Slot::Profile, b"a", row(2)),
            Place::versioned(&V, Slot::Profile, b"a", RowState { updated_ms: 21, ..row(1) }),
            Place::fixed(&V, Slot::Profile, b"a"),
        ];
        for p in moved {
            assert_eq!(open(&key(1), 3, &p, &sealed).expect_err("moved").kind(), ErrorKind::Integrity, "{p:?}");
        }
        assert_eq!(open(&key(2), 3, &place, &sealed).expect_err("key").kind(), ErrorKind::Integrity);
        assert_eq!(open(&key(1), 4, &place, &sealed).expect_err("key id").kind(), ErrorKind::Integrity);
        // Every byte of the envelope is covered: header, nonce, body and tag.
        for i in 0..sealed.len() {
            let mut edited = sealed.clone();
            edited[i] ^= 0x01;
            let expected_id = key_id(&edited).unwrap_or(3);
            let e = open(&key(1), expected_id, &place, &edited).expect_err("edit");
            assert_eq!(e.kind(), ErrorKind::Integrity, "byte {i}");
        }
        assert_eq!(open(&key(1), 3, &place, &sealed[..10]).expect_err("short").kind(), ErrorKind::Integrity);
    }

    #[test]
    fn nonces_are_fresh() {
        let place = Place::fixed(&V, Slot::SubjectKey, b"r");
        let a = seal(&key(1), 0, &place, b"same").expect("seal");
        let b = seal(&key(1), 0, &place, b"same").expect("seal");
        assert_ne!(a, b);
    }

    #[test]
    fn associated_data_layout_is_pinned() {
        let ad =
            Place::versioned(&[0xAA; 16], Slot::Profile, b"xyz", RowState { version: 1, created_ms: 2, updated_ms: 3 })
                .associated_data(&header(9));
        let mut expected = b"bunkerlite/v2\0".to_vec();
        expected.extend_from_slice(&[2, 0, 0, 0, 9]);
        expected.extend_from_slice(&[0xAA; 16]);
        expected.push(16);
        expected.extend_from_slice(b"subjects.profile");
        expected.extend_from_slice(&[0, 0, 0, 3, b'x', b'y', b'z', 1]);
        for v in [1i64, 2, 3] {
            expected.extend_from_slice(&v.to_be_bytes());
        }
        assert_eq!(ad, expected);
        let fixed = Place::fixed(&[0; 16], Slot::SubjectKey, b"").associated_data(&header(0));
        assert_eq!(fixed.last(), Some(&0), "no row state");
    }
}
