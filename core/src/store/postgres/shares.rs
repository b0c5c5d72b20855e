//! The `shares` table: shares by the keyed hash of their id, with their sealed spec.

use postgres::Row;

use super::{fixed, get, Db};
use crate::error::{Error, Result};
use crate::shares::store::{ShareReads, ShareRow, ShareWrites};

macro_rules! columns {
    () => {
        "hash, subject_id, spec, created_ms, updated_ms, expires_ms, max_reads, reads"
    };
}

fn row(r: &Row) -> Result<ShareRow> {
    Ok(ShareRow {
        hash: fixed(get(r, 0)?, "share hash")?,
        subject_id: get(r, 1)?,
        spec: get(r, 2)?,
        created_ms: get(r, 3)?,
        updated_ms: get(r, 4)?,
        expires_ms: get(r, 5)?,
        max_reads: get(r, 6)?,
        reads: get(r, 7)?,
    })
}

impl ShareWrites for Db<'_> {
    fn insert_share(&self, s: &ShareRow) -> Result<bool> {
        // The primary key decides; a taken one leaves the transaction usable (no error).
        let n = self.exec(
            concat!(
                "INSERT INTO shares (",
                columns!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (hash) DO NOTHING"
            ),
            &[
                &s.hash.as_slice(),
                &s.subject_id,
                &s.spec,
                &s.created_ms,
                &s.updated_ms,
                &s.expires_ms,
                &s.max_reads,
                &s.reads,
            ],
        )?;
        Ok(n == 1)
    }

    fn update_share(&self, s: &ShareRow) -> Result<()> {
        let n = self.exec(
            "UPDATE shares SET spec = $2, updated_ms = $3, reads = $4 WHERE hash = $1 AND reads = $5",
            &[&s.hash.as_slice(), &s.spec, &s.updated_ms, &s.reads, &(s.reads - 1)],
        )?;
        if n != 1 {
            return Err(Error::integrity("a share changed under its update"));
        }
        Ok(())
    }

    fn delete_share(&self, hash: &[u8; 16]) -> Result<bool> {
        Ok(self.exec("DELETE FROM shares WHERE hash = $1", &[&hash.as_slice()])? > 0)
    }

    fn delete_shares_of_subject(&self, subject_id: i64) -> Result<u64> {
        self.exec("DELETE FROM shares WHERE subject_id = $1", &[&subject_id])
    }

    fn purge_expired_shares(&self, now_ms: i64, limit: u64) -> Result<u64> {
        let limit = limit as i64;
        self.exec(
            "DELETE FROM shares WHERE hash IN (SELECT hash FROM shares WHERE expires_ms <= $1 LIMIT $2)",
            &[&now_ms, &limit],
        )
    }
}

impl ShareReads for Db<'_> {
    fn share(&self, hash: &[u8; 16]) -> Result<Option<ShareRow>> {
        self.maybe(concat!("SELECT ", columns!(), " FROM shares WHERE hash = $1"), &[&hash.as_slice()], row)
    }

    fn shares_of_subject(&self, subject_id: i64) -> Result<Vec<ShareRow>> {
        self.all(
            concat!("SELECT ", columns!(), " FROM shares WHERE subject_id = $1 ORDER BY hash"),
            &[&subject_id],
            row,
        )
    }

    fn count_shares_of_subject(&self, subject_id: i64) -> Result<u64> {
        let n: i64 = get(&self.one("SELECT count(*) FROM shares WHERE subject_id = $1", &[&subject_id])?, 0)?;
        Ok(n as u64)
    }
}
