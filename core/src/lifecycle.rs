//! The registry's contract: every feature area that holds a subject's data implements
//! [`SubjectData`] and is listed in `erasure.rs`'s registry. Erasure (and export, retention to
//! come) iterate the registry inside one unit of work, so adding an area never edits them.

use std::io::Write;

use serde::Serialize;

use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
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

/// One section of a subject's export as an area writes it, straight to the export's writer
/// (nothing is buffered): a list of items ([`item`](Self::item)) or one value
/// ([`value`](Self::value)).
pub(crate) struct Section<'w> {
    out: &'w mut dyn Write,
    items: u64,
    written: bool,
}

/// A write to an export's destination failed (the destination's own error is not repeated: it
/// may name a path).
pub(crate) fn write_failed() -> Error {
    Error::new(ErrorKind::Storage, "the export could not be written to its destination")
}

impl<'w> Section<'w> {
    pub(crate) fn new(out: &'w mut dyn Write) -> Section<'w> {
        Section { out, items: 0, written: false }
    }

    /// Append one item to the section's list.
    pub(crate) fn item<T: Serialize + ?Sized>(&mut self, item: &T) -> Result<()> {
        if self.written && self.items == 0 {
            return Err(Error::internal("an export section is a list or one value, not both"));
        }
        write_bytes(self.out, if self.items == 0 { b"[" } else { b"," })?;
        write_json(self.out, item)?;
        self.items += 1;
        self.written = true;
        Ok(())
    }

    /// Write the section as one value (once).
    pub(crate) fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        if self.written {
            return Err(Error::internal("an export section holds one value"));
        }
        write_json(self.out, value)?;
        self.written = true;
        Ok(())
    }

    /// Close the section (an empty list when nothing was written); how many items it holds.
    pub(crate) fn finish(self) -> Result<u64> {
        let end: &[u8] = match (self.written, self.items) {
            (false, _) => b"[]",
            (true, 0) => b"",
            (true, _) => b"]",
        };
        write_bytes(self.out, end)?;
        Ok(self.items.max(u64::from(self.written)))
    }
}

/// Write bytes of an export (a failure is [`write_failed`]).
pub(crate) fn write_bytes(out: &mut dyn Write, bytes: &[u8]) -> Result<()> {
    out.write_all(bytes).map_err(|_| write_failed())
}

/// Write a value of an export as JSON (a failing destination is [`write_failed`]).
pub(crate) fn write_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(|e| {
        if e.is_io() {
            write_failed()
        } else {
            Error::internal("an exported value could not be written as JSON")
        }
    })
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

    /// The name of the area's section in a subject's export (`schemas/export.schema.json`).
    fn section(&self) -> &'static str {
        self.area()
    }

    /// Write everything the area holds of the subject into its section of the export, read in
    /// the export's snapshot, each row authenticated as the area's reads authenticate it. `dek`
    /// is the subject's data key.
    fn export(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        subject: &SubjectRef,
        dek: &SecretKey,
        out: &mut Section<'_>,
    ) -> Result<()>;
}
