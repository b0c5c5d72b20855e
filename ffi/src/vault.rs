//! Opening and closing vaults, the library version.

use std::ffi::c_char;

use bunkerlite::{Options, Vault};

use crate::convert::{check_out, opt_str_arg, str_arg};
use crate::error::guard;
use crate::handles::{add_vault, bl_key, bl_vault, remove_vault};

/// Options from JSON text (NULL = defaults).
fn options(json: Option<&str>) -> bunkerlite::Result<Options> {
    match json {
        None => Ok(Options::default()),
        Some(text) => bunkerlite::bridge::parse_options(text),
    }
}

/// Open (or create) the vault at `path` with `key` and write the handle to `*out`. `path` is a
/// file name, or a PostgreSQL URL (`postgres://user@host/db?schema=name`: a vault shared by
/// several processes and hosts; see the book's "Scaling out").
///
/// `options_json` is NULL or a JSON object of options (`{"default_region": "DE",
/// "indexed_fields": ["customer_id"], "synchronous": "full", ...}`; unknown keys are
/// `BL_INVALID_INPUT`). A wrong key is `BL_WRONG_KEY` and writes nothing. The handle may be used
/// from any thread; close it with `bl_vault_close`. The key handle may be freed after this call.
///
/// # Safety
/// `path` and `options_json` (if not NULL) are NUL-terminated strings; `key` is a key handle;
/// `out` is a valid pointer to a `bl_vault*`.
#[no_mangle]
pub unsafe extern "C" fn bl_vault_open(
    path: *const c_char,
    key: *const bl_key,
    options_json: *const c_char,
    out: *mut *mut bl_vault,
) -> i32 {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: per the contract.
        let path = unsafe { str_arg(path, "path") }?;
        // SAFETY: per the contract.
        let options = options(unsafe { opt_str_arg(options_json, "options_json") }?)?;
        let key = crate::handles::key(key)?;
        let vault = Vault::open(path, &key, options)?;
        // SAFETY: `out` checked above.
        unsafe { *out = add_vault(vault) };
        Ok(())
    })
}

/// Open a private in-memory vault (gone when closed) and write the handle to `*out`.
///
/// # Safety
/// As `bl_vault_open`, without `path`.
#[no_mangle]
pub unsafe extern "C" fn bl_vault_open_in_memory(
    key: *const bl_key,
    options_json: *const c_char,
    out: *mut *mut bl_vault,
) -> i32 {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: per the contract.
        let options = options(unsafe { opt_str_arg(options_json, "options_json") }?)?;
        let key = crate::handles::key(key)?;
        let vault = Vault::open_in_memory(&key, options)?;
        // SAFETY: `out` checked above.
        unsafe { *out = add_vault(vault) };
        Ok(())
    })
}

/// Close a vault: buffered audit events are written, the WAL is checkpointed and removed, keys
/// are wiped. The handle is invalid afterwards: using or closing it again returns `BL_CLOSED`
/// (never a crash). NULL is `BL_INVALID_INPUT`. Calls still running on other threads finish first.
///
/// # Safety
/// `vault` is NULL or a value returned by `bl_vault_open*` (closed handles are detected).
#[no_mangle]
pub unsafe extern "C" fn bl_vault_close(vault: *mut bl_vault) -> i32 {
    guard(|| remove_vault(vault)?.close())
}

/// The library version, e.g. `"0.1.0"`. Static: do not free it.
#[no_mangle]
pub extern "C" fn bl_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
