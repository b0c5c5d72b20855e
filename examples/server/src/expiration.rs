//! Databunker's `expiration` syntax: seconds (`3600`), `Ns`, `Nh`, `Nd`, `Nm` (months of 31
//! days, as Databunker counts them), or an absolute Unix time in seconds (a plain number from
//! 1,000,000,000 on: September 2001).

/// When something expires: after a duration, or at a point in time (both in milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Milliseconds from now.
    After(i64),
    /// Milliseconds since the Unix epoch.
    At(i64),
}

/// Plain numbers from here on are absolute Unix times.
const ABSOLUTE_FROM: i64 = 1_000_000_000;
/// Nothing is kept longer than this through the API (400 days, the vault's own session cap).
const MAX_SECONDS: i64 = 400 * 86_400;

/// Parses an expiration. The error says what is accepted (never the value).
pub fn parse(text: &str) -> Result<Expiry, String> {
    let bad =
        || "expiration must be seconds, or a number followed by s, h, d or m (months), or a Unix time".to_string();
    let text = text.trim();
    let (digits, unit) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&text[..i], Some(c)),
        _ => (text, None),
    };
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let seconds = match unit {
        None if n >= ABSOLUTE_FROM => return Ok(Expiry::At(n * 1000)),
        None | Some('s') => n,
        Some('h') => n * 3_600,
        Some('d') => n * 86_400,
        Some('m') => n * 31 * 86_400,
        Some(_) => return Err(bad()),
    };
    if !(1..=MAX_SECONDS).contains(&seconds) {
        return Err(format!("expiration must be between 1 second and {} days", MAX_SECONDS / 86_400));
    }
    Ok(Expiry::After(seconds * 1000))
}

/// An `expiration` as a request gives it: a string, or a number (JSON clients send numbers).
pub fn from_json(value: &serde_json::Value) -> Result<Expiry, String> {
    match value {
        serde_json::Value::String(s) => parse(s),
        serde_json::Value::Number(n) => parse(&n.to_string()),
        _ => Err("expiration must be a string or a number".into()),
    }
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A duration only (configuration), in milliseconds: an absolute time is refused here.
pub fn parse_ttl(text: &str) -> Result<i64, String> {
    match parse(text)? {
        Expiry::After(ms) => Ok(ms),
        Expiry::At(_) => Err("a duration is expected here (3600, 1h, 7d), not a Unix time".into()),
    }
}

impl Expiry {
    /// As the vault's options spell it: `ttl_ms`, or the absolute field named `at_field`.
    pub fn to_options(self, at_field: &str) -> serde_json::Map<String, serde_json::Value> {
        let mut map = serde_json::Map::new();
        match self {
            Expiry::After(ms) => map.insert("ttl_ms".into(), ms.into()),
            Expiry::At(ms) => map.insert(at_field.into(), ms.into()),
        };
        map
    }

    /// The duration, capped at `max_ms` (an absolute time is turned into its distance from `now_ms`).
    pub fn capped(self, now_ms: i64, max_ms: i64) -> Expiry {
        match self {
            Expiry::After(ms) => Expiry::After(ms.min(max_ms)),
            Expiry::At(at) if at - now_ms > max_ms => Expiry::After(max_ms),
            at => at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_databunker_accepts() {
        assert_eq!(parse("3600"), Ok(Expiry::After(3_600_000)));
        assert_eq!(parse("30s"), Ok(Expiry::After(30_000)));
        assert_eq!(parse("2h"), Ok(Expiry::After(7_200_000)));
        assert_eq!(parse("7d"), Ok(Expiry::After(7 * 86_400_000)));
        assert_eq!(parse("1m"), Ok(Expiry::After(31 * 86_400_000)));
        assert_eq!(parse("1900000000"), Ok(Expiry::At(1_900_000_000_000)));
    }

    #[test]
    fn nonsense_and_extremes_are_refused() {
        for bad in ["", "h", "-5", "1.5h", "10x", "0", "1000000000000000", "99m", "١٢"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse_ttl("1900000000").is_err());
    }

    #[test]
    fn caps_apply_to_both_forms() {
        assert_eq!(Expiry::After(10).capped(0, 5), Expiry::After(5));
        assert_eq!(Expiry::At(100).capped(0, 50), Expiry::After(50));
        assert_eq!(Expiry::At(40).capped(0, 50), Expiry::At(40));
    }
}
