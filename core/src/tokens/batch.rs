//! The batch forms of the token operations: one transaction (or one snapshot) for up to
//! `limits.max_batch` items, a result per item and the counts; an item's own error (bad value,
//! unknown or expired token, exhausted format) fails only that item unless `all_or_nothing`, any
//! other error fails the call.

use zeroize::Zeroizing;

use super::format::{self, OsRandom, TokenKind};
use super::text::TextToken;
use super::types::{
    BatchSummary, DeleteItem, DetokenizeItem, DetokenizeOptions, InfoItem, TokenBatch, TokenizeItem, TokenizeOptions,
};
use super::{Ff1, Prepared, Tokens};
use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::crypto::fpe;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::store::{Db, Tx};

impl Tokens {
    pub(crate) fn tokenize_many(
        &self,
        engine: &Engine,
        caller: &Caller,
        values: &[String],
        options: &TokenizeOptions,
        all_or_nothing: bool,
    ) -> Result<TokenBatch<TokenizeItem>> {
        let refuse = |e| engine.refused(caller, Action::TokenCreate, None, e);
        engine.limits.check_batch(values.len()).map_err(refuse)?;
        let plan = self.plan(engine, options).map_err(refuse)?;
        if let Some(ff1) = &plan.ff1 {
            super::check_vaultless(engine, caller, Event::attempt(Action::TokenCreate, None))?;
            let encrypt = |v: &String| {
                format::prepare(&plan.shape, v)
                    .and_then(|(stored, _)| fpe::encrypt(&ff1.key, &ff1.alphabet, &ff1.tweak, &stored))
            };
            let results: Vec<Result<String>> = values.iter().map(encrypt).collect();
            let made = results.iter().filter_map(|r| r.as_ref().ok().map(String::as_str));
            self.settle_ff1(engine, caller, Action::TokenCreate, all_or_nothing, &results, made)?;
            let items = results
                .into_iter()
                .map(|r| match r {
                    Ok(token) => TokenizeItem { status: "created", token: Some(token), error: None },
                    Err(e) => TokenizeItem { status: "failed", token: None, error: Some((&e).into()) },
                })
                .collect();
            return Ok(batch(items, |i| i.error.is_none()));
        }
        let mut failures: Vec<Failure> = Vec::new();
        let items = engine.write(caller, Action::TokenCreate, None, |tx| {
            let link = Self::resolve_link(engine, caller, tx, options.subject.as_deref())?;
            let renormalize = |v: &str| format::prepare(&plan.shape, v).map(|(_, n)| n);
            let mut rng = OsRandom::new();
            let mut items = Vec::with_capacity(values.len());
            let mut events = Vec::new();
            for (i, v) in values.iter().enumerate() {
                let made = format::prepare(&plan.shape, v).and_then(|(stored, normal)| {
                    let value = Prepared { stored: &stored, normal: &normal, renormalize: &renormalize };
                    self.create_in(engine, tx, &plan, &value, link.as_ref(), &mut rng)
                });
                match made {
                    Ok((token, created, hash)) => {
                        events.push(Self::event(Action::TokenCreate, link.as_ref().map(|l| (l.id, l.token)), hash));
                        let status = if created { "created" } else { "existing" };
                        items.push(TokenizeItem { status, token: Some(token), error: None });
                    }
                    Err(e) if item_error(&e) => {
                        let e = failed_item(i, e, all_or_nothing)?;
                        failures.push((None, e.code()));
                        items.push(TokenizeItem { status: "failed", token: None, error: Some((&e).into()) });
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok((items, events))
        })?;
        record_failures(engine, caller, Action::TokenCreate, &failures)?;
        Ok(batch(items, |i| i.error.is_none()))
    }

    pub(crate) fn detokenize_many(
        &self,
        engine: &Engine,
        caller: &Caller,
        tokens: &[String],
        options: &DetokenizeOptions,
        all_or_nothing: bool,
    ) -> Result<TokenBatch<DetokenizeItem>> {
        engine
            .limits
            .check_batch(tokens.len())
            .map_err(|e| engine.refused(caller, Action::TokenDetokenize, None, e))?;
        let ff1 = self.ff1_of(engine, options).map_err(|e| engine.refused(caller, Action::TokenDetokenize, None, e))?;
        if let Some(ff1) = ff1 {
            super::check_vaultless(engine, caller, Event::attempt(Action::TokenDetokenize, None))?;
            return self.detokenize_many_ff1(engine, caller, tokens, &ff1, options, all_or_nothing);
        }
        self.detokenize_many_as(engine, caller, (Action::TokenDetokenize, None), tokens, options, all_or_nothing)
    }

    /// [`detokenize_many`](Self::detokenize_many) of vaulted tokens, audited as `action`; with
    /// `text`, each token is a placeholder's and read back only if it was made for that
    /// placeholder's scope and tag (see `text.rs`).
    pub(super) fn detokenize_many_as(
        &self,
        engine: &Engine,
        caller: &Caller,
        (action, text): (Action, Option<&[TextToken<'_>]>),
        tokens: &[String],
        options: &DetokenizeOptions,
        all_or_nothing: bool,
    ) -> Result<TokenBatch<DetokenizeItem>> {
        let hashes: Vec<Result<[u8; 16]>> = tokens.iter().map(|t| self.hash_of(t)).collect();
        let mut failures: Vec<Failure> = Vec::new();
        // One pass on a reader; if a token must change when used (once, sliding), the whole
        // batch runs again inside a write.
        let run = |db: &Db<'_>, tx: Option<&Tx<'_>>, failures: &mut Vec<Failure>| {
            let mut items = Vec::with_capacity(hashes.len());
            let mut events = Vec::new();
            failures.clear();
            for (i, h) in hashes.iter().enumerate() {
                let got = match h {
                    Ok(hash) => self.detokenize_in(engine, caller, db, tx, *hash, action, text.map(|t| &t[i])),
                    Err(e) => Err(e.clone()),
                };
                match got {
                    Ok(Some(o)) => {
                        let value = Self::masked(&o.value, o.kind, options);
                        events.push(o.event);
                        items.push(DetokenizeItem { value: Some(value), error: None });
                    }
                    Ok(None) => return Ok(None),
                    Err(e) if item_error(&e) => {
                        let e = failed_item(i, e, all_or_nothing)?;
                        failures.push((h.as_ref().ok().copied(), e.code()));
                        items.push(DetokenizeItem { value: None, error: Some((&e).into()) });
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(Some((items, events)))
        };
        let read = engine.read_snapshot(caller, action, None, |db| {
            Ok(match run(db, None, &mut failures)? {
                Some((items, events)) => (Some(items), events),
                None => (None, vec![]),
            })
        })?;
        let items = match read {
            Some(items) => items,
            None => engine.write(caller, action, None, |tx| {
                run(tx, Some(tx), &mut failures)?.ok_or_else(|| Error::internal("detokenize batch"))
            })?,
        };
        record_failures(engine, caller, action, &failures)?;
        Ok(batch(items, |i| i.error.is_none()))
    }

    fn detokenize_many_ff1(
        &self,
        engine: &Engine,
        caller: &Caller,
        tokens: &[String],
        ff1: &Ff1,
        options: &DetokenizeOptions,
        all_or_nothing: bool,
    ) -> Result<TokenBatch<DetokenizeItem>> {
        let results: Vec<Result<Zeroizing<String>>> = tokens
            .iter()
            .map(|t| {
                self.hash_of(t)?;
                fpe::decrypt(&ff1.key, &ff1.alphabet, &ff1.tweak, t).map(Zeroizing::new)
            })
            .collect();
        let read = tokens.iter().zip(&results).filter(|(_, r)| r.is_ok()).map(|(t, _)| t.as_str());
        self.settle_ff1(engine, caller, Action::TokenDetokenize, all_or_nothing, &results, read)?;
        let items = results
            .into_iter()
            .map(|r| match r {
                Ok(v) => DetokenizeItem { value: Some(Self::masked(&v, TokenKind::Fpe, options)), error: None },
                Err(e) => DetokenizeItem { value: None, error: Some((&e).into()) },
            })
            .collect();
        Ok(batch(items, |i| i.error.is_none()))
    }

    /// The FF1 batch forms store nothing, so every item is computed before anything is audited:
    /// with `all_or_nothing` the first failure fails the call; otherwise the successes (their
    /// tokens: `done`) are audited as `action` and the failures as failed attempts.
    fn settle_ff1<'t, T>(
        &self,
        engine: &Engine,
        caller: &Caller,
        action: Action,
        all_or_nothing: bool,
        results: &[Result<T>],
        done: impl Iterator<Item = &'t str>,
    ) -> Result<()> {
        if all_or_nothing {
            if let Some((i, e)) = results.iter().enumerate().find_map(|(i, r)| r.as_ref().err().map(|e| (i, e))) {
                return Err(engine.refused(caller, action, None, e.clone().context(format_args!("item {i}"))));
            }
        }
        self.record_vaultless(engine, caller, action, done)?;
        let failures: Vec<Failure> =
            results.iter().filter_map(|r| r.as_ref().err().map(|e| (None, e.code()))).collect();
        record_failures(engine, caller, action, &failures)
    }

    pub(crate) fn delete_many(
        &self,
        engine: &Engine,
        caller: &Caller,
        tokens: &[String],
        all_or_nothing: bool,
    ) -> Result<TokenBatch<DeleteItem>> {
        engine.limits.check_batch(tokens.len()).map_err(|e| engine.refused(caller, Action::TokenDelete, None, e))?;
        let mut failures: Vec<Failure> = Vec::new();
        let items = engine.write(caller, Action::TokenDelete, None, |tx| {
            let mut items = Vec::with_capacity(tokens.len());
            let mut events = Vec::new();
            for (i, t) in tokens.iter().enumerate() {
                let done = self.hash_of(t).and_then(|h| Self::delete_in(engine, caller, tx, h));
                match done {
                    Ok(event) => {
                        events.push(event);
                        items.push(DeleteItem { deleted: true, error: None });
                    }
                    Err(e) if item_error(&e) => {
                        let e = failed_item(i, e, all_or_nothing)?;
                        failures.push((None, e.code()));
                        items.push(DeleteItem { deleted: false, error: Some((&e).into()) });
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok((items, events))
        })?;
        record_failures(engine, caller, Action::TokenDelete, &failures)?;
        Ok(batch(items, |i| i.deleted))
    }

    /// The metadata of many tokens on one snapshot: per item the info or the error, and a
    /// summary; `all_or_nothing` makes any failure fail the call.
    pub(crate) fn info_many(
        &self,
        engine: &Engine,
        caller: &Caller,
        tokens: &[String],
        all_or_nothing: bool,
    ) -> Result<TokenBatch<InfoItem>> {
        engine.limits.check_batch(tokens.len()).map_err(|e| engine.refused(caller, Action::TokenInfo, None, e))?;
        let mut failures: Vec<Failure> = Vec::new();
        let items = engine.read_snapshot(caller, Action::TokenInfo, None, |db| {
            let mut items = Vec::with_capacity(tokens.len());
            let mut events = Vec::new();
            for (i, t) in tokens.iter().enumerate() {
                let hash = self.hash_of(t);
                match hash.clone().and_then(|h| Self::info_in(engine, caller, db, h)) {
                    Ok((info, event)) => {
                        events.push(event);
                        items.push(InfoItem { info: Some(info), error: None });
                    }
                    Err(e) if item_error(&e) => {
                        let e = failed_item(i, e, all_or_nothing)?;
                        failures.push((hash.ok(), e.code()));
                        items.push(InfoItem { info: None, error: Some((&e).into()) });
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok((items, events))
        })?;
        record_failures(engine, caller, Action::TokenInfo, &failures)?;
        Ok(batch(items, |i| i.error.is_none()))
    }
}

/// Errors that fail one item of a batch (the rest go on); any other error fails the batch.
fn item_error(e: &Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::InvalidInput
            | ErrorKind::TooLarge
            | ErrorKind::NotFound
            | ErrorKind::Expired
            | ErrorKind::Exhausted
            | ErrorKind::ConsentRequired
    )
}

/// An item's own failure: with `all_or_nothing` the call's error (naming the item), otherwise
/// the error to report in the item's place.
fn failed_item(i: usize, e: Error, all_or_nothing: bool) -> Result<Error> {
    if all_or_nothing {
        Err(e.context(format_args!("item {i}")))
    } else {
        Ok(e)
    }
}

/// A failed item, audited after its batch as a failed attempt: the keyed hash of its token (when
/// the item named a token it could find) and the error code.
type Failure = (Option<[u8; 16]>, &'static str);

fn record_failures(engine: &Engine, caller: &Caller, action: Action, failures: &[Failure]) -> Result<()> {
    let now = engine.now_ms();
    engine.record(
        failures
            .iter()
            .map(|(hash, code)| {
                let attempt = Event::attempt(action, None);
                match hash {
                    Some(h) => attempt.with_reference(*h),
                    None => attempt,
                }
                .into_pending(caller, now, code)
            })
            .collect(),
    )
}

fn batch<T>(items: Vec<T>, ok: impl Fn(&T) -> bool) -> TokenBatch<T> {
    let total = items.len() as u64;
    let good = items.iter().filter(|i| ok(i)).count() as u64;
    TokenBatch { items, summary: BatchSummary { total, ok: good, failed: total - good } }
}
