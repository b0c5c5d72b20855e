//! Python objects ↔ JSON values, one reader per kind of argument the operations take, and
//! bunkerlite errors → the `bunkerlite` exception classes.

use std::cell::RefCell;
use std::sync::Arc;

use bunkerlite::{AuditHead, Caller, Error, ErrorKind, Limits, Lookup, PageRequest, Subject, Vault};
use pyo3::exceptions::PyRuntimeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

fn invalid(message: &str) -> Error {
    Error::new(ErrorKind::InvalidInput, message.to_owned())
}

/// Why an argument was refused: the core's error, or a value of the wrong Python type (raised as
/// `InvalidTypeError`, an `InvalidInputError` that is also a `TypeError`; code `INVALID_INPUT`).
pub(crate) enum ArgError {
    Core(Error),
    Type(String),
}

impl From<Error> for ArgError {
    fn from(e: Error) -> ArgError {
        ArgError::Core(e)
    }
}

fn wrong_type(message: impl Into<String>) -> ArgError {
    ArgError::Type(message.into())
}

/// The Python exception for an argument error.
pub(crate) fn arg_err(py: Python<'_>, err: ArgError) -> PyErr {
    match err {
        ArgError::Core(e) => py_err(py, &e),
        ArgError::Type(message) => {
            let make = || -> PyResult<PyErr> {
                let class = py.import("bunkerlite._errors")?.getattr("InvalidTypeError")?;
                Ok(PyErr::from_value(class.call1((message,))?))
            };
            make().unwrap_or_else(|e| e)
        }
    }
}

fn too_large(message: String) -> Error {
    Error::new(ErrorKind::TooLarge, message)
}

/// What a document may still hold while it is converted, from the vault's limits: conversion
/// stops at the first excess (with the core's message), so an oversized argument is never
/// copied whole. Sizes are counted low (the compact JSON is at least this long), so nothing the
/// core would accept is refused; the core checks exactly afterwards.
struct Budget<'l> {
    limits: &'l Limits,
    bytes: usize,
    fields: usize,
}

impl<'l> Budget<'l> {
    fn new(limits: &'l Limits) -> Budget<'l> {
        Budget { limits, bytes: 0, fields: 0 }
    }

    fn spend(&mut self, bytes: usize) -> Result<(), Error> {
        self.bytes += bytes;
        if self.bytes > self.limits.max_document_bytes {
            return Err(too_large(format!("document is larger than {} bytes", self.limits.max_document_bytes)));
        }
        Ok(())
    }

    fn string(&mut self, s: &Bound<'_, PyString>) -> Result<String, Error> {
        let t = text(s)?;
        if t.len() > self.limits.max_string_bytes {
            return Err(too_large(format!("a string is longer than {} bytes", self.limits.max_string_bytes)));
        }
        self.spend(t.len() + 2)?;
        Ok(t)
    }
}

/// A Python value (dict, list, tuple, str, int, float, bool, None) as one JSON document within
/// the limits.
pub(crate) fn to_json(obj: &Bound<'_, PyAny>, limits: &Limits) -> Result<Value, ArgError> {
    to_json_at(obj, 1, &mut Budget::new(limits))
}

pub(crate) fn text(obj: &Bound<'_, PyString>) -> Result<String, Error> {
    // Lone surrogates are not valid UTF-8: refused, never replaced. (abi3 from 3.10 reads the
    // string's cached UTF-8 without making a bytes object.)
    obj.to_str().map(str::to_owned).map_err(|_| invalid("a string is not valid Unicode (lone surrogate)"))
}

fn to_json_at(obj: &Bound<'_, PyAny>, depth: usize, budget: &mut Budget<'_>) -> Result<Value, ArgError> {
    if depth > budget.limits.max_depth {
        // Also what ends a self-referencing list.
        return Err(too_large(format!("document is nested deeper than {} levels", budget.limits.max_depth)).into());
    }
    if obj.is_none() {
        budget.spend(4)?;
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        budget.spend(4)?;
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        budget.spend(1)?;
        if let Ok(v) = i.extract::<i64>() {
            return Ok(Value::from(v));
        }
        if let Ok(v) = i.extract::<u64>() {
            return Ok(Value::from(v));
        }
        return Err(invalid("an integer does not fit in 64 bits").into());
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        budget.spend(1)?;
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| invalid("NaN and infinity are not JSON").into());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(budget.string(s).map(Value::String)?);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        budget.fields += d.len();
        if budget.fields > budget.limits.max_fields {
            return Err(too_large(format!("document has more than {} fields", budget.limits.max_fields)).into());
        }
        budget.spend(2)?;
        let mut map = Map::new();
        for (i, (k, v)) in d.iter().enumerate() {
            let key = k.cast::<PyString>().map_err(|_| wrong_type("object keys must be strings"))?;
            let key = budget.string(key)?;
            // The colon, and the comma before every entry but the first.
            budget.spend(if i == 0 { 1 } else { 2 })?;
            map.insert(key, to_json_at(&v, depth + 1, budget)?);
        }
        return Ok(Value::Object(map));
    }
    let items =
        |iter: &mut dyn Iterator<Item = Bound<'_, PyAny>>, budget: &mut Budget<'_>| -> Result<Value, ArgError> {
            budget.spend(2)?;
            let mut out = Vec::new();
            for (i, v) in iter.enumerate() {
                // The comma before every item but the first.
                if i > 0 {
                    budget.spend(1)?;
                }
                out.push(to_json_at(&v, depth + 1, budget)?);
            }
            Ok(Value::Array(out))
        };
    if let Ok(l) = obj.cast::<PyList>() {
        return items(&mut l.iter(), budget);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return items(&mut t.iter(), budget);
    }
    Err(wrong_type("values must be dict, list, tuple, str, int, float, bool or None"))
}

