//! `Vault`, the public facade: opening and creating a vault file (format and key checked on a
//! read-only connection before any write), the lifecycle (close, use after close, compact,
//! rekey), and one entry point per operation of every feature area.
//!
//! The public shape: flat methods named verb-then-noun (`get_subject`, `list_audit_events`),
//! each taking the [`Caller`] first when the operation is audited. C names the same operations
//! `bl_<noun>_<verb>` and the audit log `noun.verb` (see [`Action`](crate::Action)). Feature areas
//! to come (tokens, consent, requests) follow the same shape.

use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::action::Action;
use crate::audit_log::{self as audit, AuditEvent, AuditHead, AuditReport};
use crate::caller::Caller;
use crate::chain::Event;
use crate::consent::types::{
    Activity, ActivitySpec, Agreement, ConsentEvent, ConsentOptions, ConsentReport, LegalBasis, LegalBasisSpec,
    ProcessingDecision, ReceiptCheck,
};
use crate::consent::{self, catalogue, Consent};
use crate::crypto::keys::MasterKey;
use crate::crypto::random_fill;
use crate::document::Limits;
use crate::engine::{parse_options, Engine, Flusher};
use crate::erasure::{self, ErasureReceipt};
use crate::error::{Error, ErrorKind, Result};
use crate::keyring::{self, Keyring};
use crate::normalize;
use crate::options::{Options, Synchronous};
use crate::page::{Page, PageRequest};
use crate::store::{self, MetaRow, Settings, Store};
use crate::subjects::{Lookup, Subject, SubjectText, Subjects};
use crate::tokens::{
    DeleteItem, DetokenizeItem, DetokenizeOptions, InfoItem, PurgeReport, TokenBatch, TokenInfo, TokenizeItem,
    TokenizeOptions, Tokens,
};

/// The result of [`Vault::compact`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompactReport {
    /// Size of the database file before, in bytes.
    pub bytes_before: u64,
    /// Size of the database file after, in bytes.
    pub bytes_after: u64,
    /// The WAL was checkpointed and truncated afterwards (false when another process held a
    /// read open; the next checkpoint completes it).
    pub wal_truncated: bool,
}

/// What an open vault holds: the engine and the feature areas' state.
struct Open {
    engine: Arc<Engine>,
    subjects: Subjects,
    tokens: Tokens,
}

struct Shared {
    open: RwLock<Option<Arc<Open>>>,
    flusher: Mutex<Option<Flusher>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        let _ = close_shared(self);
    }
}

/// An open vault. Cheap to clone (clones share one vault), `Send + Sync`: share it between
/// threads. Several processes may open the same file.
#[derive(Clone)]
pub struct Vault {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("closed", &self.is_closed()).finish_non_exhaustive()
    }
}

fn settings(options: &Options) -> Settings {
    Settings {
        synchronous_full: options.sqlite.synchronous == Synchronous::Full,
        busy_timeout: Duration::from_millis(options.busy_timeout_ms),
        cache_kib: options.sqlite.cache_kib,
    }
}

/// Read-only checks of an existing file before anything is written: it is a bunkerlite vault of
/// a format this version opens, it holds exactly the expected schema objects, and `key` opens it.
fn inspect(path: &Path, key: &MasterKey, settings: &Settings) -> Result<()> {
    Store::inspect(path, settings, |db| match store::schema::classify(db)? {
        store::schema::FileKind::Empty => Ok(()),
        store::schema::FileKind::Vault => {
            store::schema::check_objects(db)?;
            let meta = store::meta::read(db)?
                .ok_or_else(|| Error::new(ErrorKind::Storage, "the vault's metadata is missing or corrupt"))?;
            keyring::check(db, &meta.vault_id, key)
        }
    })
}

