//! Node.js bindings: convert arguments, call the core (off the event loop for the `*Async`
//! variants), map errors to `Error`s whose `.code` is the core's code string. No domain logic.
//! The operations' functions (`ops/`, one module per area) are generated from the one declaration of each
//! operation (`tools/gen`); the lifecycle and keys are written here with napi-rs.

use std::sync::Arc;

use bunkerlite::{Error, ErrorKind, Options};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

mod args;
mod calls;
mod ops;
mod tasks;
mod vault;

use args::OptionalDocument;
use calls::trap;

fn js_error(err: &Error) -> napi::Error<String> {
    napi::Error::new(err.code().to_owned(), err.message().to_owned())
}

fn sync<T>(f: impl FnOnce() -> bunkerlite::Result<T>) -> Result<T, String> {
    trap(f).map_err(|e| js_error(&e))
}

fn options(value: OptionalDocument) -> bunkerlite::Result<Options> {
    Options::from_json(value.0 .0?.unwrap_or(Value::Null))
}

/// Adds `calls`, the synchronous operations as plain N-API functions (see `calls.rs`).
#[napi(module_exports)]
pub fn add_calls(exports: Object) -> napi::Result<()> {
    let env = exports.env();
    // SAFETY: building exports in the module's environment.
    let calls = unsafe { calls::exports(env)? };
    // SAFETY: setting a property on the exports object.
    if unsafe { napi::sys::napi_set_named_property(env, exports.raw(), c"calls".as_ptr(), calls) }
        != napi::sys::Status::napi_ok
    {
        return Err(napi::Error::from_reason("could not export calls"));
    }
    Ok(())
}

/// A 32-byte master key. Never printed; wiped when garbage-collected.
#[napi]
pub struct MasterKey {
    pub(crate) inner: Arc<bunkerlite::MasterKey>,
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
    bunkerlite::VERSION
}
