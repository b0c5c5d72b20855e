//! The `subjects`, `subject_index` and `erased` tables: profile rows, their blind-index entries,
//! and the tokens of erased subjects.

use rusqlite::OptionalExtension;

use super::{fixed, is_conflict, Db, Tx};
use crate::error::{Error, Result};
use crate::store::{NewSubject, SubjectRow, TokenLookup};

/// The columns of a subject row, in the order `raw` reads them (a macro, so statements stay
/// literals).
macro_rules! columns {
    () => {
        "s.id, s.token, s.dek, s.profile, s.created_ms, s.updated_ms, s.version"
    };
}

type Raw = (i64, Vec<u8>, Vec<u8>, Vec<u8>, i64, i64, i64);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn row((id, token, dek, profile, created_ms, updated_ms, version): Raw) -> Result<SubjectRow> {
    Ok(SubjectRow { id, token: fixed(token, "subject token")?, dek, profile, created_ms, updated_ms, version })
}

/// Insert a new subject (version 1) and return its row id. The token is unique by constraint.
pub(crate) fn insert(tx: &Tx<'_>, new: &NewSubject<'_>) -> Result<i64> {
    tx.conn
        .prepare_cached(
            "INSERT INTO subjects (token, dek, profile, created_ms, updated_ms, version)
             VALUES (?1, ?2, ?3, ?4, ?4, 1)",
        )?
        .execute(rusqlite::params![new.token.as_slice(), new.dek, new.profile, new.created_ms])?;
    Ok(tx.conn.last_insert_rowid())
}

/// The subject with this token, or whether it was erased.
pub(crate) fn by_token(db: &Db<'_>, token: &[u8; 16]) -> Result<TokenLookup> {
    let found = db
        .conn
        .prepare_cached(concat!("SELECT ", columns!(), " FROM subjects s WHERE s.token = ?1"))?
        .query_row([token.as_slice()], raw)
        .optional()?;
    if let Some(r) = found {
        return Ok(TokenLookup::Found(row(r)?));
    }
    let erased: bool = db
        .conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM erased WHERE token = ?1)")?
        .query_row([token.as_slice()], |r| r.get(0))?;
    Ok(if erased { TokenLookup::Erased } else { TokenLookup::Missing })
}

/// The subject whose blind-index entry for `field` is `hash`.
pub(crate) fn by_index(db: &Db<'_>, field: &str, hash: &[u8]) -> Result<Option<SubjectRow>> {
    db.conn
        .prepare_cached(concat!(
            "SELECT ",
            columns!(),
            " FROM subject_index i JOIN subjects s ON s.id = i.subject_id WHERE i.field = ?1 AND i.hash = ?2"
        ))?
        .query_row(rusqlite::params![field, hash], raw)
        .optional()?
        .map(row)
        .transpose()
}

/// The wrapped data key of the subject with this token, or `None` when it is not stored (erased).
pub(crate) fn dek(db: &Db<'_>, token: &[u8; 16]) -> Result<Option<Vec<u8>>> {
    Ok(db
        .conn
        .prepare_cached("SELECT dek FROM subjects WHERE token = ?1")?
        .query_row([token.as_slice()], |r| r.get(0))
        .optional()?)
}

/// The row id of the subject with this token, stored or erased.
pub(crate) fn id_of(db: &Db<'_>, token: &[u8; 16]) -> Result<Option<i64>> {
    Ok(db
        .conn
        .prepare_cached(
            "SELECT id FROM subjects WHERE token = ?1
             UNION ALL SELECT subject_id FROM erased WHERE token = ?1",
        )?
        .query_row([token.as_slice()], |r| r.get(0))
        .optional()?)
}

