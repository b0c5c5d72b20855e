//! The consent area: the catalogue (`catalogue.rs`), agreements kept as an append-only history
//! with a MACed current view, revocation for everyone in resumable batches, expiry, the outbox
//! of consent events, `can_process`, and receipts (`receipt.rs`). The purpose check every other
//! area runs is in `policy.rs`, below the areas.
//!
//! A decision is one write: the history row (its method, channel, language and reference sealed
//! under the subject's data key), the current view with its MAC, the outbox event and the audit
//! event commit together or not at all.

pub(crate) mod lifecycle;

pub(crate) mod catalogue;
pub(crate) mod ops;
mod receipt;
pub(crate) mod store;
pub(crate) mod types;
pub(crate) mod verify;

use std::collections::HashMap;

use serde_json::json;

use crate::action::Action;
use crate::caller::{check_purpose, Caller, DEFAULT_ACTOR};
use crate::chain::Event;
use crate::consent::store::{BasisRow, CurrentRow, DecisionRow, OutboxRow};
use crate::crypto::aead::{self, Place, Slot, ROW_KEY};
use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{format_token, TokenBytes};
use crate::page::{Page, PageRequest};
use crate::policy::{self, decision, seal, Operation, Target};
use crate::store::{Db, Tx};
use crate::subjects::{self, Lookup, Subjects};
use types::{
    Agreement, BasisStatus, ConsentEvent, ConsentOptions, ConsentReport, ConsentStatus, ProcessingDecision,
    ReceiptCheck,
};

pub(crate) use receipt::{export_receipt, verify_receipt};

/// Rows changed per transaction by a revocation for everyone and by the expiry purge.
const BATCH: u64 = 1000;
/// The consumer of the outbox when the caller names none.
const DEFAULT_CONSUMER: &str = "default";
/// The longest method, channel or language, and the longest reference, in bytes.
const MAX_LABEL: usize = 64;
const MAX_REFERENCE: usize = 1024;

/// The sealed part of a decision.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Details {
    method: String,
    channel: Option<String>,
    language: Option<String>,
    reference: Option<String>,
}

impl Details {
    /// Details of a decision the vault records itself (no channel, language or reference).
    fn by(method: &str) -> Details {
        Details { method: method.to_owned(), channel: None, language: None, reference: None }
    }
}

impl Drop for Details {
    fn drop(&mut self) {
        if let Some(r) = &mut self.reference {
            zeroize::Zeroize::zeroize(r);
        }
    }
}

/// The associated data of a decision's sealed details: the subject and every other field of
/// the row, so a row edited or moved fails to open.
fn details_record(token: &TokenBytes, d: &DecisionRow) -> Vec<u8> {
    let mut r = Vec::with_capacity(16 + 8 * 8 + d.actor.len());
    r.extend_from_slice(token);
    for v in [d.seq, d.basis_id, d.decision, d.notice_version, d.time_ms, d.start_ms, d.expires_ms.unwrap_or(i64::MIN)]
    {
        r.extend_from_slice(&v.to_be_bytes());
    }
    r.push(u8::from(d.expires_ms.is_some()));
    r.extend_from_slice(d.actor.as_bytes());
    r
}

fn seal_details(
    engine: &Engine,
    dek: &SecretKey,
    token: &TokenBytes,
    d: &DecisionRow,
    details: &Details,
) -> Result<Vec<u8>> {
    let record = details_record(token, d);
    let plain = zeroize::Zeroizing::new(
        serde_json::to_vec(details).map_err(|_| Error::internal("consent details do not serialise"))?,
    );
    aead::seal(dek, ROW_KEY, &Place::fixed(engine.keys().vault_id(), Slot::Agreement, &record), &plain)
}

fn open_details(engine: &Engine, dek: &SecretKey, token: &TokenBytes, d: &DecisionRow) -> Result<Details> {
    let record = details_record(token, d);
    let plain =
        aead::open(dek, ROW_KEY, &Place::fixed(engine.keys().vault_id(), Slot::Agreement, &record), &d.details)?;
    serde_json::from_slice(&plain).map_err(|_| Error::integrity("stored consent details are malformed"))
}