/// The items of a batch argument (a list or tuple) named `what`, each converted by `item`, which
/// also says how many bytes it counted: at most `max_batch` items and `max_batch_bytes` in all,
/// refused as soon as either is passed; an item's error names its position.
fn batch_of<'py, T>(
    obj: &Bound<'py, PyAny>,
    limits: &Limits,
    what: &str,
    mut item: impl FnMut(&Bound<'py, PyAny>) -> Result<(T, usize), ArgError>,
) -> Result<Vec<T>, ArgError> {
    let items: Vec<Bound<'py, PyAny>> = if let Ok(l) = obj.cast::<PyList>() {
        if l.len() > limits.max_batch {
            return Err(too_large(format!("a batch holds at most {} items", limits.max_batch)).into());
        }
        l.iter().collect()
    } else if let Ok(t) = obj.cast::<PyTuple>() {
        if t.len() > limits.max_batch {
            return Err(too_large(format!("a batch holds at most {} items", limits.max_batch)).into());
        }
        t.iter().collect()
    } else {
        return Err(wrong_type(format!("{what} must be a list")));
    };
    let mut total = 0usize;
    let mut out = Vec::with_capacity(items.len());
    for (i, obj) in items.iter().enumerate() {
        let (converted, bytes) = item(obj).map_err(|e| match e {
            ArgError::Core(e) => ArgError::Core(e.context(format_args!("item {i}"))),
            ArgError::Type(m) => ArgError::Type(format!("item {i}: {m}")),
        })?;
        total += bytes;
        if total > limits.max_batch_bytes {
            return Err(too_large(format!("a batch is larger than {} bytes", limits.max_batch_bytes)).into());
        }
        out.push(converted);
    }
    Ok(out)
}

/// The JSON documents of a batch argument.
fn batch(obj: &Bound<'_, PyAny>, limits: &Limits, what: &str) -> Result<Vec<Value>, ArgError> {
    batch_of(obj, limits, what, |item| {
        let mut budget = Budget::new(limits);
        let value = to_json_at(item, 1, &mut budget)?;
        Ok((value, budget.bytes))
    })
}

/// A string argument named `what` (a lone surrogate or another type is invalid input).
pub(crate) fn string(obj: &Bound<'_, PyAny>, what: &str) -> Result<String, ArgError> {
    let s = obj.cast::<PyString>().map_err(|_| wrong_type(format!("{what} must be a string")))?;
    Ok(text(s)?)
}

