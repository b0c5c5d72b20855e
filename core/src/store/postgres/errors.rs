//! PostgreSQL's errors as the vault's kinds: only SQLSTATE codes, never the server's message or
//! detail (a constraint violation's detail repeats the conflicting key, and the server's
//! messages may quote the statement's values).

use postgres::error::SqlState;

use crate::error::{Error, ErrorKind};

/// Whether the server aborted the transaction for a serialisation failure or a deadlock: it
/// wrote nothing, and running it again may succeed.
pub(super) fn is_conflict_abort(err: &postgres::Error) -> bool {
    matches!(err.code(), Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED)
}

/// Whether a schema object (a table, the schema, a type) was created by another process at the
/// same moment: the loser's transaction is aborted, and run again it finds the object.
pub(super) fn is_concurrent_create(err: &postgres::Error) -> bool {
    matches!(err.code(), Some(c) if *c == SqlState::DUPLICATE_TABLE
        || *c == SqlState::DUPLICATE_SCHEMA
        || *c == SqlState::DUPLICATE_OBJECT
        || *c == SqlState::UNIQUE_VIOLATION)
}

/// A failure to connect (at open, or when a pooled connection is replaced).
pub(super) fn connect_error(err: postgres::Error) -> Error {
    match err.code() {
        Some(c) if *c == SqlState::INVALID_PASSWORD || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
            Error::new(ErrorKind::Storage, "the database server refused the credentials")
        }
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => {
            Error::new(ErrorKind::Storage, "the database named in the URL does not exist on the server")
        }
        Some(c) if *c == SqlState::CANNOT_CONNECT_NOW || *c == SqlState::TOO_MANY_CONNECTIONS => Error::new(
            ErrorKind::Busy,
            "the database server is starting up or has no connection slot free; retry shortly",
        ),
        Some(_) => Error::from(err),
        None => Error::new(
            ErrorKind::Busy,
            "could not connect to the database server (refused, unreachable, timed out, or TLS failed); retry when it is back",
        ),
    }
}

impl From<postgres::Error> for Error {
    fn from(err: postgres::Error) -> Error {
        let Some(code) = err.code() else {
            // A parameter or column the driver could not convert is a defect here, not the
            // server being away (the driver's text names only the position and the types).
            let text = err.to_string();
            if text.starts_with("error serializing") || text.starts_with("error deserializing") {
                return Error::internal("a value did not convert between bunkerlite and the database server");
            }
            return if err.is_closed() {
                Error::new(ErrorKind::Busy, "the connection to the database server was lost; retry when it is back")
            } else {
                Error::new(ErrorKind::Busy, "the database server could not be reached; retry when it is back")
            };
        };
        let c = code.code();
        if is_conflict_abort(&err) {
            Error::new(
                ErrorKind::Busy,
                "the database aborted the transaction for a conflict with another writer; retry",
            )
        } else if *code == SqlState::LOCK_NOT_AVAILABLE || *code == SqlState::QUERY_CANCELED {
            Error::new(ErrorKind::Busy, "the vault stayed locked longer than the busy timeout")
        } else if *code == SqlState::DUPLICATE_TABLE
            || *code == SqlState::DUPLICATE_SCHEMA
            || *code == SqlState::DUPLICATE_OBJECT
        {
            Error::new(ErrorKind::Busy, "a schema object was created at the same time by another process")
        } else if *code == SqlState::READ_ONLY_SQL_TRANSACTION {
            Error::new(ErrorKind::Busy, "the database server is a read-only standby; retry against the primary")
        } else if c.starts_with("57P") || c.starts_with("08") {
            Error::new(ErrorKind::Busy, "the database server is shutting down or restarting; retry when it is back")
        } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            Error::new(ErrorKind::Storage, "the database role lacks a privilege the vault needs")
        } else if *code == SqlState::DISK_FULL || *code == SqlState::OUT_OF_MEMORY {
            Error::new(ErrorKind::Storage, "the database server is out of space or memory")
        } else if *code == SqlState::UNDEFINED_TABLE || *code == SqlState::UNDEFINED_COLUMN {
            Error::new(ErrorKind::Storage, "a table or column of the vault is missing from the schema")
        } else {
            Error::new(ErrorKind::Storage, format!("storage error: SQLSTATE {c}"))
        }
    }
}