impl Vault {
    /// Open the vault at `path` (a file name, never a URI), creating it unless `options.create`
    /// is false.
    ///
    /// A wrong key fails with `WRONG_KEY` before anything is written: the files stay
    /// byte-identical. A file that is not a bunkerlite vault is `STORAGE`; one of a format this
    /// version does not open is `UNSUPPORTED`; one holding schema objects bunkerlite did not
    /// make (a trigger, a view) is `INTEGRITY`.
    pub fn open(path: impl AsRef<Path>, key: &MasterKey, options: Options) -> Result<Vault> {
        options.check()?;
        // Absolute, so that SQLite never reads a name such as `file:x.db?mode=ro` as a URI.
        let path = &std::path::absolute(path.as_ref())
            .map_err(|_| Error::invalid("the vault path is empty or cannot be made absolute"))?;
        let settings = settings(&options);
        let exists = std::fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false);
        if exists {
            inspect(path, key, &settings)?;
        } else if !options.create {
            return Err(Error::new(ErrorKind::NotFound, "the vault file does not exist"));
        }
        let store = Store::open_file(path, settings)?;
        Self::start(store, key, options)
    }

    /// A private vault in memory, gone when closed. For tests and ephemeral use.
    pub fn open_in_memory(key: &MasterKey, options: Options) -> Result<Vault> {
        options.check()?;
        let store = Store::open_memory(settings(&options))?;
        Self::start(store, key, options)
    }

    fn start(store: Store, key: &MasterKey, options: Options) -> Result<Vault> {
        // Checked before anything is written; the canonical code (upper case) is what is pinned.
        let requested = options
            .default_region
            .as_deref()
            .map(|code| normalize::parse_region(code).map(|_| code.trim().to_ascii_uppercase()))
            .transpose()?;
        Subjects::configure(None, &options.indexed_fields)?;
        let clock = match options.manual_clock_ms {
            Some(ms) if !options.clock.is_manual() => crate::clock::Clock::manual(ms),
            _ => options.clock.clone(),
        };
        let now = clock.now_ms();
        // One `BEGIN IMMEDIATE` transaction: two processes creating the same file end with one vault.
        let (keys, configured, region) = store.write(|tx| {
            let from = store::schema::migrate(tx)?;
            let (keys, configured) = match store::meta::read(tx)? {
                Some(meta) => {
                    let keys = Keyring::open(tx, meta.vault_id, key, now)?;
                    let (configured, _) = Subjects::configure(Some(&meta.indexed_fields), &options.indexed_fields)?;
                    (keys, configured)
                }
                None => {
                    let mut vault_id = [0u8; 16];
                    random_fill(&mut vault_id)?;
                    let (configured, indexed_fields) = Subjects::configure(None, &options.indexed_fields)?;
                    store::meta::insert(tx, &MetaRow { vault_id, created_ms: now, indexed_fields })?;
                    (Keyring::create(tx, vault_id, key, now)?, configured)
                }
            };
            crate::upgrade::finish(tx, &keys, from)?;
            let region = pin_region(tx, requested.as_deref())?;
            Ok((keys, configured, region))
        })?;
        let subjects = Subjects::new(&keys, configured, region, options.audit_details);
        let tokens = Tokens::new(&keys, region);
        let engine = Arc::new(Engine::new(store, keys, clock, &options));
        // A WAL left by a process that ended without closing (and so maybe holding pages of
        // subjects erased inside an erasure window, or while a reader blocked the truncation) is
        // checkpointed and truncated now. Another process's open read may keep it from finishing;
        // the next checkpoint does it then.
        engine.scrub_residue()?;
        // The background thread commits buffered read events and does coalesced WAL
        // truncations: it wakes every audit interval, or (reads audited synchronously) often
        // enough for the erasure window.
        let tick = match (options.audit_flush_interval_ms, options.erasure_wal_window_ms) {
            (0, 0) => None,
            (0, window) => Some(window.min(100)),
            (interval, 0) => Some(interval),
            (interval, window) => Some(interval.min(window)),
        };
        let flusher = match tick {
            Some(ms) => Some(Flusher::spawn(Arc::downgrade(&engine), Duration::from_millis(ms))?),
            None => None,
        };
        let open = Arc::new(Open { engine, subjects, tokens });
        Ok(Vault { shared: Arc::new(Shared { open: RwLock::new(Some(open)), flusher: Mutex::new(flusher) }) })
    }

    /// Close the vault: write buffered audit events, checkpoint and remove the WAL, wipe the keys.
    /// Later calls on this vault (or its clones) fail with `CLOSED`; closing twice is a no-op.
    pub fn close(&self) -> Result<()> {
        close_shared(&self.shared)
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.shared.open.read().map(|g| g.is_none()).unwrap_or(true)
    }

    /// Parse JSON text (from C, or any caller holding text) under this vault's limits: oversized
    /// text is refused before it is parsed.
    pub fn parse_document(&self, text: &str) -> Result<Value> {
        self.state()?.engine.limits.parse(text)
    }

    /// Parse the JSON text of a batch (an array of documents or lookups) under this vault's
    /// limits: text larger than `max_batch_bytes` is refused before it is parsed.
    pub fn parse_batch(&self, text: &str) -> Result<Value> {
        self.state()?.engine.limits.parse_batch(text)
    }

    /// This vault's input limits (bindings check them while converting arguments, so an
    /// oversized argument is refused before it is copied whole).
    pub fn limits(&self) -> Result<Limits> {
        Ok(self.state()?.engine.limits.clone())
    }

    fn state(&self) -> Result<Arc<Open>> {
        let guard = self.shared.open.read().unwrap_or_else(|p| p.into_inner());
        guard.clone().ok_or_else(|| Error::new(ErrorKind::Closed, "the vault is closed"))
    }

    // ---- the vault ------------------------------------------------------------------------

    /// Rewrite the vault file so that nothing of erased subjects survives anywhere in it: SQLite
    /// zeroes deleted rows, but B-tree rebalancing can leave stale copies of rows it moved earlier
    /// in free page space; compaction (`VACUUM`, then a WAL truncation) writes every page afresh
    /// from live rows. Takes time proportional to the vault's size and holds the write lock
    /// meanwhile: run it after erasures, e.g. nightly. Audited as `vault.compact`.
    pub fn compact(&self, caller: &Caller) -> Result<CompactReport> {
        let open = self.state()?;
        let engine = &open.engine;
        engine.write(caller, Action::VaultCompact, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            Ok(((), vec![Event::attempt(Action::VaultCompact, None)]))
        })?;
        let done = engine.compact_storage()?;
        Ok(CompactReport {
            bytes_before: done.bytes_before,
            bytes_after: done.bytes_after,
            wal_truncated: done.wal_truncated,
        })
    }

    /// Replace the master key: the root key is wrapped for `new_key` in one atomic write (one
    /// row), audited as `vault.rekey`. Afterwards only `new_key` opens the vault; a crash at any
    /// point leaves exactly one of the two keys able to open it. Nothing else is re-encrypted.
    pub fn rekey(&self, caller: &Caller, new_key: &MasterKey) -> Result<()> {
        let open = self.state()?;
        let engine = &open.engine;
        engine.write(caller, Action::VaultRekey, None, |tx| {
            engine.validate_purpose(tx, caller)?;
            engine.keys().rekey(tx, new_key, engine.now_ms())?;
            Ok(((), vec![Event::attempt(Action::VaultRekey, None)]))
        })?;
        // The old key's wrapping must not linger in the storage's residue.
        engine.scrub_residue()?;
        Ok(())
    }

    // ---- subjects -------------------------------------------------------------------------

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

    // ---- tokens ---------------------------------------------------------------------------

    /// Make a token standing in for `value` and return it. `options` is a JSON object of
    /// [`TokenizeOptions`] (`None`: a random UUID token that never expires). A value that does
    /// not fit the kind is `INVALID_INPUT` (the message never contains it); a subject named by
    /// `subject` that does not exist is `NOT_FOUND` (`ERASED` if erased); a format whose space is
    /// used up is `EXHAUSTED`. Audited as `token.create` with a keyed hash of the token.
    pub fn tokenize(&self, caller: &Caller, value: &str, options: Option<Value>) -> Result<String> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenCreate, "tokenize options", options)?;
        open.tokens.tokenize(&open.engine, caller, value, &options)
    }

    /// [`tokenize`](Self::tokenize) with typed options.
    pub fn tokenize_with(&self, caller: &Caller, value: &str, options: &TokenizeOptions) -> Result<String> {
        let open = self.state()?;
        open.tokens.tokenize(&open.engine, caller, value, options)
    }

    /// Tokenize many values with the same options in one transaction (at most
    /// [`Limits::max_batch`](crate::Limits)): per item a status (`created`, `existing`,
    /// `failed`), its token or error, and a summary. A value that does not fit fails only its
    /// item, unless `all_or_nothing`: then the first failure fails the call (naming the item) and
    /// nothing is written.
    pub fn tokenize_many(
        &self,
        caller: &Caller,
        values: &[String],
        options: Option<Value>,
        all_or_nothing: bool,
    ) -> Result<TokenBatch<TokenizeItem>> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenCreate, "tokenize options", options)?;
        open.tokens.tokenize_many(&open.engine, caller, values, &options, all_or_nothing)
    }

    /// The value `token` stands for (masked with the `mask` option of [`DetokenizeOptions`]).
    /// Unknown → `NOT_FOUND`; expired → `EXPIRED`. A token made with `once` is deleted by this
    /// call; a sliding expiry moves. Audited as `token.detokenize` with the caller's purpose and
    /// a keyed hash of the token.
    pub fn detokenize(&self, caller: &Caller, token: &str, options: Option<Value>) -> Result<String> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenDetokenize, "detokenize options", options)?;
        open.tokens.detokenize(&open.engine, caller, token, &options)
    }

    /// [`detokenize`](Self::detokenize) with typed options.
    pub fn detokenize_with(&self, caller: &Caller, token: &str, options: &DetokenizeOptions) -> Result<String> {
        let open = self.state()?;
        open.tokens.detokenize(&open.engine, caller, token, options)
    }

    /// Detokenize many tokens on one snapshot (inside one write when some token changes when
    /// used): per item its value or error, and a summary; `all_or_nothing` makes any failure
    /// fail the call.
    pub fn detokenize_many(
        &self,
        caller: &Caller,
        tokens: &[String],
        options: Option<Value>,
        all_or_nothing: bool,
    ) -> Result<TokenBatch<DetokenizeItem>> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenDetokenize, "detokenize options", options)?;
        open.tokens.detokenize_many(&open.engine, caller, tokens, &options, all_or_nothing)
    }

    /// Replace the personal data in free text — emails, phone numbers, card numbers (Luhn-checked)
    /// and the literal `values` of [`TextOptions`] — with typed placeholders `[EMAIL:token]`,
    /// `[PHONE:token]`, `[CARD:token]`, `[VALUE:token]`. The tokens are vaulted and deterministic
    /// in the options' `scope` (`text` by default): a value keeps its token across calls. For
    /// keeping personal data out of logs and out of prompts sent to language models. Audited as
    /// `token.create` once per distinct token.
    pub fn tokenize_text(&self, caller: &Caller, text: &str, options: Option<Value>) -> Result<String> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenCreate, "tokenize_text options", options)?;
        open.tokens.tokenize_text(&open.engine, caller, text, &options)
    }

    /// Put the values back in place of the placeholders `tokenize_text` wrote (masked with the
    /// `mask` option). A placeholder whose token is unknown, deleted or expired stays as it is.
    /// Audited as `token.detokenize` per placeholder.
    pub fn detokenize_text(&self, caller: &Caller, text: &str, options: Option<Value>) -> Result<String> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::TokenDetokenize, "detokenize options", options)?;
        open.tokens.detokenize_text(&open.engine, caller, text, &options)
    }

    /// Delete a token (`NOT_FOUND` when there is none). Audited as `token.delete`.
    pub fn delete_token(&self, caller: &Caller, token: &str) -> Result<()> {
        let open = self.state()?;
        open.tokens.delete(&open.engine, caller, token)
    }

    /// Delete many tokens in one transaction: per item whether it was deleted or its error;
    /// `all_or_nothing` makes any failure fail the call and delete nothing.
    pub fn delete_tokens(
        &self,
        caller: &Caller,
        tokens: &[String],
        all_or_nothing: bool,
    ) -> Result<TokenBatch<DeleteItem>> {
        let open = self.state()?;
        open.tokens.delete_many(&open.engine, caller, tokens, all_or_nothing)
    }

    /// A token's kind, scope, expiry and linked subject — never its value. Audited as
    /// `token.info`.
    pub fn token_info(&self, caller: &Caller, token: &str) -> Result<TokenInfo> {
        let open = self.state()?;
        open.tokens.info(&open.engine, caller, token)
    }

    /// [`token_info`](Self::token_info) of many tokens on one snapshot: per item the info or the
    /// error, and a summary; `all_or_nothing` makes any failure fail the call.
    pub fn token_infos(
        &self,
        caller: &Caller,
        tokens: &[String],
        all_or_nothing: bool,
    ) -> Result<TokenBatch<InfoItem>> {
        let open = self.state()?;
        open.tokens.info_many(&open.engine, caller, tokens, all_or_nothing)
    }

    /// Delete every expired token, a thousand per transaction. Audited as `token.purge`.
    pub fn purge_tokens(&self, caller: &Caller) -> Result<PurgeReport> {
        let open = self.state()?;
        open.tokens.purge(&open.engine, caller)
    }

    // ---- consent --------------------------------------------------------------------------

    /// Create or change the legal basis `brief` (`^[a-z][a-z0-9-]{1,64}$`) from a JSON object of
    /// [`LegalBasisSpec`]. A new basis needs `type`; absent fields keep their values. A change
    /// of the texts people are shown makes a new notice version (all are kept). Audited as
    /// `basis.set`.
    pub fn set_legal_basis(&self, caller: &Caller, brief: &str, spec: Value) -> Result<LegalBasis> {
        let open = self.state()?;
        let spec = parse_options(&open.engine, caller, Action::BasisSet, "legal basis", Some(spec))?;
        catalogue::set_basis(&open.engine, caller, brief, &spec)
    }

    /// [`set_legal_basis`](Self::set_legal_basis) with a typed spec.
    pub fn set_legal_basis_with(&self, caller: &Caller, brief: &str, spec: &LegalBasisSpec) -> Result<LegalBasis> {
        let open = self.state()?;
        catalogue::set_basis(&open.engine, caller, brief, spec)
    }

    /// The legal basis `brief` with every notice version (`NOT_FOUND` when there is none). The
    /// catalogue holds no personal data: not audited.
    pub fn get_legal_basis(&self, brief: &str) -> Result<LegalBasis> {
        catalogue::get_basis(&self.state()?.engine, brief)
    }

    /// Every legal basis (deleted ones too), by brief.
    pub fn list_legal_bases(&self) -> Result<Vec<LegalBasis>> {
        catalogue::list_bases(&self.state()?.engine)
    }

    /// Delete a legal basis: it is marked `deleted` (its notices are kept) and every agreement
    /// under it is revoked — at once for every purpose check, then in the history and the
    /// outbox a thousand subjects per transaction (an interrupted call is completed by calling
    /// again). Audited as `basis.delete`, and `consent.revoke` per subject.
    pub fn delete_legal_basis(&self, caller: &Caller, brief: &str) -> Result<ConsentReport> {
        Consent::revoke_basis(&self.state()?.engine, caller, brief, true)
    }

    /// Revoke every agreement under a legal basis (the basis stays; new agreements may be
    /// given), as [`delete_legal_basis`](Self::delete_legal_basis) does. Audited as
    /// `basis.revoke`.
    pub fn revoke_legal_basis(&self, caller: &Caller, brief: &str) -> Result<ConsentReport> {
        Consent::revoke_basis(&self.state()?.engine, caller, brief, false)
    }

    /// Create or change the processing activity `name` (the purpose callers pass) from a JSON
    /// object of [`ActivitySpec`]. Once a vault has an activity, every purpose a caller names
    /// must be one of them. Audited as `activity.set`.
    pub fn set_activity(&self, caller: &Caller, name: &str, spec: Value) -> Result<Activity> {
        let open = self.state()?;
        let spec = parse_options(&open.engine, caller, Action::ActivitySet, "activity", Some(spec))?;
        catalogue::set_activity(&open.engine, caller, name, &spec)
    }

    /// [`set_activity`](Self::set_activity) with a typed spec.
    pub fn set_activity_with(&self, caller: &Caller, name: &str, spec: &ActivitySpec) -> Result<Activity> {
        catalogue::set_activity(&self.state()?.engine, caller, name, spec)
    }

    /// Let an activity rely on a legal basis. Audited as `activity.link`.
    pub fn link_activity(&self, caller: &Caller, name: &str, brief: &str) -> Result<Activity> {
        catalogue::link_activity(&self.state()?.engine, caller, name, brief, true)
    }

    /// Stop an activity relying on a legal basis. Audited as `activity.unlink`.
    pub fn unlink_activity(&self, caller: &Caller, name: &str, brief: &str) -> Result<Activity> {
        catalogue::link_activity(&self.state()?.engine, caller, name, brief, false)
    }

    /// Delete a processing activity (its name is then an unknown purpose). Audited as
    /// `activity.delete`.
    pub fn delete_activity(&self, caller: &Caller, name: &str) -> Result<()> {
        catalogue::delete_activity(&self.state()?.engine, caller, name)
    }

    /// Every processing activity, by name.
    pub fn list_activities(&self) -> Result<Vec<Activity>> {
        catalogue::list_activities(&self.state()?.engine)
    }

    /// Record that a subject gave (or, with `status: "refused"`, refused) consent under a legal
    /// basis, with [`ConsentOptions`] (start, expiry, method, channel, language, reference,
    /// notice version). Appended to the subject's consent record (never an edit) with an outbox
    /// event, in one transaction. The basis must be active. Audited as `consent.give`.
    pub fn give_consent(
        &self,
        caller: &Caller,
        lookup: &Lookup,
        brief: &str,
        options: Option<Value>,
    ) -> Result<Agreement> {
        let open = self.state()?;
        let options: ConsentOptions =
            parse_options(&open.engine, caller, Action::ConsentGive, "consent options", options)?;
        Consent::give(&open.engine, &open.subjects, caller, lookup, brief, &options)
    }

    /// [`give_consent`](Self::give_consent) with typed options.
    pub fn give_consent_with(
        &self,
        caller: &Caller,
        lookup: &Lookup,
        brief: &str,
        options: &ConsentOptions,
    ) -> Result<Agreement> {
        let open = self.state()?;
        Consent::give(&open.engine, &open.subjects, caller, lookup, brief, options)
    }

    /// Record that a subject withdrew consent (options: method, channel, language, reference).
    /// An agreement not in force is returned unchanged; none at all is `NOT_FOUND`. Audited as
    /// `consent.withdraw`.
    pub fn withdraw_consent(
        &self,
        caller: &Caller,
        lookup: &Lookup,
        brief: &str,
        options: Option<Value>,
    ) -> Result<Agreement> {
        let open = self.state()?;
        let options: ConsentOptions =
            parse_options(&open.engine, caller, Action::ConsentWithdraw, "consent options", options)?;
        Consent::end(&open.engine, &open.subjects, caller, lookup, brief, &options, false)
    }

    /// Record that an operator revoked a subject's consent, as
    /// [`withdraw_consent`](Self::withdraw_consent) records a withdrawal. Audited as
    /// `consent.revoke`.
    pub fn revoke_consent(
        &self,
        caller: &Caller,
        lookup: &Lookup,
        brief: &str,
        options: Option<Value>,
    ) -> Result<Agreement> {
        let open = self.state()?;
        let options: ConsentOptions =
            parse_options(&open.engine, caller, Action::ConsentRevoke, "consent options", options)?;
        Consent::end(&open.engine, &open.subjects, caller, lookup, brief, &options, true)
    }

    /// A subject's current decision about a legal basis (`NOT_FOUND` when it never decided).
    /// Audited as `consent.get`.
    pub fn get_consent(&self, caller: &Caller, lookup: &Lookup, brief: &str) -> Result<Agreement> {
        let open = self.state()?;
        Consent::get(&open.engine, &open.subjects, caller, lookup, brief)
    }

    /// A subject's current decisions, by legal basis. Audited as `consent.list`.
    pub fn list_consents(&self, caller: &Caller, lookup: &Lookup) -> Result<Vec<Agreement>> {
        let open = self.state()?;
        Consent::list(&open.engine, &open.subjects, caller, lookup)
    }

    /// A subject's whole consent record as a receipt (Kantara Consent Receipt fields, the
    /// ISO/IEC TS 27560 record under `record`), MACed so that
    /// [`verify_consent_receipt`](Self::verify_consent_receipt) detects any change. Audited as
    /// `consent.export`.
    pub fn export_consent_receipt(&self, caller: &Caller, lookup: &Lookup) -> Result<Value> {
        let open = self.state()?;
        consent::export_receipt(&open.engine, &open.subjects, caller, lookup)
    }

    /// Verify a receipt this vault issued: `INTEGRITY` when anything in it changed (or another
    /// vault issued it).
    pub fn verify_consent_receipt(&self, receipt: Value) -> Result<ReceiptCheck> {
        consent::verify(&self.state()?.engine, &receipt)
    }

    /// Whether `purpose` allows `operation` (`read` by default; `write`, `delete`, `export`,
    /// `detokenize`) on a subject, answered as the purpose check answers it, without reading
    /// the subject's data. An unknown purpose is `INVALID_INPUT`. Audited as `consent.check`
    /// (the default actor, the purpose asked about, the subject; never the looked-up value):
    /// the answer tells whether someone is a subject.
    pub fn can_process(&self, lookup: &Lookup, purpose: &str, operation: Option<&str>) -> Result<ProcessingDecision> {
        let open = self.state()?;
        Consent::can_process(&open.engine, &open.subjects, lookup, purpose, operation)
    }

    /// Consent events (given, refused, withdrawn, revoked, expired, erased), oldest first,
    /// after what `consumer` (`default` when `None`) acknowledged — or after `page.cursor`. An
    /// event stays deliverable until acknowledged: at least once, in order. Audited as
    /// `outbox.read`.
    pub fn list_consent_events(
        &self,
        caller: &Caller,
        consumer: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<ConsentEvent>> {
        Consent::events(&self.state()?.engine, caller, consumer, page)
    }

    /// Acknowledge the consent events up to and including the one whose `cursor` is given.
    /// Audited as `outbox.ack`.
    pub fn ack_consent_events(&self, caller: &Caller, cursor: &str, consumer: Option<&str>) -> Result<()> {
        Consent::ack(&self.state()?.engine, caller, consumer, cursor)
    }

    /// Record every agreement whose expiry passed as `expired` (with its outbox event), a
    /// thousand per transaction. Audited as `consent.purge`.
    pub fn purge_consents(&self, caller: &Caller) -> Result<ConsentReport> {
        Consent::purge(&self.state()?.engine, caller)
    }

    // ---- audit ----------------------------------------------------------------------------

    /// Audit events, newest first: those of the subject with token `subject`, or all events when
    /// `None`. With `details`, each event's details (the before/after of a change: personal
    /// data) are decrypted while the subject exists and the caller's purpose allows `read` or
    /// `export` of it (otherwise the event comes without them and `details_refused` says why),
    /// and the listing is audited as `audit.list_details` (otherwise `audit.list`). Follow `next` for the next page; each event
    /// is returned once even while others are appended.
    pub fn list_audit_events(
        &self,
        caller: &Caller,
        subject: Option<&str>,
        page: &PageRequest,
        details: bool,
    ) -> Result<Page<AuditEvent>> {
        let open = self.state()?;
        audit::list(&open.engine, caller, subject, page, details)
    }

    /// The current chain head, after committing buffered events: keep it outside the vault.
    pub fn get_audit_head(&self) -> Result<AuditHead> {
        audit::head(&self.state()?.engine)
    }

    /// Check the whole chain (every event's MAC, contiguous sequence numbers from 1) and every
    /// stored subject against its last audited change. With an `anchor` (a head kept outside the
    /// vault), also check that the log still reaches it and holds the same event there —
    /// detecting truncation and rollback. A failure is `INTEGRITY`.
    pub fn verify_audit(&self, anchor: Option<&AuditHead>) -> Result<AuditReport> {
        audit::verify(&self.state()?.engine, anchor)
    }

    /// Commit buffered read events now, and complete the WAL truncations that erasures left
    /// pending (with `erasure_wal_window_ms` above 0).
    pub fn flush_audit(&self) -> Result<()> {
        let engine = &self.state()?.engine;
        engine.flush_audit()?;
        engine.truncate_wal_if_due(true)
    }
}

