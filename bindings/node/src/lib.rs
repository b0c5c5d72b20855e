//! Node.js bindings: convert arguments, call the core (off the event loop for the `*Async`
//! variants), map errors to `Error`s whose `.code` is the core's code string. No domain logic.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use bunkerlite::{AuditHead, Error, ErrorKind, Lookup, Options, DEFAULT_ACTOR};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

mod json;
use json::{ActorOption, Document, Json};

fn js_error(err: &Error) -> napi::Error<String> {
    napi::Error::new(err.code().to_owned(), err.message().to_owned())
}

/// Run core work, trapping panics (a bug becomes `INTERNAL`, the process survives).
fn run<T>(f: impl FnOnce() -> bunkerlite::Result<T>) -> bunkerlite::Result<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Error::new(ErrorKind::Internal, "a bug in bunkerlite was caught (panic)")))
}

fn sync<T>(f: impl FnOnce() -> bunkerlite::Result<T>) -> Result<T, String> {
    run(f).map_err(|e| js_error(&e))
}

/// A result as JSON text for JavaScript.
fn out(value: impl serde::Serialize) -> bunkerlite::Result<Json> {
    Json::of(&value)
}

/// Per-call options of most methods: who acts.
#[napi(object)]
#[derive(Default)]
pub struct CallOptions {
    /// Recorded in the audit log (`"app:billing"`); defaults to `"app"`.
    pub actor: Option<String>,
}

/// Per-call options of the audit listings: who acts, and paging.
#[napi(object)]
#[derive(Default)]
pub struct PageOptions {
    /// Recorded in the audit log (`"admin:dpo"`); defaults to `"app"`.
    pub actor: Option<String>,
    /// Events to skip (default 0).
    pub offset: Option<i64>,
    /// Events per page, 1–1000 (default 100).
    pub limit: Option<i64>,
}

fn actor(opts: &Option<ActorOption>) -> bunkerlite::Result<String> {
    match opts {
        None => Ok(DEFAULT_ACTOR.to_owned()),
        Some(ActorOption(Ok(a))) => Ok(a.clone().unwrap_or_else(|| DEFAULT_ACTOR.to_owned())),
        Some(ActorOption(Err(e))) => Err(Error::new(e.kind(), e.message().to_owned())),
    }
}

fn page_actor(opts: &Option<PageOptions>) -> String {
    opts.as_ref().and_then(|o| o.actor.clone()).unwrap_or_else(|| DEFAULT_ACTOR.to_owned())
}

fn paging(opts: &Option<PageOptions>) -> bunkerlite::Result<(u64, u64)> {
    let offset = opts.as_ref().and_then(|o| o.offset).unwrap_or(0);
    let limit = opts.as_ref().and_then(|o| o.limit).unwrap_or(bunkerlite::DEFAULT_PAGE as i64);
    match (u64::try_from(offset), u64::try_from(limit)) {
        (Ok(o), Ok(l)) => Ok((o, l)),
        _ => Err(Error::new(ErrorKind::InvalidInput, "offset and limit must not be negative")),
    }
}

fn options(value: Option<Document>) -> bunkerlite::Result<Options> {
    Options::from_json(value.map(|d| d.0).transpose()?.unwrap_or(Value::Null))
}

fn lookups(value: Document) -> bunkerlite::Result<Vec<Lookup>> {
    match value.0? {
        Value::Array(items) => items.iter().map(Lookup::from_json).collect(),
        _ => Err(Error::new(ErrorKind::InvalidInput, "lookups must be an array")),
    }
}

fn profiles(value: Document) -> bunkerlite::Result<Vec<Value>> {
    match value.0? {
        Value::Array(items) => Ok(items),
        _ => Err(Error::new(ErrorKind::InvalidInput, "profiles must be an array")),
    }
}

/// A 32-byte master key. Never printed; wiped when garbage-collected.
#[napi]
pub struct MasterKey {
    inner: Arc<bunkerlite::MasterKey>,
}

