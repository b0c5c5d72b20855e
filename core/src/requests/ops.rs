//! The requests area's operations on [`Vault`]: data-subject requests received, listed, worked
//! on, extended, approved (their change applied in the same unit of work), denied, revoked and
//! expired, and the outbox of their transitions.

use serde_json::Value;

use crate::action::Action;
use crate::caller::Caller;
use crate::declare::{operations, Arg, Ret};
use crate::engine::parse_options;
use crate::error::Result;
use crate::page::{Page, PageRequest};
use crate::requests::{
    ApproveOptions, Request, RequestAck, RequestDetail, RequestEvent, RequestExpiry, RequestQuery, RequestSpec,
    Requests,
};
use crate::subjects::Lookup;

use crate::vault::Vault;

operations! {
    /// Record a data-subject request of the subject `lookup` names: `spec.kind` (access,
    /// rectify, change_app_data, erase, restrict, object, port, withdraw_consent, opt_out,
    /// opt_in), `spec.regime` (gdpr by default, ccpa, voluntary), `spec.verified` (the subject
    /// proved who they are), `spec.patch` (rectify, change_app_data), `spec.app`,
    /// `spec.legal_basis`, `spec.note`, `spec.received_ms`. Its due date follows the regime
    /// (GDPR: one calendar month; CCPA and voluntary: 45 days, with an acknowledgement due in ten
    /// business days; opt-outs and opt-ins: 15 business days). When one of the same kind is open
    /// or in progress, this one's proposal is added to it and that request is returned with
    /// `existing: true` — both proposals stay visible.
    #[operation(
        c = "bl_request_create",
        action = "request.create",
        check = none("a subject exercising a right: the request is not processing of its data"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::OptDoc { name: "spec", ts: "RequestSpec", py: "Dict[str, Any]" }],
        ret = Ret::json("request", "Request"),
    )]
    pub fn create_request(&self, caller: &Caller, lookup: &Lookup, spec: Option<Value>) -> Result<Request> {
        let open = self.state()?;
        let spec: RequestSpec = parse_options(&open.engine, caller, Action::RequestCreate, "request spec", spec)?;
        Requests::create(&open.engine, &open.subjects, caller, lookup, spec)
    }

    /// A request by its id, with its proposals (each kept, oldest first) and the reasons given.
    #[operation(
        c = "bl_request_get",
        action = "request.get",
        check = none("handling the subject's own request: what it sent to exercise a right"),
        errors = ["NOT_FOUND", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("id")],
        ret = Ret::json("request", "RequestDetail"),
    )]
    pub fn get_request(&self, caller: &Caller, id: &str) -> Result<RequestDetail> {
        Requests::get(&self.state()?.engine, caller, id)
    }

    /// Requests in arrival order, at most 100 per page (no proposals: `get_request` has them),
    /// narrowed by `query`: `state`, `subject` (a token), `overdue` (open or in progress past the
    /// due date), `due_within_days`.
    #[operation(
        c = "bl_requests_list",
        action = "request.list",
        check = none("ids, kinds, states and dates: no personal data"),
        errors = ["INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::OptDoc { name: "query", ts: "RequestQuery", py: "Dict[str, Any]" }, Arg::Page],
        ret = Ret::json("page", "Page<Request>"),
    )]
    pub fn list_requests(&self, caller: &Caller, query: Option<Value>, page: &PageRequest) -> Result<Page<Request>> {
        let open = self.state()?;
        let query: RequestQuery = parse_options(&open.engine, caller, Action::RequestList, "request query", query)?;
        Requests::list(&open.engine, caller, query, page)
    }

    /// Start working on an open request (→ `in_progress`).
    #[operation(
        c = "bl_request_start",
        action = "request.start",
        check = none("a step in handling the subject's request"),
        errors = ["NOT_FOUND", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("id")],
        ret = Ret::json("request", "Request"),
    )]
    pub fn start_request(&self, caller: &Caller, id: &str) -> Result<Request> {
        Requests::start(&self.state()?.engine, caller, id)
    }

    /// Record that the request's subject proved who they are (an approval needs it).
    #[operation(
        c = "bl_request_verify",
        action = "request.verify",
        check = none("a step in handling the subject's request"),
        errors = ["NOT_FOUND", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("id")],
        ret = Ret::json("request", "Request"),
    )]
    pub fn verify_request(&self, caller: &Caller, id: &str) -> Result<Request> {
        Requests::verify(&self.state()?.engine, caller, id)
    }

    /// Extend the request's deadline, once, with a reason (1 to 2,000 characters), as far as its
    /// regime allows: GDPR to three months after receipt, CCPA and voluntary to 90 days; opt-outs
    /// and opt-ins cannot be extended.
    #[operation(
        c = "bl_request_extend",
        action = "request.extend",
        check = none("a step in handling the subject's request"),
        errors = ["NOT_FOUND", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("id"), Arg::Str("reason")],
        ret = Ret::json("request", "Request"),
    )]
    pub fn extend_request(&self, caller: &Caller, id: &str, reason: &str) -> Result<Request> {
        Requests::extend(&self.state()?.engine, caller, id, reason)
    }

    /// Approve a verified request and apply its change in the same unit of work (→
    /// `fulfilled`): rectify patches the profile and change_app_data the app's document (with
    /// `options.proposal`, or the latest proposal; re-validated now), erase erases the subject,
    /// restrict restricts its processing, withdraw_consent / opt_out / opt_in withdraw, refuse or
    /// give consent under the request's legal basis; access, port and object are answered
    /// outside the vault and recorded as fulfilled. Each change is checked as its own operation
    /// is (rectify and change_app_data as write, erase as delete).
    #[operation(
        c = "bl_request_approve",
        action = "request.approve",
        check = none("the change it applies is checked as its own operation is (write, or delete for an erasure)"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "DUPLICATE", "CONSENT_REQUIRED", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("id"), Arg::OptDoc { name: "options", ts: "ApproveOptions", py: "Dict[str, Any]" }],
        ret = Ret::json("request", "Request"),
    )]
    pub fn approve_request(&self, caller: &Caller, id: &str, options: Option<Value>) -> Result<Request> {
        let open = self.state()?;
        let options: ApproveOptions = parse_options(&open.engine, caller, Action::RequestApprove, "approve options", options)?;
        crate::fulfilment::approve(&open.engine, (&open.subjects, &open.apps), caller, id, options)
    }

    /// Deny a request (→ `denied`) with a Data Rights Protocol reason code
    /// (need_user_verification, suspected_fraud, insufficient_verification, no_match,
    /// claim_not_covered, outside_jurisdiction, too_many_requests, other) and, optionally, words.
    #[operation(
        c = "bl_request_deny",
        action = "request.deny",
        check = none("a step in handling the subject's request"),
        errors = ["NOT_FOUND", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("id"), Arg::Str("code"), Arg::OptStr("reason")],
        ret = Ret::json("request", "Request"),
    )]
    pub fn deny_request(&self, caller: &Caller, id: &str, code: &str, reason: Option<&str>) -> Result<Request> {
        Requests::deny(&self.state()?.engine, caller, id, code, reason)
    }

    /// The subject withdraws its open or in-progress request (→ `revoked`).
    #[operation(
        c = "bl_request_revoke",
        action = "request.revoke",
        check = none("the subject withdrawing its own request"),
        errors = ["NOT_FOUND", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("id")],
        ret = Ret::json("request", "Request"),
    )]
    pub fn revoke_request(&self, caller: &Caller, id: &str) -> Result<Request> {
        Requests::revoke(&self.state()?.engine, caller, id)
    }

    /// Record every unverified open request past its due date as expired (the subject never
    /// proved who they are), 1,000 per transaction. Returns {expired, batches}.
    #[operation(
        c = "bl_requests_expire",
        action = "request.expire",
        check = none("records what the requests' own deadlines decided; returns counts"),
        errors = [],
        args = [Arg::Caller],
        ret = Ret::json("report", "RequestExpiry"),
    )]
    pub fn expire_requests(&self, caller: &Caller) -> Result<RequestExpiry> {
        Requests::expire(&self.state()?.engine, caller)
    }

    /// The requests' outbox, oldest first, after `cursor` (every transition: received,
    /// proposal_added, verified, in_progress, extended, fulfilled, denied, revoked, expired; ids,
    /// names and times only). Delivered until acknowledged: at least once, in order.
    #[operation(
        c = "bl_request_events",
        action = "request.events",
        check = read("no one subject: the activity must cover reads"),
        errors = ["INVALID_INPUT"],
        args = [Arg::Caller, Arg::Page],
        ret = Ret::json("page", "Page<RequestEvent>"),
    )]
    pub fn list_request_events(&self, caller: &Caller, page: &PageRequest) -> Result<Page<RequestEvent>> {
        Requests::events(&self.state()?.engine, caller, page)
    }

    /// Acknowledge the requests' outbox up to and including the event whose cursor is given:
    /// those events are deleted. Returns {removed}.
    #[operation(
        c = "bl_request_ack",
        action = "request.ack",
        check = none("removes delivered events; reads nothing"),
        errors = ["INVALID_INPUT"],
        args = [Arg::Caller, Arg::Str("cursor")],
        ret = Ret::json("report", "RequestAck"),
    )]
    pub fn ack_request_events(&self, caller: &Caller, cursor: &str) -> Result<RequestAck> {
        Requests::ack(&self.state()?.engine, caller, cursor).map(|removed| RequestAck { removed })
    }
}
