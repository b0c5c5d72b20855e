//! Key derivation: HKDF-SHA256 and the labels (`info` strings) of every derived key. Distinct
//! per purpose; changing one changes every value derived with it.

use hkdf::Hkdf;
use sha2::Sha256;

/// The key that wraps the root key for the `master` unlock method: HKDF(master key, salt = vault
/// id, info = this label).
pub(crate) const WRAP_MASTER: &[u8] = b"bunkerlite/v2/wrap/master";
/// A blind-index field key: HKDF(index root, salt = vault id, info = this label ‖ field name).
pub(crate) const INDEX_FIELD: &[u8] = b"bunkerlite/v2/index/";

/// HKDF-SHA256(ikm, salt, info) into `out` (32 bytes).
pub(crate) fn hkdf_sha256(ikm: &[u8], salt: &[u8], info: &[u8], out: &mut [u8; 32]) {
    Hkdf::<Sha256>::new(Some(salt), ikm).expand(info, out).expect("32 bytes is a valid HKDF-SHA256 output length");
}
