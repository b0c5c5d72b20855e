//! `Options` of a vault: what every backend understands at the top, the SQLite-only knobs grouped
//! under `sqlite` (a PostgreSQL backend gets its own group), and the injectable clock.

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::document::Limits;
use crate::error::{Error, Result};

/// How durable a commit is before the call returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    /// fsync on every commit: an acknowledged write survives power loss (the default).
    #[default]
    Full,
    /// fsync at checkpoints only: an acknowledged write survives a process crash, and may be lost
    /// on power loss.
    Normal,
}

/// What the audit event of a profile change keeps about it, encrypted under the subject's key
/// (so it is shredded with the subject).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum AuditDetails {
    /// The before and after of each changed top-level field (the default).
    #[default]
    Values,
    /// Only the names of the changed top-level fields.
    Fields,
    /// Nothing beyond the fact of the change.
    None,
}

/// Settings that only the SQLite backend has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SqliteOptions {
    /// Commit durability (default `full`).
    pub synchronous: Synchronous,
    /// Page cache per connection, in KiB (the writer and each pooled reader has one).
    pub cache_kib: u32,
}

impl Default for SqliteOptions {
    fn default() -> SqliteOptions {
        SqliteOptions { synchronous: Synchronous::Full, cache_kib: 16 * 1024 }
    }
}

/// Settings that only the PostgreSQL backend has (a vault opened at a `postgres://` URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct PostgresOptions {
    /// The most connections this handle (and its clones) holds to the server at once (default
    /// 16, 2 to 1,000: the background flusher and a caller may each hold one). A call that finds them all in use waits for one up to `busy_timeout_ms`,
    /// then fails with `BUSY`. Size it with the server's `max_connections` divided among the
    /// processes that share it.
    pub max_connections: u32,
}

impl Default for PostgresOptions {
    fn default() -> PostgresOptions {
        PostgresOptions { max_connections: 16 }
    }
}

crate::document::setters!(PostgresOptions {
    /// Sets [`max_connections`](PostgresOptions::max_connections).
    max_connections: u32;
});

/// The most connections `PostgresOptions::max_connections` accepts.
pub const MAX_POSTGRES_CONNECTIONS: u32 = 1_000;

