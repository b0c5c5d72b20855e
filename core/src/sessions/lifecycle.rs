//! The sessions' part of a subject's life: the sessions linked to a subject (their data sealed
//! under its data key) go with its erasure.

use crate::engine::Engine;
use crate::error::Result;
use crate::lifecycle::{Erased, SubjectData, SubjectRef};
use crate::store::{Db, Tx};

/// The sessions area in the lifecycle registry.
pub(crate) struct SessionsData;

impl SubjectData for SessionsData {
    fn area(&self) -> &'static str {
        "sessions"
    }

    fn erase(&self, _: &Engine, tx: &Tx<'_>, subject: &SubjectRef) -> Result<Erased> {
        Ok(Erased::rows(tx.delete_sessions_of_subject(subject.id)?))
    }

    fn count(&self, _: &Engine, db: &Db<'_>, subject: &SubjectRef) -> Result<u64> {
        db.count_sessions_of_subject(subject.id)
    }
}
