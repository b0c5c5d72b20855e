//! The synchronous operations on an open vault, as plain N-API callbacks exported in `calls`.
//!
//! napi-rs's generated glue for a class method (receiver unwrapping and borrow tracking,
//! argument checks) costs about 300 ns per call; these callbacks cost about 50 ns (measured with
//! one string argument). Each reads its arguments with `args.rs` (the async methods
//! use the same readers), runs the core inside a panic trap, and returns JSON text (or a token)
//! or throws an `Error` whose `.code` is the core's code. The vault arrives as a handle: an
//! `External` holding a clone of the vault, type-tagged so that no other value is taken for one.

use std::ffi::{c_char, c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use bunkerlite::{Error, ErrorKind, Lookup, Vault};
use napi::sys;
use serde_json::Value;

use crate::args::{self, check, Failure};

/// Marks the handles this addon made ("bunkerlite-vault" in ASCII).
static HANDLE_TAG: sys::napi_type_tag =
    sys::napi_type_tag { lower: 0x6275_6e6b_6572_6c69, upper: 0x7465_2d76_6175_6c74 };

unsafe extern "C" fn drop_handle(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the box `handle` leaked for this External, finalised exactly once.
    drop(unsafe { Box::from_raw(data.cast::<Vault>()) });
}

/// A new handle for `vault` (a clone sharing the same open vault).
///
/// # Safety
/// `env` is the current call's environment.
pub unsafe fn handle(env: sys::napi_env, vault: Vault) -> napi::Result<sys::napi_value> {
    let data = Box::into_raw(Box::new(vault));
    let mut external = ptr::null_mut();
    // SAFETY: N-API owns `data` from here on and hands it to `drop_handle` when collected.
    let status =
        unsafe { sys::napi_create_external(env, data.cast(), Some(drop_handle), ptr::null_mut(), &mut external) };
    if status != sys::Status::napi_ok {
        // SAFETY: not handed to N-API, so still ours.
        drop(unsafe { Box::from_raw(data) });
        return Err(napi::Error::from_reason("could not create a vault handle"));
    }
    // SAFETY: tagging the External just created.
    if unsafe { sys::napi_type_tag_object(env, external, &HANDLE_TAG) } != sys::Status::napi_ok {
        return Err(napi::Error::from_reason("could not tag a vault handle"));
    }
    Ok(external)
}

/// The arguments of one call (missing ones are `undefined`, as N-API fills them).
struct Call {
    env: sys::napi_env,
    argv: [sys::napi_value; 4],
}

impl Call {
    /// The vault behind the handle in argument 0.
    ///
    /// # Safety
    /// `self` holds the current call's values; the reference does not outlive the call (the
    /// handle argument keeps the External alive).
    unsafe fn vault(&self) -> Result<&Vault, Failure> {
        let not_handle = || Failure::Core(Error::new(ErrorKind::InvalidInput, "not a vault handle"));
        let value = self.argv[0];
        // SAFETY: per this function's contract.
        if unsafe { args::type_of(self.env, value)? } != sys::ValueType::napi_external {
            return Err(not_handle());
        }
        let mut ours = false;
        // SAFETY: checking the tag of an External of this call.
        check(unsafe { sys::napi_check_object_type_tag(self.env, value, &HANDLE_TAG, &mut ours) })?;
        if !ours {
            return Err(not_handle());
        }
        let mut data = ptr::null_mut();
        // SAFETY: an External this addon made, so its data is a live `Box<Vault>`.
        check(unsafe { sys::napi_get_value_external(self.env, value, &mut data) })?;
        // SAFETY: see above; the External is reachable from this call's arguments.
        Ok(unsafe { &*data.cast::<Vault>() })
    }

    // SAFETY of the readers below: `self` holds the current call's values.

    unsafe fn document(&self, i: usize) -> Result<Value, Failure> {
        unsafe { args::document(self.env, self.argv[i]) }
    }

    unsafe fn lookup(&self, i: usize) -> Result<Lookup, Failure> {
        Ok(Lookup::from_json(&unsafe { self.document(i)? })?)
    }

    unsafe fn actor(&self, i: usize) -> Result<String, Failure> {
        unsafe { args::actor(self.env, self.argv[i]) }
    }
}

/// What a call returns to JavaScript.
enum Out {
    /// A string: JSON text, or a token.
    Text(String),
    /// `undefined`.
    Nothing,
}

fn json(value: &impl serde::Serialize) -> Result<Out, Failure> {
    Ok(Out::Text(args::text(value)?))
}

/// Throw `e` as an `Error` with `.code`.
///
/// # Safety
/// `env` is the current call's environment, with no exception pending.
unsafe fn throw(env: sys::napi_env, e: &Error) {
    let (mut code, mut message, mut error) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    let (c, m) = (e.code(), e.message());
    // SAFETY: strings from valid UTF-8 buffers, then an error from them. If any step fails
    // there is nothing better to throw; the call then returns `undefined`.
    unsafe {
        if sys::napi_create_string_utf8(env, c.as_ptr().cast::<c_char>(), c.len() as isize, &mut code)
            == sys::Status::napi_ok
            && sys::napi_create_string_utf8(env, m.as_ptr().cast::<c_char>(), m.len() as isize, &mut message)
                == sys::Status::napi_ok
            && sys::napi_create_error(env, code, message, &mut error) == sys::Status::napi_ok
        {
            sys::napi_throw(env, error);
        }
    }
}

/// Run one call: read `N` arguments, run `f` in a panic trap, return its result or throw.
///
/// # Safety
/// `env` and `info` are the ones N-API passed to the callback.
unsafe fn run(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    f: impl FnOnce(&Call) -> Result<Out, Failure>,
) -> sys::napi_value {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut call = Call { env, argv: [ptr::null_mut(); 4] };
        let mut argc = call.argv.len();
        // SAFETY: room for `argc` values; N-API fills missing ones with `undefined`.
        check(unsafe {
            sys::napi_get_cb_info(env, info, &mut argc, call.argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut())
        })?;
        let out = f(&call)?;
        let mut value = ptr::null_mut();
        match out {
            Out::Text(text) => {
                // SAFETY: a string from a valid UTF-8 buffer.
                check(unsafe {
                    sys::napi_create_string_utf8(env, text.as_ptr().cast::<c_char>(), text.len() as isize, &mut value)
                })?;
            }
            // SAFETY: reading `undefined`.
            Out::Nothing => check(unsafe { sys::napi_get_undefined(env, &mut value) })?,
        }
        Ok(value)
    }));
    let failure = match outcome {
        Ok(Ok(value)) => return value,
        Ok(Err(failure)) => failure,
        Err(_) => Failure::Core(Error::new(ErrorKind::Internal, "a bug in bunkerlite was caught (panic)")),
    };
    if let Failure::Core(e) = failure {
        // SAFETY: no exception is pending (a pending one is `Failure::Pending`).
        unsafe { throw(env, &e) };
    }
    ptr::null_mut()
}

