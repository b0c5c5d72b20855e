//! Approving a data-subject request, orchestrated: inside one unit of work the request is
//! checked again (still open or in progress, its subject verified, its proposal still
//! applicable), its change is applied by the area it belongs to — a rectification by the
//! subjects area, an app document's change by the apps area, a restriction or a consent decision
//! by the consent area, an erasure by the erasure orchestrator — and the request is recorded as
//! fulfilled with its outbox event. Either all of it commits or none of it does. Each change is
//! checked as the operation it is (a rectification and an app document's change as `write`, an
//! erasure as `delete`); a restriction and a consent decision are the subject's own acts and
//! check no purpose, as their own operations do.

use crate::action::Action;
use crate::apps::Apps;
use crate::caller::Caller;
use crate::chain::Event;
use crate::consent::types::ConsentStatus;
use crate::consent::Consent;
use crate::engine::Engine;
use crate::erasure;
use crate::error::{Error, Result};
use crate::ids::format_token;
use crate::requests::{self, ApproveOptions, Opened, Request, Requests};
use crate::store::Tx;
use crate::subjects::{Lookup, Subjects};

/// Open the request for its approval: still open or in progress, and its subject verified.
fn ready(engine: &Engine, tx: &Tx<'_>, id: &[u8; 16]) -> Result<Opened> {
    let o = Requests::open_active(engine, tx, id)?;
    if !o.row.verified {
        return Err(Error::invalid(
            "the request's subject is not verified: verify it first (verify_request), or deny it with \
             need_user_verification",
        ));
    }
    Ok(o)
}

/// Approve the request `id`: apply its change and record it fulfilled, in one unit of work.
pub(crate) fn approve(
    engine: &Engine,
    (subjects, apps): (&Subjects, &Apps),
    caller: &Caller,
    id: &str,
    options: ApproveOptions,
) -> Result<Request> {
    let rid = requests::parse_id(id).map_err(|e| engine.refused(caller, Action::RequestApprove, None, e))?;
    // Its kind never changes (it is sealed into the row): an erasure needs the erasure's unit.
    let kind = Requests::kind_of(engine, &rid)?;
    if kind.as_deref() == Some("erase") {
        let (out, _, _) = engine.erase(caller, Action::RequestApprove, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            let now = engine.now_ms();
            let mut o = ready(engine, tx, &rid)?;
            let lookup = Lookup::token(format_token(&o.token));
            let found = subjects.find_to_erase(engine, tx, caller, &lookup)?;
            let mut events = Requests::fulfil(engine, tx, &mut o, None, now)?;
            let out = requests::view(&o, now, false);
            let (_, forget) = erasure::erase_in(engine, subjects, tx, &found, now)?;
            events.push(forget);
            Ok((out, events))
        })?;
        return Ok(out);
    }
    engine.write(caller, Action::RequestApprove, None, |tx| {
        engine.validate_purpose(tx, caller)?;
        let now = engine.now_ms();
        let mut o = ready(engine, tx, &rid)?;
        let lookup = Lookup::token(format_token(&o.token));
        let mut applied = None;
        let mut events: Vec<Event> = Vec::new();
        let who = (o.row.subject_id, o.token, &o.dek);
        match o.row.kind.as_str() {
            "rectify" => {
                let (at, proposal) = o.proposal(options.proposal)?;
                let patch = proposal.patch.clone().ok_or_else(|| Error::integrity("a rectification holds no patch"))?;
                events.extend(subjects.update_in(engine, tx, caller, &lookup, &patch)?.1);
                applied = Some(at);
            }
            "change_app_data" => {
                let (at, proposal) = o.proposal(options.proposal)?;
                let patch = proposal.patch.clone().ok_or_else(|| Error::integrity("a change holds no patch"))?;
                let app = o.app().ok_or_else(|| Error::integrity("a change of app data names no app"))?.to_owned();
                events.extend(apps.update_in(engine, subjects, tx, caller, (&lookup, &app), &patch)?.1);
                applied = Some(at);
            }
            "restrict" => {
                Consent::restrict_in(engine, tx, o.row.subject_id, true)?;
                events.push(Event::about(Action::RestrictionSet, o.row.subject_id, o.token));
            }
            kind @ ("withdraw_consent" | "opt_out" | "opt_in") => {
                let status = match kind {
                    "withdraw_consent" => ConsentStatus::Withdrawn,
                    "opt_out" => ConsentStatus::Refused,
                    _ => ConsentStatus::Given,
                };
                // An opt-out naming no legal basis changes nothing here: the sale or sharing
                // it stops happens outside the vault.
                if let Some(brief) = o.legal_basis().map(str::to_owned) {
                    events.extend(Consent::decide_for_request(engine, tx, caller, who, &brief, status)?);
                }
            }
            // Access, portability and objection are answered outside the vault (the export is
            // `export_subject`); approving records that they were.
            _ => {
                if options.proposal.is_some() {
                    return Err(Error::invalid("only rectify and change_app_data requests apply a proposal"));
                }
            }
        }
        events.extend(Requests::fulfil(engine, tx, &mut o, applied, now)?);
        Ok((requests::view(&o, now, false), events))
    })
}
