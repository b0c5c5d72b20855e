//! Stored ciphertexts as an attacker with the file writes them: any bytes opened as an envelope
//! of every slot fail cleanly (never panic, never open under the wrong place); anything sealed
//! opens back.
#![no_main]

use bunkerlite::testing;
use libfuzzer_sys::fuzz_target;

const KEY: [u8; 32] = [9; 32];
const VAULT_ID: [u8; 16] = [3; 16];
const SLOTS: [&str; 5] = ["key_wrappings.wrapped", "keys.wrapped", "subjects.dek", "subjects.profile", "audit.details"];

fuzz_target!(|data: &[u8]| {
    for slot in SLOTS {
        for key_id in [0, 1] {
            let spec = (&VAULT_ID, slot, b"record".as_slice(), Some((1, 2, 3)));
            let _ = testing::envelope_open(&KEY, key_id, spec, data);
        }
    }
    // Round trip with the input as plaintext (and a nonce from its first bytes).
    let mut nonce = [0u8; 12];
    for (n, b) in nonce.iter_mut().zip(data) {
        *n = *b;
    }
    let spec = (&VAULT_ID, "subjects.profile", data, None);
    let sealed = testing::envelope_seal(&KEY, 0, nonce, spec, data).expect("seal");
    assert_eq!(testing::envelope_open(&KEY, 0, spec, &sealed).expect("open"), data);
    let moved = (&VAULT_ID, "audit.details", data, None);
    assert!(testing::envelope_open(&KEY, 0, moved, &sealed).is_err());
});
