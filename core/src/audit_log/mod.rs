//! Reading the audit trail: listing events (a subject's or all, newest first, by cursor), the
//! chain head, and verification — every MAC and sequence number, an externally kept anchor
//! (truncation, rollback), and each stored subject against its last audited change (a row
//! rolled back, edited, inserted or deleted behind the vault's back).

pub(crate) mod lifecycle;

pub use crate::options::AuditHead;

pub(crate) mod ops;
mod reconcile;
pub(crate) mod shred;
pub(crate) mod store;

pub use shred::{ShredOptions, Shredded};

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::action::Action;
use crate::chain::{self, details_place, Event, Fields, OK};

use crate::caller::Caller;
use crate::chain::store::AuditRow;
use crate::crypto::aead::{self, ROW_KEY};
use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::{format_token, parse_token, TokenBytes};
use crate::page::{cursor_before, Page, PageRequest};
use crate::policy::{Operation, Target};
use crate::store::Db;
use crate::subjects;

/// One audit event as read back.
#[derive(Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditEvent {
    /// Position in the chain, from 1.
    pub seq: u64,
    /// When, in milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// Who, as named by the caller (`app:billing`, `admin:ann`, `subject`).
    pub actor: String,
    /// Why: the processing activity the caller named, if any.
    pub purpose: Option<String>,
    /// What (`subject.create`, `subject.get`, …; see [`Action`]).
    pub action: String,
    /// The subject token, if the event concerns one.
    pub subject: Option<String>,
    /// `ok`, or the error code of a failed attempt.
    #[cfg_attr(feature = "schema", schemars(extend("x-ts" = "'ok' | ErrorCode")))]
    pub outcome: String,
    /// For token operations: a keyed hash of the token (hex, 32 digits), never the token; the
    /// same as [`TokenInfo::reference`](crate::TokenInfo), so a token's events can be found.
    pub reference: Option<String>,
    /// The decrypted details (e.g. the before/after of a change), when the listing asked for
    /// them, the event has any, and the subject still exists.
    pub details: Option<Value>,
    /// True when details were asked for and the event's were shredded by the subject's erasure.
    pub details_erased: bool,
    /// True when details were asked for and the event's were shredded by a retention rule
    /// (`shred_audit_details`, or `purge` with `audit_details_retention_days`).
    pub details_shredded: bool,
    /// When details were asked for and the event has some that the caller's purpose may not
    /// see (it allows neither `read` nor `export` of the event's subject): why, in words.
    pub details_refused: Option<String>,
}

impl fmt::Debug for AuditEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Details hold personal data (the before/after of a change): never printed.
        f.debug_struct("AuditEvent")
            .field("seq", &self.seq)
            .field("time_ms", &self.time_ms)
            .field("actor", &self.actor)
            .field("purpose", &self.purpose)
            .field("action", &self.action)
            .field("subject", &self.subject.as_ref().map(|_| "<token>"))
            .field("outcome", &self.outcome)
            .field("reference", &self.reference)
            .field("details", &self.details.as_ref().map(|_| "<redacted>"))
            .field("details_erased", &self.details_erased)
            .field("details_shredded", &self.details_shredded)
            .field("details_refused", &self.details_refused)
            .finish()
    }
}

/// The result of a successful verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditReport {
    /// Events checked.
    pub events: u64,
    /// Stored subjects reconciled with their last audited change.
    pub subjects: u64,
    /// Consent decisions checked (each history a chain, each decision made by an audited event).
    pub consent_decisions: u64,
    /// Outbox events checked (a chain, holding every event not yet acknowledged).
    pub outbox_events: u64,
    /// Token rows checked (each row's state against its MAC).
    pub tokens: u64,
    /// The head at the time of verification.
    pub head: AuditHead,
}

