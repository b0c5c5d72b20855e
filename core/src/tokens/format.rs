//! Token formats: what each kind accepts as a value (checked without echoing it), how a token of
//! each kind is drawn from a byte source (the OS CSPRNG, or a keyed stream for deterministic
//! tokens), the Luhn rule of card-shaped tokens, and masks.
//!
//! Capacities (distinct tokens one prefix/suffix can take) — the card kind keeps `keep_first`
//! and `keep_last` digits of the number and draws the `free` digits between them, one of which
//! is then set so that the token fails the Luhn check (the default: 9 of its 10 values do) or
//! passes it (`luhn_valid`: 1 value does):
//! - card, default: 9 × 10^(free − 1) (16 digits keeping 6 + 4: 900,000 per BIN and last four);
//! - card, `luhn_valid`: 10^(free − 1) (16 digits keeping 6 + 4: 100,000);
//! - numeric: 10^length; alphanumeric: 62^length; uuid, transient: 2^122; email: 2^130 per domain;
//! - fpe: one token per value (a permutation of the value's alphabet and length, at least 10^6).
//!
//! When 32 draws in a row all collide with existing tokens the space is treated as used up:
//! `EXHAUSTED`.

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::crypto::keys::SecretKey;
pub(crate) use crate::crypto::OsRandom;
use crate::error::{Error, Result};
use crate::normalize::{normalize, Rule};

/// The domain of email-shaped tokens that do not keep the value's domain (`.invalid` is reserved
/// by RFC 2606: mail to it can never be delivered).
pub(crate) const TOKEN_DOMAIN: &str = "token.invalid";
/// The longest value accepted (bytes).
pub(crate) const MAX_VALUE_LEN: usize = 4096;
/// The shortest and longest numeric or alphanumeric token.
pub(crate) const MIN_LENGTH: u32 = 6;
pub(crate) const MAX_LENGTH: u32 = 128;

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// A random UUID v4 (122 random bits). The default.
    #[default]
    Uuid,
    /// `length` random letters and digits (default 22: 130 bits).
    Alphanumeric,
    /// `length` random digits (default 38: 126 bits).
    Numeric,
    /// A card number's stand-in: same length, optionally keeping the first 6 and/or last 4
    /// digits; fails the Luhn check unless `luhn_valid`; never equal to the number.
    Card,
    /// An email's stand-in: a random local part (130 bits) at the value's domain (or
    /// `token.invalid` with `keep_domain: false`).
    Email,
    /// A random UUID whose value lives at most one hour (card verification codes).
    Transient,
    /// Format-preserving encryption (NIST SP 800-38G FF1): the token is the value encrypted in
    /// its own alphabet and length, under a key of its scope; nothing is stored (vaultless).
    Fpe,
}

impl TokenKind {
    /// The number stored for the kind. Never renumber.
    pub(crate) const fn number(self) -> i64 {
        match self {
            TokenKind::Uuid => 1,
            TokenKind::Alphanumeric => 2,
            TokenKind::Numeric => 3,
            TokenKind::Card => 4,
            TokenKind::Email => 5,
            TokenKind::Transient => 6,
            TokenKind::Fpe => 7,
        }
    }

    pub(crate) fn from_number(n: i64) -> Result<TokenKind> {
        Ok(match n {
            1 => TokenKind::Uuid,
            2 => TokenKind::Alphanumeric,
            3 => TokenKind::Numeric,
            4 => TokenKind::Card,
            5 => TokenKind::Email,
            6 => TokenKind::Transient,
            7 => TokenKind::Fpe,
            _ => return Err(Error::integrity("a stored token has an unknown kind")),
        })
    }
}

/// The shape of the tokens to draw, checked against the kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    pub(crate) kind: TokenKind,
    pub(crate) length: usize,
    pub(crate) keep_first: usize,
    pub(crate) keep_last: usize,
    pub(crate) luhn_valid: bool,
    pub(crate) keep_domain: bool,
}

