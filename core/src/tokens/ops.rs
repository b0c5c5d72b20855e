//! The tokens area's operations on [`Vault`]: tokens for single values and in free text.

use serde_json::Value;

use crate::action::Action;
use crate::caller::Caller;
use crate::declare::{operations, Arg, Ret, DETOKENIZE_OPTIONS, TEXT_OPTIONS, TOKENIZE_OPTIONS};
use crate::engine::parse_options;
use crate::error::Result;
use crate::tokens::{
    DeleteItem, DetokenizeItem, DetokenizeOptions, InfoItem, PurgeReport, TokenBatch, TokenInfo, TokenizeItem,
    TokenizeOptions,
};

use crate::vault::Vault;

operations! {
    /// Make a token standing in for a value (a card number, an email, any string) and return it.
    /// Options: kind (uuid, alphanumeric, numeric, card, email, transient, fpe), length,
    /// keep_first, keep_last, luhn_valid, keep_domain, deterministic with a scope, ttl_ms or
    /// expires_at_ms, sliding, once, subject (the token is erased with that subject), renew, and
    /// for fpe (FF1 format-preserving encryption, nothing stored) an alphabet. The vault keeps a
    /// keyed hash of the token and the value encrypted; errors never contain the value.
    #[operation(
        c = "bl_token_create",
        action = "token.create",
        check = write("the linked subject (or none); an FF1 token is checked as `detokenize`: it is the value encrypted, so making tokens of chosen values tests guesses against one held"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND", "ERASED", "EXHAUSTED"],
        args = [Arg::Caller, Arg::Str("value"), TOKENIZE_OPTIONS],
        ret = Ret::Str("token"),
    )]
    pub fn tokenize(&self, caller: &Caller, value: &str, options: Option<Value>) -> Result<String> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenCreate, "tokenize options", options)?;
        open.tokens.tokenize(&open.engine, caller, value, &options)
    }

    /// Tokenize many values with the same options in one transaction: per item a status (created,
    /// existing, failed), the token or the error, and a summary. One bad item fails only itself
    /// unless all_or_nothing, which makes any failure fail the call and write nothing.
    #[operation(
        c = "bl_tokens_create",
        action = "token.create",
        check = write("the linked subject (or none); FF1 tokens as `detokenize` (see tokenize)"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND", "ERASED", "EXHAUSTED"],
        args = [Arg::Caller, Arg::Strs("values"), TOKENIZE_OPTIONS, Arg::Flag("all_or_nothing")],
        ret = Ret::json("batch", "TokenBatch<TokenizeItem>"),
    )]
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

    /// The value a token stands for, or with the mask option ({keep_first, keep_last, char}) the
    /// value masked (e.g. ************1111). Audited with the caller's purpose and a keyed hash of
    /// the token. An expired token is EXPIRED; a token made with once is deleted by this call (and
    /// is then NOT_FOUND); a sliding expiry moves. FF1 tokens are decrypted with options {kind:
    /// fpe, alphabet, scope}.
    #[operation(
        c = "bl_token_detokenize",
        action = "token.detokenize",
        check = detokenize("the token's linked subject (or none)"),
        errors = ["NOT_FOUND", "EXPIRED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("token"), DETOKENIZE_OPTIONS],
        ret = Ret::Str("value"),
    )]
    pub fn detokenize(&self, caller: &Caller, token: &str, options: Option<Value>) -> Result<String> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenDetokenize, "detokenize options", options)?;
        open.tokens.detokenize(&open.engine, caller, token, &options)
    }

    /// Detokenize many tokens in one transaction: per item the value or the error (NOT_FOUND,
    /// EXPIRED, ...), and a summary; all_or_nothing makes any failure fail the call.
    #[operation(
        c = "bl_tokens_detokenize",
        action = "token.detokenize",
        check = detokenize("each token's linked subject (a refused one is an item error)"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND", "EXPIRED", "INTEGRITY"],
        args = [Arg::Caller, Arg::Strs("tokens"), DETOKENIZE_OPTIONS, Arg::Flag("all_or_nothing")],
        ret = Ret::json("batch", "TokenBatch<DetokenizeItem>"),
    )]
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

    /// Replace the personal data in free text (emails, phone numbers, Luhn-checked card numbers,
    /// and the literal values of the values option) with typed placeholders `[EMAIL:token]`,
    /// `[PHONE:token]`, `[CARD:token]`, `[VALUE:token]`, for logs and prompts sent to language
    /// models. The tokens are vaulted and deterministic in the scope option (text by default).
    /// Options: detect (email, phone, card), values (each at least 2 characters), scope, ttl_ms,
    /// subject. Dates, times, timestamps, IP addresses, ids and versions are never taken for
    /// numbers; a national phone number needs the default region's grouping or a context word (tel,
    /// call, ...). At most max_batch items per call (TOO_LARGE beyond).
    #[operation(
        c = "bl_text_tokenize",
        action = "text.tokenize",
        check = write("the linked subject (or none)"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND", "ERASED", "EXHAUSTED"],
        args = [Arg::Caller, Arg::Str("text"), TEXT_OPTIONS],
        ret = Ret::Str("text"),
    )]
    pub fn tokenize_text(&self, caller: &Caller, text: &str, options: Option<Value>) -> Result<String> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenCreate, "tokenize_text options", options)?;
        open.tokens.tokenize_text(&open.engine, caller, text, &options)
    }

    /// Put the values back in place of the placeholders tokenize_text wrote (masked with the mask
    /// option), reading only tokens made by tokenize_text in the scope option (text by default) for
    /// the placeholder's tag; any other placeholder (unknown, expired, another scope or tag, or one
    /// the purpose may not read) stays as it is. At most max_batch placeholders per call.
    #[operation(
        c = "bl_text_detokenize",
        action = "text.detokenize",
        check = detokenize("each placeholder's linked subject (a refused one stays a placeholder)"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("text"), DETOKENIZE_OPTIONS],
        ret = Ret::Str("text"),
    )]
    pub fn detokenize_text(&self, caller: &Caller, text: &str, options: Option<Value>) -> Result<String> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenDetokenize, "detokenize options", options)?;
        open.tokens.detokenize_text(&open.engine, caller, text, &options)
    }

    /// Delete a token: its value can no longer be recovered through it.
    #[operation(
        c = "bl_token_delete",
        action = "token.delete",
        check = delete("the token's linked subject (or none)"),
        errors = ["NOT_FOUND", "INVALID_INPUT"],
        args = [Arg::Caller, Arg::Str("token")],
        ret = Ret::Unit,
    )]
    pub fn delete_token(&self, caller: &Caller, token: &str) -> Result<()> {
        let open = self.state()?;
        open.tokens.delete(&open.engine, caller, token)
    }

    /// Delete many tokens in one transaction: per item whether it was deleted or the error, and a
    /// summary; all_or_nothing makes any failure fail the call and delete nothing.
    #[operation(
        c = "bl_tokens_delete",
        action = "token.delete",
        check = delete("each token's linked subject (a refused one is an item error)"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND"],
        args = [Arg::Caller, Arg::Strs("tokens"), Arg::Flag("all_or_nothing")],
        ret = Ret::json("batch", "TokenBatch<DeleteItem>"),
    )]
    pub fn delete_tokens(
        &self,
        caller: &Caller,
        tokens: &[String],
        all_or_nothing: bool,
    ) -> Result<TokenBatch<DeleteItem>> {
        let open = self.state()?;
        open.tokens.delete_many(&open.engine, caller, tokens, all_or_nothing)
    }

    /// What is known about a token without its value: kind, scope, deterministic, once, sliding,
    /// created_ms, expires_ms, ttl_ms, expired, the linked subject, and the reference (the keyed
    /// hash its audit events carry).
    #[operation(
        c = "bl_token_info",
        action = "token.info",
        check = read("the token's linked subject (or none): the info names it"),
        errors = ["NOT_FOUND", "INVALID_INPUT"],
        args = [Arg::Caller, Arg::Str("token")],
        ret = Ret::json("info", "TokenInfo"),
    )]
    pub fn token_info(&self, caller: &Caller, token: &str) -> Result<TokenInfo> {
        let open = self.state()?;
        open.tokens.info(&open.engine, caller, token)
    }

    /// token_info of many tokens on one snapshot: per item the info or the error (NOT_FOUND, ...),
    /// and a summary; all_or_nothing makes any failure fail the call.
    #[operation(
        c = "bl_tokens_info",
        action = "token.info",
        check = read("each token's linked subject (a refused one is an item error)"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND"],
        args = [Arg::Caller, Arg::Strs("tokens"), Arg::Flag("all_or_nothing")],
        ret = Ret::json("batch", "TokenBatch<InfoItem>"),
    )]
    pub fn token_infos(
        &self,
        caller: &Caller,
        tokens: &[String],
        all_or_nothing: bool,
    ) -> Result<TokenBatch<InfoItem>> {
        let open = self.state()?;
        open.tokens.info_many(&open.engine, caller, tokens, all_or_nothing)
    }

    /// Delete every expired token, a thousand per transaction (readers are never blocked). Returns
    /// {removed}.
    #[operation(
        c = "bl_tokens_purge",
        action = "token.purge",
        check = none("removes only what the tokens' own expiry ended; reads and returns no value"),
        errors = [],
        args = [Arg::Caller],
        ret = Ret::json("report", "PurgeReport"),
    )]
    pub fn purge_tokens(&self, caller: &Caller) -> Result<PurgeReport> {
        let open = self.state()?;
        open.tokens.purge(&open.engine, caller)
    }
}

impl Vault {
    /// [`tokenize`](Self::tokenize) with typed options.
    pub fn tokenize_with(&self, caller: &Caller, value: &str, options: &TokenizeOptions) -> Result<String> {
        let open = self.state()?;
        open.tokens.tokenize(&open.engine, caller, value, options)
    }

    /// [`detokenize`](Self::detokenize) with typed options.
    pub fn detokenize_with(&self, caller: &Caller, token: &str, options: &DetokenizeOptions) -> Result<String> {
        let open = self.state()?;
        open.tokens.detokenize(&open.engine, caller, token, options)
    }
}
