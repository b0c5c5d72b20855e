//! Read and failure events waiting for a group commit (writes never wait: their events commit
//! with them).

use std::sync::{Mutex, MutexGuard};

use super::Pending;

/// What a caller that recorded events does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flush {
    /// Nothing: the background flusher commits them.
    Later,
    /// `max_pending` events wait: commit them now, unless a flush (or another write, which
    /// takes the buffer with it) holds the writer — then this read goes on.
    UnlessBusy,
    /// Commit them now, waiting for the writer: the vault audits reads synchronously, or twice
    /// `max_pending` events are waiting or inside a commit not yet finished (the flushes under
    /// way do not keep up; none of these events is durable yet).
    Now,
}

/// The events recorded but not yet committed.
pub(crate) struct Buffer {
    inner: Mutex<Inner>,
    /// Commit each read's event before the read returns.
    pub(crate) synchronous: bool,
    /// Commit in the calling thread once this many events wait (see [`Flush`]).
    pub(crate) max_pending: usize,
}

struct Inner {
    pending: Vec<Pending>,
    /// Events taken by writes that have not returned yet (not durable either).
    in_flight: usize,
}

impl Buffer {
    pub(crate) fn new(synchronous: bool, max_pending: usize) -> Buffer {
        Buffer {
            inner: Mutex::new(Inner { pending: Vec::new(), in_flight: 0 }),
            synchronous,
            max_pending: max_pending.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Add events; returns what the caller should do about committing them. The hard limit
    /// counts the events a commit under way holds too: none of them is durable yet.
    pub(crate) fn push(&self, events: impl IntoIterator<Item = Pending>) -> Flush {
        let mut inner = self.lock();
        inner.pending.extend(events);
        let waiting = inner.pending.len();
        if self.synchronous || waiting + inner.in_flight >= self.max_pending.saturating_mul(2) {
            Flush::Now
        } else if waiting >= self.max_pending {
            Flush::UnlessBusy
        } else {
            Flush::Later
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.lock().pending.is_empty()
    }

    /// Take every waiting event for a commit; hand them back with [`settle`](Self::settle).
    pub(crate) fn take(&self) -> Vec<Pending> {
        let mut inner = self.lock();
        let taken = std::mem::take(&mut inner.pending);
        inner.in_flight += taken.len();
        taken
    }

    /// The commit of events from [`take`](Self::take) is over: committed, or not (then they go
    /// back in front, keeping their order).
    pub(crate) fn settle(&self, mut taken: Vec<Pending>, committed: bool) {
        let mut inner = self.lock();
        inner.in_flight = inner.in_flight.saturating_sub(taken.len());
        if !committed && !taken.is_empty() {
            taken.append(&mut inner.pending);
            inner.pending = taken;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::caller::Caller;
    use crate::chain::{Event, OK};

    fn events(n: usize) -> Vec<Pending> {
        static NEXT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
        let caller = Caller::new("app:test").expect("caller");
        (0..n)
            .map(|_| {
                let time = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Event::attempt(Action::SubjectGet, None).into_pending(&caller, time, OK)
            })
            .collect()
    }

    #[test]
    fn a_full_buffer_asks_for_a_flush_unless_busy_and_twice_full_insists() {
        let buffer = Buffer::new(false, 3);
        assert_eq!(buffer.push(events(2)), Flush::Later);
        assert_eq!(buffer.push(events(1)), Flush::UnlessBusy, "max_pending reached");
        assert_eq!(buffer.push(events(2)), Flush::UnlessBusy);
        assert_eq!(buffer.push(events(1)), Flush::Now, "twice max_pending");
        let taken = buffer.take();
        assert_eq!(taken.len(), 6);
        buffer.settle(taken, true);
        assert_eq!(buffer.push(events(1)), Flush::Later);
        let synchronous = Buffer::new(true, 3);
        assert_eq!(synchronous.push(events(1)), Flush::Now);
    }

    #[test]
    fn events_of_a_commit_under_way_count_toward_the_hard_limit() {
        let buffer = Buffer::new(false, 3);
        assert_eq!(buffer.push(events(3)), Flush::UnlessBusy);
        let taken = buffer.take();
        assert_eq!(buffer.push(events(2)), Flush::Later);
        assert_eq!(buffer.push(events(1)), Flush::Now, "3 waiting + 3 in flight, none durable");
        // A failed commit puts them back in front, in order; a committed one leaves nothing in
        // flight.
        let first: Vec<i64> = taken.iter().map(|p| p.time_ms()).collect();
        buffer.settle(taken, false);
        let again = buffer.take();
        let all: Vec<i64> = again.iter().map(|p| p.time_ms()).collect();
        assert_eq!(all.len(), 6);
        assert_eq!(&all[..3], &first[..]);
        assert!(all.windows(2).all(|w| w[0] < w[1]), "recorded order kept");
        buffer.settle(again, true);
        assert_eq!(buffer.push(events(2)), Flush::Later);
    }
}
