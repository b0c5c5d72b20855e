//! Data-subject requests: a subject's request to exercise a right (access, rectification,
//! erasure, restriction, objection, portability, withdrawal of consent; CCPA's opt-out and
//! opt-in of sale or sharing), under a regime (`gdpr`, `ccpa`, `voluntary`) whose deadlines it
//! computes — the due date, the acknowledgement date, how far an extension may reach — and in
//! the states of the Data Rights Protocol 0.9.4 (`open` → `in_progress` → `fulfilled` |
//! `denied` | `revoked` | `expired`). What a request proposes (a rectification's patch, a
//! note) and the reasons given along the way are sealed under the subject's data key and bound
//! to the row's id, subject, kind, regime, state, verification, dates and version: a changed
//! column is `INTEGRITY`. Every transition writes an event to the requests' outbox (ids, names
//! and times only), which a server turns into e-mails and webhooks. Approval — which applies
//! the change in the same unit of work — is the `fulfilment` orchestrator's.

pub(crate) mod deadline;
pub(crate) mod lifecycle;
pub(crate) mod ops;
pub(crate) mod store;

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::crypto::aead::{self, Place, RowState, Slot, ROW_KEY};
use crate::crypto::index::PartsMac;
use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{format_token, parse_token, TokenBytes};
use crate::page::{Page, PageRequest};
use crate::requests::deadline::{add_business_days, add_months, DAY_MS};
use crate::requests::store::{RequestEventRow, RequestFilter, RequestRow};
use crate::store::{Db, Tx};
use crate::subjects::{self, Lookup, Subjects};

/// The kinds of request, with the Data Rights Protocol 0.9.4 action each is (where DRP has one).
pub const REQUEST_KINDS: &[(&str, Option<&str>)] = &[
    ("access", Some("access")),
    ("rectify", None),
    ("change_app_data", None),
    ("erase", Some("deletion")),
    ("restrict", None),
    ("object", None),
    ("port", Some("access")),
    ("withdraw_consent", None),
    ("opt_out", Some("sale:opt_out")),
    ("opt_in", Some("sale:opt_in")),
];

/// The states, as DRP 0.9.4 names them; the last four are final.
pub const REQUEST_STATES: &[&str] = &["open", "in_progress", "fulfilled", "denied", "revoked", "expired"];

/// The reasons a denial gives: DRP 0.9.4's denial reason codes.
pub const DENIAL_CODES: &[&str] = &[
    "need_user_verification",
    "suspected_fraud",
    "insufficient_verification",
    "no_match",
    "claim_not_covered",
    "outside_jurisdiction",
    "too_many_requests",
    "other",
];

/// The regimes a request may be made under.
pub const REGIMES: &[&str] = &["gdpr", "ccpa", "voluntary"];

/// The longest note, proposal or reason text, in characters.
const MAX_TEXT: usize = 2_000;
/// Most proposals one request collects (repeated requests of the same kind add theirs).
const MAX_PROPOSALS: usize = 20;

/// A new request, for [`Vault::create_request`](crate::Vault::create_request) (unknown fields
/// refused). `Debug` shows only its kind and regime.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RequestSpec {
    /// What is asked (required): `access`, `rectify`, `change_app_data`, `erase`, `restrict`,
    /// `object`, `port`, `withdraw_consent`, `opt_out`, `opt_in`.
    pub kind: Option<String>,
    /// The law it is made under: `gdpr` (default), `ccpa` or `voluntary`. `restrict` and `object`
    /// are GDPR rights (not under `ccpa`); `opt_out` and `opt_in` are CCPA's (not under `gdpr`).
    pub regime: Option<String>,
    /// The subject proved who they are (e.g. logged in to the portal): the request starts
    /// verified. A request an operator records for a subject starts unverified.
    pub verified: bool,
    /// The proposed change (a merge patch object or a JSON Patch array): required for `rectify`
    /// (of the profile) and `change_app_data` (of the document of `app`), refused otherwise.
    #[cfg_attr(feature = "schema", schemars(with = "Option<serde_json::Value>"))]
    pub patch: Option<Value>,
    /// The app whose document `change_app_data` changes.
    pub app: Option<String>,
    /// The legal basis (its brief) that `withdraw_consent`, `opt_out` or `opt_in` is about;
    /// approving withdraws (or gives) consent under it.
    pub legal_basis: Option<String>,
    /// What the subject wrote (up to 2,000 characters).
    pub note: Option<String>,
    /// When it was received, in milliseconds since the Unix epoch (default: now; not in the
    /// future). Its deadlines count from it.
    pub received_ms: Option<i64>,
}

impl fmt::Debug for RequestSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestSpec").field("kind", &self.kind).field("regime", &self.regime).finish_non_exhaustive()
    }
}

