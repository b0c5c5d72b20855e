//! The consent catalogue's tables: legal bases and their notice versions, processing activities
//! and their links, and the catalogue generation in `meta`.

use rusqlite::OptionalExtension;

use crate::consent::store::{ActivityRow, BasisRow, CatalogueReads, CatalogueWrites, NoticeHash, NoticeRow};
use crate::error::Result;
use crate::store::sqlite::{fixed, is_conflict, Db};

// ---- the catalogue generation ----------------------------------------------------------------

// ---- legal bases and notices -----------------------------------------------------------------

macro_rules! basis_columns {
    () => {
        "id, brief, type, module, required, user_control, status, notice_version, revoked_through, created_ms, updated_ms"
    };
}

fn basis(r: &rusqlite::Row<'_>) -> rusqlite::Result<BasisRow> {
    Ok(BasisRow {
        id: r.get(0)?,
        brief: r.get(1)?,
        kind: r.get(2)?,
        module: r.get(3)?,
        required: r.get(4)?,
        user_control: r.get(5)?,
        status: r.get(6)?,
        notice_version: r.get(7)?,
        revoked_through: r.get(8)?,
        created_ms: r.get(9)?,
        updated_ms: r.get(10)?,
    })
}

macro_rules! notice_columns {
    () => {
        "basis_id, version, text, sha256, created_ms"
    };
}

fn notice(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, i64, String, Vec<u8>, i64)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn notice_row((basis_id, version, text, sha256, created_ms): (i64, i64, String, Vec<u8>, i64)) -> Result<NoticeRow> {
    Ok(NoticeRow { basis_id, version, text, sha256: fixed(sha256, "notice hash")?, created_ms })
}

// ---- activities ------------------------------------------------------------------------------

macro_rules! activity_columns {
    () => {
        "id, name, title, description, operations, created_ms, updated_ms"
    };
}

fn activity(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActivityRow> {
    Ok(ActivityRow {
        id: r.get(0)?,
        name: r.get(1)?,
        title: r.get(2)?,
        description: r.get(3)?,
        operations: r.get(4)?,
        bases: Vec::new(),
        created_ms: r.get(5)?,
        updated_ms: r.get(6)?,
    })
}

fn with_bases(db: &Db<'_>, mut a: ActivityRow) -> Result<ActivityRow> {
    let mut stmt =
        db.conn.prepare_cached("SELECT basis_id FROM activity_bases WHERE activity_id = ?1 ORDER BY basis_id")?;
    a.bases = stmt.query_map([a.id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(a)
}

impl CatalogueReads for Db<'_> {
    fn catalogue_generation(&self, after_read: bool) -> Result<i64> {
        let db = self;
        if let Some(seen) = db.seen.filter(|_| after_read) {
            if let (Some((version, generation)), Ok(now)) = (seen.get(), db.data_version()) {
                if version == now {
                    return Ok(generation);
                }
            }
        }
        let generation = db
            .conn
            .prepare_cached("SELECT value FROM meta WHERE name = 'consent_generation'")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        if let Some(seen) = db.seen {
            seen.set(Some((db.data_version()?, generation)));
        }
        Ok(generation)
    }

    fn bases(&self) -> Result<Vec<BasisRow>> {
        let db = self;
        let mut stmt =
            db.conn.prepare_cached(concat!("SELECT ", basis_columns!(), " FROM legal_bases ORDER BY brief"))?;
        let rows = stmt.query_map([], basis)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn restrictions(&self) -> Result<Vec<(i64, i64)>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached("SELECT subject_id, since_ms FROM restrictions ORDER BY subject_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn basis_by_brief(&self, brief: &str) -> Result<Option<BasisRow>> {
        let db = self;
        Ok(db
            .conn
            .prepare_cached(concat!("SELECT ", basis_columns!(), " FROM legal_bases WHERE brief = ?1"))?
            .query_row([brief], basis)
            .optional()?)
    }

    fn notices_of_basis(&self, basis_id: i64) -> Result<Vec<NoticeRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            notice_columns!(),
            " FROM notices WHERE basis_id = ?1 ORDER BY version"
        ))?;
        let rows = stmt.query_map([basis_id], notice)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(notice_row).collect()
    }

    fn all_notices(&self) -> Result<Vec<NoticeRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            notice_columns!(),
            " FROM notices ORDER BY basis_id, version"
        ))?;
        let rows = stmt.query_map([], notice)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(notice_row).collect()
    }

    fn notice_of(&self, basis_id: i64, version: i64) -> Result<Option<NoticeRow>> {
        let db = self;
        db.conn
            .prepare_cached(concat!(
                "SELECT ",
                notice_columns!(),
                " FROM notices WHERE basis_id = ?1 AND version = ?2"
            ))?
            .query_row([basis_id, version], notice)
            .optional()?
            .map(notice_row)
            .transpose()
    }

    fn activities(&self) -> Result<Vec<ActivityRow>> {
        let db = self;
        let mut stmt =
            db.conn.prepare_cached(concat!("SELECT ", activity_columns!(), " FROM activities ORDER BY name"))?;
        let rows = stmt.query_map([], activity)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(|a| with_bases(db, a)).collect()
    }

    fn activity_links(&self) -> Result<Vec<(i64, i64)>> {
        let db = self;
        let mut stmt = db
            .conn
            .prepare_cached("SELECT activity_id, basis_id FROM activity_bases ORDER BY activity_id, basis_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn activity_by_name(&self, name: &str) -> Result<Option<ActivityRow>> {
        let db = self;
        let found = db
            .conn
            .prepare_cached(concat!("SELECT ", activity_columns!(), " FROM activities WHERE name = ?1"))?
            .query_row([name], activity)
            .optional()?;
        found.map(|a| with_bases(db, a)).transpose()
    }

    fn notice_hashes(&self) -> Result<Vec<NoticeHash>> {
        let db = self;
        let mut stmt = db
            .conn
            .prepare_cached("SELECT basis_id, version, sha256, created_ms FROM notices ORDER BY basis_id, version")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Vec<u8>>(2)?, r.get::<_, i64>(3)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(|(b, v, sha, c)| Ok((b, v, fixed(sha, "notice hash")?, c))).collect()
    }
}

