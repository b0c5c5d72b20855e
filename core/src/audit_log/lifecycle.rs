//! The audit's part of a subject's life: its events stay (the chain keeps the fact of every
//! operation), and the details they carry — sealed under the subject's data key — become
//! unreadable with the key's erasure: counted, not deleted.

use crate::audit_log::export_trail;
use crate::chain;
use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::Result;
use crate::lifecycle::{Erased, Section, SubjectData, SubjectRef};
use crate::store::{Db, Tx};

/// The audit in the lifecycle registry.
pub(crate) struct AuditData;

impl SubjectData for AuditData {
    fn area(&self) -> &'static str {
        "audit_details"
    }

    fn erase(&self, engine: &Engine, tx: &Tx<'_>, subject: &SubjectRef) -> Result<Erased> {
        Ok(Erased::rows(self.count(engine, tx, subject)?))
    }

    fn count(&self, _: &Engine, db: &Db<'_>, subject: &SubjectRef) -> Result<u64> {
        chain::details_of_subject(db, subject.id)
    }

    fn section(&self) -> &'static str {
        "audit"
    }

    /// Every event naming the subject, newest first, with its decrypted details.
    fn export(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        subject: &SubjectRef,
        dek: &SecretKey,
        out: &mut Section<'_>,
    ) -> Result<()> {
        export_trail(engine, db, (subject.id, &subject.token, dek), &mut |event| out.item(event))
    }
}
