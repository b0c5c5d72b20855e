//! The apps' part of a subject's life: its app documents (sealed under its data key) go with its
//! erasure.

use crate::engine::Engine;
use crate::error::Result;
use crate::lifecycle::{Erased, SubjectData, SubjectRef};
use crate::store::{Db, Tx};

/// The apps area in the lifecycle registry.
pub(crate) struct AppsData;

impl SubjectData for AppsData {
    fn area(&self) -> &'static str {
        "apps"
    }

    fn erase(&self, _: &Engine, tx: &Tx<'_>, subject: &SubjectRef) -> Result<Erased> {
        Ok(Erased::rows(tx.delete_app_documents_of_subject(subject.id)?))
    }

    fn count(&self, _: &Engine, db: &Db<'_>, subject: &SubjectRef) -> Result<u64> {
        db.count_app_documents(subject.id)
    }
}
