//! The `key_wrappings` table (how the root key is unlocked) and the `keys` table (purpose keys
//! wrapped by the root key).

use rusqlite::OptionalExtension;

use super::Db;
use crate::error::{Error, Result};
use crate::store::{KeyReads, KeyRow, KeyWrites};

impl KeyReads for Db<'_> {
    fn key_wrapping(&self, method: &str) -> Result<Option<Vec<u8>>> {
        let db = self;
        Ok(db
            .conn
            .prepare_cached("SELECT wrapped FROM key_wrappings WHERE method = ?1")?
            .query_row([method], |r| r.get(0))
            .optional()?)
    }

    fn active_keys(&self) -> Result<Vec<KeyRow>> {
        let db = self;
        let mut stmt =
            db.conn.prepare_cached("SELECT id, purpose, wrapped FROM keys WHERE retired_ms IS NULL ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, purpose, wrapped) = row?;
            let id = u32::try_from(id).map_err(|_| Error::integrity("a key id is out of range"))?;
            out.push(KeyRow { id, purpose, wrapped });
        }
        Ok(out)
    }
}

impl KeyWrites for Db<'_> {
    fn insert_key_wrapping(&self, method: &str, wrapped: &[u8], now_ms: i64) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO key_wrappings (method, params, wrapped, created_ms, updated_ms)
                 VALUES (?1, NULL, ?2, ?3, ?3)",
            )?
            .execute(rusqlite::params![method, wrapped, now_ms])?;
        Ok(())
    }

    fn update_key_wrapping(&self, method: &str, wrapped: &[u8], now_ms: i64) -> Result<()> {
        let tx = self;
        let changed = tx
            .conn
            .prepare_cached("UPDATE key_wrappings SET wrapped = ?2, updated_ms = ?3 WHERE method = ?1")?
            .execute(rusqlite::params![method, wrapped, now_ms])?;
        if changed != 1 {
            return Err(Error::integrity("the vault's key wrapping is missing"));
        }
        Ok(())
    }

    fn next_key_id(&self) -> Result<u32> {
        let tx = self;
        let max: i64 = tx.conn.query_row("SELECT coalesce(max(id), 0) FROM keys", [], |r| r.get(0))?;
        u32::try_from(max + 1).map_err(|_| Error::integrity("a key id is out of range"))
    }

    fn insert_key(&self, row: &KeyRow, now_ms: i64) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached("INSERT INTO keys (id, purpose, wrapped, created_ms) VALUES (?1, ?2, ?3, ?4)")?
            .execute(rusqlite::params![row.id, row.purpose, row.wrapped, now_ms])?;
        Ok(())
    }
}
