//! The operator console (first part): log in with the root token (checked as the API checks
//! it), the queue of open data-subject requests, approve or deny with a DRP reason. An operator
//! login is a random server-side session id in a `__Host-` cookie, revoked by logout, 30 minutes.

use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bunkerlite::{Caller, Lookup, PageRequest, DENIAL_CODES, REQUEST_STATES};
use serde_json::{json, Value};

use super::{
    checked_form, cookie, csrf_pair, day, html, message, portal, read_cookie, redirect, redirect_with, Portal,
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
    /// A rectification's change: field, value now, value asked for.
    diff: Vec<(String, String, String)>,
}

/// The change a rectification asks for, beside the profile as it is.
fn diff(profile: &Value, patch: &Value) -> Vec<(String, String, String)> {
    let shown = |v: Option<&Value>| match v {
        None | Some(Value::Null) => "(none)".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    match patch {
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| {
                (k.clone(), shown(profile.get(k)), if v.is_null() { "(removed)".into() } else { shown(Some(v)) })
            })
            .collect(),
        Value::Array(ops) => ops
            .iter()
            .map(|op| {
                let path = op.get("path").and_then(Value::as_str).unwrap_or("");
                let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
                (format!("{path} ({kind})"), shown(profile.pointer(path)), shown(op.get("value")))
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[derive(Template)]
#[template(path = "console.html")]
struct QueuePage {
    csrf: String,
    requests: Vec<RequestRow>,
    codes: &'static [&'static str],
    states: &'static [&'static str],
    shown: String,
    overdue_only: bool,
}

/// `?state=` (a request state, or `open` for open and in progress) and `?overdue=1`.
#[derive(serde::Deserialize)]
pub struct QueueFilter {
    state: Option<String>,
    overdue: Option<String>,
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
    let p = step!(portal(&state));
    let (csrf, set) = csrf_pair(p, &headers);
    html(StatusCode::OK, LoginPage { csrf: &csrf, message: None }, &set.into_iter().collect::<Vec<_>>())
}

/// `POST /console/login`: the root token opens an operator session.
pub async fn login(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    let form = step!(checked_form(p, &headers, body));
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

/// `GET /console/`: the requests in a state (default: open and in progress), oldest due first,
/// optionally only the overdue ones.
pub async fn queue(state: State, headers: HeaderMap, Query(filter): Query<QueueFilter>) -> Response {
    let p = step!(portal(&state));
    if !p.operator_in(&headers) {
        return redirect("/console/login");
    }
    let (csrf, set) = csrf_pair(p, &headers);
    let shown = filter.state.filter(|s| REQUEST_STATES.contains(&s.as_str())).unwrap_or_else(|| "open".into());
    let overdue_only = filter.overdue.as_deref() == Some("1");
    let states: Vec<&'static str> = if shown == "open" {
        vec!["open", "in_progress"]
    } else {
        REQUEST_STATES.iter().copied().filter(|s| *s == shown).collect()
    };
    let listed = state
        .call(move |v| {
            let mut all = Vec::new();
            for s in states {
                let query = json!({"state": s, "overdue": overdue_only});
                all.extend(v.list_requests(&operator(), Some(query), &PageRequest::first(200))?.items);
            }
            let mut rows = Vec::new();
            for r in all {
                let mut changes = Vec::new();
                if r.kind == "rectify" && (r.state == "open" || r.state == "in_progress") {
                    let detail = v.get_request(&operator(), &r.id)?;
                    if let Some(patch) = detail.proposals.last().and_then(|p| p.patch.as_ref()) {
                        let profile = v.get_subject(&operator(), &Lookup::token(&r.subject))?.profile;
                        changes = diff(&profile, patch);
                    }
                }
                rows.push((r, changes));
            }
            Ok(rows)
        })
        .await;
    let mut requests = match listed {
        Ok(r) => r,
        Err(e) => return message(e.status(), "Something went wrong", "Please try again in a moment."),
    };
    requests.sort_by_key(|(r, _)| r.due_ms);
    let requests = requests
        .into_iter()
        .map(|(r, diff)| RequestRow {
            diff,
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
    let page = QueuePage { csrf, requests, codes: DENIAL_CODES, states: REQUEST_STATES, shown, overdue_only };
    html(StatusCode::OK, page, &set.into_iter().collect::<Vec<_>>())
}

/// `POST /console/request/{id}/{decision}`: approve, or deny with a code and a note.
pub async fn decide(
    state: State,
    headers: HeaderMap,
    Path((id, decision)): Path<(String, String)>,
    body: Body,
) -> Response {
    let p = step!(portal(&state));
    let form = step!(checked_form(p, &headers, body));
    if !p.operator_in(&headers) {
        return redirect("/console/login");
    }
    let code = form.get("code").and_then(Value::as_str).unwrap_or("other").to_string();
    let reason = form.get("reason").and_then(Value::as_str).filter(|r| !r.is_empty()).map(str::to_string);
    let done = match decision.as_str() {
        "approve" => state.call(move |v| v.approve_request(&operator(), &id, None)).await,
        "deny" => state.call(move |v| v.deny_request(&operator(), &id, &code, reason.as_deref())).await,
        "extend" => match reason {
            Some(reason) => state.call(move |v| v.extend_request(&operator(), &id, &reason)).await,
            None => return message(StatusCode::BAD_REQUEST, "Refused", "An extension needs a reason for the person."),
        },
        _ => return message(StatusCode::NOT_FOUND, "Not found", "No such action."),
    };
    match done {
        Ok(_) => redirect("/console/"),
        Err(e) => message(e.status(), "Refused", "The vault refused that decision; reload the queue and try again."),
    }
}

/// `POST /console/logout`.
pub async fn logout(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    step!(checked_form(p, &headers, body));
    if let Some(id) = read_cookie(&headers, OPERATOR) {
        p.operators.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
    }
    redirect_with("/console/login", &[cookie(OPERATOR, "gone", 0)])
}

#[derive(Template)]
#[template(path = "console_subject.html")]
struct SubjectPage {
    csrf: String,
    message: Option<String>,
    token: Option<String>,
    profile: Vec<(String, String)>,
    consents: Vec<(String, String)>,
}

/// `GET /console/subject`: the look-up form.
pub async fn subject_page(state: State, headers: HeaderMap) -> Response {
    let p = step!(portal(&state));
    if !p.operator_in(&headers) {
        return redirect("/console/login");
    }
    let (csrf, set) = csrf_pair(p, &headers);
    let page = SubjectPage { csrf, message: None, token: None, profile: Vec::new(), consents: Vec::new() };
    html(StatusCode::OK, page, &set.into_iter().collect::<Vec<_>>())
}

/// `POST /console/subject`: one subject by token, e-mail, phone or login, read under the
/// purpose the operator names (a post, so the identity never sits in a URL or a log).
pub async fn subject_lookup(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    let form = step!(checked_form(p, &headers, body));
    if !p.operator_in(&headers) {
        return redirect("/console/login");
    }
    let (csrf, _) = csrf_pair(p, &headers);
    let text = |k: &str| form.get(k).and_then(Value::as_str).unwrap_or("").trim().to_string();
    let (mode, value, purpose) = (text("mode"), text("value"), text("purpose"));
    let lookup = match crate::api::lookup(&mode, &value) {
        Ok(l) => l,
        Err(_) => {
            let page = SubjectPage {
                csrf,
                message: Some("Choose e-mail, phone, login or token, and a valid value.".into()),
                token: None,
                profile: Vec::new(),
                consents: Vec::new(),
            };
            return html(StatusCode::BAD_REQUEST, page, &[]);
        }
    };
    let found = state
        .call(move |v| {
            let caller = operator().with_purpose(&purpose)?;
            let subject = v.get_subject(&caller, &lookup)?;
            let consents = v.list_consents(&caller, &Lookup::token(&subject.token))?;
            Ok((subject, consents))
        })
        .await;
    let page = match found {
        Ok((subject, consents)) => {
            let mut profile = Vec::new();
            super::flatten("", &subject.profile, &mut profile);
            let consents = consents
                .iter()
                .map(|a| {
                    (
                        a.legal_basis.clone(),
                        serde_json::to_value(a.status)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                    )
                })
                .collect();
            SubjectPage { csrf, message: None, token: Some(subject.token), profile, consents }
        }
        Err(e) => {
            let message = if e.status() == StatusCode::NOT_FOUND {
                "No subject matches."
            } else {
                "The look-up was refused (check the purpose: lower-case letters, digits, - and _)."
            };
            SubjectPage { csrf, message: Some(message.into()), token: None, profile: Vec::new(), consents: Vec::new() }
        }
    };
    html(StatusCode::OK, page, &[])
}

#[derive(Template)]
#[template(path = "console_audit.html")]
struct AuditPage {
    csrf: String,
    head_seq: u64,
    head_hash: String,
    result: Option<String>,
    events: Vec<(u64, String, String, String, String, String)>,
}

async fn audit_page(state: &State, headers: &HeaderMap, verify: bool) -> Response {
    let p = step!(portal(state));
    let (csrf, set) = csrf_pair(p, headers);
    let data = state
        .call(move |v| {
            let result = if verify {
                Some(match v.verify_audit(None) {
                    Ok(r) => format!("Verified: {} events, the chain is intact up to event {}.", r.events, r.head.seq),
                    Err(e) => format!("NOT verified: {} — {}", e.code(), e.message()),
                })
            } else {
                None
            };
            let head = v.get_audit_head()?;
            let events = v.list_audit_events(&operator(), None, &PageRequest::first(50), false)?.items;
            Ok((head, result, events))
        })
        .await;
    let (head, result, events) = match data {
        Ok(d) => d,
        Err(e) => return message(e.status(), "Something went wrong", "Please try again in a moment."),
    };
    let events = events
        .into_iter()
        .map(|e| (e.seq, day(e.time_ms), e.actor, e.action, e.subject.unwrap_or_default(), e.outcome))
        .collect();
    let page = AuditPage { csrf, head_seq: head.seq, head_hash: head.hash, result, events };
    html(StatusCode::OK, page, &set.into_iter().collect::<Vec<_>>())
}

/// `GET /console/audit`: the chain head and the latest events.
pub async fn audit(state: State, headers: HeaderMap) -> Response {
    match portal(&state) {
        Ok(p) if p.operator_in(&headers) => audit_page(&state, &headers, false).await,
        Ok(_) => redirect("/console/login"),
        Err(r) => r,
    }
}

/// `POST /console/audit`: verify the whole chain, then the same page with the result.
pub async fn audit_verify(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    step!(checked_form(p, &headers, body));
    if !p.operator_in(&headers) {
        return redirect("/console/login");
    }
    audit_page(&state, &headers, true).await
}

#[derive(Template)]
#[template(path = "console_bases.html")]
struct BasesPage {
    csrf: String,
    message: Option<String>,
    bases: Vec<(String, String, String, &'static str, i64, String)>,
}

async fn bases_page(state: &State, headers: &HeaderMap, message_text: Option<String>, status: StatusCode) -> Response {
    let p = step!(portal(state));
    let (csrf, set) = csrf_pair(p, headers);
    let bases = match state.call(|v| v.list_legal_bases()).await {
        Ok(b) => b,
        Err(e) => return message(e.status(), "Something went wrong", "Please try again in a moment."),
    };
    let name = |v: serde_json::Result<Value>| v.ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let bases = bases
        .iter()
        .map(|b| {
            (
                b.brief.clone(),
                name(serde_json::to_value(b.kind)),
                b.short_description.clone(),
                if b.user_control { "yes" } else { "no" },
                b.notice_version,
                name(serde_json::to_value(b.status)),
            )
        })
        .collect();
    html(status, BasesPage { csrf, message: message_text, bases }, &set.into_iter().collect::<Vec<_>>())
}

/// `GET /console/bases`.
pub async fn bases(state: State, headers: HeaderMap) -> Response {
    match portal(&state) {
        Ok(p) if p.operator_in(&headers) => bases_page(&state, &headers, None, StatusCode::OK).await,
        Ok(_) => redirect("/console/login"),
        Err(r) => r,
    }
}

/// `POST /console/bases`: create or change a legal basis.
pub async fn basis_save(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    let form = step!(checked_form(p, &headers, body));
    if !p.operator_in(&headers) {
        return redirect("/console/login");
    }
    let text = |k: &str| form.get(k).and_then(Value::as_str).unwrap_or("").trim().to_string();
    let brief = text("brief");
    let spec = json!({
        "type": text("type"),
        "short_description": text("short_description"),
        "full_description": text("full_description"),
        "user_control": text("user_control") == "yes",
    });
    match state.call(move |v| v.set_legal_basis(&operator(), &brief, spec)).await {
        Ok(_) => redirect("/console/bases"),
        Err(e) => {
            let why = if e.status() == StatusCode::BAD_REQUEST {
                "Not saved: check the brief and the fields."
            } else {
                "Not saved."
            };
            bases_page(&state, &headers, Some(why.into()), e.status()).await
        }
    }
}

#[derive(Template)]
#[template(path = "console_activities.html")]
struct ActivitiesPage {
    csrf: String,
    message: Option<String>,
    grant: Option<String>,
    activities: Vec<(String, String, String, String)>,
}

async fn activities_page(
    state: &State,
    headers: &HeaderMap,
    message_text: Option<String>,
    grant: Option<String>,
) -> Response {
    let p = step!(portal(state));
    let (csrf, set) = csrf_pair(p, headers);
    let activities = match state.call(|v| v.list_activities()).await {
        Ok(a) => a,
        Err(e) => return message(e.status(), "Something went wrong", "Please try again in a moment."),
    };
    let activities =
        activities.into_iter().map(|a| (a.name, a.title, a.operations.join(", "), a.legal_bases.join(", "))).collect();
    let page = ActivitiesPage { csrf, message: message_text, grant, activities };
    html(StatusCode::OK, page, &set.into_iter().collect::<Vec<_>>())
}

/// `GET /console/activities`: processing activities and the bulk-listing unlock.
pub async fn activities(state: State, headers: HeaderMap) -> Response {
    match portal(&state) {
        Ok(p) if p.operator_in(&headers) => activities_page(&state, &headers, None, None).await,
        Ok(_) => redirect("/console/login"),
        Err(r) => r,
    }
}

/// `POST /console/activities`: create or change an activity.
pub async fn activity_save(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    let form = step!(checked_form(p, &headers, body));
    if !p.operator_in(&headers) {
        return redirect("/console/login");
    }
    let text = |k: &str| form.get(k).and_then(Value::as_str).unwrap_or("").trim().to_string();
    let list =
        |k: &str| text(k).split(',').map(str::trim).filter(|s| !s.is_empty()).map(Value::from).collect::<Vec<_>>();
    let name = text("name");
    let spec = json!({"title": text("title"), "operations": list("operations"), "legal_bases": list("legal_bases")});
    match state.call(move |v| v.set_activity(&operator(), &name, spec)).await {
        Ok(_) => redirect("/console/activities"),
        Err(_) => {
            activities_page(
                &state,
                &headers,
                Some("Not saved: check the purpose, the operations and the legal bases.".into()),
                None,
            )
            .await
        }
    }
}

/// `POST /console/bulk`: unlock bulk listing for the console's actor under a purpose.
pub async fn bulk_unlock(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    let form = step!(checked_form(p, &headers, body));
    if !p.operator_in(&headers) {
        return redirect("/console/login");
    }
    let purpose = form.get("purpose").and_then(Value::as_str).unwrap_or("").trim().to_string();
    let max: i64 = form.get("max_subjects").and_then(Value::as_str).and_then(|s| s.trim().parse().ok()).unwrap_or(0);
    let granted = state
        .call(move |v| {
            let caller = operator().with_purpose(&purpose)?;
            v.unlock_bulk(&caller, Some(json!({"max_subjects": max, "ttl_ms": 600_000})))
        })
        .await;
    let grant = match granted {
        Ok(g) => format!(
            "Unlocked for {} under the purpose {}: at most {} subjects, for ten minutes.",
            g.actor, g.purpose, g.max_subjects
        ),
        Err(e) => format!("Not unlocked: {}", e.message()),
    };
    activities_page(&state, &headers, None, Some(grant)).await
}