/// Add a blind-index entry. `Ok(false)` when the value already belongs to another subject (the
/// primary key refuses it; never a check-then-insert).
pub(crate) fn insert_index(tx: &Tx<'_>, subject_id: i64, field: &str, hash: &[u8]) -> Result<bool> {
    let result = tx
        .conn
        .prepare_cached("INSERT INTO subject_index (field, hash, subject_id) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![field, hash, subject_id]);
    match result {
        Ok(_) => Ok(true),
        Err(e) if is_conflict(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Remove a subject's blind-index entry for `field`, found by the `hash` recomputed from its
/// stored value (the primary key). When there is no hash (the stored value no longer
/// normalises under this version's rules) or it finds nothing, the field's entries are searched
/// for the subject's id instead — a scan of that field, for that rare case. Returns how many
/// entries were removed.
pub(crate) fn delete_index(tx: &Tx<'_>, subject_id: i64, field: &str, hash: Option<&[u8]>) -> Result<u64> {
    if let Some(hash) = hash {
        let n = tx
            .conn
            .prepare_cached("DELETE FROM subject_index WHERE field = ?1 AND hash = ?2 AND subject_id = ?3")?
            .execute(rusqlite::params![field, hash, subject_id])?;
        if n > 0 {
            return Ok(n as u64);
        }
    }
    let n = tx
        .conn
        .prepare_cached("DELETE FROM subject_index WHERE field = ?1 AND subject_id = ?2")?
        .execute(rusqlite::params![field, subject_id])?;
    Ok(n as u64)
}

/// Store a new profile ciphertext at `version` (the row must be at `version - 1`: a concurrent
/// change would be `INTEGRITY`, though the write lock already rules it out).
pub(crate) fn update_profile(tx: &Tx<'_>, id: i64, profile: &[u8], updated_ms: i64, version: i64) -> Result<()> {
    let changed = tx
        .conn
        .prepare_cached(
            "UPDATE subjects SET profile = ?1, updated_ms = ?2, version = ?3 WHERE id = ?4 AND version = ?5",
        )?
        .execute(rusqlite::params![profile, updated_ms, version, id, version - 1])?;
    if changed != 1 {
        return Err(Error::integrity("a subject changed while it was being updated"));
    }
    Ok(())
}

/// Delete a subject's row and its index entries (`entries`: each indexed field of its profile
/// with the hash recomputed from the stored value, see [`delete_index`]), and record the
/// erasure of its token. (What other areas hold of it goes first, through the lifecycle
/// registry.) Returns how many index entries were removed.
pub(crate) fn erase(
    tx: &Tx<'_>,
    id: i64,
    token: &[u8; 16],
    erased_ms: i64,
    entries: &[(&str, Option<[u8; 16]>)],
) -> Result<u64> {
    let mut removed = 0;
    for (field, hash) in entries {
        removed += delete_index(tx, id, field, hash.as_ref().map(|h| h.as_slice()))?;
    }
    tx.conn.prepare_cached("DELETE FROM subjects WHERE id = ?1")?.execute([id])?;
    tx.conn
        .prepare_cached("INSERT INTO erased (token, subject_id, erased_ms) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![token.as_slice(), id, erased_ms])?;
    Ok(removed)
}

/// The token and wrapped data key of the stored subject with row id `id`.
pub(crate) fn key_by_id(db: &Db<'_>, id: i64) -> Result<Option<([u8; 16], Vec<u8>)>> {
    let found: Option<(Vec<u8>, Vec<u8>)> = db
        .conn
        .prepare_cached("SELECT token, dek FROM subjects WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    found.map(|(token, dek)| Ok((fixed(token, "subject token")?, dek))).transpose()
}

/// Every stored subject's row id, token and version, for reconciling rows with the audit chain.
pub(crate) fn versions(db: &Db<'_>, mut f: impl FnMut(i64, [u8; 16], i64) -> Result<()>) -> Result<()> {
    let mut stmt = db.conn.prepare("SELECT id, token, version FROM subjects ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        f(r.get(0)?, fixed(r.get(1)?, "subject token")?, r.get(2)?)?;
    }
    Ok(())
}

/// The token and row id of every erased subject (for reconciling with the audited erasures).
pub(crate) fn erased_tokens(db: &Db<'_>) -> Result<Vec<([u8; 16], i64)>> {
    let mut stmt = db.conn.prepare("SELECT token, subject_id FROM erased")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|(t, id)| Ok((fixed(t, "subject token")?, id))).collect()
}
