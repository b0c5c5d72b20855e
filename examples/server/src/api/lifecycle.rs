//! Sessions, shared records, the audit log, data-subject requests and scheduled erasure: the v1
//! routes over the vault's lifecycle areas.

use axum::extract::{Path, Query};
use bunkerlite::{AuditEvent, Caller, Lookup, PageRequest, Request};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::extract::{lookup, Auth, Body, Paging, Root};
use super::reply::{ok, rows, seconds, to_json, ApiError, ApiResult};
use super::State;
use crate::expiration::{self, Expiry};

/// The fields whose presence in a session links it to a subject (Databunker's rule).
const SESSION_LINKS: [&str; 4] = ["token", "login", "email", "phone"];

fn expiry_of(value: &Value) -> Result<Expiry, ApiError> {
    expiration::from_json(value).map_err(ApiError::bad_request)
}

/// `POST /v1/session/{session}`: store the body as the session's data (a `token`, `login`,
/// `email` or `phone` member links it to that subject; another subject's session is never taken
/// over — the vault refuses it).
pub async fn session_set(state: State, auth: Root, Path(id): Path<String>, body: Body) -> ApiResult {
    let mut data = body.object(false)?;
    let expiry = match data.remove("expiration") {
        Some(v) => expiry_of(&v)?,
        None => Expiry::After(state.session_ttl_ms),
    };
    let link = SESSION_LINKS.iter().find_map(|k| data.get(*k).and_then(Value::as_str).map(|v| (*k, v.to_string())));
    let link = match link {
        Some(("token", t)) => Some(lookup("token", &t)?),
        Some((field, value)) => Some(Lookup::field(field, value)),
        None => None,
    };
    let mut options = expiry.to_options("expires_at_ms");
    options.insert("id".into(), id.into());
    let info = state
        .call(move |v| {
            if let Some(link) = link {
                let subject = v.get_subject(&auth.caller, &link)?;
                options.insert("subject".into(), subject.token.into());
            }
            v.set_session(&auth.caller, Value::Object(data), Some(Value::Object(options)))
        })
        .await?;
    ok(json!({"session": info.id}))
}

/// `GET /v1/session/{session}`: unknown and expired are both `"not found"`.
pub async fn session_get(state: State, auth: Auth, Path(id): Path<String>) -> ApiResult {
    let caller = auth.caller.clone();
    let session = state.call(move |v| v.get_session(&caller, &id)).await.map_err(gone_as_not_found)?;
    // A subject reads only sessions linked to them; another's is "not found" to them.
    auth.may_see(session.subject.as_deref()).map_err(|_| ApiError::not_found())?;
    ok(json!({"session": session.id, "when": seconds(session.updated_ms), "data": session.data}))
}

fn gone_as_not_found(e: ApiError) -> ApiError {
    if e.status() == axum::http::StatusCode::FORBIDDEN {
        ApiError::not_found()
    } else {
        e
    }
}

/// `DELETE /v1/session/{session}`.
pub async fn session_delete(state: State, auth: Root, Path(id): Path<String>) -> ApiResult {
    state.call(move |v| v.delete_session(&auth.caller, &id)).await?;
    ok(json!({}))
}

/// `GET /v1/sessions/{mode}/{identity}`: the subject's sessions (references, never the ids).
pub async fn sessions(
    state: State,
    auth: Auth,
    Path((mode, identity)): Path<(String, String)>,
    Query(paging): Query<Paging>,
) -> ApiResult {
    let lookup = auth.own(&state, lookup(&mode, &identity)?).await?;
    let (offset, limit) = paging.bounds()?;
    let (total, items) =
        state.call(move |v| Paging::window(offset, limit, |page| v.list_sessions(&auth.caller, &lookup, page))).await?;
    rows(
        total,
        items
            .iter()
            .map(|s| json!({"session": s.reference, "when": seconds(s.updated_ms), "detail": to_json(s)}))
            .collect(),
    )
}

