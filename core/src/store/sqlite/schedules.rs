//! The `erasure_schedules` table: each subject's scheduled erasure.

use rusqlite::OptionalExtension;

use super::{fixed, Db};
use crate::error::Result;
use crate::schedules::store::{ScheduleReads, ScheduleRow, ScheduleWrites};

type Raw = (i64, i64, i64, Vec<u8>, Vec<u8>);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn row((subject_id, due_ms, created_ms, capability, mac): Raw) -> Result<ScheduleRow> {
    Ok(ScheduleRow {
        subject_id,
        due_ms,
        created_ms,
        capability: fixed(capability, "schedule capability")?,
        mac: fixed(mac, "schedule mac")?,
    })
}

macro_rules! columns {
    () => {
        "subject_id, due_ms, created_ms, capability, mac"
    };
}

impl ScheduleReads for Db<'_> {
    fn schedule(&self, subject_id: i64) -> Result<Option<ScheduleRow>> {
        let sql = concat!("SELECT ", columns!(), " FROM erasure_schedules WHERE subject_id = ?1");
        self.conn.prepare_cached(sql)?.query_row([subject_id], raw).optional()?.map(row).transpose()
    }

    fn schedule_by_capability(&self, capability: &[u8; 32]) -> Result<Option<ScheduleRow>> {
        let sql = concat!("SELECT ", columns!(), " FROM erasure_schedules WHERE capability = ?1");
        self.conn.prepare_cached(sql)?.query_row([capability.as_slice()], raw).optional()?.map(row).transpose()
    }

    fn due_schedules(&self, now_ms: i64, limit: u64) -> Result<Vec<ScheduleRow>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM erasure_schedules WHERE due_ms <= ?1 ORDER BY due_ms, subject_id LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([now_ms, limit], raw)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(row).collect()
    }
}

impl ScheduleWrites for Db<'_> {
    fn put_schedule(&self, s: &ScheduleRow) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO erasure_schedules (subject_id, due_ms, created_ms, capability, mac)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (subject_id) DO UPDATE SET due_ms = excluded.due_ms, created_ms = excluded.created_ms,
                 capability = excluded.capability, mac = excluded.mac",
            )?
            .execute(rusqlite::params![
                s.subject_id,
                s.due_ms,
                s.created_ms,
                s.capability.as_slice(),
                s.mac.as_slice()
            ])?;
        Ok(())
    }

    fn delete_schedule(&self, subject_id: i64) -> Result<bool> {
        Ok(self.conn.prepare_cached("DELETE FROM erasure_schedules WHERE subject_id = ?1")?.execute([subject_id])? > 0)
    }
}
