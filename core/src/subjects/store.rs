//! The subjects area's store: its rows (a subject's profile row, the result of a lookup by
//! token) and the typed functions it needs from a backend, in domain terms. Every backend
//! implements them (`store/sqlite/subjects.rs`); nothing outside this area names them.

use crate::error::Result;

/// A subject row as stored.
pub(crate) struct SubjectRow {
    /// The integer row id (never reused).
    pub(crate) id: i64,
    pub(crate) token: [u8; 16],
    /// The data key, wrapped by the KEK.
    pub(crate) dek: Vec<u8>,
    /// The profile, sealed under the data key.
    pub(crate) profile: Vec<u8>,
    pub(crate) created_ms: i64,
    pub(crate) updated_ms: i64,
    pub(crate) version: i64,
}

/// A new subject row (version 1, updated when created).
pub(crate) struct NewSubject<'a> {
    pub(crate) token: &'a [u8; 16],
    pub(crate) dek: &'a [u8],
    pub(crate) profile: &'a [u8],
    pub(crate) created_ms: i64,
}

/// What a subject lookup by token found.
pub(crate) enum TokenLookup {
    Found(SubjectRow),
    Erased,
    Missing,
}

/// The reads of the subjects area: profile rows by token, by blind-index entry or by id, and the
/// facts the audit reconciles them with.
pub(crate) trait SubjectReads {
    /// The subject with this token, or whether it was erased.
    fn subject_by_token(&self, token: &[u8; 16]) -> Result<TokenLookup>;

    /// The subject whose blind-index entry for `field` is `hash`.
    fn subject_by_index(&self, field: &str, hash: &[u8]) -> Result<Option<SubjectRow>>;

    /// The wrapped data key of the subject with this token, or `None` when it is not stored (erased).
    fn subject_dek(&self, token: &[u8; 16]) -> Result<Option<Vec<u8>>>;

    /// The row id of the subject with this token, stored or erased.
    fn subject_id_of(&self, token: &[u8; 16]) -> Result<Option<i64>>;

    /// The token and wrapped data key of the stored subject with row id `id`.
    fn subject_key_by_id(&self, id: i64) -> Result<Option<([u8; 16], Vec<u8>)>>;

    /// Every stored subject's row id, token and version, for reconciling rows with the audit chain.
    fn each_subject_version(&self, f: &mut dyn FnMut(i64, [u8; 16], i64) -> Result<()>) -> Result<()>;

    /// The token and row id of every erased subject (for reconciling with the audited erasures).
    fn erased_subjects(&self) -> Result<Vec<([u8; 16], i64)>>;

    /// At most `limit` stored subjects with a row id above `after`, in row-id order (a bulk
    /// listing's page).
    fn subjects_page(&self, after: i64, limit: u64) -> Result<Vec<SubjectRow>>;

    /// How many subjects are stored.
    fn count_subjects(&self) -> Result<u64>;
}

/// The writes of the subjects area, inside one write transaction: new rows, blind-index entries,
/// new profile versions, erasure.
pub(crate) trait SubjectWrites: SubjectReads {
    /// Insert a new subject (version 1) and return its row id. The token is unique by constraint.
    fn insert_subject(&self, new: &NewSubject<'_>) -> Result<i64>;

    /// Add a blind-index entry. `Ok(false)` when the value already belongs to another subject (the
    /// primary key refuses it; never a check-then-insert).
    fn insert_index_entry(&self, subject_id: i64, field: &str, hash: &[u8]) -> Result<bool>;

    /// Remove a subject's blind-index entry for `field`, found by the `hash` recomputed from its
    /// stored value (the primary key). When there is no hash (the stored value no longer
    /// normalises under this version's rules) or it finds nothing, the field's entries are searched
    /// for the subject's id instead — a scan of that field, for that rare case. Returns how many
    /// entries were removed.
    fn delete_index_entries(&self, subject_id: i64, field: &str, hash: Option<&[u8]>) -> Result<u64>;

    /// Store a new profile ciphertext at `version` (the row must be at `version - 1`: a concurrent
    /// change would be `INTEGRITY`, though the write lock already rules it out).
    fn update_profile(&self, id: i64, profile: &[u8], updated_ms: i64, version: i64) -> Result<()>;

    /// Delete a subject's row and its index entries (`entries`: each indexed field of its profile
    /// with the hash recomputed from the stored value, see [`delete_index_entries`](Self::delete_index_entries)), and record the
    /// erasure of its token. (What other areas hold of it goes first, through the lifecycle
    /// registry.) Returns how many index entries were removed.
    fn erase_subject(
        &self,
        id: i64,
        token: &[u8; 16],
        erased_ms: i64,
        entries: &[(&str, Option<[u8; 16]>)],
    ) -> Result<u64>;
}
