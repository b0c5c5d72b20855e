//! JSON documents across the boundary as JSON text, converted by V8's own `JSON.stringify` /
//! `JSON.parse`: one call each way instead of one N-API call per property, which is most of the
//! per-call cost of a binding. Only conversion lives here.

use std::ffi::c_char;
use std::ptr;

use napi::bindgen_prelude::{FromNapiValue, ToNapiValue, TypeName, ValidateNapiValue};
use napi::sys;
use napi::{Status, ValueType};
use serde_json::Value;

fn check(status: sys::napi_status, what: &str) -> napi::Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::new(Status::GenericFailure, format!("N-API call failed: {what}")))
    }
}

/// References to `JSON`, `JSON.parse` and `JSON.stringify`, taken once per JavaScript
/// environment (main thread or worker) and kept as the environment's instance data.
struct JsonRefs {
    json: sys::napi_ref,
    parse: sys::napi_ref,
    stringify: sys::napi_ref,
}

/// `globalThis.JSON[name]` and `globalThis.JSON`. A page that replaced `JSON.parse` before the
/// addon's first call would be used; the values crossing are the caller's own data anyway.
///
/// # Safety
/// `env` is the live environment of the current call.
unsafe fn json_function(env: sys::napi_env, name: &std::ffi::CStr) -> napi::Result<(sys::napi_value, sys::napi_value)> {
    let wrapped = napi::Env::from_raw(env);
    let refs = match wrapped.get_instance_data::<JsonRefs>()? {
        Some(refs) => refs,
        None => {
            let (mut global, mut json, mut parse, mut stringify) =
                (ptr::null_mut(), ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
            let mut refs = JsonRefs { json: ptr::null_mut(), parse: ptr::null_mut(), stringify: ptr::null_mut() };
            // SAFETY: plain N-API calls on the current env with valid out-pointers; the references
            // live as long as the environment (they are never deleted, like the environment's
            // own `JSON` object).
            unsafe {
                check(sys::napi_get_global(env, &mut global), "get global")?;
                check(sys::napi_get_named_property(env, global, c"JSON".as_ptr(), &mut json), "get JSON")?;
                check(sys::napi_get_named_property(env, json, c"parse".as_ptr(), &mut parse), "get JSON.parse")?;
                check(
                    sys::napi_get_named_property(env, json, c"stringify".as_ptr(), &mut stringify),
                    "get JSON.stringify",
                )?;
                check(sys::napi_create_reference(env, json, 1, &mut refs.json), "reference")?;
                check(sys::napi_create_reference(env, parse, 1, &mut refs.parse), "reference")?;
                check(sys::napi_create_reference(env, stringify, 1, &mut refs.stringify), "reference")?;
            }
            wrapped.set_instance_data(refs, (), |_| {})?;
            wrapped
                .get_instance_data::<JsonRefs>()?
                .ok_or_else(|| napi::Error::from_reason("instance data was not kept"))?
        }
    };
    let function_ref = if name == c"parse" { refs.parse } else { refs.stringify };
    let (mut json, mut function) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: the references were created in this environment and are alive.
    unsafe {
        check(sys::napi_get_reference_value(env, refs.json, &mut json), "JSON reference")?;
        check(sys::napi_get_reference_value(env, function_ref, &mut function), "function reference")?;
    }
    Ok((json, function))
}

/// A JavaScript value received as a JSON document (`JSON.stringify` of it, parsed by serde).
/// Values that are not JSON (undefined, functions, symbols, BigInt, cycles) are refused.
pub struct Document(pub Result<Value, bunkerlite::Error>);

fn not_json() -> bunkerlite::Error {
    bunkerlite::Error::new(bunkerlite::ErrorKind::InvalidInput, "a value is not representable as JSON")
}

impl FromNapiValue for Document {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: `env` and `value` come from N-API for this call.
        let (json, stringify) = unsafe { json_function(env, c"stringify")? };
        let mut text = ptr::null_mut();
        // SAFETY: calling JSON.stringify(value) with `json` as `this`.
        let status = unsafe { sys::napi_call_function(env, json, stringify, 1, &value, &mut text) };
        if status == sys::Status::napi_pending_exception {
            // BigInt, cycles, a throwing toJSON: clear the exception, report invalid input.
            let mut exception = ptr::null_mut();
            // SAFETY: clearing the pending exception of this env.
            unsafe { sys::napi_get_and_clear_last_exception(env, &mut exception) };
            return Ok(Document(Err(not_json())));
        }
        check(status, "JSON.stringify")?;
        let mut kind = 0;
        // SAFETY: `text` is a value returned by the call above.
        check(unsafe { sys::napi_typeof(env, text, &mut kind) }, "typeof")?;
        if kind != sys::ValueType::napi_string {
            return Ok(Document(Err(not_json()))); // undefined, a function, a symbol
        }
        // SAFETY: `text` was checked to be a string of this env.
        let text = unsafe { String::from_napi_value(env, text)? };
        // JSON.stringify escapes lone surrogates as \ud800: serde refuses them, as every binding does.
        Ok(Document(serde_json::from_str(&text).map_err(|_| not_json())))
    }
}

