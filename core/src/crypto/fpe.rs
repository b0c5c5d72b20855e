//! Format-preserving encryption: NIST SP 800-38G FF1 with AES-256 (the `fpe` crate), over an
//! alphabet of 2 to 256 characters. The ciphertext has the plaintext's length and alphabet, so an
//! FF1 token of a 16-digit number is 16 digits. Domains smaller than 10⁶ values (radix^length)
//! are refused: the 2025 draft revision of SP 800-38G raises the minimum to a million because
//! small domains can be enumerated.

use aes::Aes256;
use fpe::ff1::{FlexibleNumeralString, NumeralString, Operations, FF1};
use zeroize::Zeroize;

use super::keys::SecretKey;
use crate::error::{Error, Result};

/// The smallest domain (radix^length) FF1 accepts here.
pub(crate) const MIN_DOMAIN: u128 = 1_000_000;
/// The longest value (characters).
pub(crate) const MAX_LEN: usize = 256;
/// The largest alphabet.
pub(crate) const MAX_RADIX: usize = 256;

/// An alphabet: its characters in numeral order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Alphabet(Vec<char>);

impl Alphabet {
    /// `digits` (0-9), `hex` (0-9a-f), `lower_alphanumeric` (0-9a-z), `alphanumeric`
    /// (0-9A-Za-z), or the characters of a custom alphabet (2–256, each once).
    pub(crate) fn parse(spec: &str) -> Result<Alphabet> {
        let chars: Vec<char> = match spec {
            "digits" => ('0'..='9').collect(),
            "hex" => ('0'..='9').chain('a'..='f').collect(),
            "lower_alphanumeric" => ('0'..='9').chain('a'..='z').collect(),
            "alphanumeric" => ('0'..='9').chain('A'..='Z').chain('a'..='z').collect(),
            custom => custom.chars().collect(),
        };
        if !(2..=MAX_RADIX).contains(&chars.len()) {
            return Err(Error::invalid(format!(
                "an alphabet is digits, hex, lower_alphanumeric, alphanumeric, or 2 to {MAX_RADIX} characters"
            )));
        }
        let mut seen = chars.clone();
        seen.sort_unstable();
        seen.dedup();
        if seen.len() != chars.len() {
            return Err(Error::invalid("an alphabet holds each character once"));
        }
        Ok(Alphabet(chars))
    }

    fn radix(&self) -> u32 {
        self.0.len() as u32
    }

    fn numerals(&self, value: &str) -> Result<Vec<u16>> {
        let mut out = Vec::with_capacity(value.len());
        for ch in value.chars() {
            match self.0.iter().position(|c| *c == ch) {
                Some(i) => out.push(i as u16),
                None => {
                    out.zeroize();
                    return Err(Error::invalid("the value holds a character outside the alphabet"));
                }
            }
        }
        if out.len() > MAX_LEN {
            out.zeroize();
            return Err(Error::too_large(format!("an FF1 value is at most {MAX_LEN} characters")));
        }
        if power(self.radix(), out.len()) < MIN_DOMAIN {
            out.zeroize();
            return Err(Error::invalid(
                "the value is too short for FF1 in this alphabet: fewer than a million possible values",
            ));
        }
        Ok(out)
    }

    fn text(&self, numerals: &[u16]) -> String {
        numerals.iter().map(|n| self.0[usize::from(*n)]).collect()
    }
}

/// `radix^len`, saturating at `u128::MAX` (only compared against bounds far below it).
fn power(radix: u32, len: usize) -> u128 {
    (0..len).fold(1u128, |acc, _| acc.saturating_mul(u128::from(radix)))
}

/// A numeral string whose halves are small numbers: the crate's FF1 rounds run unchanged, and
/// this type does the NUM/STR arithmetic of each round in `u128` instead of big integers
/// (`radix^v ≤ 2^64` for the longer half `v`, so `b ≤ 8` and `d ≤ 12` bytes and every sum fits).
/// It is the crate's own extension point (`NumeralString`); `FlexibleNumeralString` serves the
/// larger domains, and the tests check the two against each other and against `fpr-ff1`.
struct SmallNumeralString {
    numerals: Vec<u16>,
    radix: u32,
}

/// One half during the rounds: its value and its length in numerals.
struct Half {
    value: u128,
    len: usize,
    radix: u32,
}

/// Up to 16 big-endian bytes.
struct BeBytes {
    buf: [u8; 16],
    len: usize,
}

impl AsRef<[u8]> for BeBytes {
    fn as_ref(&self) -> &[u8] {
        &self.buf[16 - self.len..]
    }
}

impl Drop for BeBytes {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

impl SmallNumeralString {
    /// Whether `len` numerals of `radix` fit this type (both halves below 2^64).
    fn fits(radix: u32, len: usize) -> bool {
        power(radix, len - len / 2) <= 1u128 << 64
    }

