//! The agreements: the append-only history of decisions (`agreements`) and its current view
//! (`consent_current`).

use rusqlite::OptionalExtension;

use crate::consent::store::{CurrentRow, DecisionReads, DecisionRow, DecisionWrites};
use crate::error::Result;
use crate::store::sqlite::{fixed, mac_or_none, Db};

// ---- agreements ------------------------------------------------------------------------------

macro_rules! decision_columns {
    () => {
        "seq, subject_id, basis_id, decision, notice_version, time_ms, start_ms, expires_ms, actor, details, \
         outbox_seq, prev_mac, mac"
    };
}

type RawDecision = (DecisionRow, Option<Vec<u8>>, Option<Vec<u8>>);

fn raw_decision(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawDecision> {
    let row = DecisionRow {
        seq: r.get(0)?,
        subject_id: r.get(1)?,
        basis_id: r.get(2)?,
        decision: r.get(3)?,
        notice_version: r.get(4)?,
        time_ms: r.get(5)?,
        start_ms: r.get(6)?,
        expires_ms: r.get(7)?,
        actor: r.get(8)?,
        details: r.get(9)?,
        outbox_seq: r.get(10)?,
        prev_mac: [0; 32],
        mac: [0; 32],
    };
    Ok((row, r.get(11)?, r.get(12)?))
}

fn decision((mut row, prev_mac, mac): RawDecision) -> Result<DecisionRow> {
    row.prev_mac = mac_or_none(prev_mac)?;
    row.mac = mac_or_none(mac)?;
    Ok(row)
}

macro_rules! current_columns {
    () => {
        "subject_id, basis_id, seq, decision, start_ms, expires_ms, mac"
    };
}

type RawCurrent = (i64, i64, i64, i64, i64, Option<i64>, Vec<u8>);

fn raw_current(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawCurrent> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn current_row((subject_id, basis_id, seq, decision, start_ms, expires_ms, mac): RawCurrent) -> Result<CurrentRow> {
    Ok(CurrentRow { subject_id, basis_id, seq, decision, start_ms, expires_ms, mac: fixed(mac, "agreement MAC")? })
}

fn current_rows_uncached(stmt: &mut rusqlite::Statement<'_>) -> Result<Vec<CurrentRow>> {
    let rows = stmt.query_map([], raw_current)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(current_row).collect()
}

/// The current decisions a statement selects (with [`current_columns`]).
fn current_rows(stmt: &mut rusqlite::CachedStatement<'_>, params: impl rusqlite::Params) -> Result<Vec<CurrentRow>> {
    let rows = stmt.query_map(params, raw_current)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(current_row).collect()
}

impl DecisionReads for Db<'_> {
    fn last_decision_seq(&self) -> Result<i64> {
        let db = self;
        Ok(db
            .conn
            .prepare_cached(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'agreements'), 0),
                            coalesce((SELECT max(seq) FROM agreements), 0))",
            )?
            .query_row([], |r| r.get(0))?)
    }

    fn newest_decision_mac(&self, subject_id: i64) -> Result<Option<[u8; 32]>> {
        let db = self;
        let found: Option<Option<Vec<u8>>> = db
            .conn
            .prepare_cached("SELECT mac FROM agreements WHERE subject_id = ?1 ORDER BY seq DESC LIMIT 1")?
            .query_row([subject_id], |r| r.get(0))
            .optional()?;
        found.map(mac_or_none).transpose()
    }

    fn subjects_with_decisions(&self) -> Result<Vec<i64>> {
        let db = self;
        let mut stmt = db.conn.prepare("SELECT DISTINCT subject_id FROM agreements ORDER BY subject_id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<i64>>>()?)
    }

    fn decision_history(&self, subject_id: i64) -> Result<Vec<DecisionRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            decision_columns!(),
            " FROM agreements WHERE subject_id = ?1 ORDER BY seq"
        ))?;
        let rows = stmt.query_map([subject_id], raw_decision)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(decision).collect()
    }

    fn decision_by_seq(&self, seq: i64) -> Result<Option<DecisionRow>> {
        let db = self;
        db.conn
            .prepare_cached(concat!("SELECT ", decision_columns!(), " FROM agreements WHERE seq = ?1"))?
            .query_row([seq], raw_decision)
            .optional()?
            .map(decision)
            .transpose()
    }

    fn all_current_decisions(&self) -> Result<Vec<CurrentRow>> {
        let db = self;
        let mut stmt = db.conn.prepare(concat!(
            "SELECT ",
            current_columns!(),
            " FROM agreements_now ORDER BY subject_id, basis_id"
        ))?;
        current_rows_uncached(&mut stmt)
    }

    fn current_decision(&self, subject_id: i64, basis_id: i64) -> Result<Option<CurrentRow>> {
        let db = self;
        db.conn
            .prepare_cached(concat!(
                "SELECT ",
                current_columns!(),
                " FROM agreements_now WHERE subject_id = ?1 AND basis_id = ?2"
            ))?
            .query_row([subject_id, basis_id], raw_current)
            .optional()?
            .map(current_row)
            .transpose()
    }

    fn current_decision_after(
        &self,
        subject_id: i64,
        basis_id: i64,
        after_read: bool,
    ) -> Result<(Option<CurrentRow>, bool)> {
        let db = self;
        let before = if after_read && db.seen.is_some() { db.data_version().ok() } else { None };
        let row = db.current_decision(subject_id, basis_id)?;
        let same = before.is_some() && db.data_version().ok() == before;
        Ok((row, same))
    }

    fn current_decisions_of_subject(&self, subject_id: i64) -> Result<Vec<CurrentRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            current_columns!(),
            " FROM agreements_now WHERE subject_id = ?1 ORDER BY basis_id"
        ))?;
        current_rows(&mut stmt, [subject_id])
    }

    fn given_through(&self, basis_id: i64, through: i64, limit: u64) -> Result<Vec<CurrentRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            current_columns!(),
            " FROM agreements_now WHERE basis_id = ?1 AND decision = 1 AND seq <= ?2 ORDER BY seq LIMIT ?3"
        ))?;
        current_rows(&mut stmt, rusqlite::params![basis_id, through, limit as i64])
    }

    fn expired_decisions(&self, now_ms: i64, limit: u64) -> Result<Vec<CurrentRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            current_columns!(),
            " FROM agreements_now WHERE decision = 1 AND expires_ms IS NOT NULL AND expires_ms <= ?1
             ORDER BY expires_ms LIMIT ?2"
        ))?;
        current_rows(&mut stmt, rusqlite::params![now_ms, limit as i64])
    }
}