/// A request as listed: no personal data (what it proposes is in [`RequestDetail`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Request {
    /// Its id (32 hexadecimal characters).
    pub id: String,
    /// The subject's token.
    pub subject: String,
    /// What is asked.
    pub kind: String,
    /// The law it is made under.
    pub regime: String,
    /// Its state: `open`, `in_progress`, `fulfilled`, `denied`, `revoked` or `expired`.
    pub state: String,
    /// Whether the subject's identity was verified.
    pub verified: bool,
    /// When it was received (milliseconds since the Unix epoch).
    pub received_ms: i64,
    /// When it must be answered: GDPR one calendar month, CCPA and voluntary 45 days, opt-outs
    /// and opt-ins 15 business days (later once extended).
    pub due_ms: i64,
    /// When its receipt must be acknowledged (CCPA and voluntary: ten business days), if ever.
    pub ack_due_ms: Option<i64>,
    /// Whether its deadline was extended.
    pub extended: bool,
    /// Whether it is still open or in progress past its due date.
    pub overdue: bool,
    /// The app, for `change_app_data`.
    pub app: Option<String>,
    /// The legal basis, for `withdraw_consent`, `opt_out` and `opt_in`.
    pub legal_basis: Option<String>,
    /// How many proposals it holds (a request of the same kind made again while this one was
    /// open added its own).
    pub proposals: u64,
    /// The DRP reason code of a denial.
    pub denial_code: Option<String>,
    /// Last changed (milliseconds since the Unix epoch).
    pub updated_ms: i64,
    /// On `create_request`: an open request of the same kind existed, and this is it (the new
    /// proposal was added to it). False everywhere else.
    pub existing: bool,
}

/// One proposal of a request. `Debug` shows only when it came.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Proposal {
    /// When it came (milliseconds since the Unix epoch).
    pub received_ms: i64,
    /// The proposed change, if any.
    #[cfg_attr(feature = "schema", schemars(with = "Option<serde_json::Value>"))]
    pub patch: Option<Value>,
    /// What the subject wrote, if anything.
    pub note: Option<String>,
}

impl fmt::Debug for Proposal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proposal").field("received_ms", &self.received_ms).finish_non_exhaustive()
    }
}

/// A request with what it proposes and the reasons given. `Debug` shows only the request.
#[derive(Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RequestDetail {
    /// The request.
    pub request: Request,
    /// Its proposals, oldest first (each kept: an operator sees them all).
    pub proposals: Vec<Proposal>,
    /// Why the deadline was extended.
    pub extension_reason: Option<String>,
    /// Why it was denied, in words.
    pub denial_reason: Option<String>,
    /// Which proposal the approval applied (its position), once fulfilled.
    pub applied_proposal: Option<u64>,
}

impl fmt::Debug for RequestDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestDetail").field("request", &self.request).finish_non_exhaustive()
    }
}

/// Which requests [`Vault::list_requests`](crate::Vault::list_requests) lists (unknown fields
/// refused; every field narrows it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RequestQuery {
    /// Only those in this state.
    pub state: Option<String>,
    /// Only this subject's (its token).
    pub subject: Option<String>,
    /// Only those open or in progress past their due date.
    pub overdue: bool,
    /// Only those open or in progress due within this many days from now (0 to 3,650).
    pub due_within_days: Option<i64>,
}

/// What [`Vault::approve_request`](crate::Vault::approve_request) takes (unknown fields refused).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ApproveOptions {
    /// Which proposal to apply (its position in `proposals`; default the latest).
    pub proposal: Option<u64>,
}

/// A request's transition, as the requests' outbox delivers it (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RequestEvent {
    /// Its place in the outbox: acknowledge up to it with `ack_request_events`.
    pub cursor: String,
    /// The request's id.
    pub request: String,
    /// The subject's token.
    pub subject: String,
    /// The request's kind.
    pub kind: String,
    /// What happened: `received`, `proposal_added`, `verified`, `in_progress`, `extended`,
    /// `fulfilled`, `denied`, `revoked`, `expired`.
    pub event: String,
    /// The request's state after it.
    pub state: String,
    /// When (milliseconds since the Unix epoch).
    pub time_ms: i64,
}

/// What [`Vault::expire_requests`](crate::Vault::expire_requests) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RequestExpiry {
    /// Requests recorded as expired.
    pub expired: u64,
    /// Transactions it took.
    pub batches: u64,
}

/// What [`Vault::ack_request_events`](crate::Vault::ack_request_events) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RequestAck {
    /// Outbox events deleted.
    pub removed: u64,
}

