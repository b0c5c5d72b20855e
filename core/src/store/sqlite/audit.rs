//! The `audit` table: the chain's head, appends, pages newest first (by subject or across all),
//! and a walk in chain order for verification.

use rusqlite::OptionalExtension;

use super::{fixed, Db, Tx};
use crate::audit::action::{Action, OK};
use crate::error::{Error, ErrorKind, Result};
use crate::store::{AuditRow, NewAuditRow};

macro_rules! columns {
    () => {
        "seq, time_ms, actor, purpose, action, subject, subject_id, version, outcome, details, mac, ref"
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
    ))
}

fn row(raw: Raw) -> Result<AuditRow> {
    let (seq, time_ms, actor, purpose, action, subject, subject_id, version, outcome, details, mac, reference) = raw;
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
    })
}

/// The last event's sequence number and MAC, or `None` for an empty log.
pub(crate) fn head(db: &Db<'_>) -> Result<Option<(u64, [u8; 32])>> {
    let found: Option<(i64, Vec<u8>)> = db
        .conn
        .prepare_cached("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    found.map(|(seq, mac)| Ok((seq as u64, fixed(mac, "audit MAC")?))).transpose()
}

/// Appends events, the insert prepared once for a whole batch (the flusher appends thousands).
pub(crate) struct Appender<'t> {
    insert: rusqlite::CachedStatement<'t>,
}

/// An [`Appender`] for events of the transaction `tx`.
pub(crate) fn appender<'t>(tx: &'t Tx<'_>) -> Result<Appender<'t>> {
    Ok(Appender {
        insert: tx.conn.prepare_cached(concat!(
            "INSERT INTO audit (",
            columns!(),
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ))?,
    })
}

impl Appender<'_> {
    /// Append one event (its sequence number is the primary key: two appends of one number fail).
    pub(crate) fn insert(&mut self, e: &NewAuditRow<'_>) -> Result<()> {
        let outcome = match e.outcome {
            OK => 0,
            code => i64::from(
                ErrorKind::from_code(code)
                    .ok_or_else(|| Error::internal("an event's outcome is not an error code"))?
                    .number(),
            ),
        };
        self.insert.execute(rusqlite::params![
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
        Ok(())
    }
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

/// Index the events after the mark up to `head` (the last event's sequence number) by subject,
/// in one sorted pass, once at least `batch` of them wait (so each index page is written once
/// per batch instead of once per event); returns how many were indexed.
pub(crate) fn index_pending(tx: &Tx<'_>, head: u64, batch: u64) -> Result<u64> {
    let from = indexed(tx)?;
    let head = head as i64;
    if head - from < batch as i64 {
        return Ok(0);
    }
    tx.conn
        .prepare_cached(
            "INSERT INTO audit_subjects (subject_id, seq)
             SELECT subject_id, seq FROM audit WHERE seq > ?1 AND seq <= ?2 AND subject_id IS NOT NULL
             ORDER BY subject_id, seq",
        )?
        .execute([from, head])?;
    tx.conn
        .prepare_cached(
            "INSERT INTO meta (name, value) VALUES ('audit_indexed', ?1)
             ON CONFLICT (name) DO UPDATE SET value = ?1",
        )?
        .execute([head])?;
    Ok((head - from) as u64)
}

/// Whether `audit_subjects` holds exactly the (subject, event) pairs of the events up to its mark
/// (which is at most `head`) that name a subject.
pub(crate) fn subject_index_is_exact(db: &Db<'_>, head: u64) -> Result<bool> {
    let mark = indexed(db)?;
    if mark < 0 || mark as u64 > head {
        return Ok(false);
    }
    let (listed, events, orphans): (i64, i64, i64) = db.conn.query_row(
        "SELECT (SELECT count(*) FROM audit_subjects),
                (SELECT count(*) FROM audit WHERE seq <= ?1 AND subject_id IS NOT NULL),
                (SELECT count(*) FROM audit_subjects i
                   WHERE i.seq > ?1
                      OR NOT EXISTS (SELECT 1 FROM audit a WHERE a.seq = i.seq AND a.subject_id = i.subject_id))",
        [mark],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    // The pairs are unique (primary key), none is an orphan and there are as many as events:
    // the same set.
    Ok(orphans == 0 && listed == events)
}

/// How many events name the subject with row id `subject_id` (the indexed ones and those of the
/// log's tail after the mark).
pub(crate) fn count_for_subject(db: &Db<'_>, subject_id: i64) -> Result<u64> {
    let n: i64 = db
        .conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM audit_subjects WHERE subject_id = ?1 AND seq <= ?2)
                  + (SELECT count(*) FROM audit WHERE seq > ?2 AND subject_id = ?1)",
        )?
        .query_row([subject_id, indexed(db)?], |r| r.get(0))?;
    Ok(n as u64)
}

/// How many of a subject's events carry encrypted details.
pub(crate) fn count_details_for_subject(db: &Db<'_>, subject_id: i64) -> Result<u64> {
    let n: i64 = db
        .conn
        .prepare_cached("SELECT count(*) FROM audit WHERE subject_id = ?1 AND details IS NOT NULL")?
        .query_row([subject_id], |r| r.get(0))?;
    Ok(n as u64)
}

/// How many events the log holds.
pub(crate) fn count_all(db: &Db<'_>) -> Result<u64> {
    let n: i64 = db.conn.prepare_cached("SELECT count(*) FROM audit")?.query_row([], |r| r.get(0))?;
    Ok(n as u64)
}

/// A subject's events below sequence number `before` (all when `None`), newest first: from the
/// log's tail after the index mark first, then through the index.
pub(crate) fn page_for_subject(db: &Db<'_>, subject_id: i64, before: Option<u64>, limit: u64) -> Result<Vec<AuditRow>> {
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
    let left = limit.saturating_sub(out.len() as u64);
    if left > 0 {
        let mut indexed_rows = db.conn.prepare_cached(concat!(
            "SELECT ",
            columns!(),
            " FROM audit WHERE seq IN
               (SELECT seq FROM audit_subjects WHERE subject_id = ?1 AND seq <= ?2 AND seq < ?3
                ORDER BY seq DESC LIMIT ?4)
             ORDER BY seq DESC"
        ))?;
        for r in indexed_rows.query_map(rusqlite::params![subject_id, mark, before, left as i64], raw)? {
            out.push(row(r?)?);
        }
    }
    Ok(out)
}

/// All events below sequence number `before` (all when `None`), newest first.
pub(crate) fn page_all(db: &Db<'_>, before: Option<u64>, limit: u64) -> Result<Vec<AuditRow>> {
    let before = before.map_or(i64::MAX, |b| b.min(i64::MAX as u64) as i64);
    let mut stmt = db.conn.prepare_cached(concat!(
        "SELECT ",
        columns!(),
        " FROM audit WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(rusqlite::params![before, limit as i64], raw)?;
    rows.map(|r| row(r?)).collect()
}

/// Every event in chain order, handed to `f` one at a time.
pub(crate) fn walk(db: &Db<'_>, mut f: impl FnMut(AuditRow) -> Result<()>) -> Result<()> {
    let mut stmt = db.conn.prepare(concat!("SELECT ", columns!(), " FROM audit ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        f(row(raw(r)?)?)?;
    }
    Ok(())
}
