//! Argument and result conversion at the C boundary, one reader per kind of argument the
//! operations take: C strings in (NULL and invalid UTF-8 are errors), JSON text parsed under the
//! vault's limits, library-owned strings out (freed, and wiped, by `bl_string_free`).

use std::ffi::{c_char, CStr, CString};

use bunkerlite::{AuditHead, Caller, Error, ErrorKind, Lookup, PageRequest, Vault};
use serde_json::Value;
use zeroize::Zeroize;

use crate::handles::bl_caller;

/// A required UTF-8 string argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays valid during the call.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(Error::new(ErrorKind::InvalidInput, format!("argument '{name}' is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|_| Error::new(ErrorKind::InvalidInput, format!("argument '{name}' is not valid UTF-8")))
}

/// An optional UTF-8 string argument (NULL = absent).
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { str_arg(ptr, name) }.map(Some)
    }
}

/// The caller a `bl_caller*` names (NULL: the default actor, no purpose).
///
/// # Safety
/// `ptr` is NULL or points to a `bl_caller` whose strings are NULL or NUL-terminated.
pub(crate) unsafe fn caller(ptr: *const bl_caller) -> Result<Caller, Error> {
    if ptr.is_null() {
        return Caller::from_parts(None, None);
    }
    // SAFETY: non-NULL and valid per the contract.
    let c = unsafe { &*ptr };
    // SAFETY: forwarded contract.
    let (actor, purpose) =
        unsafe { (opt_str_arg(c.actor, "caller.actor")?, opt_str_arg(c.purpose, "caller.purpose")?) };
    Caller::from_parts(actor, purpose)
}

/// A lookup from its mode and value.
///
/// # Safety
/// Both are NULL or NUL-terminated strings.
pub(crate) unsafe fn lookup(mode: *const c_char, value: *const c_char) -> Result<Lookup, Error> {
    // SAFETY: per the contract.
    let (mode, value) = unsafe { (str_arg(mode, "mode")?, str_arg(value, "value")?) };
    Ok(Lookup::parse(mode, value))
}

/// A JSON document from JSON text, parsed under the vault's limits.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string.
pub(crate) unsafe fn document(v: &Vault, ptr: *const c_char, name: &str) -> Result<Value, Error> {
    // SAFETY: per the contract.
    bunkerlite::bridge::parse_document(v, unsafe { str_arg(ptr, name) }?)
}

/// The documents of a batch, from JSON text of an array (the whole text under the vault's
/// `max_batch_bytes`; each document is checked by the operation).
///
/// # Safety
/// As [`document`].
pub(crate) unsafe fn documents(v: &Vault, ptr: *const c_char, name: &str) -> Result<Vec<Value>, Error> {
    // SAFETY: forwarded contract.
    bunkerlite::bridge::documents_from_json(bunkerlite::bridge::parse_batch(v, unsafe { str_arg(ptr, name) }?)?)
}

/// An optional options object, from JSON text (NULL: absent).
///
/// # Safety
/// As [`document`].
pub(crate) unsafe fn opt_document(v: &Vault, ptr: *const c_char, name: &str) -> Result<Option<Value>, Error> {
    // SAFETY: forwarded contract.
    match unsafe { opt_str_arg(ptr, name) }? {
        None => Ok(None),
        Some(text) => bunkerlite::bridge::parse_document(v, text).map(Some),
    }
}

/// The strings of a batch, from JSON text of an array of strings (under `max_batch_bytes`).
///
/// # Safety
/// As [`document`].
pub(crate) unsafe fn strings(v: &Vault, ptr: *const c_char, name: &str) -> Result<Vec<String>, Error> {
    // SAFETY: forwarded contract.
    bunkerlite::bridge::strings_from_json(bunkerlite::bridge::parse_batch(v, unsafe { str_arg(ptr, name) }?)?)
}

/// A batch of lookups, from JSON text of an array of lookup objects.
///
/// # Safety
/// As [`document`].
pub(crate) unsafe fn lookups(v: &Vault, ptr: *const c_char) -> Result<Vec<Lookup>, Error> {
    // SAFETY: forwarded contract.
    Lookup::many_from_json(&bunkerlite::bridge::parse_batch(v, unsafe { str_arg(ptr, "lookups_json") }?)?)
}

/// A page request: `cursor` NULL for the first page.
///
/// # Safety
/// `cursor` is NULL or a NUL-terminated string.
pub(crate) unsafe fn page(cursor: *const c_char, limit: u64) -> Result<PageRequest, Error> {
    // SAFETY: per the contract.
    let cursor = unsafe { opt_str_arg(cursor, "cursor") }?;
    Ok(PageRequest { limit: Some(limit), cursor: cursor.map(str::to_owned) })
}

/// An optional audit anchor from JSON text (NULL: none).
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string.
pub(crate) unsafe fn anchor(v: &Vault, ptr: *const c_char) -> Result<Option<AuditHead>, Error> {
    // SAFETY: per the contract.
    match unsafe { opt_str_arg(ptr, "anchor_json") }? {
        None => Ok(None),
        Some(text) => AuditHead::from_json(&bunkerlite::bridge::parse_document(v, text)?).map(Some),
    }
}

/// Check an out-parameter before doing any work, so a NULL one cannot lose a result.
pub(crate) fn check_out<T>(out: *mut T, name: &str) -> Result<(), Error> {
    if out.is_null() {
        return Err(Error::new(ErrorKind::InvalidInput, format!("out-parameter '{name}' is NULL")));
    }
    Ok(())
}

/// Hand a string to the caller through `out` (checked non-NULL with [`check_out`]).
///
/// # Safety
/// `out` is a valid, writable pointer.
pub(crate) unsafe fn put_string(out: *mut *mut c_char, mut value: String) -> Result<(), Error> {
    // Copied into a buffer of the exact size (adding the NUL to `value` could reallocate and free
    // an unwiped copy), then the original is wiped: results may hold personal data.
    let mut bytes = Vec::with_capacity(value.len() + 1);
    bytes.extend_from_slice(value.as_bytes());
    bytes.push(0);
    value.zeroize();
    let c = CString::from_vec_with_nul(bytes).map_err(|e| {
        let mut rejected = e.into_bytes();
        rejected.zeroize();
        Error::new(ErrorKind::Internal, "a result contained a NUL byte")
    })?;
    // SAFETY: `out` is valid and writable per the caller's contract.
    unsafe { *out = c.into_raw() };
    Ok(())
}

/// Hand a result to the caller as JSON text through `out` (checked non-NULL with [`check_out`]).
///
/// # Safety
/// `out` is a valid, writable pointer.
pub(crate) unsafe fn put_json(out: *mut *mut c_char, value: &impl serde::Serialize) -> Result<(), Error> {
    let text = serde_json::to_string(value)
        .map_err(|_| Error::new(ErrorKind::Internal, "a result could not be serialised"))?;
    // SAFETY: forwarded contract.
    unsafe { put_string(out, text) }
}

/// Free a string returned by bunkerlite, wiping its bytes first (results may hold personal data).
/// NULL is ignored. Passing any other pointer, or freeing twice, is undefined behaviour.
///
/// # Safety
/// `s` is NULL or a string returned through an out-parameter of this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn bl_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    // SAFETY: `s` came from `CString::into_raw` in `put_string` and is freed once.
    let owned = unsafe { CString::from_raw(s) };
    let mut bytes = owned.into_bytes_with_nul();
    bytes.zeroize();
}
