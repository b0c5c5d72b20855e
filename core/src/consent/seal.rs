//! The MACs of the consent rows that decide a permission or keep a promise (format 6), under the
//! consent state key, each with its own label: a subject's decision history as a chain, the
//! outbox as a chain (an erasure links the successors of the events it deletes past them), the
//! outbox consumers' marks as a whole, and the catalogue as a whole (a row deleted or added is
//! an edit too). Someone who can write the file but holds no key cannot make any of them agree
//! with a row they changed.

use subtle::ConstantTimeEq;

use crate::consent::store::{ActivityRow, BasisRow, DecisionRow, OutboxRow};
use crate::crypto::index::{MacKey, PartsMac};
use crate::error::{Error, Result};
use crate::ids::TokenBytes;
use crate::store::{Db, Tx};

/// The MAC that stands for "none before" (the first row of a chain).
pub(crate) const NONE_BEFORE: [u8; 32] = [0; 32];

fn same(a: &[u8], b: &[u8]) -> bool {
    bool::from(a.ct_eq(b))
}

fn be(v: i64) -> [u8; 8] {
    v.to_be_bytes()
}

/// The MAC of a decision of the subject `token`, chained to the subject's previous decision
/// (`d.prev_mac`).
pub(crate) fn agreement_mac(key: &MacKey, token: &TokenBytes, d: &DecisionRow) -> [u8; 32] {
    let expires = d.expires_ms.map(be);
    let outbox = d.outbox_seq.map(be);
    PartsMac::new(key)
        .part(b"agreement")
        .part(token)
        .part(&be(d.seq))
        .part(&be(d.subject_id))
        .part(&be(d.basis_id))
        .part(&be(d.decision))
        .part(&be(d.notice_version))
        .part(&be(d.time_ms))
        .part(&be(d.start_ms))
        .opt(expires.as_ref().map(|b| b.as_slice()))
        .part(d.actor.as_bytes())
        .part(&d.details)
        .opt(outbox.as_ref().map(|b| b.as_slice()))
        .part(&d.prev_mac)
        .finish()
}

/// Fail with `INTEGRITY` unless a decision's MAC is right for the subject `token`.
pub(crate) fn verify_agreement(key: &MacKey, token: &TokenBytes, d: &DecisionRow) -> Result<()> {
    if same(&agreement_mac(key, token, d), &d.mac) {
        Ok(())
    } else {
        Err(Error::integrity("a consent decision fails its MAC (edited, moved, or not made by this vault)"))
    }
}

/// Fail with `INTEGRITY` unless a subject's whole history (oldest first) is its chain: each
/// row's MAC right, each row naming the one before it, the first naming none.
pub(crate) fn verify_history(key: &MacKey, token: &TokenBytes, rows: &[DecisionRow]) -> Result<()> {
    let mut before = NONE_BEFORE;
    for d in rows {
        verify_agreement(key, token, d)?;
        if !same(&d.prev_mac, &before) {
            return Err(Error::integrity("a subject's consent history lacks a decision (deleted or moved)"));
        }
        before = d.mac;
    }
    Ok(())
}

/// The MAC of an outbox event's fields (its sequence number included; never its place in the
/// chain, so linking it past deleted events leaves it as it is).
pub(crate) fn outbox_mac(key: &MacKey, e: &OutboxRow) -> [u8; 32] {
    let notice = e.notice_version.map(be);
    PartsMac::new(key)
        .part(b"outbox")
        .part(&be(e.seq))
        .part(&be(e.subject_id))
        .part(&e.subject)
        .opt(e.basis.as_deref().map(str::as_bytes))
        .part(&be(e.event))
        .opt(notice.as_ref().map(|b| b.as_slice()))
        .part(&be(e.time_ms))
        .finish()
}

/// The MAC of an outbox event's place in the chain: after the event `prev_seq` whose `mac` is
/// `prev_mac`.
pub(crate) fn outbox_link(key: &MacKey, e: &OutboxRow) -> [u8; 32] {
    PartsMac::new(key)
        .part(b"outbox link")
        .part(&be(e.seq))
        .part(&e.mac)
        .part(&be(e.prev_seq))
        .part(&e.prev_mac)
        .finish()
}