/// Audit events, newest first: those naming the subject `subject` (a token), or all; with their
/// decrypted details only when `details` is asked (the before/after of changes is personal
/// data) and the caller's purpose may read or export the event's subject — an event whose
/// details it may not see comes without them and says why. Listing is itself audited, as
/// `audit.list` or `audit.list_details`. Pages follow the `next` cursor, so each event is
/// returned once even while others are appended. A subject's listing checks that every event
/// it found through the index names that subject (`INTEGRITY` otherwise).
pub(crate) fn list(
    engine: &Engine,
    caller: &Caller,
    subject: Option<&str>,
    page: &PageRequest,
    details: bool,
) -> Result<Page<AuditEvent>> {
    let token = subject.map(parse_token).transpose()?;
    let limit = page.limit()?;
    let before = page.before_seq()?;
    let action = if details { Action::AuditListDetails } else { Action::AuditList };
    engine.flush_audit()?;
    engine.read_snapshot(caller, action, token, |db| {
        let (total, mut rows, event) = match token {
            Some(token) => {
                let id = subjects::row_id(db, &token)?.ok_or_else(Error::not_found)?;
                let rows = db.audit_page_of_subject(id, before, limit + 1)?;
                if rows.iter().any(|r| r.subject.as_ref() != Some(&token)) {
                    return Err(Error::integrity("the audit's index by subject lists an event of another subject"));
                }
                (db.count_audit_of_subject(id)?, rows, Event::about(action, id, token))
            }
            None => {
                let rows = db.audit_page(before, limit + 1)?;
                (db.count_audit()?, rows, Event::attempt(action, None))
            }
        };
        let more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let next = if more { rows.last().map(|r| cursor_before(r.seq)) } else { None };
        let items = decode(engine, caller, db, rows, details)?;
        Ok((Page { total, items, next }, vec![event]))
    })
}

/// What a listing may do with one subject's details: decrypt them with its key, or tell that
/// they were erased or why they are refused.
enum Access {
    Open(SecretKey),
    Erased,
    Refused(&'static str),
}

/// Whether `caller` may see the details of the subject `token` (row id `id`): its purpose must
/// allow reading or exporting the subject.
fn access(engine: &Engine, caller: &Caller, db: &Db<'_>, id: Option<i64>, token: &TokenBytes) -> Result<Access> {
    let Some(dek) = subjects::data_key(engine, db, token)? else { return Ok(Access::Erased) };
    let id = match id {
        Some(id) => id,
        None => subjects::row_id(db, token)?.ok_or_else(|| Error::integrity("an audit event names no subject"))?,
    };
    let target = Target::Subject(id, token);
    let Some(refused) = engine.refusal(db, caller, (Operation::Read, target))? else { return Ok(Access::Open(dek)) };
    match engine.refusal(db, caller, (Operation::Export, target))? {
        None => Ok(Access::Open(dek)),
        Some(_) => Ok(Access::Refused(refused.reason())),
    }
}

fn decode(
    engine: &Engine,
    caller: &Caller,
    db: &Db<'_>,
    rows: Vec<AuditRow>,
    details: bool,
) -> Result<Vec<AuditEvent>> {
    let mut access_of: HashMap<TokenBytes, Access> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let (mut plain, mut details_erased, mut details_refused) = (None, false, None);
        if let (true, Some(token), Some(sealed)) = (details, &row.subject, &row.details) {
            if !access_of.contains_key(token) {
                access_of.insert(*token, access(engine, caller, db, row.subject_id, token)?);
            }
            match &access_of[token] {
                Access::Open(dek) => plain = Some(open_details(engine, dek, token, sealed)?),
                Access::Erased => details_erased = true,
                Access::Refused(reason) => details_refused = Some((*reason).to_owned()),
            }
        }
        out.push(event_of(row, details, plain, details_erased, details_refused));
    }
    Ok(out)
}

/// An event's details, decrypted with its subject's data key.
fn open_details(engine: &Engine, dek: &SecretKey, token: &TokenBytes, sealed: &[u8]) -> Result<Value> {
    let bytes = aead::open(dek, ROW_KEY, &details_place(engine.keys().vault_id(), token), sealed)?;
    serde_json::from_slice(&bytes).map_err(|_| Error::integrity("audit details are not JSON"))
}

/// An event as read back; `asked`: whether its details were asked for (only then does it tell
/// that they were shredded).
fn event_of(
    row: AuditRow,
    asked: bool,
    details: Option<Value>,
    details_erased: bool,
    details_refused: Option<String>,
) -> AuditEvent {
    let details_shredded = asked && row.details.is_none() && row.details_hash.is_some();
    AuditEvent {
        seq: row.seq,
        time_ms: row.time_ms,
        actor: row.actor,
        purpose: row.purpose,
        action: row.action,
        subject: row.subject.map(|t| format_token(&t)),
        outcome: row.outcome,
        reference: row.reference.map(hex::encode),
        details,
        details_erased,
        details_shredded,
        details_refused,
    }
}