impl Shape {
    pub(crate) fn new(
        kind: TokenKind,
        length: Option<u32>,
        keep_first: u32,
        keep_last: u32,
        luhn_valid: bool,
        keep_domain: Option<bool>,
    ) -> Result<Shape> {
        let only = |set: bool, what: &str, kinds: &str| {
            if set {
                Err(Error::invalid(format!("{what} applies only to {kinds} tokens")))
            } else {
                Ok(())
            }
        };
        only(
            length.is_some() && !matches!(kind, TokenKind::Alphanumeric | TokenKind::Numeric),
            "length",
            "alphanumeric and numeric",
        )?;
        only(
            (keep_first > 0 || keep_last > 0 || luhn_valid) && kind != TokenKind::Card,
            "keep_first, keep_last and luhn_valid",
            "card",
        )?;
        only(keep_domain.is_some() && kind != TokenKind::Email, "keep_domain", "email")?;
        if keep_first > 6 || keep_last > 4 {
            return Err(Error::invalid("a card token keeps at most the first 6 and the last 4 digits"));
        }
        let length = match (kind, length) {
            (TokenKind::Alphanumeric, None) => 22,
            (TokenKind::Numeric, None) => 38,
            (_, Some(n)) if !(MIN_LENGTH..=MAX_LENGTH).contains(&n) => {
                return Err(Error::invalid(format!("length must be between {MIN_LENGTH} and {MAX_LENGTH}")));
            }
            (_, n) => n.unwrap_or(0) as usize,
        };
        Ok(Shape {
            kind,
            length,
            keep_first: keep_first as usize,
            keep_last: keep_last as usize,
            luhn_valid,
            keep_domain: keep_domain.unwrap_or(true),
        })
    }
}

/// Check a value for `shape` and bring it to the form that is stored (a card number's digits
/// only, an email trimmed) and the form deterministic tokens are derived from (an email
/// normalised). Errors never contain the value.
pub(crate) fn prepare(shape: &Shape, value: &str) -> Result<(Zeroizing<String>, Zeroizing<String>)> {
    if value.is_empty() {
        return Err(Error::invalid("the value to tokenize is empty"));
    }
    if value.len() > MAX_VALUE_LEN {
        return Err(Error::too_large(format!("a value to tokenize is at most {MAX_VALUE_LEN} bytes")));
    }
    match shape.kind {
        TokenKind::Card => {
            let digits: Zeroizing<String> =
                Zeroizing::new(value.chars().filter(|c| *c != ' ' && *c != '-').collect::<String>());
            if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::invalid("a card number must be 12 to 19 digits (spaces and dashes allowed)"));
            }
            if !luhn_valid(digits.as_bytes()) {
                return Err(Error::invalid("the card number fails the Luhn check"));
            }
            if digits.len() < shape.keep_first + shape.keep_last + 3 {
                return Err(Error::invalid(
                    "keep_first and keep_last leave fewer than 3 digits of this card number to replace",
                ));
            }
            Ok((digits.clone(), digits))
        }
        TokenKind::Email => {
            let normal = Zeroizing::new(normalize("value", Rule::Email, value, None)?);
            Ok((Zeroizing::new(value.trim().to_owned()), normal))
        }
        _ => Ok((Zeroizing::new(value.to_owned()), Zeroizing::new(value.to_owned()))),
    }
}

/// Where a token's bytes come from.
pub(crate) trait Source {
    fn fill(&mut self, buf: &mut [u8]) -> Result<()>;
}

impl Source for OsRandom {
    fn fill(&mut self, out: &mut [u8]) -> Result<()> {
        OsRandom::fill(self, out)
    }
}

/// A deterministic stream: HMAC-SHA256(scope key, "attempt" u32 BE ‖ block u32 BE ‖ value),
/// block after block. The same (scope, value, attempt) always gives the same bytes.
pub(crate) struct Keyed<'a> {
    mac: Hmac<Sha256>,
    value: &'a [u8],
    attempt: u32,
    block: u32,
    buf: Zeroizing<[u8; 32]>,
    used: usize,
}

impl<'a> Keyed<'a> {
    pub(crate) fn new(scope_key: &SecretKey, value: &'a str, attempt: u32) -> Keyed<'a> {
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(scope_key.bytes()).expect("HMAC takes any key length");
        Keyed { mac, value: value.as_bytes(), attempt, block: 0, buf: Zeroizing::new([0; 32]), used: 32 }
    }
}

impl Source for Keyed<'_> {
    fn fill(&mut self, out: &mut [u8]) -> Result<()> {
        for b in out.iter_mut() {
            if self.used == 32 {
                let mut mac = self.mac.clone();
                mac.update(&self.attempt.to_be_bytes());
                mac.update(&self.block.to_be_bytes());
                mac.update(self.value);
                self.buf.copy_from_slice(&mac.finalize().into_bytes());
                self.block += 1;
                self.used = 0;
            }
            *b = self.buf[self.used];
            self.used += 1;
        }
        Ok(())
    }
}

/// `n` symbols of `alphabet` drawn uniformly (rejection sampling of bytes).
fn symbols(src: &mut dyn Source, alphabet: &[u8], n: usize, out: &mut String) -> Result<()> {
    let limit = 256 - (256 % alphabet.len());
    let mut byte = [0u8; 1];
    let mut got = 0;
    while got < n {
        src.fill(&mut byte)?;
        if (byte[0] as usize) < limit {
            out.push(alphabet[byte[0] as usize % alphabet.len()] as char);
            got += 1;
        }
    }
    Ok(())
}

