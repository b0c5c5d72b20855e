//! The `*Async` methods: core work on libuv's thread pool, resolving to the same results the
//! synchronous methods return and rejecting with the same `.code`s.

use bunkerlite::{Error, Lookup};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::args::{self, ActorOption, Document, OptionalDocument, PageOption, Token};
use crate::vault::Vault;
use crate::{arg, out, run, MasterKey};

/// Core work run on libuv's thread pool; the promise resolves to its JSON result or rejects
/// with an `Error` carrying `.code`.
pub struct Work {
    job: Option<Box<dyn FnOnce() -> bunkerlite::Result<String> + Send>>,
}

/// The rejection of an async call: an `Error` whose `.code` is the core's code, as sync calls throw.
fn rejection(env: &Env, e: &Error) -> napi::Error {
    let made =
        env.create_error(napi::Error::new(Status::GenericFailure, e.message().to_owned())).and_then(|mut obj| {
            obj.set_named_property("code", e.code())?;
            Ok(napi::Error::from(obj.to_unknown()))
        });
    made.unwrap_or_else(|err| err)
}

impl Work {
    pub(crate) fn new(job: impl FnOnce() -> bunkerlite::Result<String> + Send + 'static) -> AsyncTask<Work> {
        AsyncTask::new(Work { job: Some(Box::new(job)) })
    }
}

impl Task for Work {
    type Output = bunkerlite::Result<String>;
    type JsValue = String;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let job = self.job.take().ok_or_else(|| napi::Error::from_reason("task ran twice"))?;
        Ok(run(job))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<String> {
        output.map_err(|e| rejection(&env, &e))
    }
}

#[napi]
impl Vault {
    /// `compact`, off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn compact_async(&self, #[napi(ts_arg_type = "ActorArg")] opts: ActorOption) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), arg(opts.0));
        Work::new(move || out(v.compact(&a?)?))
    }

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

    /// `createSubject`, off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn create_subject_async(
        &self,
        #[napi(ts_arg_type = "JsonText")] profile: Document,
        #[napi(ts_arg_type = "ActorArg")] opts: ActorOption,
    ) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), arg(opts.0));
        Work::new(move || out(v.create_subject(&a?, arg(profile.0)?)?))
    }

    /// `createSubjects`, off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn create_subjects_async(
        &self,
        #[napi(ts_arg_type = "JsonText")] profiles: Document,
        #[napi(ts_arg_type = "ActorArg")] opts: ActorOption,
    ) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), arg(opts.0));
        Work::new(move || out(v.create_subjects(&a?, args::profiles(arg(profiles.0)?)?)?))
    }

    /// `getSubject`, off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn get_subject_async(
        &self,
        #[napi(ts_arg_type = "JsonText")] lookup: Document,
        #[napi(ts_arg_type = "ActorArg")] opts: ActorOption,
    ) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), arg(opts.0));
        Work::new(move || out(v.get_subject(&a?, &Lookup::from_json(&arg(lookup.0)?)?)?))
    }

    /// `getSubjects`, off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn get_subjects_async(
        &self,
        #[napi(ts_arg_type = "JsonText")] lookups: Document,
        #[napi(ts_arg_type = "ActorArg")] opts: ActorOption,
    ) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), arg(opts.0));
        Work::new(move || out(v.get_subjects(&a?, &args::lookups(arg(lookups.0)?)?)?))
    }

    /// `updateSubject`, off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn update_subject_async(
        &self,
        #[napi(ts_arg_type = "JsonText")] lookup: Document,
        #[napi(ts_arg_type = "JsonText")] patch: Document,
        #[napi(ts_arg_type = "ActorArg")] opts: ActorOption,
    ) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), arg(opts.0));
        Work::new(move || out(v.update_subject(&a?, &Lookup::from_json(&arg(lookup.0)?)?, arg(patch.0)?)?))
    }

    /// `forgetSubject`, off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn forget_subject_async(
        &self,
        #[napi(ts_arg_type = "JsonText")] lookup: Document,
        #[napi(ts_arg_type = "ActorArg")] opts: ActorOption,
    ) -> AsyncTask<Work> {
        let (v, a) = (self.inner.clone(), arg(opts.0));
        Work::new(move || out(v.forget_subject(&a?, &Lookup::from_json(&arg(lookup.0)?)?)?))
    }

    /// `auditEvents`, off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn audit_events_async(
        &self,
        #[napi(ts_arg_type = "string")] token: Token,
        #[napi(ts_arg_type = "PageArg")] opts: PageOption,
    ) -> AsyncTask<Work> {
        let (v, token, paging) = (self.inner.clone(), arg(token.0), arg(opts.0));
        Work::new(move || {
            let (p, token) = (paging?, token?);
            out(v.audit_events(&p.actor, &token, p.offset, p.limit)?)
        })
    }

    /// `auditAll`, off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn audit_all_async(&self, #[napi(ts_arg_type = "PageArg")] opts: PageOption) -> AsyncTask<Work> {
        let (v, paging) = (self.inner.clone(), arg(opts.0));
        Work::new(move || {
            let p = paging?;
            out(v.audit_all(&p.actor, p.offset, p.limit)?)
        })
    }

    /// `auditHead`, off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn audit_head_async(&self) -> AsyncTask<Work> {
        let v = self.inner.clone();
        Work::new(move || out(v.audit_head()?))
    }

    /// `auditFlush`, off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn audit_flush_async(&self) -> AsyncTask<Work> {
        let v = self.inner.clone();
        Work::new(move || v.audit_flush().map(|()| "null".to_owned()))
    }

    /// `close` (writes buffered events, checkpoints the WAL), off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn close_async(&self) -> AsyncTask<Work> {
        let v = self.inner.clone();
        Work::new(move || v.close().map(|()| "null".to_owned()))
    }

    /// `auditVerify`, off the event loop.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn audit_verify_async(
        &self,
        #[napi(ts_arg_type = "JsonText | undefined")] anchor: OptionalDocument,
    ) -> AsyncTask<Work> {
        let v = self.inner.clone();
        Work::new(move || {
            let anchor = crate::anchor(anchor)?;
            out(v.audit_verify(anchor.as_ref())?)
        })
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
        Ok(run(job))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Vault> {
        match output {
            Ok(inner) => Ok(Vault { inner }),
            Err(e) => Err(rejection(&env, &e)),
        }
    }
}
