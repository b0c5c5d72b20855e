//! The registry's contract: every feature area that holds a subject's data implements
//! [`SubjectData`] and is listed in `erasure.rs`'s registry. Erasure (and export, retention to
//! come) iterate the registry inside one unit of work, so adding an area never edits them.

use crate::engine::Engine;
use crate::error::Result;
use crate::ids::TokenBytes;
use crate::store::{Db, Tx};

/// The subject an area's part of a lifecycle step is about.
pub(crate) struct SubjectRef {
    /// Its row id (never reused).
    pub(crate) id: i64,
    pub(crate) token: TokenBytes,
    /// When the step happens (milliseconds since the epoch).
    pub(crate) now_ms: i64,
}

/// What an area's part of an erasure did.
pub(crate) struct Erased {
    /// How many of its rows (or shredded records) the subject had.
    pub(crate) removed: u64,
    /// An event the area wrote for systems downstream of the erasure (its sequence number), which
    /// the erasure's audit event records so `verify_audit` can check it is kept: at most one
    /// area sets it (consent's `erased` outbox event).
    pub(crate) downstream_event: Option<i64>,
}

impl Erased {
    /// `removed` rows, no downstream event.
    pub(crate) fn rows(removed: u64) -> Erased {
        Erased { removed, downstream_event: None }
    }
}

/// An area's part of a subject's life.
pub(crate) trait SubjectData: Sync {
    /// The area's name in receipts (`tokens`, `consent`, …).
    fn area(&self) -> &'static str;

    /// Remove everything the area holds of the subject, inside the erasure's transaction, before
    /// the subject's own row goes (its data key with it: what is sealed under it is shredded).
    fn erase(&self, engine: &Engine, tx: &Tx<'_>, subject: &SubjectRef) -> Result<Erased>;

    /// How many of the area's rows hold the subject's data.
    fn count(&self, engine: &Engine, db: &Db<'_>, subject: &SubjectRef) -> Result<u64>;
}
