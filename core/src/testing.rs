//! Hooks for known-answer tests only (behind the `testing` cargo feature): the envelope, key
//! derivation and blind-index primitives with fixed inputs, so `tests/vectors` can pin their
//! bytes. Not part of the API; no stability promise.

use crate::crypto::aead::{self, Place, RowState, Slot};
use crate::crypto::{index, kdf, keys::SecretKey};
use crate::error::{Error, Result};

fn key(bytes: &[u8]) -> Result<SecretKey> {
    SecretKey::from_slice(bytes).ok_or_else(|| Error::invalid("keys are 32 bytes"))
}

fn slot(name: &str) -> Result<Slot> {
    [Slot::RootKey, Slot::PurposeKey, Slot::SubjectKey, Slot::Profile, Slot::AuditDetails]
        .into_iter()
        .find(|s| s.name() == name)
        .ok_or_else(|| Error::invalid("unknown slot"))
}

/// A place: (vault id, slot name such as `subjects.profile`, record, optional (version,
/// created_ms, updated_ms)).
pub type PlaceSpec<'a> = (&'a [u8; 16], &'a str, &'a [u8], Option<(i64, i64, i64)>);

fn place<'a>(spec: PlaceSpec<'a>) -> Result<Place<'a>> {
    let (vault_id, name, record, row) = spec;
    let row = row.map(|(version, created_ms, updated_ms)| RowState { version, created_ms, updated_ms });
    Ok(Place { vault_id, slot: slot(name)?, record, row })
}

/// Seal with a fixed nonce and raw associated data (RFC 8452 vectors).
pub fn envelope_seal_raw(
    key_bytes: &[u8],
    key_id: u32,
    nonce: [u8; 12],
    ad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    Ok(aead::raw::seal(&key(key_bytes)?, key_id, nonce, ad, plaintext))
}

/// Open with raw associated data.
pub fn envelope_open_raw(key_bytes: &[u8], ad: &[u8], envelope: &[u8]) -> Result<Vec<u8>> {
    Ok(aead::raw::open(&key(key_bytes)?, ad, envelope)?.to_vec())
}

/// Seal for a place with a fixed nonce, through the vault's envelope code.
pub fn envelope_seal(
    key_bytes: &[u8],
    key_id: u32,
    nonce: [u8; 12],
    spec: PlaceSpec<'_>,
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    Ok(aead::seal_with_nonce(&key(key_bytes)?, key_id, nonce, &place(spec)?, plaintext))
}

/// Open an envelope sealed for a place.
pub fn envelope_open(key_bytes: &[u8], key_id: u32, spec: PlaceSpec<'_>, envelope: &[u8]) -> Result<Vec<u8>> {
    Ok(aead::open(&key(key_bytes)?, key_id, &place(spec)?, envelope)?.to_vec())
}

/// The complete associated data of an envelope for a place with this header (version, key id).
pub fn associated_data(spec: PlaceSpec<'_>, key_id: u32) -> Result<Vec<u8>> {
    let id = key_id.to_be_bytes();
    Ok(place(spec)?.associated_data(&[aead::VERSION, id[0], id[1], id[2], id[3]]))
}

/// The blind index of `normalized` under the field key derived from (`root`, `vault_id`, `field`).
pub fn blind_index(root: &[u8], vault_id: &[u8; 16], field: &str, normalized: &str) -> Result<[u8; 16]> {
    Ok(index::IndexKey::new(&index::field_key(&key(root)?, vault_id, field)).index(normalized))
}

/// The normalised form of a value of an indexed field (`email`, `phone`, `login`, other).
pub fn normalize(field: &str, value: &str, default_region: Option<&str>) -> Result<String> {
    let region = default_region.map(crate::normalize::parse_region).transpose()?;
    crate::normalize::normalize(field, crate::normalize::Rule::for_field(field), value, region)
}

/// The key that wraps the root key for the `master` unlock method.
pub fn wrapping_key(master: &[u8], vault_id: &[u8; 16]) -> Result<[u8; 32]> {
    Ok(*key(master)?.derive(vault_id, kdf::WRAP_MASTER).bytes())
}

/// The audit chain MAC of one event (parts as in `chain/mod.rs`; `digests`: the format-12
/// formula, which covers the SHA-256 of the details).
#[allow(clippy::too_many_arguments)]
pub fn audit_mac(
    key_bytes: &[u8],
    prev: &[u8; 32],
    seq: u64,
    time_ms: i64,
    actor: &str,
    purpose: Option<&str>,
    action: &str,
    subject: Option<&[u8]>,
    subject_id: Option<i64>,
    version: Option<i64>,
    outcome: &str,
    details: Option<&[u8]>,
    digests: bool,
) -> Result<[u8; 32]> {
    let fields = crate::chain::Fields {
        seq,
        time_ms,
        actor,
        purpose,
        action,
        subject,
        subject_id,
        version,
        outcome,
        details,
        // Events that concern a token (which carry a reference) are not recomputed by tests.
        reference: None,
        details_hash: None,
        digests,
    };
    Ok(fields.mac(&crate::crypto::index::MacKey::new(&key(key_bytes)?), prev))
}

/// Store `profile` as the next version of the subject `token` without touching its blind-index
/// entries: what a vault holds when a value was indexed under normalisation rules this version
/// no longer has (a phone number the newer metadata calls invalid, say).
pub fn store_profile_unindexed(vault: &crate::vault::Vault, token: &str, profile: serde_json::Value) -> Result<()> {
    vault.testing_store_unindexed(token, profile)
}
