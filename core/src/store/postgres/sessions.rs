//! The `sessions` table: sessions by the keyed hash of their id, their sealed data and expiry.

use postgres::Row;

use super::{fixed, get, Db};
use crate::error::{Error, Result};
use crate::sessions::store::{SessionReads, SessionRow, SessionWrites};

macro_rules! columns {
    () => {
        "hash, subject_id, data, created_ms, updated_ms, expires_ms, version"
    };
}

fn row(r: &Row) -> Result<SessionRow> {
    Ok(SessionRow {
        hash: fixed(get(r, 0)?, "session hash")?,
        subject_id: get(r, 1)?,
        data: get(r, 2)?,
        created_ms: get(r, 3)?,
        updated_ms: get(r, 4)?,
        expires_ms: get(r, 5)?,
        version: get(r, 6)?,
        link: None,
    })
}

impl SessionWrites for Db<'_> {
    fn insert_session(&self, s: &SessionRow) -> Result<bool> {
        // The primary key decides; a taken one leaves the transaction usable (no error).
        let n = self.exec(
            concat!(
                "INSERT INTO sessions (",
                columns!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (hash) DO NOTHING"
            ),
            &[&s.hash.as_slice(), &s.subject_id, &s.data, &s.created_ms, &s.updated_ms, &s.expires_ms, &s.version],
        )?;
        Ok(n == 1)
    }

    fn update_session(&self, s: &SessionRow) -> Result<()> {
        let n = self.exec(
            "UPDATE sessions SET subject_id = $2, data = $3, updated_ms = $4, expires_ms = $5, version = $6
             WHERE hash = $1 AND version = $7",
            &[&s.hash.as_slice(), &s.subject_id, &s.data, &s.updated_ms, &s.expires_ms, &s.version, &(s.version - 1)],
        )?;
        if n != 1 {
            return Err(Error::integrity("a session changed under its update"));
        }
        Ok(())
    }

    fn delete_session(&self, hash: &[u8; 16]) -> Result<bool> {
        Ok(self.exec("DELETE FROM sessions WHERE hash = $1", &[&hash.as_slice()])? > 0)
    }

    fn purge_expired_sessions(
        &self,
        now_ms: i64,
        after: Option<&[u8; 16]>,
        limit: u64,
    ) -> Result<(u64, Option<[u8; 16]>)> {
        let after: &[u8] = after.map_or(&[], |a| a.as_slice());
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let row = self.one(
            "WITH gone AS (
               DELETE FROM sessions WHERE hash IN
                 (SELECT hash FROM sessions WHERE hash > $2 AND expires_ms <= $1 ORDER BY hash LIMIT $3)
               RETURNING hash)
             SELECT count(*), (SELECT hash FROM gone ORDER BY hash DESC LIMIT 1) FROM gone",
            &[&now_ms, &after, &limit],
        )?;
        let n: i64 = get(&row, 0)?;
        let last: Option<Vec<u8>> = get(&row, 1)?;
        Ok((n as u64, last.map(|h| fixed(h, "session hash")).transpose()?))
    }

    fn delete_sessions_of_subject(&self, subject_id: i64) -> Result<u64> {
        self.exec("DELETE FROM sessions WHERE subject_id = $1", &[&subject_id])
    }
}

impl SessionReads for Db<'_> {
    fn session(&self, hash: &[u8; 16]) -> Result<Option<SessionRow>> {
        self.maybe(
            "SELECT x.hash, x.subject_id, x.data, x.created_ms, x.updated_ms, x.expires_ms, x.version, s.token, s.dek
             FROM sessions x LEFT JOIN subjects s ON s.id = x.subject_id WHERE x.hash = $1",
            &[&hash.as_slice()],
            |r| {
                let mut session = row(r)?;
                let (token, dek): (Option<Vec<u8>>, Option<Vec<u8>>) = (get(r, 7)?, get(r, 8)?);
                if let (Some(token), Some(dek)) = (token, dek) {
                    session.link = Some((fixed(token, "subject token")?, dek));
                }
                Ok(session)
            },
        )
    }

    fn sessions_of_subject(&self, subject_id: i64, after: Option<&[u8; 16]>, limit: u64) -> Result<Vec<SessionRow>> {
        let after: &[u8] = after.map_or(&[], |a| a.as_slice());
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.all(
            concat!("SELECT ", columns!(), " FROM sessions WHERE subject_id = $1 AND hash > $2 ORDER BY hash LIMIT $3"),
            &[&subject_id, &after, &limit],
            row,
        )
    }

    fn count_sessions_of_subject(&self, subject_id: i64) -> Result<u64> {
        let n: i64 = get(&self.one("SELECT count(*) FROM sessions WHERE subject_id = $1", &[&subject_id])?, 0)?;
        Ok(n as u64)
    }
}
