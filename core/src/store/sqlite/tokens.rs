//! The `tokens` table: vaulted tokens by the keyed hash of the token, their sealed values,
//! expiry, and the link to a subject.

use rusqlite::OptionalExtension;

use super::{fixed, is_conflict, mac_or_none, Db};
use crate::error::Result;
use crate::tokens::store::{TokenReads, TokenRow, TokenWrites};

macro_rules! columns {
    () => {
        "hash, kind, scope, flags, subject_id, value, created_ms, expires_ms, ttl_ms, mac"
    };
}

type Raw = (Vec<u8>, i64, String, i64, Option<i64>, Vec<u8>, i64, Option<i64>, Option<i64>, Option<Vec<u8>>);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?))
}

fn row((hash, kind, scope, flags, subject_id, value, created_ms, expires_ms, ttl_ms, mac): Raw) -> Result<TokenRow> {
    Ok(TokenRow {
        hash: fixed(hash, "token hash")?,
        kind,
        scope,
        flags,
        subject_id,
        value,
        created_ms,
        expires_ms,
        ttl_ms,
        mac: mac_or_none(mac)?,
    })
}

impl TokenWrites for Db<'_> {
    fn insert_token(&self, t: &TokenRow) -> Result<bool> {
        let tx = self;
        let result = tx
            .conn
            .prepare_cached(concat!(
                "INSERT INTO tokens (",
                columns!(),
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            ))?
            .execute(rusqlite::params![
                t.hash.as_slice(),
                t.kind,
                t.scope,
                t.flags,
                t.subject_id,
                t.value,
                t.created_ms,
                t.expires_ms,
                t.ttl_ms,
                t.mac.as_slice()
            ]);
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_conflict(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn delete_token(&self, hash: &[u8; 16]) -> Result<bool> {
        let tx = self;
        Ok(tx.conn.prepare_cached("DELETE FROM tokens WHERE hash = ?1")?.execute([hash.as_slice()])? > 0)
    }

    fn set_token_expiry(&self, t: &TokenRow) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached("UPDATE tokens SET expires_ms = ?2, ttl_ms = ?3, mac = ?4 WHERE hash = ?1")?
            .execute(rusqlite::params![t.hash.as_slice(), t.expires_ms, t.ttl_ms, t.mac.as_slice()])?;
        Ok(())
    }

    fn set_token_mac(&self, hash: &[u8; 16], mac: &[u8; 32]) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached("UPDATE tokens SET mac = ?2 WHERE hash = ?1")?
            .execute(rusqlite::params![hash.as_slice(), mac.as_slice()])?;
        Ok(())
    }

    fn purge_expired_tokens(&self, now_ms: i64, limit: u64) -> Result<u64> {
        let tx = self;
        let n = tx
            .conn
            .prepare_cached(
                "DELETE FROM tokens WHERE id IN
                   (SELECT id FROM tokens WHERE expires_ms IS NOT NULL AND expires_ms <= ?1 LIMIT ?2)",
            )?
            .execute(rusqlite::params![now_ms, limit as i64])?;
        Ok(n as u64)
    }

    fn delete_tokens_of_subject(&self, subject_id: i64) -> Result<u64> {
        let tx = self;
        Ok(tx.conn.prepare_cached("DELETE FROM tokens WHERE subject_id = ?1")?.execute([subject_id])? as u64)
    }
}

impl TokenReads for Db<'_> {
    fn token_by_hash(&self, hash: &[u8; 16]) -> Result<Option<TokenRow>> {
        let db = self;
        db.conn
            .prepare_cached(concat!("SELECT ", columns!(), " FROM tokens WHERE hash = ?1"))?
            .query_row([hash.as_slice()], raw)
            .optional()?
            .map(row)
            .transpose()
    }

    fn each_token(&self, f: &mut dyn FnMut(TokenRow) -> Result<()>) -> Result<()> {
        let db = self;
        let mut stmt = db.conn.prepare(concat!("SELECT ", columns!(), " FROM tokens ORDER BY id"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(row(raw(r)?)?)?;
        }
        Ok(())
    }

    fn count_tokens_of_subject(&self, subject_id: i64) -> Result<u64> {
        let db = self;
        let n: i64 = db
            .conn
            .prepare_cached("SELECT count(*) FROM tokens WHERE subject_id = ?1")?
            .query_row([subject_id], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn tokens_of_subject(&self, subject_id: i64) -> Result<Vec<TokenRow>> {
        let db = self;
        let mut stmt =
            db.conn.prepare_cached(concat!("SELECT ", columns!(), " FROM tokens WHERE subject_id = ?1 ORDER BY id"))?;
        let mut rows = stmt.query([subject_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(row(raw(r)?)?);
        }
        Ok(out)
    }
}