impl TypeName for Document {
    fn type_name() -> &'static str {
        "any"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for Document {}

/// A JSON result handed to JavaScript: serialised by serde straight to text, rebuilt by
/// `JSON.parse`.
pub struct Json(pub String);

impl Json {
    /// Serialise a result.
    pub fn of(value: &impl serde::Serialize) -> Result<Json, bunkerlite::Error> {
        serde_json::to_string(value)
            .map(Json)
            .map_err(|_| bunkerlite::Error::new(bunkerlite::ErrorKind::Internal, "a result could not be serialised"))
    }
}

impl ToNapiValue for Json {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let text = val.0;
        // SAFETY: `env` is the live environment of this call.
        let (json, parse) = unsafe { json_function(env, c"parse")? };
        let (mut js_text, mut out) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: creating a string from a valid UTF-8 buffer, then calling JSON.parse on it.
        unsafe {
            check(
                sys::napi_create_string_utf8(env, text.as_ptr().cast::<c_char>(), text.len() as isize, &mut js_text),
                "create string",
            )?;
            check(sys::napi_call_function(env, json, parse, 1, &js_text, &mut out), "JSON.parse")?;
        }
        Ok(out)
    }
}

impl TypeName for Json {
    fn type_name() -> &'static str {
        "any"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

/// The `actor` of a per-call options object (`{ actor: "app:billing" }`), read with one property
/// lookup; absent (no object, or no `actor`) gives `None`. Other keys are ignored here.
pub struct ActorOption(pub Result<Option<String>, bunkerlite::Error>);

impl FromNapiValue for ActorOption {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let bad =
            || ActorOption(Err(bunkerlite::Error::new(bunkerlite::ErrorKind::InvalidInput, "actor must be a string")));
        let mut kind = 0;
        // SAFETY: `value` is this call's argument.
        check(unsafe { sys::napi_typeof(env, value, &mut kind) }, "typeof")?;
        if kind == sys::ValueType::napi_undefined || kind == sys::ValueType::napi_null {
            return Ok(ActorOption(Ok(None)));
        }
        if kind != sys::ValueType::napi_object {
            return Ok(ActorOption(Err(bunkerlite::Error::new(
                bunkerlite::ErrorKind::InvalidInput,
                "options must be an object",
            ))));
        }
        let mut actor = ptr::null_mut();
        // SAFETY: reading one named property of an object.
        check(unsafe { sys::napi_get_named_property(env, value, c"actor".as_ptr(), &mut actor) }, "get actor")?;
        // SAFETY: `actor` was returned above.
        check(unsafe { sys::napi_typeof(env, actor, &mut kind) }, "typeof")?;
        if kind == sys::ValueType::napi_undefined || kind == sys::ValueType::napi_null {
            return Ok(ActorOption(Ok(None)));
        }
        if kind != sys::ValueType::napi_string {
            return Ok(bad());
        }
        // SAFETY: `actor` was checked to be a string of this env.
        let text = unsafe { String::from_napi_value(env, actor)? };
        Ok(ActorOption(Ok(Some(text))))
    }
}

impl TypeName for ActorOption {
    fn type_name() -> &'static str {
        "CallOptions"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for ActorOption {}
