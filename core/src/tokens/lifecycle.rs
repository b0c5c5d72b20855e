//! The tokens' part of a subject's life: the tokens linked to a subject (their values sealed
//! under its data key) go with its erasure.

use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::lifecycle::{Erased, Section, SubjectData, SubjectRef};
use crate::store::{Db, Tx};
use crate::tokens::using::{checked, info_of};

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

    /// Each linked token's metadata (its kind, scope, expiry, reference): never a token, never a
    /// value.
    fn export(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        subject: &SubjectRef,
        _: &SecretKey,
        out: &mut Section<'_>,
    ) -> Result<()> {
        for row in db.tokens_of_subject(subject.id)? {
            let row = checked(engine, row)?;
            if row.subject_id != Some(subject.id) {
                return Err(Error::integrity("a token listed for a subject is linked to another"));
            }
            out.item(&info_of(&row, Some(&subject.token), subject.now_ms)?)?;
        }
        Ok(())
    }
}
