//! Personal data in free text (a log line, a prompt for a language model): finding emails, phone
//! numbers (the core's phone rules, with the vault's default region for national numbers), card
//! numbers (12–19 digits, spaces or dashes allowed, Luhn-checked) and listed literal values, and
//! the typed placeholders `[EMAIL:token]`, `[PHONE:token]`, `[CARD:token]`, `[VALUE:token]` that
//! replace them; and `tokenize_text` / `detokenize_text`, which write and read them.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use zeroize::Zeroizing;

use super::format::{self, luhn_valid, OsRandom, TokenKind};
use super::types::{DetokenizeOptions, TextOptions, TokenizeOptions};
use super::{Prepared, Tokens};
use crate::audit::action::Action;
use crate::caller::Caller;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::normalize::{normalize, Region, Rule};

/// What a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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

/// A span of the text to replace, and the tag of its placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) tag: &'static str,
}

fn email_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)+")
            .expect("email pattern")
    })
}

fn card_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\b\d(?:[ \-]?\d){11,18}\b").expect("card pattern"))
}

fn phone_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // A run of digits with the separators phone numbers are written with, at least 7 digits.
    RE.get_or_init(|| Regex::new(r"(?:\+|\b)\d(?:[ \-./()]{0,2}\d){6,16}\b").expect("phone pattern"))
}

/// Dates and times look like phone numbers to a phone parser: never taken for one.
fn date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?)$")
            .expect("date pattern")
    })
}

fn token_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\[(EMAIL|PHONE|CARD|VALUE):([A-Za-z0-9]{22})\]").expect("placeholder pattern"))
}

/// Where `text` holds personal data of the kinds in `detect` or one of `values`. Spans do not
/// overlap: listed values win, then emails, then cards, then phone numbers.
pub(crate) fn find(text: &str, detect: &[Detect], values: &[String], region: Option<Region>) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let add = |found: Found, out: &mut Vec<Found>| {
        if !out.iter().any(|f| f.start < found.end && found.start < f.end) {
            out.push(found);
        }
    };
    for value in values.iter().filter(|v| !v.is_empty()) {
        for (start, m) in text.match_indices(value.as_str()) {
            add(Found { start, end: start + m.len(), tag: "VALUE" }, &mut out);
        }
    }
    if detect.contains(&Detect::Email) {
        for m in email_re().find_iter(text) {
            if normalize("text", Rule::Email, m.as_str(), None).is_ok() {
                add(Found { start: m.start(), end: m.end(), tag: "EMAIL" }, &mut out);
            }
        }
    }
    if detect.contains(&Detect::Card) {
        for m in card_re().find_iter(text) {
            let digits: Vec<u8> = m.as_str().bytes().filter(u8::is_ascii_digit).collect();
            if (12..=19).contains(&digits.len()) && luhn_valid(&digits) {
                add(Found { start: m.start(), end: m.end(), tag: "CARD" }, &mut out);
            }
        }
    }
    if detect.contains(&Detect::Phone) {
        for m in phone_re().find_iter(text) {
            if !date_re().is_match(m.as_str()) && normalize("text", Rule::Phone, m.as_str(), region).is_ok() {
                add(Found { start: m.start(), end: m.end(), tag: "PHONE" }, &mut out);
            }
        }
    }
    out.sort_by_key(|f| f.start);
    out
}

/// The placeholders in `text`: (start, end, token).
pub(crate) fn placeholders(text: &str) -> Vec<(usize, usize, &str)> {
    token_re()
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            Some((whole.start(), whole.end(), c.get(2)?.as_str()))
        })
        .collect()
}

