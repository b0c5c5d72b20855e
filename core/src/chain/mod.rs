//! The audit chain (below the engine; the listing and verification are `audit_log`): what an operation records (`Event`), events ready to be chained
//! (`Pending`), the chain MAC, and appending inside a write transaction.
//!
//! `mac_n = HMAC-SHA256(audit key, parts)` over the parts `"bunkerlite/v2/audit"`, `mac_{n-1}`,
//! `seq` (u64 BE), `time_ms` (i64 BE), `actor`, `opt(purpose)`, `action`, `opt(subject token)`,
//! `opt(subject row id, i64 BE)`, `opt(row version, i64 BE)`, `outcome`, `opt(details)`, each part
//! prefixed with its length (u64 BE); `opt(x)` is the single byte `0x00` when absent and `0x01 ‖ x`
//! when present, so an absent part never reads as an empty one; an event with a token reference
//! (format 3) appends the parts `"ref"` and the reference, events without one end at `details`
//! (as every event of format 2 does). `mac_0` is 32 zero bytes.
//! Details are encrypted under the subject's data key: erasing the subject shreds them while the
//! chain, which covers the ciphertext, still verifies.
//!
//! From format 12, events from `audit_digests_from` (in `meta`: the first event written by a
//! format-12 build) use the label `"bunkerlite/v3/audit"` and, in place of `opt(details)`,
//! `opt(SHA-256(details))`: a retention rule can then remove the sealed details of old events
//! (keeping their hash in `details_hash`) and the chain still verifies. Older events keep the
//! formula they were written with, and their details.

pub(crate) mod buffer;
pub(crate) mod store;

use std::sync::Arc;

use serde_json::Value;
use zeroize::Zeroizing;

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::store::{AuditRow, NewAuditRow};
use crate::crypto::aead::{self, Place, Slot, ROW_KEY};
use crate::crypto::index::{MacKey, PartsMac};
use crate::crypto::keys::SecretKey;
use crate::error::{Error, Result};
use crate::ids::TokenBytes;
use crate::keyring::Keyring;
use crate::store::{Db, Tx};

const CHAIN_LABEL: &[u8] = b"bunkerlite/v2/audit";
const DIGEST_LABEL: &[u8] = b"bunkerlite/v3/audit";

/// The `meta` entry holding the first event whose MAC covers its details' digest.
const DIGESTS_FROM: &str = "audit_digests_from";

/// The first event whose MAC covers the SHA-256 of its details instead of the details (format
/// 12): events from it on can have their details shredded.
pub(crate) fn digests_from(db: &Db<'_>) -> Result<u64> {
    db.meta_number(DIGESTS_FROM)?
        .and_then(|n| u64::try_from(n).ok())
        .filter(|n| *n >= 1)
        .ok_or_else(|| Error::integrity("the audit's digest mark is missing or corrupt"))
}

/// The SHA-256 of sealed details (what the MAC of a format-12 event covers).
pub(crate) fn details_digest(sealed: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(sealed).into()
}

pub(crate) use crate::action::OK;

/// Where an event's details are sealed: bound to the subject's token.
pub(crate) fn details_place<'a>(vault_id: &'a [u8; 16], token: &'a TokenBytes) -> Place<'a> {
    Place::fixed(vault_id, Slot::AuditDetails, token)
}

/// What an operation records: the action, the subject it touched (token, and row id when
/// known), the subject's row version after a write, and encrypted details.
pub(crate) struct Event {
    action: Action,
    subject: Option<TokenBytes>,
    subject_id: Option<i64>,
    version: Option<i64>,
    details: Option<Vec<u8>>,
    reference: Option<[u8; 16]>,
}

impl Event {
    /// An event naming at most a token (failed attempts: the row may not exist).
    pub(crate) fn attempt(action: Action, subject: Option<TokenBytes>) -> Event {
        Event { action, subject, subject_id: None, version: None, details: None, reference: None }
    }

    /// An event about the stored subject with row id `id` and token `token`.
    pub(crate) fn about(action: Action, id: i64, token: TokenBytes) -> Event {
        Event { action, subject: Some(token), subject_id: Some(id), version: None, details: None, reference: None }
    }

    /// The subject's row version after this write.
    pub(crate) fn at_version(mut self, version: i64) -> Event {
        self.version = Some(version);
        self
    }

