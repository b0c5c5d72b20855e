//! What an open vault holds (store, key ring, limits, clock, audit buffer) and the unit of work
//! every feature area goes through: a write is one transaction that commits together with its
//! audit events; a read records its events for the group commit; a failure of either is audited
//! with its error code. Also the background thread that group-commits read events.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::buffer::{Buffer, Flush};
use crate::chain::{self, Event, Pending, OK};
use crate::clock::Clock;
use crate::document::Limits;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::TokenBytes;
use crate::keyring::Keyring;
use crate::options::Options;
use crate::policy::{Gate, Operation, Refusal, Target, Verdict};
use crate::store::{Backend, Db, Tx};

/// An open vault's engine. Dropped (keys wiped, connections closed) when the vault is closed and
/// no call is still running.
pub(crate) struct Engine {
    /// The database engine behind the store traits.
    store: Box<dyn Backend>,
    keys: Keyring,
    pub(crate) limits: Limits,
    pub(crate) clock: Clock,
    /// The purpose check (the consent area's rules, installed by the vault).
    policy: Box<dyn Gate>,
    audit: Buffer,
    /// `Options::erasure_wal_window_ms`.
    erasure_window_ms: u64,
    /// `Options::audit_index_batch`.
    audit_index_batch: u64,
    /// `Options::audit_details_retention_days`.
    pub(crate) audit_details_retention_days: Option<u32>,
    /// When the WAL truncation that erasures left pending is due (ms since the epoch).
    truncation_due: Mutex<Option<i64>>,
}

impl Drop for Engine {
    fn drop(&mut self) {
        // Best effort: a read event still buffered is written before the connections close.
        let _ = self.flush_audit();
        self.store.release_connections();
    }
}

impl Engine {
    /// An engine over an opened store and key ring, with the options' audit buffering (reads'
    /// events committed before each read returns when `audit_flush_interval_ms` is 0), erasure
    /// window and limits, and `gate` as the purpose check.
    pub(crate) fn new(
        store: Box<dyn Backend>,
        keys: Keyring,
        clock: Clock,
        options: &Options,
        gate: Box<dyn Gate>,
    ) -> Engine {
        Engine {
            store,
            keys,
            limits: options.limits.clone(),
            clock,
            policy: gate,
            audit: Buffer::new(options.audit_flush_interval_ms == 0, options.audit_max_pending),
            erasure_window_ms: options.erasure_wal_window_ms,
            audit_index_batch: options.audit_index_batch,
            audit_details_retention_days: options.audit_details_retention_days,
            truncation_due: Mutex::new(None),
        }
    }

