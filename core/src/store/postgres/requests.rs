//! The `requests` and `request_events` tables: data-subject requests with their sealed body, and
//! the outbox of their transitions (its last number kept in `meta`, so numbers are never reused
//! once acknowledged events are deleted).

use postgres::Row;

use super::{fixed, get, limit, Db};
use crate::error::{Error, Result};
use crate::requests::store::{RequestEventRow, RequestFilter, RequestReads, RequestRow, RequestWrites};

macro_rules! columns {
    () => {
        "seq, id, subject_id, kind, regime, state, verified, received_ms, due_ms, ack_due_ms, extended, updated_ms, \
         version, body"
    };
}

/// The filter of a listing over `$1` subject, `$2` state, `$3` due by.
macro_rules! filter {
    () => {
        "($1::bigint IS NULL OR subject_id = $1) AND ($2::text IS NULL OR state = $2)
         AND ($3::bigint IS NULL OR (state IN ('open', 'in_progress') AND due_ms <= $3))"
    };
}

fn row(r: &Row) -> Result<RequestRow> {
    Ok(RequestRow {
        seq: get(r, 0)?,
        id: fixed(get(r, 1)?, "request id")?,
        subject_id: get(r, 2)?,
        kind: get(r, 3)?,
        regime: get(r, 4)?,
        state: get(r, 5)?,
        verified: get(r, 6)?,
        received_ms: get(r, 7)?,
        due_ms: get(r, 8)?,
        ack_due_ms: get(r, 9)?,
        extended: get(r, 10)?,
        updated_ms: get(r, 11)?,
        version: get(r, 12)?,
        body: get(r, 13)?,
    })
}

fn event(r: &Row) -> Result<RequestEventRow> {
    Ok(RequestEventRow {
        seq: get(r, 0)?,
        request: fixed(get(r, 1)?, "request id")?,
        subject: fixed(get(r, 2)?, "subject token")?,
        kind: get(r, 3)?,
        event: get(r, 4)?,
        state: get(r, 5)?,
        time_ms: get(r, 6)?,
        mac: fixed(get(r, 7)?, "request event mac")?,
    })
}

impl RequestReads for Db<'_> {
    fn request(&self, id: &[u8; 16]) -> Result<Option<RequestRow>> {
        self.maybe(concat!("SELECT ", columns!(), " FROM requests WHERE id = $1"), &[&id.as_slice()], row)
    }

    fn active_request(&self, subject_id: i64, kind: &str) -> Result<Option<RequestRow>> {
        self.maybe(
            concat!(
                "SELECT ",
                columns!(),
                " FROM requests WHERE subject_id = $1 AND kind = $2 AND state IN ('open', 'in_progress')
                 ORDER BY seq LIMIT 1"
            ),
            &[&subject_id, &kind],
            row,
        )
    }

    fn requests(&self, f: &RequestFilter, after_seq: i64, n: u64) -> Result<(Vec<RequestRow>, u64)> {
        let rows = self.all(
            concat!("SELECT ", columns!(), " FROM requests WHERE ", filter!(), " AND seq > $4 ORDER BY seq LIMIT $5"),
            &[&f.subject_id, &f.state, &f.due_by_ms, &after_seq, &limit(n)],
            row,
        )?;
        let total: i64 = get(
            &self.one(
                concat!("SELECT count(*) FROM requests WHERE ", filter!(), " AND seq > $4"),
                &[&f.subject_id, &f.state, &f.due_by_ms, &after_seq],
            )?,
            0,
        )?;
        Ok((rows, total as u64))
    }

    fn requests_of_subject(&self, subject_id: i64) -> Result<Vec<RequestRow>> {
        self.all(
            concat!("SELECT ", columns!(), " FROM requests WHERE subject_id = $1 ORDER BY seq"),
            &[&subject_id],
            row,
        )
    }

    fn count_requests_of_subject(&self, subject_id: i64) -> Result<u64> {
        let n: i64 = get(&self.one("SELECT count(*) FROM requests WHERE subject_id = $1", &[&subject_id])?, 0)?;
        Ok(n as u64)
    }

    fn request_events_after(&self, after_seq: i64, n: u64) -> Result<(Vec<RequestEventRow>, u64)> {
        let rows = self.all(
            "SELECT seq, request, subject, kind, event, state, time_ms, mac FROM request_events
             WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&after_seq, &limit(n)],
            event,
        )?;
        let total: i64 = get(&self.one("SELECT count(*) FROM request_events WHERE seq > $1", &[&after_seq])?, 0)?;
        Ok((rows, total as u64))
    }

    fn last_request_event_seq(&self) -> Result<i64> {
        get(&self.one("SELECT coalesce((SELECT num FROM meta WHERE name = 'request_event_seq'), 0)", &[])?, 0)
    }

    fn request_event_before(&self, seq: i64) -> Result<Option<RequestEventRow>> {
        self.maybe(
            "SELECT seq, request, subject, kind, event, state, time_ms, mac FROM request_events
             WHERE seq < $1 ORDER BY seq DESC LIMIT 1",
            &[&seq],
            event,
        )
    }
}

impl RequestWrites for Db<'_> {
    fn insert_request(&self, r: &RequestRow) -> Result<i64> {
        // Writers are serialised (the chain lock): the next number is the largest + 1.
        let seq: i64 = get(&self.one("SELECT coalesce(max(seq), 0) + 1 FROM requests", &[])?, 0)?;
        self.exec(
            concat!(
                "INSERT INTO requests (",
                columns!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
            ),
            &[
                &seq,
                &r.id.as_slice(),
                &r.subject_id,
                &r.kind,
                &r.regime,
                &r.state,
                &r.verified,
                &r.received_ms,
                &r.due_ms,
                &r.ack_due_ms,
                &r.extended,
                &r.updated_ms,
                &r.version,
                &r.body,
            ],
        )?;
        Ok(seq)
    }

    fn update_request(&self, r: &RequestRow) -> Result<()> {
        let n = self.exec(
            "UPDATE requests SET state = $2, verified = $3, due_ms = $4, extended = $5, updated_ms = $6, version = $7,
             body = $8 WHERE id = $1 AND version = $9",
            &[
                &r.id.as_slice(),
                &r.state,
                &r.verified,
                &r.due_ms,
                &r.extended,
                &r.updated_ms,
                &r.version,
                &r.body,
                &(r.version - 1),
            ],
        )?;
        if n != 1 {
            return Err(Error::integrity("a request changed under its own update"));
        }
        Ok(())
    }

    fn delete_requests_of_subject(&self, subject_id: i64) -> Result<u64> {
        self.exec("DELETE FROM requests WHERE subject_id = $1", &[&subject_id])
    }

    fn insert_request_event(&self, e: &RequestEventRow) -> Result<()> {
        self.exec(
            "INSERT INTO meta (name, num) VALUES ('request_event_seq', $1)
             ON CONFLICT (name) DO UPDATE SET num = greatest(meta.num, excluded.num)",
            &[&e.seq],
        )?;
        self.exec(
            "INSERT INTO request_events (seq, request, subject, kind, event, state, time_ms, mac)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &e.seq,
                &e.request.as_slice(),
                &e.subject.as_slice(),
                &e.kind,
                &e.event,
                &e.state,
                &e.time_ms,
                &e.mac.as_slice(),
            ],
        )?;
        Ok(())
    }

    fn delete_request_events_through(&self, seq: i64) -> Result<u64> {
        self.exec("DELETE FROM request_events WHERE seq <= $1", &[&seq])
    }
}
