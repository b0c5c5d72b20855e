//! The `meta` table: the vault's id, creation time, indexed fields, default phone region, and the
//! marks and MACs areas keep there (one typed column per row).

use super::{fixed, get, Db};
use crate::error::{Error, ErrorKind, Result};
use crate::store::{MetaReads, MetaRow, MetaWrites};

/// The value in column `column` of the `meta` row `name` (`None`: no such row, or null there).
fn value<T: for<'r> postgres::types::FromSql<'r>>(db: &Db<'_>, sql: &'static str, name: &str) -> Result<Option<T>> {
    Ok(db.maybe(sql, &[&name], |r| get::<Option<T>>(r, 0))?.flatten())
}

fn bin(db: &Db<'_>, name: &str) -> Result<Option<Vec<u8>>> {
    value(db, "SELECT bin FROM meta WHERE name = $1", name)
}

fn txt(db: &Db<'_>, name: &str) -> Result<Option<String>> {
    value(db, "SELECT txt FROM meta WHERE name = $1", name)
}

/// An integer kept in `meta`, if any.
pub(super) fn num(db: &Db<'_>, name: &str) -> Result<Option<i64>> {
    value(db, "SELECT num FROM meta WHERE name = $1", name)
}

/// Raise an integer kept in `meta` to `value` (never lower it).
pub(super) fn raise(db: &Db<'_>, name: &str, value: i64) -> Result<()> {
    db.exec(
        "INSERT INTO meta (name, num) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET num = greatest(meta.num, $2)",
        &[&name, &value],
    )?;
    Ok(())
}

impl MetaReads for Db<'_> {
    fn read_meta(&self) -> Result<Option<MetaRow>> {
        let Some(vault_id) = bin(self, "vault_id")? else { return Ok(None) };
        let corrupt = || Error::new(ErrorKind::Storage, "the vault's metadata is missing or corrupt");
        Ok(Some(MetaRow {
            vault_id: fixed(vault_id, "vault id")?,
            created_ms: num(self, "created_ms")?.ok_or_else(corrupt)?,
            indexed_fields: txt(self, "indexed_fields")?.ok_or_else(corrupt)?,
        }))
    }

    fn default_region(&self) -> Result<Option<String>> {
        txt(self, "default_region")
    }

    fn meta_mac(&self, name: &str) -> Result<Option<[u8; 32]>> {
        bin(self, name)?.map(|m| fixed(m, "MAC")).transpose()
    }

    fn meta_number(&self, name: &str) -> Result<Option<i64>> {
        num(self, name)
    }
}

impl MetaWrites for Db<'_> {
    fn insert_meta(&self, row: &MetaRow) -> Result<()> {
        self.exec("INSERT INTO meta (name, bin) VALUES ('vault_id', $1)", &[&row.vault_id.as_slice()])?;
        self.exec("INSERT INTO meta (name, num) VALUES ('created_ms', $1)", &[&row.created_ms])?;
        self.exec("INSERT INTO meta (name, txt) VALUES ('indexed_fields', $1)", &[&row.indexed_fields])?;
        Ok(())
    }

    fn set_default_region(&self, region: &str) -> Result<()> {
        self.exec("INSERT INTO meta (name, txt) VALUES ('default_region', $1)", &[&region])?;
        Ok(())
    }

    fn set_meta_mac(&self, name: &str, mac: &[u8; 32]) -> Result<()> {
        self.exec(
            "INSERT INTO meta (name, bin) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET bin = $2",
            &[&name, &mac.as_slice()],
        )?;
        Ok(())
    }

    fn set_meta_number(&self, name: &str, value: i64) -> Result<()> {
        self.exec(
            "INSERT INTO meta (name, num) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET num = $2",
            &[&name, &value],
        )?;
        Ok(())
    }
}
