//! The `app_documents` table: a subject's sealed document per app.

use postgres::Row;

use super::{get, Db};
use crate::apps::store::{AppReads, AppRow, AppWrites};
use crate::error::{Error, Result};

fn row(r: &Row) -> Result<AppRow> {
    Ok(AppRow {
        subject_id: get(r, 0)?,
        app: get(r, 1)?,
        document: get(r, 2)?,
        created_ms: get(r, 3)?,
        updated_ms: get(r, 4)?,
        version: get(r, 5)?,
    })
}

impl AppWrites for Db<'_> {
    fn insert_app_document(&self, a: &AppRow) -> Result<bool> {
        // The primary key decides; a taken one leaves the transaction usable (no error).
        let n = self.exec(
            "INSERT INTO app_documents (subject_id, app, document, created_ms, updated_ms, version)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (subject_id, app) DO NOTHING",
            &[&a.subject_id, &a.app, &a.document, &a.created_ms, &a.updated_ms, &a.version],
        )?;
        Ok(n == 1)
    }

    fn update_app_document(&self, a: &AppRow) -> Result<()> {
        let n = self.exec(
            "UPDATE app_documents SET document = $3, updated_ms = $4, version = $5
             WHERE subject_id = $1 AND app = $2 AND version = $6",
            &[&a.subject_id, &a.app, &a.document, &a.updated_ms, &a.version, &(a.version - 1)],
        )?;
        if n != 1 {
            return Err(Error::integrity("an app document changed under its update"));
        }
        Ok(())
    }

    fn delete_app_document(&self, subject_id: i64, app: &str) -> Result<bool> {
        Ok(self.exec("DELETE FROM app_documents WHERE subject_id = $1 AND app = $2", &[&subject_id, &app])? > 0)
    }

    fn delete_app_documents_of_subject(&self, subject_id: i64) -> Result<u64> {
        self.exec("DELETE FROM app_documents WHERE subject_id = $1", &[&subject_id])
    }
}

impl AppReads for Db<'_> {
    fn app_document(&self, subject_id: i64, app: &str) -> Result<Option<AppRow>> {
        self.maybe(
            "SELECT subject_id, app, document, created_ms, updated_ms, version FROM app_documents
             WHERE subject_id = $1 AND app = $2",
            &[&subject_id, &app],
            row,
        )
    }

    fn app_documents_of_subject(&self, subject_id: i64) -> Result<Vec<AppRow>> {
        self.all(
            "SELECT subject_id, app, document, created_ms, updated_ms, version FROM app_documents
             WHERE subject_id = $1 ORDER BY app",
            &[&subject_id],
            row,
        )
    }

    fn app_names(&self) -> Result<Vec<String>> {
        self.all("SELECT DISTINCT app FROM app_documents ORDER BY app", &[], |r| get(r, 0))
    }

    fn count_app_documents(&self, subject_id: i64) -> Result<u64> {
        let n: i64 = get(&self.one("SELECT count(*) FROM app_documents WHERE subject_id = $1", &[&subject_id])?, 0)?;
        Ok(n as u64)
    }
}
