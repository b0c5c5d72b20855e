//! The apps' part of a subject's life: its app documents (sealed under its data key) go with its
//! erasure.

use crate::engine::Engine;
use crate::error::Result;
use serde_json::Value;

use crate::apps::{open_document, AppDocument};
use crate::crypto::keys::SecretKey;
use crate::ids::format_token;
use crate::lifecycle::{Erased, Section, SubjectData, SubjectRef};
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

    /// Each of the subject's app documents, as `get_app_document` gives it.
    fn export(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        subject: &SubjectRef,
        dek: &SecretKey,
        out: &mut Section<'_>,
    ) -> Result<()> {
        for row in db.app_documents_of_subject(subject.id)? {
            let document = open_document(engine, &subject.token, dek, &row)?;
            out.item(&AppDocument {
                token: format_token(&subject.token),
                app: row.app,
                document: Value::Object(document),
                created_ms: row.created_ms,
                updated_ms: row.updated_ms,
                version: row.version,
            })?;
        }
        Ok(())
    }
}
