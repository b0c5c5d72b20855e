//! Cryptography: key types, key derivation, the AEAD envelope and blind indexes. The byte layouts
//! here are specified in DESIGN.md and pinned by the known-answer files in `tests/vectors/`.
//! Uses nothing of the crate but its errors.

pub(crate) mod aead;
pub(crate) mod fpe;
pub(crate) mod index;
pub(crate) mod kdf;
pub(crate) mod keys;

use crate::error::{Error, Result};

/// Fill `buf` from the operating system's CSPRNG.
pub(crate) fn random_fill(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|_| Error::internal("the operating system's random number generator failed"))
}

/// 32 random bytes in a buffer that is wiped when dropped.
pub(crate) fn random_key() -> Result<keys::SecretKey> {
    let mut key = keys::SecretKey::zero();
    random_fill(key.bytes_mut())?;
    Ok(key)
}
