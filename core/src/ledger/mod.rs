//! The erasure ledger: what survives a backup restore. Every erasure appends, inside its own
//! transaction, one entry naming the erased subject by keyed hashes only — of its token and of
//! its blind-index entries (HMAC-SHA256 under a key derived from the vault's `erasures` purpose
//! key) — MAC-chained to the entry before, append-only. The application exports the ledger
//! (`export_erasure_ledger`) and keeps it outside the database; after restoring a backup,
//! `reapply_erasures` erases every subject of the ledger that came back (the UK ICO's "put
//! beyond use, re-apply on restore"). Holds no personal data: without the vault's keys a hash
//! names nobody.

pub(crate) mod ops;
pub(crate) mod store;

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::crypto::index::{PartsMac, INDEX_LEN};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::TokenBytes;
use crate::keyring::ErasureKeys;
use crate::ledger::store::LedgerRow;
use crate::store::{Db, Tx};
use crate::subjects;

/// The ledger's export format, in its `format` field.
pub const LEDGER_FORMAT: &str = "bunkerlite-erasure-ledger/1";

/// Entries read per page.
const PAGE: u64 = 1_000;

/// The erasure ledger as exported (and handed back to `reapply_erasures`): keyed hashes only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ErasureLedger {
    /// `bunkerlite-erasure-ledger/1`.
    pub format: String,
    /// The vault's id (hex): a ledger is re-applied only to the vault (or a backup of the vault)
    /// it came from.
    pub vault: String,
    /// Every entry, oldest first.
    pub entries: Vec<LedgerEntry>,
}

/// One erasure in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LedgerEntry {
    /// Its position, from 1.
    pub seq: i64,
    /// The keyed hash of the erased subject's token (hex, 64 digits).
    pub subject: String,
    /// The keyed hashes of its blind-index entries (hex, 64 digits each).
    pub indexes: Vec<String>,
    /// When it was erased, in milliseconds since the Unix epoch (0: before the vault kept a
    /// ledger; carried over when it was upgraded).
    pub erased_ms: i64,
    /// The MAC chaining it to the entry before (hex, 64 digits).
    pub mac: String,
}

/// The keyed hash naming an erased subject.
pub(crate) fn subject_hash(keys: &ErasureKeys, token: &TokenBytes) -> [u8; 32] {
    PartsMac::new(&keys.hash).part(b"subject").part(token).finish()
}

/// The keyed hash of one of an erased subject's blind-index entries.
fn index_hash(keys: &ErasureKeys, field: &str, index: &[u8; INDEX_LEN]) -> [u8; 32] {
    PartsMac::new(&keys.hash).part(b"index").part(field.as_bytes()).part(index).finish()
}

fn mac(keys: &ErasureKeys, prev: &[u8; 32], row: &LedgerRow) -> [u8; 32] {
    PartsMac::new(&keys.chain)
        .part(prev)
        .part(&row.seq.to_be_bytes())
        .part(&row.subject)
        .part(&row.indexes)
        .part(&row.erased_ms.to_be_bytes())
        .finish()
}

/// Record the erasure of the subject `token` (its blind-index entries `indexes`), inside the
/// erasure's transaction.
pub(crate) fn append(
    keys: &ErasureKeys,
    tx: &Tx<'_>,
    token: &TokenBytes,
    indexes: &[(String, [u8; INDEX_LEN])],
    erased_ms: i64,
) -> Result<()> {
    let hashes = indexes.iter().flat_map(|(field, index)| index_hash(keys, field, index)).collect();
    append_hashed(keys, tx, subject_hash(keys, token), hashes, erased_ms).map(drop)
}

/// Append an entry of hashes unless one names the subject already; whether it was appended.
pub(crate) fn append_hashed(
    keys: &ErasureKeys,
    tx: &Tx<'_>,
    subject: [u8; 32],
    indexes: Vec<u8>,
    erased_ms: i64,
) -> Result<bool> {
    if tx.ledger_has(&subject)? {
        return Ok(false);
    }
    let (seq, prev) = tx.ledger_head()?.map_or((1, [0; 32]), |(seq, mac)| (seq + 1, mac));
    let mut row = LedgerRow { seq, subject, indexes, erased_ms, mac: [0; 32] };
    row.mac = mac(keys, &prev, &row);
    if !tx.insert_ledger_row(&row)? {
        return Err(Error::integrity("an erasure ledger entry appeared during its own append"));
    }
    Ok(true)
}