const DIGITS: &[u8] = b"0123456789";
const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE32: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Draw one candidate token of `shape` for the prepared `value`.
pub(crate) fn draw(shape: &Shape, value: &str, src: &mut dyn Source) -> Result<String> {
    let mut out = String::new();
    match shape.kind {
        // FF1 tokens are encrypted, never drawn.
        TokenKind::Fpe => return Err(Error::internal("an fpe token is not drawn")),
        TokenKind::Uuid | TokenKind::Transient => {
            let mut bytes = [0u8; 16];
            src.fill(&mut bytes)?;
            out = crate::ids::format_token(&crate::ids::token_from_random(bytes));
        }
        TokenKind::Alphanumeric => symbols(src, ALPHANUMERIC, shape.length, &mut out)?,
        TokenKind::Numeric => symbols(src, DIGITS, shape.length, &mut out)?,
        TokenKind::Email => {
            symbols(src, BASE32, 26, &mut out)?;
            out.push('@');
            match value.rsplit_once('@') {
                Some((_, domain)) if shape.keep_domain => out.push_str(domain),
                _ => out.push_str(TOKEN_DOMAIN),
            }
        }
        TokenKind::Card => {
            let len = value.len();
            out.push_str(&value[..shape.keep_first]);
            symbols(src, DIGITS, len - shape.keep_first - shape.keep_last, &mut out)?;
            out.push_str(&value[len - shape.keep_last..]);
            let mut digits = out.into_bytes();
            set_luhn(&mut digits, len - shape.keep_last - 1, shape.luhn_valid, src)?;
            out = String::from_utf8(digits).map_err(|_| Error::internal("card token digits"))?;
        }
    }
    Ok(out)
}

/// Whether the drawn part of `token` (all of it but the kept digits of a card and the domain of an
/// email) holds a run of 4 characters of `value`: such a candidate is drawn again, so no token
/// shows a fragment of its value by chance.
pub(crate) fn leaks(shape: &Shape, token: &str, value: &str) -> bool {
    let drawn = match shape.kind {
        TokenKind::Card => &token.as_bytes()[shape.keep_first..token.len() - shape.keep_last],
        TokenKind::Email => token.split('@').next().unwrap_or(token).as_bytes(),
        _ => token.as_bytes(),
    };
    let value = value.as_bytes();
    drawn.windows(4).any(|w| value.windows(4).any(|v| v == w))
}

/// The Luhn check of a digit string.
pub(crate) fn luhn_valid(digits: &[u8]) -> bool {
    luhn_sum(digits) % 10 == 0
}

fn luhn_sum(digits: &[u8]) -> u32 {
    digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum()
}

/// Set the digit at `at` so that the string passes (`valid`) or fails the Luhn check. Every
/// other digit is kept; failing picks one of the 9 failing values uniformly from `src`.
fn set_luhn(digits: &mut [u8], at: usize, valid: bool, src: &mut dyn Source) -> Result<()> {
    let passing = (b'0'..=b'9')
        .find(|&d| {
            digits[at] = d;
            luhn_valid(digits)
        })
        .ok_or_else(|| Error::internal("no Luhn digit"))?;
    if valid {
        digits[at] = passing;
        return Ok(());
    }
    let mut pick = String::new();
    symbols(src, b"123456789", 1, &mut pick)?;
    let offset = pick.as_bytes()[0] - b'0';
    digits[at] = b'0' + (passing - b'0' + offset) % 10;
    Ok(())
}