/// What is sealed in a request's body.
#[derive(Default, Serialize, Deserialize)]
struct Body {
    app: Option<String>,
    legal_basis: Option<String>,
    proposals: Vec<Proposal>,
    extension_reason: Option<String>,
    denial_code: Option<String>,
    denial_reason: Option<String>,
    applied_proposal: Option<u64>,
}

/// A request opened: its row, what its body holds, and its subject's token and data key.
pub(crate) struct Opened {
    pub(crate) row: RequestRow,
    body: Body,
    pub(crate) token: TokenBytes,
    pub(crate) dek: SecretKey,
}

impl Opened {
    /// The app of a `change_app_data` request.
    pub(crate) fn app(&self) -> Option<&str> {
        self.body.app.as_deref()
    }

    /// The legal basis of a consent request.
    pub(crate) fn legal_basis(&self) -> Option<&str> {
        self.body.legal_basis.as_deref()
    }

    /// The proposal an approval applies: the one at `choice`, or the latest.
    pub(crate) fn proposal(&self, choice: Option<u64>) -> Result<(u64, &Proposal)> {
        let n = self.body.proposals.len() as u64;
        let at = choice.unwrap_or(n.saturating_sub(1));
        match self.body.proposals.get(at as usize) {
            Some(p) if at < n => Ok((at, p)),
            _ => Err(Error::invalid("proposal is the position of one of the request's proposals")),
        }
    }
}

/// Whether a state is final.
fn is_final(state: &str) -> bool {
    !matches!(state, "open" | "in_progress")
}

/// The regime's deadlines for a request of `kind` received at `received`: (due, acknowledgement
/// due, the furthest an extension may move the due date — `None`: not extendable).
pub(crate) fn deadlines(regime: &str, kind: &str, received: i64) -> (i64, Option<i64>, Option<i64>) {
    match (regime, kind) {
        ("gdpr", _) => (add_months(received, 1), None, Some(add_months(received, 3))),
        (_, "opt_out" | "opt_in") => (add_business_days(received, 15), None, None),
        _ => (received + 45 * DAY_MS, Some(add_business_days(received, 10)), Some(received + 90 * DAY_MS)),
    }
}

fn check_text(text: &Option<String>, what: &str) -> Result<()> {
    match text {
        Some(t) if t.is_empty() || t.chars().count() > MAX_TEXT => {
            Err(Error::invalid(format!("{what} is 1 to 2,000 characters")))
        }
        _ => Ok(()),
    }
}

/// Every request the audit chain recorded as created for a subject still stored (`created`: the
/// request ids by subject row id) is in the file, for that subject: a request deleted from the
/// file, or moved to another subject, is `INTEGRITY` (`verify_audit`).
pub(crate) fn verify_rows(db: &Db<'_>, created: &HashMap<i64, HashSet<[u8; 16]>>) -> Result<()> {
    for (subject_id, ids) in created {
        for id in ids {
            if !db.request(id)?.is_some_and(|row| row.subject_id == *subject_id) {
                let what = "a data-subject request recorded in the audit is missing from the file";
                return Err(Error::integrity(format!("{what} (subject row {subject_id})")));
            }
        }
    }
    Ok(())
}

/// A request id as handed out: 32 lowercase hexadecimal characters.
pub(crate) fn parse_id(id: &str) -> Result<[u8; 16]> {
    let ok = id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    ok.then(|| hex::decode(id).ok().and_then(|b| b.try_into().ok()))
        .flatten()
        .ok_or_else(|| Error::invalid("a request id is 32 lowercase hexadecimal characters"))
}

fn missing() -> Error {
    Error::new(ErrorKind::NotFound, "no request has this id")
}

/// What a request's body is bound to: every column but its seq and body.
fn record(row: &RequestRow, token: &TokenBytes) -> Vec<u8> {
    let mut r = Vec::with_capacity(96);
    r.extend_from_slice(&row.id);
    r.extend_from_slice(token);
    for s in [&row.kind, &row.regime, &row.state] {
        r.extend_from_slice(&(s.len() as u32).to_be_bytes());
        r.extend_from_slice(s.as_bytes());
    }
    r.push(u8::from(row.verified));
    r.push(u8::from(row.extended));
    r.extend_from_slice(&row.due_ms.to_be_bytes());
    r.extend_from_slice(&row.ack_due_ms.unwrap_or(i64::MIN).to_be_bytes());
    r
}

fn place<'a>(engine: &'a Engine, record: &'a [u8], row: &RequestRow) -> Place<'a> {
    let state = RowState { version: row.version, created_ms: row.received_ms, updated_ms: row.updated_ms };
    Place::versioned(engine.keys().vault_id(), Slot::RequestBody, record, state)
}

