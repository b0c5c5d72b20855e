//! The `requests` and `request_events` tables: data-subject requests with their sealed body, and
//! the outbox of their transitions.

use rusqlite::OptionalExtension;

use super::{fixed, Db};
use crate::error::{Error, Result};
use crate::requests::store::{RequestEventRow, RequestFilter, RequestReads, RequestRow, RequestWrites};

macro_rules! columns {
    () => {
        "seq, id, subject_id, kind, regime, state, verified, received_ms, due_ms, ack_due_ms, extended, updated_ms, \
         version, body"
    };
}

/// The filter of a listing, as SQL over `?1` subject, `?2` state, `?3` due by.
macro_rules! filter {
    () => {
        "(?1 IS NULL OR subject_id = ?1) AND (?2 IS NULL OR state = ?2)
         AND (?3 IS NULL OR (state IN ('open', 'in_progress') AND due_ms <= ?3))"
    };
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(RequestRow, Vec<u8>)> {
    Ok((
        RequestRow {
            seq: r.get(0)?,
            id: [0; 16],
            subject_id: r.get(2)?,
            kind: r.get(3)?,
            regime: r.get(4)?,
            state: r.get(5)?,
            verified: r.get(6)?,
            received_ms: r.get(7)?,
            due_ms: r.get(8)?,
            ack_due_ms: r.get(9)?,
            extended: r.get(10)?,
            updated_ms: r.get(11)?,
            version: r.get(12)?,
            body: r.get(13)?,
        },
        r.get(1)?,
    ))
}

fn with_id((mut row, id): (RequestRow, Vec<u8>)) -> Result<RequestRow> {
    row.id = fixed(id, "request id")?;
    Ok(row)
}

type RawEvent = (i64, Vec<u8>, Vec<u8>, String, String, String, i64, Vec<u8>);

fn event(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawEvent> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
}

fn event_row((seq, request, subject, kind, event, state, time_ms, mac): RawEvent) -> Result<RequestEventRow> {
    Ok(RequestEventRow {
        seq,
        request: fixed(request, "request id")?,
        subject: fixed(subject, "subject token")?,
        kind,
        event,
        state,
        time_ms,
        mac: fixed(mac, "request event mac")?,
    })
}

impl RequestReads for Db<'_> {
    fn request(&self, id: &[u8; 16]) -> Result<Option<RequestRow>> {
        let sql = concat!("SELECT ", columns!(), " FROM requests WHERE id = ?1");
        self.conn.prepare_cached(sql)?.query_row([id.as_slice()], row).optional()?.map(with_id).transpose()
    }

    fn active_request(&self, subject_id: i64, kind: &str) -> Result<Option<RequestRow>> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM requests WHERE subject_id = ?1 AND kind = ?2 AND state IN ('open', 'in_progress')
             ORDER BY seq LIMIT 1"
        );
        self.conn
            .prepare_cached(sql)?
            .query_row(rusqlite::params![subject_id, kind], row)
            .optional()?
            .map(with_id)
            .transpose()
    }

    fn requests(&self, f: &RequestFilter, after_seq: i64, limit: u64) -> Result<(Vec<RequestRow>, u64)> {
        let limit = i64::try_from(limit).map_err(|_| Error::invalid("limit is too large"))?;
        let params = rusqlite::params![f.subject_id, f.state, f.due_by_ms, after_seq, limit];
        let sql =
            concat!("SELECT ", columns!(), " FROM requests WHERE ", filter!(), " AND seq > ?4 ORDER BY seq LIMIT ?5");
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params, row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        let count = concat!("SELECT count(*) FROM requests WHERE ", filter!(), " AND seq > ?4");
        let total: i64 = self
            .conn
            .prepare_cached(count)?
            .query_row(rusqlite::params![f.subject_id, f.state, f.due_by_ms, after_seq], |r| r.get(0))?;
        Ok((rows.into_iter().map(with_id).collect::<Result<_>>()?, total as u64))
    }

    fn requests_of_subject(&self, subject_id: i64) -> Result<Vec<RequestRow>> {
        let sql = concat!("SELECT ", columns!(), " FROM requests WHERE subject_id = ?1 ORDER BY seq");
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([subject_id], row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(with_id).collect()
    }

    fn count_requests_of_subject(&self, subject_id: i64) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM requests WHERE subject_id = ?1")?
            .query_row([subject_id], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn request_events_after(&self, after_seq: i64, limit: u64) -> Result<(Vec<RequestEventRow>, u64)> {
        let limit = i64::try_from(limit).map_err(|_| Error::invalid("limit is too large"))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, request, subject, kind, event, state, time_ms, mac FROM request_events
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let raw = stmt.query_map([after_seq, limit], event)?.collect::<rusqlite::Result<Vec<_>>>()?;
        let total: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM request_events WHERE seq > ?1")?
            .query_row([after_seq], |r| r.get(0))?;
        let rows = raw.into_iter().map(event_row).collect::<Result<_>>()?;
        Ok((rows, total as u64))
    }

    fn last_request_event_seq(&self) -> Result<i64> {
        // The table is AUTOINCREMENT: its sequence remembers the last number even once deleted.
        Ok(self
            .conn
            .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'request_events'")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }

    fn request_event_before(&self, seq: i64) -> Result<Option<RequestEventRow>> {
        self.conn
            .prepare_cached(
                "SELECT seq, request, subject, kind, event, state, time_ms, mac FROM request_events
                 WHERE seq < ?1 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row([seq], event)
            .optional()?
            .map(event_row)
            .transpose()
    }
}

impl RequestWrites for Db<'_> {
    fn insert_request(&self, r: &RequestRow) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO requests (id, subject_id, kind, regime, state, verified, received_ms, due_ms, ack_due_ms,
                 extended, updated_ms, version, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(rusqlite::params![
                r.id.as_slice(),
                r.subject_id,
                r.kind,
                r.regime,
                r.state,
                r.verified,
                r.received_ms,
                r.due_ms,
                r.ack_due_ms,
                r.extended,
                r.updated_ms,
                r.version,
                r.body
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    fn update_request(&self, r: &RequestRow) -> Result<()> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE requests SET state = ?2, verified = ?3, due_ms = ?4, extended = ?5, updated_ms = ?6,
                 version = ?7, body = ?8 WHERE id = ?1 AND version = ?9",
            )?
            .execute(rusqlite::params![
                r.id.as_slice(),
                r.state,
                r.verified,
                r.due_ms,
                r.extended,
                r.updated_ms,
                r.version,
                r.body,
                r.version - 1
            ])?;
        if n != 1 {
            return Err(Error::integrity("a request changed under its own update"));
        }
        Ok(())
    }

    fn delete_requests_of_subject(&self, subject_id: i64) -> Result<u64> {
        Ok(self.conn.prepare_cached("DELETE FROM requests WHERE subject_id = ?1")?.execute([subject_id])? as u64)
    }

    fn insert_request_event(&self, e: &RequestEventRow) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO request_events (seq, request, subject, kind, event, state, time_ms, mac)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(rusqlite::params![
                e.seq,
                e.request.as_slice(),
                e.subject.as_slice(),
                e.kind,
                e.event,
                e.state,
                e.time_ms,
                e.mac.as_slice()
            ])?;
        Ok(())
    }

    fn delete_request_events_through(&self, seq: i64) -> Result<u64> {
        Ok(self.conn.prepare_cached("DELETE FROM request_events WHERE seq <= ?1")?.execute([seq])? as u64)
    }
}
