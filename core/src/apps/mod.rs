//! App documents: per-subject, per-app JSON documents (`shipping`, `billing`, …) that an
//! application keeps beside the profile, each sealed under the subject's data key in a row of its
//! own, bound to the subject's token, the app's name and the row's version and times (a document
//! moved to another subject or app, or rolled into another row's state, does not open). Changed
//! by merge patch or JSON Patch as profiles are, under the same limits; erased with the subject.

pub(crate) mod lifecycle;
pub(crate) mod ops;
pub(crate) mod store;

use std::fmt;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::action::Action;
use crate::apps::store::AppRow;
use crate::caller::Caller;
use crate::chain::Event;
use crate::crypto::aead::{self, Place, RowState, Slot, ROW_KEY};
use crate::crypto::keys::SecretKey;
use crate::document::expect_object;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{format_token, TokenBytes};
use crate::options::AuditDetails;
use crate::patch::apply_patch;
use crate::policy::{Operation, Target};
use crate::store::{Db, Tx};
use crate::subjects::{self, change_details, Lookup, Subjects};

/// A subject's document of one app, as read back.
#[derive(Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AppDocument {
    /// The subject's token.
    pub token: String,
    /// The app's name.
    pub app: String,
    /// The document (a JSON object). `null` in what a put or an update returns to a caller
    /// whose purpose may change the document but not read it.
    #[cfg_attr(feature = "schema", schemars(with = "Option<serde_json::Map<String, Value>>"))]
    pub document: Value,
    /// Created, in milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// Last changed, in milliseconds since the Unix epoch.
    pub updated_ms: i64,
    /// 1 when created, +1 per put or update.
    pub version: i64,
}

impl fmt::Debug for AppDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppDocument").field("app", &self.app).field("version", &self.version).finish_non_exhaustive()
    }
}

/// The apps area of an open vault: what the audit keeps of a document's change.
pub(crate) struct Apps {
    audit_details: AuditDetails,
}

/// An app name: `^[a-z][a-z0-9_]{1,30}$` (never echoed: a caller may send anything).
pub(crate) fn check_app(app: &str) -> Result<()> {
    let mut bytes = app.bytes();
    let ok = (2..=31).contains(&app.len())
        && bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid("app names must match ^[a-z][a-z0-9_]{1,30}$"))
    }
}

fn no_document() -> Error {
    Error::new(ErrorKind::NotFound, "the subject has no document of this app")
}

/// The record a document is bound to: the subject's token, then the app's name.
fn record(token: &TokenBytes, app: &str) -> Vec<u8> {
    let mut record = Vec::with_capacity(token.len() + app.len());
    record.extend_from_slice(token);
    record.extend_from_slice(app.as_bytes());
    record
}

fn state_of(row: &AppRow) -> RowState {
    RowState { version: row.version, created_ms: row.created_ms, updated_ms: row.updated_ms }
}

/// Open a stored document.
fn open_document(engine: &Engine, token: &TokenBytes, dek: &SecretKey, row: &AppRow) -> Result<Map<String, Value>> {
    let record = record(token, &row.app);
    let place = Place::versioned(engine.keys().vault_id(), Slot::AppDocument, &record, state_of(row));
    let plain = aead::open(dek, ROW_KEY, &place, &row.document)?;
    let value: Value =
        serde_json::from_slice(&plain).map_err(|_| Error::integrity("a stored app document is not JSON"))?;
    expect_object(value, "a stored app document")
        .map_err(|_| Error::integrity("a stored app document is not an object"))
}

/// The subject's document of `app`, if it has one, for an area that discloses it under its own
/// check (a share).
pub(crate) fn document_of(
    engine: &Engine,
    db: &Db<'_>,
    (id, token, dek): (i64, &TokenBytes, &SecretKey),
    app: &str,
) -> Result<Option<Map<String, Value>>> {
    check_app(app)?;
    db.app_document(id, app)?.map(|row| open_document(engine, token, dek, &row)).transpose()
}

