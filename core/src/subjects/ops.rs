//! The subjects area's operations on [`Vault`]: create, read, change and erase subjects.

use serde_json::Value;

use crate::caller::Caller;
use crate::declare::{operations, Arg, Ret, Text, PROFILE, SUBJECT};
use crate::engine::parse_options;
use crate::erasure::{self, ErasureReceipt};
use crate::error::Result;
use crate::export::{self, ExportSummary, SubjectExport};
use crate::page::{Page, PageRequest};
use crate::subjects::bulk::{BulkGrant, BulkOptions};
use crate::subjects::{Lookup, Subject};

use crate::vault::Vault;

operations! {
    /// Create a subject from a profile (a JSON object) and return its new token. Indexed fields
    /// (email, phone, login, configured ones) must be strings and unique.
    #[operation(
        c = "bl_subject_create",
        action = "subject.create",
        check = write("no subject yet: the activity must cover writes"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "DUPLICATE"],
        args = [Arg::Caller, PROFILE],
        ret = Ret::Str("token"),
    )]
    pub fn create_subject(&self, caller: &Caller, profile: Value) -> Result<String> {
        let open = self.state()?;
        open.subjects.create(&open.engine, caller, profile)
    }

    /// Create many subjects in one transaction from a list of profiles: all are created, or none
    /// (the error names the failing item's position). Returns their tokens in order.
    #[operation(
        c = "bl_subjects_create",
        action = "subject.create",
        check = write("no subject yet: the activity must cover writes"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "DUPLICATE"],
        args = [Arg::Caller, Arg::Docs { name: "profiles", ts: "Profile[]", py: "List[Dict[str, _JSON]]" }],
        ret = Ret::json("tokens", "Vec<String>"),
    )]
    pub fn create_subjects(&self, caller: &Caller, profiles: Vec<Value>) -> Result<Vec<String>> {
        let open = self.state()?;
        open.subjects.create_many(&open.engine, caller, profiles)
    }

    /// Read a subject found by a lookup (token, email, phone, login or a configured field). A
    /// subject found through an index is returned only if its profile really holds the value.
    #[operation(
        c = "bl_subject_get",
        action = "subject.get",
        check = read("the subject found"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup],
        ret = Ret::Json {
            name: "subject",
            rust: "Subject",
            py_fast: Some("convert::from_json_text"),
            text: Some(Text { json: "get_subject_json", subject: Some("get_subject_text") }),
        },
    )]
    pub fn get_subject(&self, caller: &Caller, lookup: &Lookup) -> Result<Subject> {
        let open = self.state()?;
        open.subjects.get(&open.engine, caller, lookup)
    }

    /// Read many subjects: a subject, or null where nothing matches (or the subject was erased),
    /// per lookup, in order. Each lookup is audited.
    #[operation(
        c = "bl_subjects_get",
        action = "subject.get",
        check = read("each subject found (a refused one is a null item)"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookups],
        ret = Ret::Json {
            name: "subjects",
            rust: "Vec<Option<Subject>>",
            py_fast: Some("convert::from_json_text"),
            text: Some(Text { json: "get_subjects_json", subject: None }),
        },
    )]
    pub fn get_subjects(&self, caller: &Caller, lookups: &[Lookup]) -> Result<Vec<Option<Subject>>> {
        let open = self.state()?;
        open.subjects.get_many(&open.engine, caller, lookups)
    }

    /// Change a subject's profile: an object is a merge patch (RFC 7396; null removes a key), an
    /// array a JSON Patch (RFC 6902). Returns the subject as stored afterwards; the audit event
    /// keeps the before and after, encrypted under the subject's key.
    #[operation(
        c = "bl_subject_update",
        action = "subject.update",
        check = write("the subject found; the profile is returned only when `read` is allowed too"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "TOO_LARGE", "DUPLICATE", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::Doc { name: "patch", ts: "Json", py: "_JSON" }],
        ret = SUBJECT,
    )]
    pub fn update_subject(&self, caller: &Caller, lookup: &Lookup, patch: Value) -> Result<Subject> {
        let open = self.state()?;
        open.subjects.update(&open.engine, caller, lookup, patch)
    }

    /// Erase a subject (right to be forgotten) by crypto-shredding: its data key, profile and index
    /// entries are deleted (secure_delete on), what the storage keeps of them beside the live rows
    /// is scrubbed (the WAL truncated), and the audit chain keeps only the fact (older events'
    /// details become unreadable; the chain still verifies). Later lookups by token are ERASED.
    /// Returns the erasure receipt.
    #[operation(
        c = "bl_subject_forget",
        action = "subject.forget",
        check = delete("the subject found"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup],
        ret = Ret::json("receipt", "ErasureReceipt"),
    )]
    pub fn forget_subject(&self, caller: &Caller, lookup: &Lookup) -> Result<ErasureReceipt> {
        let open = self.state()?;
        erasure::forget(&open.engine, &open.subjects, caller, lookup)
    }

    /// Erase many subjects in one transaction, each as a single erasure does, with one WAL
    /// truncation for the batch: a receipt, or null where nothing matches (or the subject was
    /// already erased), per lookup, in order. Any other error erases nobody.
    #[operation(
        c = "bl_subjects_forget",
        action = "subject.forget",
        check = delete("each subject found (a refused one is a null item)"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookups],
        ret = Ret::json("receipts", "Vec<Option<ErasureReceipt>>"),
    )]
    pub fn forget_subjects(&self, caller: &Caller, lookups: &[Lookup]) -> Result<Vec<Option<ErasureReceipt>>> {
        let open = self.state()?;
        erasure::forget_many(&open.engine, &open.subjects, caller, lookups)
    }

    /// Export everything held about a subject (the rights of access and portability) as one
    /// document, `schemas/export.schema.json`: the subject, its tokens' metadata, its consent
    /// record as a verifiable receipt, its app documents, its sessions (by reference), its
    /// shares (never their ids) and its whole audit trail with details, read in one snapshot.
    /// Audited as subject.export. For a long audit trail prefer `export_subject_to_file`, which
    /// streams to disk instead of building the document in memory.
    #[operation(
        c = "bl_subject_export",
        action = "subject.export",
        check = export("the subject found"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup],
        ret = Ret::Json {
            name: "export",
            rust: "SubjectExport",
            py_fast: Some("convert::from_json_text"),
            text: Some(Text { json: "export_subject_json", subject: None }),
        },
    )]
    pub fn export_subject(&self, caller: &Caller, lookup: &Lookup) -> Result<SubjectExport> {
        let open = self.state()?;
        export::export_value(&open.engine, &open.subjects, caller, lookup)
    }

    /// Export a subject as `export_subject` does, streamed into a new file at `path` as it is read
    /// (memory stays flat however long the audit trail): the file is created with owner-only
    /// permissions under a temporary name in the same folder, synced, then given its name in one
    /// step, so it appears whole or not at all. An existing file is never replaced
    /// (`INVALID_INPUT`). Returns what was written (no personal data).
    #[operation(
        c = "bl_subject_export_to_file",
        action = "subject.export",
        check = export("the subject found"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::Str("path")],
        ret = Ret::json("summary", "ExportSummary"),
    )]
    pub fn export_subject_to_file(&self, caller: &Caller, lookup: &Lookup, path: &str) -> Result<ExportSummary> {
        let open = self.state()?;
        export::export_to_file(&open.engine, &open.subjects, caller, lookup, path)
    }

    /// Every stored subject, a page at a time in creation order (at most 100 per page; pass
    /// `next` as the cursor), each checked as a read (a refused one is left out) and audited as
    /// subject.list. Refused with `BULK_LOCKED` unless `unlock_bulk` unlocked it for the caller's
    /// actor and purpose, and until that unlock expires or its number of subjects is used up.
    #[operation(
        c = "bl_subjects_list",
        action = "subject.list",
        check = read("the activity's coverage, then each subject listed (a refused one is left out); needs a bulk unlock"),
        errors = ["BULK_LOCKED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Page],
        ret = Ret::json("page", "Page<Subject>"),
    )]
    pub fn list_subjects(&self, caller: &Caller, page: &PageRequest) -> Result<Page<Subject>> {
        let open = self.state()?;
        open.subjects.list(&open.engine, caller, page)
    }

    /// Unlock `list_subjects` for the caller's actor and purpose (a purpose is required, and its
    /// activity must cover reads): for `ttl_ms` (default 10 minutes, at most 1 hour) and
    /// `max_subjects` in all (default 10,000, at most 1,000,000). Audited as bulk.unlock before it
    /// returns. The unlock lives in this open vault (each process unlocks for itself); a new one
    /// replaces the caller's previous one.
    #[operation(
        c = "bl_bulk_unlock",
        action = "bulk.unlock",
        check = read("the activity's coverage (an unlock reads nobody's data; each listed subject is checked then)"),
        errors = ["INVALID_INPUT"],
        args = [Arg::Caller, Arg::OptDoc { name: "options", ts: "BulkOptions", py: "Dict[str, Any]" }],
        ret = Ret::json("grant", "BulkGrant"),
    )]
    pub fn unlock_bulk(&self, caller: &Caller, options: Option<Value>) -> Result<BulkGrant> {
        let open = self.state()?;
        let options: BulkOptions =
            parse_options(&open.engine, caller, crate::action::Action::BulkUnlock, "bulk options", options)?;
        open.subjects.unlock_bulk(&open.engine, caller, options)
    }

    /// End the caller's bulk unlock now (nothing when it has none). Audited as bulk.lock.
    #[operation(
        c = "bl_bulk_lock",
        action = "bulk.lock",
        check = none("ends an unlock; reads nothing"),
        errors = ["INVALID_INPUT"],
        args = [Arg::Caller],
        ret = Ret::Unit,
    )]
    pub fn lock_bulk(&self, caller: &Caller) -> Result<()> {
        let open = self.state()?;
        open.subjects.lock_bulk(&open.engine, caller)
    }
}

impl Vault {
    /// Export a subject as [`export_subject`](Self::export_subject) does, streamed to `out` as it
    /// is read (an HTTP response, a file, a compressor): nothing is buffered beyond what `out`
    /// buffers. Same check, errors and audit event; a failed write is `STORAGE` (what was
    /// written so far is incomplete and should be discarded).
    pub fn export_subject_to(
        &self,
        caller: &Caller,
        lookup: &Lookup,
        out: &mut dyn std::io::Write,
    ) -> Result<ExportSummary> {
        let open = self.state()?;
        export::export_to(&open.engine, &open.subjects, caller, lookup, out)
    }
}
