//! Consent decisions: giving, refusing, withdrawing and revoking agreements (appended to the
//! history with their outbox event and MACs), their expiry, and revoking a basis for everyone.

use super::types::{Agreement, BasisStatus, ConsentOptions, ConsentReport, ConsentStatus};
use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::consent::policy::{self, decision};
use crate::consent::seal;
use crate::consent::store::{BasisRow, CurrentRow, DecisionRow, OutboxRow};
use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::TokenBytes;
use crate::store::Tx;
use crate::subjects::{self, Lookup, Subjects};
use serde_json::json;

use super::{
    bases_by_id, basis_of, catalogue, check_options, history_row, seal_details, Consent, Decide, Details, BATCH,
};

impl Consent {
    /// Give (or refuse) consent under `brief`.
    pub(crate) fn give(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
        brief: &str,
        options: &ConsentOptions,
    ) -> Result<Agreement> {
        let status = match options.status {
            None | Some(ConsentStatus::Given) => ConsentStatus::Given,
            Some(ConsentStatus::Refused) => ConsentStatus::Refused,
            Some(_) => {
                let e = Error::invalid(
                    "status is given or refused (withdraw_consent and revoke_consent record the others)",
                );
                return Err(engine.refused(caller, Action::ConsentGive, subjects::hint(lookup), e));
            }
        };
        Self::decide(engine, subjects, caller, lookup, brief, Decide { action: Action::ConsentGive, status, options })
    }

    /// Withdraw (the subject) or revoke (an operator) consent under `brief`.
    pub(crate) fn end(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
        brief: &str,
        options: &ConsentOptions,
        revoke: bool,
    ) -> Result<Agreement> {
        let (action, status) = if revoke {
            (Action::ConsentRevoke, ConsentStatus::Revoked)
        } else {
            (Action::ConsentWithdraw, ConsentStatus::Withdrawn)
        };
        let misplaced = options.status.is_some()
            || options.start_ms.is_some()
            || options.expires_ms.is_some()
            || options.ttl_ms.is_some()
            || options.notice_version.is_some();
        if misplaced {
            let e = Error::invalid("withdrawing or revoking takes only method, channel, language and reference");
            return Err(engine.refused(caller, action, subjects::hint(lookup), e));
        }
        Self::decide(engine, subjects, caller, lookup, brief, Decide { action, status, options })
    }

    pub(super) fn decide(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
        brief: &str,
        d: Decide<'_>,
    ) -> Result<Agreement> {
        let hint = subjects::hint(lookup);
        check_options(d.options)
            .and_then(|()| catalogue::check_brief(brief))
            .map_err(|e| engine.refused(caller, d.action, hint, e))?;
        engine.write(caller, d.action, hint, |tx| {
            // A decision is the subject's own act (or an operator ending it): recording it never
            // needs the consent it records, so no purpose check runs; a purpose given must still
            // name an activity.
            engine.validate_purpose(tx, caller)?;
            let (sid, token, dek) = subjects.locate(engine, tx, (caller, None), lookup)?;
            Self::decide_in(engine, tx, caller, (sid, token, &dek), brief, d)
        })
    }

