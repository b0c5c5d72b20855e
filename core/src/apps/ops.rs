//! The apps area's operations on [`Vault`]: a subject's app documents, put, read, changed,
//! deleted and listed.

use serde_json::Value;

use crate::apps::{self, AppDocument};
use crate::caller::Caller;
use crate::declare::{operations, Arg, Ret};
use crate::error::Result;
use crate::subjects::Lookup;

use crate::vault::Vault;

/// A document argument (a JSON object).
const DOCUMENT: Arg = Arg::Doc { name: "document", ts: "Record<string, Json>", py: "Dict[str, _JSON]" };

operations! {
    /// Store a JSON object as the subject's document of an app (`shipping`, `billing`…; names
    /// match `^[a-z][a-z0-9_]{1,30}$`): created at version 1, or replacing the stored one as its
    /// next version. Sealed under the subject's key, under the limits profiles have, erased with
    /// the subject. Returns the document as stored (`document` null when the purpose may write
    /// but not read); the audit event keeps the app's name and, as for a profile change,
    /// what `audit_details` says of the change.
    #[operation(
        c = "bl_app_put",
        action = "app.put",
        check = write("the subject found; the document is returned only when `read` is allowed too"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::Str("app"), DOCUMENT],
        ret = Ret::json("document", "AppDocument"),
    )]
    pub fn put_app_document(&self, caller: &Caller, lookup: &Lookup, app: &str, document: Value) -> Result<AppDocument> {
        let open = self.state()?;
        open.apps.put(&open.engine, &open.subjects, caller, (lookup, app), document)
    }

    /// Read the subject's document of an app (`NOT_FOUND` when it has none).
    #[operation(
        c = "bl_app_get",
        action = "app.get",
        check = read("the subject found"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::Str("app")],
        ret = Ret::json("document", "AppDocument"),
    )]
    pub fn get_app_document(&self, caller: &Caller, lookup: &Lookup, app: &str) -> Result<AppDocument> {
        let open = self.state()?;
        open.apps.get(&open.engine, &open.subjects, caller, (lookup, app))
    }

    /// Change the subject's document of an app: an object is a merge patch (RFC 7396), an array
    /// a JSON Patch (RFC 6902). `NOT_FOUND` when it has none. Returns the document as stored
    /// afterwards (`document` null when the purpose may write but not read).
    #[operation(
        c = "bl_app_update",
        action = "app.update",
        check = write("the subject found; the document is returned only when `read` is allowed too"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::Str("app"), Arg::Doc { name: "patch", ts: "Json", py: "_JSON" }],
        ret = Ret::json("document", "AppDocument"),
    )]
    pub fn update_app_document(&self, caller: &Caller, lookup: &Lookup, app: &str, patch: Value) -> Result<AppDocument> {
        let open = self.state()?;
        open.apps.update(&open.engine, &open.subjects, caller, (lookup, app), patch)
    }

    /// Delete the subject's document of an app (`NOT_FOUND` when it has none).
    #[operation(
        c = "bl_app_delete",
        action = "app.delete",
        check = delete("the subject found"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::Str("app")],
        ret = Ret::Unit,
    )]
    pub fn delete_app_document(&self, caller: &Caller, lookup: &Lookup, app: &str) -> Result<()> {
        let open = self.state()?;
        open.apps.delete(&open.engine, &open.subjects, caller, (lookup, app))
    }

    /// The names of the apps the subject has a document of, sorted (each document authenticated
    /// on the way: one moved or renamed in the database is `INTEGRITY`).
    #[operation(
        c = "bl_apps_list",
        action = "app.list",
        check = read("the subject found"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup],
        ret = Ret::json("apps", "Vec<String>"),
    )]
    pub fn list_apps(&self, caller: &Caller, lookup: &Lookup) -> Result<Vec<String>> {
        let open = self.state()?;
        open.apps.list_of_subject(&open.engine, &open.subjects, caller, lookup)
    }

    /// The names of the apps any subject has a document of, sorted. Names only, read without
    /// opening any document (a read or a subject's listing is what authenticates a document).
    #[operation(
        c = "bl_app_names_list",
        action = none,
        check = none("app names hold no personal data (not audited)"),
        errors = [],
        args = [],
        ret = Ret::json("apps", "Vec<String>"),
    )]
    pub fn list_app_names(&self) -> Result<Vec<String>> {
        apps::names(&self.state()?.engine)
    }
}
