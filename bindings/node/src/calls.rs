//! The machinery of the addon's operation functions (exported as `calls`): plain N-API
//! callbacks, one per operation and one per async twin (generated in `ops.rs` with the `calls!`
//! macro below), the vault handle they take, the argument readers, the panic trap, and the
//! libuv task an async twin runs its core work on.
//!
//! napi-rs's generated glue for a class method (receiver unwrapping and borrow tracking,
//! argument checks) costs about 300 ns per call; a plain callback about 50 ns (measured with one
//! string argument). The vault arrives as a handle: an `External` holding a clone of the vault,
//! type-tagged so that no other value is taken for one.

use std::ffi::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::Arc;

use bunkerlite::bridge::SubjectText;
use bunkerlite::{AuditHead, Caller, Error, ErrorKind, Lookup, PageRequest, Vault};
use napi::bindgen_prelude::{AsyncTask, ClassInstance, FromNapiValue, ToNapiValue, TypeName, ValidateNapiValue};
use napi::{sys, Env, Task};
use serde_json::Value;

pub use crate::args::Failure;
use crate::args::{self, check};

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

/// Most native argument slots an operation takes (the handle, its arguments, the options).
const MAX_ARGS: usize = 8;

/// The arguments of one call (missing ones are `undefined`, as N-API fills them). The readers
/// take a slot index; every one of them requires that `self` holds the current call's values.
pub struct Call {
    env: sys::napi_env,
    argv: [sys::napi_value; MAX_ARGS],
}

