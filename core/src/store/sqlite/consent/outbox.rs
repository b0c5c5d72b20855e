//! The outbox of consent events (`consent_outbox`) and its consumers' marks.

use rusqlite::OptionalExtension;

use crate::consent::store::{OutboxReads, OutboxRow, OutboxWrites};
use crate::error::Result;
use crate::store::sqlite::{fixed, mac_or_none, Db};

// ---- the outbox ------------------------------------------------------------------------------

macro_rules! event_columns {
    () => {
        "seq, subject_id, subject, basis, event, notice_version, time_ms, prev_seq, prev_mac, mac, link"
    };
}

type RawEvent = (OutboxRow, Vec<u8>, Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>);

fn raw_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawEvent> {
    let row = OutboxRow {
        seq: r.get(0)?,
        subject_id: r.get(1)?,
        subject: [0; 16],
        basis: r.get(3)?,
        event: r.get(4)?,
        notice_version: r.get(5)?,
        time_ms: r.get(6)?,
        prev_seq: r.get::<_, Option<i64>>(7)?.unwrap_or(0),
        prev_mac: [0; 32],
        mac: [0; 32],
        link: [0; 32],
    };
    Ok((row, r.get(2)?, r.get(8)?, r.get(9)?, r.get(10)?))
}

fn event_row((mut row, subject, prev_mac, mac, link): RawEvent) -> Result<OutboxRow> {
    row.subject = fixed(subject, "subject token")?;
    row.prev_mac = mac_or_none(prev_mac)?;
    row.mac = mac_or_none(mac)?;
    row.link = mac_or_none(link)?;
    Ok(row)
}

fn event_rows(stmt: &mut rusqlite::CachedStatement<'_>, params: impl rusqlite::Params) -> Result<Vec<OutboxRow>> {
    let rows = stmt.query_map(params, raw_event)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(event_row).collect()
}

impl OutboxReads for Db<'_> {
    fn newest_outbox_event(&self) -> Result<Option<(i64, [u8; 32])>> {
        let db = self;
        let found: Option<(i64, Option<Vec<u8>>)> = db
            .conn
            .prepare_cached("SELECT seq, mac FROM consent_outbox ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        found.map(|(seq, mac)| Ok((seq, mac_or_none(mac)?))).transpose()
    }

    fn outbox_events_after(&self, after: i64, limit: u64) -> Result<(Vec<OutboxRow>, u64)> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            event_columns!(),
            " FROM consent_outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2"
        ))?;
        let rows = event_rows(&mut stmt, rusqlite::params![after, limit as i64])?;
        let total: i64 = db
            .conn
            .prepare_cached("SELECT count(*) FROM consent_outbox WHERE seq > ?1")?
            .query_row([after], |r| r.get(0))?;
        Ok((rows, total as u64))
    }

    fn all_outbox_events(&self) -> Result<Vec<OutboxRow>> {
        let db = self;
        let mut stmt =
            db.conn.prepare_cached(concat!("SELECT ", event_columns!(), " FROM consent_outbox ORDER BY seq"))?;
        event_rows(&mut stmt, [])
    }

    fn outbox_events_of_subject(&self, subject_id: i64) -> Result<Vec<OutboxRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            event_columns!(),
            " FROM consent_outbox WHERE subject_id = ?1 ORDER BY seq"
        ))?;
        event_rows(&mut stmt, [subject_id])
    }

    fn outbox_event_after_link(&self, seq: i64) -> Result<Option<OutboxRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            event_columns!(),
            " FROM consent_outbox WHERE prev_seq = ?1 ORDER BY seq LIMIT 1"
        ))?;
        Ok(event_rows(&mut stmt, [seq])?.into_iter().next())
    }

    fn last_outbox_seq(&self) -> Result<i64> {
        let db = self;
        Ok(db
            .conn
            .prepare_cached("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'consent_outbox'), 0)")?
            .query_row([], |r| r.get(0))?)
    }

    fn outbox_consumers(&self) -> Result<Vec<(String, i64)>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached("SELECT name, acked FROM consent_consumers ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

impl OutboxWrites for Db<'_> {
    fn push_outbox_event(&self, e: &OutboxRow) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(concat!(
                "INSERT INTO consent_outbox (",
                event_columns!(),
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ))?
            .execute(rusqlite::params![
                e.seq,
                e.subject_id,
                e.subject.as_slice(),
                e.basis,
                e.event,
                e.notice_version,
                e.time_ms,
                e.prev_seq,
                e.prev_mac.as_slice(),
                e.mac.as_slice(),
                e.link.as_slice()
            ])?;
        Ok(())
    }

    fn delete_outbox_events_of_subject(&self, subject_id: i64) -> Result<()> {
        let tx = self;
        tx.conn.prepare_cached("DELETE FROM consent_outbox WHERE subject_id = ?1")?.execute([subject_id])?;
        Ok(())
    }

    fn relink_outbox_event(&self, e: &OutboxRow) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "UPDATE consent_outbox SET prev_seq = ?2, prev_mac = ?3, mac = ?4, link = ?5 WHERE seq = ?1",
            )?
            .execute(rusqlite::params![
                e.seq,
                e.prev_seq,
                e.prev_mac.as_slice(),
                e.mac.as_slice(),
                e.link.as_slice()
            ])?;
        Ok(())
    }

    fn mark_outbox_pruned(&self) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO meta (name, value) SELECT 'outbox_pruned', coalesce(min(acked), 0) FROM consent_consumers
                 WHERE true ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
            )?
            .execute([])?;
        Ok(())
    }

    fn register_consumer(&self, consumer: &str) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached("INSERT INTO consent_consumers (name, acked) VALUES (?1, 0) ON CONFLICT (name) DO NOTHING")?
            .execute([consumer])?;
        Ok(())
    }

    fn set_consumer_acked(&self, consumer: &str, acked: i64) -> Result<u64> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO consent_consumers (name, acked) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET acked = max(acked, ?2)",
            )?
            .execute(rusqlite::params![consumer, acked])?;
        let n = tx
            .conn
            .prepare_cached("DELETE FROM consent_outbox WHERE seq <= (SELECT min(acked) FROM consent_consumers)")?
            .execute([])?;
        tx.conn
            .prepare_cached(
                "INSERT INTO meta (name, value) SELECT 'outbox_pruned', coalesce(min(acked), 0) FROM consent_consumers
                 WHERE true ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
            )?
            .execute([])?;
        Ok(n as u64)
    }
}
