//! The sessions area's operations on [`Vault`]: encrypted session records for web applications,
//! set, read, touched, deleted, listed by subject and purged when expired.

use serde_json::Value;

use crate::action::Action;
use crate::caller::Caller;
use crate::declare::{operations, Arg, Ret};
use crate::engine::parse_options;
use crate::error::Result;
use crate::page::{Page, PageRequest};
use crate::sessions::{Session, SessionInfo, SessionPurge, SessionRef, Sessions};
use crate::subjects::Lookup;

use crate::vault::Vault;

/// The options of a set or a touch.
const SESSION_OPTIONS: Arg = Arg::OptDoc { name: "options", ts: "SessionOptions", py: "Dict[str, Any]" };

operations! {
    /// Store a session: a JSON object under a session id — `options.id` (16 to 256 visible ASCII
    /// characters; generated, 256 random bits, when absent) — with an expiry (`ttl_ms` or
    /// `expires_at_ms`; 24 hours by default, at most 400 days), optionally linked to a subject
    /// (`options.subject`, a token: its data is then sealed under the subject's key and erased
    /// with it). An existing id gets the new data and expiry as its next version; a session
    /// linked to one subject is never taken over through another (`DUPLICATE`), and a set that
    /// names no subject keeps the link it has. Only a keyed hash of the id is stored. Returns
    /// the session's metadata with its id.
    #[operation(
        c = "bl_session_set",
        action = "session.set",
        check = write("the linked subject (or none)"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND", "ERASED", "DUPLICATE", "INTEGRITY"],
        args = [Arg::Caller, Arg::Doc { name: "data", ts: "Record<string, Json>", py: "Dict[str, _JSON]" }, SESSION_OPTIONS],
        ret = Ret::json("session", "SessionInfo"),
    )]
    pub fn set_session(&self, caller: &Caller, data: Value, options: Option<Value>) -> Result<SessionInfo> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::SessionSet, "session options", options)?;
        Sessions::set(&open.engine, &open.subjects, caller, data, options)
    }

    /// Read a session by its id: `NOT_FOUND` when there is none, `EXPIRED` from its expiry on
    /// (until `purge_sessions` removes it).
    #[operation(
        c = "bl_session_get",
        action = "session.get",
        check = read("the linked subject (or none)"),
        errors = ["NOT_FOUND", "EXPIRED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("id")],
        ret = Ret::json("session", "Session"),
    )]
    pub fn get_session(&self, caller: &Caller, id: &str) -> Result<Session> {
        Sessions::get(&self.state()?.engine, caller, id)
    }

    /// Move a live session's expiry ahead (`ttl_ms` or `expires_at_ms`; 24 hours from now by
    /// default), its data unchanged: what a session store does on each request.
    #[operation(
        c = "bl_session_touch",
        action = "session.touch",
        check = write("the linked subject (or none)"),
        errors = ["NOT_FOUND", "EXPIRED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("id"), SESSION_OPTIONS],
        ret = Ret::json("session", "SessionInfo"),
    )]
    pub fn touch_session(&self, caller: &Caller, id: &str, options: Option<Value>) -> Result<SessionInfo> {
        let open = self.state()?;
        let options = parse_options(&open.engine, caller, Action::SessionTouch, "session options", options)?;
        Sessions::touch(&open.engine, caller, id, options)
    }

    /// Delete a session, expired or not (`NOT_FOUND` when there is none).
    #[operation(
        c = "bl_session_delete",
        action = "session.delete",
        check = delete("the linked subject (or none)"),
        errors = ["NOT_FOUND", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("id")],
        ret = Ret::Unit,
    )]
    pub fn delete_session(&self, caller: &Caller, id: &str) -> Result<()> {
        Sessions::delete(&self.state()?.engine, caller, id)
    }

    /// A page of the subject's sessions, live and expired: each by a reference (the keyed hash
    /// of its id, as the audit log names it — never the id) with its times.
    #[operation(
        c = "bl_sessions_list",
        action = "session.list",
        check = read("the subject found"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::Page],
        ret = Ret::json("page", "Page<SessionRef>"),
    )]
    pub fn list_sessions(&self, caller: &Caller, lookup: &Lookup, page: &PageRequest) -> Result<Page<SessionRef>> {
        let open = self.state()?;
        Sessions::list(&open.engine, &open.subjects, caller, lookup, page)
    }

    /// Delete every expired session, at most 1,000 per transaction (readers and writers wait
    /// for one batch at most). Returns how many went and in how many batches.
    #[operation(
        c = "bl_sessions_purge",
        action = "session.purge",
        check = none("removes what expired by its own terms; returns only counts"),
        errors = [],
        args = [Arg::Caller],
        ret = Ret::json("report", "SessionPurge"),
    )]
    pub fn purge_sessions(&self, caller: &Caller) -> Result<SessionPurge> {
        Sessions::purge(&self.state()?.engine, caller)
    }
}