/// `POST /v1/sharedrecord/{mode}/{identity}`: share named fields (`fields`, a comma list or an
/// array; `all` only when asked) of the profile, an app document (`app`) or a session
/// (`session`) with a `partner`, for `expiration` (capped by `api.share_ttl_max`).
pub async fn share_create(
    state: State,
    auth: Auth,
    Path((mode, identity)): Path<(String, String)>,
    body: Body,
) -> ApiResult {
    let lookup = auth.own(&state, lookup(&mode, &identity)?).await?;
    let mut spec = Map::new();
    let mut expiry = None;
    for (key, value) in body.object(false)? {
        match key.as_str() {
            "fields" => {
                let fields: Vec<Value> = match value {
                    Value::String(s) if s == "all" => {
                        spec.insert("all_fields".into(), true.into());
                        continue;
                    }
                    Value::String(s) => s.split(',').map(|f| Value::from(f.trim())).collect(),
                    Value::Array(items) => items,
                    _ => return Err(ApiError::bad_request("fields must be a comma-separated list or an array")),
                };
                spec.insert("fields".into(), Value::Array(fields));
            }
            "app" | "session" | "partner" => {
                spec.insert(key, value);
            }
            "expiration" => expiry = Some(expiry_of(&value)?),
            _ => return Err(ApiError::bad_request("unknown shared record field")),
        }
    }
    let of = if spec.contains_key("app") {
        "app"
    } else if spec.contains_key("session") {
        "session"
    } else {
        "profile"
    };
    spec.insert("of".into(), of.into());
    let max_ms = state.share_ttl_max_ms;
    let info = state
        .call(move |v| {
            let expiry =
                expiry.unwrap_or(Expiry::After(bunkerlite::SHARE_TTL_DEFAULT_MS)).capped(expiration::now_ms(), max_ms);
            spec.extend(expiry.to_options("expires_at_ms"));
            v.create_share(&auth.caller, &lookup, Some(Value::Object(spec)))
        })
        .await?;
    ok(json!({"record": info.id, "expires": seconds(info.expires_ms)}))
}

/// `?partner=` on a share's resolution.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerQuery {
    partner: Option<String>,
}

/// `GET /v1/get/{record}`: anyone holding the record id (and naming its partner, when it has
/// one) reads the shared fields until the share expires (403) or runs out of reads; audited.
pub async fn share_get(state: State, Path(record): Path<String>, Query(q): Query<PartnerQuery>) -> ApiResult {
    let caller = Caller::new("anonymous:share").expect("a valid actor");
    let shared = state.call(move |v| v.resolve_share(&caller, &record, q.partner.as_deref())).await?;
    let mut out = json!({"data": shared.data});
    if let Some(app) = shared.app {
        out["app"] = app.into();
    }
    ok(out)
}

fn event_row(e: &AuditEvent) -> Value {
    let mut row = to_json(e);
    if let Value::Object(map) = &mut row {
        map.insert("atoken".into(), e.seq.to_string().into());
        map.insert("when".into(), seconds(e.time_ms).into());
        map.insert("who".into(), e.actor.clone().into());
        map.insert("token".into(), e.subject.clone().into());
    }
    row
}

/// `GET /v1/audit/admin`: every event, newest first.
pub async fn audit_all(state: State, auth: Root, Query(paging): Query<Paging>) -> ApiResult {
    let (offset, limit) = paging.bounds()?;
    let (total, items) = state
        .call(move |v| Paging::window(offset, limit, |page| v.list_audit_events(&auth.caller, None, page, false)))
        .await?;
    rows(total, items.iter().map(event_row).collect())
}

/// `GET /v1/audit/list/{token}`: one subject's events.
pub async fn audit_subject(
    state: State,
    auth: Auth,
    Path(token): Path<String>,
    Query(paging): Query<Paging>,
) -> ApiResult {
    uuid::Uuid::try_parse(&token).map_err(|_| ApiError::bad_request("token must be a UUID"))?;
    auth.may_see(Some(&token))?;
    let (offset, limit) = paging.bounds()?;
    let (total, items) = state
        .call(move |v| {
            Paging::window(offset, limit, |page| v.list_audit_events(&auth.caller, Some(&token), page, false))
        })
        .await?;
    rows(total, items.iter().map(event_row).collect())
}

