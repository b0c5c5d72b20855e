//! The requests' part of a subject's life: its requests (proposals and reasons sealed under its
//! data key) go with its erasure; their outbox events, which hold no personal data, stay until
//! acknowledged (a server still has to tell that the erasure request was fulfilled).

use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::Result;
use crate::lifecycle::{Erased, Section, SubjectData, SubjectRef};
use crate::requests::{detail, open};
use crate::store::{Db, Tx};

/// The requests area in the lifecycle registry.
pub(crate) struct RequestsData;

impl SubjectData for RequestsData {
    fn area(&self) -> &'static str {
        "requests"
    }

    fn erase(&self, _: &Engine, tx: &Tx<'_>, subject: &SubjectRef) -> Result<Erased> {
        Ok(Erased::rows(tx.delete_requests_of_subject(subject.id)?))
    }

    fn count(&self, _: &Engine, db: &Db<'_>, subject: &SubjectRef) -> Result<u64> {
        db.count_requests_of_subject(subject.id)
    }

    /// Each of the subject's requests, with its proposals and reasons, oldest first.
    fn export(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        subject: &SubjectRef,
        _: &SecretKey,
        out: &mut Section<'_>,
    ) -> Result<()> {
        for row in db.requests_of_subject(subject.id)? {
            out.item(&detail(open(engine, db, row)?, subject.now_ms))?;
        }
        Ok(())
    }
}