    /// The keyed hash of the token this event concerns (never the token itself).
    pub(crate) fn with_reference(mut self, reference: [u8; 16]) -> Event {
        self.reference = Some(reference);
        self
    }

    /// Attach details, sealed under the subject's data key.
    pub(crate) fn with_details(mut self, vault_id: &[u8; 16], dek: &SecretKey, details: &Value) -> Result<Event> {
        let token = self.subject.ok_or_else(|| Error::internal("details need a subject"))?;
        let plain =
            Zeroizing::new(serde_json::to_vec(details).map_err(|_| Error::internal("details do not serialise"))?);
        self.details = Some(aead::seal(dek, ROW_KEY, &details_place(vault_id, &token), &plain)?);
        Ok(self)
    }

    /// The event with who did it, when, and how it ended.
    pub(crate) fn into_pending(self, caller: &Caller, time_ms: i64, outcome: &'static str) -> Pending {
        Pending {
            time_ms,
            actor: Arc::clone(caller.actor_arc()),
            purpose: caller.purpose_arc().cloned(),
            action: self.action,
            subject: self.subject,
            subject_id: self.subject_id,
            version: self.version,
            outcome,
            details: self.details,
            reference: self.reference,
        }
    }
}

/// An event ready to be chained.
pub(crate) struct Pending {
    time_ms: i64,
    actor: Arc<str>,
    purpose: Option<Arc<str>>,
    action: Action,
    subject: Option<TokenBytes>,
    subject_id: Option<i64>,
    version: Option<i64>,
    outcome: &'static str,
    details: Option<Vec<u8>>,
    reference: Option<[u8; 16]>,
}

#[cfg(test)]
impl Pending {
    /// When the event happened (tests check the order of buffered events by it).
    pub(crate) fn time_ms(&self) -> i64 {
        self.time_ms
    }
}

/// The fields of one event that the chain MAC covers.
pub(crate) struct Fields<'a> {
    pub(crate) seq: u64,
    pub(crate) time_ms: i64,
    pub(crate) actor: &'a str,
    pub(crate) purpose: Option<&'a str>,
    pub(crate) action: &'a str,
    pub(crate) subject: Option<&'a [u8]>,
    pub(crate) subject_id: Option<i64>,
    pub(crate) version: Option<i64>,
    pub(crate) outcome: &'a str,
    pub(crate) details: Option<&'a [u8]>,
    pub(crate) reference: Option<&'a [u8]>,
    /// The hash of shredded details (only when `details` are gone).
    pub(crate) details_hash: Option<&'a [u8; 32]>,
    /// Whether the MAC covers the details' digest (events from `audit_digests_from`).
    pub(crate) digests: bool,
}

