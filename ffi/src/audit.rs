//! The audit trail: list, head, verify, flush.

use std::ffi::c_char;

use bunkerlite::AuditHead;

use crate::convert::{check_out, opt_str_arg, put_string, str_arg, to_json};
use crate::error::guard;
use crate::handles::{self, bl_vault};

/// A subject's audit events, newest first: writes `{"total": N, "items": [...]}`. `limit` is
/// 1–1000. Listing is itself audited.
///
/// # Safety
/// `vault` is a handle; `actor` and `token` are NUL-terminated; `out_page_json` is valid.
#[no_mangle]
pub unsafe extern "C" fn bl_audit_events(
    vault: *const bl_vault,
    actor: *const c_char,
    token: *const c_char,
    offset: u64,
    limit: u64,
    out_page_json: *mut *mut c_char,
) -> i32 {
    guard(|| {
        check_out(out_page_json, "out_page_json")?;
        let v = handles::vault(vault)?;
        // SAFETY: per the contract.
        let (actor, token) = unsafe { (str_arg(actor, "actor")?, str_arg(token, "token")?) };
        let page = v.audit_events(actor, token, offset, limit)?;
        // SAFETY: checked above.
        unsafe { put_string(out_page_json, to_json(&page)?) }
    })
}

/// All audit events, newest first: writes `{"total": N, "items": [...]}`.
///
/// # Safety
/// `vault` is a handle; `actor` is NUL-terminated; `out_page_json` is valid.
#[no_mangle]
pub unsafe extern "C" fn bl_audit_all(
    vault: *const bl_vault,
    actor: *const c_char,
    offset: u64,
    limit: u64,
    out_page_json: *mut *mut c_char,
) -> i32 {
    guard(|| {
        check_out(out_page_json, "out_page_json")?;
        let v = handles::vault(vault)?;
        // SAFETY: per the contract.
        let actor = unsafe { str_arg(actor, "actor") }?;
        let page = v.audit_all(actor, offset, limit)?;
        // SAFETY: checked above.
        unsafe { put_string(out_page_json, to_json(&page)?) }
    })
}

/// The chain head `{"seq": N, "hash": "<64 hex>"}`: keep it outside the vault.
///
/// # Safety
/// `vault` is a handle; `out_head_json` is valid.
#[no_mangle]
pub unsafe extern "C" fn bl_audit_head(vault: *const bl_vault, out_head_json: *mut *mut c_char) -> i32 {
    guard(|| {
        check_out(out_head_json, "out_head_json")?;
        let head = handles::vault(vault)?.audit_head()?;
        // SAFETY: checked above.
        unsafe { put_string(out_head_json, to_json(&head)?) }
    })
}

/// Verify the audit chain, against `anchor_json` (a head from `bl_audit_head`) when not NULL.
/// Writes `{"events": N, "head": {...}}`; a broken chain is `BL_INTEGRITY`.
///
/// # Safety
/// `vault` is a handle; `anchor_json` is NULL or NUL-terminated; `out_report_json` is valid.
#[no_mangle]
pub unsafe extern "C" fn bl_audit_verify(
    vault: *const bl_vault,
    anchor_json: *const c_char,
    out_report_json: *mut *mut c_char,
) -> i32 {
    guard(|| {
        check_out(out_report_json, "out_report_json")?;
        let v = handles::vault(vault)?;
        // SAFETY: per the contract.
        let anchor = match unsafe { opt_str_arg(anchor_json, "anchor_json") }? {
            None => None,
            Some(text) => Some(AuditHead::from_json(&v.parse_document(text)?)?),
        };
        let report = v.audit_verify(anchor.as_ref())?;
        // SAFETY: checked above.
        unsafe { put_string(out_report_json, to_json(&report)?) }
    })
}

/// Commit buffered read events now.
///
/// # Safety
/// `vault` is a handle.
#[no_mangle]
pub unsafe extern "C" fn bl_audit_flush(vault: *const bl_vault) -> i32 {
    guard(|| handles::vault(vault)?.audit_flush())
}