/// Append an event to the outbox, chained to the newest event still kept; its sequence number.
pub(crate) fn append_outbox(tx: &Tx<'_>, key: &MacKey, mut e: OutboxRow) -> Result<i64> {
    e.seq = tx.last_outbox_seq()? + 1;
    (e.prev_seq, e.prev_mac) = tx.newest_outbox_event()?.unwrap_or((0, NONE_BEFORE));
    e.mac = outbox_mac(key, &e);
    e.link = outbox_link(key, &e);
    tx.push_outbox_event(&e)?;
    Ok(e.seq)
}

/// Fail with `INTEGRITY` unless `rows` (consecutive events in order, the first after
/// `after`) are the outbox's chain: each event's MACs right, each naming the one before it —
/// the first one's predecessor at or before `after` (what the reader already has, or what every
/// consumer acknowledged and the vault deleted).
pub(crate) fn verify_outbox(key: &MacKey, rows: &[OutboxRow], after: i64) -> Result<()> {
    let broken =
        || Error::integrity("the consent outbox lacks an event (deleted) or holds one the vault did not write");
    let mut before: Option<&OutboxRow> = None;
    for e in rows {
        if !same(&outbox_mac(key, e), &e.mac) || !same(&outbox_link(key, e), &e.link) {
            return Err(broken());
        }
        match before {
            Some(b) if e.prev_seq != b.seq || !same(&e.prev_mac, &b.mac) => return Err(broken()),
            None if e.prev_seq > after => return Err(broken()),
            _ => {}
        }
        before = Some(e);
    }
    Ok(())
}

/// Delete a subject's pending outbox events (its erasure), linking each event that followed one
/// of them past it, so the chain stays whole.
pub(crate) fn delete_subject_events(tx: &Tx<'_>, key: &MacKey, subject_id: i64) -> Result<()> {
    let gone = tx.outbox_events_of_subject(subject_id)?;
    if gone.is_empty() {
        return Ok(());
    }
    tx.delete_outbox_events_of_subject(subject_id)?;
    // Each deleted event's successor inherits its predecessor (through runs of deleted events).
    let link_of = |seq: i64| gone.iter().find(|g| g.seq == seq).map(|g| (g.prev_seq, g.prev_mac));
    for g in &gone {
        let Some(mut next) = tx.outbox_event_after_link(g.seq)? else { continue };
        let (mut prev_seq, mut prev_mac) = (g.prev_seq, g.prev_mac);
        while let Some(earlier) = link_of(prev_seq) {
            (prev_seq, prev_mac) = earlier;
        }
        next.prev_seq = prev_seq;
        next.prev_mac = prev_mac;
        next.link = outbox_link(key, &next);
        tx.relink_outbox_event(&next)?;
    }
    Ok(())
}

/// The MAC of the outbox consumers' marks (name and acknowledged sequence number of each, by
/// name) and of the mark up to which acknowledged events were deleted.
pub(crate) fn consumers_mac(key: &MacKey, consumers: &[(String, i64)], pruned: i64) -> [u8; 32] {
    let mut mac = PartsMac::new(key);
    mac.part(b"consumers").part(&be(pruned));
    for (name, acked) in consumers {
        mac.part(name.as_bytes()).part(&be(*acked));
    }
    mac.finish()
}

/// The outbox's consumers with their marks, and the mark up to which acknowledged events were
/// deleted — checked against the stored MAC (`INTEGRITY` when a mark was moved, or a consumer
/// added or removed, behind the vault's back).
pub(crate) struct Consumers {
    pub(crate) marks: Vec<(String, i64)>,
    pub(crate) pruned: i64,
}

impl Consumers {
    /// The mark of `name`, if it is registered.
    pub(crate) fn acked(&self, name: &str) -> Option<i64> {
        self.marks.iter().find(|(n, _)| n == name).map(|(_, a)| *a)
    }
}

pub(crate) fn consumers(db: &Db<'_>, key: &MacKey) -> Result<Consumers> {
    let marks = db.outbox_consumers()?;
    let pruned = db.meta_number("outbox_pruned")?.unwrap_or(0);
    let stored = db.meta_mac("consumers_mac")?;
    if !stored.is_some_and(|m| same(&consumers_mac(key, &marks, pruned), &m)) {
        return Err(Error::integrity("the outbox consumers' marks fail their MAC"));
    }
    Ok(Consumers { marks, pruned })
}

