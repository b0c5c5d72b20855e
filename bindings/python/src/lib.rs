//! Python bindings: convert arguments, release the GIL, call the core, map errors. No domain
//! logic lives here; the Pythonic surface (exception classes, re-exports) is in `python/`. The
//! operations' methods (`ops/`, one module per area) are generated from the one declaration of each operation
//! (`tools/gen`); the lifecycle and keys are written here.

mod convert;
mod ops;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use bunkerlite::{Error, ErrorKind, Options};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use convert::{arg_err, py_err, to_json, ArgError};

/// Run `f`, trapping panics: a bug becomes `InternalError`, never a `PanicException`.
fn trapped<T>(f: impl FnOnce() -> bunkerlite::Result<T>) -> bunkerlite::Result<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Error::new(ErrorKind::Internal, "a bug in bunkerlite was caught (panic)")))
}

/// Run core work without the GIL (so threads run in parallel), trapping panics, mapping errors.
fn call<T: Send>(py: Python<'_>, f: impl FnOnce() -> bunkerlite::Result<T> + Send) -> PyResult<T> {
    let held = handover::holder();
    let result = py.detach(|| {
        handover::released(held);
        let result = trapped(f);
        handover::before_taking_gil();
        result
    });
    handover::taken();
    result.map_err(|e| py_err(py, &e))
}

/// Spares threads that call the vault a sleep on the GIL.
///
/// A thread back from the core that finds the GIL held sleeps in CPython until it is released,
/// and waking it then takes longer than the other thread's whole call (an idle virtual CPU
/// takes tens of microseconds to resume): the other thread, back from its own core work by
/// then, takes the GIL again first, and two threads run as one until CPython's 5 ms switch
/// interval forces a switch (measured: rounds of the threads bench at 0.86–0.98× of one
/// thread). So a thread of this binding that takes the GIL back records it, the record is
/// cleared once the GIL is released for the next call, and a thread coming back from the core
/// spins, without the GIL, while the record stands — at most `MAX_WAIT`, several times what a
/// call's Python side takes — and then takes the GIL. The record only knows of this binding's
/// calls; when Python code keeps the GIL elsewhere, the wait runs out and the thread takes the
/// GIL as it always did.
mod handover {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    /// Which taking of the GIL by a returning call is in force (0: none). Written only by the
    /// thread that holds the GIL (`taken`) or that just released it (`released`).
    static HOLDER: AtomicU64 = AtomicU64::new(0);
    /// Numbers the takings, so a release clears only the record it saw.
    static TAKINGS: AtomicU64 = AtomicU64::new(0);
    /// The longest a thread waits for the record to clear before it takes the GIL anyway.
    const MAX_WAIT: Duration = Duration::from_micros(50);

    /// With the GIL: the record in force (no other thread can change it meanwhile).
    pub(super) fn holder() -> u64 {
        HOLDER.load(Ordering::Acquire)
    }

    /// Right after the GIL was released: clear the record seen while holding it, unless another
    /// thread has taken the GIL since and recorded that.
    pub(super) fn released(seen: u64) {
        let _ = HOLDER.compare_exchange(seen, 0, Ordering::AcqRel, Ordering::Acquire);
    }

    /// Without the GIL, right before taking it back.
    pub(super) fn before_taking_gil() {
        if HOLDER.load(Ordering::Acquire) == 0 {
            return;
        }
        let start = Instant::now();
        while HOLDER.load(Ordering::Acquire) != 0 && start.elapsed() < MAX_WAIT {
            for _ in 0..8 {
                std::hint::spin_loop();
            }
        }
    }

    /// With the GIL taken back.
    pub(super) fn taken() {
        HOLDER.store(TAKINGS.fetch_add(1, Ordering::Relaxed) + 1, Ordering::Release);
    }
}

/// Convert arguments (with the GIL held), trapping panics: a wrong type is `InvalidTypeError`
/// (an `InvalidInputError` that is also a `TypeError`), every other refusal the core's class.
fn arg<T>(py: Python<'_>, f: impl FnOnce() -> Result<T, ArgError>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| {
            Err(ArgError::Core(Error::new(ErrorKind::Internal, "a bug in bunkerlite was caught (panic)")))
        })
        .map_err(|e| arg_err(py, e))
}

