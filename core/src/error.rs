//! The one error type of bunkerlite and the table of error kinds shared by every language.
//!
//! Each kind has a stable number (grouped by hundreds, never renumbered, never reused) and a stable
//! code string. C returns the number, Python raises the subclass named after the code, Node sets
//! `.code` to the code string. Adding a kind means adding one line to the table below.
//!
//! Messages are written by bunkerlite itself and never contain personal data or key material: they
//! name fields, sources and positions, never values.

use std::borrow::Cow;
use std::fmt;

macro_rules! error_kinds {
    ($( $(#[$doc:meta])* $variant:ident = $num:literal, $code:literal; )*) => {
        /// What went wrong, as a stable number and code string shared by C, Python and Node.
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(i32)]
        pub enum ErrorKind {
            $( $(#[$doc])* $variant = $num, )*
        }

        impl ErrorKind {
            /// Every kind, in table order.
            pub const ALL: &'static [ErrorKind] = &[ $( ErrorKind::$variant, )* ];

            /// The stable code string, e.g. `"NOT_FOUND"`.
            pub const fn code(self) -> &'static str {
                match self { $( ErrorKind::$variant => $code, )* }
            }

            /// The stable number, e.g. `200`. `0` is never a kind: it means success in C.
            pub const fn number(self) -> i32 {
                self as i32
            }

            /// The kind with this number, if any.
            pub fn from_number(number: i32) -> Option<ErrorKind> {
                match number { $( $num => Some(ErrorKind::$variant), )* _ => None }
            }

            /// The kind with this code string, if any.
            pub fn from_code(code: &str) -> Option<ErrorKind> {
                match code { $( $code => Some(ErrorKind::$variant), )* _ => None }
            }
        }
    };
}

error_kinds! {
    // 1xx — the caller's input.
    /// The input is malformed: invalid JSON, not an object, a bad token, an invalid email or phone,
    /// a NULL pointer or invalid UTF-8 at the C boundary.
    InvalidInput = 100, "INVALID_INPUT";
    /// The input exceeds a configured limit (document size, nesting, field count, string length,
    /// batch size).
    TooLarge = 101, "TOO_LARGE";

    // 2xx — the state of the vault's data.
    /// No subject (or record) matches the lookup.
    NotFound = 200, "NOT_FOUND";
    /// A unique field (email, phone, login, or a configured unique index) already belongs to
    /// another subject.
    Duplicate = 201, "DUPLICATE";
    /// The subject existed and was erased; only the fact of the erasure remains.
    Erased = 202, "ERASED";
    /// The record (a token) has expired: its time passed. (A single-use token, once used, is
    /// deleted and then `NOT_FOUND`, as one never made: nothing kept tells that it existed.)
    Expired = 203, "EXPIRED";
    /// No new token can be made in the requested format: every random draw collided with an
    /// existing token (the format's space is used up for this prefix and suffix).
    Exhausted = 204, "EXHAUSTED";
    /// The caller's purpose does not allow the operation on this subject: the processing
    /// activity does not cover the operation, or it relies on consent the subject has not given
    /// (or withdrew, or that expired or was revoked).
    ConsentRequired = 205, "CONSENT_REQUIRED";

    // 3xx — keys and integrity.
    /// The master key does not match the vault. Nothing was written.
    WrongKey = 300, "WRONG_KEY";
    /// Stored data failed authentication: a ciphertext moved or edited, or a broken audit chain.
    Integrity = 301, "INTEGRITY";
    /// The master key could not be obtained from its source (missing variable, unreadable file,
    /// wrong length or encoding).
    KeySource = 302, "KEY_SOURCE";

    // 4xx — the storage engine and the handle.
    /// The database stayed locked by another connection longer than the configured busy timeout.
    Busy = 400, "BUSY";
    /// The storage engine failed (I/O error, full disk, corrupt file, not a bunkerlite vault).
    Storage = 401, "STORAGE";
    /// The vault handle was closed.
    Closed = 402, "CLOSED";
    /// The vault file was written by a newer bunkerlite (schema version unknown to this one).
    Unsupported = 403, "UNSUPPORTED";

    // 9xx — bugs.
    /// A bug in bunkerlite (an invariant broke, or a panic was caught at a language boundary).
    Internal = 900, "INTERNAL";
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The error of every fallible bunkerlite operation.
///
/// `Display` and `Debug` show the kind and a message written by bunkerlite; neither ever contains
/// personal data or key material.
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    message: Cow<'static, str>,
}

/// `Result<T, bunkerlite::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` with a message that must not contain personal data.
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Error {
        Error { kind, message: message.into() }
    }

    /// The kind: stable across versions and languages.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The stable code string of the kind.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The human-readable message (free of personal data).
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn invalid(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::InvalidInput, message)
    }

    pub(crate) fn too_large(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::TooLarge, message)
    }

    pub(crate) fn not_found() -> Error {
        Error::new(ErrorKind::NotFound, "not found")
    }

    pub(crate) fn integrity(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::Integrity, message)
    }

    pub(crate) fn internal(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::Internal, message)
    }

    /// Prefix the message with where it happened (e.g. `item 3`), keeping the kind. `what` must
    /// hold no personal data (a position, a field name).
    pub fn context(self, what: impl fmt::Display) -> Error {
        Error { kind: self.kind, message: format!("{what}: {}", self.message).into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error").field("kind", &self.kind).field("message", &self.message).finish()
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn numbers_and_codes_are_unique_and_round_trip() {
        let mut numbers = HashSet::new();
        let mut codes = HashSet::new();
        for &kind in ErrorKind::ALL {
            assert!(kind.number() > 0, "0 is success in C");
            assert!(numbers.insert(kind.number()), "number {} reused", kind.number());
            assert!(codes.insert(kind.code()), "code {} reused", kind.code());
            assert_eq!(ErrorKind::from_number(kind.number()), Some(kind));
            assert_eq!(ErrorKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(ErrorKind::from_number(0), None);
        assert_eq!(ErrorKind::from_code("NOPE"), None);
    }

    #[test]
    fn numbers_are_pinned() {
        // These numbers are API in C: changing one is a breaking change.
        assert_eq!(ErrorKind::InvalidInput.number(), 100);
        assert_eq!(ErrorKind::NotFound.number(), 200);
        assert_eq!(ErrorKind::Duplicate.number(), 201);
        assert_eq!(ErrorKind::WrongKey.number(), 300);
        assert_eq!(ErrorKind::Integrity.number(), 301);
        assert_eq!(ErrorKind::Busy.number(), 400);
        assert_eq!(ErrorKind::Internal.number(), 900);
    }

    #[test]
    fn context_keeps_kind() {
        let e = Error::not_found().context("item 3");
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert_eq!(e.to_string(), "NOT_FOUND: item 3: not found");
    }
}
