//! The sessions' part of a subject's life: the sessions linked to a subject (their data sealed
//! under its data key) go with its erasure.

use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::Result;
use crate::lifecycle::{Erased, Section, SubjectData, SubjectRef};
use crate::sessions::{open_with, ExportedSession};
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

    /// Each session linked to the subject, live or expired (until the purge removes it), by its
    /// reference (never its id) with its data.
    fn export(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        subject: &SubjectRef,
        dek: &SecretKey,
        out: &mut Section<'_>,
    ) -> Result<()> {
        let mut after = None;
        loop {
            let rows = db.sessions_of_subject(subject.id, after.as_ref(), EXPORT_PAGE)?;
            let last = rows.len() < EXPORT_PAGE as usize;
            after = rows.last().map(|r| r.hash);
            for row in rows {
                let data = open_with(engine, Some((&subject.token, dek)), &row)?;
                out.item(&ExportedSession {
                    reference: hex::encode(row.hash),
                    data,
                    created_ms: row.created_ms,
                    updated_ms: row.updated_ms,
                    expires_ms: row.expires_ms,
                    expired: row.expires_ms <= subject.now_ms,
                    version: row.version,
                })?;
            }
            if last {
                return Ok(());
            }
        }
    }
}

/// Sessions read per page while a subject's are exported.
const EXPORT_PAGE: u64 = 1_000;
