//! The `key_wrappings` table (how the root key is unlocked) and the `keys` table (purpose keys
//! wrapped by the root key).

use super::{get, Db};
use crate::error::{Error, Result};
use crate::store::{KeyReads, KeyRow, KeyWrites};

impl KeyReads for Db<'_> {
    fn key_wrapping(&self, method: &str) -> Result<Option<Vec<u8>>> {
        self.maybe("SELECT wrapped FROM key_wrappings WHERE method = $1", &[&method], |r| get(r, 0))
    }

    fn active_keys(&self) -> Result<Vec<KeyRow>> {
        let rows = self.rows("SELECT id, purpose, wrapped FROM keys WHERE retired_ms IS NULL ORDER BY id", &[])?;
        rows.iter()
            .map(|r| {
                let id = u32::try_from(get::<i64>(r, 0)?).map_err(|_| Error::integrity("a key id is out of range"))?;
                Ok(KeyRow { id, purpose: get(r, 1)?, wrapped: get(r, 2)? })
            })
            .collect()
    }
}

impl KeyWrites for Db<'_> {
    fn insert_key_wrapping(&self, method: &str, wrapped: &[u8], now_ms: i64) -> Result<()> {
        self.exec(
            "INSERT INTO key_wrappings (method, params, wrapped, created_ms, updated_ms) VALUES ($1, NULL, $2, $3, $3)",
            &[&method, &wrapped, &now_ms],
        )?;
        Ok(())
    }

    fn update_key_wrapping(&self, method: &str, wrapped: &[u8], now_ms: i64) -> Result<()> {
        let changed = self.exec(
            "UPDATE key_wrappings SET wrapped = $2, updated_ms = $3 WHERE method = $1",
            &[&method, &wrapped, &now_ms],
        )?;
        if changed != 1 {
            return Err(Error::integrity("the vault's key wrapping is missing"));
        }
        Ok(())
    }

    fn next_key_id(&self) -> Result<u32> {
        let max: i64 = get(&self.one("SELECT coalesce(max(id), 0) FROM keys", &[])?, 0)?;
        u32::try_from(max + 1).map_err(|_| Error::integrity("a key id is out of range"))
    }

    fn insert_key(&self, row: &KeyRow, now_ms: i64) -> Result<()> {
        self.exec(
            "INSERT INTO keys (id, purpose, wrapped, created_ms) VALUES ($1, $2, $3, $4)",
            &[&i64::from(row.id), &row.purpose, &row.wrapped, &now_ms],
        )?;
        Ok(())
    }
}
