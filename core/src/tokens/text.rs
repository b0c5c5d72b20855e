//! Personal data in free text (a log line, a prompt for a language model): finding emails, phone
//! numbers (the core's phone rules, with the vault's default region for national numbers), card
//! numbers (12–19 digits, spaces or dashes allowed, Luhn-checked) and listed literal values, and
//! the typed placeholders `[EMAIL:token]`, `[PHONE:token]`, `[CARD:token]`, `[VALUE:token]` that
//! replace them; and `tokenize_text` / `detokenize_text`, which write and read them.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use zeroize::Zeroizing;

use std::collections::HashMap;

use super::detect::{find, MIN_VALUE_CHARS};
use super::format::{self, OsRandom, TokenKind};
use super::types::{DetokenizeOptions, TextOptions, TokenizeOptions};
use super::{Prepared, Tokens};
use crate::action::Action;
use crate::caller::Caller;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::normalize::{normalize, Region, Rule};

/// What a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Detect {
    /// Email addresses.
    Email,
    /// Phone numbers valid under the core's rules.
    Phone,
    /// Card numbers (Luhn-valid, 12–19 digits).
    Card,
}

impl Detect {
    pub(crate) const ALL: [Detect; 3] = [Detect::Email, Detect::Phone, Detect::Card];
}

fn token_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\[(EMAIL|PHONE|CARD|VALUE):([A-Za-z0-9]{22})\]").expect("placeholder pattern"))
}

/// A placeholder found in a text: where, its tag and its token.
pub(crate) struct Placeholder<'t> {
    start: usize,
    end: usize,
    tag: &'static str,
    token: &'t str,
}

/// The placeholders in `text`.
pub(crate) fn placeholders(text: &str) -> Vec<Placeholder<'_>> {
    token_re()
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let written = c.get(1)?.as_str();
            let tag = TAGS.iter().find(|t| **t == written)?;
            Some(Placeholder { start: whole.start(), end: whole.end(), tag, token: c.get(2)?.as_str() })
        })
        .collect()
}

/// The placeholder tags.
const TAGS: [&str; 4] = ["EMAIL", "PHONE", "CARD", "VALUE"];

/// The stored flag of a text token's tag (sealed with the value, so it cannot be edited): a
/// placeholder is read back only under the tag it was made with.
pub(super) fn tag_flag(tag: &str) -> i64 {
    match tag {
        "EMAIL" => 8,
        "PHONE" => 16,
        "CARD" => 32,
        _ => 64,
    }
}

/// Every tag's flag.
pub(super) const TAG_FLAGS: i64 = 8 | 16 | 32 | 64;

/// What a placeholder's token must be to be read back by `detokenize_text`: a deterministic
/// alphanumeric token of the given text scope, made for the placeholder's tag.
pub(super) struct TextToken<'a> {
    pub(super) scope: &'a str,
    pub(super) tag: &'static str,
    /// The scope's deterministic key (tokens made before tags were stored are recognised by
    /// deriving the token again).
    pub(super) scope_key: &'a crate::crypto::keys::SecretKey,
}

impl TextToken<'_> {
    /// Whether a stored token row can be this placeholder's (before its value is read).
    pub(super) fn admits(&self, row: &super::store::TokenRow) -> bool {
        let tagged = row.flags & TAG_FLAGS;
        row.scope == self.scope
            && row.flags & super::DETERMINISTIC != 0
            && row.kind == TokenKind::Alphanumeric.number()
            && (tagged == 0 || tagged == tag_flag(self.tag))
    }

    /// Whether a token made before tags were stored (no tag flag) was made for this tag: the
    /// token derived again from the value under this tag must be the one held (its `hash`).
    pub(super) fn derives(
        &self,
        tokens: &super::Tokens,
        row: &super::store::TokenRow,
        value: &str,
        region: Option<Region>,
    ) -> bool {
        if row.flags & TAG_FLAGS != 0 {
            return true;
        }
        let Ok(normal) = text_normal(self.tag, value, region) else { return false };
        let Ok(shape) = format::Shape::new(TokenKind::Alphanumeric, None, 0, 0, false, None) else { return false };
        (0..super::MAX_DRAWS).any(|attempt| {
            format::draw(&shape, &normal, &mut format::Keyed::new(self.scope_key, &normal, attempt))
                .is_ok_and(|t| tokens.hash.index(&t) == row.hash)
        })
    }
}