impl Call {
    /// The vault behind the handle in slot 0.
    ///
    /// # Safety
    /// `self` holds the current call's values; the reference does not outlive the call (the
    /// handle argument keeps the External alive).
    pub unsafe fn vault(&self) -> Result<&Vault, Failure> {
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

    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn caller(&self, i: usize) -> Result<Caller, Failure> {
        // SAFETY: per this function's contract.
        unsafe { args::caller(self.env, self.argv[i]) }
    }

    /// The caller from slots `i` (the actor) and `i + 1` (the purpose), which the layer reads
    /// from the options object: each `undefined` or `null` when absent, a string otherwise; `false`
    /// in slot `i` stands for options that are not an object.
    ///
    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn caller_of(&self, i: usize) -> Result<Caller, Failure> {
        // SAFETY: per this function's contract.
        unsafe {
            let actor = args::optional_name(self.env, self.argv[i], "actor")?;
            let purpose = args::optional_name(self.env, self.argv[i + 1], "purpose")?;
            Ok(Caller::from_parts(actor.as_deref(), purpose.as_deref())?)
        }
    }

    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn page(&self, i: usize) -> Result<PageRequest, Failure> {
        // SAFETY: per this function's contract.
        unsafe { args::page(self.env, self.argv[i]) }
    }

    /// A yes/no field `name` of the options object in slot `i` (absent: false).
    ///
    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn flag(&self, i: usize, name: &std::ffi::CStr) -> Result<bool, Failure> {
        // SAFETY: per this function's contract.
        unsafe { args::flag(self.env, self.argv[i], name) }
    }

    /// A lookup in slots `i` (the mode, or `undefined`) and `i + 1` (the value as a string when a
    /// mode is given, otherwise the lookup's JSON text).
    ///
    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn lookup(&self, i: usize) -> Result<Lookup, Failure> {
        // SAFETY: per this function's contract.
        unsafe {
            if args::type_of(self.env, self.argv[i])? == sys::ValueType::napi_undefined {
                return Ok(Lookup::from_json(&self.document(i + 1)?)?);
            }
            let mode = args::strict_string(self.env, self.argv[i], "a lookup mode")?;
            let value = args::strict_string(self.env, self.argv[i + 1], "a lookup value")?;
            Ok(Lookup::parse(&mode, value))
        }
    }

    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn lookups(&self, i: usize) -> Result<Vec<Lookup>, Failure> {
        // SAFETY: per this function's contract.
        Ok(Lookup::many_from_json(&unsafe { self.batch(i) }?)?)
    }

    /// One document (JSON text under the vault's `max_document_bytes`, refused before parsing).
    ///
    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn document(&self, i: usize) -> Result<Value, Failure> {
        // SAFETY: per this function's contract.
        unsafe {
            let limit = bunkerlite::bridge::limits(self.vault()?)?.max_document_bytes;
            args::document(self.env, self.argv[i], limit, "document")
        }
    }

    /// The JSON text of a batch, under the vault's `max_batch_bytes` (each item is checked by the
    /// operation).
    ///
    /// # Safety
    /// `self` holds the current call's values.
    unsafe fn batch(&self, i: usize) -> Result<Value, Failure> {
        // SAFETY: per this function's contract.
        unsafe {
            let limit = bunkerlite::bridge::limits(self.vault()?)?.max_batch_bytes;
            args::document(self.env, self.argv[i], limit, "a batch")
        }
    }

    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn documents(&self, i: usize) -> Result<Vec<Value>, Failure> {
        // SAFETY: per this function's contract.
        Ok(bunkerlite::bridge::documents_from_json(unsafe { self.batch(i) }?)?)
    }

    /// The strings of a batch (JSON text of an array of strings, under `max_batch_bytes`).
    ///
    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn strings(&self, i: usize) -> Result<Vec<String>, Failure> {
        // SAFETY: per this function's contract.
        Ok(bunkerlite::bridge::strings_from_json(unsafe { self.batch(i) }?)?)
    }

    /// An optional options object (JSON text; `undefined` and `null` are absent).
    ///
    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn opt_document(&self, i: usize) -> Result<Option<Value>, Failure> {
        // SAFETY: per this function's contract.
        unsafe { args::optional_document(self.env, self.argv[i]) }
    }

    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn string(&self, i: usize, what: &str) -> Result<String, Failure> {
        // SAFETY: per this function's contract.
        unsafe { args::strict_string(self.env, self.argv[i], what) }
    }

    /// An optional string (`undefined` and `null` are absent).
    ///
    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn opt_string(&self, i: usize, what: &str) -> Result<Option<String>, Failure> {
        // SAFETY: per this function's contract.
        unsafe {
            let kind = args::type_of(self.env, self.argv[i])?;
            if kind == sys::ValueType::napi_undefined || kind == sys::ValueType::napi_null {
                return Ok(None);
            }
            self.string(i, what).map(Some)
        }
    }

    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn anchor(&self, i: usize) -> Result<Option<AuditHead>, Failure> {
        // SAFETY: per this function's contract.
        Ok(args::anchor(unsafe { args::optional_document(self.env, self.argv[i]) }?)?)
    }

    /// A `MasterKey` (an instance of the addon's class; anything else is refused).
    ///
    /// # Safety
    /// `self` holds the current call's values.
    pub unsafe fn key(&self, i: usize) -> Result<Arc<bunkerlite::MasterKey>, Failure> {
        let value = self.argv[i];
        let not_key = || Failure::Core(Error::new(ErrorKind::InvalidInput, "the key must be a MasterKey"));
        // SAFETY: checking that a value of this call is an instance of the class, then reading it.
        unsafe {
            if <ClassInstance<crate::MasterKey> as ValidateNapiValue>::validate(self.env, value).is_err() {
                return Err(not_key());
            }
            let key = <ClassInstance<crate::MasterKey> as FromNapiValue>::from_napi_value(self.env, value)
                .map_err(|_| not_key())?;
            Ok(key.inner.clone())
        }
    }

    /// An argument for an async twin: a core error is kept to reject the promise with (as a sync
    /// call throws it); a pending JavaScript exception is thrown at once.
    pub fn later<T>(&self, read: Result<T, Failure>) -> Result<bunkerlite::Result<T>, Failure> {
        match read {
            Ok(v) => Ok(Ok(v)),
            Err(Failure::Core(e)) => Ok(Err(e)),
            Err(Failure::Pending) => Err(Failure::Pending),
        }
    }

    /// Run `job` on libuv's thread pool (in the panic trap) and return the promise of its result.
    pub fn spawn(&self, job: impl FnOnce() -> bunkerlite::Result<Out> + Send + 'static) -> Result<Out, Failure> {
        let task = AsyncTask::new(Work { job: Some(Box::new(job)) });
        // SAFETY: converting a task in this call's environment.
        let promise = unsafe { <AsyncTask<Work> as ToNapiValue>::to_napi_value(self.env, task) }
            .map_err(|_| Failure::Core(Error::new(ErrorKind::Internal, "could not start an async task")))?;
        Ok(Out::Value(promise))
    }
}

/// What a call returns to JavaScript.
pub enum Out {
    /// A string: JSON text, or a token.
    Text(String),
    /// `undefined`.
    Nothing,
    /// A value already made (a promise).
    Value(sys::napi_value),
}

// SAFETY: `Out::Value` is only made on the JavaScript thread, for the call that returns it; a
// task's output is `Text` or `Nothing`.
unsafe impl Send for Out {}

impl Out {
    /// A result as JSON text.
    pub fn json(value: &impl serde::Serialize) -> bunkerlite::Result<Out> {
        args::text(value).map(Out::Text)
    }

