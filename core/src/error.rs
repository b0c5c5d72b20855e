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
    ($( $variant:ident = $num:literal, $code:literal, $doc:literal; )*) => {
        /// What went wrong, as a stable number and code string shared by C, Python and Node.
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(i32)]
        pub enum ErrorKind {
            $( #[doc = $doc] $variant = $num, )*
        }

        impl ErrorKind {
            /// Every kind, in table order.
            pub const ALL: &'static [ErrorKind] = &[ $( ErrorKind::$variant, )* ];

            /// The stable code string, e.g. `"NOT_FOUND"`.
            pub const fn code(self) -> &'static str {
                match self { $( ErrorKind::$variant => $code, )* }
            }

            /// What the kind means, in a sentence or two (what every binding's documentation of
            /// it says).
            pub const fn doc(self) -> &'static str {
                match self { $( ErrorKind::$variant => $doc, )* }
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

            /// The group of the kind (its number's hundreds).
            pub fn group(self) -> &'static ErrorGroup {
                ErrorGroup::of(self.number()).expect("every kind is in a group")
            }
        }
    };
}

/// A group of error kinds: the kinds whose numbers share their hundreds. Every binding's error
/// classes are grouped by these, so a caller can handle a whole group, and a kind added later
/// (unknown to an older binding) still lands in its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorGroup {
    /// The hundreds of its kinds' numbers (1 for 1xx).
    pub hundreds: i32,
    /// Its name, one word (`input`, `state`, `security`, `operational`, `defect`).
    pub name: &'static str,
    /// What its kinds have in common.
    pub doc: &'static str,
}

impl ErrorGroup {
    /// Every group, by number.
    pub const ALL: &'static [ErrorGroup] = &[
        ErrorGroup { hundreds: 1, name: "input", doc: "The caller's input was refused; the call had no effect." },
        ErrorGroup {
            hundreds: 2,
            name: "state",
            doc: "The vault's data does not allow the call: what was looked for is not there (or not any \
                  more), already exists, or may not be touched for the caller's purpose.",
        },
        ErrorGroup {
            hundreds: 3,
            name: "security",
            doc: "Keys and authenticity: the key does not open the vault or could not be read, or stored \
                  data failed authentication.",
        },
        ErrorGroup {
            hundreds: 4,
            name: "operational",
            doc: "The storage engine or the handle: busy, failed, closed, or a vault of a newer format.",
        },
        ErrorGroup { hundreds: 9, name: "defect", doc: "A bug in bunkerlite; the host process keeps running." },
    ];

    /// The group of an error number (`None` for 0 and numbers outside every group).
    pub fn of(number: i32) -> Option<&'static ErrorGroup> {
        ErrorGroup::ALL.iter().find(|g| number / 100 == g.hundreds && number > 0)
    }
}

error_kinds! {
    InvalidInput = 100, "INVALID_INPUT",
        "The input is malformed: invalid JSON, not an object, a bad token, an invalid email or phone, a NULL pointer or invalid UTF-8 at the C boundary.";
    TooLarge = 101, "TOO_LARGE",
        "The input exceeds a configured limit (document size, nesting, field count, string length, batch size).";
    NotFound = 200, "NOT_FOUND",
        "No subject (or record) matches the lookup.";
    Duplicate = 201, "DUPLICATE",
        "A unique field (email, phone, login, or a configured unique index) already belongs to another subject.";
    Erased = 202, "ERASED",
        "The subject existed and was erased; only the fact of the erasure remains.";
    Expired = 203, "EXPIRED",
        "The record (a token) has expired: its time passed. (A single-use token, once used, is deleted and then `NOT_FOUND`, as one never made: nothing kept tells that it existed.)";
    Exhausted = 204, "EXHAUSTED",
        "No new token can be made in the requested format: every random draw collided with an existing token (the format's space is used up for this prefix and suffix).";
    ConsentRequired = 205, "CONSENT_REQUIRED",
        "The caller's purpose does not allow the operation on this subject: the processing activity does not cover the operation, or it relies on consent the subject has not given (or withdrew, or that expired or was revoked).";
    BulkLocked = 206, "BULK_LOCKED",
        "Listing every subject is locked: an audited `unlock_bulk` naming the purpose unlocks it for the caller's actor and purpose, for a bounded time and number of subjects (expired or used up: locked again).";
    WrongKey = 300, "WRONG_KEY",
        "The master key does not match the vault. Nothing was written.";
    Integrity = 301, "INTEGRITY",
        "Stored data failed authentication: a ciphertext moved or edited, or a broken audit chain.";
    KeySource = 302, "KEY_SOURCE",
        "The master key could not be obtained from its source (missing variable, unreadable file, wrong length or encoding).";
    Busy = 400, "BUSY",
        "The database stayed locked by another connection longer than the configured busy timeout.";
    Storage = 401, "STORAGE",
        "The storage engine failed (I/O error, full disk, corrupt file, not a bunkerlite vault).";
    Closed = 402, "CLOSED",
        "The vault handle was closed.";
    Unsupported = 403, "UNSUPPORTED",
        "The vault file was written by a newer bunkerlite (schema version unknown to this one).";
    Internal = 900, "INTERNAL",
        "A bug in bunkerlite (an invariant broke, or a panic was caught at a language boundary).";
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
