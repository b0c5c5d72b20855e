//! The AEAD envelope: AES-256-GCM-SIV with a random 96-bit nonce, and the associated data that
//! binds each ciphertext to the vault, table, column and record it belongs to.
//!
//! Envelope = `version (1 byte) ‖ key id (u32 BE) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`.
//! AD = `"bunkerlite/v1\0" ‖ vault id (16) ‖ len(table) u8 ‖ table ‖ len(column) u8 ‖ column ‖
//! len(record) u32 BE ‖ record`.

use aes_gcm_siv::aead::{AeadInOut, KeyInit};
use aes_gcm_siv::{Aes256GcmSiv, Nonce, Tag};
use zeroize::Zeroizing;

use super::keys::SecretKey;
use crate::error::{Error, Result};

/// The envelope format version this code writes.
pub(crate) const VERSION: u8 = 1;
pub(crate) const NONCE_LEN: usize = 12;
pub(crate) const TAG_LEN: usize = 16;
pub(crate) const HEADER_LEN: usize = 1 + 4 + NONCE_LEN;
/// Size added to a plaintext by sealing it.
pub(crate) const OVERHEAD: usize = HEADER_LEN + TAG_LEN;

/// Associated data for a ciphertext stored at (`table`, `column`) of the row identified by
/// `record` in the vault `vault_id`.
pub(crate) fn associated_data(vault_id: &[u8; 16], table: &str, column: &str, record: &[u8]) -> Vec<u8> {
    const PREFIX: &[u8] = b"bunkerlite/v1\0";
    let mut ad = Vec::with_capacity(PREFIX.len() + 16 + 2 + table.len() + column.len() + 4 + record.len());
    ad.extend_from_slice(PREFIX);
    ad.extend_from_slice(vault_id);
    for part in [table, column] {
        let len = u8::try_from(part.len()).expect("table and column names are short constants");
        ad.push(len);
        ad.extend_from_slice(part.as_bytes());
    }
    let len = u32::try_from(record.len()).expect("record ids are short");
    ad.extend_from_slice(&len.to_be_bytes());
    ad.extend_from_slice(record);
    ad
}

/// Encrypt `plaintext` under `key` with a fresh random nonce.
pub(crate) fn seal(key: &SecretKey, key_id: u32, ad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    let mut nonce = [0u8; NONCE_LEN];
    super::random_fill(&mut nonce)?;
    Ok(seal_with_nonce(key, key_id, nonce, ad, plaintext))
}

/// Encrypt with a caller-chosen nonce, which must come from the OS CSPRNG (callers that need
/// several random values draw them in one call). Known-answer tests use it with fixed nonces.
pub(crate) fn seal_with_nonce(
    key: &SecretKey,
    key_id: u32,
    nonce: [u8; NONCE_LEN],
    ad: &[u8],
    plaintext: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(plaintext.len() + OVERHEAD);
    out.push(VERSION);
    out.extend_from_slice(&key_id.to_be_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let cipher = Aes256GcmSiv::new(key.bytes().into());
    let tag = cipher
        .encrypt_inout_detached(&Nonce::from(nonce), ad, (&mut out[HEADER_LEN..]).into())
        .expect("plaintexts are far below the AES-GCM-SIV length limit");
    out.extend_from_slice(&tag);
    out
}

/// The key id written in an envelope's header, if the envelope is well formed.
pub(crate) fn key_id(envelope: &[u8]) -> Option<u32> {
    if envelope.len() < OVERHEAD || envelope[0] != VERSION {
        return None;
    }
    Some(u32::from_be_bytes(envelope[1..5].try_into().expect("4 bytes")))
}

/// Decrypt and authenticate an envelope. Any mismatch — wrong key, wrong associated data (a
/// ciphertext moved to another row or column), an edited byte — is `INTEGRITY`.
pub(crate) fn open(key: &SecretKey, ad: &[u8], envelope: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    if key_id(envelope).is_none() {
        return Err(Error::integrity("a stored ciphertext is malformed"));
    }
    let nonce: [u8; NONCE_LEN] = envelope[5..HEADER_LEN].try_into().expect("12 bytes");
    let body_end = envelope.len() - TAG_LEN;
    let tag = Tag::try_from(&envelope[body_end..]).expect("16 bytes");
    let mut plaintext = Zeroizing::new(envelope[HEADER_LEN..body_end].to_vec());
    Aes256GcmSiv::new(key.bytes().into())
        .decrypt_inout_detached(&Nonce::from(nonce), ad, plaintext.as_mut_slice().into(), &tag)
        .map_err(|_| Error::integrity("a stored ciphertext failed authentication"))?;
    Ok(plaintext)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn key(byte: u8) -> SecretKey {
        SecretKey::from_slice(&[byte; 32]).expect("32 bytes")
    }

    #[test]
    fn round_trip_and_binding() {
        let vault = [7u8; 16];
        let ad = associated_data(&vault, "subjects", "profile", b"a");
        let sealed = seal(&key(1), 3, &ad, b"hello").expect("seal");
        assert_eq!(key_id(&sealed), Some(3));
        assert_eq!(&open(&key(1), &ad, &sealed).expect("open")[..], b"hello");
        let other_row = associated_data(&vault, "subjects", "profile", b"b");
        let other_col = associated_data(&vault, "subjects", "dek", b"a");
        let other_vault = associated_data(&[8u8; 16], "subjects", "profile", b"a");
        for ad in [other_row, other_col, other_vault] {
            assert_eq!(open(&key(1), &ad, &sealed).expect_err("moved").kind(), ErrorKind::Integrity);
        }
        assert_eq!(open(&key(2), &ad, &sealed).expect_err("key").kind(), ErrorKind::Integrity);
        let mut edited = sealed.clone();
        *edited.last_mut().expect("non-empty") ^= 1;
        assert_eq!(open(&key(1), &ad, &edited).expect_err("edit").kind(), ErrorKind::Integrity);
        assert_eq!(open(&key(1), &ad, &sealed[..10]).expect_err("short").kind(), ErrorKind::Integrity);
    }

    #[test]
    fn nonces_are_fresh() {
        let ad = associated_data(&[0; 16], "t", "c", b"r");
        let a = seal(&key(1), 0, &ad, b"same").expect("seal");
        let b = seal(&key(1), 0, &ad, b"same").expect("seal");
        assert_ne!(a, b);
    }

    #[test]
    fn associated_data_layout_is_pinned() {
        let ad = associated_data(&[0xAA; 16], "ab", "c", b"xyz");
        let mut expected = b"bunkerlite/v1\0".to_vec();
        expected.extend_from_slice(&[0xAA; 16]);
        expected.extend_from_slice(&[2, b'a', b'b', 1, b'c', 0, 0, 0, 3, b'x', b'y', b'z']);
        assert_eq!(ad, expected);
    }
}