    /// A subject in the compact text form `subjectOf` (index.ts) decodes: token, created_ms,
    /// updated_ms and version, each followed by a comma (none of them holds one), then the
    /// profile's JSON text. JavaScript then parses only the profile, about two thirds of the
    /// subject's JSON text (~0.35 µs of a get by email). The profile's text is wiped when
    /// `subject` is dropped here, the compact copy once V8 has its own.
    pub fn subject(subject: SubjectText) -> Out {
        use std::fmt::Write;
        let mut text = String::with_capacity(subject.profile.len() + 80);
        // Writing to a String cannot fail.
        let _ = write!(
            text,
            "{},{},{},{},{}",
            subject.token,
            subject.created_ms,
            subject.updated_ms,
            subject.version,
            subject.profile.as_str()
        );
        Out::Text(text)
    }
}

impl TypeName for Out {
    fn type_name() -> &'static str {
        "string | undefined"
    }
    fn value_type() -> napi::ValueType {
        napi::ValueType::Unknown
    }
}

impl ToNapiValue for Out {
    unsafe fn to_napi_value(env: sys::napi_env, out: Out) -> napi::Result<sys::napi_value> {
        let mut value = ptr::null_mut();
        // SAFETY: making a string from a valid UTF-8 buffer, or reading `undefined`, in `env`.
        let status = unsafe {
            match &out {
                // ASCII (most JSON results are) is its own Latin-1: V8 copies it without decoding.
                Out::Text(text) if text.is_ascii() => {
                    sys::napi_create_string_latin1(env, text.as_ptr().cast::<c_char>(), text.len() as isize, &mut value)
                }
                Out::Text(text) => {
                    sys::napi_create_string_utf8(env, text.as_ptr().cast::<c_char>(), text.len() as isize, &mut value)
                }
                Out::Nothing => sys::napi_get_undefined(env, &mut value),
                Out::Value(v) => {
                    value = *v;
                    sys::Status::napi_ok
                }
            }
        };
        // The text may hold personal data: wiped once V8 has its copy.
        if let Out::Text(mut text) = out {
            zeroize::Zeroize::zeroize(&mut text);
        }
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason("could not make a result"));
        }
        Ok(value)
    }
}

/// The core work of an async twin; the promise resolves to its result or rejects with an
/// `Error` carrying `.code`, exactly as the sync function returns or throws.
pub struct Work {
    job: Option<Box<dyn FnOnce() -> bunkerlite::Result<Out> + Send>>,
}

