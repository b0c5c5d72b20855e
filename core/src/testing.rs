//! Hooks for known-answer tests only: the envelope and blind-index primitives with fixed inputs,
//! so `tests/vectors` can pin their bytes. Not part of the API; no stability promise.

use crate::crypto::{aead, index, keys::SecretKey};
use crate::error::{Error, Result};

fn key(bytes: &[u8]) -> Result<SecretKey> {
    SecretKey::from_slice(bytes).ok_or_else(|| Error::invalid("keys are 32 bytes"))
}

/// Seal with a fixed nonce through the envelope code path.
pub fn envelope_seal(key_bytes: &[u8], key_id: u32, nonce: [u8; 12], ad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    Ok(aead::seal_with_nonce(&key(key_bytes)?, key_id, nonce, ad, plaintext))
}

/// Open an envelope through the envelope code path.
pub fn envelope_open(key_bytes: &[u8], ad: &[u8], envelope: &[u8]) -> Result<Vec<u8>> {
    Ok(aead::open(&key(key_bytes)?, ad, envelope)?.to_vec())
}

/// The associated data bunkerlite builds for (vault, table, column, record).
pub fn associated_data(vault_id: &[u8; 16], table: &str, column: &str, record: &[u8]) -> Vec<u8> {
    aead::associated_data(vault_id, table, column, record)
}

/// The blind index of `normalized` under the field key derived from (`root`, `vault_id`, `field`).
pub fn blind_index(root: &[u8], vault_id: &[u8; 16], field: &str, normalized: &str) -> Result<[u8; 16]> {
    Ok(index::blind_index(&index::field_key(&key(root)?, vault_id, field), normalized))
}

/// The normalised form of a value of an indexed field (`email`, `phone`, `login`, other).
pub fn normalize(field: &str, value: &str, default_region: Option<&str>) -> Result<String> {
    let region = default_region.map(crate::normalize::parse_region).transpose()?;
    crate::normalize::normalize(field, crate::normalize::Rule::for_field(field), value, region)
}

/// The key-encryption key derived from a master key for a vault id.
pub fn derive_kek(master: &[u8], vault_id: &[u8; 16]) -> Result<[u8; 32]> {
    Ok(*key(master)?.derive(vault_id, crate::crypto::keys::label::KEK).bytes())
}

/// The key-check value stored in a vault for a master key.
pub fn key_check(master: &[u8], vault_id: &[u8; 16]) -> Result<[u8; 32]> {
    Ok(*key(master)?.derive(vault_id, crate::crypto::keys::label::KEY_CHECK).bytes())
}
