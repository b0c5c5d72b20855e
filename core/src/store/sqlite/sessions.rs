//! The `sessions` table: sessions by the keyed hash of their id, their sealed data and expiry.

use rusqlite::OptionalExtension;

use super::{fixed, is_conflict, Db};
use crate::error::{Error, Result};
use crate::sessions::store::{SessionReads, SessionRow, SessionWrites};

macro_rules! columns {
    () => {
        "hash, subject_id, data, created_ms, updated_ms, expires_ms, version"
    };
}

type Raw = (Vec<u8>, Option<i64>, Vec<u8>, i64, i64, i64, i64);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn row((hash, subject_id, data, created_ms, updated_ms, expires_ms, version): Raw) -> Result<SessionRow> {
    Ok(SessionRow {
        hash: fixed(hash, "session hash")?,
        subject_id,
        data,
        created_ms,
        updated_ms,
        expires_ms,
        version,
        link: None,
    })
}

impl SessionWrites for Db<'_> {
    fn insert_session(&self, s: &SessionRow) -> Result<bool> {
        let result = self
            .conn
            .prepare_cached(concat!("INSERT INTO sessions (", columns!(), ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"))?
            .execute(rusqlite::params![
                s.hash.as_slice(),
                s.subject_id,
                s.data,
                s.created_ms,
                s.updated_ms,
                s.expires_ms,
                s.version
            ]);
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_conflict(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn update_session(&self, s: &SessionRow) -> Result<()> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE sessions SET subject_id = ?2, data = ?3, updated_ms = ?4, expires_ms = ?5, version = ?6
                 WHERE hash = ?1 AND version = ?7",
            )?
            .execute(rusqlite::params![
                s.hash.as_slice(),
                s.subject_id,
                s.data,
                s.updated_ms,
                s.expires_ms,
                s.version,
                s.version - 1
            ])?;
        if n != 1 {
            return Err(Error::integrity("a session changed under its update"));
        }
        Ok(())
    }

    fn delete_session(&self, hash: &[u8; 16]) -> Result<bool> {
        Ok(self.conn.prepare_cached("DELETE FROM sessions WHERE hash = ?1")?.execute([hash.as_slice()])? > 0)
    }

    fn purge_expired_sessions(
        &self,
        now_ms: i64,
        after: Option<&[u8; 16]>,
        limit: u64,
    ) -> Result<(u64, Option<[u8; 16]>)> {
        let after: &[u8] = after.map_or(&[], |a| a.as_slice());
        let mut stmt = self.conn.prepare_cached(
            "DELETE FROM sessions WHERE hash IN
               (SELECT hash FROM sessions WHERE hash > ?2 AND expires_ms <= ?1 ORDER BY hash LIMIT ?3)
             RETURNING hash",
        )?;
        let mut rows = stmt.query(rusqlite::params![now_ms, after, limit as i64])?;
        let (mut n, mut last): (u64, Option<Vec<u8>>) = (0, None);
        while let Some(r) = rows.next()? {
            let hash: Vec<u8> = r.get(0)?;
            if last.as_ref().map_or(true, |l| hash > *l) {
                last = Some(hash);
            }
            n += 1;
        }
        Ok((n, last.map(|h| fixed(h, "session hash")).transpose()?))
    }

    fn delete_sessions_of_subject(&self, subject_id: i64) -> Result<u64> {
        Ok(self.conn.prepare_cached("DELETE FROM sessions WHERE subject_id = ?1")?.execute([subject_id])? as u64)
    }
}

impl SessionReads for Db<'_> {
    fn session(&self, hash: &[u8; 16]) -> Result<Option<SessionRow>> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT x.hash, x.subject_id, x.data, x.created_ms, x.updated_ms, x.expires_ms, x.version,
                        s.token, s.dek
                 FROM sessions x LEFT JOIN subjects s ON s.id = x.subject_id WHERE x.hash = ?1",
            )?
            .query_row([hash.as_slice()], |r| {
                Ok((raw(r)?, r.get::<_, Option<Vec<u8>>>(7)?, r.get::<_, Option<Vec<u8>>>(8)?))
            })
            .optional()?;
        let Some((raw, token, dek)) = found else { return Ok(None) };
        let mut session = row(raw)?;
        if let (Some(token), Some(dek)) = (token, dek) {
            session.link = Some((fixed(token, "subject token")?, dek));
        }
        Ok(Some(session))
    }

    fn sessions_of_subject(&self, subject_id: i64, after: Option<&[u8; 16]>, limit: u64) -> Result<Vec<SessionRow>> {
        let after: &[u8] = after.map_or(&[], |a| a.as_slice());
        let mut stmt = self.conn.prepare_cached(concat!(
            "SELECT ",
            columns!(),
            " FROM sessions WHERE subject_id = ?1 AND hash > ?2 ORDER BY hash LIMIT ?3"
        ))?;
        let mut rows = stmt.query(rusqlite::params![subject_id, after, limit as i64])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(row(raw(r)?)?);
        }
        Ok(out)
    }

    fn count_sessions_of_subject(&self, subject_id: i64) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM sessions WHERE subject_id = ?1")?
            .query_row([subject_id], |r| r.get(0))?;
        Ok(n as u64)
    }
}