/// The most literal values `tokenize_text` takes.
const MAX_TEXT_VALUES: usize = 1_000;
/// The scope of text tokens when the caller names none.
const TEXT_SCOPE: &str = "text";

/// A free-text value in the form deterministic tokens are derived from: an email lower-cased, a
/// phone number in E.164, a card number's digits; the tag keeps kinds apart.
fn text_normal(tag: &str, value: &str, region: Option<Region>) -> Result<Zeroizing<String>> {
    let normal = match tag {
        "EMAIL" => normalize("text", Rule::Email, value, None)?,
        "PHONE" => normalize("text", Rule::Phone, value, region)?,
        "CARD" => value.chars().filter(char::is_ascii_digit).collect(),
        _ => value.to_owned(),
    };
    Ok(Zeroizing::new(format!("{tag}:{normal}")))
}

/// The normal forms a call has vaulted, with their tokens (the normal forms are personal data:
/// wiped when dropped).
#[derive(Default)]
struct Made(HashMap<String, String>);

impl Drop for Made {
    fn drop(&mut self) {
        for (mut normal, _) in self.0.drain() {
            zeroize::Zeroize::zeroize(&mut normal);
        }
    }
}

impl Tokens {
    pub(crate) fn tokenize_text(
        &self,
        engine: &Engine,
        caller: &Caller,
        input: &str,
        options: &TextOptions,
    ) -> Result<String> {
        let refuse = |e| engine.refused(caller, Action::TextTokenize, None, e);
        let max = engine.limits.max_document_bytes;
        if input.len() > max {
            return Err(refuse(Error::too_large(format!("a text is at most {max} bytes"))));
        }
        if options.values.len() > MAX_TEXT_VALUES {
            return Err(refuse(Error::too_large(format!("at most {MAX_TEXT_VALUES} values"))));
        }
        if options.values.iter().any(|v| v.len() > format::MAX_VALUE_LEN) {
            return Err(refuse(Error::too_large(format!("a value is at most {} bytes", format::MAX_VALUE_LEN))));
        }
        if options.values.iter().any(|v| v.chars().count() < MIN_VALUE_CHARS) {
            let e = Error::invalid(format!("a listed value is at least {MIN_VALUE_CHARS} characters"));
            return Err(refuse(e));
        }
        let mut plan = self
            .plan(
                engine,
                &TokenizeOptions {
                    kind: TokenKind::Alphanumeric,
                    deterministic: true,
                    scope: Some(options.scope.clone().unwrap_or_else(|| TEXT_SCOPE.to_owned())),
                    ttl_ms: options.ttl_ms,
                    subject: options.subject.clone(),
                    ..TokenizeOptions::default()
                },
            )
            .map_err(refuse)?;
        let detect = options.detect.as_deref().unwrap_or(&Detect::ALL);
        let found = find(input, detect, &options.values, self.region);
        if found.is_empty() {
            return Ok(input.to_owned());
        }
        if found.len() > engine.limits.max_batch {
            let e = Error::too_large(format!(
                "the text holds more than {} items of personal data (max_batch): split it",
                engine.limits.max_batch
            ));
            return Err(refuse(e));
        }
        let flags = plan.flags;
        engine.write(caller, Action::TextTokenize, None, |tx| {
            let link = Self::resolve_link(engine, caller, tx, options.subject.as_deref())?;
            let mut out = String::with_capacity(input.len());
            let mut events = Vec::new();
            // One token per distinct (tag, normal form) in this text: a value repeated down a
            // log is vaulted and audited once.
            let mut made = Made::default();
            let mut rng = OsRandom::new();
            let mut at = 0;
            for f in &found {
                let span = &input[f.start..f.end];
                // A merged span that is no longer an email (or phone) as a whole is a value.
                let (tag, normal) = match text_normal(f.tag, span, self.region) {
                    Ok(normal) => (f.tag, normal),
                    Err(_) => ("VALUE", text_normal("VALUE", span, self.region)?),
                };
                let token = match made.0.get(normal.as_str()) {
                    Some(token) => token.clone(),
                    None => {
                        let renormalize = |v: &str| text_normal(tag, v, self.region);
                        plan.flags = flags | tag_flag(tag);
                        let (token, _, hash) = self.create_in(
                            engine,
                            tx,
                            &plan,
                            &Prepared { stored: span, normal: &normal, renormalize: &renormalize },
                            link.as_ref(),
                            &mut rng,
                        )?;
                        events.push(Self::event(Action::TextTokenize, link.as_ref().map(|l| (l.id, l.token)), hash));
                        made.0.insert(normal.to_string(), token.clone());
                        token
                    }
                };
                out.push_str(&input[at..f.start]);
                out.push('[');
                out.push_str(tag);
                out.push(':');
                out.push_str(&token);
                out.push(']');
                at = f.end;
            }
            out.push_str(&input[at..]);
            Ok((out, events))
        })
    }

