//! Arguments as the JavaScript layer (`index.ts`) sends them. Documents arrive as JSON text made
//! by `JSON.stringify` in JavaScript (or `false` when it could not serialise the value) and
//! results leave as JSON text for `JSON.parse`: one string each way instead of one N-API call
//! per property. Only conversion lives here.

use std::ptr;

use napi::bindgen_prelude::{FromNapiValue, TypeName, ValidateNapiValue};
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

/// A JSON document received as JSON text and parsed by serde. Anything but a string (the layer
/// sends `false` for undefined, functions, symbols, BigInt, cycles) is refused as not JSON.
pub struct Document(pub Result<Value, bunkerlite::Error>);

fn not_json() -> bunkerlite::Error {
    bunkerlite::Error::new(bunkerlite::ErrorKind::InvalidInput, "a value is not representable as JSON")
}

impl FromNapiValue for Document {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let mut kind = 0;
        // SAFETY: `env` and `value` come from N-API for this call.
        check(unsafe { sys::napi_typeof(env, value, &mut kind) }, "typeof")?;
        if kind != sys::ValueType::napi_string {
            return Ok(Document(Err(not_json())));
        }
        // SAFETY: `value` was checked to be a string of this env.
        let text = unsafe { String::from_napi_value(env, value)? };
        // JSON.stringify escapes lone surrogates as \ud800: serde refuses them, as every binding does.
        Ok(Document(serde_json::from_str(&text).map_err(|_| not_json())))
    }
}

impl TypeName for Document {
    fn type_name() -> &'static str {
        "JsonText"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for Document {}

/// A result as JSON text, for `JSON.parse` in the layer.
pub fn text(value: &impl serde::Serialize) -> Result<String, bunkerlite::Error> {
    serde_json::to_string(value)
        .map_err(|_| bunkerlite::Error::new(bunkerlite::ErrorKind::Internal, "a result could not be serialised"))
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