fn seal(engine: &Engine, row: &mut RequestRow, token: &TokenBytes, dek: &SecretKey, body: &Body) -> Result<()> {
    let plain = zeroize::Zeroizing::new(serde_json::to_vec(body).map_err(|_| Error::internal("a request body"))?);
    let record = record(row, token);
    row.body = aead::seal(dek, ROW_KEY, &place(engine, &record, row), &plain)?;
    Ok(())
}

/// Open a stored request: its subject's key, and its body checked against every column.
pub(crate) fn open(engine: &Engine, db: &Db<'_>, row: RequestRow) -> Result<Opened> {
    let (token, dek) = subjects::data_key_by_id(engine, db, row.subject_id)?
        .ok_or_else(|| Error::integrity("a request names a subject that is not stored"))?;
    let record = record(&row, &token);
    let plain = aead::open(&dek, ROW_KEY, &place(engine, &record, &row), &row.body)?;
    let body = serde_json::from_slice(&plain).map_err(|_| Error::integrity("a stored request is not a request"))?;
    Ok(Opened { row, body, token, dek })
}

pub(crate) fn view(o: &Opened, now: i64, existing: bool) -> Request {
    let r = &o.row;
    Request {
        id: hex::encode(r.id),
        subject: format_token(&o.token),
        kind: r.kind.clone(),
        regime: r.regime.clone(),
        state: r.state.clone(),
        verified: r.verified,
        received_ms: r.received_ms,
        due_ms: r.due_ms,
        ack_due_ms: r.ack_due_ms,
        extended: r.extended,
        overdue: !is_final(&r.state) && r.due_ms < now,
        app: o.body.app.clone(),
        legal_basis: o.body.legal_basis.clone(),
        proposals: o.body.proposals.len() as u64,
        denial_code: o.body.denial_code.clone(),
        updated_ms: r.updated_ms,
        existing,
    }
}

pub(crate) fn detail(o: Opened, now: i64) -> RequestDetail {
    let request = view(&o, now, false);
    RequestDetail {
        request,
        proposals: o.body.proposals,
        extension_reason: o.body.extension_reason,
        denial_reason: o.body.denial_reason,
        applied_proposal: o.body.applied_proposal,
    }
}

/// The audit event of a step of a request (the event names the request by its id; details,
/// when given, sealed under the subject's key).
fn event(engine: &Engine, action: Action, o: &Opened, details: Option<Value>) -> Result<Event> {
    let event = Event::about(action, o.row.subject_id, o.token).with_reference(o.row.id);
    match details {
        Some(d) => event.with_details(engine.keys().vault_id(), &o.dek, &d),
        None => Ok(event),
    }
}

/// The MAC of an outbox event: its fields and the MAC of the event written before it (all zeros
/// for the first), under the consent state key with its own label.
fn event_mac(engine: &Engine, e: &RequestEventRow, prev: &[u8; 32]) -> [u8; 32] {
    let mut mac = PartsMac::new(&engine.keys().consent().state);
    mac.part(b"request_events")
        .part(&e.seq.to_be_bytes())
        .part(&e.request)
        .part(&e.subject)
        .part(e.kind.as_bytes())
        .part(e.event.as_bytes())
        .part(e.state.as_bytes())
        .part(&e.time_ms.to_be_bytes())
        .part(prev)
        .finish()
}

/// Outbox events checked per read while an acknowledgement walks to its cursor.
const ACK_PAGE: u64 = 1_000;

/// `meta` names of the outbox chain's newest MAC and of the newest acknowledged (deleted) one.
const HEAD: &str = "request_events_head";
const PRUNED: &str = "request_events_pruned";

/// Append the outbox event of a step, chained to the one before it.
fn outbox(engine: &Engine, tx: &Tx<'_>, o: &Opened, name: &str, now: i64) -> Result<()> {
    let prev = tx.meta_mac(HEAD)?.unwrap_or([0; 32]);
    let mut e = RequestEventRow {
        seq: tx.last_request_event_seq()? + 1,
        request: o.row.id,
        subject: o.token,
        kind: o.row.kind.clone(),
        event: name.to_owned(),
        state: o.row.state.clone(),
        time_ms: now,
        mac: [0; 32],
    };
    e.mac = event_mac(engine, &e, &prev);
    tx.insert_request_event(&e)?;
    tx.set_meta_mac(HEAD, &e.mac)
}

/// Check outbox events read after `after` (`total` of them are kept after it): each chained to
/// the one before it — the event kept before the first, or the acknowledged end — and the
/// newest to the chain's head: `INTEGRITY` when one was changed, removed, added or reordered.
fn verify_events(engine: &Engine, db: &Db<'_>, rows: &[RequestEventRow], total: u64) -> Result<()> {
    let Some(first) = rows.first() else { return Ok(()) };
    let broken = || Error::integrity("the requests' outbox fails its MAC chain (an event was changed or removed)");
    let mut prev = match db.request_event_before(first.seq)? {
        Some(e) => e.mac,
        None => db.meta_mac(PRUNED)?.unwrap_or([0; 32]),
    };
    for e in rows {
        let expected = event_mac(engine, e, &prev);
        if !bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_slice(), e.mac.as_slice())) {
            return Err(broken());
        }
        prev = e.mac;
    }
    if rows.len() as u64 == total && db.meta_mac(HEAD)? != Some(prev) {
        return Err(broken());
    }
    Ok(())
}