impl<'a> Fields<'a> {
    /// The fields of a stored row (`digests_from`: see [`digests_from`]).
    pub(crate) fn of(row: &'a AuditRow, digests_from: u64) -> Fields<'a> {
        Fields {
            seq: row.seq,
            time_ms: row.time_ms,
            actor: &row.actor,
            purpose: row.purpose.as_deref(),
            action: &row.action,
            subject: row.subject.as_ref().map(|s| s.as_slice()),
            subject_id: row.subject_id,
            version: row.version,
            outcome: &row.outcome,
            details: row.details.as_deref(),
            reference: row.reference.as_ref().map(|r| r.as_slice()),
            details_hash: row.details_hash.as_ref(),
            digests: row.seq >= digests_from,
        }
    }

    /// Whether the row's details are in a state the vault writes: present or absent — or, from
    /// the digest mark on, shredded down to their hash (never both, never a hash before it).
    pub(crate) fn consistent(&self) -> bool {
        self.details_hash.is_none() || (self.digests && self.details.is_none())
    }

    /// The chain MAC of this event after the one whose MAC is `prev`.
    pub(crate) fn mac(&self, key: &MacKey, prev: &[u8; 32]) -> [u8; 32] {
        let subject_id = self.subject_id.map(i64::to_be_bytes);
        let version = self.version.map(i64::to_be_bytes);
        let digest = match (self.digests, self.details, self.details_hash) {
            (true, Some(sealed), _) => Some(details_digest(sealed)),
            (true, None, hash) => hash.copied(),
            (false, ..) => None,
        };
        let details = if self.digests { digest.as_ref().map(|d| d.as_slice()) } else { self.details };
        let mut mac = PartsMac::new(key);
        mac.part(if self.digests { DIGEST_LABEL } else { CHAIN_LABEL })
            .part(prev)
            .part(&self.seq.to_be_bytes())
            .part(&self.time_ms.to_be_bytes())
            .part(self.actor.as_bytes())
            .opt(self.purpose.map(str::as_bytes))
            .part(self.action.as_bytes())
            .opt(self.subject)
            .opt(subject_id.as_ref().map(|b| b.as_slice()))
            .opt(version.as_ref().map(|b| b.as_slice()))
            .part(self.outcome.as_bytes())
            .opt(details);
        if let Some(reference) = self.reference {
            mac.part(b"ref").part(reference);
        }
        mac.finish()
    }
}

/// Append events to the chain inside `tx` (the write lock orders every append).
///
/// Once `index_batch` events wait after the subject index's mark, they are indexed in the same
/// transaction, in one sorted pass (see the `audit_subjects` table).
pub(crate) fn append<'p>(
    tx: &Tx<'_>,
    keys: &Keyring,
    events: impl Iterator<Item = &'p Pending>,
    index_batch: u64,
) -> Result<()> {
    let mut events = events.peekable();
    if events.peek().is_none() {
        return Ok(());
    }
    let (mut seq, mut prev) = tx.audit_head()?.unwrap_or((0, [0; 32]));
    // Every event appended now is at or after the digest mark (set to the head's successor when
    // the file became format 12): its MAC covers its details' digest (verification checks the
    // mark is not ahead of the log).
    let mut rows = Vec::new();
    for e in events {
        seq += 1;
        // A failed attempt names only a token: find the row it belongs to, if any.
        let subject_id = match (&e.subject, e.subject_id) {
            (Some(token), None) => tx.subject_id_of(token)?,
            (_, id) => id,
        };
        let fields = Fields {
            seq,
            time_ms: e.time_ms,
            actor: &e.actor,
            purpose: e.purpose.as_deref(),
            action: e.action.as_str(),
            subject: e.subject.as_ref().map(|s| s.as_slice()),
            subject_id,
            version: e.version,
            outcome: e.outcome,
            details: e.details.as_deref(),
            reference: e.reference.as_ref().map(|r| r.as_slice()),
            details_hash: None,
            digests: true,
        };
        let mac = fields.mac(keys.audit_key(), &prev);
        rows.push(NewAuditRow {
            seq,
            time_ms: e.time_ms,
            actor: &e.actor,
            purpose: e.purpose.as_deref(),
            action: e.action,
            subject: e.subject.as_ref(),
            subject_id,
            version: e.version,
            outcome: e.outcome,
            details: e.details.as_deref(),
            mac,
            reference: e.reference.as_ref(),
        });
        prev = mac;
    }
    tx.append_audit(&rows)?;
    tx.index_audit(seq, index_batch)?;
    Ok(())
}

/// How many of the events about the subject with row id `subject_id` carry encrypted details
/// (what its erasure shreds).
pub(crate) fn details_of_subject(db: &Db<'_>, subject_id: i64) -> Result<u64> {
    db.count_audit_details_of_subject(subject_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(purpose: Option<&'a str>, details: Option<&'a [u8]>) -> Fields<'a> {
        Fields {
            seq: 1,
            time_ms: 2,
            actor: "app",
            purpose,
            action: "subject.get",
            subject: None,
            subject_id: None,
            version: None,
            outcome: "ok",
            details,
            reference: None,
            details_hash: None,
            digests: false,
        }
    }

    #[test]
    fn absent_and_empty_parts_differ() {
        let key = MacKey::new(&SecretKey::from_slice(&[1; 32]).expect("key"));
        let prev = [0; 32];
        assert_ne!(fields(None, None).mac(&key, &prev), fields(None, Some(b"")).mac(&key, &prev));
        assert_ne!(fields(None, None).mac(&key, &prev), fields(Some(""), None).mac(&key, &prev));
        assert_eq!(fields(Some("x"), None).mac(&key, &prev), fields(Some("x"), None).mac(&key, &prev));
    }
}
