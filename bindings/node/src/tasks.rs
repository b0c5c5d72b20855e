//! Opening a vault off the event loop (`Vault.openAsync`); the operations' async twins run on
//! the task in `calls.rs`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::args::OptionalDocument;
use crate::calls::{rejection, trap};
use crate::vault::Vault;
use crate::MasterKey;

#[napi]
impl Vault {
    /// `open`, off the event loop.
    #[napi(ts_return_type = "Promise<Vault>")]
    pub fn open_async(
        path: String,
        key: &MasterKey,
        #[napi(ts_arg_type = "JsonText | undefined")] options: OptionalDocument,
    ) -> AsyncTask<OpenWork> {
        let key = key.inner.clone();
        AsyncTask::new(OpenWork {
            job: Some(Box::new(move || bunkerlite::Vault::open(&path, &key, crate::options(options)?))),
        })
    }

    /// `close` (writes buffered events, checkpoints the WAL), off the event loop.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close_async(&self) -> AsyncTask<CloseWork> {
        AsyncTask::new(CloseWork { vault: self.inner.clone() })
    }
}

/// Opening a vault off the event loop.
pub struct OpenWork {
    job: Option<Box<dyn FnOnce() -> bunkerlite::Result<bunkerlite::Vault> + Send>>,
}

impl Task for OpenWork {
    type Output = bunkerlite::Result<bunkerlite::Vault>;
    type JsValue = Vault;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let job = self.job.take().ok_or_else(|| napi::Error::from_reason("task ran twice"))?;
        Ok(trap(job))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Vault> {
        match output {
            Ok(inner) => Ok(Vault { inner }),
            Err(e) => Err(rejection(&env, &e)),
        }
    }
}

/// Closing a vault off the event loop.
pub struct CloseWork {
    vault: bunkerlite::Vault,
}

impl Task for CloseWork {
    type Output = bunkerlite::Result<()>;
    type JsValue = ();

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let vault = self.vault.clone();
        Ok(trap(move || vault.close()))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<()> {
        output.map_err(|e| rejection(&env, &e))
    }
}