fn broken() -> Error {
    Error::integrity("the erasure ledger's chain is broken (an entry was changed, removed or reordered)")
}

/// Check that `row` is the entry at `seq` after the one whose MAC is `prev`; `prev` becomes its.
fn link(keys: &ErasureKeys, prev: &mut [u8; 32], seq: i64, row: &LedgerRow) -> Result<()> {
    if row.seq != seq || !bool::from(mac(keys, prev, row).ct_eq(&row.mac)) {
        return Err(broken());
    }
    *prev = row.mac;
    Ok(())
}

/// Every entry of the vault's ledger, its chain checked.
fn read_all(keys: &ErasureKeys, db: &Db<'_>) -> Result<Vec<LedgerEntry>> {
    let (mut out, mut prev, mut after) = (Vec::new(), [0u8; 32], 0);
    loop {
        let rows = db.ledger_rows(after, PAGE)?;
        let last = rows.len() < PAGE as usize;
        for row in rows {
            link(keys, &mut prev, after + 1, &row)?;
            after = row.seq;
            out.push(LedgerEntry {
                seq: row.seq,
                subject: hex::encode(row.subject),
                indexes: row.indexes.chunks(32).map(hex::encode).collect(),
                erased_ms: row.erased_ms,
                mac: hex::encode(row.mac),
            });
        }
        if last {
            break;
        }
    }
    // Every erasure the vault records (its `erased` facts, which `verify_audit` reconciles
    // with the audit chain) has its entry: a deleted or hidden entry is caught here.
    let listed: std::collections::HashSet<String> = out.iter().map(|e| e.subject.clone()).collect();
    for (token, _) in subjects::erased(db)? {
        if !listed.contains(&hex::encode(subject_hash(keys, &token))) {
            return Err(Error::integrity("an erasure is missing from the erasure ledger (an entry was removed)"));
        }
    }
    Ok(out)
}

/// How many entries the vault's ledger holds.
pub(crate) fn count(engine: &Engine) -> Result<u64> {
    Ok(engine.unaudited(|db: &Db<'_>| db.ledger_head())?.map_or(0, |(seq, _)| seq as u64))
}

/// The whole ledger, its chain checked (`INTEGRITY` when an entry was changed, removed or
/// reordered in the database). Audited as `ledger.export`.
pub(crate) fn export(engine: &Engine, caller: &Caller) -> Result<ErasureLedger> {
    engine.read_snapshot(caller, Action::LedgerExport, None, |db| {
        engine.validate_purpose(db, caller)?;
        let entries = read_all(engine.keys().erasures(), db)?;
        let ledger =
            ErasureLedger { format: LEDGER_FORMAT.to_owned(), vault: hex::encode(engine.keys().vault_id()), entries };
        Ok((ledger, vec![Event::attempt(Action::LedgerExport, None)]))
    })
}

/// One checked entry of a ledger handed back: the subject's hash, its index hashes, its time.
pub(crate) type Checked = ([u8; 32], Vec<u8>, i64);

fn unhex<const N: usize>(text: &str) -> Result<[u8; N]> {
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).map_err(|_| broken())?;
    Ok(out)
}

/// Check the entries of a ledger handed back by the application: every entry in order from 1
/// with its MAC under this vault's key (`INTEGRITY` for any change, or another vault's ledger).
pub(crate) fn check(keys: &ErasureKeys, entries: &[LedgerEntry]) -> Result<Vec<Checked>> {
    let mut prev = [0u8; 32];
    let mut out = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let mut indexes = Vec::with_capacity(e.indexes.len() * 32);
        for h in &e.indexes {
            indexes.extend_from_slice(&unhex::<32>(h)?);
        }
        let row =
            LedgerRow { seq: e.seq, subject: unhex(&e.subject)?, indexes, erased_ms: e.erased_ms, mac: unhex(&e.mac)? };
        link(keys, &mut prev, i as i64 + 1, &row)?;
        out.push((row.subject, row.indexes, row.erased_ms));
    }
    Ok(out)
}
