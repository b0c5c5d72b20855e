//! Reading arguments as the JavaScript layer (`index.ts`) sends them, shared by every
//! operation's sync function and async twin (`ops.rs`, through `calls.rs`) so both refuse the
//! same values with the same codes. Documents arrive as JSON text made by `JSON.stringify` (or as the
//! reason the layer found none, `NotJson`); results leave as JSON text for `JSON.parse`.

use std::ptr;

use bunkerlite::{Caller, Error, ErrorKind, PageRequest};
use napi::bindgen_prelude::{FromNapiValue, TypeName, ValidateNapiValue};
use napi::sys;
use napi::ValueType;
use serde_json::Value;

/// Why reading an argument or making a call failed.
pub enum Failure {
    /// A core error, thrown as an `Error` with `.code`.
    Core(Error),
    /// JavaScript already threw (a getter on an options object did): let that exception through.
    Pending,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Core(e)
    }
}

/// An N-API status as a failure: a pending exception passes through, anything else is a bug.
pub fn check(status: sys::napi_status) -> Result<(), Failure> {
    match status {
        sys::Status::napi_ok => Ok(()),
        sys::Status::napi_pending_exception => Err(Failure::Pending),
        _ => Err(Failure::Core(Error::new(ErrorKind::Internal, "an N-API call failed"))),
    }
}

fn invalid(message: &str) -> Failure {
    Failure::Core(Error::new(ErrorKind::InvalidInput, message.to_owned()))
}

/// The JavaScript type of a value.
///
/// # Safety
/// `env` is the current call's environment and `value` one of its values.
pub unsafe fn type_of(env: sys::napi_env, value: sys::napi_value) -> Result<sys::napi_valuetype, Failure> {
    let mut kind = 0;
    // SAFETY: per this function's contract.
    check(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
    Ok(kind)
}

fn absent(kind: sys::napi_valuetype) -> bool {
    kind == sys::ValueType::napi_undefined || kind == sys::ValueType::napi_null
}

/// Stack room for most strings (lookups, tokens, actors, typical profiles).
const STACK_BYTES: usize = 1024;
/// The longest UTF-8 sequence N-API may leave out when a buffer is too short for it.
const MAX_CHAR_BYTES: usize = 4;

/// The UTF-8 bytes of a JavaScript string, handed to `f`. Lone surrogates arrive as U+FFFD, as
/// N-API converts them; documents never contain any (`JSON.stringify` escapes them).
///
/// # Safety
/// `env` is the current call's environment and `value` a string of it.
unsafe fn with_utf8<T>(env: sys::napi_env, value: sys::napi_value, f: impl FnOnce(&[u8]) -> T) -> Result<T, Failure> {
    let mut stack = [0u8; STACK_BYTES];
    let mut len = 0usize;
    // SAFETY: the buffer is valid for its length; N-API writes at most `len - 1` bytes plus a NUL.
    check(unsafe { sys::napi_get_value_string_utf8(env, value, stack.as_mut_ptr().cast(), stack.len(), &mut len) })?;
    // N-API copies whole characters only, so a shorter copy than the room left for one more
    // character is the whole string.
    if len < STACK_BYTES - 1 - MAX_CHAR_BYTES {
        return Ok(f(&stack[..len]));
    }
    // SAFETY: a NULL buffer asks for the length in bytes.
    check(unsafe { sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut len) })?;
    let mut heap = vec![0u8; len + 1];
    // SAFETY: as above, with a buffer sized for the whole string and its NUL.
    check(unsafe { sys::napi_get_value_string_utf8(env, value, heap.as_mut_ptr().cast(), heap.len(), &mut len) })?;
    Ok(f(&heap[..len]))
}

fn not_json() -> Failure {
    invalid("values must be plain objects, arrays, strings, finite numbers, booleans or null")
}

