//! The tokens area's store: a vaulted token's row and the typed functions the area needs from a
//! backend, in domain terms. Every backend implements them (`store/sqlite/tokens.rs`); nothing
//! outside this area names them.

use crate::error::Result;

/// A vaulted token as stored: the keyed hash of the token (not the token) and its sealed value.
#[derive(Clone)]
pub(crate) struct TokenRow {
    pub(crate) hash: [u8; 16],
    /// The kind's stored number.
    pub(crate) kind: i64,
    pub(crate) scope: String,
    /// Deterministic, once, sliding (bits).
    pub(crate) flags: i64,
    /// The linked subject's row id.
    pub(crate) subject_id: Option<i64>,
    /// The value, sealed under the subject's data key or the token value key.
    pub(crate) value: Vec<u8>,
    pub(crate) created_ms: i64,
    pub(crate) expires_ms: Option<i64>,
    /// The sliding expiry's duration.
    pub(crate) ttl_ms: Option<i64>,
    /// The MAC of the row's state (format 6; all zeros when a row of an older format has none,
    /// which fails every check).
    pub(crate) mac: [u8; 32],
}

/// The reads of the tokens area: a token row by the keyed hash of its token, every row, counts.
pub(crate) trait TokenReads {
    /// The token row with this hash.
    fn token_by_hash(&self, hash: &[u8; 16]) -> Result<Option<TokenRow>>;

    /// Every token row, in creation order (for giving the rows of an older format their MACs).
    fn each_token(&self, f: &mut dyn FnMut(TokenRow) -> Result<()>) -> Result<()>;

    /// How many tokens are linked to the subject with row id `subject_id`.
    fn count_tokens_of_subject(&self, subject_id: i64) -> Result<u64>;

    /// The rows of the tokens linked to a subject, oldest first (for its export).
    fn tokens_of_subject(&self, subject_id: i64) -> Result<Vec<TokenRow>>;
}

/// The writes of the tokens area, inside one write transaction.
pub(crate) trait TokenWrites: TokenReads {
    /// Insert a token row. `Ok(false)` when a token with this hash exists (the primary key refuses
    /// it; never a check-then-insert).
    fn insert_token(&self, t: &TokenRow) -> Result<bool>;

    /// Delete the token with this hash; whether it existed.
    fn delete_token(&self, hash: &[u8; 16]) -> Result<bool>;

    /// Store a token's changed expiry (sliding expiry, or a deterministic token renewed) with the
    /// row's new MAC.
    fn set_token_expiry(&self, t: &TokenRow) -> Result<()>;

    /// Store a token row's MAC.
    fn set_token_mac(&self, hash: &[u8; 16], mac: &[u8; 32]) -> Result<()>;

    /// Delete up to `limit` tokens that expired at or before `now_ms`; how many.
    fn purge_expired_tokens(&self, now_ms: i64, limit: u64) -> Result<u64>;

    /// Delete every token linked to the subject with row id `subject_id`; how many.
    fn delete_tokens_of_subject(&self, subject_id: i64) -> Result<u64>;
}