/// Key text (hex or base64) named `what`: text that is not valid Unicode cannot be key text,
/// so it is refused as the core refuses malformed key text (`KEY_SOURCE`), not as a bad
/// argument; another type is still a type error.
pub(crate) fn key_text(obj: &Bound<'_, PyAny>, what: &str) -> Result<String, ArgError> {
    let s = obj.cast::<PyString>().map_err(|_| wrong_type(format!("{what} must be a string")))?;
    s.to_str().map(str::to_owned).map_err(|_| {
        Error::new(ErrorKind::KeySource, format!("{what} is not valid Unicode, so neither hex nor base64")).into()
    })
}

/// An optional string argument (`None` is absent).
pub(crate) fn opt_string(obj: Option<&Bound<'_, PyAny>>, what: &str) -> Result<Option<String>, ArgError> {
    obj.filter(|o| !o.is_none()).map(|o| string(o, what)).transpose()
}

/// The last caller made on this thread, with the string objects it was made from: programs
/// pass the same actor (usually an interned literal) call after call, so the checked caller is
/// reused when the very same objects come again (identity, not equality: the cache holds them,
/// so an address cannot be reused by another string meanwhile).
struct LastCaller {
    actor: Option<Py<PyAny>>,
    purpose: Option<Py<PyAny>>,
    caller: Caller,
}

thread_local! {
    static LAST_CALLER: std::cell::RefCell<Option<LastCaller>> = const { std::cell::RefCell::new(None) };
}

fn same(a: Option<&Bound<'_, PyAny>>, b: &Option<Py<PyAny>>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.as_ptr() == b.as_ptr(),
        _ => false,
    }
}

/// The caller from the `actor` and `purpose` keyword arguments.
pub(crate) fn caller(actor: Option<&Bound<'_, PyAny>>, purpose: Option<&Bound<'_, PyAny>>) -> Result<Caller, ArgError> {
    let (actor, purpose) = (actor.filter(|a| !a.is_none()), purpose.filter(|p| !p.is_none()));
    let cached = LAST_CALLER.with(|last| {
        let last = last.borrow();
        last.as_ref().filter(|l| same(actor, &l.actor) && same(purpose, &l.purpose)).map(|l| l.caller.clone())
    });
    if let Some(caller) = cached {
        return Ok(caller);
    }
    let made = Caller::from_parts(
        actor.map(|a| string(a, "actor")).transpose()?.as_deref(),
        purpose.map(|p| string(p, "purpose")).transpose()?.as_deref(),
    )?;
    let keep = |o: Option<&Bound<'_, PyAny>>| o.map(|o| o.clone().unbind());
    let entry = LastCaller { actor: keep(actor), purpose: keep(purpose), caller: made.clone() };
    LAST_CALLER.with(|last| *last.borrow_mut() = Some(entry));
    Ok(made)
}

/// A lookup: a dict with one key. The usual `{"email": "…"}` is read directly (the same checks
/// as the JSON path, which every other shape takes).
pub(crate) fn lookup(obj: &Bound<'_, PyAny>, vault: &Vault) -> Result<Lookup, ArgError> {
    let d = obj
        .cast::<PyDict>()
        .map_err(|_| wrong_type("a lookup must be a dict with one key, such as {\"email\": ...}"))?;
    if let Some((mode, value)) = d.iter().next().filter(|_| d.len() == 1) {
        if let (Ok(mode), Ok(value)) = (mode.cast::<PyString>(), value.cast::<PyString>()) {
            return Ok(Lookup::parse(&text(mode)?, text(value)?));
        }
    }
    Ok(Lookup::from_json(&to_json(obj, &bunkerlite::bridge::limits(vault)?)?)?)
}

/// A batch of lookups (a list of lookup dicts).
pub(crate) fn lookups(obj: &Bound<'_, PyAny>, vault: &Vault) -> Result<Vec<Lookup>, ArgError> {
    Ok(Lookup::many_from_json(&Value::Array(batch(obj, &bunkerlite::bridge::limits(vault)?, "lookups")?))?)
}

/// One document (a profile, a patch) within the vault's limits.
pub(crate) fn document(obj: &Bound<'_, PyAny>, vault: &Vault) -> Result<Value, ArgError> {
    to_json(obj, &bunkerlite::bridge::limits(vault)?)
}

/// The documents of a batch (a list) named `what`.
pub(crate) fn documents(obj: &Bound<'_, PyAny>, vault: &Vault, what: &str) -> Result<Vec<Value>, ArgError> {
    batch(obj, &bunkerlite::bridge::limits(vault)?, what)
}

