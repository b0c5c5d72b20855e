//! Read and failure events waiting for a group commit (writes never wait: their events commit
//! with them).

use std::sync::{Mutex, MutexGuard};

use super::chain::Pending;

/// The events recorded but not yet committed.
pub(crate) struct Buffer {
    pending: Mutex<Vec<Pending>>,
    /// Commit each read's event before the read returns.
    pub(crate) synchronous: bool,
    /// Commit in the calling thread once this many events wait.
    pub(crate) max_pending: usize,
}

impl Buffer {
    pub(crate) fn new(synchronous: bool, max_pending: usize) -> Buffer {
        Buffer { pending: Mutex::new(Vec::new()), synchronous, max_pending: max_pending.max(1) }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Pending>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Add events; returns whether they should be committed now.
    pub(crate) fn push(&self, events: impl IntoIterator<Item = Pending>) -> bool {
        let mut pending = self.lock();
        pending.extend(events);
        self.synchronous || pending.len() >= self.max_pending
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