#[cfg(feature = "testing")]
impl Vault {
    /// See `testing::store_profile_unindexed`.
    pub(crate) fn testing_store_unindexed(&self, token: &str, profile: Value) -> Result<()> {
        let open = self.state()?;
        open.subjects.store_unindexed(&open.engine, token, profile)
    }
}

/// The default phone region of the vault. A national number's blind index depends on the region
/// it was read with, so the first region given is recorded in the vault and used from then on:
/// opening without one uses it, opening with another is `INVALID_INPUT`. (A vault that never had
/// one holds only international numbers, which no region changes, so a first region can be given
/// at any later open.)
fn pin_region(tx: &store::Tx<'_>, requested: Option<&str>) -> Result<Option<normalize::Region>> {
    let code = match (store::meta::default_region(tx)?, requested) {
        (Some(stored), Some(asked)) if stored != asked => {
            return Err(Error::invalid(format!(
                "the vault's phone numbers were indexed with default_region {stored}; open it with that region or none"
            )));
        }
        (Some(stored), _) => Some(stored),
        (None, Some(asked)) => {
            store::meta::set_default_region(tx, asked)?;
            Some(asked.to_owned())
        }
        (None, None) => None,
    };
    code.as_deref().map(normalize::parse_region).transpose()
}

fn close_shared(shared: &Shared) -> Result<()> {
    let open = shared.open.write().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(flusher) = shared.flusher.lock().unwrap_or_else(|p| p.into_inner()).take() {
        flusher.stop();
    }
    let Some(open) = open else { return Ok(()) };
    let engine = &open.engine;
    engine.flush_audit()?;
    engine.release_readers();
    engine.scrub_residue()?;
    Ok(())
}
