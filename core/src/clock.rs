//! Time: the clock a vault reads every timestamp from — the system clock, or a manual clock that
//! tests set and advance (expiry, retention) without sleeping.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

/// Where a vault reads the time. Cheap to clone; clones of a manual clock share one time.
#[derive(Clone, Default)]
pub struct Clock {
    manual: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The operating system's clock (the default).
    pub fn system() -> Clock {
        Clock { manual: None }
    }

    /// A clock that stands still at `start_ms` (milliseconds since the Unix epoch) until it is
    /// set or advanced. For tests.
    pub fn manual(start_ms: i64) -> Clock {
        Clock { manual: Some(Arc::new(AtomicI64::new(start_ms))) }
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        match &self.manual {
            Some(t) => t.load(Ordering::SeqCst),
            None => SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0),
        }
    }

    /// Move a manual clock to `ms`; the system clock ignores it and returns `false`.
    pub fn set_ms(&self, ms: i64) -> bool {
        self.manual.as_ref().map(|t| t.store(ms, Ordering::SeqCst)).is_some()
    }

    /// Move a manual clock forward by `ms`; the system clock ignores it and returns `false`.
    pub fn advance_ms(&self, ms: i64) -> bool {
        self.manual.as_ref().map(|t| t.fetch_add(ms, Ordering::SeqCst)).is_some()
    }

    /// Whether this is a manual clock.
    pub fn is_manual(&self) -> bool {
        self.manual.is_some()
    }
}

impl PartialEq for Clock {
    fn eq(&self, other: &Clock) -> bool {
        match (&self.manual, &other.manual) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Clock {}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.manual {
            None => f.write_str("Clock::System"),
            Some(t) => write!(f, "Clock::Manual({})", t.load(Ordering::SeqCst)),
        }
    }
}

/// The expiry a call asks for: `ttl_ms` from `now`, or the time `expires_at_ms` (not both;
/// `default_ms` from now when neither), which must lie 1 ms to `max_ms` ahead (`what` names the
/// record in the error).
pub(crate) fn expiry(
    (ttl_ms, expires_at_ms): (Option<i64>, Option<i64>),
    now: i64,
    (default_ms, max_ms): (i64, i64),
    what: &str,
) -> Result<i64> {
    let ttl = match (ttl_ms, expires_at_ms) {
        (Some(_), Some(_)) => return Err(Error::invalid("give ttl_ms or expires_at_ms, not both")),
        (Some(ttl), None) => ttl,
        (None, Some(at)) => at.saturating_sub(now),
        (None, None) => default_ms,
    };
    if !(1..=max_ms).contains(&ttl) {
        return Err(Error::invalid(format!("{what}'s expiry must be ahead, at most {max_ms} ms")));
    }
    Ok(now + ttl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clocks_move_only_when_told() {
        let c = Clock::manual(1_000);
        let shared = c.clone();
        assert_eq!(c.now_ms(), 1_000);
        assert!(shared.advance_ms(500));
        assert_eq!(c.now_ms(), 1_500);
        assert!(c.set_ms(7));
        assert_eq!(shared.now_ms(), 7);
        let s = Clock::system();
        assert!(!s.set_ms(7) && !s.advance_ms(1));
        assert!(s.now_ms() > 1_600_000_000_000);
        assert_ne!(c, Clock::manual(7));
        assert_eq!(c, shared);
    }
}
