//! The operator console (first part): log in with the root token (checked as the API checks
//! it), the queue of open data-subject requests, approve or deny with a DRP reason. An operator
//! login is a random server-side session id in a `__Host-` cookie, revoked by logout, 30 minutes.

use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bunkerlite::{Caller, PageRequest, DENIAL_CODES};
use serde_json::{json, Value};

use super::{
    check_form, cookie, csrf_pair, day, form, html, message, portal, read_cookie, redirect, redirect_with, Portal,
};
use crate::api::{Body, State};

const OPERATOR: &str = "__Host-bl_operator";
const OPERATOR_TTL: Duration = Duration::from_secs(1800);

#[derive(Template)]
#[template(path = "console_login.html")]
struct LoginPage<'a> {
    csrf: &'a str,
    message: Option<&'a str>,
}

struct RequestRow {
    id: String,
    kind: String,
    subject: String,
    state: String,
    received: String,
    due: String,
    overdue: bool,
    proposals: u64,
}

#[derive(Template)]
#[template(path = "console.html")]
struct QueuePage {
    csrf: String,
    requests: Vec<RequestRow>,
    codes: &'static [&'static str],
}

fn operator() -> Caller {
    Caller::new("operator:console").expect("a valid actor")
}

impl Portal {
    fn operator_in(&self, headers: &HeaderMap) -> bool {
        let Some(id) = read_cookie(headers, OPERATOR) else { return false };
        let mut sessions = self.operators.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        sessions.retain(|_, expires| *expires > now);
        sessions.contains_key(&id)
    }
}

/// `GET /console/login`.
pub async fn login_page(state: State, headers: HeaderMap) -> Response {
    let p = match portal(&state) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (csrf, set) = csrf_pair(p, &headers);
    html(StatusCode::OK, LoginPage { csrf: &csrf, message: None }, &set.into_iter().collect::<Vec<_>>())
}

/// `POST /console/login`: the root token opens an operator session.
pub async fn login(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = match portal(&state) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(r) = check_form(p, &headers, &form) {
        return r;
    }
    let token = form.get("token").and_then(Value::as_str).unwrap_or("");
    if token.is_empty() || token.len() > 256 || !state.root.matches(token) {
        let (csrf, _) = csrf_pair(p, &headers);
        return html(StatusCode::FORBIDDEN, LoginPage { csrf: &csrf, message: Some("That token is not valid.") }, &[]);
    }
    let Ok(id) = super::otp::random_id() else {
        return message(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "Please try again.");
    };
    p.operators.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), Instant::now() + OPERATOR_TTL);
    redirect_with("/console/", &[cookie(OPERATOR, &id, OPERATOR_TTL.as_secs() as i64)])
}

/// `GET /console/`: the open requests, oldest due first.
pub async fn queue(state: State, headers: HeaderMap) -> Response {
    let p = match portal(&state) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if !p.operator_in(&headers) {
        return redirect("/console/login");
    }
    let (csrf, set) = csrf_pair(p, &headers);
    let listed = state
        .call(|v| {
            let mut all = Vec::new();
            for s in ["open", "in_progress"] {
                all.extend(v.list_requests(&operator(), Some(json!({"state": s})), &PageRequest::first(200))?.items);
            }
            Ok(all)
        })
        .await;
    let mut requests = match listed {
        Ok(r) => r,
        Err(e) => return message(e.status(), "Something went wrong", "Please try again in a moment."),
    };
    requests.sort_by_key(|r| r.due_ms);
    let requests = requests
        .into_iter()
        .map(|r| RequestRow {
            received: day(r.received_ms),
            due: day(r.due_ms),
            id: r.id,
            kind: r.kind,
            subject: r.subject,
            state: r.state,
            overdue: r.overdue,
            proposals: r.proposals,
        })
        .collect();
    html(StatusCode::OK, QueuePage { csrf, requests, codes: DENIAL_CODES }, &set.into_iter().collect::<Vec<_>>())
}

/// `POST /console/request/{id}/{decision}`: approve, or deny with a code and a note.
pub async fn decide(
    state: State,
    headers: HeaderMap,
    Path((id, decision)): Path<(String, String)>,
    body: Body,
) -> Response {
    let p = match portal(&state) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(r) = check_form(p, &headers, &form) {
        return r;
    }
    if !p.operator_in(&headers) {
        return redirect("/console/login");
    }
    let code = form.get("code").and_then(Value::as_str).unwrap_or("other").to_string();
    let reason = form.get("reason").and_then(Value::as_str).filter(|r| !r.is_empty()).map(str::to_string);
    let done = match decision.as_str() {
        "approve" => state.call(move |v| v.approve_request(&operator(), &id, None)).await,
        "deny" => state.call(move |v| v.deny_request(&operator(), &id, &code, reason.as_deref())).await,
        _ => return message(StatusCode::NOT_FOUND, "Not found", "No such action."),
    };
    match done {
        Ok(_) => redirect("/console/"),
        Err(e) => message(e.status(), "Refused", "The vault refused that decision; reload the queue and try again."),
    }
}

/// `POST /console/logout`.
pub async fn logout(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = match portal(&state) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(r) = check_form(p, &headers, &form) {
        return r;
    }
    if let Some(id) = read_cookie(&headers, OPERATOR) {
        p.operators.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
    }
    redirect_with("/console/login", &[cookie(OPERATOR, "gone", 0)])
}