/// A path argument: `str` or `os.PathLike`.
fn path_of(obj: &Bound<'_, PyAny>) -> Result<std::path::PathBuf, ArgError> {
    obj.extract::<std::path::PathBuf>().map_err(|_| ArgError::Type("a path must be a str or os.PathLike".into()))
}

/// A 32-byte master key. Never printed; wiped when the last reference goes.
#[pyclass(frozen, module = "bunkerlite._native")]
pub(crate) struct MasterKey {
    pub(crate) inner: Arc<bunkerlite::MasterKey>,
}

#[pymethods]
impl MasterKey {
    /// A new random key from the OS CSPRNG.
    #[staticmethod]
    fn generate(py: Python<'_>) -> PyResult<MasterKey> {
        arg(py, || Ok(bunkerlite::MasterKey::generate()?)).map(MasterKey::wrap)
    }

    /// A key from exactly 32 bytes.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<MasterKey> {
        arg(py, || {
            let data = data.cast::<PyBytes>().map_err(|_| ArgError::Type("the key bytes must be bytes".into()))?;
            Ok(bunkerlite::MasterKey::from_bytes(data.as_bytes())?)
        })
        .map(MasterKey::wrap)
    }

    /// A key from 64 hex digits.
    #[staticmethod]
    fn from_hex(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<MasterKey> {
        arg(py, || Ok(bunkerlite::MasterKey::from_hex(&convert::key_text(text, "the hex text")?)?)).map(MasterKey::wrap)
    }

    /// A key from base64.
    #[staticmethod]
    fn from_base64(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<MasterKey> {
        arg(py, || Ok(bunkerlite::MasterKey::from_base64(&convert::key_text(text, "the base64 text")?)?))
            .map(MasterKey::wrap)
    }

    /// A key from an environment variable holding hex or base64.
    #[staticmethod]
    fn from_env(py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<MasterKey> {
        arg(py, || Ok(bunkerlite::MasterKey::from_env(&convert::string(name, "the variable name")?)?))
            .map(MasterKey::wrap)
    }

    /// A key from a file holding 32 raw bytes or hex/base64 text.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<MasterKey> {
        arg(py, || Ok(bunkerlite::MasterKey::from_file(path_of(path)?)?)).map(MasterKey::wrap)
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
pub(crate) struct Vault {
    inner: bunkerlite::Vault,
}

fn options_of(options: Option<&Bound<'_, PyAny>>) -> Result<Options, ArgError> {
    match options.filter(|o| !o.is_none()) {
        None => Ok(Options::default()),
        Some(d) if d.is_instance_of::<PyDict>() => Ok(Options::from_json(to_json(d, &bunkerlite::Limits::default())?)?),
        Some(_) => Err(ArgError::Type("options must be a dict".into())),
    }
}

#[pymethods]
impl Vault {
    /// Open (or create) the vault at `path` with `key`: a file name, or a PostgreSQL URL
    /// (`postgres://user@host/db?schema=name`, see the book's "Scaling out").
    #[staticmethod]
    #[pyo3(signature = (path, key, options = None))]
    fn open(
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        key: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vault> {
        let (path, key, options) = arg(py, || Ok((path_of(path)?, convert::key(key)?, options_of(options)?)))?;
        call(py, move || bunkerlite::Vault::open(&path, &key, options)).map(|inner| Vault { inner })
    }

    /// A private in-memory vault, gone when closed.
    #[staticmethod]
    #[pyo3(signature = (key, options = None))]
    fn open_in_memory(py: Python<'_>, key: &Bound<'_, PyAny>, options: Option<&Bound<'_, PyAny>>) -> PyResult<Vault> {
        let (key, options) = arg(py, || Ok((convert::key(key)?, options_of(options)?)))?;
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
        _ => arg(py, || -> Result<(), ArgError> { panic!("a test of the panic trap") }),
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<MasterKey>()?;
    m.add_class::<Vault>()?;
    m.add_function(wrap_pyfunction!(error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add("__version__", bunkerlite::VERSION)?;
    Ok(())
}