/// `GET /v1/audit/get/{atoken}`: one event with its details (before/after), decrypted when the
/// subject still exists and the caller may read them.
pub async fn audit_event(state: State, auth: Auth, Path(atoken): Path<String>) -> ApiResult {
    let seq: u64 = atoken.parse().map_err(|_| ApiError::bad_request("atoken must be an event number"))?;
    let (caller, only) = (auth.caller.clone(), auth.owner.clone());
    let event = state
        .call(move |v| {
            // The listing's cursor `s{n}` lists the events below n: this one first. A subject's
            // listing holds only their own events, so no one else's details are decrypted.
            let page = PageRequest::after(format!("s{}", seq + 1), 1);
            let page = v.list_audit_events(&caller, only.as_deref(), &page, true)?;
            Ok(page.items.into_iter().next().filter(|e| e.seq == seq))
        })
        .await?
        .ok_or_else(ApiError::not_found)?;
    auth.may_see(event.subject.as_deref())?;
    ok(json!({"event": event_row(&event)}))
}

/// A request in Databunker's names (`rtoken`, `action`, `status` open / approved / canceled)
/// beside the vault's own fields.
fn request_row(r: &Request) -> Value {
    let mut row = to_json(r);
    let status = match r.state.as_str() {
        "open" | "in_progress" => "open",
        "fulfilled" => "approved",
        _ => "canceled",
    };
    if let Value::Object(map) = &mut row {
        map.insert("rtoken".into(), r.id.clone().into());
        map.insert("token".into(), r.subject.clone().into());
        map.insert("action".into(), r.kind.clone().into());
        map.insert("status".into(), status.into());
        map.insert("creationtime".into(), seconds(r.received_ms).into());
    }
    row
}

/// `?status=` in Databunker's names (`approved`, `canceled`) or the vault's states.
fn request_query(status: Option<&str>, subject: Option<String>) -> Value {
    let state = match status.unwrap_or("open") {
        "approved" => "fulfilled",
        "canceled" => "denied",
        other => other,
    };
    let mut query = json!({"state": state});
    if let Some(subject) = subject {
        query["subject"] = subject.into();
    }
    query
}

/// `GET /v1/requests`: requests in a state (default open), paged.
pub async fn requests(state: State, auth: Root, Query(paging): Query<Paging>) -> ApiResult {
    let (offset, limit) = paging.bounds()?;
    let query = request_query(paging.status.as_deref(), None);
    let (total, items) = state
        .call(move |v| Paging::window(offset, limit, |page| v.list_requests(&auth.caller, Some(query.clone()), page)))
        .await?;
    rows(total, items.iter().map(request_row).collect())
}

/// `GET /v1/requests/{mode}/{identity}`: one subject's requests (every state unless `status`).
pub async fn subject_requests(
    state: State,
    auth: Auth,
    Path((mode, identity)): Path<(String, String)>,
    Query(paging): Query<Paging>,
) -> ApiResult {
    let lookup = auth.own(&state, lookup(&mode, &identity)?).await?;
    let (offset, limit) = paging.bounds()?;
    let status = paging.status.clone();
    let (total, items) = state
        .call(move |v| {
            let token = match &lookup {
                Lookup::Token(t) => t.clone(),
                other => v.get_subject(&auth.caller, other)?.token,
            };
            let mut query = request_query(status.as_deref(), Some(token));
            if status.is_none() {
                query.as_object_mut().expect("an object").remove("state");
            }
            Paging::window(offset, limit, |page| v.list_requests(&auth.caller, Some(query.clone()), page))
        })
        .await?;
    rows(total, items.iter().map(request_row).collect())
}

/// `GET /v1/request/{rtoken}`: the request with its proposals (the changes asked for).
pub async fn request_get(state: State, auth: Auth, Path(rtoken): Path<String>) -> ApiResult {
    let caller = auth.caller.clone();
    let detail = state.call(move |v| v.get_request(&caller, &rtoken)).await?;
    auth.may_see(Some(&detail.request.subject))?;
    let mut out = request_row(&detail.request);
    out["request"] = to_json(&detail);
    out.as_object_mut().expect("an object").remove("status");
    ok(out)
}