    /// Record a decision of the subject `(sid, token, dek)` inside a write: the agreement as it
    /// is then, and the events.
    pub(super) fn decide_in(
        engine: &Engine,
        tx: &Tx<'_>,
        caller: &Caller,
        (sid, token, dek): (i64, TokenBytes, &SecretKey),
        brief: &str,
        d: Decide<'_>,
    ) -> Result<(Agreement, Vec<Event>)> {
        let basis = catalogue::basis(engine, tx, brief)?;
        let now = engine.now_ms();
        let mut events = Vec::new();
        let mut current = tx.current_decision(sid, basis.id)?;
        if let Some(c) = &current {
            // A given agreement whose expiry passed is recorded as expired first.
            if c.decision == decision::GIVEN && c.seq > basis.revoked_through && c.expires_ms.is_some_and(|e| e <= now)
            {
                policy::in_force(&engine.keys().consent().state, &token, c, basis.revoked_through, now)?;
                let (event, expired) = Self::expire(engine, tx, &basis, c, &token, dek, now)?;
                events.push(event);
                current = Some(expired);
            }
        }
        let (notice_version, start_ms, expires_ms) = match d.status {
            ConsentStatus::Given | ConsentStatus::Refused => {
                if basis.status != BasisStatus::Active.number() {
                    return Err(Error::invalid("the legal basis is not active: it takes no new agreements"));
                }
                let version = d.options.notice_version.unwrap_or(basis.notice_version);
                if tx.notice_of(basis.id, version)?.is_none() {
                    return Err(Error::invalid("the legal basis has no such notice version"));
                }
                let start = d.options.start_ms.unwrap_or(now);
                let expires = match (d.options.expires_ms, d.options.ttl_ms) {
                    (Some(e), _) => Some(e),
                    (None, Some(ttl)) => Some(start.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX))),
                    (None, None) => None,
                };
                if expires.is_some_and(|e| e <= start.max(now)) {
                    return Err(Error::invalid("the expiry must be after the start and in the future"));
                }
                (version, start, expires)
            }
            _ => {
                // Withdrawing or revoking ends what is in force; anything else stays as it is.
                let in_force = match &current {
                    Some(c) => {
                        policy::in_force(&engine.keys().consent().state, &token, c, basis.revoked_through, now)?
                            || (c.decision == decision::GIVEN && c.seq > basis.revoked_through && c.start_ms > now)
                    }
                    None => {
                        return Err(Error::new(
                            ErrorKind::NotFound,
                            "the subject has no agreement under this legal basis",
                        ))
                    }
                };
                let c = current.as_ref().expect("checked above");
                if !in_force {
                    let view = Self::view(engine, tx, &basis, c, &token, dek, now)?;
                    return Ok((view, events));
                }
                let last = history_row(engine, tx, &token, c)?;
                (last.notice_version, c.start_ms, c.expires_ms)
            }
        };
        let details = Details {
            method: d.options.method.clone().unwrap_or_else(|| "api".to_owned()),
            channel: d.options.channel.clone(),
            language: d.options.language.clone(),
            reference: d.options.reference.clone(),
        };
        let c = Self::append(
            engine,
            tx,
            (sid, &token, dek),
            &basis,
            caller.actor(),
            (d.status.number(), notice_version, now, start_ms, expires_ms),
            &details,
        )?;
        let event = Event::about(d.action, sid, token).at_version(c.seq).with_details(
            engine.keys().vault_id(),
            dek,
            &json!({"legal_basis": basis.brief, "status": d.status.name(), "notice_version": notice_version}),
        )?;
        events.push(event);
        Ok((Self::view(engine, tx, &basis, &c, &token, dek, now)?, events))
    }

    /// What approving a consent request records, inside its unit of work: `status` (withdrawn,
    /// refused or given) under `brief` for the subject, with method `request`.
    pub(crate) fn decide_for_request(
        engine: &Engine,
        tx: &Tx<'_>,
        caller: &Caller,
        subject: (i64, TokenBytes, &SecretKey),
        brief: &str,
        status: ConsentStatus,
    ) -> Result<Vec<Event>> {
        catalogue::check_brief(brief)?;
        let options = ConsentOptions { method: Some("request".to_owned()), ..ConsentOptions::default() };
        let action = match status {
            ConsentStatus::Withdrawn => Action::ConsentWithdraw,
            _ => Action::ConsentGive,
        };
        Ok(Self::decide_in(engine, tx, caller, subject, brief, Decide { action, status, options: &options })?.1)
    }

    /// Append a decision to the history, set the current view, and write the outbox event.
    pub(super) fn append(
        engine: &Engine,
        tx: &Tx<'_>,
        (sid, token, dek): (i64, &TokenBytes, &SecretKey),
        basis: &BasisRow,
        actor: &str,
        (decision, notice_version, time_ms, start_ms, expires_ms): (i64, i64, i64, i64, Option<i64>),
        details: &Details,
    ) -> Result<CurrentRow> {
        let key = &engine.keys().consent().state;
        let outbox_seq = seal::append_outbox(
            tx,
            key,
            OutboxRow {
                seq: 0,
                subject_id: sid,
                subject: *token,
                basis: Some(basis.brief.clone()),
                event: decision,
                notice_version: Some(notice_version),
                time_ms,
                prev_seq: 0,
                prev_mac: seal::NONE_BEFORE,
                mac: seal::NONE_BEFORE,
                link: seal::NONE_BEFORE,
            },
        )?;
        let mut row = DecisionRow {
            seq: tx.next_decision_seq()?,
            subject_id: sid,
            basis_id: basis.id,
            decision,
            notice_version,
            time_ms,
            start_ms,
            expires_ms,
            actor: actor.to_owned(),
            details: Vec::new(),
            outbox_seq: Some(outbox_seq),
            prev_mac: tx.newest_decision_mac(sid)?.unwrap_or(seal::NONE_BEFORE),
            mac: seal::NONE_BEFORE,
        };
        row.details = seal_details(engine, dek, token, &row, details)?;
        row.mac = seal::agreement_mac(key, token, &row);
        tx.append_decision(&row)?;
        // Every open vault's purpose checks remember decisions per generation: a decision moves it.
        tx.bump_catalogue_generation()?;
        let mut current = CurrentRow {
            subject_id: sid,
            basis_id: basis.id,
            seq: row.seq,
            decision,
            start_ms,
            expires_ms,
            mac: [0; 32],
        };
        current.mac = policy::state_mac(key, Some(token), &current);
        tx.set_current_decision(&current)?;
        Ok(current)
    }

    /// Record a given agreement as expired (observed at `now`); its audit event.
    pub(super) fn expire(
        engine: &Engine,
        tx: &Tx<'_>,
        basis: &BasisRow,
        c: &CurrentRow,
        token: &TokenBytes,
        dek: &SecretKey,
        now: i64,
    ) -> Result<(Event, CurrentRow)> {
        let last = history_row(engine, tx, token, c)?;
        let details = Details::by("expiry");
        let expired = Self::append(
            engine,
            tx,
            (c.subject_id, token, dek),
            basis,
            "bunkerlite",
            (decision::EXPIRED, last.notice_version, now, c.start_ms, c.expires_ms),
            &details,
        )?;
        Ok((Event::about(Action::ConsentPurge, c.subject_id, *token).at_version(expired.seq), expired))
    }

    /// Revoke every agreement under a basis (and with `delete`, mark the basis deleted). The
    /// first transaction makes the revocation take effect for every check; the history and
    /// outbox rows follow a thousand subjects per transaction. A call interrupted midway is
    /// completed by calling again.
    pub(crate) fn revoke_basis(engine: &Engine, caller: &Caller, brief: &str, delete: bool) -> Result<ConsentReport> {
        let action = if delete { Action::BasisDelete } else { Action::BasisRevoke };
        catalogue::check_brief(brief).map_err(|e| engine.refused(caller, action, None, e))?;
        let basis = engine.write(caller, action, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            catalogue::before_change(engine, tx)?;
            let mut basis = catalogue::basis(engine, tx, brief)?;
            basis.revoked_through = basis.revoked_through.max(tx.last_decision_seq()?);
            if delete {
                basis.status = BasisStatus::Deleted.number();
            }
            basis.updated_ms = engine.now_ms();
            tx.update_basis(&basis)?;
            catalogue::after_change(engine, tx)?;
            Ok((basis, vec![Event::attempt(action, None)]))
        })?;
        let mut changed = 0;
        loop {
            let n = engine.write(caller, Action::ConsentRevoke, None, |tx| {
                let now = engine.now_ms();
                let rows = tx.given_through(basis.id, basis.revoked_through, BATCH)?;
                let mut events = Vec::with_capacity(rows.len());
                for c in &rows {
                    let (token, dek) = subjects::data_key_by_id(engine, tx, c.subject_id)?
                        .ok_or_else(|| Error::integrity("an agreement names a subject that is not stored"))?;
                    let last = history_row(engine, tx, &token, c)?;
                    let details = Details::by("operator");
                    let revoked = Self::append(
                        engine,
                        tx,
                        (c.subject_id, &token, &dek),
                        &basis,
                        caller.actor(),
                        (decision::REVOKED, last.notice_version, now, c.start_ms, c.expires_ms),
                        &details,
                    )?;
                    events.push(Event::about(Action::ConsentRevoke, c.subject_id, token).at_version(revoked.seq));
                }
                Ok((rows.len() as u64, events))
            })?;
            changed += n;
            if n < BATCH {
                return Ok(ConsentReport { changed });
            }
        }
    }

    /// Record every given agreement whose expiry passed as expired (with its outbox event), a
    /// thousand per transaction.
    pub(crate) fn purge(engine: &Engine, caller: &Caller) -> Result<ConsentReport> {
        let mut changed = 0;
        loop {
            let n = engine.write(caller, Action::ConsentPurge, None, |tx| {
                engine.validate_purpose(tx, caller)?;
                let now = engine.now_ms();
                let bases = bases_by_id(engine, tx)?;
                let rows = tx.expired_decisions(now, BATCH)?;
                let mut events = Vec::with_capacity(rows.len());
                for c in &rows {
                    let basis = basis_of(&bases, c.basis_id)?;
                    let (token, dek) = subjects::data_key_by_id(engine, tx, c.subject_id)?
                        .ok_or_else(|| Error::integrity("an agreement names a subject that is not stored"))?;
                    policy::in_force(&engine.keys().consent().state, &token, c, basis.revoked_through, now)?;
                    events.push(Self::expire(engine, tx, basis, c, &token, &dek, now)?.0);
                }
                if events.is_empty() {
                    events.push(Event::attempt(Action::ConsentPurge, None));
                }
                Ok((rows.len() as u64, events))
            })?;
            changed += n;
            if n < BATCH {
                return Ok(ConsentReport { changed });
            }
        }
    }
}
