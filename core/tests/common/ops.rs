//! The generated dispatch of every operation by name (`vectors/dispatch.rs`), with the argument
//! readers it expects, for the tests that call operations from JSON steps.
// Not every test that includes `common` calls operations.
#![allow(unused_imports)]

#[path = "../vectors/dispatch.rs"]
mod generated;

use std::sync::Arc;

pub use bunkerlite::bridge::{documents_from_json, strings_from_json};
pub use bunkerlite::{AuditHead, Caller, Lookup, MasterKey, PageRequest, Vault};
pub use generated::dispatch;
pub use serde_json::Value;

pub fn to_value(v: impl serde::Serialize) -> Value {
    serde_json::to_value(v).expect("serialisable")
}

pub fn caller(s: &Value) -> bunkerlite::Result<Caller> {
    Caller::from_parts(s["actor"].as_str(), s["purpose"].as_str())
}

pub fn page(s: &Value) -> PageRequest {
    PageRequest { limit: s["limit"].as_u64(), cursor: s["cursor"].as_str().map(str::to_owned) }
}

pub fn anchor(s: &Value) -> bunkerlite::Result<Option<AuditHead>> {
    s.get("anchor").map(AuditHead::from_json).transpose()
}
