//! The `meta` table: the vault's id, creation time, the indexed fields fixed at creation, and the
//! default phone region once one is given (blind indexes of national numbers depend on it).

use rusqlite::OptionalExtension;

use super::{fixed, Db, Tx};
use crate::error::{Error, ErrorKind, Result};
use crate::store::MetaRow;

fn get<T: rusqlite::types::FromSql>(db: &Db<'_>, name: &str) -> Result<Option<T>> {
    Ok(db.conn.prepare_cached("SELECT value FROM meta WHERE name = ?1")?.query_row([name], |r| r.get(0)).optional()?)
}

/// The vault's metadata, or `None` in a database that is not a vault yet.
pub(crate) fn read(db: &Db<'_>) -> Result<Option<MetaRow>> {
    let Some(vault_id) = get::<Vec<u8>>(db, "vault_id")? else { return Ok(None) };
    let corrupt = || Error::new(ErrorKind::Storage, "the vault's metadata is missing or corrupt");
    Ok(Some(MetaRow {
        vault_id: fixed(vault_id, "vault id")?,
        created_ms: get(db, "created_ms")?.ok_or_else(corrupt)?,
        indexed_fields: get(db, "indexed_fields")?.ok_or_else(corrupt)?,
    }))
}

/// Write the metadata of a new vault.
pub(crate) fn insert(tx: &Tx<'_>, row: &MetaRow) -> Result<()> {
    let mut stmt = tx.conn.prepare_cached("INSERT INTO meta (name, value) VALUES (?1, ?2)")?;
    stmt.execute(rusqlite::params!["vault_id", row.vault_id.as_slice()])?;
    stmt.execute(rusqlite::params!["created_ms", row.created_ms])?;
    stmt.execute(rusqlite::params!["indexed_fields", row.indexed_fields])?;
    Ok(())
}

/// The default phone region the vault's national numbers were indexed with, if one was given.
pub(crate) fn default_region(db: &Db<'_>) -> Result<Option<String>> {
    get(db, "default_region")
}

/// Record the default phone region (once: the caller checks there is none yet).
pub(crate) fn set_default_region(tx: &Tx<'_>, region: &str) -> Result<()> {
    tx.conn.prepare_cached("INSERT INTO meta (name, value) VALUES ('default_region', ?1)")?.execute([region])?;
    Ok(())
}

/// A MAC kept in `meta` under `name` (the catalogue's, the outbox consumers'), if any.
pub(crate) fn mac(db: &Db<'_>, name: &str) -> Result<Option<[u8; 32]>> {
    get::<Vec<u8>>(db, name)?.map(|m| fixed(m, "MAC")).transpose()
}

/// Store a MAC in `meta` under `name`.
pub(crate) fn set_mac(tx: &Tx<'_>, name: &str, mac: &[u8; 32]) -> Result<()> {
    tx.conn
        .prepare_cached("INSERT INTO meta (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = ?2")?
        .execute(rusqlite::params![name, mac.as_slice()])?;
    Ok(())
}

/// An integer kept in `meta` under `name` (a mark a migration left), if any.
pub(crate) fn number(db: &Db<'_>, name: &str) -> Result<Option<i64>> {
    get(db, name)
}
