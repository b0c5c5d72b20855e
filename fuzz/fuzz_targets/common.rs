//! What the targets share: one in-memory vault per process, replaced every few thousand inputs
//! so that a long run does not grow without bound.

use std::sync::Mutex;

use bunkerlite::{Caller, MasterKey, Options, Vault};

static VAULT: Mutex<Option<(Vault, u32)>> = Mutex::new(None);

/// A vault for this input (the same one for a few thousand inputs).
pub fn vault() -> Vault {
    let mut slot = VAULT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((v, n)) = slot.as_mut() {
        *n += 1;
        if *n < 5_000 {
            return v.clone();
        }
        let _ = v.close();
    }
    let options =
        Options::default().indexed_fields(["customer_id"]).default_region("DE");
    let v = Vault::open_in_memory(&MasterKey::from_bytes(&[7; 32]).expect("key"), options).expect("open");
    *slot = Some((v.clone(), 0));
    v
}

pub fn caller() -> Caller {
    Caller::new("app:fuzz").expect("actor")
}