    fn half(&self, numerals: &[u16]) -> Half {
        let value = numerals.iter().fold(0u128, |acc, n| acc * u128::from(self.radix) + u128::from(*n));
        Half { value, len: numerals.len(), radix: self.radix }
    }
}

impl Half {
    fn numerals(&self) -> Vec<u16> {
        let mut out = vec![0u16; self.len];
        let mut x = self.value;
        for slot in out.iter_mut().rev() {
            *slot = (x % u128::from(self.radix)) as u16;
            x /= u128::from(self.radix);
        }
        out
    }

    /// The big-endian number `other` reduced mod `modulus` (≤ 2^64), byte by byte: the running
    /// value stays below 2^64, so shifting in a byte never overflows.
    fn reduce(other: impl Iterator<Item = u8>, modulus: u128) -> u128 {
        other.fold(0u128, |acc, byte| ((acc << 8) | u128::from(byte)) % modulus)
    }
}

impl Operations for Half {
    type Bytes = BeBytes;

    fn numeral_count(&self) -> usize {
        self.len
    }

    fn to_be_bytes(&self, _radix: u32, b: usize) -> BeBytes {
        let mut buf = [0u8; 16];
        buf.copy_from_slice(&self.value.to_be_bytes());
        BeBytes { buf, len: b.min(16) }
    }

    fn add_mod_exp(self, other: impl Iterator<Item = u8>, radix: u32, m: usize) -> Half {
        let modulus = power(radix, m);
        let value = (self.value % modulus + Half::reduce(other, modulus)) % modulus;
        Half { value, len: m, radix }
    }

    fn sub_mod_exp(self, other: impl Iterator<Item = u8>, radix: u32, m: usize) -> Half {
        let modulus = power(radix, m);
        let value = (self.value % modulus + modulus - Half::reduce(other, modulus)) % modulus;
        Half { value, len: m, radix }
    }
}

impl NumeralString for SmallNumeralString {
    type Ops = Half;

    fn is_valid(&self, radix: u32) -> bool {
        radix == self.radix && self.numerals.iter().all(|n| u32::from(*n) < radix)
    }

    fn numeral_count(&self) -> usize {
        self.numerals.len()
    }

    fn split(&self) -> (Half, Half) {
        let u = self.numerals.len() / 2;
        (self.half(&self.numerals[..u]), self.half(&self.numerals[u..]))
    }