/// The audit event of an operation on the subject's document of `app`: the app's name is kept in
/// its details (sealed under the subject's key, shredded with it), with what
/// [`change_details`] keeps of a change.
fn event(
    engine: &Engine,
    action: Action,
    (id, token, dek): (i64, TokenBytes, &SecretKey),
    app: &str,
    change: Option<Map<String, Value>>,
) -> Result<Event> {
    let mut details = change.unwrap_or_default();
    details.insert("app".into(), json!(app));
    Event::about(action, id, token).with_details(engine.keys().vault_id(), dek, &Value::Object(details))
}

impl Apps {
    pub(crate) fn new(audit_details: AuditDetails) -> Apps {
        Apps { audit_details }
    }

    /// Store `document` as the subject's document of `app`: created at version 1, or replacing
    /// the stored one as its next version.
    pub(crate) fn put(
        &self,
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        (lookup, app): (&Lookup, &str),
        document: Value,
    ) -> Result<AppDocument> {
        let checked = check_app(app)
            .and_then(|()| engine.limits.check(&document))
            .and_then(|()| expect_object(document, "an app document"));
        let document = checked.map_err(|e| engine.refused(caller, Action::AppPut, subjects::hint(lookup), e))?;
        engine.write(caller, Action::AppPut, subjects::hint(lookup), |tx| {
            let (id, token, dek) = subjects.locate(engine, tx, (caller, Some(Operation::Write)), lookup)?;
            let stored = tx.app_document(id, app)?;
            let before = stored.as_ref().map(|row| open_document(engine, &token, &dek, row)).transpose()?;
            self.store(
                (engine, Action::AppPut),
                tx,
                caller,
                (id, token, &dek),
                app,
                (stored, before.unwrap_or_default()),
                document,
            )
        })
    }

    /// Change the subject's document of `app` by merge patch (object) or JSON Patch (array).
    pub(crate) fn update(
        &self,
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        (lookup, app): (&Lookup, &str),
        patch: Value,
    ) -> Result<AppDocument> {
        check_app(app)
            .and_then(|()| engine.limits.check(&patch))
            .map_err(|e| engine.refused(caller, Action::AppUpdate, subjects::hint(lookup), e))?;
        engine.write(caller, Action::AppUpdate, subjects::hint(lookup), |tx| {
            self.update_in(engine, subjects, tx, caller, (lookup, app), &patch)
        })
    }

    /// [`update`](Self::update) inside a write: the document as changed and the event.
    pub(crate) fn update_in(
        &self,
        engine: &Engine,
        subjects: &Subjects,
        tx: &Tx<'_>,
        caller: &Caller,
        (lookup, app): (&Lookup, &str),
        patch: &Value,
    ) -> Result<(AppDocument, Vec<Event>)> {
        check_app(app)?;
        let (id, token, dek) = subjects.locate(engine, tx, (caller, Some(Operation::Write)), lookup)?;
        let row = tx.app_document(id, app)?.ok_or_else(no_document)?;
        let before = open_document(engine, &token, &dek, &row)?;
        let after = apply_patch(&before, patch, &engine.limits)?;
        self.store((engine, Action::AppUpdate), tx, caller, (id, token, &dek), app, (Some(row), before), after)
    }

