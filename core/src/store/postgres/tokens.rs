//! The `tokens` table: vaulted tokens by the keyed hash of the token, their sealed values,
//! expiry, and the link to a subject.

use postgres::Row;

use super::{fixed, get, mac_or_none, Db, WALK_PAGE};
use crate::error::Result;
use crate::tokens::store::{TokenReads, TokenRow, TokenWrites};

macro_rules! columns {
    () => {
        "hash, kind, scope, flags, subject_id, value, created_ms, expires_ms, ttl_ms, mac"
    };
}

fn row(r: &Row) -> Result<TokenRow> {
    Ok(TokenRow {
        hash: fixed(get(r, 0)?, "token hash")?,
        kind: get(r, 1)?,
        scope: get(r, 2)?,
        flags: get(r, 3)?,
        subject_id: get(r, 4)?,
        value: get(r, 5)?,
        created_ms: get(r, 6)?,
        expires_ms: get(r, 7)?,
        ttl_ms: get(r, 8)?,
        mac: mac_or_none(get(r, 9)?)?,
    })
}

impl TokenWrites for Db<'_> {
    fn insert_token(&self, t: &TokenRow) -> Result<bool> {
        // The unique hash decides; a taken hash leaves the transaction usable (no error).
        let n = self.exec(
            concat!(
                "INSERT INTO tokens (",
                columns!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (hash) DO NOTHING"
            ),
            &[
                &t.hash.as_slice(),
                &t.kind,
                &t.scope,
                &t.flags,
                &t.subject_id,
                &t.value,
                &t.created_ms,
                &t.expires_ms,
                &t.ttl_ms,
                &t.mac.as_slice(),
            ],
        )?;
        Ok(n == 1)
    }

    fn delete_token(&self, hash: &[u8; 16]) -> Result<bool> {
        Ok(self.exec("DELETE FROM tokens WHERE hash = $1", &[&hash.as_slice()])? > 0)
    }

    fn set_token_expiry(&self, t: &TokenRow) -> Result<()> {
        self.exec(
            "UPDATE tokens SET expires_ms = $2, ttl_ms = $3, mac = $4 WHERE hash = $1",
            &[&t.hash.as_slice(), &t.expires_ms, &t.ttl_ms, &t.mac.as_slice()],
        )?;
        Ok(())
    }

    fn set_token_mac(&self, hash: &[u8; 16], mac: &[u8; 32]) -> Result<()> {
        self.exec("UPDATE tokens SET mac = $2 WHERE hash = $1", &[&hash.as_slice(), &mac.as_slice()])?;
        Ok(())
    }

    fn purge_expired_tokens(&self, now_ms: i64, limit: u64) -> Result<u64> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.exec(
            "DELETE FROM tokens WHERE id IN
               (SELECT id FROM tokens WHERE expires_ms IS NOT NULL AND expires_ms <= $1 LIMIT $2)",
            &[&now_ms, &limit],
        )
    }

    fn delete_tokens_of_subject(&self, subject_id: i64) -> Result<u64> {
        self.exec("DELETE FROM tokens WHERE subject_id = $1", &[&subject_id])
    }
}

impl TokenReads for Db<'_> {
    fn token_by_hash(&self, hash: &[u8; 16]) -> Result<Option<TokenRow>> {
        self.maybe(concat!("SELECT ", columns!(), " FROM tokens WHERE hash = $1"), &[&hash.as_slice()], row)
    }

    fn each_token(&self, f: &mut dyn FnMut(TokenRow) -> Result<()>) -> Result<()> {
        let mut after = i64::MIN;
        loop {
            let rows = self.rows(
                concat!("SELECT ", columns!(), ", id FROM tokens WHERE id > $1 ORDER BY id LIMIT $2"),
                &[&after, &WALK_PAGE],
            )?;
            for r in &rows {
                after = get(r, 10)?;
                f(row(r)?)?;
            }
            if (rows.len() as i64) < WALK_PAGE {
                return Ok(());
            }
        }
    }

    fn count_tokens_of_subject(&self, subject_id: i64) -> Result<u64> {
        let n: i64 = get(&self.one("SELECT count(*) FROM tokens WHERE subject_id = $1", &[&subject_id])?, 0)?;
        Ok(n as u64)
    }

    fn tokens_of_subject(&self, subject_id: i64) -> Result<Vec<TokenRow>> {
        let rows = self
            .rows(concat!("SELECT ", columns!(), " FROM tokens WHERE subject_id = $1 ORDER BY id"), &[&subject_id])?;
        rows.iter().map(row).collect()
    }
}
