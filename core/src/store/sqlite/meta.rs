//! The `meta` table: the vault's id, creation time, the indexed fields fixed at creation, and the
//! default phone region once one is given (blind indexes of national numbers depend on it).

use rusqlite::OptionalExtension;

use super::{fixed, Db};
use crate::error::{Error, ErrorKind, Result};
use crate::store::{MetaReads, MetaRow, MetaWrites};

fn get<T: rusqlite::types::FromSql>(db: &Db<'_>, name: &str) -> Result<Option<T>> {
    Ok(db.conn.prepare_cached("SELECT value FROM meta WHERE name = ?1")?.query_row([name], |r| r.get(0)).optional()?)
}

impl MetaReads for Db<'_> {
    fn read_meta(&self) -> Result<Option<MetaRow>> {
        let db = self;
        let Some(vault_id) = get::<Vec<u8>>(db, "vault_id")? else { return Ok(None) };
        let corrupt = || Error::new(ErrorKind::Storage, "the vault's metadata is missing or corrupt");
        Ok(Some(MetaRow {
            vault_id: fixed(vault_id, "vault id")?,
            created_ms: get(db, "created_ms")?.ok_or_else(corrupt)?,
            indexed_fields: get(db, "indexed_fields")?.ok_or_else(corrupt)?,
        }))
    }

    fn default_region(&self) -> Result<Option<String>> {
        let db = self;
        get(db, "default_region")
    }

    fn meta_mac(&self, name: &str) -> Result<Option<[u8; 32]>> {
        let db = self;
        get::<Vec<u8>>(db, name)?.map(|m| fixed(m, "MAC")).transpose()
    }

    fn meta_number(&self, name: &str) -> Result<Option<i64>> {
        let db = self;
        get(db, name)
    }
}

impl MetaWrites for Db<'_> {
    fn insert_meta(&self, row: &MetaRow) -> Result<()> {
        let tx = self;
        let mut stmt = tx.conn.prepare_cached("INSERT INTO meta (name, value) VALUES (?1, ?2)")?;
        stmt.execute(rusqlite::params!["vault_id", row.vault_id.as_slice()])?;
        stmt.execute(rusqlite::params!["created_ms", row.created_ms])?;
        stmt.execute(rusqlite::params!["indexed_fields", row.indexed_fields])?;
        Ok(())
    }

    fn set_default_region(&self, region: &str) -> Result<()> {
        let tx = self;
        tx.conn.prepare_cached("INSERT INTO meta (name, value) VALUES ('default_region', ?1)")?.execute([region])?;
        Ok(())
    }

    fn set_meta_mac(&self, name: &str, mac: &[u8; 32]) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO meta (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = ?2",
            )?
            .execute(rusqlite::params![name, mac.as_slice()])?;
        Ok(())
    }

    fn set_meta_number(&self, name: &str, value: i64) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO meta (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = ?2",
            )?
            .execute(rusqlite::params![name, value])?;
        Ok(())
    }
}