    /// Seal `after` as the subject's document of `app` (the next version of `stored`, or
    /// version 1) and store it; the document as returned and its audit event.
    #[allow(clippy::too_many_arguments)]
    fn store(
        &self,
        (engine, action): (&Engine, Action),
        tx: &Tx<'_>,
        caller: &Caller,
        (id, token, dek): (i64, TokenBytes, &SecretKey),
        app: &str,
        (stored, before): (Option<AppRow>, Map<String, Value>),
        after: Map<String, Value>,
    ) -> Result<(AppDocument, Vec<Event>)> {
        let now = engine.now_ms();
        let state = match &stored {
            Some(row) => RowState { version: row.version + 1, created_ms: row.created_ms, updated_ms: now },
            None => RowState { version: 1, created_ms: now, updated_ms: now },
        };
        let record = record(&token, app);
        let place = Place::versioned(engine.keys().vault_id(), Slot::AppDocument, &record, state);
        let sealed = aead::seal(dek, ROW_KEY, &place, &engine.limits.encode(&after)?)?;
        let row = AppRow {
            subject_id: id,
            app: app.to_owned(),
            document: sealed,
            created_ms: state.created_ms,
            updated_ms: state.updated_ms,
            version: state.version,
        };
        if stored.is_some() {
            tx.update_app_document(&row)?;
        } else if !tx.insert_app_document(&row)? {
            // The write lock rules out a concurrent put; a row that appeared anyway is not ours.
            return Err(Error::integrity("an app document appeared during its own creation"));
        }
        // A put or an update returns the document: only to a purpose that may also read it.
        let readable = engine.refusal(tx, caller, (Operation::Read, Target::Subject(id, &token)))?.is_none();
        let changed = change_details(self.audit_details, &before, &after);
        let out = AppDocument {
            token: format_token(&token),
            app: app.to_owned(),
            document: if readable { Value::Object(after) } else { Value::Null },
            created_ms: state.created_ms,
            updated_ms: state.updated_ms,
            version: state.version,
        };
        Ok((out, vec![event(engine, action, (id, token, dek), app, changed)?]))
    }

    /// Read the subject's document of `app`.
    pub(crate) fn get(
        &self,
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        (lookup, app): (&Lookup, &str),
    ) -> Result<AppDocument> {
        check_app(app).map_err(|e| engine.refused(caller, Action::AppGet, subjects::hint(lookup), e))?;
        engine.read(caller, Action::AppGet, subjects::hint(lookup), |db| {
            let (id, token, dek) = subjects.locate(engine, db, (caller, Some(Operation::Read)), lookup)?;
            let row = db.app_document(id, app)?.ok_or_else(no_document)?;
            let document = open_document(engine, &token, &dek, &row)?;
            let out = AppDocument {
                token: format_token(&token),
                app: row.app.clone(),
                document: Value::Object(document),
                created_ms: row.created_ms,
                updated_ms: row.updated_ms,
                version: row.version,
            };
            Ok((out, vec![event(engine, Action::AppGet, (id, token, &dek), app, None)?]))
        })
    }

    /// Delete the subject's document of `app` (`NOT_FOUND` when it has none).
    pub(crate) fn delete(
        &self,
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        (lookup, app): (&Lookup, &str),
    ) -> Result<()> {
        check_app(app).map_err(|e| engine.refused(caller, Action::AppDelete, subjects::hint(lookup), e))?;
        engine.write(caller, Action::AppDelete, subjects::hint(lookup), |tx| {
            let (id, token, dek) = subjects.locate(engine, tx, (caller, Some(Operation::Delete)), lookup)?;
            if !tx.delete_app_document(id, app)? {
                return Err(no_document());
            }
            Ok(((), vec![event(engine, Action::AppDelete, (id, token, &dek), app, None)?]))
        })
    }

    /// The names of the apps the subject has a document of, sorted. Each document is opened
    /// (authenticated) on the way: a row moved in from another subject or renamed is `INTEGRITY`.
    pub(crate) fn list_of_subject(
        &self,
        engine: &Engine,
        subjects: &Subjects,
        caller: &Caller,
        lookup: &Lookup,
    ) -> Result<Vec<String>> {
        engine.read(caller, Action::AppList, subjects::hint(lookup), |db| {
            let (id, token, dek) = subjects.locate(engine, db, (caller, Some(Operation::Read)), lookup)?;
            let mut names = Vec::new();
            for row in db.app_documents_of_subject(id)? {
                open_document(engine, &token, &dek, &row)?;
                names.push(row.app);
            }
            Ok((names, vec![Event::about(Action::AppList, id, token)]))
        })
    }
}

/// The names of the apps any subject has a document of, sorted (no personal data: not audited).
pub(crate) fn names(engine: &Engine) -> Result<Vec<String>> {
    engine.unaudited(|db: &Db<'_>| db.app_names())
}