/// The checked parts of a new request: kind, regime, body (first proposal included).
fn checked(spec: &RequestSpec, now: i64) -> Result<(String, String, Body, i64)> {
    let kind = spec.kind.as_deref().ok_or_else(|| Error::invalid("a request names its kind"))?;
    if !REQUEST_KINDS.iter().any(|(k, _)| *k == kind) {
        return Err(Error::invalid(
            "kind is access, rectify, change_app_data, erase, restrict, object, port, withdraw_consent, opt_out or opt_in",
        ));
    }
    let regime = spec.regime.as_deref().unwrap_or("gdpr");
    if !REGIMES.contains(&regime) {
        return Err(Error::invalid("regime is gdpr, ccpa or voluntary"));
    }
    match (regime, kind) {
        ("ccpa", "restrict" | "object") => return Err(Error::invalid("restrict and object are GDPR rights")),
        ("gdpr", "opt_out" | "opt_in") => return Err(Error::invalid("opt_out and opt_in are CCPA rights")),
        _ => {}
    }
    let patched = matches!(kind, "rectify" | "change_app_data");
    match (&spec.patch, patched) {
        (None, true) => return Err(Error::invalid("a rectify or change_app_data request proposes a patch")),
        (Some(_), false) => return Err(Error::invalid("only rectify and change_app_data requests carry a patch")),
        (Some(p), true) if !p.is_object() && !p.is_array() => {
            return Err(Error::invalid("a patch is a merge patch object or a JSON Patch array"));
        }
        _ => {}
    }
    match (&spec.app, kind) {
        (None, "change_app_data") => return Err(Error::invalid("a change_app_data request names the app")),
        (Some(app), "change_app_data") => crate::apps::check_app(app)?,
        (Some(_), _) => return Err(Error::invalid("only change_app_data requests name an app")),
        _ => {}
    }
    let consent = matches!(kind, "withdraw_consent" | "opt_out" | "opt_in");
    match (&spec.legal_basis, consent) {
        (None, true) if kind == "withdraw_consent" || kind == "opt_in" => {
            return Err(Error::invalid("withdraw_consent and opt_in requests name the legal basis"));
        }
        (Some(_), false) => {
            return Err(Error::invalid("only withdraw_consent, opt_out and opt_in requests name a legal basis"));
        }
        (Some(b), true) => crate::consent::catalogue::check_brief(b)?,
        _ => {}
    }
    check_text(&spec.note, "a note")?;
    let received = spec.received_ms.unwrap_or(now);
    if received > now || received < 0 {
        return Err(Error::invalid("received_ms is a time in the past (milliseconds since the Unix epoch)"));
    }
    let body = Body {
        app: spec.app.clone(),
        legal_basis: spec.legal_basis.clone(),
        proposals: vec![Proposal { received_ms: received, patch: spec.patch.clone(), note: spec.note.clone() }],
        ..Body::default()
    };
    Ok((kind.to_owned(), regime.to_owned(), body, received))
}

/// The data-subject requests of an open vault.
pub(crate) struct Requests;

impl Requests {
    /// Record a request of the subject `lookup` names — or, when one of the same kind is open or
    /// in progress, add this one's proposal to it and return it (`existing: true`).
    pub(crate) fn create(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
        spec: RequestSpec,
    ) -> Result<Request> {
        let hint = subjects::hint(lookup);
        checked(&spec, engine.now_ms()).map_err(|e| engine.refused(caller, Action::RequestCreate, hint, e))?;
        let mut id = [0u8; 16];
        crate::crypto::random_fill(&mut id)?;
        engine.write(caller, Action::RequestCreate, hint, |tx| {
            engine.validate_purpose(tx, caller)?;
            let now = engine.now_ms();
            let (kind, regime, body, received) = checked(&spec, now)?;
            let (sid, _, _) = subjects.locate(engine, tx, (caller, None), lookup)?;
            if let Some(row) = tx.active_request(sid, &kind)? {
                let mut o = open(engine, tx, row)?;
                if o.body.proposals.len() >= MAX_PROPOSALS {
                    return Err(Error::invalid("the open request of this kind holds 20 proposals already"));
                }
                o.body.proposals.extend(body.proposals);
                o.row.verified |= spec.verified;
                let events = step(engine, tx, &mut o, (Action::RequestCreate, "proposal_added"), now, None)?;
                return Ok((view(&o, now, true), events));
            }
            let (due_ms, ack_due_ms, _) = deadlines(&regime, &kind, received);
            let (token, dek) = subjects::data_key_by_id(engine, tx, sid)?
                .ok_or_else(|| Error::integrity("a subject found is not stored"))?;
            let mut row = RequestRow {
                seq: 0,
                id,
                subject_id: sid,
                kind,
                regime,
                state: "open".to_owned(),
                verified: spec.verified,
                received_ms: received,
                due_ms,
                ack_due_ms,
                extended: false,
                updated_ms: now,
                version: 1,
                body: Vec::new(),
            };
            seal(engine, &mut row, &token, &dek, &body)?;
            row.seq = tx.insert_request(&row)?;
            let o = Opened { row, body, token, dek };
            outbox(engine, tx, &o, "received", now)?;
            let details = json!({"kind": o.row.kind, "regime": o.row.regime, "verified": o.row.verified});
            Ok((view(&o, now, false), vec![event(engine, Action::RequestCreate, &o, Some(details))?]))
        })
    }

