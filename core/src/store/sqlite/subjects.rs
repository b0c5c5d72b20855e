//! The `subjects`, `subject_index` and `erased` tables: profile rows, their blind-index entries,
//! and the tokens of erased subjects.

use rusqlite::OptionalExtension;

use super::{fixed, is_conflict, Db};
use crate::error::{Error, Result};
use crate::subjects::store::{NewSubject, SubjectReads, SubjectRow, SubjectWrites, TokenLookup};

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

impl SubjectWrites for Db<'_> {
    fn insert_subject(&self, new: &NewSubject<'_>) -> Result<i64> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO subjects (token, dek, profile, created_ms, updated_ms, version)
                 VALUES (?1, ?2, ?3, ?4, ?4, 1)",
            )?
            .execute(rusqlite::params![new.token.as_slice(), new.dek, new.profile, new.created_ms])?;
        Ok(tx.conn.last_insert_rowid())
    }

    fn insert_index_entry(&self, subject_id: i64, field: &str, hash: &[u8]) -> Result<bool> {
        let tx = self;
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

    fn delete_index_entries(&self, subject_id: i64, field: &str, hash: Option<&[u8]>) -> Result<u64> {
        let tx = self;
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

    fn update_profile(&self, id: i64, profile: &[u8], updated_ms: i64, version: i64) -> Result<()> {
        let tx = self;
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

    fn erase_subject(
        &self,
        id: i64,
        token: &[u8; 16],
        erased_ms: i64,
        entries: &[(&str, Option<[u8; 16]>)],
    ) -> Result<u64> {
        let tx = self;
        let mut removed = 0;
        for (field, hash) in entries {
            removed += tx.delete_index_entries(id, field, hash.as_ref().map(|h| h.as_slice()))?;
        }
        tx.conn.prepare_cached("DELETE FROM subjects WHERE id = ?1")?.execute([id])?;
        tx.conn
            .prepare_cached("INSERT INTO erased (token, subject_id, erased_ms) VALUES (?1, ?2, ?3)")?
            .execute(rusqlite::params![token.as_slice(), id, erased_ms])?;
        Ok(removed)
    }
}

impl SubjectReads for Db<'_> {
    fn subject_by_token(&self, token: &[u8; 16]) -> Result<TokenLookup> {
        let db = self;
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

    fn subject_by_index(&self, field: &str, hash: &[u8]) -> Result<Option<SubjectRow>> {
        let db = self;
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

    fn subject_dek(&self, token: &[u8; 16]) -> Result<Option<Vec<u8>>> {
        let db = self;
        Ok(db
            .conn
            .prepare_cached("SELECT dek FROM subjects WHERE token = ?1")?
            .query_row([token.as_slice()], |r| r.get(0))
            .optional()?)
    }

    fn subject_id_of(&self, token: &[u8; 16]) -> Result<Option<i64>> {
        let db = self;
        Ok(db
            .conn
            .prepare_cached(
                "SELECT id FROM subjects WHERE token = ?1
                 UNION ALL SELECT subject_id FROM erased WHERE token = ?1",
            )?
            .query_row([token.as_slice()], |r| r.get(0))
            .optional()?)
    }

    fn subject_key_by_id(&self, id: i64) -> Result<Option<([u8; 16], Vec<u8>)>> {
        let db = self;
        let found: Option<(Vec<u8>, Vec<u8>)> = db
            .conn
            .prepare_cached("SELECT token, dek FROM subjects WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        found.map(|(token, dek)| Ok((fixed(token, "subject token")?, dek))).transpose()
    }

    fn each_subject_version(&self, f: &mut dyn FnMut(i64, [u8; 16], i64) -> Result<()>) -> Result<()> {
        let db = self;
        let mut stmt = db.conn.prepare("SELECT id, token, version FROM subjects ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(r.get(0)?, fixed(r.get(1)?, "subject token")?, r.get(2)?)?;
        }
        Ok(())
    }

    fn erased_subjects(&self) -> Result<Vec<([u8; 16], i64)>> {
        let db = self;
        let mut stmt = db.conn.prepare("SELECT token, subject_id FROM erased")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(|(t, id)| Ok((fixed(t, "subject token")?, id))).collect()
    }

    fn subjects_page(&self, after: i64, limit: u64) -> Result<Vec<SubjectRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            columns!(),
            " FROM subjects s WHERE s.id > ?1 ORDER BY s.id LIMIT ?2"
        ))?;
        let mut rows = stmt.query(rusqlite::params![after, limit as i64])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(row(raw(r)?)?);
        }
        Ok(out)
    }

    fn count_subjects(&self) -> Result<u64> {
        let n: i64 = self.conn.prepare_cached("SELECT count(*) FROM subjects")?.query_row([], |r| r.get(0))?;
        Ok(n as u64)
    }
}
