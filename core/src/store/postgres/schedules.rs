//! The `erasure_schedules` table: each subject's scheduled erasure.

use postgres::Row;

use super::{fixed, get, limit, Db};
use crate::error::Result;
use crate::schedules::store::{ScheduleReads, ScheduleRow, ScheduleWrites};

fn row(r: &Row) -> Result<ScheduleRow> {
    Ok(ScheduleRow {
        subject_id: get(r, 0)?,
        due_ms: get(r, 1)?,
        created_ms: get(r, 2)?,
        capability: fixed(get(r, 3)?, "schedule capability")?,
        mac: fixed(get(r, 4)?, "schedule mac")?,
    })
}

impl ScheduleReads for Db<'_> {
    fn schedule(&self, subject_id: i64) -> Result<Option<ScheduleRow>> {
        self.maybe(
            "SELECT subject_id, due_ms, created_ms, capability, mac FROM erasure_schedules WHERE subject_id = $1",
            &[&subject_id],
            row,
        )
    }

    fn schedule_by_capability(&self, capability: &[u8; 32]) -> Result<Option<ScheduleRow>> {
        self.maybe(
            "SELECT subject_id, due_ms, created_ms, capability, mac FROM erasure_schedules WHERE capability = $1",
            &[&capability.as_slice()],
            row,
        )
    }

    fn due_schedules(&self, now_ms: i64, n: u64) -> Result<Vec<ScheduleRow>> {
        self.all(
            "SELECT subject_id, due_ms, created_ms, capability, mac FROM erasure_schedules WHERE due_ms <= $1
             ORDER BY due_ms, subject_id LIMIT $2",
            &[&now_ms, &limit(n)],
            row,
        )
    }
}

impl ScheduleWrites for Db<'_> {
    fn put_schedule(&self, s: &ScheduleRow) -> Result<()> {
        self.exec(
            "INSERT INTO erasure_schedules (subject_id, due_ms, created_ms, capability, mac) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (subject_id) DO UPDATE SET due_ms = excluded.due_ms, created_ms = excluded.created_ms,
             capability = excluded.capability, mac = excluded.mac",
            &[&s.subject_id, &s.due_ms, &s.created_ms, &s.capability.as_slice(), &s.mac.as_slice()],
        )?;
        Ok(())
    }

    fn delete_schedule(&self, subject_id: i64) -> Result<bool> {
        Ok(self.exec("DELETE FROM erasure_schedules WHERE subject_id = $1", &[&subject_id])? > 0)
    }
}