#[napi]
impl MasterKey {
    /// A new random key from the OS CSPRNG.
    #[napi(factory)]
    pub fn generate() -> Result<MasterKey, String> {
        sync(bunkerlite::MasterKey::generate).map(MasterKey::wrap)
    }
    /// A key from exactly 32 bytes.
    #[napi(factory)]
    pub fn from_bytes(bytes: Buffer) -> Result<MasterKey, String> {
        sync(|| bunkerlite::MasterKey::from_bytes(&bytes)).map(MasterKey::wrap)
    }
    /// A key from 64 hex digits.
    #[napi(factory)]
    pub fn from_hex(text: String) -> Result<MasterKey, String> {
        sync(|| bunkerlite::MasterKey::from_hex(&text)).map(MasterKey::wrap)
    }
    /// A key from base64.
    #[napi(factory)]
    pub fn from_base64(text: String) -> Result<MasterKey, String> {
        sync(|| bunkerlite::MasterKey::from_base64(&text)).map(MasterKey::wrap)
    }
    /// A key from an environment variable holding hex or base64.
    #[napi(factory)]
    pub fn from_env(name: String) -> Result<MasterKey, String> {
        sync(|| bunkerlite::MasterKey::from_env(&name)).map(MasterKey::wrap)
    }
    /// A key from a file holding 32 raw bytes or hex/base64 text.
    #[napi(factory)]
    pub fn from_file(path: String) -> Result<MasterKey, String> {
        sync(|| bunkerlite::MasterKey::from_file(&path)).map(MasterKey::wrap)
    }
    /// The key as 64 hex digits, to store in your secret store.
    #[napi]
    pub fn to_hex(&self) -> String {
        self.inner.to_hex().as_str().to_owned()
    }
    /// Never the key's bytes.
    #[napi(js_name = "toString")]
    pub fn to_display(&self) -> String {
        "MasterKey(<redacted>)".to_owned()
    }
}

impl MasterKey {
    fn wrap(key: bunkerlite::MasterKey) -> MasterKey {
        MasterKey { inner: Arc::new(key) }
    }
}

/// Core work run on libuv's thread pool; the promise resolves to its JSON result or rejects
/// with an `Error` carrying `.code`.
pub struct Work {
    job: Option<Box<dyn FnOnce() -> bunkerlite::Result<Json> + Send>>,
}

/// The rejection of an async call: an `Error` whose `.code` is the core's code, as sync calls throw.
fn rejection(env: &Env, e: &Error) -> napi::Error {
    let made =
        env.create_error(napi::Error::new(Status::GenericFailure, e.message().to_owned())).and_then(|mut obj| {
            obj.set_named_property("code", e.code())?;
            Ok(napi::Error::from(obj.to_unknown()))
        });
    made.unwrap_or_else(|err| err)
}

impl Work {
    fn new(job: impl FnOnce() -> bunkerlite::Result<Json> + Send + 'static) -> AsyncTask<Work> {
        AsyncTask::new(Work { job: Some(Box::new(job)) })
    }
}

impl Task for Work {
    type Output = bunkerlite::Result<Json>;
    type JsValue = Json;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let job = self.job.take().ok_or_else(|| napi::Error::from_reason("task ran twice"))?;
        Ok(run(job))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Json> {
        output.map_err(|e| rejection(&env, &e))
    }
}

/// An open vault. Share it freely; the `*Async` methods run off the event loop.
#[napi]
pub struct Vault {
    inner: bunkerlite::Vault,
}

#[napi]
impl Vault {
    /// Open (or create) the vault file at `path` with `key`.
    #[napi(factory)]
    pub fn open(
        path: String,
        key: &MasterKey,
        #[napi(ts_arg_type = "Options | null")] options: Option<Document>,
    ) -> Result<Vault, String> {
        sync(|| bunkerlite::Vault::open(&path, &key.inner, self::options(options)?)).map(|inner| Vault { inner })
    }

    /// A private in-memory vault, gone when closed.
    #[napi(factory)]
    pub fn open_in_memory(
        key: &MasterKey,
        #[napi(ts_arg_type = "Options | null")] options: Option<Document>,
    ) -> Result<Vault, String> {
        sync(|| bunkerlite::Vault::open_in_memory(&key.inner, self::options(options)?)).map(|inner| Vault { inner })
    }

    /// Close the vault (idempotent). Later calls throw with code `CLOSED`.
    #[napi]
    pub fn close(&self) -> Result<(), String> {
        sync(|| self.inner.close())
    }

    /// Whether the vault is closed.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Create a subject from a profile object; returns its token.
    #[napi]
    pub fn create_subject(
        &self,
        #[napi(ts_arg_type = "{ [key: string]: Json }")] profile: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<String, String> {
        sync(|| self.inner.create_subject(&actor(&opts)?, profile.0?))
    }

    /// Create many subjects in one transaction (all or none); returns their tokens.
    #[napi]
    pub fn create_subjects(
        &self,
        #[napi(ts_arg_type = "Array<{ [key: string]: Json }>")] profiles: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<Vec<String>, String> {
        sync(|| self.inner.create_subjects(&actor(&opts)?, self::profiles(profiles)?))
    }

    /// Read a subject: `getSubject({ email: "…" })` (one of token, email, phone, login or an
    /// indexed field).
    #[napi(ts_return_type = "Subject")]
    pub fn get_subject(
        &self,
        #[napi(ts_arg_type = "Lookup")] lookup: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<Json, String> {
        sync(|| out(self.inner.get_subject(&actor(&opts)?, &Lookup::from_json(&lookup.0?)?)?))
    }

