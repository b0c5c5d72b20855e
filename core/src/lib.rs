//! bunkerlite: an embedded, encrypted vault for personal data with the GDPR workflows built in.
//!
//! Applications keep opaque subject tokens in their own databases; profiles live here, encrypted
//! under a per-subject key (AES-256-GCM-SIV), found through keyed blind indexes (HMAC-SHA256),
//! every access recorded in a MAC-chained audit log, every subject erasable by crypto-shredding.
//!
//! ```
//! use bunkerlite::{Caller, Lookup, MasterKey, Options, Vault};
//! use serde_json::json;
//!
//! let key = MasterKey::generate()?;
//! let vault = Vault::open_in_memory(&key, Options::default())?;
//! let signup = Caller::new("app:signup")?;
//! let token = vault.create_subject(&signup, json!({"email": "Ann@Example.com", "name": "Ann"}))?;
//! let billing = Caller::new("app:billing")?.with_purpose("invoicing")?;
//! let ann = vault.get_subject(&billing, &Lookup::email("ann@example.com"))?;
//! assert_eq!(ann.token, token);
//! vault.forget_subject(&Caller::new("admin:ops")?, &Lookup::token(&token))?;
//! vault.verify_audit(None)?;
//! # Ok::<(), bunkerlite::Error>(())
//! ```
//!
//! Every audited operation takes a [`Caller`]: an *actor* (`app:billing`, `admin:ann`,
//! `subject`) and optionally the *purpose* of the processing, both recorded in the audit log.
//! Errors carry a stable [`ErrorKind`] shared with the C, Python and Node bindings.
//!
//! Inside, modules stand on floors and use only the floors below theirs: the table is in
//! `core/tests/architecture.rs` (and the book's "Layout and contributing"), which checks every import.

#![deny(missing_docs)]

mod action;
mod apps;
mod audit_log;
mod caller;
mod chain;
mod clock;
mod consent;
mod crypto;
mod declare;
mod document;
mod engine;
mod erasure;
mod error;
mod export;
mod fulfilment;
mod ids;
mod keyring;
mod ledger;
mod lifecycle;
mod normalize;
mod options;
mod page;
mod patch;
mod policy;
mod requests;
mod retention;
mod schedules;
mod sessions;
mod shares;
mod store;
mod subjects;
mod tokens;
mod upgrade;
mod vault;

pub use action::Action;
pub use apps::AppDocument;
pub use audit_log::{AuditEvent, AuditHead, AuditReport, ShredOptions, Shredded};
pub use caller::{Caller, DEFAULT_ACTOR};
pub use clock::Clock;
pub use consent::restrict::Restriction;
pub use consent::types::{
    Activity, ActivitySpec, Agreement, BasisStatus, BasisType, ConsentEvent, ConsentOptions, ConsentReceipt,
    ConsentReport, ConsentStatus, LegalBasis, LegalBasisSpec, Notice, ProcessingDecision, ReceiptCheck,
};
pub use crypto::keys::{MasterKey, KEY_LEN};
pub use document::{Limits, MAX_DEPTH};
pub use erasure::{ErasureReceipt, ReapplyReport};
pub use error::{Error, ErrorGroup, ErrorKind, Result};
pub use export::{ExportSummary, SubjectExport, EXPORT_FORMAT};
pub use ledger::{ErasureLedger, LedgerEntry, LEDGER_FORMAT};
pub use options::{AuditDetails, Options, PostgresOptions, SqliteOptions, Synchronous};
pub use page::{Page, PageRequest, DEFAULT_PAGE, MAX_PAGE};
pub use patch::MAX_PATCH_OPERATIONS;
pub use requests::{
    ApproveOptions, Proposal, Request, RequestAck, RequestDetail, RequestEvent, RequestExpiry, RequestQuery,
    RequestSpec, DENIAL_CODES, REGIMES, REQUEST_KINDS, REQUEST_STATES,
};
pub use retention::Purged;
pub use schedules::{ErasureSchedule, ScheduleOptions, ScheduledErasure, SCHEDULE_MAX_MS};
pub use sessions::{
    ExportedSession, Session, SessionInfo, SessionOptions, SessionPurge, SessionRef, SESSION_TTL_DEFAULT_MS,
    SESSION_TTL_MAX_MS,
};
pub use shares::{ShareInfo, SharePurge, ShareRef, ShareSpec, Shared, SHARE_TTL_DEFAULT_MS};
pub use store::StorageReport;
pub use subjects::bulk::{
    BulkGrant, BulkOptions, BULK_PAGE_MAX, BULK_SUBJECTS_DEFAULT, BULK_SUBJECTS_MAX, BULK_TTL_DEFAULT_MS,
    BULK_TTL_MAX_MS,
};
pub use subjects::{Lookup, Subject, IDENTITY_FIELDS};
pub use tokens::{
    BatchSummary, DeleteItem, Detect, DetokenizeItem, DetokenizeOptions, InfoItem, ItemError, Mask, PurgeReport,
    TextOptions, TokenBatch, TokenInfo, TokenKind, TokenizeItem, TokenizeOptions, TRANSIENT_MAX_MS,
};
pub use vault::{CompactReport, OpenReport, Vault};

/// Every area's operations (declared in its `ops.rs`), in the order the bindings list them.
/// Registering a feature area is its `mod` line above and its entry here.
const AREAS: &[(&str, &[declare::Op])] = &[
    ("subjects", subjects::ops::OPERATIONS),
    ("tokens", tokens::ops::OPERATIONS),
    ("consent", consent::ops::OPERATIONS),
    ("apps", apps::ops::OPERATIONS),
    ("sessions", sessions::ops::OPERATIONS),
    ("shares", shares::ops::OPERATIONS),
    ("requests", requests::ops::OPERATIONS),
    ("schedules", schedules::ops::OPERATIONS),
    ("audit_log", audit_log::ops::OPERATIONS),
    ("ledger", ledger::ops::OPERATIONS),
    ("vault", vault::vault_ops::OPERATIONS),
];

/// The library version (the workspace's one version, shared by the crate, the C library and the
/// Python and Node packages).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// For the authors of bindings and tools (not needed to use the vault from Rust): the declaration
/// of every operation and the JSON Schemas of its results, which `bunkerlite-gen` writes the C,
/// Python and Node surfaces from, and the helpers those surfaces use to read arguments as text
/// under a vault's limits and to hand results on as text.
pub mod bridge;

#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod testing;
