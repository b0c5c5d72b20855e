//! The `audit` table: the chain's head, appends, pages newest first (by subject or across all),
//! and a walk in chain order for verification. A subject's events are found through the
//! server's own index on `(subject_id, seq)`, so there is no index of bunkerlite's to build or
//! check (SQLite's format keeps runs of its own).

use postgres::Row;

use super::{fixed, get, limit, Db, WALK_PAGE};
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

fn row(r: &Row) -> Result<AuditRow> {
    let action: i64 = get(r, 4)?;
    let outcome: i64 = get(r, 8)?;
    Ok(AuditRow {
        seq: get::<i64>(r, 0)? as u64,
        time_ms: get(r, 1)?,
        actor: get(r, 2)?,
        purpose: get(r, 3)?,
        action: Action::from_number(action)
            .ok_or_else(|| Error::integrity("an audit event names an unknown action"))?
            .as_str()
            .to_owned(),
        subject: get::<Option<Vec<u8>>>(r, 5)?.map(|s| fixed(s, "audit subject")).transpose()?,
        subject_id: get(r, 6)?,
        version: get(r, 7)?,
        outcome: match outcome {
            0 => OK.to_owned(),
            n => i32::try_from(n)
                .ok()
                .and_then(ErrorKind::from_number)
                .ok_or_else(|| Error::integrity("an audit event has an unknown outcome"))?
                .code()
                .to_owned(),
        },
        details: get(r, 9)?,
        mac: fixed(get(r, 10)?, "audit MAC")?,
        reference: get::<Option<Vec<u8>>>(r, 11)?.map(|x| fixed(x, "audit reference")).transpose()?,
        details_hash: get::<Option<Vec<u8>>>(r, 12)?.map(|x| fixed(x, "audit details hash")).transpose()?,
    })
}

/// Events appended per statement.
const APPEND_CHUNK: usize = 1_000;

fn before(b: Option<u64>) -> i64 {
    b.map_or(i64::MAX, |b| b.min(i64::MAX as u64) as i64)
}

impl ChainReads for Db<'_> {
    fn audit_head(&self) -> Result<Option<(u64, [u8; 32])>> {
        if let Some(head) = self.prefetched.head.get() {
            return Ok(head);
        }
        self.maybe("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1", &[], |r| {
            Ok((get::<i64>(r, 0)? as u64, fixed(get(r, 1)?, "audit MAC")?))
        })
    }

    fn count_audit_details_of_subject(&self, subject_id: i64) -> Result<u64> {
        let n: i64 = get(
            &self.one("SELECT count(*) FROM audit WHERE subject_id = $1 AND details IS NOT NULL", &[&subject_id])?,
            0,
        )?;
        Ok(n as u64)
    }

    fn walk_audit(&self, f: &mut dyn FnMut(AuditRow) -> Result<()>) -> Result<()> {
        let mut after = i64::MIN;
        loop {
            let rows = self.rows(
                concat!("SELECT ", columns!(), " FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2"),
                &[&after, &WALK_PAGE],
            )?;
            for r in &rows {
                let event = row(r)?;
                after = event.seq as i64;
                f(event)?;
            }
            if (rows.len() as i64) < WALK_PAGE {
                return Ok(());
            }
        }
    }

    fn audit_details_from(&self, from: u64, limit: u64) -> Result<Vec<DetailsRow>> {
        let (from, limit) = (from.min(i64::MAX as u64) as i64, limit.min(i64::MAX as u64) as i64);
        let rows = self
            .rows("SELECT seq, time_ms, details FROM audit WHERE seq >= $1 ORDER BY seq LIMIT $2", &[&from, &limit])?;
        rows.iter()
            .map(|r| Ok(DetailsRow { seq: get::<i64>(r, 0)? as u64, time_ms: get(r, 1)?, details: get(r, 2)? }))
            .collect()
    }
}