/// Events read per page while a subject's trail is exported.
const EXPORT_PAGE: u64 = 1_000;

/// Write every event naming the subject, newest first, with its details decrypted (the subject's
/// own trail: the export was checked as `export` of that subject), page by page.
pub(crate) fn export_trail(
    engine: &Engine,
    db: &Db<'_>,
    (id, token, dek): (i64, &TokenBytes, &SecretKey),
    item: &mut dyn FnMut(&AuditEvent) -> Result<()>,
) -> Result<()> {
    let mut before = None;
    loop {
        let rows = db.audit_page_of_subject(id, before, EXPORT_PAGE)?;
        let last = rows.len() < EXPORT_PAGE as usize;
        before = rows.last().map(|r| r.seq);
        for row in rows {
            if row.subject.as_ref() != Some(token) {
                return Err(Error::integrity("the audit's index by subject lists an event of another subject"));
            }
            let details = row.details.as_deref().map(|sealed| open_details(engine, dek, token, sealed)).transpose()?;
            item(&event_of(row, true, details, false, None))?;
        }
        if last {
            return Ok(());
        }
    }
}

/// How the chain compares with an anchor the application kept: `matches` (the head is the
/// anchor), `ahead` (the anchor's event is there, more came after it), `behind` (the chain ends
/// before the anchor: a restored backup or a rollback) or `diverged` (the event at the anchor's
/// position is another: the log was rewritten).
pub(crate) fn anchor_state(engine: &Engine, anchor: &AuditHead) -> Result<&'static str> {
    let mac = anchor.mac()?;
    engine.unaudited(|db| {
        let head = db.audit_head()?.map_or(0, |(seq, _)| seq);
        if head < anchor.seq {
            return Ok("behind");
        }
        let at = match anchor.seq {
            0 => Some([0u8; 32]),
            seq => db.audit_page(Some(seq + 1), 1)?.into_iter().next().filter(|r| r.seq == seq).map(|r| r.mac),
        };
        Ok(match at {
            Some(m) if bool::from(m.ct_eq(&mac)) => {
                if head == anchor.seq {
                    "matches"
                } else {
                    "ahead"
                }
            }
            _ => "diverged",
        })
    })
}

/// The current chain head, after committing buffered events.
pub(crate) fn head(engine: &Engine) -> Result<AuditHead> {
    engine.flush_audit()?;
    let (seq, mac) = engine.unaudited(|db| db.audit_head())?.unwrap_or((0, [0; 32]));
    Ok(AuditHead { seq, hash: hex::encode(mac) })
}

/// A subject's state as its audited changes leave it: its token and row version, or erased.
enum Audited {
    Version(TokenBytes, i64),
    Erased,
}