/// Why the layer found no faithful JSON text for a value (`NotJson` in `header.d.ts`), as the
/// error the Python binding gives for the same value.
///
/// # Safety
/// `env` is the current call's environment and `value` a number of it.
unsafe fn not_json_because(env: sys::napi_env, value: sys::napi_value) -> Failure {
    let mut reason = 0i32;
    // SAFETY: per this function's contract.
    if let Err(failure) = check(unsafe { sys::napi_get_value_int32(env, value, &mut reason) }) {
        return failure;
    }
    match reason {
        1 => invalid("NaN and infinity are not JSON"),
        2 => Failure::Core(Error::new(ErrorKind::TooLarge, "a document is nested too deeply")),
        _ => not_json(),
    }
}

/// A JSON document sent as JSON text (or as the reason there is none). Text longer than
/// `max_bytes` (of UTF-8) is refused with `TOO_LARGE` ("`what` is larger than …") before it is
/// copied or parsed.
///
/// # Safety
/// `env` is the current call's environment and `value` one of its values.
pub unsafe fn document(
    env: sys::napi_env,
    value: sys::napi_value,
    max_bytes: usize,
    what: &str,
) -> Result<Value, Failure> {
    // SAFETY: per this function's contract.
    match unsafe { type_of(env, value)? } {
        sys::ValueType::napi_string => {
            let mut len = 0usize;
            // SAFETY: a NULL buffer asks for the length in bytes, copying nothing.
            check(unsafe { sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut len) })?;
            if len > max_bytes {
                return Err(Failure::Core(Error::new(
                    ErrorKind::TooLarge,
                    format!("{what} is larger than {max_bytes} bytes"),
                )));
            }
            // SAFETY: `value` was checked to be a string.
            unsafe {
                with_utf8(env, value, |bytes| {
                    serde_json::from_slice(bytes).map_err(|e| {
                        // JSON.stringify escapes lone surrogates as \ud800; serde refuses them.
                        let message = e.to_string();
                        if message.contains("surrogate") || message.contains("hex escape") {
                            lone_surrogate()
                        } else {
                            invalid("a document is not valid JSON")
                        }
                    })
                })?
            }
        }
        // SAFETY: `value` was checked to be a number.
        sys::ValueType::napi_number => Err(unsafe { not_json_because(env, value) }),
        _ => Err(not_json()),
    }
}

fn lone_surrogate() -> Failure {
    invalid("a string is not valid Unicode (lone surrogate)")
}

/// An optional document: `undefined` and `null` are `None`.
///
/// # Safety
/// `env` is the current call's environment and `value` one of its values.
pub unsafe fn optional_document(env: sys::napi_env, value: sys::napi_value) -> Result<Option<Value>, Failure> {
    // SAFETY: per this function's contract.
    if absent(unsafe { type_of(env, value)? }) {
        return Ok(None);
    }
    // Options and anchors are small: the default document limit bounds them.
    // SAFETY: per this function's contract.
    unsafe { document(env, value, bunkerlite::Limits::default().max_document_bytes, "document") }.map(Some)
}

/// A string that must be well-formed Unicode: a lone surrogate is refused as on the JSON path
/// (`a string is not valid Unicode (lone surrogate)`), where N-API's UTF-8
/// conversion would silently replace it. Used where the layer sends strings of a document
/// directly instead of its JSON text.
///
/// # Safety
/// `env` is the current call's environment and `value` one of its values.
pub unsafe fn strict_string(env: sys::napi_env, value: sys::napi_value, what: &str) -> Result<String, Failure> {
    // SAFETY: per this function's contract.
    if unsafe { type_of(env, value)? } != sys::ValueType::napi_string {
        return Err(Failure::Core(Error::new(ErrorKind::InvalidInput, format!("{what} must be a string"))));
    }
    let mut stack = [0u16; STACK_BYTES / 2];
    let mut len = 0usize;
    // SAFETY: the buffer is valid for its length in code units (N-API writes a NUL after the copy).
    check(unsafe { sys::napi_get_value_string_utf16(env, value, stack.as_mut_ptr(), stack.len(), &mut len) })?;
    // A copy shorter than the room left for a surrogate pair is the whole string.
    if len < stack.len() - 3 {
        return String::from_utf16(&stack[..len]).map_err(|_| lone_surrogate());
    }
    // SAFETY: a NULL buffer asks for the length in code units.
    check(unsafe { sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut len) })?;
    let mut heap = vec![0u16; len + 1];
    // SAFETY: as above, with room for the whole string and its NUL.
    check(unsafe { sys::napi_get_value_string_utf16(env, value, heap.as_mut_ptr(), heap.len(), &mut len) })?;
    String::from_utf16(&heap[..len]).map_err(|_| lone_surrogate())
}

