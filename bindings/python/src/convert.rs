//! Python objects ↔ JSON values, one reader per kind of argument the operations take, and
//! bunkerlite errors → the `bunkerlite` exception classes.

use std::sync::Arc;

use bunkerlite::{AuditHead, Caller, Error, ErrorKind, Lookup, PageRequest, Subject};
use pyo3::exceptions::PyRuntimeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// Deeper than any vault accepts (its own limit is checked in core); this only keeps a
/// self-referencing list from recursing forever.
const MAX_CONVERSION_DEPTH: usize = 256;

fn invalid(message: &str) -> Error {
    Error::new(ErrorKind::InvalidInput, message.to_owned())
}

/// A Python value (dict, list, tuple, str, int, float, bool, None) as JSON.
pub(crate) fn to_json(obj: &Bound<'_, PyAny>) -> Result<Value, Error> {
    to_json_at(obj, 0)
}

pub(crate) fn text(obj: &Bound<'_, PyString>) -> Result<String, Error> {
    // Lone surrogates are not valid UTF-8: refused, never replaced. (abi3 from 3.10 reads the
    // string's cached UTF-8 without making a bytes object.)
    obj.to_str().map(str::to_owned).map_err(|_| invalid("a string is not valid Unicode (lone surrogate)"))
}

fn to_json_at(obj: &Bound<'_, PyAny>, depth: usize) -> Result<Value, Error> {
    if depth > MAX_CONVERSION_DEPTH {
        return Err(Error::new(ErrorKind::TooLarge, "a document is nested too deeply"));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        if let Ok(v) = i.extract::<i64>() {
            return Ok(Value::from(v));
        }
        if let Ok(v) = i.extract::<u64>() {
            return Ok(Value::from(v));
        }
        return Err(invalid("an integer does not fit in 64 bits"));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value()).map(Value::Number).ok_or_else(|| invalid("NaN and infinity are not JSON"));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return text(s).map(Value::String);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = k.cast::<PyString>().map_err(|_| invalid("object keys must be strings"))?;
            map.insert(text(key)?, to_json_at(&v, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return l.iter().map(|v| to_json_at(&v, depth + 1)).collect::<Result<_, _>>().map(Value::Array);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return t.iter().map(|v| to_json_at(&v, depth + 1)).collect::<Result<_, _>>().map(Value::Array);
    }
    Err(invalid("values must be dict, list, tuple, str, int, float, bool or None"))
}

/// A string argument named `what` (a lone surrogate or another type is invalid input).
pub(crate) fn string(obj: &Bound<'_, PyAny>, what: &str) -> Result<String, Error> {
    let s =
        obj.cast::<PyString>().map_err(|_| Error::new(ErrorKind::InvalidInput, format!("{what} must be a string")))?;
    text(s)
}

/// An optional string argument (`None` is absent).
pub(crate) fn opt_string(obj: Option<&Bound<'_, PyAny>>, what: &str) -> Result<Option<String>, Error> {
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
pub(crate) fn caller(actor: Option<&Bound<'_, PyAny>>, purpose: Option<&Bound<'_, PyAny>>) -> Result<Caller, Error> {
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
pub(crate) fn lookup(obj: &Bound<'_, PyAny>) -> Result<Lookup, Error> {
    if let Ok(d) = obj.cast::<PyDict>() {
        if let Some((mode, value)) = d.iter().next().filter(|_| d.len() == 1) {
            if let (Ok(mode), Ok(value)) = (mode.cast::<PyString>(), value.cast::<PyString>()) {
                return Ok(Lookup::parse(&text(mode)?, text(value)?));
            }
        }
    }
    Lookup::from_json(&to_json(obj)?)
}

/// A batch of lookups (a list of lookup dicts).
pub(crate) fn lookups(obj: &Bound<'_, PyAny>) -> Result<Vec<Lookup>, Error> {
    Lookup::many_from_json(&to_json(obj)?)
}

/// The documents of a batch (a list).
pub(crate) fn documents(obj: &Bound<'_, PyAny>) -> Result<Vec<Value>, Error> {
    bunkerlite::documents_from_json(to_json(obj)?)
}

/// Paging from the `cursor` and `limit` keyword arguments.
pub(crate) fn page(cursor: Option<&Bound<'_, PyAny>>, limit: Option<&Bound<'_, PyAny>>) -> Result<PageRequest, Error> {
    let bad = || invalid("limit must be an integer between 1 and 1000");
    let limit = match limit.filter(|l| !l.is_none()) {
        None => None,
        Some(l) if l.is_instance_of::<PyBool>() => return Err(bad()),
        Some(l) => Some(l.cast::<PyInt>().map_err(|_| bad())?.extract::<u64>().map_err(|_| bad())?),
    };
    Ok(PageRequest { limit, cursor: opt_string(cursor, "cursor")? })
}

/// An optional audit anchor (a dict `{"seq": N, "hash": "…"}`).
pub(crate) fn anchor(obj: Option<&Bound<'_, PyAny>>) -> Result<Option<AuditHead>, Error> {
    obj.filter(|o| !o.is_none()).map(|o| AuditHead::from_json(&to_json(o)?)).transpose()
}

/// A `MasterKey` argument.
pub(crate) fn key(obj: &Bound<'_, PyAny>) -> Result<Arc<bunkerlite::MasterKey>, Error> {
    let key = obj.cast::<crate::MasterKey>().map_err(|_| invalid("the key must be a bunkerlite.MasterKey"))?;
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

/// Subjects or misses (`None`) as a list.
pub(crate) fn subjects<'py>(py: Python<'py>, found: &[Option<Subject>]) -> PyResult<Bound<'py, PyAny>> {
    let list = PyList::empty(py);
    for item in found {
        match item {
            Some(s) => list.append(subject(py, s)?)?,
            None => list.append(py.None())?,
        }
    }
    Ok(list.into_any())
}

/// A serialisable result (receipt, page, …) as Python objects.
pub(crate) fn result<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(value).map_err(|_| PyRuntimeError::new_err("INTERNAL: result not serialisable"))?;
    from_json(py, &json)
}

/// The `bunkerlite` exception for an error: the class registered for its code in
/// `bunkerlite._errors`, with `.code` and the message.
pub(crate) fn py_err(py: Python<'_>, err: &Error) -> PyErr {
    let make = || -> PyResult<PyErr> {
        let classes = py.import("bunkerlite._errors")?.getattr("BY_CODE")?;
        let class = classes.get_item(err.code())?;
        Ok(PyErr::from_value(class.call1((err.message().to_owned(),))?))
    };
    make().unwrap_or_else(|e| e)
}