/// An optional options dict (`None` is absent).
pub(crate) fn opt_document(obj: Option<&Bound<'_, PyAny>>, vault: &Vault) -> Result<Option<Value>, ArgError> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(None) };
    if !obj.is_instance_of::<PyDict>() {
        return Err(wrong_type("options must be a dict"));
    }
    Ok(Some(to_json(obj, &bunkerlite::bridge::limits(vault)?)?))
}

/// A list of strings named `what` (at most `max_batch` items and `max_batch_bytes` bytes).
pub(crate) fn strings(obj: &Bound<'_, PyAny>, vault: &Vault, what: &str) -> Result<Vec<String>, ArgError> {
    batch_of(obj, &bunkerlite::bridge::limits(vault)?, what, |item| {
        let s = text(item.cast::<PyString>().map_err(|_| wrong_type("must be a string"))?)?;
        let bytes = s.len();
        Ok((s, bytes))
    })
}

/// Paging from the `cursor` and `limit` keyword arguments.
pub(crate) fn page(
    cursor: Option<&Bound<'_, PyAny>>,
    limit: Option<&Bound<'_, PyAny>>,
) -> Result<PageRequest, ArgError> {
    const WHAT: &str = "limit must be an integer between 1 and 1000";
    let limit = match limit.filter(|l| !l.is_none()) {
        None => None,
        Some(l) if l.is_instance_of::<PyBool>() => return Err(wrong_type(WHAT)),
        Some(l) => Some(l.cast::<PyInt>().map_err(|_| wrong_type(WHAT))?.extract::<u64>().map_err(|_| invalid(WHAT))?),
    };
    Ok(PageRequest { limit, cursor: opt_string(cursor, "cursor")? })
}

/// A yes/no keyword argument (`None` or absent is false).
pub(crate) fn flag(obj: Option<&Bound<'_, PyAny>>, what: &str) -> Result<bool, ArgError> {
    match obj.filter(|o| !o.is_none()) {
        None => Ok(false),
        Some(b) => Ok(b.cast::<PyBool>().map_err(|_| wrong_type(format!("{what} must be True or False")))?.is_true()),
    }
}

/// An optional audit anchor (a dict `{"seq": N, "hash": "…"}`).
pub(crate) fn anchor(obj: Option<&Bound<'_, PyAny>>) -> Result<Option<AuditHead>, ArgError> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(None) };
    if !obj.is_instance_of::<PyDict>() {
        return Err(wrong_type("an audit anchor must be a dict {\"seq\": ..., \"hash\": ...}"));
    }
    Ok(Some(AuditHead::from_json(&to_json(obj, &Limits::default())?)?))
}

/// A `MasterKey` argument.
pub(crate) fn key(obj: &Bound<'_, PyAny>) -> Result<Arc<bunkerlite::MasterKey>, ArgError> {
    let key = obj.cast::<crate::MasterKey>().map_err(|_| wrong_type("the key must be a bunkerlite.MasterKey"))?;
    Ok(key.get().inner.clone())
}

/// A JSON value as Python objects.
pub(crate) fn from_json<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(from_json(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, from_json(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// JSON text (a result the core gives as text) as Python objects, built while it is parsed (no
/// intermediate `Value`); the text is wiped afterwards.
pub(crate) fn from_json_text<'py>(py: Python<'py>, mut text: String) -> PyResult<Bound<'py, PyAny>> {
    let failed = RefCell::new(None);
    let built = {
        let mut de = serde_json::Deserializer::from_str(&text);
        PySeed { py, failed: &failed }.deserialize(&mut de).and_then(|v| de.end().map(|()| v))
    };
    zeroize::Zeroize::zeroize(&mut text);
    built.map_err(|_| failed.take().unwrap_or_else(|| PyRuntimeError::new_err("INTERNAL: a result is not JSON")))
}

/// Builds Python objects as serde_json parses; a Python error is kept in `failed`.
#[derive(Clone, Copy)]
struct PySeed<'a, 'py> {
    py: Python<'py>,
    failed: &'a RefCell<Option<PyErr>>,
}

impl<'py> PySeed<'_, 'py> {
    fn keep<T, E: de::Error>(&self, r: PyResult<T>) -> Result<T, E> {
        r.map_err(|e| {
            *self.failed.borrow_mut() = Some(e);
            E::custom("python")
        })
    }
}