/// Check the whole chain: every event's MAC, contiguous sequence numbers from 1, the `anchor`
/// (a head kept outside the vault) when given, and that every stored subject is at the version
/// its last audited change left it (and that no subject with an audited, unerased change is
/// missing). A failure is `INTEGRITY`, naming the first bad event or the subject's row id.
pub(crate) fn verify(engine: &Engine, anchor: Option<&AuditHead>) -> Result<AuditReport> {
    engine.flush_audit()?;
    let anchor: Option<(u64, [u8; 32])> = anchor.map(|a| Ok::<_, Error>((a.seq, a.mac()?))).transpose()?;
    engine.unaudited_snapshot(|db| {
        let digests_from = chain::digests_from(db)?;
        // The last event whose details were shredded, and the last a recorded shredding covered.
        let (mut shredded, mut shred_covered) = (0u64, 0u64);
        let (mut expected, mut prev, mut anchor_seen) = (1u64, [0u8; 32], false);
        let mut audited: HashMap<i64, Audited> = HashMap::new();
        let mut facts = reconcile::Facts::default();
        db.walk_audit(&mut |row| {
            let broken = || Error::integrity(format!("the audit chain is broken at event {expected}"));
            if row.seq != expected {
                return Err(broken());
            }
            let fields = Fields::of(&row, digests_from);
            if !fields.consistent() {
                return Err(broken());
            }
            let mac = fields.mac(engine.keys().audit_key(), &prev);
            if !bool::from(mac.as_slice().ct_eq(&row.mac)) {
                return Err(broken());
            }
            if row.details_hash.is_some() {
                shredded = row.seq;
            }
            let action = Action::from_name(&row.action);
            if let (Some(Action::AuditShred), OK, Some(through)) = (action, row.outcome.as_str(), row.version) {
                shred_covered = shred_covered.max(u64::try_from(through).unwrap_or(0));
            }
            if let Some((seq, amac)) = &anchor {
                if *seq == expected {
                    if !bool::from(mac.ct_eq(amac)) {
                        return Err(Error::integrity(
                            "the audit log does not match the anchor (rolled back or rewritten)",
                        ));
                    }
                    anchor_seen = true;
                }
            }
            if let (Some(id), Some(token), OK) = (row.subject_id, row.subject, row.outcome.as_str()) {
                match (action, row.version) {
                    (Some(Action::SubjectCreate | Action::SubjectUpdate), Some(v)) => {
                        audited.insert(id, Audited::Version(token, v));
                    }
                    (Some(Action::SubjectForget), erased_event) => {
                        audited.insert(id, Audited::Erased);
                        facts.consent.decisions.remove(&id);
                        facts.requests.remove(&id);
                        facts.scheduled.remove(&id);
                        facts.erasures.insert((token, id));
                        if let Some(seq) = erased_event {
                            facts.consent.erased_events.push((token, seq));
                        }
                    }
                    (
                        Some(
                            Action::ConsentGive
                            | Action::ConsentWithdraw
                            | Action::ConsentRevoke
                            | Action::ConsentPurge,
                        ),
                        Some(seq),
                    ) => {
                        facts.consent.decisions.entry(id).or_default().insert(seq);
                    }
                    (Some(Action::RequestCreate), _) => {
                        if let Some(request) = row.reference {
                            facts.requests.entry(id).or_default().insert(request);
                        }
                    }
                    (Some(Action::ErasureSchedule), _) => {
                        facts.scheduled.insert(id, true);
                    }
                    (Some(Action::ErasureCancel | Action::ErasureRetain), _) => {
                        facts.scheduled.insert(id, false);
                    }
                    _ => {}
                }
            }
            prev = mac;
            expected += 1;
            Ok(())
        })?;
        let events = expected - 1;
        if digests_from > events + 1 {
            return Err(Error::integrity("the audit's digest mark is ahead of the log"));
        }
        if shredded > shred_covered {
            return Err(Error::integrity(format!(
                "the details of audit event {shredded} were removed without a recorded shredding"
            )));
        }
        if let Some((seq, mac)) = anchor {
            let empty_ok = seq == 0 && mac == [0; 32];
            if !anchor_seen && !empty_ok {
                return Err(Error::integrity(format!(
                    "the audit log ends at event {events} but the anchor is at event {seq} (truncated or rolled back)"
                )));
            }
        }
        // The index by subject must list exactly the events up to its mark that name a subject:
        // a row removed from it (or a mark moved past unindexed events) would hide events from a
        // subject's listing while the chain still verifies.
        if !db.audit_index_is_exact(events)? {
            return Err(Error::integrity(
                "the audit's index by subject does not match the log (events hidden from a subject's listing)",
            ));
        }
        // Each stored subject is at its last audited change: the same version, and the same
        // token at the same row id (a row id swapped with another subject's is seen here).
        let mut stored: HashMap<i64, TokenBytes> = HashMap::new();
        subjects::versions(db, |id, token, version| {
            match audited.remove(&id) {
                Some(Audited::Version(t, v)) if v == version && bool::from(t.ct_eq(&token)) => {}
                _ => {
                    return Err(Error::integrity(format!(
                    "subject row {id} does not match its last audited change (rolled back, edited, moved or inserted)"
                )))
                }
            }
            stored.insert(id, token);
            Ok(())
        })?;
        if let Some((id, _)) = audited.iter().find(|(_, a)| matches!(a, Audited::Version(..))) {
            return Err(Error::integrity(format!("subject row {id} is missing without an audited erasure")));
        }
        let r = reconcile::rows(engine, db, &stored, &facts)?;
        Ok(AuditReport {
            events,
            subjects: stored.len() as u64,
            consent_decisions: r.decisions,
            outbox_events: r.outbox_events,
            tokens: r.tokens,
            head: AuditHead { seq: events, hash: hex::encode(prev) },
        })
    })
}
