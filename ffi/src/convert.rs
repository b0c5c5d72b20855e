//! Argument and result conversion at the C boundary: C strings in (NULL and invalid UTF-8 are
//! errors), library-owned strings out (freed, and wiped, by `bl_string_free`).

use std::ffi::{c_char, CStr, CString};

use bunkerlite::{Error, ErrorKind};
use zeroize::Zeroize;

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
pub(crate) unsafe fn put_string(out: *mut *mut c_char, value: String) -> Result<(), Error> {
    let c = CString::new(value).map_err(|_| Error::new(ErrorKind::Internal, "a result contained a NUL byte"))?;
    // SAFETY: `out` is valid and writable per the caller's contract.
    unsafe { *out = c.into_raw() };
    Ok(())
}

/// Serialise a result to JSON text.
pub(crate) fn to_json(value: &impl serde::Serialize) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|_| Error::new(ErrorKind::Internal, "a result could not be serialised"))
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
