//! The `erasure_ledger` table: one keyed-hash entry per erased subject, MAC-chained.

use rusqlite::OptionalExtension;

use super::{fixed, Db};
use crate::error::Result;
use crate::ledger::store::{LedgerReads, LedgerRow, LedgerWrites};

impl LedgerWrites for Db<'_> {
    fn insert_ledger_row(&self, row: &LedgerRow) -> Result<bool> {
        let n = self
            .conn
            .prepare_cached(
                "INSERT INTO erasure_ledger (seq, subject, indexes, erased_ms, mac) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (subject) DO NOTHING",
            )?
            .execute(rusqlite::params![
                row.seq,
                row.subject.as_slice(),
                row.indexes,
                row.erased_ms,
                row.mac.as_slice()
            ])?;
        Ok(n == 1)
    }
}

impl LedgerReads for Db<'_> {
    fn ledger_head(&self) -> Result<Option<(i64, [u8; 32])>> {
        let head: Option<(i64, Vec<u8>)> = self
            .conn
            .prepare_cached("SELECT seq, mac FROM erasure_ledger ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        head.map(|(seq, mac)| Ok((seq, fixed(mac, "ledger MAC")?))).transpose()
    }

    fn ledger_rows(&self, after: i64, limit: u64) -> Result<Vec<LedgerRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, subject, indexes, erased_ms, mac FROM erasure_ledger WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let mut rows = stmt.query(rusqlite::params![after, limit as i64])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(LedgerRow {
                seq: r.get(0)?,
                subject: fixed(r.get(1)?, "ledger subject")?,
                indexes: r.get(2)?,
                erased_ms: r.get(3)?,
                mac: fixed(r.get(4)?, "ledger MAC")?,
            });
        }
        Ok(out)
    }

    fn ledger_has(&self, subject: &[u8; 32]) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM erasure_ledger WHERE subject = ?1")?
            .query_row([subject.as_slice()], |_| Ok(()))
            .optional()?
            .is_some())
    }
}
