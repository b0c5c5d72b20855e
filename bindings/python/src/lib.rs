//! Python bindings: convert arguments, release the GIL, call the core, map errors. No domain
//! logic lives here; the Pythonic surface (exception classes, re-exports) is in `python/`.

mod convert;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use bunkerlite::{AuditHead, Error, ErrorKind, Lookup, Options, DEFAULT_ACTOR};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use serde_json::Value;

use convert::{py_err, result, to_json};

/// Run `f`, trapping panics: a bug becomes `InternalError`, never a `PanicException`.
fn trapped<T>(f: impl FnOnce() -> bunkerlite::Result<T>) -> bunkerlite::Result<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Error::new(ErrorKind::Internal, "a bug in bunkerlite was caught (panic)")))
}

/// Run core work without the GIL (so threads run in parallel), trapping panics, mapping errors.
fn call<T: Send>(py: Python<'_>, f: impl FnOnce() -> bunkerlite::Result<T> + Send) -> PyResult<T> {
    py.detach(|| trapped(f)).map_err(|e| py_err(py, &e))
}

/// Convert an argument (with the GIL held), trapping panics and mapping errors like `call`.
fn arg<T>(py: Python<'_>, f: impl FnOnce() -> bunkerlite::Result<T>) -> PyResult<T> {
    trapped(f).map_err(|e| py_err(py, &e))
}

/// Paging numbers arrive as Python ints; a negative one is invalid input, not an OverflowError.
fn paging(py: Python<'_>, offset: i64, limit: Option<i64>) -> PyResult<(u64, u64)> {
    let limit = limit.unwrap_or(bunkerlite::DEFAULT_PAGE as i64);
    arg(py, || match (u64::try_from(offset), u64::try_from(limit)) {
        (Ok(o), Ok(l)) => Ok((o, l)),
        _ => Err(Error::new(ErrorKind::InvalidInput, "offset and limit must not be negative")),
    })
}

fn actor_of(actor: Option<String>) -> String {
    actor.unwrap_or_else(|| DEFAULT_ACTOR.to_owned())
}

/// Keyword arguments `email="…"` (exactly one) as a core lookup.
fn lookup_of(py: Python<'_>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Lookup> {
    arg(py, || {
        // The usual `email="…"`: read the one pair directly (same checks, no JSON object).
        if let Some((mode, value)) = kwargs.filter(|d| d.len() == 1).and_then(|d| d.iter().next()) {
            if let (Ok(mode), Ok(value)) = (mode.cast::<PyString>(), value.cast::<PyString>()) {
                return Ok(Lookup::parse(&convert::text(mode)?, convert::text(value)?));
            }
        }
        let value = match kwargs {
            Some(d) => to_json(d.as_any())?,
            None => Value::Object(Default::default()),
        };
        Lookup::from_json(&value)
    })
}

/// A 32-byte master key. Never printed; wiped when the last reference goes.
#[pyclass(frozen, module = "bunkerlite._native")]
struct MasterKey {
    inner: Arc<bunkerlite::MasterKey>,
}

#[pymethods]
impl MasterKey {
    /// A new random key from the OS CSPRNG.
    #[staticmethod]
    fn generate(py: Python<'_>) -> PyResult<MasterKey> {
        arg(py, bunkerlite::MasterKey::generate).map(MasterKey::wrap)
    }

    /// A key from exactly 32 bytes.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &Bound<'_, PyBytes>) -> PyResult<MasterKey> {
        arg(py, || bunkerlite::MasterKey::from_bytes(data.as_bytes())).map(MasterKey::wrap)
    }

    /// A key from 64 hex digits.
    #[staticmethod]
    fn from_hex(py: Python<'_>, text: &str) -> PyResult<MasterKey> {
        arg(py, || bunkerlite::MasterKey::from_hex(text)).map(MasterKey::wrap)
    }

    /// A key from base64.
    #[staticmethod]
    fn from_base64(py: Python<'_>, text: &str) -> PyResult<MasterKey> {
        arg(py, || bunkerlite::MasterKey::from_base64(text)).map(MasterKey::wrap)
    }

    /// A key from an environment variable holding hex or base64.
    #[staticmethod]
    fn from_env(py: Python<'_>, name: &str) -> PyResult<MasterKey> {
        arg(py, || bunkerlite::MasterKey::from_env(name)).map(MasterKey::wrap)
    }

    /// A key from a file holding 32 raw bytes or hex/base64 text.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<MasterKey> {
        arg(py, || bunkerlite::MasterKey::from_file(&path)).map(MasterKey::wrap)
    }

    /// The key as 64 hex digits, to store in your secret store.
    fn to_hex(&self) -> String {
        self.inner.to_hex().as_str().to_owned()
    }

    fn __repr__(&self) -> &'static str {
        "MasterKey(<redacted>)"
    }
}