/// An N-API function callback.
type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

macro_rules! calls {
    ($($(#[$doc:meta])* $js:literal => $name:ident(|$call:ident| $body:expr);)*) => {
        $(
            $(#[$doc])*
            unsafe extern "C" fn $name(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
                // The bodies' `unsafe` blocks read this call's arguments through `Call`, whose
                // methods need only that the values are this call's.
                let body = |$call: &Call| -> Result<Out, Failure> { $body };
                // SAFETY: N-API calls this with its own `env` and `info`.
                unsafe { run(env, info, body) }
            }
        )*

        /// The exported names and callbacks.
        const CALLS: &[(&CStr, Callback)] = &[$(($js, $name)),*];
    };
}

calls! {
    /// `createSubject(handle, profile, opts)` → token.
    c"createSubject" => create_subject(|c| unsafe {
        let actor = c.actor(2)?;
        Ok(Out::Text(c.vault()?.create_subject(&actor, c.document(1)?)?))
    });
    /// `createSubjects(handle, profiles, opts)` → JSON array of tokens.
    c"createSubjects" => create_subjects(|c| unsafe {
        let actor = c.actor(2)?;
        json(&c.vault()?.create_subjects(&actor, args::profiles(c.document(1)?)?)?)
    });
    /// `getSubject(handle, lookup, opts)` → JSON subject.
    c"getSubject" => get_subject(|c| unsafe {
        let actor = c.actor(2)?;
        json(&c.vault()?.get_subject(&actor, &c.lookup(1)?)?)
    });
    /// `getSubjectBy(handle, mode, value, opts)` → JSON subject: the lookup `{ [mode]: value }`
    /// as two strings (the layer's path for a plain one-key lookup; no JSON text to make or parse).
    c"getSubjectBy" => get_subject_by(|c| unsafe {
        let actor = c.actor(3)?;
        let mode = args::strict_string(c.env, c.argv[1], "a lookup mode")?;
        let value = args::strict_string(c.env, c.argv[2], "a lookup value")?;
        json(&c.vault()?.get_subject(&actor, &Lookup::parse(&mode, value))?)
    });
    /// `getSubjects(handle, lookups, opts)` → JSON array of subjects or nulls.
    c"getSubjects" => get_subjects(|c| unsafe {
        let actor = c.actor(2)?;
        json(&c.vault()?.get_subjects(&actor, &args::lookups(c.document(1)?)?)?)
    });
    /// `updateSubject(handle, lookup, patch, opts)` → JSON subject.
    c"updateSubject" => update_subject(|c| unsafe {
        let actor = c.actor(3)?;
        json(&c.vault()?.update_subject(&actor, &c.lookup(1)?, c.document(2)?)?)
    });
    /// `forgetSubject(handle, lookup, opts)` → JSON erasure receipt.
    c"forgetSubject" => forget_subject(|c| unsafe {
        let actor = c.actor(2)?;
        json(&c.vault()?.forget_subject(&actor, &c.lookup(1)?)?)
    });
    /// `auditEvents(handle, token, opts)` → JSON page of events.
    c"auditEvents" => audit_events(|c| unsafe {
        let paging = args::paging(c.env, c.argv[2])?;
        let token = args::token(c.env, c.argv[1])?;
        json(&c.vault()?.audit_events(&paging.actor, &token, paging.offset, paging.limit)?)
    });
    /// `auditAll(handle, opts)` → JSON page of events.
    c"auditAll" => audit_all(|c| unsafe {
        let paging = args::paging(c.env, c.argv[1])?;
        json(&c.vault()?.audit_all(&paging.actor, paging.offset, paging.limit)?)
    });
    /// `auditHead(handle)` → JSON head.
    c"auditHead" => audit_head(|c| unsafe { json(&c.vault()?.audit_head()?) });
    /// `auditVerify(handle, anchor)` → JSON report.
    c"auditVerify" => audit_verify(|c| unsafe {
        let anchor = args::anchor(args::optional_document(c.env, c.argv[1])?)?;
        json(&c.vault()?.audit_verify(anchor.as_ref())?)
    });
    /// `auditFlush(handle)`.
    c"auditFlush" => audit_flush(|c| unsafe {
        c.vault()?.audit_flush()?;
        Ok(Out::Nothing)
    });
    /// `__panicForTests()`: panics inside the trap every call runs in, for the test that proves a
    /// panic becomes an `INTERNAL` error and the process carries on. Not part of the API.
    c"__panicForTests" => panic_for_tests(|_c| panic!("a test of the panic trap"));
    /// `compact(handle, opts)` → JSON report.
    c"compact" => compact(|c| unsafe {
        let actor = c.actor(1)?;
        json(&c.vault()?.compact(&actor)?)
    });
}

/// The `calls` object of the exports: one function per entry of `CALLS`.
///
/// # Safety
/// `env` is the module's environment while exports are being built.
pub unsafe fn exports(env: sys::napi_env) -> napi::Result<sys::napi_value> {
    let fail = |what: &str| napi::Error::from_reason(format!("could not build calls: {what}"));
    let mut object = ptr::null_mut();
    // SAFETY: creating an object and functions, and setting properties on the new object.
    unsafe {
        if sys::napi_create_object(env, &mut object) != sys::Status::napi_ok {
            return Err(fail("object"));
        }
        for (name, callback) in CALLS {
            let mut function = ptr::null_mut();
            let len = name.to_bytes().len() as isize;
            if sys::napi_create_function(env, name.as_ptr(), len, Some(*callback), ptr::null_mut(), &mut function)
                != sys::Status::napi_ok
                || sys::napi_set_named_property(env, object, name.as_ptr(), function) != sys::Status::napi_ok
            {
                return Err(fail(&name.to_string_lossy()));
            }
        }
    }
    Ok(object)
}