/// Options for [`Vault::open`](crate::Vault::open). Every field has a default; from JSON, unknown
/// fields are refused.
///
/// In Rust they are built from the defaults with one method per field (the struct is
/// `#[non_exhaustive]`, so a new option never breaks a caller):
///
/// ```
/// use bunkerlite::{Limits, Options, SqliteOptions, Synchronous};
///
/// let options = Options::default()
///     .default_region("DE")
///     .indexed_fields(["customer_id"])
///     .require_purpose(true)
///     .limits(Limits::default().max_batch(1_000))
///     .sqlite(SqliteOptions::default().synchronous(Synchronous::Normal));
/// assert_eq!(options.limits.max_batch, 1_000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Options {
    /// Create the vault file when it does not exist (default `true`); otherwise `NOT_FOUND`.
    pub create: bool,
    /// How long a call waits for another connection's write lock before `BUSY`.
    pub busy_timeout_ms: u64,
    /// ISO 3166 region for phone numbers written without `+` (e.g. `"DE"`); none by default, so
    /// such numbers are refused. The first region given is recorded in the vault (the blind
    /// index of a national number depends on it): later opens use it when this is `None` and
    /// refuse another region with `INVALID_INPUT`.
    pub default_region: Option<String>,
    /// Extra unique, indexed top-level profile fields (beyond email, phone, login), fixed when
    /// the vault is created. Names match `^[a-z][a-z0-9_]{0,63}$`.
    pub indexed_fields: Vec<String>,
    /// Read events are group-committed at most this many milliseconds after the read; `0` writes
    /// each read's event in its own transaction before the read returns.
    pub audit_flush_interval_ms: u64,
    /// Read events held in memory at most (default 65,536, ~10 MB); reaching it flushes in the
    /// calling thread, which then waits for any flush under way. Keep it well above what one
    /// flush interval gathers, or readers stall on each other's flushes.
    pub audit_max_pending: usize,
    /// What an update's audit event keeps about the change (`values`, `fields` or `none`).
    pub audit_details: AuditDetails,
    /// Shred the details of audit events older than this many days (1 to 36,500) when
    /// [`purge`](crate::Vault::purge) runs: the sealed before/after of old changes goes, the
    /// chain's facts stay and still verify. `None` (the default) keeps details until their
    /// subject is erased; [`shred_audit_details`](crate::Vault::shred_audit_details) shreds on
    /// demand.
    pub audit_details_retention_days: Option<u32>,
    /// The longest a share may live, in milliseconds (default 7 days, at most 400 days): a
    /// share asking for more is `INVALID_INPUT`.
    pub share_max_ttl_ms: i64,
    /// The audit head the application kept from this vault (`get_audit_head`, kept outside the
    /// vault): at open the vault compares its own head with it, and
    /// [`open_report`](crate::Vault::open_report) says `behind` when the file is older — a
    /// restored backup (re-apply the erasure ledger), or a rollback.
    pub audit_anchor: Option<AuditHead>,
    /// How erasures clear the WAL. `0` (the default): each erasure checkpoints and truncates
    /// the WAL before it returns, so no old copy of the subject's pages remains there when the
    /// receipt says `wal_truncated: true` — about three extra fsyncs per erasure (a batch of
    /// `forget_subjects` pays them once). Above `0`: an erasure commits and returns, and the
    /// truncation is coalesced with the other erasures of the next `erasure_wal_window_ms`
    /// milliseconds (at most 60,000), done by the background thread; the receipt says
    /// `wal_truncated: false` and gives the time it is due (`wal_truncation_due_ms`).
    /// `flush_audit` and `close` complete pending truncations at once; if the process ends
    /// first, the next open does.
    pub erasure_wal_window_ms: u64,
    /// How many audit events wait, unindexed, before they are added to the audit's index by
    /// subject in one sorted pass, appended as a run of its own (default 100,000; at least 1).
    /// Read events name random subjects: indexing each as it is appended would rewrite a random
    /// index page per event. Listing a subject's events scans the waiting ones and looks into
    /// each run (runs of small passes are merged eight at a time), so a smaller value makes
    /// those scans shorter and audited reads dearer.
    pub audit_index_batch: u64,
    /// Refuse every read, detokenization and export whose caller names no purpose
    /// (`INVALID_INPUT`). With processing activities defined, a named purpose is then always
    /// checked against them (see the README's "Consent").
    pub require_purpose: bool,
    /// Input limits.
    pub limits: Limits,
    /// SQLite-only settings.
    pub sqlite: SqliteOptions,
    /// PostgreSQL-only settings.
    pub postgres: PostgresOptions,
    /// For tests (and the shared vectors) from any language: a manual clock standing still at
    /// this time (milliseconds since the Unix epoch) instead of the system clock — expiry is
    /// tested by reopening with a later time. Audit events are stamped with it. Ignored when
    /// `clock` is already a manual clock.
    pub manual_clock_ms: Option<i64>,
    /// The clock every timestamp is read from (the system clock by default; a manual one in
    /// tests). Not settable from JSON (see `manual_clock_ms`).
    #[serde(skip)]
    pub clock: Clock,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            create: true,
            busy_timeout_ms: 10_000,
            default_region: None,
            indexed_fields: Vec::new(),
            audit_flush_interval_ms: 100,
            audit_max_pending: 65_536,
            audit_details: AuditDetails::Values,
            audit_details_retention_days: None,
            share_max_ttl_ms: 7 * 86_400_000,
            audit_anchor: None,
            erasure_wal_window_ms: 0,
            audit_index_batch: 100_000,
            require_purpose: false,
            limits: Limits::default(),
            sqlite: SqliteOptions::default(),
            postgres: PostgresOptions::default(),
            manual_clock_ms: None,
            clock: Clock::system(),
        }
    }
}

crate::document::setters!(Options {
    /// Sets [`create`](Options::create).
    create: bool;
    /// Sets [`busy_timeout_ms`](Options::busy_timeout_ms).
    busy_timeout_ms: u64;
    /// Sets [`audit_flush_interval_ms`](Options::audit_flush_interval_ms).
    audit_flush_interval_ms: u64;
    /// Sets [`audit_max_pending`](Options::audit_max_pending).
    audit_max_pending: usize;
    /// Sets [`audit_details`](Options::audit_details).
    audit_details: AuditDetails;
    /// Sets [`audit_details_retention_days`](Options::audit_details_retention_days).
    audit_details_retention_days: u32 => Some;
    /// Sets [`share_max_ttl_ms`](Options::share_max_ttl_ms).
    share_max_ttl_ms: i64;
    /// Sets [`erasure_wal_window_ms`](Options::erasure_wal_window_ms).
    erasure_wal_window_ms: u64;
    /// Sets [`audit_index_batch`](Options::audit_index_batch).
    audit_index_batch: u64;
    /// Sets [`require_purpose`](Options::require_purpose).
    require_purpose: bool;
    /// Sets [`limits`](Options::limits).
    limits: Limits;
    /// Sets [`sqlite`](Options::sqlite).
    sqlite: SqliteOptions;
    /// Sets [`postgres`](Options::postgres).
    postgres: PostgresOptions;
    /// Sets [`manual_clock_ms`](Options::manual_clock_ms).
    manual_clock_ms: i64 => Some;
    /// Sets [`audit_anchor`](Options::audit_anchor).
    audit_anchor: AuditHead => Some;
    /// Sets [`clock`](Options::clock).
    clock: Clock;
});