impl CatalogueWrites for Db<'_> {
    fn bump_catalogue_generation(&self) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO meta (name, value) VALUES ('consent_generation', 1)
                 ON CONFLICT (name) DO UPDATE SET value = value + 1",
            )?
            .execute([])?;
        Ok(())
    }

    fn insert_basis(&self, b: &BasisRow) -> Result<i64> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO legal_bases (brief, type, module, required, user_control, status, notice_version,
                     revoked_through, created_ms, updated_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(rusqlite::params![
                b.brief,
                b.kind,
                b.module,
                b.required,
                b.user_control,
                b.status,
                b.notice_version,
                b.revoked_through,
                b.created_ms,
                b.updated_ms
            ])?;
        Ok(tx.conn.last_insert_rowid())
    }

    fn update_basis(&self, b: &BasisRow) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "UPDATE legal_bases SET type = ?2, module = ?3, required = ?4, user_control = ?5, status = ?6,
                     notice_version = ?7, revoked_through = ?8, updated_ms = ?9
                 WHERE id = ?1",
            )?
            .execute(rusqlite::params![
                b.id,
                b.kind,
                b.module,
                b.required,
                b.user_control,
                b.status,
                b.notice_version,
                b.revoked_through,
                b.updated_ms
            ])?;
        Ok(())
    }

    fn insert_notice(&self, n: &NoticeRow) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO notices (basis_id, version, text, sha256, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(rusqlite::params![n.basis_id, n.version, n.text, n.sha256.as_slice(), n.created_ms])?;
        Ok(())
    }

    fn upsert_activity(&self, a: &ActivityRow) -> Result<i64> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO activities (name, title, description, operations, created_ms, updated_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (name) DO UPDATE SET title = ?2, description = ?3, operations = ?4, updated_ms = ?6",
            )?
            .execute(rusqlite::params![a.name, a.title, a.description, a.operations, a.created_ms, a.updated_ms])?;
        Ok(tx.conn.prepare_cached("SELECT id FROM activities WHERE name = ?1")?.query_row([&a.name], |r| r.get(0))?)
    }

    fn link_activity(&self, activity_id: i64, basis_id: i64) -> Result<bool> {
        let tx = self;
        let result = tx
            .conn
            .prepare_cached("INSERT INTO activity_bases (activity_id, basis_id) VALUES (?1, ?2)")?
            .execute([activity_id, basis_id]);
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_conflict(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn unlink_activity(&self, activity_id: i64, basis_id: i64) -> Result<bool> {
        let tx = self;
        Ok(tx
            .conn
            .prepare_cached("DELETE FROM activity_bases WHERE activity_id = ?1 AND basis_id = ?2")?
            .execute([activity_id, basis_id])?
            > 0)
    }

    fn delete_activity(&self, activity_id: i64) -> Result<bool> {
        let tx = self;
        tx.conn.prepare_cached("DELETE FROM activity_bases WHERE activity_id = ?1")?.execute([activity_id])?;
        Ok(tx.conn.prepare_cached("DELETE FROM activities WHERE id = ?1")?.execute([activity_id])? > 0)
    }

    fn insert_restriction(&self, subject_id: i64, since_ms: i64) -> Result<bool> {
        let tx = self;
        let sql = "INSERT INTO restrictions (subject_id, since_ms) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
        Ok(tx.conn.prepare_cached(sql)?.execute([subject_id, since_ms])? > 0)
    }

    fn delete_restriction(&self, subject_id: i64) -> Result<bool> {
        let tx = self;
        Ok(tx.conn.prepare_cached("DELETE FROM restrictions WHERE subject_id = ?1")?.execute([subject_id])? > 0)
    }
}