impl<'de, 'py> DeserializeSeed<'de> for PySeed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for PySeed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.py, b).to_owned().into_any())
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Self::Value, E> {
        self.keep(i.into_pyobject(self.py).map(Bound::into_any).map_err(Into::into))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Self::Value, E> {
        self.keep(u.into_pyobject(self.py).map(Bound::into_any).map_err(Into::into))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.py, f).into_any())
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.py, s).into_any())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.py);
        while let Some(item) = seq.next_element_seed(self)? {
            self.keep(list.append(item))?;
        }
        Ok(list.into_any())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.py);
        while let Some(key) = map.next_key_seed(KeySeed(self.py))? {
            let value = map.next_value_seed(self)?;
            self.keep(dict.set_item(key, value))?;
        }
        Ok(dict.into_any())
    }
}

/// A dict key. Field names repeat call after call (`"email"`, `"address"`, …), so short
/// identifier-like keys are kept, per thread, in a small direct-mapped cache of string objects
/// whose hash Python has already computed: a hit costs a comparison instead of a new string and
/// its hashing. Only names are kept (no `@`, `+`, `.` or spaces, at most 32 bytes), never values.
struct KeySeed<'py>(Python<'py>);

const KEY_SLOTS: usize = 256;
const KEY_MAX: usize = 32;

/// A cached key: its text and its string object.
type KeySlot = Option<(Box<str>, Py<PyString>)>;

thread_local! {
    static KEYS: RefCell<Vec<KeySlot>> = RefCell::new((0..KEY_SLOTS).map(|_| None).collect());
}

fn cacheable(key: &str) -> bool {
    key.len() <= KEY_MAX && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn key_string<'py>(py: Python<'py>, key: &str) -> Bound<'py, PyString> {
    if !cacheable(key) {
        return PyString::new(py, key);
    }
    // FNV-1a over the bytes picks the slot.
    let slot =
        key.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193)) as usize % KEY_SLOTS;
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if let Some((k, s)) = &keys[slot] {
            if **k == *key {
                return s.bind(py).clone();
            }
        }
        let made = PyString::new(py, key);
        keys[slot] = Some((key.into(), made.clone().unbind()));
        made
    })
}

impl<'de, 'py> DeserializeSeed<'de> for KeySeed<'py> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, 'py> Visitor<'de> for KeySeed<'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(key_string(self.0, key).into_any())
    }
}

/// A subject as a dict, built field by field: the same keys and values as `result` gives (the
/// shared vectors compare them), without first copying the profile into a `serde_json::Value`.
pub(crate) fn subject<'py>(py: Python<'py>, s: &Subject) -> PyResult<Bound<'py, PyAny>> {
    let dict = PyDict::new(py);
    dict.set_item(intern!(py, "token"), &s.token)?;
    dict.set_item(intern!(py, "profile"), from_json(py, &s.profile)?)?;
    dict.set_item(intern!(py, "created_ms"), s.created_ms)?;
    dict.set_item(intern!(py, "updated_ms"), s.updated_ms)?;
    dict.set_item(intern!(py, "version"), s.version)?;
    Ok(dict.into_any())
}

/// A serialisable result (receipt, page, …) as Python objects.
/// Written as JSON text and built while parsing (the path of `from_json_text`, with its cache of
/// key strings), which is faster than going through a `serde_json::Value`; the text is wiped.
pub(crate) fn result<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text =
        serde_json::to_string(value).map_err(|_| PyRuntimeError::new_err("INTERNAL: result not serialisable"))?;
    from_json_text(py, text)
}

/// The `bunkerlite` exception for an error: the class registered for its code in
/// `bunkerlite._errors`, with `.code` and the message.
pub(crate) fn py_err(py: Python<'_>, err: &Error) -> PyErr {
    let make = || -> PyResult<PyErr> {
        // A kind this package's Python layer does not know (a newer core) becomes its group's.
        let class =
            py.import("bunkerlite._errors")?.getattr("error_class")?.call1((err.code(), err.kind().number()))?;
        Ok(PyErr::from_value(class.call1((err.message().to_owned(),))?))
    };
    make().unwrap_or_else(|e| e)
}
