//! Normalisation of identity values before they are indexed: the same person typed two ways
//! must produce the same blind index. Errors name the field, never the value.

use phonenumber::country::Id as Region;

use crate::error::{Error, Result};

/// Longest normalised value accepted for any indexed field, in bytes.
const MAX_VALUE_BYTES: usize = 320;

/// How the values of an indexed field are normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Trimmed and lower-cased; must look like `local@domain`.
    Email,
    /// Parsed as a phone number (with the vault's default region for numbers without `+`),
    /// must be a valid number, stored in E.164.
    Phone,
    /// Trimmed; must not be empty. Used for `login` and configured fields.
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
            t.to_owned()
        }
    };
    if out.len() > MAX_VALUE_BYTES {
        return Err(Error::too_large(format!("field '{field}' is longer than {MAX_VALUE_BYTES} bytes")));
    }
    Ok(out)
}

fn email(field: &str, value: &str) -> Result<String> {
    let v = value.trim().to_lowercase();
    let bad = || Error::invalid(format!("field '{field}' is not a valid email address"));
    let (local, domain) = v.rsplit_once('@').ok_or_else(bad)?;
    let plausible = !local.is_empty()
        && !domain.is_empty()
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(|c| c.is_whitespace() || c.is_control());
    if !plausible {
        return Err(bad());
    }
    Ok(v)
}

fn phone(field: &str, value: &str, region: Option<Region>) -> Result<String> {
    let bad = || Error::invalid(format!("field '{field}' is not a valid phone number"));
    let trimmed = value.trim();
    // The parser has its own length limit, but bound the work before calling it.
    if trimmed.is_empty() || trimmed.len() > 64 {
        return Err(bad());
    }
    let number = phonenumber::parse(region, trimmed).map_err(|_| bad())?;
    if !phonenumber::is_valid(&number) {
        return Err(bad());
    }
    // E.164 is "+", the country code, then the national significant number (with any leading
    // zeros it keeps, as in Italy) — built from the parsed parts, which is what the crate's E.164
    // formatter does, without its generic formatting machinery.
    let national = number.national();
    let zeros = "0".repeat(usize::from(national.zeros()));
    Ok(format!("+{}{zeros}{}", number.code().value(), national.value()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        let n = |v| normalize("email", Rule::Email, v, None);
        assert_eq!(n("  Ann.Lee@Example.COM ").expect("ok"), "ann.lee@example.com");
        for bad in ["", "ann", "@x.org", "ann@", "a b@x.org", "ann@.org", "ann@x."] {
            assert!(n(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn phones() {
        let de = parse_region("de").expect("region");
        let n = |v, r| normalize("phone", Rule::Phone, v, r);
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
        assert!(n("+1 000", None).is_err());
        assert!(n("not a number", Some(de)).is_err());
        assert!(parse_region("XX").is_err());
    }

    #[test]
    fn logins_and_errors_do_not_echo() {
        assert_eq!(normalize("login", Rule::Trimmed, "  ann ", None).expect("ok"), "ann");
        let e = normalize("email", Rule::Email, "secret-value", None).expect_err("bad");
        assert!(!e.message().contains("secret-value"));
        let e = normalize("login", Rule::Trimmed, &"x".repeat(400), None).expect_err("long");
        assert_eq!(e.kind(), crate::ErrorKind::TooLarge);
    }
}
