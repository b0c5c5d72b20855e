//! Master keys: generate, load from bytes / hex / base64 / environment / file, export, free.

use std::ffi::c_char;

use bunkerlite::{Error, ErrorKind, MasterKey};

use crate::convert::{check_out, put_string, str_arg};
use crate::error::guard;
use crate::handles::{add_key, bl_key, remove_key};

/// Store a new key handle in `*out`.
///
/// # Safety
/// `out` is a valid pointer.
unsafe fn put_key(out: *mut *mut bl_key, made: bunkerlite::Result<MasterKey>) -> bunkerlite::Result<()> {
    let handle = add_key(made?);
    // SAFETY: checked non-NULL by the caller before any work.
    unsafe { *out = handle };
    Ok(())
}

/// Generate a new random master key into `*out`. Free it with `bl_key_free`; export it with
/// `bl_key_to_hex` to keep it in your secret store. Thread-safe.
///
/// # Safety
/// `out` is a valid pointer to a `bl_key*`.
#[no_mangle]
pub unsafe extern "C" fn bl_key_generate(out: *mut *mut bl_key) -> i32 {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: `out` checked above.
        unsafe { put_key(out, MasterKey::generate()) }
    })
}

/// A master key from exactly 32 raw bytes (`len` must be 32: otherwise `BL_KEY_SOURCE`).
/// The bytes are copied; wipe your copy. Free the key with `bl_key_free`.
///
/// # Safety
/// `bytes` points to `len` readable bytes (or is NULL, an error); `out` is a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn bl_key_from_bytes(bytes: *const u8, len: usize, out: *mut *mut bl_key) -> i32 {
    guard(|| {
        check_out(out, "out")?;
        if bytes.is_null() {
            return Err(bunkerlite::Error::new(bunkerlite::ErrorKind::InvalidInput, "argument 'bytes' is NULL"));
        }
        if len != bunkerlite::KEY_LEN {
            // Checked before reading: an oversized `len` is never used to read memory.
            return Err(bunkerlite::Error::new(bunkerlite::ErrorKind::KeySource, "a master key must be 32 bytes"));
        }
        // SAFETY: `bytes` points to `len` (= 32) readable bytes per the contract.
        let slice = unsafe { std::slice::from_raw_parts(bytes, len) };
        // SAFETY: `out` checked above.
        unsafe { put_key(out, MasterKey::from_bytes(slice)) }
    })
}

/// A master key from 64 hex digits. Free it with `bl_key_free`.
///
/// # Safety
/// `hex` is a NUL-terminated string; `out` is a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn bl_key_from_hex(hex: *const c_char, out: *mut *mut bl_key) -> i32 {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: per the contract.
        let text = unsafe { key_text(hex, "hex") }?;
        // SAFETY: `out` checked above.
        unsafe { put_key(out, MasterKey::from_hex(text)) }
    })
}

/// A master key from base64 (standard alphabet, padding optional). Free it with `bl_key_free`.
///
/// # Safety
/// `base64` is a NUL-terminated string; `out` is a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn bl_key_from_base64(base64: *const c_char, out: *mut *mut bl_key) -> i32 {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: per the contract.
        let text = unsafe { key_text(base64, "base64") }?;
        // SAFETY: `out` checked above.
        unsafe { put_key(out, MasterKey::from_base64(text)) }
    })
}

/// A master key from the environment variable `name` (hex or base64). A missing variable is
/// `BL_KEY_SOURCE`, naming the variable. Free it with `bl_key_free`.
///
/// # Safety
/// `name` is a NUL-terminated string; `out` is a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn bl_key_from_env(name: *const c_char, out: *mut *mut bl_key) -> i32 {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: per the contract.
        let name = unsafe { str_arg(name, "name") }?;
        // SAFETY: `out` checked above.
        unsafe { put_key(out, MasterKey::from_env(name)) }
    })
}

/// A master key from a file holding 32 raw bytes or hex/base64 text. Free it with `bl_key_free`.
///
/// # Safety
/// `path` is a NUL-terminated string; `out` is a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn bl_key_from_file(path: *const c_char, out: *mut *mut bl_key) -> i32 {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: per the contract.
        let path = unsafe { str_arg(path, "path") }?;
        // SAFETY: `out` checked above.
        unsafe { put_key(out, MasterKey::from_file(path)) }
    })
}

/// The key as 64 lowercase hex digits in `*out` (free with `bl_string_free`, which wipes it).
///
/// # Safety
/// `key` is a handle from this library (or NULL, an error); `out` is a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn bl_key_to_hex(key: *const bl_key, out: *mut *mut c_char) -> i32 {
    guard(|| {
        check_out(out, "out")?;
        let k = crate::handles::key(key)?;
        let hex = k.to_hex();
        // SAFETY: `out` checked above.
        unsafe { put_string(out, hex.as_str().to_owned()) }
    })
}

/// Free (and wipe) a key. NULL and already-freed handles are ignored. A vault opened with the
/// key stays usable: the vault keeps only what it derived.
///
/// # Safety
/// `key` is NULL or a handle from this library.
#[no_mangle]
pub unsafe extern "C" fn bl_key_free(key: *mut bl_key) {
    let _ = std::panic::catch_unwind(|| remove_key(key));
}

/// Key text (hex or base64): NULL is a bad argument, but bytes that are not UTF-8 cannot be key
/// text and are refused as malformed key text is (`BL_KEY_SOURCE`), as in every binding.
///
/// # Safety
/// As [`str_arg`].
unsafe fn key_text<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    // SAFETY: forwarded contract.
    unsafe { str_arg(ptr, name) }.map_err(|e| {
        if ptr.is_null() {
            e
        } else {
            Error::new(ErrorKind::KeySource, format!("argument '{name}' is not valid UTF-8, so neither hex nor base64"))
        }
    })
}
