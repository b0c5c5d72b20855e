//! The subjects area's operations on [`Vault`]: create, read, change and erase subjects.

use serde_json::Value;

use crate::caller::Caller;
use crate::erasure::{self, ErasureReceipt};
use crate::error::Result;
use crate::subjects::{Lookup, Subject, SubjectText};

use super::Vault;

impl Vault {
    /// Create a subject from a profile (a JSON object) and return its new token. Indexed fields
    /// (email, phone, login, configured ones) must be strings and unique: `DUPLICATE` otherwise.
    pub fn create_subject(&self, caller: &Caller, profile: Value) -> Result<String> {
        let open = self.state()?;
        open.subjects.create(&open.engine, caller, profile)
    }

    /// Create many subjects in one transaction: all are created, or none (the error names the
    /// failing item's position).
    pub fn create_subjects(&self, caller: &Caller, profiles: Vec<Value>) -> Result<Vec<String>> {
        let open = self.state()?;
        open.subjects.create_many(&open.engine, caller, profiles)
    }

    /// Read a subject. Unknown → `NOT_FOUND`; a token of an erased subject → `ERASED`; an index
    /// entry that names a subject not holding the looked-up value → `INTEGRITY`.
    pub fn get_subject(&self, caller: &Caller, lookup: &Lookup) -> Result<Subject> {
        let open = self.state()?;
        open.subjects.get(&open.engine, caller, lookup)
    }

    /// [`get_subject`](Self::get_subject) returning the [`Subject`] as JSON text (the fields of
    /// its `Serialize`, in that order). The stored profile text is passed through without
    /// building a `Value` (it is checked to be one JSON object, and a row found through an index
    /// is checked as `get_subject` checks it): the bindings hand this text to their language's
    /// JSON parser. Same errors, same audit event.
    pub fn get_subject_json(&self, caller: &Caller, lookup: &Lookup) -> Result<String> {
        Ok(self.get_subject_text(caller, lookup)?.to_json())
    }

    /// [`get_subject`](Self::get_subject) with the profile as the JSON text it is stored as
    /// (checked as [`get_subject_json`](Self::get_subject_json) checks it), the other fields as
    /// values: for a binding that parses only the profile in its language. Same errors, same
    /// audit event.
    pub fn get_subject_text(&self, caller: &Caller, lookup: &Lookup) -> Result<SubjectText> {
        let open = self.state()?;
        open.subjects.get_text(&open.engine, caller, lookup)
    }

    /// Read many subjects on one connection; a lookup that finds nothing (or an erased subject)
    /// gives `None` in its position. Each lookup is audited.
    pub fn get_subjects(&self, caller: &Caller, lookups: &[Lookup]) -> Result<Vec<Option<Subject>>> {
        let open = self.state()?;
        open.subjects.get_many(&open.engine, caller, lookups)
    }

    /// [`get_subjects`](Self::get_subjects) returning the list as JSON text (each subject as
    /// [`get_subject_json`](Self::get_subject_json) writes it, `null` for a miss): what the
    /// bindings hand to their language's parser. Same errors, same audit events.
    pub fn get_subjects_json(&self, caller: &Caller, lookups: &[Lookup]) -> Result<String> {
        let open = self.state()?;
        open.subjects.get_many_json(&open.engine, caller, lookups)
    }

    /// Change a subject's profile. `patch` is a JSON object (merge patch, RFC 7396: `null` removes
    /// a key) or an array (JSON Patch, RFC 6902). Changed indexed fields are re-indexed and stay
    /// unique. Returns the subject as stored after the change. The audit event keeps the before
    /// and after of each changed top-level field, encrypted under the subject's key.
    pub fn update_subject(&self, caller: &Caller, lookup: &Lookup, patch: Value) -> Result<Subject> {
        let open = self.state()?;
        open.subjects.update(&open.engine, caller, lookup, patch)
    }

    /// Erase a subject (right to be forgotten) by crypto-shredding: its data key, profile and
    /// index entries are deleted with `secure_delete` on, the WAL is checkpointed and truncated,
    /// and the audit chain keeps only the fact of the erasure (older events' details become
    /// unreadable, the chain still verifies). Later lookups by token give `ERASED`.
    pub fn forget_subject(&self, caller: &Caller, lookup: &Lookup) -> Result<ErasureReceipt> {
        let open = self.state()?;
        erasure::forget(&open.engine, &open.subjects, caller, lookup)
    }

    /// Erase many subjects in one transaction, as [`forget_subject`](Self::forget_subject)
    /// erases one, with one WAL checkpoint and truncation for the whole batch (an erasure's
    /// fixed cost is its fsyncs: a batch of 100 costs little more than one erasure). A lookup
    /// that finds nothing, or a subject already erased (earlier, or by an earlier item of the
    /// same batch), gives `None` in its position and is audited as a failed attempt; any other
    /// error erases nobody and names the failing item's position. At most
    /// [`Limits::max_batch`](crate::Limits) lookups.
    pub fn forget_subjects(&self, caller: &Caller, lookups: &[Lookup]) -> Result<Vec<Option<ErasureReceipt>>> {
        let open = self.state()?;
        erasure::forget_many(&open.engine, &open.subjects, caller, lookups)
    }
}
