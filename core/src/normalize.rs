//! Normalisation of identity values before they are indexed: the same person typed two ways
//! must produce the same blind index, and two different people never the same. Errors name the
//! field, never the value.
//!
//! Exactly (the shared vectors pin it for every language):
//! - **email**: trim Unicode whitespace, Unicode NFKC, then lower-case (Unicode default case
//!   mapping). Then it must be `local@domain` with exactly one `@`; a local part of 1–64 bytes
//!   without whitespace or control characters; a domain of at most 253 bytes made of at least two
//!   dot-separated labels of 1–63 characters each, letters (any script, for IDN), digits and `-`,
//!   not starting or ending with `-`. NFKC folds compatibility forms (the Kelvin sign `K` is `k`,
//!   full-width letters are ASCII) so that look-alike spellings cannot become a second account.
//! - **phone**: parsed with libphonenumber's metadata (the vault's default region for numbers
//!   without `+`), valid for its region, written in E.164.
//! - **login** and configured fields: trim, then Unicode NFC (composed and decomposed spellings
//!   of one name are one value); case is kept.

pub(crate) use phonenumber::country::Id as Region;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// Longest normalised value accepted for any indexed field, in bytes.
const MAX_VALUE_BYTES: usize = 320;

/// How the values of an indexed field are normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Trimmed, NFKC, lower-cased; must be `local@domain` (see the module docs).
    Email,
    /// Parsed as a phone number (with the vault's default region for numbers without `+`),
    /// must be a valid number, stored in E.164.
    Phone,
    /// Trimmed and NFC; must not be empty. Used for `login` and configured fields.
    Trimmed,
}

impl Rule {
    /// The rule for a top-level field name.
    pub(crate) fn for_field(field: &str) -> Rule {
        match field {
            "email" => Rule::Email,
            "phone" => Rule::Phone,
            _ => Rule::Trimmed,
        }
    }
}

/// Parse a default region code such as `"DE"` or `"US"`.
pub(crate) fn parse_region(code: &str) -> Result<Region> {
    code.trim()
        .to_ascii_uppercase()
        .parse::<Region>()
        .map_err(|_| Error::invalid("default_region is not a known ISO 3166 region code"))
}

/// The normalised form of `value` of the indexed field `field`.
pub(crate) fn normalize(field: &str, rule: Rule, value: &str, region: Option<Region>) -> Result<String> {
    let out = match rule {
        Rule::Email => email(field, value)?,
        Rule::Phone => phone(field, value, region)?,
        Rule::Trimmed => {
            let t = value.trim();
            if t.is_empty() {
                return Err(Error::invalid(format!("field '{field}' is empty")));
            }
            if t.len() > 4 * MAX_VALUE_BYTES {
                return Err(Error::too_large(format!("field '{field}' is longer than {MAX_VALUE_BYTES} bytes")));
            }
            // ASCII text is already in NFC (and NFKC): skip the normaliser's decomposition pass.
            if t.is_ascii() {
                t.to_owned()
            } else {
                t.nfc().collect()
            }
        }
    };
    if out.len() > MAX_VALUE_BYTES {
        return Err(Error::too_large(format!("field '{field}' is longer than {MAX_VALUE_BYTES} bytes")));
    }
    Ok(out)
}

fn email(field: &str, value: &str) -> Result<String> {
    let bad = || Error::invalid(format!("field '{field}' is not a valid email address"));
    let trimmed = value.trim();
    // Bound the work before normalising (NFKC can lengthen text a little, never a lot).
    if trimmed.len() > 4 * MAX_VALUE_BYTES {
        return Err(Error::too_large(format!("field '{field}' is longer than {MAX_VALUE_BYTES} bytes")));
    }
    let v: String = if trimmed.is_ascii() {
        trimmed.to_ascii_lowercase()
    } else {
        trimmed.nfkc().collect::<String>().to_lowercase()
    };
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    let local_ok =
        !local.is_empty() && local.len() <= 64 && !local.chars().any(|c| c.is_whitespace() || c.is_control());
    if !local_ok || !valid_domain(domain) {
        return Err(bad());
    }
    Ok(v)
}

/// At least two dot-separated labels of 1–63 letters, digits or `-` (not at either end).
fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            let n = l.chars().count();
            (1..=63).contains(&n)
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

