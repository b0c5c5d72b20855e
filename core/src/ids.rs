//! Identifiers: subject tokens (random UUID v4, 122 random bits) in their text and stored forms.

use uuid::Uuid;

use crate::error::{Error, Result};

/// A subject token as stored: the 16 bytes of a UUID.
pub(crate) type TokenBytes = [u8; 16];

/// Parse a subject token (a UUID in its hyphenated text form).
pub(crate) fn parse_token(token: &str) -> Result<TokenBytes> {
    if token.len() != 36 {
        return Err(Error::invalid("a subject token must be a UUID"));
    }
    Uuid::try_parse(token).map(|u| *u.as_bytes()).map_err(|_| Error::invalid("a subject token must be a UUID"))
}

/// The hyphenated text form of a stored token.
pub(crate) fn format_token(token: &TokenBytes) -> String {
    Uuid::from_bytes(*token).hyphenated().to_string()
}

/// A version 4 UUID from 16 bytes of the OS CSPRNG (the version and variant bits are set, the
/// other 122 bits are the random ones).
pub(crate) fn token_from_random(random: [u8; 16]) -> TokenBytes {
    *uuid::Builder::from_random_bytes(random).into_uuid().as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_bad_ones_are_refused() {
        let t = token_from_random([0xAB; 16]);
        let text = format_token(&t);
        assert_eq!(text.len(), 36);
        assert_eq!(&text[14..15], "4", "version 4");
        assert_eq!(parse_token(&text).expect("parse"), t);
        for bad in ["", "x", "not-a-uuid-not-a-uuid-not-a-uuid-xx", "{00000000-0000-0000-0000-000000000000}"] {
            assert!(parse_token(bad).is_err(), "{bad}");
        }
    }
}
