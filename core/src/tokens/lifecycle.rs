//! The tokens' part of a subject's life: the tokens linked to a subject (their values sealed
//! under its data key) go with its erasure.

use crate::engine::Engine;
use crate::error::Result;
use crate::lifecycle::{Erased, SubjectData, SubjectRef};
use crate::store::{Db, Tx};

/// The tokens area in the lifecycle registry.
pub(crate) struct TokensData;

impl SubjectData for TokensData {
    fn area(&self) -> &'static str {
        "tokens"
    }

    fn erase(&self, _: &Engine, tx: &Tx<'_>, subject: &SubjectRef) -> Result<Erased> {
        Ok(Erased::rows(tx.delete_tokens_of_subject(subject.id)?))
    }

    fn count(&self, _: &Engine, db: &Db<'_>, subject: &SubjectRef) -> Result<u64> {
        db.count_tokens_of_subject(subject.id)
    }
}
