//! The `subjects`, `subject_index` and `erased` tables: profile rows, their blind-index entries,
//! and the tokens of erased subjects.

use postgres::Row;

use super::{fixed, get, Db, WALK_PAGE};
use crate::error::{Error, Result};
use crate::subjects::store::{NewSubject, SubjectReads, SubjectRow, SubjectWrites, TokenLookup};

/// The columns of a subject row, in the order [`row`] reads them.
macro_rules! columns {
    () => {
        "s.id, s.token, s.dek, s.profile, s.created_ms, s.updated_ms, s.version"
    };
}

fn row(r: &Row) -> Result<SubjectRow> {
    Ok(SubjectRow {
        id: get(r, 0)?,
        token: fixed(get(r, 1)?, "subject token")?,
        dek: get(r, 2)?,
        profile: get(r, 3)?,
        created_ms: get(r, 4)?,
        updated_ms: get(r, 5)?,
        version: get(r, 6)?,
    })
}

impl SubjectWrites for Db<'_> {
    fn insert_subject(&self, new: &NewSubject<'_>) -> Result<i64> {
        let r = self.one(
            "INSERT INTO subjects (token, dek, profile, created_ms, updated_ms, version)
             VALUES ($1, $2, $3, $4, $4, 1) RETURNING id",
            &[&new.token.as_slice(), &new.dek, &new.profile, &new.created_ms],
        )?;
        get(&r, 0)
    }

    fn insert_index_entry(&self, subject_id: i64, field: &str, hash: &[u8]) -> Result<bool> {
        // The primary key decides; a value taken leaves the transaction usable (no error).
        let n = self.exec(
            "INSERT INTO subject_index (field, hash, subject_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&field, &hash, &subject_id],
        )?;
        Ok(n == 1)
    }

    fn delete_index_entries(&self, subject_id: i64, field: &str, hash: Option<&[u8]>) -> Result<u64> {
        if let Some(hash) = hash {
            let n = self.exec(
                "DELETE FROM subject_index WHERE field = $1 AND hash = $2 AND subject_id = $3",
                &[&field, &hash, &subject_id],
            )?;
            if n > 0 {
                return Ok(n);
            }
        }
        self.exec("DELETE FROM subject_index WHERE field = $1 AND subject_id = $2", &[&field, &subject_id])
    }

    fn update_profile(&self, id: i64, profile: &[u8], updated_ms: i64, version: i64) -> Result<()> {
        let changed = self.exec(
            "UPDATE subjects SET profile = $1, updated_ms = $2, version = $3 WHERE id = $4 AND version = $5",
            &[&profile, &updated_ms, &version, &id, &(version - 1)],
        )?;
        if changed != 1 {
            return Err(Error::integrity("a subject changed while it was being updated"));
        }
        Ok(())
    }

    fn erase_subject(
        &self,
        id: i64,
        token: &[u8; 16],
        erased_ms: i64,
        entries: &[(&str, Option<[u8; 16]>)],
    ) -> Result<u64> {
        let mut removed = 0;
        for (field, hash) in entries {
            removed += self.delete_index_entries(id, field, hash.as_ref().map(|h| h.as_slice()))?;
        }
        self.exec("DELETE FROM subjects WHERE id = $1", &[&id])?;
        self.exec(
            "INSERT INTO erased (token, subject_id, erased_ms) VALUES ($1, $2, $3)",
            &[&token.as_slice(), &id, &erased_ms],
        )?;
        Ok(removed)
    }
}

impl SubjectReads for Db<'_> {
    fn subject_by_token(&self, token: &[u8; 16]) -> Result<TokenLookup> {
        if let Some(r) =
            self.row(concat!("SELECT ", columns!(), " FROM subjects s WHERE s.token = $1"), &[&token.as_slice()])?
        {
            return Ok(TokenLookup::Found(row(&r)?));
        }
        let erased: bool =
            get(&self.one("SELECT EXISTS (SELECT 1 FROM erased WHERE token = $1)", &[&token.as_slice()])?, 0)?;
        Ok(if erased { TokenLookup::Erased } else { TokenLookup::Missing })
    }

    fn subject_by_index(&self, field: &str, hash: &[u8]) -> Result<Option<SubjectRow>> {
        self.maybe(
            concat!(
                "SELECT ",
                columns!(),
                " FROM subject_index i JOIN subjects s ON s.id = i.subject_id WHERE i.field = $1 AND i.hash = $2"
            ),
            &[&field, &hash],
            row,
        )
    }

    fn subject_dek(&self, token: &[u8; 16]) -> Result<Option<Vec<u8>>> {
        self.maybe("SELECT dek FROM subjects WHERE token = $1", &[&token.as_slice()], |r| get(r, 0))
    }

    fn subject_id_of(&self, token: &[u8; 16]) -> Result<Option<i64>> {
        self.maybe(
            "SELECT id FROM subjects WHERE token = $1 UNION ALL SELECT subject_id FROM erased WHERE token = $1 LIMIT 1",
            &[&token.as_slice()],
            |r| get(r, 0),
        )
    }

    fn subject_key_by_id(&self, id: i64) -> Result<Option<([u8; 16], Vec<u8>)>> {
        self.maybe("SELECT token, dek FROM subjects WHERE id = $1", &[&id], |r| {
            Ok((fixed(get(r, 0)?, "subject token")?, get(r, 1)?))
        })
    }

    fn each_subject_version(&self, f: &mut dyn FnMut(i64, [u8; 16], i64) -> Result<()>) -> Result<()> {
        let mut after = i64::MIN;
        loop {
            let rows = self.rows(
                "SELECT id, token, version FROM subjects WHERE id > $1 ORDER BY id LIMIT $2",
                &[&after, &WALK_PAGE],
            )?;
            for r in &rows {
                after = get(r, 0)?;
                f(after, fixed(get(r, 1)?, "subject token")?, get(r, 2)?)?;
            }
            if (rows.len() as i64) < WALK_PAGE {
                return Ok(());
            }
        }
    }

    fn erased_subjects(&self) -> Result<Vec<([u8; 16], i64)>> {
        let rows = self.rows("SELECT token, subject_id FROM erased", &[])?;
        rows.iter().map(|r| Ok((fixed(get(r, 0)?, "subject token")?, get(r, 1)?))).collect()
    }

    fn subjects_page(&self, after: i64, limit: u64) -> Result<Vec<SubjectRow>> {
        let limit = limit as i64;
        let rows = self.rows(
            concat!("SELECT ", columns!(), " FROM subjects s WHERE s.id > $1 ORDER BY s.id LIMIT $2"),
            &[&after, &limit],
        )?;
        rows.iter().map(row).collect()
    }

    fn count_subjects(&self) -> Result<u64> {
        let n: i64 = get(&self.one("SELECT count(*) FROM subjects", &[])?, 0)?;
        Ok(n as u64)
    }
}
