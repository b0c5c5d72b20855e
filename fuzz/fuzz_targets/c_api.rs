//! The C entry points with fuzzed JSON text and strings (as a C program passes them, NUL
//! terminated): every call returns a status, never crashes, and frees what it returned.
#![no_main]

use std::ffi::{c_char, CStr, CString};
use std::ptr;

// The C ABI's sources as a Rust library (fuzz/ffi-rlib), built with the same instrumentation.
use bunkerlite_ffi::*;
use libfuzzer_sys::fuzz_target;

fn text(data: &[u8]) -> CString {
    CString::new(data.iter().copied().filter(|b| *b != 0).collect::<Vec<u8>>()).expect("no NUL")
}

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    let s = input.as_ptr();
    let mut key = ptr::null_mut();
    let mut vault = ptr::null_mut();
    let mut out: *mut c_char = ptr::null_mut();
    unsafe {
        assert_eq!(bl_key_generate(&mut key), BL_OK);
        // Fuzzed options first; the defaults when they are refused.
        if bl_vault_open_in_memory(key, s, &mut vault) != BL_OK {
            assert_ne!(bl_last_error_code(), BL_OK);
            assert!(!CStr::from_ptr(bl_last_error_message()).to_bytes().is_empty());
            assert_eq!(bl_vault_open_in_memory(key, ptr::null(), &mut vault), BL_OK);
        }
        bl_key_free(key);
        let caller = bl_caller { actor: c"app:fuzz".as_ptr(), purpose: ptr::null() };
        let mut token: *mut c_char = ptr::null_mut();
        if bl_subject_create(vault, &caller, s, &mut token) == BL_OK {
            bl_subject_update(vault, &caller, c"token".as_ptr(), token, s, &mut out);
            bl_string_free(out);
            out = ptr::null_mut();
            bl_string_free(token);
        }
        for f in [bl_subjects_create, bl_subjects_get] {
            f(vault, &caller, s, &mut out);
            bl_string_free(out);
            out = ptr::null_mut();
        }
        for mode in [c"token", c"email", c"phone", c"login"] {
            bl_subject_get(vault, &caller, mode.as_ptr(), s, &mut out);
            bl_string_free(out);
            out = ptr::null_mut();
        }
        bl_audit_verify(vault, s, &mut out);
        bl_string_free(out);
        out = ptr::null_mut();
        bl_audit_list(vault, &caller, s, s, 10, data.first().is_some_and(|b| b % 2 == 1), &mut out);
        bl_string_free(out);
        let fuzzed = bl_caller { actor: s, purpose: s };
        bl_subject_get(vault, &fuzzed, c"email".as_ptr(), c"a@b.org".as_ptr(), &mut out);
        assert_eq!(bl_vault_close(vault), BL_OK);
    }
});