    /// A request with its proposals and reasons.
    pub(crate) fn get(engine: &Engine, caller: &Caller, id: &str) -> Result<RequestDetail> {
        let id = parse_id(id).map_err(|e| engine.refused(caller, Action::RequestGet, None, e))?;
        engine.read(caller, Action::RequestGet, None, |db| {
            engine.validate_purpose(db, caller)?;
            let o = open(engine, db, db.request(&id)?.ok_or_else(missing)?)?;
            let event = event(engine, Action::RequestGet, &o, None)?;
            Ok((detail(o, engine.now_ms()), vec![event]))
        })
    }

    /// Requests by state, subject and due date, in arrival order, paged.
    pub(crate) fn list(
        engine: &Engine,
        caller: &Caller,
        query: RequestQuery,
        page: &PageRequest,
    ) -> Result<Page<Request>> {
        let checked = (|| {
            if let Some(s) = &query.state {
                if !REQUEST_STATES.contains(&s.as_str()) {
                    return Err(Error::invalid("state is open, in_progress, fulfilled, denied, revoked or expired"));
                }
            }
            if query.due_within_days.is_some_and(|d| !(0..=3_650).contains(&d)) {
                return Err(Error::invalid("due_within_days is 0 to 3,650"));
            }
            let subject = query.subject.as_deref().map(parse_token).transpose()?;
            Ok((page.limit()?.min(crate::page::DEFAULT_PAGE), page.after_seq()?, subject))
        })();
        let (limit, after, subject) = checked.map_err(|e| engine.refused(caller, Action::RequestList, None, e))?;
        engine.read(caller, Action::RequestList, None, |db| {
            engine.validate_purpose(db, caller)?;
            let now = engine.now_ms();
            let subject_id = match &subject {
                None => None,
                Some(token) => match subjects::row_id(db, token)? {
                    Some(id) => Some(id),
                    None => return Ok((Page { total: 0, items: Vec::new(), next: None }, vec![])),
                },
            };
            let due_by_ms = match (query.overdue, query.due_within_days) {
                (true, _) => Some(now - 1),
                (false, Some(days)) => Some(now + days * DAY_MS),
                (false, None) => None,
            };
            let filter = RequestFilter { subject_id, state: query.state.clone(), due_by_ms };
            let after = i64::try_from(after.unwrap_or(0))
                .map_err(|_| Error::invalid("cursor is not one this vault returned"))?;
            let (rows, total) = db.requests(&filter, after, limit)?;
            let next = crate::page::next_after(rows.len(), total, rows.last().map(|r| r.seq));
            let items = rows.into_iter().map(|r| Ok(view(&open(engine, db, r)?, now, false))).collect::<Result<_>>()?;
            Ok((Page { total, items, next }, vec![Event::attempt(Action::RequestList, None)]))
        })
    }

    /// The kind of the request `id`, if there is one (read outside any unit: a kind never changes).
    pub(crate) fn kind_of(engine: &Engine, id: &[u8; 16]) -> Result<Option<String>> {
        engine.unaudited(|db| Ok(db.request(id)?.map(|r| r.kind)))
    }

    /// Open the request `id` inside a write for a step of `action`: refused for a final state.
    pub(crate) fn open_active(engine: &Engine, tx: &Tx<'_>, id: &[u8; 16]) -> Result<Opened> {
        let o = open(engine, tx, tx.request(id)?.ok_or_else(missing)?)?;
        if is_final(&o.row.state) {
            return Err(Error::invalid(format!("the request is {} already", o.row.state)));
        }
        Ok(o)
    }

