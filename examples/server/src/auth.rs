//! The root token: made once by `init` (or `demo`), shown once, stored only as an HMAC-SHA256
//! under a key derived from the vault's master key, so the configuration file alone neither
//! reveals it nor lets anyone test guesses against it offline. Checked in constant time.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The domain of the hash key (so the same master key never keys two different things alike).
const LABEL: &[u8] = b"bunkerlite-server/v1/root-token";

/// Checks presented tokens against the stored hash.
pub struct RootToken {
    key: Zeroizing<[u8; 32]>,
    hash: Option<[u8; 32]>,
}

impl std::fmt::Debug for RootToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RootToken").field("configured", &self.hash.is_some()).finish_non_exhaustive()
    }
}

impl RootToken {
    /// The checker for `hash_hex` (none configured: every token is refused) under `master`.
    pub fn new(master: &bunkerlite::MasterKey, hash_hex: Option<&str>) -> Result<RootToken, String> {
        let key = hash_key(master)?;
        let hash = match hash_hex {
            Some(text) => {
                let mut out = [0u8; 32];
                hex::decode_to_slice(text, &mut out)
                    .map_err(|_| "auth.root_token_hash must be 64 hexadecimal digits".to_string())?;
                Some(out)
            }
            None => None,
        };
        Ok(RootToken { key, hash })
    }

    /// Whether `token` is the root token.
    pub fn matches(&self, token: &str) -> bool {
        let Some(expected) = &self.hash else { return false };
        let actual = digest(&self.key, token);
        bool::from(actual.ct_eq(expected))
    }

    /// A new random root token (a UUID, as Databunker's are) and its hash, hex.
    pub fn generate(master: &bunkerlite::MasterKey) -> Result<(Zeroizing<String>, String), String> {
        let key = hash_key(master)?;
        let mut bytes = Zeroizing::new([0u8; 16]);
        getrandom::fill(&mut bytes[..]).map_err(|_| "the operating system's random source failed".to_string())?;
        let token = Zeroizing::new(uuid::Builder::from_random_bytes(*bytes).into_uuid().to_string());
        let hash = hex::encode(digest(&key, &token));
        Ok((token, hash))
    }
}

fn hash_key(master: &bunkerlite::MasterKey) -> Result<Zeroizing<[u8; 32]>, String> {
    let hex_key = master.to_hex();
    let mut raw = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(hex_key.as_bytes(), &mut raw[..]).map_err(|_| "the master key is not 32 bytes".to_string())?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&raw[..]).expect("HMAC takes any key length");
    mac.update(LABEL);
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&mac.finalize().into_bytes());
    Ok(key)
}

fn digest(key: &[u8; 32], token: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(token.as_bytes());
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_generated_token_matches_and_only_under_its_master_key() {
        let master = bunkerlite::MasterKey::generate().expect("key");
        let (token, hash) = RootToken::generate(&master).expect("token");
        assert!(!hash.contains(token.as_str()));
        let check = RootToken::new(&master, Some(&hash)).expect("checker");
        assert!(check.matches(&token));
        assert!(!check.matches(&token[..35]));
        assert!(!check.matches(""));
        let other = bunkerlite::MasterKey::generate().expect("key");
        assert!(!RootToken::new(&other, Some(&hash)).expect("checker").matches(&token));
        assert!(!RootToken::new(&master, None).expect("checker").matches(&token));
        assert!(!format!("{check:?}").contains(&hash));
    }
}