impl MasterKey {
    fn wrap(key: bunkerlite::MasterKey) -> MasterKey {
        MasterKey { inner: Arc::new(key) }
    }
}

/// An open vault; share it between threads (calls release the GIL).
#[pyclass(frozen, module = "bunkerlite._native")]
struct Vault {
    inner: bunkerlite::Vault,
}

fn options_of(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Options> {
    arg(py, || match options {
        None => Ok(Options::default()),
        Some(d) => Options::from_json(to_json(d.as_any())?),
    })
}

#[pymethods]
impl Vault {
    /// Open (or create) the vault file at `path` with `key`.
    #[staticmethod]
    #[pyo3(signature = (path, key, options = None))]
    fn open(
        py: Python<'_>,
        path: std::path::PathBuf,
        key: &MasterKey,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Vault> {
        let options = options_of(py, options)?;
        let key = key.inner.clone();
        call(py, move || bunkerlite::Vault::open(&path, &key, options)).map(|inner| Vault { inner })
    }

    /// A private in-memory vault, gone when closed.
    #[staticmethod]
    #[pyo3(signature = (key, options = None))]
    fn open_in_memory(py: Python<'_>, key: &MasterKey, options: Option<&Bound<'_, PyDict>>) -> PyResult<Vault> {
        let options = options_of(py, options)?;
        let key = key.inner.clone();
        call(py, move || bunkerlite::Vault::open_in_memory(&key, options)).map(|inner| Vault { inner })
    }

    /// Close the vault (idempotent). Later calls raise `ClosedError`.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        call(py, || self.inner.close())
    }

    /// Whether the vault is closed.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    /// Create a subject from a profile dict; returns its token.
    #[pyo3(signature = (profile, *, actor = None))]
    fn create_subject(&self, py: Python<'_>, profile: &Bound<'_, PyAny>, actor: Option<String>) -> PyResult<String> {
        let profile = arg(py, || to_json(profile))?;
        let actor = actor_of(actor);
        call(py, || self.inner.create_subject(&actor, profile))
    }

    /// Create many subjects in one transaction (all or none); returns their tokens.
    #[pyo3(signature = (profiles, *, actor = None))]
    fn create_subjects(
        &self,
        py: Python<'_>,
        profiles: &Bound<'_, PyAny>,
        actor: Option<String>,
    ) -> PyResult<Vec<String>> {
        let profiles = arg(py, || match to_json(profiles)? {
            Value::Array(items) => Ok(items),
            _ => Err(Error::new(ErrorKind::InvalidInput, "profiles must be a list")),
        })?;
        let actor = actor_of(actor);
        call(py, || self.inner.create_subjects(&actor, profiles))
    }

    /// Read a subject: `get_subject(email="…")` (one of token, email, phone, login or an
    /// indexed field).
    #[pyo3(signature = (*, actor = None, **lookup))]
    fn get_subject<'py>(
        &self,
        py: Python<'py>,
        actor: Option<String>,
        lookup: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let lookup = lookup_of(py, lookup)?;
        let actor = actor_of(actor);
        let subject = call(py, || self.inner.get_subject(&actor, &lookup))?;
        convert::subject(py, &subject)
    }

    /// Read many subjects: `lookups` is a list of one-key dicts; misses give None.
    #[pyo3(signature = (lookups, *, actor = None))]
    fn get_subjects<'py>(
        &self,
        py: Python<'py>,
        lookups: &Bound<'py, PyAny>,
        actor: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let lookups = arg(py, || match to_json(lookups)? {
            Value::Array(items) => items.iter().map(Lookup::from_json).collect::<Result<Vec<_>, _>>(),
            _ => Err(Error::new(ErrorKind::InvalidInput, "lookups must be a list")),
        })?;
        let actor = actor_of(actor);
        let found = call(py, || self.inner.get_subjects(&actor, &lookups))?;
        convert::subjects(py, &found)
    }

    /// Change a subject: a dict is a merge patch, a list a JSON Patch.
    #[pyo3(signature = (patch, *, actor = None, **lookup))]
    fn update_subject<'py>(
        &self,
        py: Python<'py>,
        patch: &Bound<'py, PyAny>,
        actor: Option<String>,
        lookup: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let patch = arg(py, || to_json(patch))?;
        let lookup = lookup_of(py, lookup)?;
        let actor = actor_of(actor);
        let subject = call(py, || self.inner.update_subject(&actor, &lookup, patch))?;
        convert::subject(py, &subject)
    }

    /// Erase a subject (crypto-shredding); returns the erasure receipt.
    #[pyo3(signature = (*, actor = None, **lookup))]
    fn forget_subject<'py>(
        &self,
        py: Python<'py>,
        actor: Option<String>,
        lookup: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let lookup = lookup_of(py, lookup)?;
        let actor = actor_of(actor);
        let receipt = call(py, || self.inner.forget_subject(&actor, &lookup))?;
        result(py, &receipt)
    }

    /// A subject's audit events, newest first: `{"total": N, "items": [...]}`.
    #[pyo3(signature = (token, *, offset = 0, limit = None, actor = None))]
    fn audit_events<'py>(
        &self,
        py: Python<'py>,
        token: String,
        offset: i64,
        limit: Option<i64>,
        actor: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (offset, limit) = paging(py, offset, limit)?;
        let actor = actor_of(actor);
        let page = call(py, || self.inner.audit_events(&actor, &token, offset, limit))?;
        result(py, &page)
    }

    /// All audit events, newest first.
    #[pyo3(signature = (*, offset = 0, limit = None, actor = None))]
    fn audit_all<'py>(
        &self,
        py: Python<'py>,
        offset: i64,
        limit: Option<i64>,
        actor: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (offset, limit) = paging(py, offset, limit)?;
        let actor = actor_of(actor);
        let page = call(py, || self.inner.audit_all(&actor, offset, limit))?;
        result(py, &page)
    }

    /// The audit chain head `{"seq": N, "hash": "…"}`: keep it outside the vault.
    fn audit_head<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let head = call(py, || self.inner.audit_head())?;
        result(py, &head)
    }

    /// Verify the audit chain (against `anchor`, a head kept earlier, if given).
    #[pyo3(signature = (anchor = None))]
    fn audit_verify<'py>(&self, py: Python<'py>, anchor: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        let anchor = match anchor {
            None => None,
            Some(a) => Some(arg(py, || AuditHead::from_json(&to_json(a)?))?),
        };
        let report = call(py, || self.inner.audit_verify(anchor.as_ref()))?;
        result(py, &report)
    }

    /// Rewrite the vault file so nothing of erased subjects survives (run it after erasures).
    #[pyo3(signature = (*, actor = None))]
    fn compact<'py>(&self, py: Python<'py>, actor: Option<String>) -> PyResult<Bound<'py, PyAny>> {
        let actor = actor_of(actor);
        let report = call(py, || self.inner.compact(&actor))?;
        result(py, &report)
    }

    /// Commit buffered read events now.
    fn audit_flush(&self, py: Python<'_>) -> PyResult<()> {
        call(py, || self.inner.audit_flush())
    }

    fn __repr__(&self) -> String {
        format!("Vault(closed={})", if self.inner.is_closed() { "True" } else { "False" })
    }
}

/// The error code strings of the core's table, in order (checked against `bunkerlite._errors`).
#[pyfunction]
fn error_codes() -> Vec<&'static str> {
    ErrorKind::ALL.iter().map(|k| k.code()).collect()
}

/// Panic inside the trap that `during` names (`"call"`: the GIL-released core work; `"argument"`:
/// argument conversion), for the test that proves a panic surfaces as `InternalError` and the
/// interpreter carries on. Not part of the API.
#[pyfunction]
fn _panic_for_tests(py: Python<'_>, during: &str) -> PyResult<()> {
    match during {
        "call" => call(py, || -> bunkerlite::Result<()> { panic!("a test of the panic trap") }),
        _ => arg(py, || -> bunkerlite::Result<()> { panic!("a test of the panic trap") }),
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<MasterKey>()?;
    m.add_class::<Vault>()?;
    m.add_function(wrap_pyfunction!(error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
