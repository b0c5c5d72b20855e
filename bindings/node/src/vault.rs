//! `Vault`: opening and closing. The synchronous operations are plain N-API functions in
//! `calls.rs` working on `handle()`; the `*Async` twins are in `tasks.rs`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::args::OptionalDocument;
use crate::{sync, MasterKey};

/// An open vault. Share it freely; the `*Async` methods run off the event loop.
#[napi]
pub struct Vault {
    pub(crate) inner: bunkerlite::Vault,
}

#[napi]
impl Vault {
    /// Open (or create) the vault at `path` with `key`: a file name, or a PostgreSQL URL
    /// (`postgres://user@host/db?schema=name`, see the book's "Scaling out").
    #[napi(factory)]
    pub fn open(
        path: String,
        key: &MasterKey,
        #[napi(ts_arg_type = "JsonText | undefined")] options: OptionalDocument,
    ) -> Result<Vault, String> {
        sync(|| bunkerlite::Vault::open(&path, &key.inner, crate::options(options)?)).map(|inner| Vault { inner })
    }

    /// A private in-memory vault, gone when closed.
    #[napi(factory)]
    pub fn open_in_memory(
        key: &MasterKey,
        #[napi(ts_arg_type = "JsonText | undefined")] options: OptionalDocument,
    ) -> Result<Vault, String> {
        sync(|| bunkerlite::Vault::open_in_memory(&key.inner, crate::options(options)?)).map(|inner| Vault { inner })
    }

    /// The handle the functions of `calls` take: a tagged External sharing this open vault.
    #[napi(ts_return_type = "VaultHandle")]
    pub fn handle(&self, env: Env) -> Result<Unknown<'_>> {
        // SAFETY: `env` is this call's environment; the value is created in it.
        unsafe {
            let handle = crate::calls::handle(env.raw(), self.inner.clone())?;
            Ok(Unknown::from_raw_unchecked(env.raw(), handle))
        }
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
}
