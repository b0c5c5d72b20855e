//! Read and failure events waiting for a group commit (writes never wait: their events commit
//! with them).

use std::sync::{Mutex, MutexGuard};

use super::chain::Pending;

/// What a caller that recorded events does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flush {
    /// Nothing: the background flusher commits them.
    Later,
    /// `max_pending` events wait: commit them now, unless a flush (or another write, which
    /// takes the buffer with it) holds the writer — then this read goes on.
    UnlessBusy,
    /// Commit them now, waiting for the writer: the vault audits reads synchronously, or twice
    /// `max_pending` events wait (the flushes under way do not keep up).
    Now,
}

/// The events recorded but not yet committed.
pub(crate) struct Buffer {
    pending: Mutex<Vec<Pending>>,
    /// Commit each read's event before the read returns.
    pub(crate) synchronous: bool,
    /// Commit in the calling thread once this many events wait (see [`Flush`]).
    pub(crate) max_pending: usize,
}

impl Buffer {
    pub(crate) fn new(synchronous: bool, max_pending: usize) -> Buffer {
        Buffer { pending: Mutex::new(Vec::new()), synchronous, max_pending: max_pending.max(1) }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Pending>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Add events; returns what the caller should do about committing them.
    pub(crate) fn push(&self, events: impl IntoIterator<Item = Pending>) -> Flush {
        let mut pending = self.lock();
        pending.extend(events);
        if self.synchronous || pending.len() >= self.max_pending.saturating_mul(2) {
            Flush::Now
        } else if pending.len() >= self.max_pending {
            Flush::UnlessBusy
        } else {
            Flush::Later
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    pub(crate) fn take(&self) -> Vec<Pending> {
        std::mem::take(&mut *self.lock())
    }

    /// Put events back in front after a failed commit, keeping their order.
    pub(crate) fn restore(&self, mut events: Vec<Pending>) {
        if events.is_empty() {
            return;
        }
        let mut pending = self.lock();
        events.append(&mut pending);
        *pending = events;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::action::Action;
    use crate::audit::chain::{Event, OK};
    use crate::caller::Caller;

    fn events(n: usize) -> Vec<Pending> {
        let caller = Caller::new("app:test").expect("caller");
        (0..n).map(|_| Event::attempt(Action::SubjectGet, None).into_pending(&caller, 1, OK)).collect()
    }

    #[test]
    fn a_full_buffer_asks_for_a_flush_unless_busy_and_twice_full_insists() {
        let buffer = Buffer::new(false, 3);
        assert_eq!(buffer.push(events(2)), Flush::Later);
        assert_eq!(buffer.push(events(1)), Flush::UnlessBusy, "max_pending reached");
        assert_eq!(buffer.push(events(2)), Flush::UnlessBusy);
        assert_eq!(buffer.push(events(1)), Flush::Now, "twice max_pending");
        assert_eq!(buffer.take().len(), 6);
        assert_eq!(buffer.push(events(1)), Flush::Later);
        let synchronous = Buffer::new(true, 3);
        assert_eq!(synchronous.push(events(1)), Flush::Now);
    }
}
