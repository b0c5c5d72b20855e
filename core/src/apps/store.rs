//! The apps area's store: a subject's app documents (one row per subject and app name, the
//! document sealed under the subject's data key) and the typed functions it needs from a
//! backend, in domain terms. Every backend implements them (`store/sqlite/apps.rs`,
//! `store/postgres/apps.rs`); nothing outside this area names them.

use crate::error::Result;

/// An app document row as stored.
pub(crate) struct AppRow {
    /// The subject's row id.
    pub(crate) subject_id: i64,
    /// The app's name (`^[a-z][a-z0-9_]{1,30}$`: no personal data).
    pub(crate) app: String,
    /// The document, sealed under the subject's data key, bound to its token, the app name and
    /// the row's version and times.
    pub(crate) document: Vec<u8>,
    pub(crate) created_ms: i64,
    pub(crate) updated_ms: i64,
    /// 1 when created, +1 per change.
    pub(crate) version: i64,
}

/// The reads of the apps area.
pub(crate) trait AppReads {
    /// The subject's document of `app`, if it has one.
    fn app_document(&self, subject_id: i64, app: &str) -> Result<Option<AppRow>>;

    /// The subject's documents, sorted by app name.
    fn app_documents_of_subject(&self, subject_id: i64) -> Result<Vec<AppRow>>;

    /// The names of the apps any subject has a document of, sorted.
    fn app_names(&self) -> Result<Vec<String>>;

    /// How many app documents the subject has.
    fn count_app_documents(&self, subject_id: i64) -> Result<u64>;
}

/// The writes of the apps area, inside one write transaction.
pub(crate) trait AppWrites: AppReads {
    /// Insert a new document (version 1). `Ok(false)` when the subject already has one of this
    /// app (the primary key refuses it; never a check-then-insert).
    fn insert_app_document(&self, row: &AppRow) -> Result<bool>;

    /// Store a new ciphertext at `row.version` (the stored row must be at `row.version - 1`;
    /// anything else is `INTEGRITY`, though the write lock already rules a concurrent change out).
    fn update_app_document(&self, row: &AppRow) -> Result<()>;

    /// Delete the subject's document of `app`; whether there was one.
    fn delete_app_document(&self, subject_id: i64, app: &str) -> Result<bool>;

    /// Delete every document of the subject (its erasure); how many there were.
    fn delete_app_documents_of_subject(&self, subject_id: i64) -> Result<u64>;
}
