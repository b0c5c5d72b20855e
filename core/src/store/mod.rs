//! Storage: the only place that knows SQL. Typed functions in domain terms (`subjects::insert`,
//! `audit::page`, …) over a read handle (`Db`) or a write transaction (`Tx`), and the rows they
//! take and return. Feature areas call these and never see the engine underneath; a PostgreSQL
//! backend implements the same function set later. Rules every backend keeps: uniqueness comes
//! from constraints (never check-then-insert), one `Tx` is one atomic transaction, and audit
//! appends are serialised by the write lock.

mod sqlite;

pub(crate) use sqlite::{audit, consent, keys, meta, schema, subjects, tokens, Db, Settings, Store, Tx};

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

/// A vaulted token as stored: the keyed hash of the token (not the token) and its sealed value.
#[derive(Clone)]
pub(crate) struct TokenRow {
    pub(crate) hash: [u8; 16],
    /// The kind's stored number.
    pub(crate) kind: i64,
    pub(crate) scope: String,
    /// Deterministic, once, sliding (bits).
    pub(crate) flags: i64,
    /// The linked subject's row id.
    pub(crate) subject_id: Option<i64>,
    /// The value, sealed under the subject's data key or the token value key.
    pub(crate) value: Vec<u8>,
    pub(crate) created_ms: i64,
    pub(crate) expires_ms: Option<i64>,
    /// The sliding expiry's duration.
    pub(crate) ttl_ms: Option<i64>,
    /// The MAC of the row's state (format 6; all zeros when a row of an older format has none,
    /// which fails every check).
    pub(crate) mac: [u8; 32],
}

/// A legal basis as stored (its texts are in the notice of `notice_version`).
#[derive(Debug, Clone)]
pub(crate) struct BasisRow {
    pub(crate) id: i64,
    pub(crate) brief: String,
    /// The basis type's stored number.
    pub(crate) kind: i64,
    pub(crate) module: String,
    pub(crate) required: bool,
    pub(crate) user_control: bool,
    /// The status's stored number.
    pub(crate) status: i64,
    pub(crate) notice_version: i64,
    /// Agreements up to this sequence number count as revoked.
    pub(crate) revoked_through: i64,
    pub(crate) created_ms: i64,
    pub(crate) updated_ms: i64,
}

/// One version of a basis's notice texts.
#[derive(Debug, Clone)]
pub(crate) struct NoticeRow {
    pub(crate) basis_id: i64,
    pub(crate) version: i64,
    /// JSON of the texts.
    pub(crate) text: String,
    pub(crate) sha256: [u8; 32],
    pub(crate) created_ms: i64,
}

/// A processing activity as stored, with the ids of the bases it relies on.
#[derive(Debug, Clone)]
pub(crate) struct ActivityRow {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) title: String,
    pub(crate) description: String,
    /// Bitmask of the operations it covers.
    pub(crate) operations: i64,
    pub(crate) bases: Vec<i64>,
    pub(crate) created_ms: i64,
    pub(crate) updated_ms: i64,
}

/// A consent decision (a row of the append-only history).
#[derive(Debug, Clone)]
pub(crate) struct DecisionRow {
    pub(crate) seq: i64,
    pub(crate) subject_id: i64,
    pub(crate) basis_id: i64,
    /// The decision's stored number.
    pub(crate) decision: i64,
    pub(crate) notice_version: i64,
    pub(crate) time_ms: i64,
    pub(crate) start_ms: i64,
    pub(crate) expires_ms: Option<i64>,
    pub(crate) actor: String,
    /// Method, channel, language and reference, sealed under the subject's data key.
    pub(crate) details: Vec<u8>,
    /// The outbox event the decision wrote (format 6; `None` before).
    pub(crate) outbox_seq: Option<i64>,
    /// The MAC of the subject's previous decision (all zeros for the first).
    pub(crate) prev_mac: [u8; 32],
    /// This row's MAC (see `policy::seal`).
    pub(crate) mac: [u8; 32],
}

/// The current decision of a subject about a basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CurrentRow {
    pub(crate) subject_id: i64,
    pub(crate) basis_id: i64,
    pub(crate) seq: i64,
    pub(crate) decision: i64,
    pub(crate) start_ms: i64,
    pub(crate) expires_ms: Option<i64>,
    pub(crate) mac: [u8; 32],
}

/// A consent event in the outbox.
#[derive(Debug, Clone)]
pub(crate) struct OutboxRow {
    pub(crate) seq: i64,
    pub(crate) subject_id: i64,
    pub(crate) subject: [u8; 16],
    pub(crate) basis: Option<String>,
    pub(crate) event: i64,
    pub(crate) notice_version: Option<i64>,
    pub(crate) time_ms: i64,
    /// The event before it in the chain (0: none), and that event's `mac`.
    pub(crate) prev_seq: i64,
    pub(crate) prev_mac: [u8; 32],
    /// The MAC of this event's fields (see `policy::seal`).
    pub(crate) mac: [u8; 32],
    /// The MAC of its place in the chain (its sequence number and `prev_seq`, `prev_mac`).
    pub(crate) link: [u8; 32],
}

/// A purpose key row: a random key wrapped by the root key.
pub(crate) struct KeyRow {
    pub(crate) id: u32,
    pub(crate) purpose: String,
    pub(crate) wrapped: Vec<u8>,
}

/// The vault's identity and settings fixed at creation.
pub(crate) struct MetaRow {
    pub(crate) vault_id: [u8; 16],
    pub(crate) created_ms: i64,
    /// The configured indexed fields (beyond the identity fields), as JSON text.
    pub(crate) indexed_fields: String,
}

/// One audit event as stored (the chain MAC covers every field but `mac` itself).
#[derive(Clone)]
pub(crate) struct AuditRow {
    pub(crate) seq: u64,
    pub(crate) time_ms: i64,
    pub(crate) actor: String,
    pub(crate) purpose: Option<String>,
    pub(crate) action: String,
    pub(crate) subject: Option<[u8; 16]>,
    pub(crate) subject_id: Option<i64>,
    pub(crate) version: Option<i64>,
    pub(crate) outcome: String,
    pub(crate) details: Option<Vec<u8>>,
    pub(crate) mac: [u8; 32],
    /// A keyed hash of the token the event concerns (token operations), never the token.
    pub(crate) reference: Option<[u8; 16]>,
}

/// An audit event to append (borrowed parts of an event about to be chained).
pub(crate) struct NewAuditRow<'a> {
    pub(crate) seq: u64,
    pub(crate) time_ms: i64,
    pub(crate) actor: &'a str,
    pub(crate) purpose: Option<&'a str>,
    pub(crate) action: crate::action::Action,
    pub(crate) subject: Option<&'a [u8; 16]>,
    pub(crate) subject_id: Option<i64>,
    pub(crate) version: Option<i64>,
    pub(crate) outcome: &'a str,
    pub(crate) details: Option<&'a [u8]>,
    pub(crate) mac: &'a [u8; 32],
    pub(crate) reference: Option<&'a [u8; 16]>,
}

/// The result of a compaction.
pub(crate) struct Compacted {
    pub(crate) bytes_before: u64,
    pub(crate) bytes_after: u64,
    pub(crate) wal_truncated: bool,
}