fn phone(field: &str, value: &str, region: Option<Region>) -> Result<String> {
    let bad = || Error::invalid(format!("field '{field}' is not a valid phone number"));
    let trimmed = value.trim();
    // The parser has its own length limit, but bound the work before calling it.
    if trimmed.is_empty() || trimmed.len() > 64 {
        return Err(bad());
    }
    // The default region is for numbers written without `+` only: the parser lets a region strip
    // a national prefix even from an international number, so "+992 000 161024" would parse one
    // way with a default region and another way without, and a normal form would not normalise
    // to itself. The parser also starts at a `+` after leading junk ("e+7 008…"), so any `+`
    // makes the number international (both found by fuzzing).
    let region = if trimmed.contains('+') { None } else { region };
    let number = phonenumber::parse(region, trimmed).map_err(|_| bad())?;
    if !is_valid(&number) {
        return Err(bad());
    }
    // E.164 is "+", the country code, then the national significant number (with any leading
    // zeros it keeps, as in Italy) — built from the parsed parts, which is what the crate's E.164
    // formatter does, without its generic formatting machinery.
    let national = number.national();
    let zeros = "0".repeat(usize::from(national.zeros()));
    let e164 = format!("+{}{zeros}{}", number.code().value(), national.value());
    // The normal form must normalise to itself, or a number stored in one spelling could not be
    // found by its E.164 form. The parser's region rules (national prefixes, carrier codes,
    // leading junk) do not guarantee it for every input (fuzzing found several), so an input that
    // is not already in E.164 (give or take spaces, dashes, dots, slashes and parentheses) is
    // accepted only if its E.164 form parses back, without a region, to the same valid number.
    if !spells(trimmed, &e164) {
        let again = phonenumber::parse(None, &e164).map_err(|_| bad())?;
        let same = again.code().value() == number.code().value()
            && again.national().value() == national.value()
            && again.national().zeros() == national.zeros();
        if !same || !is_valid(&again) {
            return Err(bad());
        }
    }
    Ok(e164)
}

/// Whether `text` is `e164` with only visual separators added.
fn spells(text: &str, e164: &str) -> bool {
    let mut kept = text.bytes().filter(|b| !matches!(b, b' ' | b'-' | b'.' | b'/' | b'(' | b')'));
    e164.bytes().all(|b| kept.next() == Some(b)) && kept.next().is_none()
}

/// One number type's pattern of a region: the lengths it allows and its compiled regex.
struct TypePattern {
    lengths: Vec<u16>,
    regex: regex::Regex,
}

impl TypePattern {
    fn new(d: &phonenumber::metadata::Descriptor) -> Option<TypePattern> {
        // Anchored at the start: "some match starts at 0" is the crate's test (the leftmost
        // match starts at 0 exactly when one does), answered without a reverse search for the
        // start. The newline ends the pattern's last line in whitespace-insensitive mode.
        let anchored = format!("^(?:{}\n)", d.national_number().as_str());
        let regex = regex::RegexBuilder::new(&anchored).ignore_whitespace(true).build().ok()?;
        Some(TypePattern { lengths: d.possible_length().to_vec(), regex })
    }

    /// The same test as `phonenumber`'s `Descriptor::is_match` (a match starting at 0).
    fn is_match(&self, national: &str) -> bool {
        (self.lengths.is_empty() || self.lengths.contains(&(national.len() as u16))) && self.regex.is_match(national)
    }
}

/// A region's general pattern and the patterns of its number types.
struct RegionPatterns {
    general: TypePattern,
    types: Vec<TypePattern>,
}

/// The compiled patterns of a region's metadata, compiled on first use and kept.
fn patterns(meta: &phonenumber::Metadata) -> Option<std::sync::Arc<RegionPatterns>> {
    use std::collections::HashMap;
    use std::sync::{Arc, OnceLock, RwLock};
    static COMPILED: OnceLock<RwLock<HashMap<usize, Option<Arc<RegionPatterns>>>>> = OnceLock::new();

    let key = meta as *const phonenumber::Metadata as usize; // the database is a process-wide static
    let cache = COMPILED.get_or_init(Default::default);
    if let Some(found) = cache.read().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return found.clone();
    }
    let d = meta.descriptors();
    let compiled = TypePattern::new(d.general()).map(|general| {
        let kinds = [
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
            d.fixed_line(),
            d.mobile(),
        ];
        Arc::new(RegionPatterns { general, types: kinds.into_iter().flatten().filter_map(TypePattern::new).collect() })
    });
    cache.write().unwrap_or_else(|p| p.into_inner()).insert(key, compiled.clone());
    compiled
}

/// The national number matches the region's general pattern and one of its types' patterns.
fn has_type(meta: &phonenumber::Metadata, national: &str) -> bool {
    patterns(meta).is_some_and(|p| p.general.is_match(national) && p.types.iter().any(|t| t.is_match(national)))
}

