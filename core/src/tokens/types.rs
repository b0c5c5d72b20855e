//! The public shapes of the tokens area: the options of each operation (from JSON in the
//! bindings, unknown fields refused), what token_info tells, and the per-item results and counts
//! of the batch forms. None of them shows a value in `Debug`.

use serde::{Deserialize, Serialize};

use super::format::TokenKind;
use super::text::Detect;
use crate::error::Error;

/// Options of [`Vault::tokenize`](crate::Vault::tokenize) (from JSON in the bindings: unknown
/// fields are refused). Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TokenizeOptions {
    /// The token's kind (`uuid` by default).
    pub kind: TokenKind,
    /// Alphanumeric and numeric tokens: how many characters (6–128; default 22 and 38).
    pub length: Option<u32>,
    /// Card tokens: keep this many leading digits (0–6).
    pub keep_first: u32,
    /// Card tokens: keep this many trailing digits (0–4).
    pub keep_last: u32,
    /// Card tokens: pass the Luhn check (by default they fail it, so no token can be taken for
    /// a card number).
    pub luhn_valid: bool,
    /// Email tokens: keep the value's domain (default) or use `token.invalid`.
    pub keep_domain: Option<bool>,
    /// The same value (normalised: a card's digits, an email lower-cased) in the same scope gets
    /// the same token. Off by default: deterministic tokens reveal which values repeat.
    pub deterministic: bool,
    /// The namespace of deterministic tokens (`default` when absent): scopes never share tokens.
    /// 1–64 letters, digits, `.`, `_`, `:` or `-`.
    pub scope: Option<String>,
    /// The token expires this many milliseconds after it is made (or, `sliding`, after its
    /// last detokenize).
    pub ttl_ms: Option<u64>,
    /// The token expires at this time (milliseconds since the Unix epoch).
    pub expires_at_ms: Option<i64>,
    /// Each detokenize moves the expiry to `ttl_ms` from then.
    pub sliding: bool,
    /// The token is destroyed by its first detokenize.
    pub once: bool,
    /// The token belongs to this subject (its token): the value is sealed under the subject's
    /// data key and the token is erased with the subject.
    pub subject: Option<String>,
    /// Deterministic tokens: tokenizing a value that already has a token moves that token's
    /// expiry as if it were made now.
    pub renew: bool,
    /// FF1 tokens: the alphabet of values and tokens — `digits` (the default), `hex`,
    /// `lower_alphanumeric`, `alphanumeric`, or the characters of a custom one (2–256, each once).
    pub alphabet: Option<String>,
}

/// A mask applied by [`Vault::detokenize`](crate::Vault::detokenize): every character but the
/// first `keep_first` and the last `keep_last` (of an email: of its local part) becomes `char`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Mask {
    /// Leading characters shown (default 0).
    pub keep_first: u32,
    /// Trailing characters shown (default 4).
    pub keep_last: u32,
    /// The masking character (default `*`).
    pub char: char,
}

impl Default for Mask {
    fn default() -> Mask {
        Mask { keep_first: 0, keep_last: 4, char: '*' }
    }
}

/// Options of [`Vault::detokenize`](crate::Vault::detokenize).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct DetokenizeOptions {
    /// Return the value masked (e.g. `************1111`).
    pub mask: Option<Mask>,
    /// `fpe` for FF1 tokens, which the vault does not store: they are decrypted with the
    /// `alphabet` and `scope` they were made with. Vaulted tokens know their kind.
    pub kind: Option<TokenKind>,
    /// FF1 tokens: their alphabet (`digits` by default).
    pub alphabet: Option<String>,
    /// FF1 tokens: their scope (`default` by default). For `detokenize_text`: the scope the
    /// text was tokenized in (`text` by default); only its tokens are read back.
    pub scope: Option<String>,
}

