//! Subjects: create, get, update, forget — one-to-one with the core's operations. Documents
//! cross as JSON text; results are JSON text owned by the caller (free with `bl_string_free`).

use std::ffi::c_char;

use bunkerlite::{Error, ErrorKind, Lookup};
use serde_json::Value;

use crate::convert::{check_out, put_string, str_arg, to_json};
use crate::error::guard;
use crate::handles::{self, bl_vault};

/// # Safety
/// Both are NUL-terminated strings (or NULL, an error).
unsafe fn lookup(mode: *const c_char, value: *const c_char) -> Result<Lookup, Error> {
    // SAFETY: per the contract.
    let (mode, value) = unsafe { (str_arg(mode, "mode")?, str_arg(value, "value")?) };
    Ok(Lookup::parse(mode, value))
}

/// Create a subject from `profile_json` (a JSON object) and write its token (a UUID string) to
/// `*out_token`. `actor` names who acts (`"app:signup"`), recorded in the audit log.
/// Errors: `BL_INVALID_INPUT`, `BL_TOO_LARGE`, `BL_DUPLICATE`, `BL_CLOSED`, `BL_BUSY`, `BL_STORAGE`.
///
/// # Safety
/// `vault` is a handle; `actor` and `profile_json` are NUL-terminated; `out_token` is valid.
#[no_mangle]
pub unsafe extern "C" fn bl_subject_create(
    vault: *const bl_vault,
    actor: *const c_char,
    profile_json: *const c_char,
    out_token: *mut *mut c_char,
) -> i32 {
    guard(|| {
        check_out(out_token, "out_token")?;
        let v = handles::vault(vault)?;
        // SAFETY: per the contract.
        let (actor, text) = unsafe { (str_arg(actor, "actor")?, str_arg(profile_json, "profile_json")?) };
        let token = v.create_subject(actor, v.parse_document(text)?)?;
        // SAFETY: checked above.
        unsafe { put_string(out_token, token) }
    })
}

/// Create many subjects in one transaction from `profiles_json` (a JSON array of objects): all
/// or none. Writes a JSON array of tokens to `*out_tokens_json`.
///
/// # Safety
/// As `bl_subject_create`.
#[no_mangle]
pub unsafe extern "C" fn bl_subjects_create(
    vault: *const bl_vault,
    actor: *const c_char,
    profiles_json: *const c_char,
    out_tokens_json: *mut *mut c_char,
) -> i32 {
    guard(|| {
        check_out(out_tokens_json, "out_tokens_json")?;
        let v = handles::vault(vault)?;
        // SAFETY: per the contract.
        let (actor, text) = unsafe { (str_arg(actor, "actor")?, str_arg(profiles_json, "profiles_json")?) };
        let Value::Array(items) = v.parse_document(text)? else {
            return Err(Error::new(ErrorKind::InvalidInput, "profiles_json must be a JSON array"));
        };
        let tokens = v.create_subjects(actor, items)?;
        // SAFETY: checked above.
        unsafe { put_string(out_tokens_json, to_json(&tokens)?) }
    })
}

/// Read a subject found by `mode` (`"token"`, `"email"`, `"phone"`, `"login"` or an indexed
/// field) and `value`. Writes `{"token","profile","created_ms","updated_ms","version"}` to
/// `*out_subject_json`. Errors: `BL_NOT_FOUND`, `BL_ERASED`, `BL_INVALID_INPUT`, `BL_INTEGRITY`, …
///
/// # Safety
/// `vault` is a handle; the strings are NUL-terminated; `out_subject_json` is valid.
#[no_mangle]
pub unsafe extern "C" fn bl_subject_get(
    vault: *const bl_vault,
    actor: *const c_char,
    mode: *const c_char,
    value: *const c_char,
    out_subject_json: *mut *mut c_char,
) -> i32 {
    guard(|| {
        check_out(out_subject_json, "out_subject_json")?;
        let v = handles::vault(vault)?;
        // SAFETY: per the contract.
        let (actor, lookup) = unsafe { (str_arg(actor, "actor")?, lookup(mode, value)?) };
        let subject = v.get_subject(actor, &lookup)?;
        // SAFETY: checked above.
        unsafe { put_string(out_subject_json, to_json(&subject)?) }
    })
}

/// Read many subjects: `lookups_json` is a JSON array of one-key objects (`[{"email": "…"},
/// {"token": "…"}]`). Writes a JSON array with a subject or `null` (not found / erased) per
/// lookup, in order.
///
/// # Safety
/// As `bl_subject_get`.
#[no_mangle]
pub unsafe extern "C" fn bl_subjects_get(
    vault: *const bl_vault,
    actor: *const c_char,
    lookups_json: *const c_char,
    out_subjects_json: *mut *mut c_char,
) -> i32 {
    guard(|| {
        check_out(out_subjects_json, "out_subjects_json")?;
        let v = handles::vault(vault)?;
        // SAFETY: per the contract.
        let (actor, text) = unsafe { (str_arg(actor, "actor")?, str_arg(lookups_json, "lookups_json")?) };
        let Value::Array(items) = v.parse_document(text)? else {
            return Err(Error::new(ErrorKind::InvalidInput, "lookups_json must be a JSON array"));
        };
        let lookups = items.iter().map(Lookup::from_json).collect::<Result<Vec<_>, _>>()?;
        let found = v.get_subjects(actor, &lookups)?;
        // SAFETY: checked above.
        unsafe { put_string(out_subjects_json, to_json(&found)?) }
    })
}

/// Change a subject: `patch_json` is a JSON object (merge patch, RFC 7396; `null` removes a
/// key) or array (JSON Patch, RFC 6902). Writes the subject as stored afterwards.
///
/// # Safety
/// As `bl_subject_get`, plus `patch_json` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn bl_subject_update(
    vault: *const bl_vault,
    actor: *const c_char,
    mode: *const c_char,
    value: *const c_char,
    patch_json: *const c_char,
    out_subject_json: *mut *mut c_char,
) -> i32 {
    guard(|| {
        check_out(out_subject_json, "out_subject_json")?;
        let v = handles::vault(vault)?;
        // SAFETY: per the contract.
        let (actor, lookup, text) =
            unsafe { (str_arg(actor, "actor")?, lookup(mode, value)?, str_arg(patch_json, "patch_json")?) };
        let subject = v.update_subject(actor, &lookup, v.parse_document(text)?)?;
        // SAFETY: checked above.
        unsafe { put_string(out_subject_json, to_json(&subject)?) }
    })
}

/// Erase a subject (crypto-shredding). Writes the erasure receipt
/// (`{"token","erased_ms","profile_removed","index_entries_removed","audit_details_shredded",
/// "wal_truncated"}`) to `*out_receipt_json`.
///
/// # Safety
/// As `bl_subject_get`.
#[no_mangle]
pub unsafe extern "C" fn bl_subject_forget(
    vault: *const bl_vault,
    actor: *const c_char,
    mode: *const c_char,
    value: *const c_char,
    out_receipt_json: *mut *mut c_char,
) -> i32 {
    guard(|| {
        check_out(out_receipt_json, "out_receipt_json")?;
        let v = handles::vault(vault)?;
        // SAFETY: per the contract.
        let (actor, lookup) = unsafe { (str_arg(actor, "actor")?, lookup(mode, value)?) };
        let receipt = v.forget_subject(actor, &lookup)?;
        // SAFETY: checked above.
        unsafe { put_string(out_receipt_json, to_json(&receipt)?) }
    })
}
