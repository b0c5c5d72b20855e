//! The outbox of consent events: delivering them after what a consumer acknowledged, and the
//! acknowledgements.

use super::types::{ConsentEvent, ConsentStatus};
use crate::action::Action;
use crate::caller::{check_purpose, Caller};
use crate::chain::Event;
use crate::consent::policy::decision;
use crate::consent::seal;
use crate::consent::store::OutboxRow;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::format_token;
use crate::page::{Page, PageRequest};
use crate::policy::{Operation, Target};
use crate::store::Db;

use super::{Consent, DEFAULT_CONSUMER};

impl Consent {
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
            let next = crate::page::next_after(rows.len(), total, rows.last().map(|r| r.seq));
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

pub(super) fn check_consumer(name: &str) -> Result<()> {
    check_purpose(name).map_err(|_| Error::invalid("a consumer name must match ^[a-z][a-z0-9_-]{0,63}$"))
}

pub(super) fn event_view(r: &OutboxRow) -> Result<ConsentEvent> {
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
