//! Status codes, the thread-local last error, and the panic trap every entry point runs inside.

use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use bunkerlite::{Error, ErrorKind};

/// Success.
pub const BL_OK: i32 = 0;
/// Malformed input: invalid JSON, not an object, bad token or email or phone, a NULL pointer,
/// invalid UTF-8, an unknown lookup mode.
pub const BL_INVALID_INPUT: i32 = 100;
/// Input over a configured limit (size, nesting, field count, string length, batch size).
pub const BL_TOO_LARGE: i32 = 101;
/// Nothing matches the lookup.
pub const BL_NOT_FOUND: i32 = 200;
/// A unique field already belongs to another subject.
pub const BL_DUPLICATE: i32 = 201;
/// The subject was erased.
pub const BL_ERASED: i32 = 202;
/// The token has expired: its time passed. (A single-use token, once used, is deleted and then
/// NOT_FOUND, as one never made: nothing kept tells that it existed.)
pub const BL_EXPIRED: i32 = 203;
/// No new token fits the requested format: its space is used up.
pub const BL_EXHAUSTED: i32 = 204;
/// The caller's purpose does not allow the operation on this subject (no consent in force, or
/// the processing activity does not cover the operation).
pub const BL_CONSENT_REQUIRED: i32 = 205;
/// The master key does not open this vault; nothing was written.
pub const BL_WRONG_KEY: i32 = 300;
/// Stored data failed authentication (moved or edited ciphertext, broken audit chain).
pub const BL_INTEGRITY: i32 = 301;
/// The master key could not be read from its source.
pub const BL_KEY_SOURCE: i32 = 302;
/// The vault stayed locked longer than the busy timeout.
pub const BL_BUSY: i32 = 400;
/// The storage engine failed, or the file is not a bunkerlite vault.
pub const BL_STORAGE: i32 = 401;
/// The handle was closed (or never was a handle).
pub const BL_CLOSED: i32 = 402;
/// The vault was written by a newer bunkerlite.
pub const BL_UNSUPPORTED: i32 = 403;
/// A bug in bunkerlite, including a caught panic. The host process keeps running.
pub const BL_INTERNAL: i32 = 900;

struct LastError {
    code: i32,
    message: CString,
}

thread_local! {
    static LAST: RefCell<LastError> = RefCell::new(LastError { code: BL_OK, message: CString::default() });
}

fn set_last(code: i32, message: &str) {
    // Messages come from bunkerlite and hold no NUL; replace defensively rather than fail.
    let message = CString::new(message.replace('\0', " ")).unwrap_or_default();
    LAST.with(|l| *l.borrow_mut() = LastError { code, message });
}

/// Record `err` as this thread's last error and return its number.
pub(crate) fn fail(err: &Error) -> i32 {
    set_last(err.kind().number(), &format!("{}: {}", err.code(), err.message()));
    err.kind().number()
}

/// Run an entry point: a `bunkerlite::Error` becomes its number, a panic becomes `BL_INTERNAL`;
/// success clears the last error. No panic crosses the C boundary.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Error>) -> i32 {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => {
            set_last(BL_OK, "");
            BL_OK
        }
        Ok(Err(e)) => fail(&e),
        Err(_) => {
            set_last(BL_INTERNAL, "INTERNAL: a bug in bunkerlite was caught (panic); the call had no effect");
            BL_INTERNAL
        }
    }
}

/// The error number of the last failed call on this thread, or `BL_OK` if the last call succeeded.
#[no_mangle]
pub extern "C" fn bl_last_error_code() -> i32 {
    LAST.with(|l| l.borrow().code)
}

/// The message of the last failed call on this thread (`""` after a success). Owned by the
/// library: valid until the next bunkerlite call on this thread; do not free it. Never NULL.
/// Messages never contain personal data or key material.
#[no_mangle]
pub extern "C" fn bl_last_error_message() -> *const c_char {
    LAST.with(|l| l.borrow().message.as_ptr())
}

/// The code string of an error number (`"NOT_FOUND"` for 200, `"OK"` for 0), or NULL for a
/// number that is not an error. Static: do not free it.
#[no_mangle]
pub extern "C" fn bl_error_code_name(code: i32) -> *const c_char {
    if code == BL_OK {
        return c"OK".as_ptr();
    }
    match ErrorKind::from_number(code) {
        Some(kind) => code_cstr(kind).as_ptr(),
        None => std::ptr::null(),
    }
}

fn code_cstr(kind: ErrorKind) -> &'static std::ffi::CStr {
    // Leaked once per kind: a fixed, small set of static strings.
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashMap<i32, &'static std::ffi::CStr>>> = OnceLock::new();
    let mut names = NAMES.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    names.entry(kind.number()).or_insert_with(|| {
        let s = CString::new(kind.code()).expect("codes are ASCII identifiers");
        Box::leak(s.into_boxed_c_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_mirror_the_core_table() {
        let mirrored = [
            BL_INVALID_INPUT,
            BL_TOO_LARGE,
            BL_NOT_FOUND,
            BL_DUPLICATE,
            BL_ERASED,
            BL_EXPIRED,
            BL_EXHAUSTED,
            BL_CONSENT_REQUIRED,
            BL_WRONG_KEY,
            BL_INTEGRITY,
            BL_KEY_SOURCE,
            BL_BUSY,
            BL_STORAGE,
            BL_CLOSED,
            BL_UNSUPPORTED,
            BL_INTERNAL,
        ];
        let core: Vec<i32> = ErrorKind::ALL.iter().map(|k| k.number()).collect();
        assert_eq!(mirrored.to_vec(), core, "every core error kind needs its BL_ constant, in table order");
    }

    #[test]
    fn panics_become_internal() {
        let code = guard(|| panic!("boom"));
        assert_eq!(code, BL_INTERNAL);
        assert_eq!(bl_last_error_code(), BL_INTERNAL);
    }
}
