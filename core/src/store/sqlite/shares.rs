//! The `shares` table: shares by the keyed hash of their id, with their sealed spec.

use rusqlite::OptionalExtension;

use super::{fixed, is_conflict, Db};
use crate::error::{Error, Result};
use crate::shares::store::{ShareReads, ShareRow, ShareWrites};

macro_rules! columns {
    () => {
        "hash, subject_id, spec, created_ms, updated_ms, expires_ms, max_reads, reads"
    };
}

type Raw = (Vec<u8>, i64, Vec<u8>, i64, i64, i64, Option<i64>, i64);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
}

fn row((hash, subject_id, spec, created_ms, updated_ms, expires_ms, max_reads, reads): Raw) -> Result<ShareRow> {
    Ok(ShareRow {
        hash: fixed(hash, "share hash")?,
        subject_id,
        spec,
        created_ms,
        updated_ms,
        expires_ms,
        max_reads,
        reads,
    })
}

impl ShareWrites for Db<'_> {
    fn insert_share(&self, s: &ShareRow) -> Result<bool> {
        let result = self
            .conn
            .prepare_cached(concat!("INSERT INTO shares (", columns!(), ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"))?
            .execute(rusqlite::params![
                s.hash.as_slice(),
                s.subject_id,
                s.spec,
                s.created_ms,
                s.updated_ms,
                s.expires_ms,
                s.max_reads,
                s.reads
            ]);
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_conflict(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn update_share(&self, s: &ShareRow) -> Result<()> {
        let n = self
            .conn
            .prepare_cached("UPDATE shares SET spec = ?2, updated_ms = ?3, reads = ?4 WHERE hash = ?1 AND reads = ?5")?
            .execute(rusqlite::params![s.hash.as_slice(), s.spec, s.updated_ms, s.reads, s.reads - 1])?;
        if n != 1 {
            return Err(Error::integrity("a share changed under its update"));
        }
        Ok(())
    }

    fn delete_share(&self, hash: &[u8; 16]) -> Result<bool> {
        Ok(self.conn.prepare_cached("DELETE FROM shares WHERE hash = ?1")?.execute([hash.as_slice()])? > 0)
    }

    fn delete_shares_of_subject(&self, subject_id: i64) -> Result<u64> {
        Ok(self.conn.prepare_cached("DELETE FROM shares WHERE subject_id = ?1")?.execute([subject_id])? as u64)
    }

    fn purge_expired_shares(&self, now_ms: i64, limit: u64) -> Result<u64> {
        let n = self
            .conn
            .prepare_cached(
                "DELETE FROM shares WHERE hash IN (SELECT hash FROM shares WHERE expires_ms <= ?1 LIMIT ?2)",
            )?
            .execute(rusqlite::params![now_ms, limit as i64])?;
        Ok(n as u64)
    }
}

impl ShareReads for Db<'_> {
    fn share(&self, hash: &[u8; 16]) -> Result<Option<ShareRow>> {
        self.conn
            .prepare_cached(concat!("SELECT ", columns!(), " FROM shares WHERE hash = ?1"))?
            .query_row([hash.as_slice()], raw)
            .optional()?
            .map(row)
            .transpose()
    }

    fn shares_of_subject(&self, subject_id: i64) -> Result<Vec<ShareRow>> {
        let mut stmt = self.conn.prepare_cached(concat!(
            "SELECT ",
            columns!(),
            " FROM shares WHERE subject_id = ?1 ORDER BY hash"
        ))?;
        let mut rows = stmt.query([subject_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(row(raw(r)?)?);
        }
        Ok(out)
    }

    fn count_shares_of_subject(&self, subject_id: i64) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM shares WHERE subject_id = ?1")?
            .query_row([subject_id], |r| r.get(0))?;
        Ok(n as u64)
    }
}
