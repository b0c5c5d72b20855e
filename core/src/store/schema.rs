//! The schema and its forward-only migrations. The database holds ciphertext, keyed hashes,
//! random tokens, timestamps and the audit chain; never a plaintext value of a subject.

use rusqlite::Transaction;

use crate::error::{Error, ErrorKind, Result};

/// `PRAGMA application_id` of a bunkerlite vault ("BLV1"), so other SQLite files are told apart.
pub(crate) const APPLICATION_ID: i32 = 0x424C_5631;

/// Migrations, in order: `MIGRATIONS[n]` takes `user_version` from `n` to `n + 1`.
/// Never edit a released migration; append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the vault core.
    r#"
    CREATE TABLE meta (
        name  TEXT PRIMARY KEY NOT NULL,
        value ANY NOT NULL
    ) STRICT, WITHOUT ROWID;

    -- Random keys (index root, audit MAC) wrapped by the key-encryption key.
    CREATE TABLE keys (
        id         INTEGER PRIMARY KEY,
        purpose    TEXT NOT NULL UNIQUE,
        kek_id     INTEGER NOT NULL,
        wrapped    BLOB NOT NULL,
        created_ms INTEGER NOT NULL
    ) STRICT;

    -- One row per person. `dek` is the subject's data key wrapped by the KEK; deleting the row
    -- (with secure_delete on) is the crypto-shredding of everything encrypted under it.
    -- AUTOINCREMENT: an id is never reused, so audit events keep pointing at one subject.
    CREATE TABLE subjects (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        token      BLOB NOT NULL UNIQUE CHECK (length(token) = 16),
        dek        BLOB NOT NULL,
        profile    BLOB NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        version    INTEGER NOT NULL DEFAULT 1
    ) STRICT;

    -- Blind indexes. The primary key makes identity fields unique in the database itself, so
    -- concurrent writers cannot both insert the same value.
    CREATE TABLE subject_index (
        field      TEXT NOT NULL,
        hash       BLOB NOT NULL,
        subject_id INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
        PRIMARY KEY (field, hash)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX subject_index_subject ON subject_index (subject_id);

    -- Tokens of erased subjects: the fact of an erasure, no personal data.
    CREATE TABLE erased (
        token      BLOB PRIMARY KEY NOT NULL,
        subject_id INTEGER NOT NULL,
        erased_ms  INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;

    -- The audit chain. `details` is encrypted under the subject's data key; `mac` chains each
    -- event to the one before it under the audit MAC key. A subject's events are indexed by its
    -- integer id, not its random token: new subjects get increasing ids, so indexing their
    -- events appends instead of touching a random page per event.
    CREATE TABLE audit (
        seq        INTEGER PRIMARY KEY,
        time_ms    INTEGER NOT NULL,
        actor      TEXT NOT NULL,
        action     TEXT NOT NULL,
        subject    BLOB,
        subject_id INTEGER,
        outcome    TEXT NOT NULL,
        details    BLOB,
        mac        BLOB NOT NULL
    ) STRICT;
    CREATE INDEX audit_subject ON audit (subject_id, seq) WHERE subject_id IS NOT NULL;
    "#,
];

/// The schema version this build writes.
pub(crate) const VERSION: i64 = MIGRATIONS.len() as i64;

/// Fail with `UNSUPPORTED` for a file written by a newer bunkerlite.
pub(crate) fn check_version(version: i64) -> Result<()> {
    if version > VERSION {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!("the vault has schema version {version}; this bunkerlite knows up to {VERSION}"),
        ));
    }
    Ok(())
}

/// Bring the schema from its current version up to [`VERSION`] inside `tx`.
pub(crate) fn migrate(tx: &Transaction<'_>) -> Result<()> {
    let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    check_version(current)?;
    let start = usize::try_from(current).map_err(|_| Error::new(ErrorKind::Storage, "negative schema version"))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(start) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    if start == 0 {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    Ok(())
}
