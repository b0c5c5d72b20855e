//! Node.js bindings: convert arguments, call the core (off the event loop for the `*Async`
//! variants), map errors to `Error`s whose `.code` is the core's code string. No domain logic.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use bunkerlite::{AuditHead, Error, ErrorKind, Lookup, Options, DEFAULT_ACTOR};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

mod json;
mod tasks;
mod vault;

use json::{ActorOption, Document};

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

/// A result as JSON text for the JavaScript layer.
fn out(value: impl serde::Serialize) -> bunkerlite::Result<String> {
    json::text(&value)
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

/// An optional audit anchor (`null` and absent mean none).
fn anchor(value: Option<Document>) -> bunkerlite::Result<Option<AuditHead>> {
    value.map(|a| a.0).transpose()?.filter(|a| !a.is_null()).map(|a| AuditHead::from_json(&a)).transpose()
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