impl Options {
    /// Sets [`default_region`](Options::default_region) (an ISO 3166 code, e.g. `"DE"`).
    #[must_use]
    pub fn default_region(mut self, region: impl Into<String>) -> Self {
        self.default_region = Some(region.into());
        self
    }

    /// Sets [`indexed_fields`](Options::indexed_fields).
    #[must_use]
    pub fn indexed_fields(mut self, fields: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.indexed_fields = fields.into_iter().map(Into::into).collect();
        self
    }
}

crate::document::setters!(SqliteOptions {
    /// Sets [`synchronous`](SqliteOptions::synchronous).
    synchronous: Synchronous;
    /// Sets [`cache_kib`](SqliteOptions::cache_kib).
    cache_kib: u32;
});

/// The longest `erasure_wal_window_ms` accepted.
pub const MAX_ERASURE_WAL_WINDOW_MS: u64 = 60_000;

/// The longest retention of audit details a rule may name: 100 years.
const MAX_RETENTION_DAYS: u32 = 36_500;

/// Refuse a retention of audit details (`what`, in days) out of range.
pub(crate) fn check_retention_days(days: u32, what: &str) -> Result<()> {
    if !(1..=MAX_RETENTION_DAYS).contains(&days) {
        return Err(Error::invalid(format!("{what} is 1 to {MAX_RETENTION_DAYS} days")));
    }
    Ok(())
}

impl Options {
    /// Refuse settings out of range (before anything is opened or created).
    pub(crate) fn check(&self) -> Result<()> {
        if self.limits.max_depth > crate::document::MAX_DEPTH {
            return Err(Error::invalid(format!("limits.max_depth is at most {}", crate::document::MAX_DEPTH)));
        }
        if self.audit_index_batch == 0 {
            return Err(Error::invalid("audit_index_batch is at least 1"));
        }
        if !(2..=MAX_POSTGRES_CONNECTIONS).contains(&self.postgres.max_connections) {
            return Err(Error::invalid(format!("postgres.max_connections is 2 to {MAX_POSTGRES_CONNECTIONS}")));
        }
        if let Some(anchor) = &self.audit_anchor {
            anchor.mac()?;
        }
        if let Some(days) = self.audit_details_retention_days {
            check_retention_days(days, "audit_details_retention_days")?;
        }
        if !(1..=400 * 86_400_000).contains(&self.share_max_ttl_ms) {
            return Err(Error::invalid("share_max_ttl_ms is 1 to 34,560,000,000 (400 days)"));
        }
        if self.erasure_wal_window_ms > MAX_ERASURE_WAL_WINDOW_MS {
            return Err(Error::invalid(format!("erasure_wal_window_ms is at most {MAX_ERASURE_WAL_WINDOW_MS}")));
        }
        Ok(())
    }

    /// Options from a JSON object (as C, Python and Node pass them); unknown keys are refused.
    pub fn from_json(value: serde_json::Value) -> Result<Options> {
        if value.is_null() {
            return Ok(Options::default());
        }
        crate::document::from_options("options", value)
    }
}

/// The chain head: keep it outside the vault, and [`Vault::verify_audit`](crate::Vault::verify_audit) (and, given as [`Options::audit_anchor`], the vault's [`open_report`](crate::Vault::open_report))
/// can then detect truncation and rollback of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AuditHead {
    /// The last event's sequence number (0 for an empty log).
    pub seq: u64,
    /// The last event's MAC, 64 hex digits.
    pub hash: String,
}

impl AuditHead {
    /// The head's MAC as bytes (`INVALID_INPUT` unless 64 hex digits).
    pub(crate) fn mac(&self) -> Result<[u8; 32]> {
        let mut mac = [0u8; 32];
        hex::decode_to_slice(&self.hash, &mut mac)
            .map_err(|_| Error::invalid("an audit anchor's hash is 64 hex digits"))?;
        Ok(mac)
    }

    /// From a JSON object `{"seq": N, "hash": "<64 hex>"}` (as kept by the application).
    pub fn from_json(value: &serde_json::Value) -> Result<AuditHead> {
        serde_json::from_value(value.clone())
            .map_err(|_| Error::invalid("an audit anchor must be {\"seq\": <integer>, \"hash\": \"<64 hex digits>\"}"))
    }
}