    /// Fail unless `caller`'s purpose allows `op` on `target` (see [`Gate::check`]). Free
    /// when the caller names no purpose and the vault does not require one. `after_read`: `db`
    /// is a reader whose last statement read (or looked for) the target's row, so the check may
    /// answer from memory.
    pub(crate) fn check(
        &self,
        db: &Db<'_>,
        caller: &Caller,
        (op, target): (Operation, Target<'_>),
        after_read: bool,
    ) -> Result<()> {
        if !self.gated(caller, op) {
            return Ok(());
        }
        self.policy.check(db, &self.keys, caller, (op, target), after_read, self.now_ms())
    }

    /// The purpose check of `op` on what a lookup found (`subject` names the found subject's
    /// row id and token, or `None` for a record that belongs to nobody: then only the activity's
    /// coverage is checked), answered as if it ran before the lookup: a purpose refused whoever
    /// the subject is gets `CONSENT_REQUIRED` whatever the lookup found, and one that needs the
    /// subject's consent gets it too for a subject that is unknown, erased or expired — so a
    /// refused purpose never learns which of these it is. Other lookup errors (a malformed
    /// lookup, a broken row) are returned as they are.
    pub(crate) fn check_found<T>(
        &self,
        db: &Db<'_>,
        caller: &Caller,
        op: Operation,
        found: Result<T>,
        subject: impl FnOnce(&T) -> Option<(i64, TokenBytes)>,
    ) -> Result<T> {
        if !self.gated(caller, op) {
            return found;
        }
        match found {
            Ok(t) => {
                match subject(&t) {
                    Some((id, token)) => self.check(db, caller, (op, Target::Subject(id, &token)), true)?,
                    None => self.check(db, caller, (op, Target::Nobody), true)?,
                }
                Ok(t)
            }
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Erased | ErrorKind::Expired) => {
                self.check(db, caller, (op, Target::Missing), true)?;
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// Why `caller` may not do `op` on `target` (`None`: it may), without failing: what a call
    /// that leaves out what it may not show asks.
    pub(crate) fn refusal(
        &self,
        db: &Db<'_>,
        caller: &Caller,
        (op, target): (Operation, Target<'_>),
    ) -> Result<Option<Refusal>> {
        if !self.gated(caller, op) {
            return Ok(None);
        }
        self.policy.refusal(db, &self.keys, caller, (op, target), false, self.now_ms())
    }

    /// Whether a check of `op` by `caller` can refuse: the caller names a purpose, the vault
    /// requires one, or `op` reads data (which a restriction of processing refuses to everyone).
    fn gated(&self, caller: &Caller, op: Operation) -> bool {
        op.restrictable() || self.policy.applies_to(caller)
    }

    /// Fail with `CONSENT_REQUIRED` when the processing of the subject with this row id is
    /// restricted (GDPR Art. 18): what discloses its data outside the purpose check (a share
    /// made, a share resolved) asks this.
    pub(crate) fn check_unrestricted(&self, db: &Db<'_>, subject_id: i64) -> Result<()> {
        match self.policy.restricted(db, &self.keys, subject_id, false)? {
            Some(_) => Err(Error::new(ErrorKind::ConsentRequired, crate::policy::RESTRICTED)),
            None => Ok(()),
        }
    }

    /// Whether a purpose check of `caller` can refuse anything (it names a purpose, or the vault
    /// requires one).
    pub(crate) fn applies_to(&self, caller: &Caller) -> bool {
        self.policy.applies_to(caller)
    }

    /// Fail with `INVALID_INPUT` when the caller's purpose names no processing activity: the
    /// check of the operations that check nothing else.
    pub(crate) fn validate_purpose(&self, db: &Db<'_>, caller: &Caller) -> Result<()> {
        self.policy.validate(db, &self.keys, caller)
    }

    /// After an erasure committed with a window: leave the truncation to the background thread
    /// (returns `false` and when it is due, the earliest of the pending ones).
    fn schedule_truncation(&self) -> Result<(bool, Option<i64>)> {
        let wanted = self.now_ms().saturating_add(self.erasure_window_ms as i64);
        let mut due = self.truncation_due.lock().unwrap_or_else(|p| p.into_inner());
        let at = due.map_or(wanted, |earlier| earlier.min(wanted));
        *due = Some(at);
        Ok((false, Some(at)))
    }

    /// Do the pending WAL truncation when it is due (or at once with `now`). One that another
    /// connection's open read kept from finishing stays pending and is retried.
    pub(crate) fn truncate_wal_if_due(&self, now: bool) -> Result<()> {
        let mut due = self.truncation_due.lock().unwrap_or_else(|p| p.into_inner());
        let Some(at) = *due else { return Ok(()) };
        if (now || self.now_ms() >= at) && self.store.scrub_residue()? {
            *due = None;
        }
        Ok(())
    }

    /// The vault's keys (what areas seal, MAC and derive with).
    pub(crate) fn keys(&self) -> &Keyring {
        &self.keys
    }

    /// A read of what holds no personal data, or of what is reported without it (the catalogue,
    /// the chain head): not audited, no purpose check.
    pub(crate) fn unaudited<T>(&self, f: impl FnOnce(&Db<'_>) -> Result<T>) -> Result<T> {
        self.read_on(false, f)
    }

    /// [`unaudited`](Self::unaudited) inside one read transaction (a verification that must see
    /// one state).
    pub(crate) fn unaudited_snapshot<T>(&self, f: impl FnOnce(&Db<'_>) -> Result<T>) -> Result<T> {
        self.read_on(true, f)
    }

    /// Whether `purpose` allows `op` on `target`, and why (what `can_process` answers), as the
    /// check would decide it on a reader that just read the subject's row.
    pub(crate) fn verdict(&self, db: &Db<'_>, purpose: &str, (op, target): (Operation, Target<'_>)) -> Result<Verdict> {
        self.policy.verdict(db, &self.keys, purpose, (op, target), true, self.now_ms())
    }

    /// The purpose check installed when the vault opened (what the area that installed it
    /// reaches its own state through).
    pub(crate) fn gate(&self) -> &dyn Gate {
        self.policy.as_ref()
    }

    /// Remove what the backend keeps of deleted data beside the live rows (SQLite: checkpoint
    /// and truncate the WAL). Whether it finished (another process's open read may keep it from
    /// finishing; the next attempt does it).
    pub(crate) fn scrub_residue(&self) -> Result<bool> {
        self.store.scrub_residue()
    }

    /// The backend's terms for a scrub's outcome (see [`Backend::storage_report`]).
    pub(crate) fn storage_report(&self, scrubbed: bool, due_ms: Option<i64>) -> crate::store::StorageReport {
        self.store.storage_report(scrubbed, due_ms)
    }

    /// Rewrite the vault's storage from its live rows (SQLite: `VACUUM`, then a WAL truncation).
    pub(crate) fn compact_storage(&self) -> Result<crate::store::Compacted> {
        self.store.compact()
    }

    /// Close the storage's pooled connections (at close; buffered events are flushed first).
    pub(crate) fn release_readers(&self) {
        self.store.release_connections();
    }

    /// `f` on a read handle of the backend (inside one read transaction with `snapshot`).
    fn read_on<T>(&self, snapshot: bool, f: impl FnOnce(&Db<'_>) -> Result<T>) -> Result<T> {
        let (mut f, mut out) = (Some(f), None);
        let mut run = |db: &Db<'_>| {
            out = Some(once(&mut f)?(db)?);
            Ok(())
        };
        if snapshot { self.store.read_snapshot(&mut run) } else { self.store.read(&mut run) }?;
        out.ok_or_else(|| Error::internal("the backend finished a read without running it"))
    }

    /// `f` in one write transaction of the backend (then a scrub of the residue, with `scrub`:
    /// whether it finished is the second value).
    fn write_on<T>(&self, scrub: bool, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<(T, bool)> {
        let (mut f, mut out) = (Some(f), None);
        let mut run = |tx: &Tx<'_>| {
            out = Some(once(&mut f)?(tx)?);
            Ok(())
        };
        let scrubbed =
            if scrub { self.store.write_and_scrub(&mut run)? } else { self.store.write(&mut run).map(|()| false)? };
        let out = out.ok_or_else(|| Error::internal("the backend committed a write without running it"))?;
        Ok((out, scrubbed))
    }

    /// Milliseconds since the Unix epoch, from the vault's clock.
    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// A write: `f` runs in one `BEGIN IMMEDIATE` transaction and returns its result with the
    /// audit events of its effect. Inside the same transaction (so under the write lock), the
    /// buffered read events are chained first and then these: a read that returned before this
    /// write began is always chained before it, on any thread. A failure is audited
    /// (group-committed) with its error code.
    pub(crate) fn write<T>(
        &self,
        caller: &Caller,
        action: Action,
        hint: Option<TokenBytes>,
        f: impl FnOnce(&Tx<'_>) -> Result<(T, Vec<Event>)>,
    ) -> Result<T> {
        self.write_with(caller, Event::attempt(action, hint), false, f).map(|(out, _)| out)
    }

    /// A [`write`](Self::write) whose failure is audited as the event `attempt` (which may
    /// carry a token reference or a subject row id).
    pub(crate) fn write_as<T>(
        &self,
        caller: &Caller,
        attempt: Event,
        f: impl FnOnce(&Tx<'_>) -> Result<(T, Vec<Event>)>,
    ) -> Result<T> {
        self.write_with(caller, attempt, false, f).map(|(out, _)| out)
    }

    /// Audit a call refused before its write began (as a failed write is audited) and give back
    /// its error (or the error of recording it).
    pub(crate) fn refused(&self, caller: &Caller, action: Action, hint: Option<TokenBytes>, err: Error) -> Error {
        self.refused_as(caller, Event::attempt(action, hint), err)
    }

    /// [`refused`](Self::refused), audited as the event `attempt`.
    pub(crate) fn refused_as(&self, caller: &Caller, attempt: Event, err: Error) -> Error {
        match self.record(vec![attempt.into_pending(caller, self.now_ms(), err.code())]) {
            Ok(()) => err,
            Err(recording) => recording,
        }
    }

    /// A write that erases (as [`write`](Self::write)), followed by what clears the WAL of the
    /// erased pages. Without an erasure window: a checkpoint and truncation under the same writer
    /// lock, the commit's fsync left to the checkpoint (see `Store::write_then_truncate`). With
    /// one: the truncation is scheduled. Returns the result, whether the WAL was truncated, and
    /// when a scheduled truncation is due.
    pub(crate) fn erase<T>(
        &self,
        caller: &Caller,
        action: Action,
        hint: Option<TokenBytes>,
        f: impl FnOnce(&Tx<'_>) -> Result<(T, Vec<Event>)>,
    ) -> Result<(T, bool, Option<i64>)> {
        if self.erasure_window_ms == 0 || !self.store.leaves_residue() {
            let (out, truncated) = self.write_with(caller, Event::attempt(action, hint), true, f)?;
            return Ok((out, truncated, None));
        }
        let out = self.write(caller, action, hint, f)?;
        let (truncated, due) = self.schedule_truncation()?;
        Ok((out, truncated, due))
    }

    fn write_with<T>(
        &self,
        caller: &Caller,
        attempt: Event,
        truncate: bool,
        f: impl FnOnce(&Tx<'_>) -> Result<(T, Vec<Event>)>,
    ) -> Result<(T, bool)> {
        let mut taken: Vec<Pending> = Vec::new();
        let work = |tx: &Tx<'_>| {
            taken = self.audit.take();
            let (out, events) = f(tx)?;
            let time_ms = self.now_ms();
            let done: Vec<Pending> = events.into_iter().map(|e| e.into_pending(caller, time_ms, OK)).collect();
            chain::append(tx, &self.keys, taken.iter().chain(done.iter()), self.audit_index_batch)?;
            Ok(out)
        };
        let result =
            if truncate { self.write_on(true, work) } else { self.write_on(false, work).map(|(o, _)| (o, false)) };
        self.audit.settle(taken, result.is_ok());
        match result {
            Ok(done) => Ok(done),
            Err(err) => {
                self.record(vec![attempt.into_pending(caller, self.now_ms(), err.code())])?;
                Err(err)
            }
        }
    }

    /// A purge of what expired, in batches: `batch(tx, now, after)` removes at most `size` rows
    /// past the cursor `after` (none: from the start) and returns how many with the next cursor.
    /// One transaction per batch (the write lock is never held longer than one batch), each
    /// checking the caller's purpose; a batch that removed fewer than `size` ends it; then one
    /// `action` event. Returns how many rows went and in how many batches.
    pub(crate) fn purge_in_batches<C>(
        &self,
        caller: &Caller,
        action: Action,
        size: u64,
        mut batch: impl FnMut(&Tx<'_>, i64, Option<&C>) -> Result<(u64, Option<C>)>,
    ) -> Result<(u64, u64)> {
        let (mut removed, mut batches, mut after): (u64, u64, Option<C>) = (0, 0, None);
        loop {
            let now = self.now_ms();
            let (n, last) = self.write(caller, action, None, |tx| {
                self.validate_purpose(tx, caller)?;
                Ok((batch(tx, now, after.as_ref())?, vec![]))
            })?;
            removed += n;
            batches += 1;
            if n < size {
                break;
            }
            after = last;
        }
        self.write(caller, action, None, |_| Ok(((), vec![Event::attempt(action, None)])))?;
        Ok((removed, batches))
    }

    /// A read: `f` runs on a reader connection and returns its result with the events to record
    /// (one per subject read); a failure records one event with its error code.
    pub(crate) fn read<T>(
        &self,
        caller: &Caller,
        action: Action,
        hint: Option<TokenBytes>,
        f: impl FnOnce(&Db<'_>) -> Result<(T, Vec<Event>)>,
    ) -> Result<T> {
        self.read_with(caller, Event::attempt(action, hint), false, f)
    }

    /// A [`read`](Self::read) whose failure is audited as the event `attempt`.
    pub(crate) fn read_as<T>(
        &self,
        caller: &Caller,
        attempt: Event,
        f: impl FnOnce(&Db<'_>) -> Result<(T, Vec<Event>)>,
    ) -> Result<T> {
        self.read_with(caller, attempt, false, f)
    }

    /// A read whose statements must all see one state (listings, batches): as [`read`](Self::read),
    /// inside one read transaction.
    pub(crate) fn read_snapshot<T>(
        &self,
        caller: &Caller,
        action: Action,
        hint: Option<TokenBytes>,
        f: impl FnOnce(&Db<'_>) -> Result<(T, Vec<Event>)>,
    ) -> Result<T> {
        self.read_with(caller, Event::attempt(action, hint), true, f)
    }

    fn read_with<T>(
        &self,
        caller: &Caller,
        attempt: Event,
        snapshot: bool,
        f: impl FnOnce(&Db<'_>) -> Result<(T, Vec<Event>)>,
    ) -> Result<T> {
        let result = self.read_on(snapshot, f);
        match result {
            Ok((out, events)) => {
                let time_ms = self.now_ms();
                self.record(events.into_iter().map(|e| e.into_pending(caller, time_ms, OK)).collect())?;
                Ok(out)
            }
            Err(err) => {
                self.record(vec![attempt.into_pending(caller, self.now_ms(), err.code())])?;
                Err(err)
            }
        }
    }

    /// Record read or failure events: buffered, or committed now when the vault audits reads
    /// synchronously or the buffer is full.
    pub(crate) fn record(&self, events: Vec<Pending>) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        match self.audit.push(events) {
            Flush::Later => Ok(()),
            Flush::UnlessBusy => self.flush_audit_with(false),
            Flush::Now => self.flush_audit(),
        }
    }

    /// Commit every buffered event. The buffer is emptied under the write lock, so events are
    /// chained in the order their operations returned.
    pub(crate) fn flush_audit(&self) -> Result<()> {
        self.flush_audit_with(true)
    }

    /// [`flush_audit`](Self::flush_audit); without `wait`, nothing when another thread holds
    /// the writer (its flush or write takes the buffered events with it, or the next one will).
    fn flush_audit_with(&self, wait: bool) -> Result<()> {
        if self.audit.is_empty() {
            return Ok(());
        }
        let mut taken: Vec<Pending> = Vec::new();
        let work = |tx: &Tx<'_>| {
            taken = self.audit.take();
            chain::append(tx, &self.keys, taken.iter(), self.audit_index_batch)
        };
        let result = if wait {
            self.write_on(false, work).map(|((), _)| ())
        } else {
            let mut work = Some(work);
            self.store.write_unless_busy(&mut |tx| once(&mut work)?(tx)).map(|_| ())
        };
        self.audit.settle(taken, result.is_ok());
        result
    }
}

/// The background thread that commits buffered events every `interval`. It ends when the sender
/// is dropped (close) or the engine is gone.
pub(crate) struct Flusher {
    stop: mpsc::Sender<()>,
    handle: JoinHandle<()>,
}

impl Flusher {
    pub(crate) fn spawn(engine: Weak<Engine>, interval: Duration) -> Result<Flusher> {
        let (stop, stopped) = mpsc::channel::<()>();
        let handle = std::thread::Builder::new()
            .name("bunkerlite-audit".into())
            .spawn(move || loop {
                match stopped.recv_timeout(interval) {
                    Err(RecvTimeoutError::Timeout) => match engine.upgrade() {
                        // A failed flush keeps its events buffered, and a truncation that did
                        // not finish stays pending: the next tick retries them.
                        Some(engine) => {
                            drop(engine.flush_audit());
                            drop(engine.truncate_wal_if_due(false));
                        }
                        None => return,
                    },
                    _ => return,
                }
            })
            .map_err(|_| Error::internal("cannot start the audit flusher thread"))?;
        Ok(Flusher { stop, handle })
    }

    /// Stop the thread and wait for it.
    pub(crate) fn stop(self) {
        drop(self.stop);
        let _ = self.handle.join();
    }
}

/// The options of a call (`what`: their name in an error) from the JSON the bindings pass (`None`
/// or `null`: the defaults); options refused are audited as a refused `action`.
pub(crate) fn parse_options<T: serde::de::DeserializeOwned + Default>(
    engine: &Engine,
    caller: &Caller,
    action: Action,
    what: &str,
    options: Option<serde_json::Value>,
) -> Result<T> {
    match options {
        None | Some(serde_json::Value::Null) => Ok(T::default()),
        Some(v) => crate::document::from_options(what, v).map_err(|e| engine.refused(caller, action, None, e)),
    }
}

/// The work handed to a backend, taken once. The engine's work is not repeatable (it takes the
/// buffered audit events), so a backend that runs it a second time (a retry after a conflict)
/// gets an error, never a second effect.
fn once<F>(f: &mut Option<F>) -> Result<F> {
    f.take().ok_or_else(|| Error::internal("the backend ran a unit of work twice"))
}