/// A phone number written nationally (no `+`), as `region` formats it nationally: what
/// free-text detection compares a candidate's grouping with. `None` when it is not a valid
/// number (by the rules of [`normalize`]).
pub(crate) fn phone_national(value: &str, region: Region) -> Option<String> {
    phone("text", value, Some(region)).ok()?;
    let number = phonenumber::parse(Some(region), value.trim()).ok()?;
    Some(phonenumber::format(&number).mode(phonenumber::Mode::National).to_string())
}

/// A region's national prefix (`0` in much of Europe, `1` in North America), and whether its
/// national format writes it (Germany's `030 901820` does, North America's `(415) 555-2671`
/// does not): then a number written nationally without it is not written as people there
/// write one. Read from the metadata once per region.
pub(crate) fn national_prefix(region: Region) -> Option<(&'static str, bool)> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    /// A region's national prefix and whether its national format writes it.
    type Prefix = Option<(&'static str, bool)>;
    static CACHE: OnceLock<Mutex<HashMap<String, Prefix>>> = OnceLock::new();
    let key: &str = region.as_ref();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(known) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(key) {
        return *known;
    }
    let db = &*phonenumber::metadata::DATABASE;
    let found = db.by_id(key).and_then(|meta| {
        let prefix: &'static str = meta.national_prefix()?;
        let example = meta.descriptors().fixed_line().and_then(|d| d.example())?;
        let number = phonenumber::parse(Some(region), example).ok()?;
        let national = phonenumber::format(&number).mode(phonenumber::Mode::National).to_string();
        Some((prefix, national.trim_start_matches('(').starts_with(prefix)))
    });
    cache.lock().unwrap_or_else(|p| p.into_inner()).insert(key.to_owned(), found);
    found
}

/// Whether a parsed number is valid, by exactly `phonenumber::is_valid`'s rule (pick the region
/// of the country code — by leading digits or by type when several share it — then the national
/// number must match the region's general pattern and one of its number types' patterns, from
/// libphonenumber's metadata). The crate evaluates those patterns through one process-wide,
/// mutex-guarded regex cache of 100 entries keyed by pattern text, which made validation the
/// largest single cost of creating a subject; here each region's patterns are compiled once.
/// `tests::validity_agrees_with_libphonenumber` checks that the two agree.
fn is_valid(number: &phonenumber::PhoneNumber) -> bool {
    let db = &*phonenumber::metadata::DATABASE;
    let code = number.code().value();
    let national = number.national().to_string();
    let Some(regions) = db.region(&code) else { return false };
    let meta = match regions.as_slice() {
        ["001"] => db.by_code(&code).and_then(|m| m.into_iter().next()),
        [one] => db.by_id(*one),
        many => many.iter().filter_map(|r| db.by_id(*r)).find(|meta| match meta.leading_digits() {
            Some(leading) => leading.find(&national).is_some_and(|m| m.start() == 0),
            None => has_type(meta, &national),
        }),
    };
    meta.is_some_and(|meta| has_type(meta, &national))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        let n = |v| normalize("email", Rule::Email, v, None);
        assert_eq!(n("  Ann.Lee@Example.COM ").expect("ok"), "ann.lee@example.com");
        // The Kelvin sign and full-width letters fold to ASCII; decomposed and composed accents
        // are one spelling.
        assert_eq!(n("\u{212A}im@example.com").expect("ok"), "kim@example.com");
        assert_eq!(n("\u{FF41}nn@example.com").expect("ok"), "ann@example.com");
        assert_eq!(n("Jo\u{0308}rg@example.de").expect("ok"), n("J\u{00F6}rg@example.de").expect("ok"));
        assert_eq!(n("ann@bücher.example").expect("IDN"), "ann@bücher.example");
        for bad in [
            "",
            "ann",
            "@x.org",
            "ann@",
            "a b@x.org",
            "ann@.org",
            "ann@x.",
            "a@@b.c",
            "a@b",
            "a@b@c.d",
            "a@-b.c",
            "a@b-.c",
            "a@b..c",
            "a@b_c.d",
            "a\u{0007}@b.c",
        ] {
            assert!(n(bad).is_err(), "{bad:?}");
        }
        assert!(n(&format!("{}@x.org", "a".repeat(65))).is_err(), "local part over 64 bytes");
    }

    #[test]
    fn ascii_fast_paths_equal_the_unicode_normalisers() {
        // Every ASCII character, alone and in addresses, is its own NFC and NFKC form.
        let samples: Vec<String> = (0u8..128)
            .map(|b| char::from(b).to_string())
            .chain(["Ann.Lee@Example.COM", "  MiXeD_Case+tag@Sub.Example.org ", "X~!#$%&'*/=?^`{|}"].map(String::from))
            .collect();
        for s in &samples {
            assert_eq!(s.nfkc().collect::<String>().to_lowercase(), s.to_ascii_lowercase(), "{s:?}");
            assert_eq!(&s.nfc().collect::<String>(), s, "{s:?}");
        }
    }

    #[test]
    fn phones() {
        let de = parse_region("de").expect("region");
        let n = |v: &str, r: Option<Region>| normalize("phone", Rule::Phone, v, r);
        assert_eq!(n("+49 30 901820", None).expect("ok"), "+4930901820");
        assert_eq!(n("030 901820", Some(de)).expect("ok"), "+4930901820");
        assert_eq!(n("+1 (202) 555-0143", None).expect("ok"), "+12025550143");
        // Italian fixed lines keep their leading zero in E.164.
        assert_eq!(n("+39 06 698 1234", None).expect("ok"), "+39066981234");
        // Our E.164 construction agrees with the crate's formatter.
        for raw in [
            "+39 06 698 1234",
            "+49 151 12345678",
            "+44 20 7946 0958",
            "+33 6 12 34 56 78",
            "+1 650 253 0000",
            "+61 2 9374 4000",
        ] {
            let parsed = phonenumber::parse(None, raw).expect("parse");
            let expected = parsed.format().mode(phonenumber::Mode::E164).to_string();
            assert_eq!(n(raw, None).expect("ok"), expected, "{raw}");
        }
        assert!(n("030 901820", None).is_err(), "no region, no +");
        // A normal form normalises to itself whatever the default region (found by fuzzing).
        for raw in ["+992000001o1024", "+992 000 161024", "+49 030 901820", "e\0+7008488484 (489", "e+7008488484489"] {
            let Ok(first) = n(raw, Some(de)) else { continue };
            let (again, without) =
                (n(first.as_str(), Some(de)).expect("again"), n(first.as_str(), None).expect("again"));
            assert_eq!(again, first, "{raw}");
            assert_eq!(without, first, "{raw}");
        }
        assert!(n("+1 000", None).is_err());
        assert!(n("not a number", Some(de)).is_err());
        assert!(parse_region("XX").is_err());
    }

    #[test]
    fn validity_agrees_with_libphonenumber() {
        // Numbers of many shapes in many regions (single- and multi-region codes, leading zeros,
        // non-geographic codes): every verdict must be the crate's own.
        let (mut checked, mut valid) = (0, 0);
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let prefixes = [
            "+49", "+49 1", "+1", "+1 2", "+44", "+44 7", "+39", "+39 0", "+39 3", "+33", "+33 6", "+61", "+81", "+7",
            "+41", "+86", "+55", "+358", "+7 7", "+262", "+590", "+800", "+979",
        ];
        for prefix in prefixes {
            for _ in 0..500 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let digits = 5 + (x % 8) as usize;
                let tail = format!("{:013}", x % 10_000_000_000_000);
                let raw = format!("{prefix}{}", &tail[..digits]);
                if let Ok(n) = phonenumber::parse(None, &raw) {
                    let ours = is_valid(&n);
                    assert_eq!(ours, phonenumber::is_valid(&n), "{raw}");
                    checked += 1;
                    valid += usize::from(ours);
                }
            }
        }
        assert!(checked > 5000 && valid > 500, "{checked} checked, {valid} valid");
    }

    #[test]
    fn logins_and_errors_do_not_echo() {
        assert_eq!(normalize("login", Rule::Trimmed, "  ann ", None).expect("ok"), "ann");
        let nfc = normalize("login", Rule::Trimmed, "J\u{00F6}rg", None).expect("ok");
        assert_eq!(
            normalize("login", Rule::Trimmed, "Jo\u{0308}rg", None).expect("ok"),
            nfc,
            "NFD and NFC are one login"
        );
        assert_ne!(normalize("login", Rule::Trimmed, "ANN", None).expect("ok"), "ann", "logins keep their case");
        let e = normalize("email", Rule::Email, "secret-value", None).expect_err("bad");
        assert!(!e.message().contains("secret-value"));
        let e = normalize("login", Rule::Trimmed, &"x".repeat(400), None).expect_err("long");
        assert_eq!(e.kind(), crate::error::ErrorKind::TooLarge);
    }
}
