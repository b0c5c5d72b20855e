//! Cryptography: the key hierarchy, the AEAD envelope and blind indexes. The byte layouts here
//! are specified in DESIGN.md and pinned by the known-answer files in `tests/vectors/`.

pub(crate) mod aead;
pub(crate) mod index;
pub(crate) mod keys;

/// Fill `buf` from the operating system's CSPRNG.
pub(crate) fn random_fill(buf: &mut [u8]) -> crate::Result<()> {
    getrandom::fill(buf).map_err(|_| crate::Error::internal("the operating system's random number generator failed"))
}

/// 32 random bytes in a buffer that is wiped when dropped.
pub(crate) fn random_key() -> crate::Result<keys::SecretKey> {
    let mut key = keys::SecretKey::zero();
    random_fill(key.bytes_mut())?;
    Ok(key)
}
