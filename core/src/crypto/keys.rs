//! Key material: the application's master key and its sources, and the secret key type every
//! other key uses.
//!
//! Key types wipe themselves on drop, have no `Clone`, `Debug` prints no bytes, and nothing here
//! implements `Serialize`. Error messages name the source of a key, never its content.

use std::fmt;
use std::path::Path;

use base64::Engine as _;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, ErrorKind, Result};

/// Length in bytes of every key bunkerlite uses.
pub const KEY_LEN: usize = 32;

/// A 32-byte secret that is wiped from memory when dropped.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct SecretKey([u8; KEY_LEN]);

impl SecretKey {
    pub(crate) fn zero() -> SecretKey {
        SecretKey([0; KEY_LEN])
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Option<SecretKey> {
        let array: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(SecretKey(array))
    }

    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    pub(crate) fn bytes_mut(&mut self) -> &mut [u8; KEY_LEN] {
        &mut self.0
    }

    /// HKDF-SHA256(ikm = self, salt, info) → a new 32-byte key.
    pub(crate) fn derive(&self, salt: &[u8], info: &[u8]) -> SecretKey {
        let mut out = SecretKey::zero();
        super::kdf::hkdf_sha256(&self.0, salt, info, &mut out.0);
        out
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// The application's 32-byte master key. bunkerlite never stores it; the vault keeps only a
/// key-check value derived from it.
///
/// Obtain one with [`MasterKey::generate`] or from bytes, hex, base64, an environment variable or
/// a key file. It is wiped from memory when dropped and cannot be printed.
pub struct MasterKey(SecretKey);

impl MasterKey {
    /// A new random key from the operating system's CSPRNG.
    pub fn generate() -> Result<MasterKey> {
        Ok(MasterKey(super::random_key()?))
    }

    /// A key from exactly 32 raw bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<MasterKey> {
        SecretKey::from_slice(bytes).map(MasterKey).ok_or_else(|| {
            Error::new(ErrorKind::KeySource, format!("a master key must be {KEY_LEN} bytes, got {}", bytes.len()))
        })
    }

    /// A key from 64 hexadecimal digits (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<MasterKey> {
        Self::from_hex_named(text, "the hex string")
    }

    /// A key from standard base64 (with or without padding; surrounding whitespace ignored).
    pub fn from_base64(text: &str) -> Result<MasterKey> {
        Self::from_base64_named(text, "the base64 string")
    }

    /// A key from the environment variable `name`, holding 64 hex digits or base64.
    pub fn from_env(name: &str) -> Result<MasterKey> {
        let value = Zeroizing::new(std::env::var(name).map_err(|e| {
            let why = match e {
                std::env::VarError::NotPresent => "is not set",
                std::env::VarError::NotUnicode(_) => "is not valid UTF-8",
            };
            Error::new(ErrorKind::KeySource, format!("environment variable {name} {why}"))
        })?);
        Self::from_text(&value, &format!("environment variable {name}"))
    }

    /// A key from a file holding either exactly 32 raw bytes or 64 hex digits / base64 text.
    pub fn from_file(path: impl AsRef<Path>) -> Result<MasterKey> {
        let path = path.as_ref();
        let source = format!("key file {}", path.display());
        let bytes = Zeroizing::new(
            std::fs::read(path)
                .map_err(|e| Error::new(ErrorKind::KeySource, format!("{source} cannot be read: {}", e.kind())))?,
        );
        if bytes.len() == KEY_LEN {
            return Self::from_bytes(&bytes);
        }
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            Error::new(ErrorKind::KeySource, format!("{source} holds neither {KEY_LEN} raw bytes nor hex/base64 text"))
        })?;
        Self::from_text(text, &source)
    }

    /// The key as 64 lowercase hex digits, in a string wiped on drop. For storing a generated
    /// key in the application's secret store.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.bytes()))
    }

    /// The key as standard base64 (padded), in a string wiped on drop.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(self.0.bytes()))
    }

    fn from_text(text: &str, source: &str) -> Result<MasterKey> {
        let trimmed = text.trim();
        if trimmed.len() == 2 * KEY_LEN && trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
            Self::from_hex_named(trimmed, source)
        } else {
            Self::from_base64_named(trimmed, source)
        }
    }

    fn from_hex_named(text: &str, source: &str) -> Result<MasterKey> {
        let mut key = SecretKey::zero();
        hex::decode_to_slice(text.trim(), key.bytes_mut()).map_err(|_| {
            Error::new(ErrorKind::KeySource, format!("{source} is not {} hexadecimal digits", 2 * KEY_LEN))
        })?;
        Ok(MasterKey(key))
    }

    fn from_base64_named(text: &str, source: &str) -> Result<MasterKey> {
        use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
        let text = text.trim();
        let decoded = Zeroizing::new(
            STANDARD
                .decode(text)
                .or_else(|_| STANDARD_NO_PAD.decode(text))
                .map_err(|_| Error::new(ErrorKind::KeySource, format!("{source} is neither hex nor base64")))?,
        );
        Self::from_bytes(&decoded).map_err(|e| e.context(source))
    }

    pub(crate) fn secret(&self) -> &SecretKey {
        &self.0
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_agree() {
        let key = MasterKey::generate().expect("rng");
        let hex = key.to_hex();
        let b64 = key.to_base64();
        assert_eq!(MasterKey::from_hex(&hex).expect("hex").secret().bytes(), key.secret().bytes());
        assert_eq!(MasterKey::from_base64(&b64).expect("b64").secret().bytes(), key.secret().bytes());
        let unpadded = b64.trim_end_matches('=');
        assert_eq!(MasterKey::from_base64(unpadded).expect("b64").secret().bytes(), key.secret().bytes());
    }

    #[test]
    fn bad_sources_name_the_source_not_the_key() {
        let e = MasterKey::from_hex("abcd").expect_err("short");
        assert_eq!(e.kind(), ErrorKind::KeySource);
        assert!(!e.message().contains("abcd"));
        let e = MasterKey::from_env("BUNKERLITE_TEST_SURELY_UNSET_VAR").expect_err("unset");
        assert_eq!(e.kind(), ErrorKind::KeySource);
        assert!(e.message().contains("BUNKERLITE_TEST_SURELY_UNSET_VAR"));
        let e = MasterKey::from_file("/nonexistent/bunkerlite.key").expect_err("missing");
        assert_eq!(e.kind(), ErrorKind::KeySource);
        assert!(e.message().contains("key file"));
        let e = MasterKey::from_bytes(&[1; 31]).expect_err("short");
        assert_eq!(e.kind(), ErrorKind::KeySource);
    }

    #[test]
    fn debug_is_redacted() {
        let key = MasterKey::from_bytes(&[0xAB; 32]).expect("key");
        let shown = format!("{key:?}");
        assert!(!shown.to_lowercase().contains("ab"), "{shown}");
    }
}