/// A masked value: every character replaced by `mask` but the first `keep_first` and the last
/// `keep_last` (of an email's local part: the domain is kept).
pub(crate) fn mask(kind: TokenKind, value: &str, keep_first: usize, keep_last: usize, mask: char) -> String {
    let (part, tail) = match (kind, value.rsplit_once('@')) {
        (TokenKind::Email, Some((local, domain))) => (local, Some(domain)),
        _ => (value, None),
    };
    let n = part.chars().count();
    let mut out: String =
        part.chars().enumerate().map(|(i, c)| if i < keep_first || i + keep_last >= n { c } else { mask }).collect();
    if let Some(domain) = tail {
        out.push('@');
        out.push_str(domain);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(kind: TokenKind) -> Shape {
        Shape::new(kind, None, 0, 0, false, None).expect("shape")
    }

    #[test]
    fn luhn_known_numbers() {
        assert!(luhn_valid(b"4111111111111111"));
        assert!(luhn_valid(b"79927398713"));
        assert!(!luhn_valid(b"4111111111111112"));
    }

    #[test]
    fn card_tokens_keep_digits_and_fail_luhn_unless_asked() {
        let pan = "4111111111111111";
        for (first, last, valid) in [(6, 4, false), (6, 4, true), (0, 4, false), (0, 0, false), (6, 0, true)] {
            let s = Shape::new(TokenKind::Card, None, first, last, valid, None).expect("shape");
            let (stored, _) = prepare(&s, "4111 1111-1111 1111").expect("card");
            assert_eq!(stored.as_str(), pan);
            for _ in 0..200 {
                let t = draw(&s, pan, &mut OsRandom::new()).expect("draw");
                assert_eq!(t.len(), 16);
                assert!(t.bytes().all(|b| b.is_ascii_digit()));
                assert_eq!(&t[..first as usize], &pan[..first as usize]);
                assert_eq!(&t[16 - last as usize..], &pan[16 - last as usize..]);
                assert_eq!(luhn_valid(t.as_bytes()), valid, "{first} {last} {valid}");
            }
        }
    }

    #[test]
    fn bad_values_are_refused_without_echo() {
        let card = Shape::new(TokenKind::Card, None, 6, 4, false, None).expect("shape");
        for bad in ["4111111111111112", "41111111111", "4111x11111111111", "", "4111 1111 1111 1111 1111"] {
            let e = prepare(&card, bad).expect_err("bad card");
            assert!(bad.is_empty() || !e.to_string().contains(bad));
        }
        // 12 digits keeping 6 + 4 leaves 2: refused.
        assert!(prepare(&card, "411111111116").is_err());
        assert!(prepare(&shape(TokenKind::Email), "not-an-email").is_err());
        assert!(Shape::new(TokenKind::Uuid, Some(10), 0, 0, false, None).is_err());
        assert!(Shape::new(TokenKind::Numeric, Some(5), 0, 0, false, None).is_err());
        assert!(Shape::new(TokenKind::Card, None, 7, 0, false, None).is_err());
        assert!(Shape::new(TokenKind::Uuid, None, 0, 0, false, Some(true)).is_err());
    }

    #[test]
    fn shapes_of_random_kinds() {
        let t = draw(&shape(TokenKind::Alphanumeric), "x", &mut OsRandom::new()).expect("draw");
        assert_eq!(t.len(), 22);
        assert!(t.bytes().all(|b| b.is_ascii_alphanumeric()));
        let t = draw(&shape(TokenKind::Numeric), "x", &mut OsRandom::new()).expect("draw");
        assert_eq!(t.len(), 38);
        let e = shape(TokenKind::Email);
        let t = draw(&e, "Ann@Example.com", &mut OsRandom::new()).expect("draw");
        assert!(t.ends_with("@Example.com") && t.len() == 26 + 12);
        let hidden = Shape::new(TokenKind::Email, None, 0, 0, false, Some(false)).expect("shape");
        assert!(draw(&hidden, "ann@example.com", &mut OsRandom::new()).expect("draw").ends_with("@token.invalid"));
        assert_eq!(draw(&shape(TokenKind::Uuid), "x", &mut OsRandom::new()).expect("draw").len(), 36);
    }

    #[test]
    fn keyed_streams_repeat_per_attempt_and_differ_between_attempts() {
        let key = SecretKey::from_slice(&[7; 32]).expect("key");
        let s = shape(TokenKind::Alphanumeric);
        let a = draw(&s, "v", &mut Keyed::new(&key, "v", 0)).expect("a");
        assert_eq!(a, draw(&s, "v", &mut Keyed::new(&key, "v", 0)).expect("again"));
        assert_ne!(a, draw(&s, "v", &mut Keyed::new(&key, "v", 1)).expect("next attempt"));
        assert_ne!(a, draw(&s, "w", &mut Keyed::new(&key, "w", 0)).expect("other value"));
    }

    #[test]
    fn leaks_are_runs_of_four_outside_kept_digits() {
        let card = Shape::new(TokenKind::Card, None, 6, 4, false, None).expect("shape");
        assert!(!leaks(&card, "4111119876541111", "4111111111111111"), "kept digits are not a leak");
        assert!(leaks(&card, "4111111111231111", "4111111111111111"), "1111 drawn in the middle");
        let uuid = shape(TokenKind::Uuid);
        assert!(leaks(&uuid, "xx1234xx", "ab1234"));
        assert!(!leaks(&uuid, "xx123xx4", "ab1234"));
        let email = shape(TokenKind::Email);
        assert!(!leaks(&email, "qwertyuiop@example.com", "ann@example.com"), "the kept domain");
    }

    #[test]
    fn masks() {
        assert_eq!(mask(TokenKind::Card, "4111111111111111", 0, 4, '*'), "************1111");
        assert_eq!(mask(TokenKind::Card, "4111111111111111", 6, 4, '*'), "411111******1111");
        assert_eq!(mask(TokenKind::Email, "ann.lee@example.com", 1, 0, '*'), "a******@example.com");
        assert_eq!(mask(TokenKind::Uuid, "abc", 2, 2, '#'), "abc");
    }
}