/// The most literal values `tokenize_text` takes.
const MAX_TEXT_VALUES: usize = 1_000;

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
        let plan = self
            .plan(
                engine,
                &TokenizeOptions {
                    kind: TokenKind::Alphanumeric,
                    deterministic: true,
                    scope: Some(options.scope.clone().unwrap_or_else(|| "text".to_owned())),
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
        engine.write(caller, Action::TextTokenize, None, |tx| {
            let link = Self::resolve_link(engine, caller, tx, options.subject.as_deref())?;
            let mut out = String::with_capacity(input.len());
            let mut events = Vec::new();
            let mut seen = std::collections::HashSet::new();
            let mut rng = OsRandom::new();
            let mut at = 0;
            for f in &found {
                let span = &input[f.start..f.end];
                let normal = text_normal(f.tag, span, self.region)?;
                let tag = f.tag;
                let renormalize = |v: &str| text_normal(tag, v, self.region);
                let (token, _, hash) = self.create_in(
                    engine,
                    tx,
                    &plan,
                    &Prepared { stored: span, normal: &normal, renormalize: &renormalize },
                    link.as_ref(),
                    &mut rng,
                )?;
                if seen.insert(hash) {
                    events.push(Self::event(Action::TextTokenize, link.as_ref().map(|l| (l.id, l.token)), hash));
                }
                out.push_str(&input[at..f.start]);
                out.push('[');
                out.push_str(f.tag);
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
        let max = engine.limits.max_document_bytes;
        if input.len() > max {
            let e = Error::too_large(format!("a text is at most {max} bytes"));
            return Err(engine.refused(caller, Action::TextDetokenize, None, e));
        }
        if options.kind.is_some() || options.alphabet.is_some() || options.scope.is_some() {
            let e = Error::invalid("text placeholders hold vaulted tokens: only mask applies");
            return Err(engine.refused(caller, Action::TextDetokenize, None, e));
        }
        let found = placeholders(input);
        if found.is_empty() {
            return Ok(input.to_owned());
        }
        let tokens: Vec<String> = found.iter().map(|(_, _, t)| (*t).to_owned()).collect();
        let batch = self.detokenize_many_as(engine, caller, Action::TextDetokenize, &tokens, options, false)?;
        let mut out = String::with_capacity(input.len());
        let mut at = 0;
        for ((start, end, _), item) in found.iter().zip(&batch.items) {
            // A placeholder whose token is unknown or expired stays as it is.
            if let Some(value) = &item.value {
                out.push_str(&input[at..*start]);
                out.push_str(value);
                at = *end;
            }
        }
        out.push_str(&input[at..]);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str, values: &[&str]) -> Vec<(String, &'static str)> {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        find(text, &Detect::ALL, &values, crate::normalize::parse_region("DE").ok())
            .into_iter()
            .map(|f| (text[f.start..f.end].to_owned(), f.tag))
            .collect()
    }

    #[test]
    fn finds_each_kind_once() {
        let t = "Ann (ann.lee@example.com, +49 30 901820) paid with 4111 1111 1111 1111; call 030 901820.";
        assert_eq!(
            tags(t, &["Ann"]),
            vec![
                ("Ann".into(), "VALUE"),
                ("ann.lee@example.com".into(), "EMAIL"),
                ("+49 30 901820".into(), "PHONE"),
                ("4111 1111 1111 1111".into(), "CARD"),
                ("030 901820".into(), "PHONE"),
            ]
        );
    }

    #[test]
    fn leaves_what_is_not_personal_data() {
        // Not Luhn-valid, too short for a phone, an order number, a date, a version.
        let t = "order 4111111111111112 at 2026-11-29 (29.11.2026, 11/29/2026), version 1.2.3, 12345 items";
        assert_eq!(tags(t, &[]), vec![]);
    }

    #[test]
    fn placeholders_are_found() {
        let t = "x [EMAIL:abcdefghijklmnopqrstuv] y [CARD:short] [VALUE:ABCDEFGHIJKLMNOPQRSTU1]";
        let p: Vec<&str> = placeholders(t).into_iter().map(|(_, _, tok)| tok).collect();
        assert_eq!(p, vec!["abcdefghijklmnopqrstuv", "ABCDEFGHIJKLMNOPQRSTU1"]);
    }
}
