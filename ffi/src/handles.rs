//! Opaque handles, and the caller struct. A `bl_vault*` / `bl_key*` is a number in a registry, never a pointer to
//! memory: a closed, double-closed or made-up handle is found missing and reported (`BL_CLOSED`,
//! `BL_INVALID_INPUT`) instead of being dereferenced.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use bunkerlite::{Error, ErrorKind, MasterKey, Vault};

/// An open vault (opaque). Create with `bl_vault_open`, release with `bl_vault_close`.
#[allow(non_camel_case_types)]
pub struct bl_vault {
    _private: [u8; 0],
}

/// A master key (opaque). Create with `bl_key_generate` or a `bl_key_from_*` function, release
/// with `bl_key_free` (which wipes it).
#[allow(non_camel_case_types)]
pub struct bl_key {
    _private: [u8; 0],
}

/// Who calls and why, passed to every audited operation (by pointer; NULL means the actor
/// `"app"` with no purpose). Both strings are read during the call only.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct bl_caller {
    /// The actor: a role or operator id such as `"app:billing"` or `"admin:7"` (1–64 characters
    /// of `A-Z a-z 0-9 . _ : / -`; never an email). NULL means `"app"`.
    pub actor: *const std::ffi::c_char,
    /// The purpose: a processing activity such as `"invoicing"` (`^[a-z][a-z0-9_-]{0,63}$`), or
    /// NULL for none.
    pub purpose: *const std::ffi::c_char,
}

struct Registry<T> {
    items: Mutex<HashMap<u64, T>>,
}

impl<T> Registry<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, T>> {
        self.items.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Handles count up from a large odd start and never repeat, so a stale handle never names a
/// newer object.
static NEXT: AtomicU64 = AtomicU64::new(0x0b1e_0001);

fn next_id() -> u64 {
    NEXT.fetch_add(2, Ordering::Relaxed)
}

fn vaults() -> &'static Registry<Vault> {
    static R: OnceLock<Registry<Vault>> = OnceLock::new();
    R.get_or_init(|| Registry { items: Mutex::new(HashMap::new()) })
}

fn keys() -> &'static Registry<Arc<MasterKey>> {
    static R: OnceLock<Registry<Arc<MasterKey>>> = OnceLock::new();
    R.get_or_init(|| Registry { items: Mutex::new(HashMap::new()) })
}

pub(crate) fn add_vault(vault: Vault) -> *mut bl_vault {
    let id = next_id();
    vaults().lock().insert(id, vault);
    id as usize as *mut bl_vault
}

/// The vault behind a handle (a cheap clone; the registry lock is not held during the call).
pub(crate) fn vault(handle: *const bl_vault) -> Result<Vault, Error> {
    if handle.is_null() {
        return Err(Error::new(ErrorKind::InvalidInput, "argument 'vault' is NULL"));
    }
    vaults()
        .lock()
        .get(&(handle as usize as u64))
        .cloned()
        .ok_or_else(|| Error::new(ErrorKind::Closed, "the vault handle is closed or invalid"))
}

pub(crate) fn remove_vault(handle: *mut bl_vault) -> Result<Vault, Error> {
    if handle.is_null() {
        return Err(Error::new(ErrorKind::InvalidInput, "argument 'vault' is NULL"));
    }
    vaults()
        .lock()
        .remove(&(handle as usize as u64))
        .ok_or_else(|| Error::new(ErrorKind::Closed, "the vault handle is already closed or invalid"))
}

pub(crate) fn add_key(key: MasterKey) -> *mut bl_key {
    let id = next_id();
    keys().lock().insert(id, Arc::new(key));
    id as usize as *mut bl_key
}

/// The key behind a handle (shared; the registry lock is not held during the call).
pub(crate) fn key(handle: *const bl_key) -> Result<Arc<MasterKey>, Error> {
    if handle.is_null() {
        return Err(Error::new(ErrorKind::InvalidInput, "argument 'key' is NULL"));
    }
    keys()
        .lock()
        .get(&(handle as usize as u64))
        .cloned()
        .ok_or_else(|| Error::new(ErrorKind::InvalidInput, "the key handle is freed or invalid"))
}

pub(crate) fn remove_key(handle: *mut bl_key) -> bool {
    // Dropping the last reference to the MasterKey wipes it.
    keys().lock().remove(&(handle as usize as u64)).is_some()
}