impl DecisionWrites for Db<'_> {
    fn next_decision_seq(&self) -> Result<i64> {
        let tx = self;
        Ok(tx.last_decision_seq()? + 1)
    }

    fn append_decision(&self, d: &DecisionRow) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(concat!(
                "INSERT INTO agreements (",
                decision_columns!(),
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
            ))?
            .execute(rusqlite::params![
                d.seq,
                d.subject_id,
                d.basis_id,
                d.decision,
                d.notice_version,
                d.time_ms,
                d.start_ms,
                d.expires_ms,
                d.actor,
                d.details,
                d.outbox_seq,
                d.prev_mac.as_slice(),
                d.mac.as_slice()
            ])?;
        Ok(())
    }

    fn set_decision_macs(&self, seq: i64, prev_mac: &[u8; 32], mac: &[u8; 32]) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached("UPDATE agreements SET prev_mac = ?2, mac = ?3 WHERE seq = ?1")?
            .execute(rusqlite::params![seq, prev_mac.as_slice(), mac.as_slice()])?;
        Ok(())
    }

    fn set_current_decision(&self, c: &CurrentRow) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(concat!(
                "INSERT OR REPLACE INTO agreements_now (",
                current_columns!(),
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            ))?
            .execute(rusqlite::params![
                c.subject_id,
                c.basis_id,
                c.seq,
                c.decision,
                c.start_ms,
                c.expires_ms,
                c.mac.as_slice()
            ])?;
        Ok(())
    }

    fn delete_decisions_of_subject(&self, subject_id: i64) -> Result<u64> {
        let tx = self;
        let n = tx.conn.prepare_cached("DELETE FROM agreements WHERE subject_id = ?1")?.execute([subject_id])?;
        tx.conn.prepare_cached("DELETE FROM agreements_now WHERE subject_id = ?1")?.execute([subject_id])?;
        Ok(n as u64)
    }
}