/// What [`Vault::token_info`](crate::Vault::token_info) tells about a token: never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TokenInfo {
    /// The token's kind.
    pub kind: TokenKind,
    /// Its scope (`default` unless given).
    pub scope: String,
    /// Made deterministically (same value and scope, same token).
    pub deterministic: bool,
    /// Destroyed by its first detokenize.
    pub once: bool,
    /// Each detokenize moves the expiry `ttl_ms` ahead.
    pub sliding: bool,
    /// When it was made (milliseconds since the Unix epoch).
    pub created_ms: i64,
    /// When it expires (milliseconds since the Unix epoch), if ever.
    pub expires_ms: Option<i64>,
    /// The sliding expiry's duration.
    pub ttl_ms: Option<i64>,
    /// It has expired (detokenize answers `EXPIRED`; a purge removes it).
    pub expired: bool,
    /// The token of the subject it belongs to.
    pub subject: Option<String>,
    /// The keyed hash of the token (hex) that audit events about it carry.
    pub reference: String,
}

/// A failed item of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ItemError {
    /// The error code (`INVALID_INPUT`, `NOT_FOUND`, `EXPIRED`, …).
    #[cfg_attr(feature = "schema", schemars(extend("x-ts" = "ErrorCode")))]
    pub code: String,
    /// What went wrong (never the value).
    pub message: String,
}

impl From<&Error> for ItemError {
    fn from(e: &Error) -> ItemError {
        ItemError { code: e.code().to_owned(), message: e.message().to_owned() }
    }
}

/// One item of [`Vault::tokenize_many`](crate::Vault::tokenize_many).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TokenizeItem {
    /// `created`, `existing` (a deterministic token made earlier) or `failed`.
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["created", "existing", "failed"])))]
    pub status: &'static str,
    /// The token, unless the item failed.
    pub token: Option<String>,
    /// Why the item failed.
    pub error: Option<ItemError>,
}

/// One item of [`Vault::detokenize_many`](crate::Vault::detokenize_many).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DetokenizeItem {
    /// The value (masked when asked), unless the item failed.
    pub value: Option<String>,
    /// Why the item failed.
    pub error: Option<ItemError>,
}

impl std::fmt::Debug for DetokenizeItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DetokenizeItem")
            .field("value", &self.value.as_ref().map(|_| "<redacted>"))
            .field("error", &self.error)
            .finish()
    }
}

/// One item of [`Vault::token_infos`](crate::Vault::token_infos).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InfoItem {
    /// The token's metadata, unless the item failed.
    pub info: Option<TokenInfo>,
    /// Why the item failed.
    pub error: Option<ItemError>,
}

/// One item of [`Vault::delete_tokens`](crate::Vault::delete_tokens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeleteItem {
    /// The token was deleted.
    pub deleted: bool,
    /// Why the item failed.
    pub error: Option<ItemError>,
}

/// Counts of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BatchSummary {
    /// Items in the batch.
    pub total: u64,
    /// Items that succeeded.
    pub ok: u64,
    /// Items that failed.
    pub failed: u64,
}

/// The result of a token batch: one item per input, in order, and the counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "TokenBatch_of_{T}"))]
pub struct TokenBatch<T> {
    /// One result per input, in order.
    pub items: Vec<T>,
    /// The counts.
    pub summary: BatchSummary,
}

/// The result of [`Vault::purge_tokens`](crate::Vault::purge_tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PurgeReport {
    /// Expired tokens deleted.
    pub removed: u64,
}

/// Options of [`Vault::tokenize_text`](crate::Vault::tokenize_text) (unknown fields refused).
/// `Debug` does not show the literal values (they are personal data).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TextOptions {
    /// What to find: any of `email`, `phone`, `card` (all three when absent).
    pub detect: Option<Vec<Detect>>,
    /// Literal values to replace wherever they occur (names, account numbers; at most 1,000,
    /// each at least 2 characters).
    pub values: Vec<String>,
    /// The scope of the placeholders' tokens (`text` when absent): in one scope a value always
    /// gets the same token, so one conversation keeps one token per person.
    pub scope: Option<String>,
    /// The tokens expire this many milliseconds after they are made.
    pub ttl_ms: Option<u64>,
    /// The tokens belong to this subject (its token) and are erased with it.
    pub subject: Option<String>,
}

impl std::fmt::Debug for TextOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextOptions")
            .field("detect", &self.detect)
            .field("values", &format_args!("<{} redacted>", self.values.len()))
            .field("scope", &self.scope)
            .field("ttl_ms", &self.ttl_ms)
            .field("subject", &self.subject.as_ref().map(|_| "<token>"))
            .finish()
    }
}
