//! Vault options as JSON text: parsed, checked, and used to open a vault, which either opens and
//! works or fails cleanly.
#![no_main]

use bunkerlite::{Caller, MasterKey, Vault};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(mut options) = bunkerlite::bridge::parse_options(text) else { return };
    // Keep a run's resources bounded: no flusher thread per input, a small page cache.
    options.audit_flush_interval_ms = 0;
    options.sqlite.cache_kib = options.sqlite.cache_kib.min(1024);
    options.busy_timeout_ms = options.busy_timeout_ms.min(1000);
    if let Ok(v) = Vault::open_in_memory(&MasterKey::from_bytes(&[1; 32]).expect("key"), options) {
        let _ = v.create_subject(&Caller::new("app:fuzz").expect("actor"), serde_json::json!({"email": "a@b.org"}));
        v.close().expect("close");
    }
});