fn check_label(what: &str, value: &Option<String>) -> Result<()> {
    if let Some(v) = value {
        let ok = !v.is_empty()
            && v.len() <= MAX_LABEL
            && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:/ ".contains(&b));
        if !ok {
            return Err(Error::invalid(format!(
                "{what} must be 1-{MAX_LABEL} characters of A-Z a-z 0-9 - _ . : / and space"
            )));
        }
    }
    Ok(())
}

fn check_options(options: &ConsentOptions) -> Result<()> {
    check_label("method", &options.method)?;
    check_label("channel", &options.channel)?;
    check_label("language", &options.language)?;
    if options.reference.as_ref().is_some_and(|r| r.len() > MAX_REFERENCE) {
        return Err(Error::new(ErrorKind::TooLarge, format!("reference is longer than {MAX_REFERENCE} bytes")));
    }
    if options.expires_ms.is_some() && options.ttl_ms.is_some() {
        return Err(Error::invalid("give expires_ms or ttl_ms, not both"));
    }
    Ok(())
}

/// The consent area of an open vault.
pub(crate) struct Consent;

/// What a decision to record is.
struct Decide<'a> {
    action: Action,
    status: ConsentStatus,
    options: &'a ConsentOptions,
}

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

    fn decide(
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
            let basis = catalogue::basis(engine, tx, brief)?;
            let now = engine.now_ms();
            let mut events = Vec::new();
            let mut current = tx.current_decision(sid, basis.id)?;
            if let Some(c) = &current {
                // A given agreement whose expiry passed is recorded as expired first.
                if c.decision == decision::GIVEN
                    && c.seq > basis.revoked_through
                    && c.expires_ms.is_some_and(|e| e <= now)
                {
                    policy::in_force(&engine.keys().consent().state, &token, c, basis.revoked_through, now)?;
                    let (event, expired) = Self::expire(engine, tx, &basis, c, &token, &dek, now)?;
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
                        let view = Self::view(engine, tx, &basis, c, &token, &dek, now)?;
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
                (sid, &token, &dek),
                &basis,
                caller.actor(),
                (d.status.number(), notice_version, now, start_ms, expires_ms),
                &details,
            )?;
            let event = Event::about(d.action, sid, token).at_version(c.seq).with_details(
                engine.keys().vault_id(),
                &dek,
                &json!({"legal_basis": basis.brief, "status": d.status.name(), "notice_version": notice_version}),
            )?;
            events.push(event);
            Ok((Self::view(engine, tx, &basis, &c, &token, &dek, now)?, events))
        })
    }

    /// Append a decision to the history, set the current view, and write the outbox event.
    fn append(
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
    fn expire(
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

    /// The public view of a current decision.
    fn view(
        engine: &Engine,
        db: &Db<'_>,
        basis: &BasisRow,
        c: &CurrentRow,
        token: &TokenBytes,
        dek: &SecretKey,
        now: i64,
    ) -> Result<Agreement> {
        let in_force = policy::in_force(&engine.keys().consent().state, token, c, basis.revoked_through, now)?;
        let row = history_row(engine, db, token, c)?;
        let details = open_details(engine, dek, token, &row)?;
        let stored = ConsentStatus::from_number(c.decision)
            .ok_or_else(|| Error::integrity("a stored consent decision is unknown"))?;
        let status = match stored {
            ConsentStatus::Given if c.seq <= basis.revoked_through => ConsentStatus::Revoked,
            ConsentStatus::Given if c.expires_ms.is_some_and(|e| e <= now) => ConsentStatus::Expired,
            s => s,
        };
        let notice = db
            .notice_of(basis.id, row.notice_version)?
            .ok_or_else(|| Error::integrity("a cited notice version is missing"))?;
        Ok(Agreement {
            legal_basis: basis.brief.clone(),
            status,
            in_force,
            decided_ms: row.time_ms,
            start_ms: c.start_ms,
            expires_ms: c.expires_ms,
            notice_version: row.notice_version,
            notice_sha256: hex::encode(notice.sha256),
            method: details.method.clone(),
            channel: details.channel.clone(),
            language: details.language.clone(),
            reference: details.reference.clone(),
            actor: row.actor,
        })
    }

    /// A subject's current decision about `brief` (`NOT_FOUND` when it never decided).
    pub(crate) fn get(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
        brief: &str,
    ) -> Result<Agreement> {
        engine.read(caller, Action::ConsentGet, subjects::hint(lookup), |db| {
            let (sid, token, dek) = subjects.locate(engine, db, (caller, Some(Operation::Read)), lookup)?;
            let basis = catalogue::basis(engine, db, brief)?;
            let c = db.current_decision(sid, basis.id)?.ok_or_else(|| {
                Error::new(ErrorKind::NotFound, "the subject has no agreement under this legal basis")
            })?;
            let view = Self::view(engine, db, &basis, &c, &token, &dek, engine.now_ms())?;
            Ok((view, vec![Event::about(Action::ConsentGet, sid, token)]))
        })
    }

    /// Every current decision of a subject, by legal basis.
    pub(crate) fn list(
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
    ) -> Result<Vec<Agreement>> {
        engine.read_snapshot(caller, Action::ConsentList, subjects::hint(lookup), |db| {
            let (sid, token, dek) = subjects.locate(engine, db, (caller, Some(Operation::Read)), lookup)?;
            let bases = bases_by_id(engine, db)?;
            let now = engine.now_ms();
            let mut out = Vec::new();
            for c in db.current_decisions_of_subject(sid)? {
                let basis = basis_of(&bases, c.basis_id)?;
                out.push(Self::view(engine, db, basis, &c, &token, &dek, now)?);
            }
            out.sort_by(|a, b| a.legal_basis.cmp(&b.legal_basis));
            Ok((out, vec![Event::about(Action::ConsentList, sid, token)]))
        })
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

    /// Whether `purpose` allows `operation` on a subject, without touching its data. Audited as
    /// `consent.check` (by the default actor, with the purpose asked about), since the answer
    /// tells whether someone is a subject and whether their consent is in force.
    pub(crate) fn can_process(
        engine: &Engine,
        subjects: &Subjects,
        lookup: &Lookup,
        purpose: &str,
        operation: Option<&str>,
    ) -> Result<ProcessingDecision> {
        let caller = Caller::new(DEFAULT_ACTOR)?.with_purpose(purpose)?;
        let hint = subjects::hint(lookup);
        let op = operation
            .map(Operation::parse)
            .transpose()
            .map_err(|e| engine.refused(&caller, Action::ConsentCheck, hint, e))?
            .unwrap_or(Operation::Read);
        engine.read(&caller, Action::ConsentCheck, hint, |db| {
            let (sid, token) = subjects.locate_id(engine, db, lookup)?;
            let v = engine.verdict(db, purpose, (op, Target::Subject(sid, &token)))?;
            let decision = ProcessingDecision { allowed: v.allowed, legal_basis: v.basis, reason: v.reason.to_owned() };
            Ok((decision, vec![Event::about(Action::ConsentCheck, sid, token)]))
        })
    }

    /// The consent events after the consumer's acknowledged mark (or after `page.cursor`), in
    /// order. Events are deleted once every registered consumer acknowledged them; a consumer
    /// registers with its first read and starts from the oldest event still kept.
    pub(crate) fn events(
        engine: &Engine,
        caller: &Caller,
        consumer: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<ConsentEvent>> {
        let consumer = consumer.unwrap_or(DEFAULT_CONSUMER);
        let checked = check_consumer(consumer).and_then(|()| Ok((page.limit()?, page.after_seq()?)));
        let (limit, after) = checked.map_err(|e| engine.refused(caller, Action::OutboxRead, None, e))?;
        let key = &engine.keys().consent().state;
        let list = |db: &Db<'_>| {
            // The feed tells which subject decided what: checked as a read (of no one subject).
            engine.check(db, caller, (Operation::Read, Target::Nobody), false)?;
            let consumers = seal::consumers(db, key)?;
            let from = match after {
                Some(seq) => i64::try_from(seq).map_err(|_| Error::invalid("cursor is not one this vault returned"))?,
                None => consumers.acked(consumer).unwrap_or(0),
            };
            let (rows, total) = db.outbox_events_after(from, limit)?;
            // The events must be the outbox's chain from where the reader is (or from where
            // every consumer acknowledged and the vault deleted): none deleted, edited or added.
            seal::verify_outbox(key, &rows, from.max(consumers.pruned))?;
            let next = if (rows.len() as u64) < total {
                rows.last().map(|r| crate::page::cursor_after(r.seq as u64))
            } else {
                None
            };
            let items = rows.iter().map(event_view).collect::<Result<Vec<_>>>()?;
            Ok((Page { total, items, next }, vec![Event::attempt(Action::OutboxRead, None)]))
        };
        // A consumer's first read registers it (inside a write), so that from then on no
        // event is deleted before it acknowledged it too.
        let registered = engine.unaudited(|db| Ok(seal::consumers(db, key)?.acked(consumer).is_some()))?;
        if registered {
            engine.read_snapshot(caller, Action::OutboxRead, None, list)
        } else {
            engine.write(caller, Action::OutboxRead, None, |tx| {
                engine.check(tx, caller, (Operation::Read, Target::Nobody), false)?;
                seal::consumers(tx, key)?;
                tx.register_consumer(consumer)?;
                seal::seal_consumers(tx, key)?;
                list(tx)
            })
        }
    }

    /// Acknowledge the events up to the one `cursor` names: they are not delivered to this
    /// consumer again, and events every consumer acknowledged are deleted.
    pub(crate) fn ack(engine: &Engine, caller: &Caller, consumer: Option<&str>, cursor: &str) -> Result<()> {
        let consumer = consumer.unwrap_or(DEFAULT_CONSUMER);
        let request = PageRequest { limit: None, cursor: Some(cursor.to_owned()) };
        let seq = check_consumer(consumer)
            .and_then(|()| request.after_seq())
            .map_err(|e| engine.refused(caller, Action::OutboxAck, None, e))?
            .ok_or_else(|| Error::internal("a cursor was given"))?;
        engine.write(caller, Action::OutboxAck, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            let seq = i64::try_from(seq).map_err(|_| Error::invalid("cursor is not one this vault returned"))?;
            if seq > tx.last_outbox_seq()? {
                return Err(Error::invalid("cursor is not one this vault returned"));
            }
            let key = &engine.keys().consent().state;
            seal::consumers(tx, key)?;
            tx.set_consumer_acked(consumer, seq)?;
            seal::seal_consumers(tx, key)?;
            Ok(((), vec![Event::attempt(Action::OutboxAck, None)]))
        })
    }
}

/// The history row of a current decision of the subject `token`: its MAC checked (format 6),
/// and it must be the decision the current view says (`INTEGRITY` otherwise).
fn history_row(engine: &Engine, db: &Db<'_>, token: &TokenBytes, c: &CurrentRow) -> Result<DecisionRow> {
    let row =
        db.decision_by_seq(c.seq)?.ok_or_else(|| Error::integrity("a consent decision is missing from the history"))?;
    if row.subject_id != c.subject_id || row.basis_id != c.basis_id || row.decision != c.decision {
        return Err(Error::integrity("a current consent decision does not match its history"));
    }
    seal::verify_agreement(&engine.keys().consent().state, token, &row)?;
    Ok(row)
}

/// Every legal basis by row id, as the catalogue (checked against its MAC) holds them.
fn bases_by_id(engine: &Engine, db: &Db<'_>) -> Result<HashMap<i64, BasisRow>> {
    engine.bases(db)
}

/// The basis an agreement names (`INTEGRITY` when there is none).
fn basis_of(bases: &HashMap<i64, BasisRow>, id: i64) -> Result<&BasisRow> {
    bases.get(&id).ok_or_else(|| Error::integrity("an agreement names no legal basis"))
}

fn check_consumer(name: &str) -> Result<()> {
    check_purpose(name).map_err(|_| Error::invalid("a consumer name must match ^[a-z][a-z0-9_-]{0,63}$"))
}

fn event_view(r: &OutboxRow) -> Result<ConsentEvent> {
    let event = match r.event {
        decision::ERASED => "erased",
        n => ConsentStatus::from_number(n).ok_or_else(|| Error::integrity("a stored consent event is unknown"))?.name(),
    };
    Ok(ConsentEvent {
        cursor: crate::page::cursor_after(r.seq as u64),
        subject: format_token(&r.subject),
        event: event.to_owned(),
        legal_basis: r.basis.clone(),
        notice_version: r.notice_version,
        time_ms: r.time_ms,
    })
}

/// Check a receipt against this vault (see `receipt.rs`).
pub(crate) fn verify(engine: &Engine, receipt: &serde_json::Value) -> Result<ReceiptCheck> {
    verify_receipt(engine, receipt)
}