/// An optional ASCII name such as an actor or purpose (`undefined` and `null` are absent); `what`
/// names it in the error. Read as UTF-8 by N-API, which replaces a lone surrogate with U+FFFD:
/// such a name is refused anyway, as only ASCII names are valid. The layer sends `false` in place
/// of an actor when the options were not an object.
///
/// # Safety
/// `env` is the current call's environment and `value` one of its values.
pub unsafe fn optional_name(env: sys::napi_env, value: sys::napi_value, what: &str) -> Result<Option<String>, Failure> {
    // SAFETY: per this function's contract.
    match unsafe { type_of(env, value)? } {
        kind if absent(kind) => Ok(None),
        // SAFETY: `value` is a string of this call; N-API writes valid UTF-8.
        sys::ValueType::napi_string => {
            unsafe { with_utf8(env, value, |b| String::from_utf8_lossy(b).into_owned()) }.map(Some)
        }
        sys::ValueType::napi_boolean => Err(invalid("options must be an object")),
        _ => Err(Failure::Core(Error::new(ErrorKind::InvalidInput, format!("{what} must be a string")))),
    }
}

/// One property of an options object, or `None` when absent (`undefined` or `null`).
///
/// # Safety
/// `env` is the current call's environment and `object` an object of it.
unsafe fn property(
    env: sys::napi_env,
    object: sys::napi_value,
    name: &std::ffi::CStr,
) -> Result<Option<sys::napi_value>, Failure> {
    let mut value = ptr::null_mut();
    // SAFETY: reading a named property of an object (a throwing getter leaves an exception pending).
    check(unsafe { sys::napi_get_named_property(env, object, name.as_ptr(), &mut value) })?;
    // SAFETY: `value` was returned above.
    Ok(if absent(unsafe { type_of(env, value)? }) { None } else { Some(value) })
}

/// An options object: `None` when absent, an error when not an object.
///
/// # Safety
/// `env` is the current call's environment and `value` one of its values.
unsafe fn options_object(env: sys::napi_env, value: sys::napi_value) -> Result<Option<sys::napi_value>, Failure> {
    // SAFETY: per this function's contract.
    match unsafe { type_of(env, value)? } {
        kind if absent(kind) => Ok(None),
        sys::ValueType::napi_object => Ok(Some(value)),
        _ => Err(invalid("options must be an object")),
    }
}

/// An optional string property of an options object (`undefined` and `null` are absent).
///
/// # Safety
/// `env` is the current call's environment and `object` an object of it.
unsafe fn string_property(
    env: sys::napi_env,
    object: sys::napi_value,
    name: &std::ffi::CStr,
    what: &str,
) -> Result<Option<String>, Failure> {
    // SAFETY: per this function's contract; the property is a value of this call.
    unsafe { property(env, object, name)?.map(|v| strict_string(env, v, what)).transpose() }
}

/// The caller from per-call options `{ actor, purpose }` (both optional; absent options are the
/// default actor with no purpose).
///
/// # Safety
/// `env` is the current call's environment and `value` one of its values.
pub unsafe fn caller(env: sys::napi_env, value: sys::napi_value) -> Result<Caller, Failure> {
    // SAFETY: per this function's contract.
    let Some(object) = (unsafe { options_object(env, value)? }) else {
        return Ok(Caller::from_parts(None, None)?);
    };
    // SAFETY: `object` is a value of this call.
    let (actor, purpose) = unsafe {
        (string_property(env, object, c"actor", "actor")?, string_property(env, object, c"purpose", "purpose")?)
    };
    Ok(Caller::from_parts(actor.as_deref(), purpose.as_deref())?)
}

