//! bunkerlite: an embedded, encrypted vault for personal data with the GDPR workflows built in.
//!
//! Applications keep opaque subject tokens in their own databases; profiles live here, encrypted
//! under a per-subject key (AES-256-GCM-SIV), found through keyed blind indexes (HMAC-SHA256),
//! every access recorded in a MAC-chained audit log, every subject erasable by crypto-shredding.
//!
//! ```
//! use bunkerlite::{Lookup, MasterKey, Options, Vault};
//! use serde_json::json;
//!
//! let key = MasterKey::generate()?;
//! let vault = Vault::open_in_memory(&key, Options::default())?;
//! let token = vault.create_subject("app:signup", json!({"email": "Ann@Example.com", "name": "Ann"}))?;
//! let ann = vault.get_subject("app:billing", &Lookup::email("ann@example.com"))?;
//! assert_eq!(ann.token, token);
//! vault.forget_subject("admin:ops", &Lookup::token(&token))?;
//! vault.audit_verify(None)?;
//! # Ok::<(), bunkerlite::Error>(())
//! ```
//!
//! Every operation names an *actor* (`app:billing`, `admin:ann`, `subject`), recorded in the
//! audit log. Errors carry a stable [`ErrorKind`] shared with the C, Python and Node bindings.

mod audit;
mod crypto;
mod document;
mod error;
mod normalize;
mod store;
mod subjects;
mod vault;

pub use audit::{AuditEvent, AuditHead, AuditReport, Page, DEFAULT_PAGE, MAX_PAGE};
pub use crypto::keys::{MasterKey, KEY_LEN};
pub use document::Limits;
pub use error::{Error, ErrorKind, Result};
pub use subjects::{ErasureReceipt, Lookup, Subject};
pub use vault::{CompactReport, Options, Synchronous, Vault, DEFAULT_ACTOR, IDENTITY_FIELDS};

#[doc(hidden)]
pub mod testing;
