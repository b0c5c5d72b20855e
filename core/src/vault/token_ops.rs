//! The tokens area's operations on [`Vault`]: tokens for single values and in free text.

use serde_json::Value;

use crate::action::Action;
use crate::caller::Caller;
use crate::engine::parse_options;
use crate::error::Result;
use crate::tokens::{
    DeleteItem, DetokenizeItem, DetokenizeOptions, InfoItem, PurgeReport, TokenBatch, TokenInfo, TokenizeItem,
    TokenizeOptions,
};

use super::Vault;

impl Vault {
    /// Make a token standing in for `value` and return it. `options` is a JSON object of
    /// [`TokenizeOptions`] (`None`: a random UUID token that never expires). A value that does
    /// not fit the kind is `INVALID_INPUT` (the message never contains it); a subject named by
    /// `subject` that does not exist is `NOT_FOUND` (`ERASED` if erased); a format whose space is
    /// used up is `EXHAUSTED`. Audited as `token.create` with a keyed hash of the token.
    pub fn tokenize(&self, caller: &Caller, value: &str, options: Option<Value>) -> Result<String> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenCreate, "tokenize options", options)?;
        open.tokens.tokenize(&open.engine, caller, value, &options)
    }

    /// [`tokenize`](Self::tokenize) with typed options.
    pub fn tokenize_with(&self, caller: &Caller, value: &str, options: &TokenizeOptions) -> Result<String> {
        let open = self.state()?;
        open.tokens.tokenize(&open.engine, caller, value, options)
    }

    /// Tokenize many values with the same options in one transaction (at most
    /// [`Limits::max_batch`](crate::Limits)): per item a status (`created`, `existing`,
    /// `failed`), its token or error, and a summary. A value that does not fit fails only its
    /// item, unless `all_or_nothing`: then the first failure fails the call (naming the item) and
    /// nothing is written.
    pub fn tokenize_many(
        &self,
        caller: &Caller,
        values: &[String],
        options: Option<Value>,
        all_or_nothing: bool,
    ) -> Result<TokenBatch<TokenizeItem>> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenCreate, "tokenize options", options)?;
        open.tokens.tokenize_many(&open.engine, caller, values, &options, all_or_nothing)
    }

    /// The value `token` stands for (masked with the `mask` option of [`DetokenizeOptions`]).
    /// Unknown → `NOT_FOUND`; expired → `EXPIRED`. A token made with `once` is deleted by this
    /// call; a sliding expiry moves. Audited as `token.detokenize` with the caller's purpose and
    /// a keyed hash of the token.
    pub fn detokenize(&self, caller: &Caller, token: &str, options: Option<Value>) -> Result<String> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenDetokenize, "detokenize options", options)?;
        open.tokens.detokenize(&open.engine, caller, token, &options)
    }

    /// [`detokenize`](Self::detokenize) with typed options.
    pub fn detokenize_with(&self, caller: &Caller, token: &str, options: &DetokenizeOptions) -> Result<String> {
        let open = self.state()?;
        open.tokens.detokenize(&open.engine, caller, token, options)
    }

    /// Detokenize many tokens on one snapshot (inside one write when some token changes when
    /// used): per item its value or error, and a summary; `all_or_nothing` makes any failure
    /// fail the call.
    pub fn detokenize_many(
        &self,
        caller: &Caller,
        tokens: &[String],
        options: Option<Value>,
        all_or_nothing: bool,
    ) -> Result<TokenBatch<DetokenizeItem>> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenDetokenize, "detokenize options", options)?;
        open.tokens.detokenize_many(&open.engine, caller, tokens, &options, all_or_nothing)
    }

    /// Replace the personal data in free text — emails, phone numbers, card numbers (Luhn-checked)
    /// and the literal `values` of [`TextOptions`](crate::TextOptions) — with typed placeholders `[EMAIL:token]`,
    /// `[PHONE:token]`, `[CARD:token]`, `[VALUE:token]`. The tokens are vaulted and deterministic
    /// in the options' `scope` (`text` by default): a value keeps its token across calls. For
    /// keeping personal data out of logs and out of prompts sent to language models. Audited as
    /// `token.create` once per distinct token.
    pub fn tokenize_text(&self, caller: &Caller, text: &str, options: Option<Value>) -> Result<String> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenCreate, "tokenize_text options", options)?;
        open.tokens.tokenize_text(&open.engine, caller, text, &options)
    }

    /// Put the values back in place of the placeholders `tokenize_text` wrote (masked with the
    /// `mask` option). A placeholder whose token is unknown, deleted or expired stays as it is.
    /// Audited as `token.detokenize` per placeholder.
    pub fn detokenize_text(&self, caller: &Caller, text: &str, options: Option<Value>) -> Result<String> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenDetokenize, "detokenize options", options)?;
        open.tokens.detokenize_text(&open.engine, caller, text, &options)
    }

    /// Delete a token (`NOT_FOUND` when there is none). Audited as `token.delete`.
    pub fn delete_token(&self, caller: &Caller, token: &str) -> Result<()> {
        let open = self.state()?;
        open.tokens.delete(&open.engine, caller, token)
    }

    /// Delete many tokens in one transaction: per item whether it was deleted or its error;
    /// `all_or_nothing` makes any failure fail the call and delete nothing.
    pub fn delete_tokens(
        &self,
        caller: &Caller,
        tokens: &[String],
        all_or_nothing: bool,
    ) -> Result<TokenBatch<DeleteItem>> {
        let open = self.state()?;
        open.tokens.delete_many(&open.engine, caller, tokens, all_or_nothing)
    }

    /// A token's kind, scope, expiry and linked subject — never its value. Audited as
    /// `token.info`.
    pub fn token_info(&self, caller: &Caller, token: &str) -> Result<TokenInfo> {
        let open = self.state()?;
        open.tokens.info(&open.engine, caller, token)
    }

    /// [`token_info`](Self::token_info) of many tokens on one snapshot: per item the info or the
    /// error, and a summary; `all_or_nothing` makes any failure fail the call.
    pub fn token_infos(
        &self,
        caller: &Caller,
        tokens: &[String],
        all_or_nothing: bool,
    ) -> Result<TokenBatch<InfoItem>> {
        let open = self.state()?;
        open.tokens.info_many(&open.engine, caller, tokens, all_or_nothing)
    }

    /// Delete every expired token, a thousand per transaction. Audited as `token.purge`.
    pub fn purge_tokens(&self, caller: &Caller) -> Result<PurgeReport> {
        let open = self.state()?;
        open.tokens.purge(&open.engine, caller)
    }
}
