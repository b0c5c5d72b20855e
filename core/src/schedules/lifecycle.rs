//! The schedules' part of a subject's life: its scheduled erasure goes with its erasure (whether
//! the schedule carried it out or not), and is part of its export (never the capability).

use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::Result;
use crate::lifecycle::{Erased, Section, SubjectData, SubjectRef};
use crate::schedules::{checked, view};
use crate::store::{Db, Tx};

/// The schedules area in the lifecycle registry.
pub(crate) struct SchedulesData;

impl SubjectData for SchedulesData {
    fn area(&self) -> &'static str {
        "erasure_schedule"
    }

    fn erase(&self, _: &Engine, tx: &Tx<'_>, subject: &SubjectRef) -> Result<Erased> {
        Ok(Erased::rows(u64::from(tx.delete_schedule(subject.id)?)))
    }

    fn count(&self, _: &Engine, db: &Db<'_>, subject: &SubjectRef) -> Result<u64> {
        Ok(u64::from(db.schedule(subject.id)?.is_some()))
    }

    /// Whether and when the subject's erasure is scheduled (never the capability).
    fn export(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        subject: &SubjectRef,
        _: &SecretKey,
        out: &mut Section<'_>,
    ) -> Result<()> {
        let row = db.schedule(subject.id)?.map(|r| checked(engine, &subject.token, r)).transpose()?;
        out.value(&view(&subject.token, row.as_ref(), false))
    }
}