/// Run core work, trapping panics (a bug becomes `INTERNAL`, the process survives).
pub fn trap<T>(f: impl FnOnce() -> bunkerlite::Result<T>) -> bunkerlite::Result<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Error::new(ErrorKind::Internal, "a bug in bunkerlite was caught (panic)")))
}

/// The rejection of an async call: an `Error` whose `.code` is the core's code, as sync calls throw.
pub fn rejection(env: &Env, e: &Error) -> napi::Error {
    let made =
        env.create_error(napi::Error::new(napi::Status::GenericFailure, e.message().to_owned())).and_then(|mut obj| {
            use napi::bindgen_prelude::{JsObjectValue, JsValue};
            obj.set_named_property("code", e.code())?;
            Ok(napi::Error::from(obj.to_unknown()))
        });
    made.unwrap_or_else(|err| err)
}

impl Task for Work {
    type Output = bunkerlite::Result<Out>;
    type JsValue = Out;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let job = self.job.take().ok_or_else(|| napi::Error::from_reason("task ran twice"))?;
        Ok(trap(job))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Out> {
        output.map_err(|e| rejection(&env, &e))
    }
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

/// Run one call: read its arguments, run `f` in a panic trap, return its result or throw.
///
/// # Safety
/// `env` and `info` are the ones N-API passed to the callback.
pub unsafe fn run(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    f: impl FnOnce(&Call) -> Result<Out, Failure>,
) -> sys::napi_value {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut call = Call { env, argv: [ptr::null_mut(); MAX_ARGS] };
        let mut argc = call.argv.len();
        // SAFETY: room for `argc` values; N-API fills missing ones with `undefined`.
        check(unsafe {
            sys::napi_get_cb_info(env, info, &mut argc, call.argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut())
        })?;
        let out = f(&call)?;
        // SAFETY: converting in this call's environment.
        unsafe { <Out as ToNapiValue>::to_napi_value(env, out) }
            .map_err(|_| Failure::Core(Error::new(ErrorKind::Internal, "could not make a result")))
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
pub type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

/// Define N-API callbacks from `"name" => function(|call| body)` entries, and `CALLS`, the
/// table of their exported names.
macro_rules! calls {
    ($($(#[$doc:meta])* $js:literal => $name:ident(|$call:ident| $body:expr);)*) => {
        $(
            $(#[$doc])*
            unsafe extern "C" fn $name(env: napi::sys::napi_env, info: napi::sys::napi_callback_info) -> napi::sys::napi_value {
                // The bodies' `unsafe` blocks read this call's arguments through `Call`, whose
                // readers need only that the values are this call's.
                let body = |$call: &Call| -> Result<Out, Failure> { $body };
                // SAFETY: N-API calls this with its own `env` and `info`.
                unsafe { $crate::calls::run(env, info, body) }
            }
        )*

        /// The exported names and callbacks.
        pub const CALLS: &[(&std::ffi::CStr, $crate::calls::Callback)] = &[$(($js, $name)),*];
    };
}
pub(crate) use calls;

/// Hand-written functions exported beside the operations (not part of the API).
mod extra {
    use super::{Call, Failure, Out};

    calls! {
        /// `__panicForTests()`: panics inside the trap every call runs in, for the test that
        /// proves a panic becomes an `INTERNAL` error and the process carries on.
        c"__panicForTests" => panic_for_tests(|_c| panic!("a test of the panic trap"));
        /// `__panicForTestsAsync()`: a task that panics inside the trap every async twin runs in.
        c"__panicForTestsAsync" => panic_for_tests_async(|c| c.spawn(|| panic!("a test of the panic trap")));
    }
}

/// The `calls` object of the exports: one function per operation, async twin and extra.
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
        for (name, callback) in crate::ops::CALLS.iter().flat_map(|area| area.iter()).chain(extra::CALLS) {
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
