//! `Vault`: the synchronous methods (the `*Async` twins are in `tasks.rs`).

use bunkerlite::Lookup;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::json::{ActorOption, Document};
use crate::{actor, out, page_actor, paging, sync, MasterKey, PageOptions};

/// An open vault. Share it freely; the `*Async` methods run off the event loop.
#[napi]
pub struct Vault {
    pub(crate) inner: bunkerlite::Vault,
}

#[napi]
impl Vault {
    /// Open (or create) the vault file at `path` with `key`.
    #[napi(factory)]
    pub fn open(
        path: String,
        key: &MasterKey,
        #[napi(ts_arg_type = "JsonText")] options: Option<Document>,
    ) -> Result<Vault, String> {
        sync(|| bunkerlite::Vault::open(&path, &key.inner, crate::options(options)?)).map(|inner| Vault { inner })
    }

    /// A private in-memory vault, gone when closed.
    #[napi(factory)]
    pub fn open_in_memory(
        key: &MasterKey,
        #[napi(ts_arg_type = "JsonText")] options: Option<Document>,
    ) -> Result<Vault, String> {
        sync(|| bunkerlite::Vault::open_in_memory(&key.inner, crate::options(options)?)).map(|inner| Vault { inner })
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
        #[napi(ts_arg_type = "JsonText")] profile: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<String, String> {
        sync(|| self.inner.create_subject(&actor(&opts)?, profile.0?))
    }

    /// Create many subjects in one transaction (all or none); returns their tokens.
    #[napi]
    pub fn create_subjects(
        &self,
        #[napi(ts_arg_type = "JsonText")] profiles: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<Vec<String>, String> {
        sync(|| self.inner.create_subjects(&actor(&opts)?, crate::profiles(profiles)?))
    }

    /// Read a subject: `getSubject({ email: "…" })` (one of token, email, phone, login or an
    /// indexed field).
    #[napi]
    pub fn get_subject(
        &self,
        #[napi(ts_arg_type = "JsonText")] lookup: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<String, String> {
        sync(|| out(self.inner.get_subject(&actor(&opts)?, &Lookup::from_json(&lookup.0?)?)?))
    }

    /// Read many subjects: misses give `null`.
    #[napi]
    pub fn get_subjects(
        &self,
        #[napi(ts_arg_type = "JsonText")] lookups: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<String, String> {
        sync(|| out(self.inner.get_subjects(&actor(&opts)?, &crate::lookups(lookups)?)?))
    }

    /// Change a subject: an object is a merge patch, an array a JSON Patch.
    #[napi]
    pub fn update_subject(
        &self,
        #[napi(ts_arg_type = "JsonText")] lookup: Document,
        #[napi(ts_arg_type = "JsonText")] patch: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<String, String> {
        sync(|| out(self.inner.update_subject(&actor(&opts)?, &Lookup::from_json(&lookup.0?)?, patch.0?)?))
    }

    /// Erase a subject (crypto-shredding); returns the erasure receipt.
    #[napi]
    pub fn forget_subject(
        &self,
        #[napi(ts_arg_type = "JsonText")] lookup: Document,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<String, String> {
        sync(|| out(self.inner.forget_subject(&actor(&opts)?, &Lookup::from_json(&lookup.0?)?)?))
    }

    /// A subject's audit events, newest first: `{ total, items }`.
    #[napi]
    pub fn audit_events(&self, token: String, opts: Option<PageOptions>) -> Result<String, String> {
        sync(|| {
            let (offset, limit) = paging(&opts)?;
            out(self.inner.audit_events(&page_actor(&opts), &token, offset, limit)?)
        })
    }

    /// All audit events, newest first.
    #[napi]
    pub fn audit_all(&self, opts: Option<PageOptions>) -> Result<String, String> {
        sync(|| {
            let (offset, limit) = paging(&opts)?;
            out(self.inner.audit_all(&page_actor(&opts), offset, limit)?)
        })
    }

    /// The audit chain head `{ seq, hash }`: keep it outside the vault.
    #[napi]
    pub fn audit_head(&self) -> Result<String, String> {
        sync(|| out(self.inner.audit_head()?))
    }

    /// Verify the audit chain (against `anchor`, a head kept earlier, if given).
    #[napi]
    pub fn audit_verify(&self, #[napi(ts_arg_type = "JsonText")] anchor: Option<Document>) -> Result<String, String> {
        sync(|| {
            let anchor = crate::anchor(anchor)?;
            out(self.inner.audit_verify(anchor.as_ref())?)
        })
    }

    /// Commit buffered read events now.
    #[napi]
    pub fn audit_flush(&self) -> Result<(), String> {
        sync(|| self.inner.audit_flush())
    }

    /// Rewrite the vault file so nothing of erased subjects survives (run it after erasures).
    #[napi]
    pub fn compact(
        &self,
        #[napi(ts_arg_type = "CallOptions | null")] opts: Option<ActorOption>,
    ) -> Result<String, String> {
        sync(|| out(self.inner.compact(&actor(&opts)?)?))
    }
}
