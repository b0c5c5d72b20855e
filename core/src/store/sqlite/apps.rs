//! The `app_documents` table: a subject's sealed document per app.

use rusqlite::OptionalExtension;

use super::{is_conflict, Db};
use crate::apps::store::{AppReads, AppRow, AppWrites};
use crate::error::{Error, Result};

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AppRow> {
    Ok(AppRow {
        subject_id: r.get(0)?,
        app: r.get(1)?,
        document: r.get(2)?,
        created_ms: r.get(3)?,
        updated_ms: r.get(4)?,
        version: r.get(5)?,
    })
}

impl AppWrites for Db<'_> {
    fn insert_app_document(&self, a: &AppRow) -> Result<bool> {
        let result = self
            .conn
            .prepare_cached(
                "INSERT INTO app_documents (subject_id, app, document, created_ms, updated_ms, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(rusqlite::params![a.subject_id, a.app, a.document, a.created_ms, a.updated_ms, a.version]);
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_conflict(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn update_app_document(&self, a: &AppRow) -> Result<()> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE app_documents SET document = ?3, updated_ms = ?4, version = ?5
                 WHERE subject_id = ?1 AND app = ?2 AND version = ?5 - 1",
            )?
            .execute(rusqlite::params![a.subject_id, a.app, a.document, a.updated_ms, a.version])?;
        if n != 1 {
            return Err(Error::integrity("an app document changed under its update"));
        }
        Ok(())
    }

    fn delete_app_document(&self, subject_id: i64, app: &str) -> Result<bool> {
        let n = self
            .conn
            .prepare_cached("DELETE FROM app_documents WHERE subject_id = ?1 AND app = ?2")?
            .execute(rusqlite::params![subject_id, app])?;
        Ok(n > 0)
    }

    fn delete_app_documents_of_subject(&self, subject_id: i64) -> Result<u64> {
        let n = self.conn.prepare_cached("DELETE FROM app_documents WHERE subject_id = ?1")?.execute([subject_id])?;
        Ok(n as u64)
    }
}

impl AppReads for Db<'_> {
    fn app_document(&self, subject_id: i64, app: &str) -> Result<Option<AppRow>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT subject_id, app, document, created_ms, updated_ms, version FROM app_documents
                 WHERE subject_id = ?1 AND app = ?2",
            )?
            .query_row(rusqlite::params![subject_id, app], row)
            .optional()?)
    }

    fn app_documents_of_subject(&self, subject_id: i64) -> Result<Vec<AppRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT subject_id, app, document, created_ms, updated_ms, version FROM app_documents
             WHERE subject_id = ?1 ORDER BY app",
        )?;
        let rows = stmt.query_map([subject_id], row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<AppRow>>>()?)
    }

    fn app_names(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached("SELECT DISTINCT app FROM app_documents ORDER BY app")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    fn count_app_documents(&self, subject_id: i64) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM app_documents WHERE subject_id = ?1")?
            .query_row([subject_id], |r| r.get(0))?;
        Ok(n as u64)
    }
}