impl ChainWrites for Db<'_> {
    fn append_audit(&self, rows: &[NewAuditRow<'_>]) -> Result<()> {
        self.prefetched.head.set(None);
        // One statement per chunk of events (a flush of buffered reads appends thousands while it
        // holds the write lock): each column as an array, unnested into rows in order.
        for chunk in rows.chunks(APPEND_CHUNK) {
            let mut outcomes = Vec::with_capacity(chunk.len());
            for e in chunk {
                outcomes.push(match e.outcome {
                    OK => 0,
                    code => i64::from(
                        ErrorKind::from_code(code)
                            .ok_or_else(|| Error::internal("an event's outcome is not an error code"))?
                            .number(),
                    ),
                });
            }
            let seqs: Vec<i64> = chunk.iter().map(|e| e.seq as i64).collect();
            let times: Vec<i64> = chunk.iter().map(|e| e.time_ms).collect();
            let actors: Vec<&str> = chunk.iter().map(|e| e.actor).collect();
            let purposes: Vec<Option<&str>> = chunk.iter().map(|e| e.purpose).collect();
            let actions: Vec<i64> = chunk.iter().map(|e| e.action.number()).collect();
            let subjects: Vec<Option<&[u8]>> = chunk.iter().map(|e| e.subject.map(|s| s.as_slice())).collect();
            let subject_ids: Vec<Option<i64>> = chunk.iter().map(|e| e.subject_id).collect();
            let versions: Vec<Option<i64>> = chunk.iter().map(|e| e.version).collect();
            let details: Vec<Option<&[u8]>> = chunk.iter().map(|e| e.details).collect();
            let macs: Vec<&[u8]> = chunk.iter().map(|e| e.mac.as_slice()).collect();
            let refs: Vec<Option<&[u8]>> = chunk.iter().map(|e| e.reference.map(|r| r.as_slice())).collect();
            self.exec(
                concat!(
                    "INSERT INTO audit (",
                    appended!(),
                    ") SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[],
                        $6::bytea[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bytea[], $11::bytea[], $12::bytea[])"
                ),
                &[
                    &seqs,
                    &times,
                    &actors,
                    &purposes,
                    &actions,
                    &subjects,
                    &subject_ids,
                    &versions,
                    &outcomes,
                    &details,
                    &macs,
                    &refs,
                ],
            )?;
        }
        Ok(())
    }

    fn shred_audit_details(&self, seq: u64, hash: &[u8; 32]) -> Result<bool> {
        let n = self.exec(
            "UPDATE audit SET details = NULL, details_hash = $2 WHERE seq = $1 AND details IS NOT NULL",
            &[&(seq as i64), &hash.as_slice()],
        )?;
        Ok(n == 1)
    }

    fn index_audit(&self, _head: u64, _batch: u64) -> Result<u64> {
        // The server's index on (subject_id, seq) is kept with every append.
        Ok(0)
    }
}

impl AuditLogReads for Db<'_> {
    fn audit_index_is_exact(&self, _head: u64) -> Result<bool> {
        // The index is the server's own (not rows anyone could edit apart from the events).
        Ok(true)
    }

    fn count_audit_of_subject(&self, subject_id: i64) -> Result<u64> {
        let n: i64 = get(&self.one("SELECT count(*) FROM audit WHERE subject_id = $1", &[&subject_id])?, 0)?;
        Ok(n as u64)
    }

    fn count_audit(&self) -> Result<u64> {
        let n: i64 = get(&self.one("SELECT count(*) FROM audit", &[])?, 0)?;
        Ok(n as u64)
    }

    fn audit_page_of_subject(&self, subject_id: i64, before_seq: Option<u64>, n: u64) -> Result<Vec<AuditRow>> {
        let rows = self.rows(
            concat!(
                "SELECT ",
                columns!(),
                " FROM audit WHERE subject_id = $1 AND seq < $2 ORDER BY subject_id DESC, seq DESC LIMIT $3"
            ),
            &[&subject_id, &before(before_seq), &limit(n)],
        )?;
        rows.iter().map(row).collect()
    }

    fn audit_page(&self, before_seq: Option<u64>, n: u64) -> Result<Vec<AuditRow>> {
        let rows = self.rows(
            concat!("SELECT ", columns!(), " FROM audit WHERE seq < $1 ORDER BY seq DESC LIMIT $2"),
            &[&before(before_seq), &limit(n)],
        )?;
        rows.iter().map(row).collect()
    }
}