    /// One step of a request that needs nothing but the request: the change `f` makes to it,
    /// stored, with its outbox and audit events.
    fn simple(
        engine: &Engine,
        caller: &Caller,
        (action, name): (Action, &str),
        id: &str,
        f: impl FnOnce(&mut Opened, i64) -> Result<Option<Value>>,
    ) -> Result<Request> {
        let id = parse_id(id).map_err(|e| engine.refused(caller, action, None, e))?;
        engine.write(caller, action, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            let now = engine.now_ms();
            let mut o = Self::open_active(engine, tx, &id)?;
            let details = f(&mut o, now)?;
            let events = step(engine, tx, &mut o, (action, name), now, details)?;
            Ok((view(&o, now, false), events))
        })
    }

    /// Start working on an open request.
    pub(crate) fn start(engine: &Engine, caller: &Caller, id: &str) -> Result<Request> {
        Self::simple(engine, caller, (Action::RequestStart, "in_progress"), id, |o, _| {
            if o.row.state != "open" {
                return Err(Error::invalid("only an open request can be started"));
            }
            o.row.state = "in_progress".to_owned();
            Ok(None)
        })
    }

    /// Record that the subject's identity was verified.
    pub(crate) fn verify(engine: &Engine, caller: &Caller, id: &str) -> Result<Request> {
        Self::simple(engine, caller, (Action::RequestVerify, "verified"), id, |o, _| {
            if o.row.verified {
                return Err(Error::invalid("the request is verified already"));
            }
            o.row.verified = true;
            Ok(None)
        })
    }

    /// Extend the deadline as far as the regime allows, once, with a reason.
    pub(crate) fn extend(engine: &Engine, caller: &Caller, id: &str, reason: &str) -> Result<Request> {
        let reason = Some(reason.to_owned());
        check_text(&reason, "a reason").map_err(|e| engine.refused(caller, Action::RequestExtend, None, e))?;
        Self::simple(engine, caller, (Action::RequestExtend, "extended"), id, |o, _| {
            if o.row.extended {
                return Err(Error::invalid(
                    "the request's deadline was extended already (once is what the law allows)",
                ));
            }
            let (_, _, furthest) = deadlines(&o.row.regime, &o.row.kind, o.row.received_ms);
            o.row.due_ms = furthest.ok_or_else(|| Error::invalid("this kind of request cannot be extended"))?;
            o.row.extended = true;
            o.body.extension_reason = reason;
            Ok(Some(json!({"due_ms": o.row.due_ms})))
        })
    }

    /// Deny with a DRP reason code and, optionally, words.
    pub(crate) fn deny(
        engine: &Engine,
        caller: &Caller,
        id: &str,
        code: &str,
        reason: Option<&str>,
    ) -> Result<Request> {
        let reason = reason.map(str::to_owned);
        let ok = if DENIAL_CODES.contains(&code) {
            check_text(&reason, "a reason")
        } else {
            Err(Error::invalid(
                "code is one of need_user_verification, suspected_fraud, insufficient_verification, no_match, \
                 claim_not_covered, outside_jurisdiction, too_many_requests, other",
            ))
        };
        ok.map_err(|e| engine.refused(caller, Action::RequestDeny, None, e))?;
        Self::simple(engine, caller, (Action::RequestDeny, "denied"), id, |o, _| {
            o.row.state = "denied".to_owned();
            o.body.denial_code = Some(code.to_owned());
            o.body.denial_reason = reason;
            Ok(Some(json!({"code": code})))
        })
    }

    /// The subject withdraws its request.
    pub(crate) fn revoke(engine: &Engine, caller: &Caller, id: &str) -> Result<Request> {
        Self::simple(engine, caller, (Action::RequestRevoke, "revoked"), id, |o, _| {
            o.row.state = "revoked".to_owned();
            Ok(None)
        })
    }

    /// Mark fulfilled (inside the approval's unit of work, once its change is applied).
    pub(crate) fn fulfil(
        engine: &Engine,
        tx: &Tx<'_>,
        o: &mut Opened,
        applied: Option<u64>,
        now: i64,
    ) -> Result<Vec<Event>> {
        o.row.state = "fulfilled".to_owned();
        o.body.applied_proposal = applied;
        step(engine, tx, o, (Action::RequestApprove, "fulfilled"), now, None)
    }

    /// Record every unverified request still open past its due date as expired (DRP's `expired`:
    /// the subject never proved who they are), at most 1,000 per transaction.
    pub(crate) fn expire(engine: &Engine, caller: &Caller) -> Result<RequestExpiry> {
        const BATCH: u64 = 1_000;
        let (mut expired, mut batches, mut after) = (0, 0, 0);
        loop {
            let now = engine.now_ms();
            let (looked, n, last) = engine.write(caller, Action::RequestExpire, None, |tx| {
                engine.validate_purpose(tx, caller)?;
                let filter =
                    RequestFilter { subject_id: None, state: Some("open".to_owned()), due_by_ms: Some(now - 1) };
                let (rows, _) = tx.requests(&filter, after, BATCH)?;
                let (looked, last) = (rows.len() as u64, rows.last().map_or(after, |r| r.seq));
                let mut events = Vec::new();
                for row in rows.into_iter().filter(|r| !r.verified) {
                    let mut o = open(engine, tx, row)?;
                    o.row.state = "expired".to_owned();
                    events.extend(step(engine, tx, &mut o, (Action::RequestExpire, "expired"), now, None)?);
                }
                let n = events.len() as u64;
                if events.is_empty() {
                    events.push(Event::attempt(Action::RequestExpire, None));
                }
                Ok(((looked, n, last), events))
            })?;
            expired += n;
            batches += 1;
            if looked < BATCH {
                return Ok(RequestExpiry { expired, batches });
            }
            after = last;
        }
    }

    /// The requests' outbox after `page.cursor` (or from the oldest kept), in order.
    pub(crate) fn events(engine: &Engine, caller: &Caller, page: &PageRequest) -> Result<Page<RequestEvent>> {
        let (limit, after) = page
            .limit()
            .and_then(|l| Ok((l, page.after_seq()?)))
            .map_err(|e| engine.refused(caller, Action::RequestEvents, None, e))?;
        engine.read(caller, Action::RequestEvents, None, |db| {
            engine.check(db, caller, (crate::policy::Operation::Read, crate::policy::Target::Nobody), false)?;
            let after = i64::try_from(after.unwrap_or(0))
                .map_err(|_| Error::invalid("cursor is not one this vault returned"))?;
            let (rows, total) = db.request_events_after(after, limit)?;
            verify_events(engine, db, &rows, total)?;
            let next = crate::page::next_after(rows.len(), total, rows.last().map(|r| r.seq));
            let items = rows
                .into_iter()
                .map(|r| RequestEvent {
                    cursor: crate::page::cursor_after(r.seq as u64),
                    request: hex::encode(r.request),
                    subject: format_token(&r.subject),
                    kind: r.kind,
                    event: r.event,
                    state: r.state,
                    time_ms: r.time_ms,
                })
                .collect();
            Ok((Page { total, items, next }, vec![Event::attempt(Action::RequestEvents, None)]))
        })
    }

    /// Acknowledge the outbox up to the event `cursor` names: those events are deleted.
    pub(crate) fn ack(engine: &Engine, caller: &Caller, cursor: &str) -> Result<u64> {
        let request = PageRequest { limit: None, cursor: Some(cursor.to_owned()) };
        let seq = request
            .after_seq()
            .and_then(|s| s.ok_or_else(|| Error::internal("a cursor was given")))
            .map_err(|e| engine.refused(caller, Action::RequestAck, None, e))?;
        engine.write(caller, Action::RequestAck, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            let seq = i64::try_from(seq).map_err(|_| Error::invalid("cursor is not one this vault returned"))?;
            if seq > tx.last_request_event_seq()? {
                return Err(Error::invalid("cursor is not one this vault returned"));
            }
            // The chain's acknowledged end moves to the newest event deleted. The events deleted
            // are checked first, page by page from the acknowledged end (what follows them is
            // checked when it is listed): the cost grows with what is acknowledged, not with the
            // outbox.
            let (mut after, mut end) = (0, None);
            loop {
                let (page, total) = tx.request_events_after(after, ACK_PAGE)?;
                verify_events(engine, tx, &page, total)?;
                end = page.iter().take_while(|e| e.seq <= seq).last().map(|e| e.mac).or(end);
                match page.last() {
                    Some(last) if last.seq < seq && page.len() as u64 == ACK_PAGE => after = last.seq,
                    _ => break,
                }
            }
            if let Some(end) = end {
                tx.set_meta_mac(PRUNED, &end)?;
            }
            let n = tx.delete_request_events_through(seq)?;
            Ok((n, vec![Event::attempt(Action::RequestAck, None)]))
        })
    }
}

/// Store a step: the next version of the row (resealed), its outbox event, its audit event.
pub(crate) fn step(
    engine: &Engine,
    tx: &Tx<'_>,
    o: &mut Opened,
    (action, name): (Action, &str),
    now: i64,
    details: Option<Value>,
) -> Result<Vec<Event>> {
    o.row.version += 1;
    o.row.updated_ms = now;
    seal(engine, &mut o.row, &o.token, &o.dek, &o.body)?;
    tx.update_request(&o.row)?;
    outbox(engine, tx, o, name, now)?;
    Ok(vec![event(engine, action, o, details)?])
}