    pub(crate) fn detokenize_text(
        &self,
        engine: &Engine,
        caller: &Caller,
        input: &str,
        options: &DetokenizeOptions,
    ) -> Result<String> {
        let refuse = |e| engine.refused(caller, Action::TextDetokenize, None, e);
        let max = engine.limits.max_document_bytes;
        if input.len() > max {
            return Err(refuse(Error::too_large(format!("a text is at most {max} bytes"))));
        }
        if options.kind.is_some() || options.alphabet.is_some() {
            return Err(refuse(Error::invalid(
                "text placeholders hold vaulted tokens: only mask and the text scope apply",
            )));
        }
        let scope = options.scope.as_deref().unwrap_or(TEXT_SCOPE);
        super::check_scope(scope).map_err(refuse)?;
        let found = placeholders(input);
        if found.is_empty() {
            return Ok(input.to_owned());
        }
        if found.len() > engine.limits.max_batch {
            let e = Error::too_large(format!(
                "the text holds more than {} placeholders (max_batch)",
                engine.limits.max_batch
            ));
            return Err(refuse(e));
        }
        let scope_key = self.scope_key(engine, scope);
        let tokens: Vec<String> = found.iter().map(|p| p.token.to_owned()).collect();
        let expected: Vec<TextToken<'_>> =
            found.iter().map(|p| TextToken { scope, tag: p.tag, scope_key: &scope_key }).collect();
        let batch = self.detokenize_many_as(
            engine,
            caller,
            (Action::TextDetokenize, Some(&expected)),
            &tokens,
            &DetokenizeOptions { mask: options.mask.clone(), ..DetokenizeOptions::default() },
            false,
        )?;
        let mut out = String::with_capacity(input.len());
        let mut at = 0;
        for (p, item) in found.iter().zip(&batch.items) {
            // A placeholder whose token is unknown, expired, of another scope or tag, or that the
            // purpose may not read stays as it is.
            if let Some(value) = &item.value {
                out.push_str(&input[at..p.start]);
                out.push_str(value);
                at = p.end;
            }
        }
        out.push_str(&input[at..]);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_with_their_tags() {
        let t = "x [EMAIL:abcdefghijklmnopqrstuv] y [CARD:short] [VALUE:ABCDEFGHIJKLMNOPQRSTU1] [SSN:ABCDEFGHIJKLMNOPQRSTU1]";
        let p: Vec<(&str, &str)> = placeholders(t).into_iter().map(|p| (p.tag, p.token)).collect();
        assert_eq!(p, vec![("EMAIL", "abcdefghijklmnopqrstuv"), ("VALUE", "ABCDEFGHIJKLMNOPQRSTU1")]);
    }
}
