//! The `audit` table: the chain's head, appends, pages newest first (by subject or across all),
//! and a walk in chain order for verification.

use rusqlite::OptionalExtension;

use super::{fixed, Db, Tx};
use crate::action::{Action, OK};
use crate::audit_log::store::AuditLogReads;
use crate::chain::store::{AuditRow, ChainReads, ChainWrites, DetailsRow, NewAuditRow};
use crate::error::{Error, ErrorKind, Result};

/// The columns an append writes (a new event has no `details_hash`: only shredding sets it).
macro_rules! appended {
    () => {
        "seq, time_ms, actor, purpose, action, subject, subject_id, version, outcome, details, mac, ref"
    };
}

/// The columns an event is read from.
macro_rules! columns {
    () => {
        concat!(appended!(), ", details_hash")
    };
}

type Raw = (
    i64,
    i64,
    String,
    Option<String>,
    i64,
    Option<Vec<u8>>,
    Option<i64>,
    Option<i64>,
    i64,
    Option<Vec<u8>>,
    Vec<u8>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
    ))
}

fn row(raw: Raw) -> Result<AuditRow> {
    let (seq, time_ms, actor, purpose, action, subject, subject_id, version, outcome, details, mac, reference, hash) =
        raw;
    Ok(AuditRow {
        seq: seq as u64,
        time_ms,
        actor,
        purpose,
        action: Action::from_number(action)
            .ok_or_else(|| Error::integrity("an audit event names an unknown action"))?
            .as_str()
            .to_owned(),
        subject: subject.map(|s| fixed(s, "audit subject")).transpose()?,
        subject_id,
        version,
        outcome: match outcome {
            0 => OK.to_owned(),
            n => i32::try_from(n)
                .ok()
                .and_then(ErrorKind::from_number)
                .ok_or_else(|| Error::integrity("an audit event has an unknown outcome"))?
                .code()
                .to_owned(),
        },
        details,
        mac: fixed(mac, "audit MAC")?,
        reference: reference.map(|r| fixed(r, "audit reference")).transpose()?,
        details_hash: hash.map(|h| fixed(h, "audit details hash")).transpose()?,
    })
}