    /// Read many subjects: misses give `null`.
    #[napi(ts_return_type = "Array<Subject | null>")]
    pub fn get_subjects(
        &self,
        #[napi(ts_arg_type = "Lookup[]")] lookups: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<Json, String> {
        sync(|| out(self.inner.get_subjects(&actor(&opts)?, &self::lookups(lookups)?)?))
    }

    /// Change a subject: an object is a merge patch, an array a JSON Patch.
    #[napi(ts_return_type = "Subject")]
    pub fn update_subject(
        &self,
        #[napi(ts_arg_type = "Lookup")] lookup: Document,
        #[napi(ts_arg_type = "Json")] patch: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<Json, String> {
        sync(|| out(self.inner.update_subject(&actor(&opts)?, &Lookup::from_json(&lookup.0?)?, patch.0?)?))
    }

    /// Erase a subject (crypto-shredding); returns the erasure receipt.
    #[napi(ts_return_type = "ErasureReceipt")]
    pub fn forget_subject(
        &self,
        #[napi(ts_arg_type = "Lookup")] lookup: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<Json, String> {
        sync(|| out(self.inner.forget_subject(&actor(&opts)?, &Lookup::from_json(&lookup.0?)?)?))
    }

    /// A subject's audit events, newest first: `{ total, items }`.
    #[napi(ts_return_type = "Page<AuditEvent>")]
    pub fn audit_events(&self, token: String, opts: Option<PageOptions>) -> Result<Json, String> {
        sync(|| {
            let (offset, limit) = paging(&opts)?;
            out(self.inner.audit_events(&page_actor(&opts), &token, offset, limit)?)
        })
    }

    /// All audit events, newest first.
    #[napi(ts_return_type = "Page<AuditEvent>")]
    pub fn audit_all(&self, opts: Option<PageOptions>) -> Result<Json, String> {
        sync(|| {
            let (offset, limit) = paging(&opts)?;
            out(self.inner.audit_all(&page_actor(&opts), offset, limit)?)
        })
    }

    /// The audit chain head `{ seq, hash }`: keep it outside the vault.
    #[napi(ts_return_type = "AuditHead")]
    pub fn audit_head(&self) -> Result<Json, String> {
        sync(|| out(self.inner.audit_head()?))
    }

    /// Verify the audit chain (against `anchor`, a head kept earlier, if given).
    #[napi(ts_return_type = "AuditReport")]
    pub fn audit_verify(
        &self,
        #[napi(ts_arg_type = "AuditHead | null")] anchor: Option<Document>,
    ) -> Result<Json, String> {
        sync(|| {
            let anchor = anchor
                .map(|a| a.0)
                .transpose()?
                .filter(|a| !a.is_null())
                .map(|a| AuditHead::from_json(&a))
                .transpose()?;
            out(self.inner.audit_verify(anchor.as_ref())?)
        })
    }

    /// Commit buffered read events now.
    #[napi]
    pub fn audit_flush(&self) -> Result<(), String> {
        sync(|| self.inner.audit_flush())
    }