/// Store the MAC of the consumers' marks and the deletion mark as they are in `tx`.
pub(crate) fn seal_consumers(tx: &Tx<'_>, key: &MacKey) -> Result<()> {
    let marks = tx.outbox_consumers()?;
    let pruned = tx.meta_number("outbox_pruned")?.unwrap_or(0);
    tx.set_meta_mac("consumers_mac", &consumers_mac(key, &marks, pruned))
}

/// The catalogue as stored: bases, notice versions (their hashes), activities with their links.
pub(crate) struct CatalogueRows {
    pub(crate) bases: Vec<BasisRow>,
    /// (basis id, version, SHA-256 of the text, created) of every notice version.
    pub(crate) notices: Vec<crate::consent::store::NoticeHash>,
    pub(crate) activities: Vec<ActivityRow>,
    /// Every (activity id, basis id) link as stored.
    pub(crate) links: Vec<(i64, i64)>,
    /// Every restricted subject: (subject row id, since when), format 11.
    pub(crate) restrictions: Vec<(i64, i64)>,
}

/// The MAC of the whole catalogue, every field of every row in a fixed order.
pub(crate) fn catalogue_mac(key: &MacKey, c: &CatalogueRows) -> [u8; 32] {
    let mut mac = PartsMac::new(key);
    mac.part(b"catalogue");
    let mut bases: Vec<&BasisRow> = c.bases.iter().collect();
    bases.sort_by_key(|b| b.id);
    for b in bases {
        mac.part(b"basis")
            .part(&be(b.id))
            .part(b.brief.as_bytes())
            .part(&be(b.kind))
            .part(b.module.as_bytes())
            .part(&[u8::from(b.required), u8::from(b.user_control)])
            .part(&be(b.status))
            .part(&be(b.notice_version))
            .part(&be(b.revoked_through))
            .part(&be(b.created_ms))
            .part(&be(b.updated_ms));
    }
    let mut notices: Vec<&crate::consent::store::NoticeHash> = c.notices.iter().collect();
    notices.sort_by_key(|n| (n.0, n.1));
    for (basis, version, sha, created) in notices {
        mac.part(b"notice").part(&be(*basis)).part(&be(*version)).part(sha).part(&be(*created));
    }
    let mut activities: Vec<&ActivityRow> = c.activities.iter().collect();
    activities.sort_by_key(|a| a.id);
    for a in activities {
        mac.part(b"activity")
            .part(&be(a.id))
            .part(a.name.as_bytes())
            .part(a.title.as_bytes())
            .part(a.description.as_bytes())
            .part(&be(a.operations))
            .part(&be(a.created_ms))
            .part(&be(a.updated_ms));
    }
    // Every link as stored, also one naming no activity or basis (it is then an edit too).
    let mut links = c.links.clone();
    links.sort_unstable();
    for (activity, basis) in links {
        mac.part(b"link").part(&be(activity)).part(&be(basis));
    }
    // Restrictions of processing (format 11): none leaves the MAC of earlier formats as it was.
    let mut restrictions = c.restrictions.clone();
    restrictions.sort_unstable();
    for (subject, since) in restrictions {
        mac.part(b"restriction").part(&be(subject)).part(&be(since));
    }
    mac.finish()
}

fn catalogue_rows(db: &Db<'_>) -> Result<CatalogueRows> {
    Ok(CatalogueRows {
        bases: db.bases()?,
        notices: db.notice_hashes()?,
        activities: db.activities()?,
        links: db.activity_links()?,
        restrictions: db.restrictions()?,
    })
}

/// The catalogue, checked against its stored MAC: `INTEGRITY` when any row was edited, added or
/// deleted (every activity deleted, which would turn enforcement off, included), or the MAC is
/// missing.
pub(crate) fn catalogue(db: &Db<'_>, key: &MacKey) -> Result<CatalogueRows> {
    let rows = catalogue_rows(db)?;
    let stored = db.meta_mac("catalogue_mac")?;
    if !stored.is_some_and(|m| same(&catalogue_mac(key, &rows), &m)) {
        return Err(Error::integrity("the consent catalogue fails its MAC (a basis, notice or activity was changed)"));
    }
    Ok(rows)
}

/// Store the MAC of the catalogue as it is in `tx` (after a change the caller checked the
/// catalogue before).
pub(crate) fn seal_catalogue(tx: &Tx<'_>, key: &MacKey) -> Result<()> {
    let rows = catalogue_rows(tx)?;
    tx.set_meta_mac("catalogue_mac", &catalogue_mac(key, &rows))
}
