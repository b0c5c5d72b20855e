//! The shares' part of a subject's life: its shares (what they name sealed under its data key) go
//! with its erasure.

use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::Result;
use crate::lifecycle::{Erased, Section, SubjectData, SubjectRef};
use crate::shares::reference_of;
use crate::store::{Db, Tx};

/// The shares area in the lifecycle registry.
pub(crate) struct SharesData;

impl SubjectData for SharesData {
    fn area(&self) -> &'static str {
        "shares"
    }

    fn erase(&self, _: &Engine, tx: &Tx<'_>, subject: &SubjectRef) -> Result<Erased> {
        Ok(Erased::rows(tx.delete_shares_of_subject(subject.id)?))
    }

    fn count(&self, _: &Engine, db: &Db<'_>, subject: &SubjectRef) -> Result<u64> {
        db.count_shares_of_subject(subject.id)
    }

    /// Each of the subject's shares, live or expired, as `list_shares` gives it (never its id).
    fn export(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        subject: &SubjectRef,
        dek: &SecretKey,
        out: &mut Section<'_>,
    ) -> Result<()> {
        for row in db.shares_of_subject(subject.id)? {
            out.item(&reference_of(engine, &row, (&subject.token, dek), subject.now_ms)?)?;
        }
        Ok(())
    }
}