/// `POST /v1/request/{rtoken}`: approve (the vault fulfils it: applies the change, erases, …).
pub async fn request_approve(state: State, auth: Root, Path(rtoken): Path<String>, body: Body) -> ApiResult {
    let mut options = Map::new();
    for (key, value) in body.object(true)? {
        match key.as_str() {
            "proposal" => {
                options.insert(key, value);
            }
            // Databunker's approval note: the audit log records who approved.
            "reason" => {}
            _ => return Err(ApiError::bad_request("unknown approval field")),
        }
    }
    let request = state.call(move |v| v.approve_request(&auth.caller, &rtoken, Some(Value::Object(options)))).await?;
    ok(json!({"data": request_row(&request)}))
}

/// `DELETE /v1/request/{rtoken}`: the root denies, with a DRP denial `code` (default `other`)
/// and a `reason`; the subject cancels their own request.
pub async fn request_deny(state: State, auth: Auth, Path(rtoken): Path<String>, body: Body) -> ApiResult {
    if auth.is_owner() {
        let (caller, id) = (auth.caller.clone(), rtoken.clone());
        let detail = state.call(move |v| v.get_request(&caller, &id)).await?;
        auth.may_see(Some(&detail.request.subject))?;
        let request = state.call(move |v| v.revoke_request(&auth.caller, &rtoken)).await?;
        return ok(json!({"data": request_row(&request)}));
    }
    let mut code = "other".to_string();
    let mut reason = None;
    for (key, value) in body.object(true)? {
        let text = value.as_str().ok_or_else(|| ApiError::bad_request("code and reason must be strings"))?;
        match key.as_str() {
            "code" => code = text.to_string(),
            "reason" => reason = Some(text.to_string()),
            _ => return Err(ApiError::bad_request("unknown denial field")),
        }
    }
    let request = state.call(move |v| v.deny_request(&auth.caller, &rtoken, &code, reason.as_deref())).await?;
    ok(json!({"data": request_row(&request)}))
}

/// `POST /v1/exp/start/{mode}/{identity}`: schedule the subject's erasure (`expiration`).
pub async fn expiry_start(
    state: State,
    auth: Root,
    Path((mode, identity)): Path<(String, String)>,
    body: Body,
) -> ApiResult {
    let lookup = lookup(&mode, &identity)?;
    let body = body.object(false)?;
    let expiry = expiry_of(body.get("expiration").ok_or_else(|| ApiError::bad_request("expiration is required"))?)?;
    if body.len() > 1 {
        return Err(ApiError::bad_request("only expiration is accepted"));
    }
    let options = Value::Object(expiry.to_options("expires_at_ms"));
    let scheduled = state.call(move |v| v.schedule_erasure(&auth.caller, &lookup, Some(options))).await?;
    ok(json!({"exptoken": scheduled.capability, "exptime": seconds(scheduled.due_ms)}))
}

/// `GET /v1/exp/status/{mode}/{identity}`.
pub async fn expiry_status(state: State, auth: Auth, Path((mode, identity)): Path<(String, String)>) -> ApiResult {
    let lookup = auth.own(&state, lookup(&mode, &identity)?).await?;
    let schedule = state.call(move |v| v.get_erasure_schedule(&auth.caller, &lookup)).await?;
    ok(json!({
        "exptime": schedule.due_ms.map_or(0, seconds),
        "expstatus": if schedule.scheduled { "wait" } else { "" },
    }))
}

/// `DELETE /v1/exp/cancel/{mode}/{identity}`.
pub async fn expiry_cancel(state: State, auth: Root, Path((mode, identity)): Path<(String, String)>) -> ApiResult {
    let lookup = lookup(&mode, &identity)?;
    state.call(move |v| v.cancel_erasure(&auth.caller, &lookup)).await?;
    ok(json!({}))
}

/// `GET /v1/exp/retain/{exptoken}`: the holder of the capability keeps the data.
pub async fn expiry_retain(state: State, Path(exptoken): Path<String>) -> ApiResult {
    let caller = Caller::new("subject:capability").expect("a valid actor");
    state.call(move |v| v.retain_by_capability(&caller, &exptoken)).await?;
    ok(json!({}))
}

/// `GET /v1/exp/delete/{exptoken}`: the holder of the capability erases now.
pub async fn expiry_erase(state: State, Path(exptoken): Path<String>) -> ApiResult {
    let caller = Caller::new("subject:capability").expect("a valid actor");
    state.call(move |v| v.erase_by_capability(&caller, &exptoken)).await?;
    ok(json!({"result": "done"}))
}