    fn concat(a: Half, b: Half) -> SmallNumeralString {
        let radix = a.radix;
        let mut numerals = a.numerals();
        numerals.extend(b.numerals());
        SmallNumeralString { numerals, radix }
    }
}

impl Drop for SmallNumeralString {
    fn drop(&mut self) {
        self.numerals.zeroize();
    }
}

fn run(key: &SecretKey, alphabet: &Alphabet, tweak: &[u8], value: &str, encrypt: bool) -> Result<String> {
    let ff1 = FF1::<Aes256>::new(key.bytes(), alphabet.radix()).map_err(|_| Error::internal("FF1 radix"))?;
    let numerals = alphabet.numerals(value)?;
    let refused = |_| Error::internal("FF1 refused a checked numeral string");
    let mut out: Vec<u16> = if SmallNumeralString::fits(alphabet.radix(), numerals.len()) {
        let input = SmallNumeralString { numerals, radix: alphabet.radix() };
        let result = if encrypt { ff1.encrypt(tweak, &input) } else { ff1.decrypt(tweak, &input) };
        std::mem::take(&mut result.map_err(refused)?.numerals)
    } else {
        let input = FlexibleNumeralString::from(numerals);
        let result = if encrypt { ff1.encrypt(tweak, &input) } else { ff1.decrypt(tweak, &input) };
        let mut plain: Vec<u16> = input.into();
        plain.zeroize();
        result.map_err(refused)?.into()
    };
    let text = alphabet.text(&out);
    out.zeroize();
    Ok(text)
}

/// FF1-encrypt `value` (every character in `alphabet`) under `key` with `tweak`.
pub(crate) fn encrypt(key: &SecretKey, alphabet: &Alphabet, tweak: &[u8], value: &str) -> Result<String> {
    run(key, alphabet, tweak, value, true)
}

/// FF1-decrypt `token` (every character in `alphabet`) under `key` with `tweak`.
pub(crate) fn decrypt(key: &SecretKey, alphabet: &Alphabet, tweak: &[u8], token: &str) -> Result<String> {
    run(key, alphabet, tweak, token, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(hex_key: &str) -> SecretKey {
        SecretKey::from_slice(&hex::decode(hex_key).expect("hex")).expect("32 bytes")
    }

    const NIST_KEY: &str = "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94";

    /// NIST SP 800-38G FF1 samples 7, 8 and 9 (AES-256) — the published examples, bypassing
    /// only the million-value domain rule where a sample's domain is smaller (none is).
    #[test]
    fn nist_ff1_aes256_samples() {
        let k = key(NIST_KEY);
        let digits = Alphabet::parse("digits").expect("digits");
        assert_eq!(encrypt(&k, &digits, b"", "0123456789").expect("7"), "6657667009");
        let tweak = hex::decode("39383736353433323130").expect("hex");
        assert_eq!(encrypt(&k, &digits, &tweak, "0123456789").expect("8"), "1001623463");
        let base36 = Alphabet::parse("lower_alphanumeric").expect("36");
        let tweak = hex::decode("3737373770717273373737").expect("hex");
        assert_eq!(encrypt(&k, &base36, &tweak, "0123456789abcdefghi").expect("9"), "xs8a0azh2avyalyzuwd");
        assert_eq!(decrypt(&k, &base36, &tweak, "xs8a0azh2avyalyzuwd").expect("9 back"), "0123456789abcdefghi");
    }

    /// A second, independent implementation agrees on 10,000 random inputs (radix 10, 16, 36, 62 and a
    /// custom alphabet; random keys, lengths and tweaks), and each round-trips.
    #[test]
    fn agrees_with_fpr_ff1() {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        for spec in ["digits", "hex", "lower_alphanumeric", "alphanumeric", "ABCDEFGHJK-_"] {
            let alphabet = Alphabet::parse(spec).expect("alphabet");
            for _ in 0..2_000 {
                let raw: Vec<u8> = (0..32).map(|_| next(256) as u8).collect();
                let k = SecretKey::from_slice(&raw).expect("key");
                let len = 6 + next(40);
                let value: String = (0..len).map(|_| alphabet.0[next(alphabet.0.len())]).collect();
                let tweak: Vec<u8> = (0..next(12)).map(|_| next(256) as u8).collect();
                let ours = encrypt(&k, &alphabet, &tweak, &value).expect("ours");
                let numerals = alphabet.numerals(&value).expect("numerals");
                let other = fpr_ff1::FF1::new(&raw, alphabet.radix())
                    .expect("fpr-ff1")
                    .encrypt_numerals(&numerals, Some(tweak.as_slice()))
                    .expect("encrypt");
                assert_eq!(ours, alphabet.text(&other), "{spec} {len}");
                assert_eq!(decrypt(&k, &alphabet, &tweak, &ours).expect("back"), value);
            }
        }
    }

    /// The u128 numeral strings and the crate's big-integer ones give the same ciphertexts, at
    /// every length on both sides of the switch between them.
    #[test]
    fn small_and_flexible_numeral_strings_agree() {
        let k = key(NIST_KEY);
        for (spec, lens) in [("digits", 6..45), ("alphanumeric", 4..30), ("ABC", 13..90)] {
            let alphabet = Alphabet::parse(spec).expect("alphabet");
            let ff1 = FF1::<Aes256>::new(k.bytes(), alphabet.radix()).expect("ff1");
            for len in lens {
                let value: String = (0..len).map(|i| alphabet.0[(i * 7 + len) % alphabet.0.len()]).collect();
                let Ok(numerals) = alphabet.numerals(&value) else { continue };
                let flexible: Vec<u16> =
                    ff1.encrypt(b"tweak", &FlexibleNumeralString::from(numerals.clone())).expect("big").into();
                if SmallNumeralString::fits(alphabet.radix(), len) {
                    let small = ff1
                        .encrypt(b"tweak", &SmallNumeralString { numerals: numerals.clone(), radix: alphabet.radix() })
                        .expect("small");
                    assert_eq!(small.numerals, flexible, "{spec} {len}");
                }
                assert_eq!(encrypt(&k, &alphabet, b"tweak", &value).expect("ours"), alphabet.text(&flexible));
            }
        }
    }

    #[test]
    fn small_domains_and_foreign_characters_are_refused() {
        let k = key(NIST_KEY);
        let digits = Alphabet::parse("digits").expect("digits");
        assert!(encrypt(&k, &digits, b"", "12345").is_err(), "10^5 values");
        assert!(encrypt(&k, &digits, b"", "123456").is_ok(), "10^6 values");
        assert!(encrypt(&k, &digits, b"", "12345a").is_err());
        assert!(Alphabet::parse("aa").is_err());
        assert!(Alphabet::parse("a").is_err());
        let two = Alphabet::parse("01").expect("binary");
        assert!(encrypt(&k, &two, b"", &"1".repeat(19)).is_err(), "2^19 < 10^6");
        assert!(encrypt(&k, &two, b"", &"1".repeat(20)).is_ok(), "2^20 > 10^6");
    }
}