    /// Rewrite the vault file so nothing of erased subjects survives (run it after erasures).
    #[napi(ts_return_type = "CompactReport")]
    pub fn compact(
        &self,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<Json, String> {
        sync(|| out(self.inner.compact(&actor(&opts)?)?))
    }

    /// `compact`, off the event loop.
    #[napi(ts_return_type = "Promise<CompactReport>")]
    pub fn compact_async(
        &self,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), actor(&opts));
        Work::new(move || out(v.compact(&a?)?))
    }

    /// `open`, off the event loop.
    #[napi(ts_return_type = "Promise<Vault>")]
    pub fn open_async(
        path: String,
        key: &MasterKey,
        #[napi(ts_arg_type = "Options | null")] options: Option<Document>,
    ) -> AsyncTask<OpenWork> {
        let key = key.inner.clone();
        AsyncTask::new(OpenWork {
            job: Some(Box::new(move || bunkerlite::Vault::open(&path, &key, self::options(options)?))),
        })
    }

    /// `createSubject`, off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn create_subject_async(
        &self,
        #[napi(ts_arg_type = "{ [key: string]: Json }")] profile: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), actor(&opts));
        Work::new(move || out(v.create_subject(&a?, profile.0?)?))
    }

    /// `createSubjects`, off the event loop.
    #[napi(ts_return_type = "Promise<string[]>")]
    pub fn create_subjects_async(
        &self,
        #[napi(ts_arg_type = "Array<{ [key: string]: Json }>")] profiles: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), actor(&opts));
        Work::new(move || out(v.create_subjects(&a?, self::profiles(profiles)?)?))
    }

    /// `getSubject`, off the event loop.
    #[napi(ts_return_type = "Promise<Subject>")]
    pub fn get_subject_async(
        &self,
        #[napi(ts_arg_type = "Lookup")] lookup: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), actor(&opts));
        Work::new(move || out(v.get_subject(&a?, &Lookup::from_json(&lookup.0?)?)?))
    }

    /// `getSubjects`, off the event loop.
    #[napi(ts_return_type = "Promise<Array<Subject | null>>")]
    pub fn get_subjects_async(
        &self,
        #[napi(ts_arg_type = "Lookup[]")] lookups: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), actor(&opts));
        Work::new(move || out(v.get_subjects(&a?, &self::lookups(lookups)?)?))
    }

    /// `updateSubject`, off the event loop.
    #[napi(ts_return_type = "Promise<Subject>")]
    pub fn update_subject_async(
        &self,
        #[napi(ts_arg_type = "Lookup")] lookup: Document,
        #[napi(ts_arg_type = "Json")] patch: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), actor(&opts));
        Work::new(move || out(v.update_subject(&a?, &Lookup::from_json(&lookup.0?)?, patch.0?)?))
    }

    /// `forgetSubject`, off the event loop.
    #[napi(ts_return_type = "Promise<ErasureReceipt>")]
    pub fn forget_subject_async(
        &self,
        #[napi(ts_arg_type = "Lookup")] lookup: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), actor(&opts));
        Work::new(move || out(v.forget_subject(&a?, &Lookup::from_json(&lookup.0?)?)?))
    }

    /// `auditEvents`, off the event loop.
    #[napi(ts_return_type = "Promise<Page<AuditEvent>>")]
    pub fn audit_events_async(&self, token: String, opts: Option<PageOptions>) -> AsyncTask<Work> {
        let (v, a, p) = (self.inner.clone(), page_actor(&opts), paging(&opts));
        Work::new(move || {
            let (offset, limit) = p?;
            out(v.audit_events(&a, &token, offset, limit)?)
        })
    }

    /// `auditAll`, off the event loop.
    #[napi(ts_return_type = "Promise<Page<AuditEvent>>")]
    pub fn audit_all_async(&self, opts: Option<PageOptions>) -> AsyncTask<Work> {
        let (v, a, p) = (self.inner.clone(), page_actor(&opts), paging(&opts));
        Work::new(move || {
            let (offset, limit) = p?;
            out(v.audit_all(&a, offset, limit)?)
        })
    }

    /// `auditHead`, off the event loop.
    #[napi(ts_return_type = "Promise<AuditHead>")]
    pub fn audit_head_async(&self) -> AsyncTask<Work> {
        let v = self.inner.clone();
        Work::new(move || out(v.audit_head()?))
    }

    /// `auditFlush`, off the event loop.
    #[napi(ts_return_type = "Promise<null>")]
    pub fn audit_flush_async(&self) -> AsyncTask<Work> {
        let v = self.inner.clone();
        Work::new(move || v.audit_flush().map(|()| Json("null".to_owned())))
    }

    /// `close` (writes buffered events, checkpoints the WAL), off the event loop.
    #[napi(ts_return_type = "Promise<null>")]
    pub fn close_async(&self) -> AsyncTask<Work> {
        let v = self.inner.clone();
        Work::new(move || v.close().map(|()| Json("null".to_owned())))
    }

    /// `auditVerify`, off the event loop.
    #[napi(ts_return_type = "Promise<AuditReport>")]
    pub fn audit_verify_async(
        &self,
        #[napi(ts_arg_type = "AuditHead | null")] anchor: Option<Document>,
    ) -> AsyncTask<Work> {
        let v = self.inner.clone();
        Work::new(move || {
            let anchor = anchor
                .map(|a| a.0)
                .transpose()?
                .filter(|a| !a.is_null())
                .map(|a| AuditHead::from_json(&a))
                .transpose()?;
            out(v.audit_verify(anchor.as_ref())?)
        })
    }
}

/// Opening a vault off the event loop.
pub struct OpenWork {
    job: Option<Box<dyn FnOnce() -> bunkerlite::Result<bunkerlite::Vault> + Send>>,
}

impl Task for OpenWork {
    type Output = bunkerlite::Result<bunkerlite::Vault>;
    type JsValue = Vault;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let job = self.job.take().ok_or_else(|| napi::Error::from_reason("task ran twice"))?;
        Ok(run(job))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Vault> {
        match output {
            Ok(inner) => Ok(Vault { inner }),
            Err(e) => Err(rejection(&env, &e)),
        }
    }
}

/// The error code strings of the core's table, in order.
#[napi]
pub fn error_codes() -> Vec<&'static str> {
    ErrorKind::ALL.iter().map(|k| k.code()).collect()
}

/// The library version.
#[napi]
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
