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

/// A new bearer secret (a session or share id): 256 bits from the OS CSPRNG as 43 characters of
/// unpadded base64url.
pub(crate) fn bearer_secret() -> Result<String> {
    use base64::Engine as _;
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    random_fill(bytes.as_mut_slice())?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes.as_slice()))
}

/// Whether `s` has the shape of a bearer secret as [`bearer_secret`] makes them: 43 characters
/// of unpadded base64url.
pub(crate) fn is_bearer_secret(s: &str) -> bool {
    s.len() == 43 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The OS CSPRNG, read 512 bytes at a time (a batch of tokens, or of new subjects' keys, tokens
/// and nonces, costs one system call per few hundred bytes instead of one per item). Bytes are
/// wiped as they are handed out, and the rest when the source is dropped; a source lives for one
/// call.
pub(crate) struct OsRandom {
    buf: zeroize::Zeroizing<[u8; 512]>,
    at: usize,
}

impl OsRandom {
    pub(crate) fn new() -> OsRandom {
        OsRandom { buf: zeroize::Zeroizing::new([0; 512]), at: 512 }
    }

    /// Fill `out` with random bytes.
    pub(crate) fn fill(&mut self, out: &mut [u8]) -> Result<()> {
        let mut done = 0;
        while done < out.len() {
            if self.at == self.buf.len() {
                random_fill(self.buf.as_mut_slice())?;
                self.at = 0;
            }
            let n = (out.len() - done).min(self.buf.len() - self.at);
            out[done..done + n].copy_from_slice(&self.buf[self.at..self.at + n]);
            self.buf[self.at..self.at + n].fill(0);
            self.at += n;
            done += n;
        }
        Ok(())
    }
}

/// 32 random bytes in a buffer that is wiped when dropped.
pub(crate) fn random_key() -> Result<keys::SecretKey> {
    let mut key = keys::SecretKey::zero();
    random_fill(key.bytes_mut())?;
    Ok(key)
}
