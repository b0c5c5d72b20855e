//! SQLite's errors as the vault's kinds: only engine codes and schema names, never a value.

use crate::error::{Error, ErrorKind};

/// Whether an insert failed on a UNIQUE or PRIMARY KEY constraint (the value is taken).
pub(crate) fn is_conflict(err: &rusqlite::Error) -> bool {
    matches!(err, rusqlite::Error::SqliteFailure(e, _) if e.code == rusqlite::ErrorCode::ConstraintViolation)
}

impl From<rusqlite::Error> for Error {
    /// SQLite errors carry only engine codes and schema names here: the engine never sees
    /// plaintext, and values are always bound parameters, never part of a statement's text.
    fn from(err: rusqlite::Error) -> Error {
        use rusqlite::ffi::ErrorCode;
        match &err {
            rusqlite::Error::SqliteFailure(e, _) => match e.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                    Error::new(ErrorKind::Busy, "the vault stayed locked longer than the busy timeout")
                }
                ErrorCode::NotADatabase => {
                    Error::new(ErrorKind::Storage, "the file is not a database (or is encrypted by another tool)")
                }
                ErrorCode::DatabaseCorrupt => Error::new(ErrorKind::Storage, "the database file is corrupt"),
                ErrorCode::DiskFull => Error::new(ErrorKind::Storage, "the disk is full"),
                ErrorCode::CannotOpen => Error::new(ErrorKind::Storage, "the database file cannot be opened"),
                ErrorCode::ReadOnly => Error::new(ErrorKind::Storage, "the database is read-only"),
                other => Error::new(ErrorKind::Storage, format!("storage error: {other:?} ({})", e.extended_code)),
            },
            rusqlite::Error::QueryReturnedNoRows => Error::not_found(),
            _ => Error::new(ErrorKind::Storage, format!("storage error: {}", short_kind(&err))),
        }
    }
}

/// The variant name of a rusqlite error, without any payload it might carry.
fn short_kind(err: &rusqlite::Error) -> &'static str {
    match err {
        rusqlite::Error::FromSqlConversionFailure(..) => "unexpected column type",
        rusqlite::Error::IntegralValueOutOfRange(..) => "integer out of range",
        rusqlite::Error::InvalidColumnType(..) => "unexpected column type",
        rusqlite::Error::InvalidPath(..) => "invalid database path",
        _ => "engine failure",
    }
}