/// A boolean field `name` of per-call options (absent: false).
///
/// # Safety
/// `env` is the current call's environment and `value` one of its values.
pub unsafe fn flag(env: sys::napi_env, value: sys::napi_value, name: &std::ffi::CStr) -> Result<bool, Failure> {
    // SAFETY: per this function's contract.
    let Some(object) = (unsafe { options_object(env, value)? }) else { return Ok(false) };
    // SAFETY: `object` and the property read from it are values of this call.
    unsafe {
        let Some(v) = property(env, object, name)? else { return Ok(false) };
        if type_of(env, v)? != sys::ValueType::napi_boolean {
            return Err(Failure::Core(Error::new(
                ErrorKind::InvalidInput,
                format!("{} must be true or false", name.to_string_lossy()),
            )));
        }
        let mut b = false;
        check(sys::napi_get_value_bool(env, v, &mut b))?;
        Ok(b)
    }
}

/// A non-negative whole number (up to 2^53, beyond which doubles skip integers).
///
/// # Safety
/// `env` is the current call's environment and `value` one of its values.
unsafe fn count(env: sys::napi_env, value: sys::napi_value) -> Result<u64, Failure> {
    let bad = || invalid("limit must be an integer between 1 and 1000");
    // SAFETY: per this function's contract.
    if unsafe { type_of(env, value)? } != sys::ValueType::napi_number {
        return Err(bad());
    }
    let mut number = 0f64;
    // SAFETY: `value` was checked to be a number.
    check(unsafe { sys::napi_get_value_double(env, value, &mut number) })?;
    const MAX_EXACT: f64 = 9_007_199_254_740_992.0;
    if number.fract() == 0.0 && (0.0..=MAX_EXACT).contains(&number) {
        Ok(number as u64)
    } else {
        Err(bad())
    }
}

/// Paging from per-call options `{ cursor, limit }` (both optional).
///
/// # Safety
/// `env` is the current call's environment and `value` one of its values.
pub unsafe fn page(env: sys::napi_env, value: sys::napi_value) -> Result<PageRequest, Failure> {
    // SAFETY: per this function's contract.
    let Some(object) = (unsafe { options_object(env, value)? }) else {
        return Ok(PageRequest::default());
    };
    // SAFETY: `object` and the properties read from it are values of this call.
    unsafe {
        let cursor = string_property(env, object, c"cursor", "cursor")?;
        let limit = property(env, object, c"limit")?.map(|v| count(env, v)).transpose()?;
        Ok(PageRequest { limit, cursor })
    }
}

/// An argument of a napi-rs method read by one of the functions above: the value, or the core
/// error to reject the call with. A pending JavaScript exception fails the conversion itself,
/// so napi-rs lets that exception through.
pub struct Arg<T>(pub Result<T, Error>);

impl<T> Arg<T> {
    fn read(read: impl FnOnce() -> Result<T, Failure>) -> napi::Result<Arg<T>> {
        match read() {
            Ok(value) => Ok(Arg(Ok(value))),
            Err(Failure::Core(e)) => Ok(Arg(Err(e))),
            Err(Failure::Pending) => Err(napi::Error::from_reason("a JavaScript exception is pending")),
        }
    }
}

macro_rules! arg_type {
    ($(#[$doc:meta])* $name:ident, $value:ty, $ts:literal, $reader:path) => {
        $(#[$doc])*
        pub struct $name(pub Arg<$value>);

        impl FromNapiValue for $name {
            unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
                // SAFETY: napi-rs passes this call's environment and argument.
                Arg::read(|| unsafe { $reader(env, value) }).map($name)
            }
        }

        impl TypeName for $name {
            fn type_name() -> &'static str {
                $ts
            }
            fn value_type() -> ValueType {
                ValueType::Unknown
            }
        }

        impl ValidateNapiValue for $name {}
    };
}

arg_type!(
    /// An optional JSON document argument (the options of `Vault.open`).
    OptionalDocument, Option<Value>, "JsonText | undefined", optional_document
);

/// An optional audit anchor (`null` and absent mean none).
pub fn anchor(value: Option<Value>) -> Result<Option<bunkerlite::AuditHead>, Error> {
    value.filter(|a| !a.is_null()).map(|a| bunkerlite::AuditHead::from_json(&a)).transpose()
}

/// A result as JSON text, for `JSON.parse` in the layer.
pub fn text(value: &impl serde::Serialize) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|_| Error::new(ErrorKind::Internal, "a result could not be serialised"))
}
