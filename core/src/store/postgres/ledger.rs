//! The `erasure_ledger` table: one keyed-hash entry per erased subject, MAC-chained.

use super::{fixed, get, Db};
use crate::error::Result;
use crate::ledger::store::{LedgerReads, LedgerRow, LedgerWrites};

impl LedgerWrites for Db<'_> {
    fn insert_ledger_row(&self, row: &LedgerRow) -> Result<bool> {
        let n = self.exec(
            "INSERT INTO erasure_ledger (seq, subject, indexes, erased_ms, mac) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (subject) DO NOTHING",
            &[&row.seq, &row.subject.as_slice(), &row.indexes, &row.erased_ms, &row.mac.as_slice()],
        )?;
        Ok(n == 1)
    }
}

impl LedgerReads for Db<'_> {
    fn ledger_head(&self) -> Result<Option<(i64, [u8; 32])>> {
        let rows = self.rows("SELECT seq, mac FROM erasure_ledger ORDER BY seq DESC LIMIT 1", &[])?;
        rows.first().map(|r| Ok((get(r, 0)?, fixed(get(r, 1)?, "ledger MAC")?))).transpose()
    }

    fn ledger_rows(&self, after: i64, limit: u64) -> Result<Vec<LedgerRow>> {
        let limit = limit as i64;
        let rows = self.rows(
            "SELECT seq, subject, indexes, erased_ms, mac FROM erasure_ledger WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&after, &limit],
        )?;
        rows.iter()
            .map(|r| {
                Ok(LedgerRow {
                    seq: get(r, 0)?,
                    subject: fixed(get(r, 1)?, "ledger subject")?,
                    indexes: get(r, 2)?,
                    erased_ms: get(r, 3)?,
                    mac: fixed(get(r, 4)?, "ledger MAC")?,
                })
            })
            .collect()
    }

    fn ledger_has(&self, subject: &[u8; 32]) -> Result<bool> {
        Ok(!self.rows("SELECT 1 FROM erasure_ledger WHERE subject = $1", &[&subject.as_slice()])?.is_empty())
    }
}
