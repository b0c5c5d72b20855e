//! Key derivation: HKDF-SHA256 and the labels (`info` strings) of every derived key. Distinct
//! per purpose; changing one changes every value derived with it.

use hkdf::Hkdf;
use sha2::Sha256;

/// The key that wraps the root key for the `master` unlock method: HKDF(master key, salt = vault
/// id, info = this label).
pub(crate) const WRAP_MASTER: &[u8] = b"bunkerlite/v2/wrap/master";
/// A blind-index field key: HKDF(index root, salt = vault id, info = this label ‖ field name).
pub(crate) const INDEX_FIELD: &[u8] = b"bunkerlite/v2/index/";

/// The key of stored token hashes: HKDF(tokens purpose key, salt = vault id, info = this label).
pub(crate) const TOKEN_HASH: &[u8] = b"bunkerlite/v2/tokens/hash";
/// The key sealing values of tokens not linked to a subject (as [`TOKEN_HASH`]).
pub(crate) const TOKEN_VALUE: &[u8] = b"bunkerlite/v2/tokens/value";
/// The root of the deterministic tokens' keys (as [`TOKEN_HASH`]); a scope's key is
/// HKDF(this root, salt = vault id, info = [`TOKEN_SCOPE`] ‖ scope).
pub(crate) const TOKEN_DETERMINISTIC: &[u8] = b"bunkerlite/v2/tokens/deterministic";
/// An FF1 key: HKDF(the deterministic root, salt = vault id, info = this label ‖ scope).
pub(crate) const TOKEN_FPE: &[u8] = b"bunkerlite/v2/tokens/fpe/";
/// See [`TOKEN_DETERMINISTIC`].
pub(crate) const TOKEN_SCOPE: &[u8] = b"bunkerlite/v2/tokens/scope/";

/// The MAC key of stored token rows' state (kind, scope, flags, link, times): as
/// [`TOKEN_HASH`].
pub(crate) const TOKEN_STATE: &[u8] = b"bunkerlite/v6/tokens/state";

/// HKDF info of the keyed hash of session ids (from the `sessions` purpose key).
pub(crate) const SESSION_HASH: &[u8] = b"bunkerlite/v8/sessions/hash";
/// HKDF info of the key sealing the data of sessions not linked to a subject.
pub(crate) const SESSION_VALUE: &[u8] = b"bunkerlite/v8/sessions/value";
/// HKDF info of the keyed hash of share ids (from the `shares` purpose key).
pub(crate) const SHARE_HASH: &[u8] = b"bunkerlite/v9/shares/hash";
/// HKDF info of the keyed hash of erased subjects' tokens and blind indexes in the erasure ledger
/// (from the `erasures` purpose key).
pub(crate) const ERASURE_HASH: &[u8] = b"bunkerlite/v10/erasures/hash";
/// HKDF info of the MAC key chaining the erasure ledger's entries.
pub(crate) const ERASURE_CHAIN: &[u8] = b"bunkerlite/v10/erasures/chain";

/// The MAC key of the current consent decisions (`agreements_now.mac`): HKDF(consent purpose
/// key, salt = vault id, info = this label).
pub(crate) const CONSENT_STATE: &[u8] = b"bunkerlite/v2/consent/state";
/// The MAC key of exported consent receipts (as [`CONSENT_STATE`]).
pub(crate) const CONSENT_RECEIPT: &[u8] = b"bunkerlite/v2/consent/receipt";

/// HKDF-SHA256(ikm, salt, info) into `out` (32 bytes).
pub(crate) fn hkdf_sha256(ikm: &[u8], salt: &[u8], info: &[u8], out: &mut [u8; 32]) {
    Hkdf::<Sha256>::new(Some(salt), ikm).expand(info, out).expect("32 bytes is a valid HKDF-SHA256 output length");
}
