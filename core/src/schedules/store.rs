//! The schedules area's store: each subject's scheduled erasure, and the typed functions it needs
//! from a backend, in domain terms. Every backend implements them (`store/sqlite/schedules.rs`,
//! `store/postgres/schedules.rs`); nothing outside this area names them.

use crate::error::Result;

/// A subject's scheduled erasure as stored.
#[derive(Debug, Clone)]
pub(crate) struct ScheduleRow {
    pub(crate) subject_id: i64,
    /// When the subject is erased (milliseconds since the Unix epoch).
    pub(crate) due_ms: i64,
    pub(crate) created_ms: i64,
    /// The keyed hash of the schedule's capability (a bearer secret handed to the subject; never
    /// stored).
    pub(crate) capability: [u8; 32],
    /// The MAC of the row, bound to the subject's token.
    pub(crate) mac: [u8; 32],
}

/// The reads of the schedules area.
pub(crate) trait ScheduleReads {
    /// The subject's scheduled erasure, if any.
    fn schedule(&self, subject_id: i64) -> Result<Option<ScheduleRow>>;

    /// The scheduled erasure whose capability has this keyed hash.
    fn schedule_by_capability(&self, capability: &[u8; 32]) -> Result<Option<ScheduleRow>>;

    /// At most `limit` scheduled erasures due at `now_ms` or before, soonest first.
    fn due_schedules(&self, now_ms: i64, limit: u64) -> Result<Vec<ScheduleRow>>;
}

/// The writes of the schedules area, inside one write transaction.
pub(crate) trait ScheduleWrites: ScheduleReads {
    /// Store the subject's scheduled erasure (replacing the one it had).
    fn put_schedule(&self, row: &ScheduleRow) -> Result<()>;

    /// Delete the subject's scheduled erasure; whether there was one.
    fn delete_schedule(&self, subject_id: i64) -> Result<bool>;
}