/// The audit's index mark: every event up to it is in `audit_subjects`.
fn indexed(db: &Db<'_>) -> Result<i64> {
    Ok(db
        .conn
        .prepare_cached("SELECT value FROM meta WHERE name = 'audit_indexed'")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// How many runs of one level are merged into one run of the next.
const MERGE_FAN_IN: usize = 8;
/// The most events a merge may cover: the largest merge rewrites about this many entries
/// (~0.15 s) in the transaction of a flush. With the default `audit_index_batch` (100,000) runs
/// are never merged (eight would cover 800,000 events): a listing then looks into one run per
/// 100,000 events of the log.
const MERGED_RUN_EVENTS: i64 = 1 << 18;

/// Keep the runs few when passes are small: while the newest [`MERGE_FAN_IN`] runs are all of
/// one level and cover at most [`MERGED_RUN_EVENTS`] events together, merge them into one run of
/// the next level (so each entry is rewritten once per level, and a listing looks into at most
/// `MERGE_FAN_IN - 1` runs per level besides the unmerged ones).
fn merge_runs(tx: &Tx<'_>) -> Result<()> {
    loop {
        let newest: Vec<Run> = runs(tx)?.into_iter().take(MERGE_FAN_IN).collect();
        let (Some(first), Some(last)) = (newest.first(), newest.last()) else { return Ok(()) };
        if newest.len() < MERGE_FAN_IN
            || newest.iter().any(|r| r.level != first.level)
            || first.last - last.after > MERGED_RUN_EVENTS
        {
            return Ok(());
        }
        let (from, to, merged) = (last.run, first.run, first.run + 1);
        // Run numbers only grow, so the runs numbered `from` to `to` are exactly these.
        tx.conn
            .prepare_cached(
                "INSERT INTO audit_subjects (run, subject_id, seq)
                 SELECT ?1, subject_id, seq FROM audit_subjects WHERE run >= ?2 AND run <= ?3 ORDER BY subject_id, seq",
            )?
            .execute([merged, from, to])?;
        tx.conn.prepare_cached("DELETE FROM audit_subjects WHERE run >= ?1 AND run <= ?2")?.execute([from, to])?;
        tx.conn.prepare_cached("DELETE FROM audit_runs WHERE run >= ?1 AND run <= ?2")?.execute([from, to])?;
        tx.conn.prepare_cached("INSERT INTO audit_runs (run, last_seq, level) VALUES (?1, ?2, ?3)")?.execute([
            merged,
            first.last,
            first.level + 1,
        ])?;
    }
}

/// One run of the audit's index by subject: it covers the events after `after` up to `last`.
struct Run {
    run: i64,
    after: i64,
    last: i64,
    level: i64,
}

/// The runs of the audit's index by subject, newest first.
fn runs(db: &Db<'_>) -> Result<Vec<Run>> {
    let mut stmt = db.conn.prepare_cached(
        "SELECT run, coalesce(lag(last_seq) OVER (ORDER BY run), 0), last_seq, level FROM audit_runs ORDER BY run DESC",
    )?;
    let rows =
        stmt.query_map([], |r| Ok(Run { run: r.get(0)?, after: r.get(1)?, last: r.get(2)?, level: r.get(3)? }))?;
    rows.map(|r| r.map_err(Error::from)).collect()
}

impl ChainReads for Db<'_> {
    fn audit_head(&self) -> Result<Option<(u64, [u8; 32])>> {
        let db = self;
        let found: Option<(i64, Vec<u8>)> = db
            .conn
            .prepare_cached("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        found.map(|(seq, mac)| Ok((seq as u64, fixed(mac, "audit MAC")?))).transpose()
    }

    fn count_audit_details_of_subject(&self, subject_id: i64) -> Result<u64> {
        let db = self;
        let n: i64 = db
            .conn
            .prepare_cached("SELECT count(*) FROM audit WHERE subject_id = ?1 AND details IS NOT NULL")?
            .query_row([subject_id], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn walk_audit(&self, f: &mut dyn FnMut(AuditRow) -> Result<()>) -> Result<()> {
        let db = self;
        let mut stmt = db.conn.prepare(concat!("SELECT ", columns!(), " FROM audit ORDER BY seq"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(row(raw(r)?)?)?;
        }
        Ok(())
    }

    fn audit_details_from(&self, from: u64, limit: u64) -> Result<Vec<DetailsRow>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, time_ms, details FROM audit WHERE seq >= ?1 ORDER BY seq LIMIT ?2")?;
        let rows = stmt.query_map([from.min(i64::MAX as u64) as i64, limit.min(i64::MAX as u64) as i64], |r| {
            Ok(DetailsRow { seq: r.get::<_, i64>(0)? as u64, time_ms: r.get(1)?, details: r.get(2)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

impl ChainWrites for Db<'_> {
    fn append_audit(&self, rows: &[NewAuditRow<'_>]) -> Result<()> {
        let mut insert = self.conn.prepare_cached(concat!(
            "INSERT INTO audit (",
            appended!(),
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ))?;
        for e in rows {
            let outcome = match e.outcome {
                OK => 0,
                code => i64::from(
                    ErrorKind::from_code(code)
                        .ok_or_else(|| Error::internal("an event's outcome is not an error code"))?
                        .number(),
                ),
            };
            insert.execute(rusqlite::params![
                e.seq as i64,
                e.time_ms,
                e.actor,
                e.purpose,
                e.action.number(),
                e.subject.map(|s| s.as_slice()),
                e.subject_id,
                e.version,
                outcome,
                e.details,
                e.mac.as_slice(),
                e.reference.map(|r| r.as_slice()),
            ])?;
        }
        Ok(())
    }

    fn shred_audit_details(&self, seq: u64, hash: &[u8; 32]) -> Result<bool> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE audit SET details = NULL, details_hash = ?2 WHERE seq = ?1 AND details IS NOT NULL",
            )?
            .execute(rusqlite::params![seq as i64, hash.as_slice()])?;
        Ok(n == 1)
    }

    fn index_audit(&self, head: u64, batch: u64) -> Result<u64> {
        let tx = self;
        let from = indexed(tx)?;
        let head = head as i64;
        if head - from < batch as i64 {
            return Ok(0);
        }
        let run: i64 =
            tx.conn.prepare_cached("SELECT coalesce(max(run), 0) + 1 FROM audit_runs")?.query_row([], |r| r.get(0))?;
        tx.conn
            .prepare_cached(
                "INSERT INTO audit_subjects (run, subject_id, seq)
                 SELECT ?3, subject_id, seq FROM audit WHERE seq > ?1 AND seq <= ?2 AND subject_id IS NOT NULL
                 ORDER BY subject_id, seq",
            )?
            .execute([from, head, run])?;
        tx.conn
            .prepare_cached("INSERT INTO audit_runs (run, last_seq, level) VALUES (?1, ?2, 0)")?
            .execute([run, head])?;
        tx.conn
            .prepare_cached(
                "INSERT INTO meta (name, value) VALUES ('audit_indexed', ?1)
                 ON CONFLICT (name) DO UPDATE SET value = ?1",
            )?
            .execute([head])?;
        merge_runs(tx)?;
        Ok((head - from) as u64)
    }
}

impl AuditLogReads for Db<'_> {
    fn audit_index_is_exact(&self, head: u64) -> Result<bool> {
        let db = self;
        let mark = indexed(db)?;
        if mark < 0 || mark as u64 > head {
            return Ok(false);
        }
        let (listed, events, orphans): (i64, i64, i64) = db.conn.query_row(
            "SELECT (SELECT count(*) FROM audit_subjects),
                    (SELECT count(*) FROM audit WHERE seq <= ?1 AND subject_id IS NOT NULL),
                    (SELECT count(*) FROM audit_subjects i
                       WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.seq = i.seq AND a.subject_id = i.subject_id))",
            [mark],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        // The runs follow each other up to the mark, and every pair lies in a listed run whose range
        // holds its event (so no pair is listed twice).
        let runs = runs(db)?;
        if runs.first().map_or(0, |r| r.last) != mark || runs.iter().any(|r| r.last <= r.after) {
            return Ok(false);
        }
        let mut outside = db.conn.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM audit_subjects WHERE run = ?1 AND (seq <= ?2 OR seq > ?3))",
        )?;
        for r in &runs {
            if outside.query_row([r.run, r.after, r.last], |row| row.get::<_, bool>(0))? {
                return Ok(false);
            }
        }
        let in_runs: i64 = db.conn.query_row(
            "SELECT count(*) FROM audit_subjects WHERE run IN (SELECT run FROM audit_runs)",
            [],
            |r| r.get(0),
        )?;
        // None is an orphan and there are as many as events: the same set.
        Ok(orphans == 0 && in_runs == listed && listed == events)
    }

    fn count_audit_of_subject(&self, subject_id: i64) -> Result<u64> {
        let db = self;
        let mut in_run =
            db.conn.prepare_cached("SELECT count(*) FROM audit_subjects WHERE run = ?1 AND subject_id = ?2")?;
        let mut n: i64 = 0;
        for r in runs(db)? {
            n += in_run.query_row([r.run, subject_id], |r| r.get::<_, i64>(0))?;
        }
        let tail: i64 = db
            .conn
            .prepare_cached("SELECT count(*) FROM audit WHERE seq > ?2 AND subject_id = ?1")?
            .query_row([subject_id, indexed(db)?], |r| r.get(0))?;
        Ok((n + tail) as u64)
    }

    fn count_audit(&self) -> Result<u64> {
        let db = self;
        let n: i64 = db.conn.prepare_cached("SELECT count(*) FROM audit")?.query_row([], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn audit_page_of_subject(&self, subject_id: i64, before: Option<u64>, limit: u64) -> Result<Vec<AuditRow>> {
        let db = self;
        let before = before.map_or(i64::MAX, |b| b.min(i64::MAX as u64) as i64);
        let mark = indexed(db)?;
        let mut out = Vec::new();
        {
            let mut tail = db.conn.prepare_cached(concat!(
                "SELECT ",
                columns!(),
                " FROM audit WHERE seq > ?1 AND seq < ?2 AND subject_id = ?3 ORDER BY seq DESC LIMIT ?4"
            ))?;
            for r in tail.query_map(rusqlite::params![mark, before, subject_id, limit as i64], raw)? {
                out.push(row(r?)?);
            }
        }
        let mut left = limit.saturating_sub(out.len() as u64);
        if left > 0 {
            // Runs newest first: each covers later events than the runs before it, so their seqs
            // come out in order, newest first, run after run.
            let mut seqs = db.conn.prepare_cached(
                "SELECT seq FROM audit_subjects WHERE run = ?1 AND subject_id = ?2 AND seq < ?3
                 ORDER BY seq DESC LIMIT ?4",
            )?;
            let mut event = db.conn.prepare_cached(concat!("SELECT ", columns!(), " FROM audit WHERE seq = ?1"))?;
            for r in runs(db)? {
                if left == 0 {
                    break;
                }
                if r.after + 1 >= before {
                    continue;
                }
                let found: Vec<i64> = seqs
                    .query_map(rusqlite::params![r.run, subject_id, before, left as i64], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for seq in found {
                    let r = event
                        .query_row([seq], raw)
                        .optional()?
                        .ok_or_else(|| Error::integrity("the audit's index by subject names a missing event"))?;
                    out.push(row(r)?);
                    left -= 1;
                }
            }
        }
        Ok(out)
    }

    fn audit_page(&self, before: Option<u64>, limit: u64) -> Result<Vec<AuditRow>> {
        let db = self;
        let before = before.map_or(i64::MAX, |b| b.min(i64::MAX as u64) as i64);
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            columns!(),
            " FROM audit WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(rusqlite::params![before, limit as i64], raw)?;
        rows.map(|r| row(r?)).collect()
    }
}
