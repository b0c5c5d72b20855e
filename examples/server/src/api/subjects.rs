//! `/v1/user*` and `/v1/userapp*`: subjects and their app documents.

use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use bunkerlite::Caller;
use serde_json::{json, Value};

use super::extract::{lookup, Auth, Body, Paging, Root, ROOT_ACTOR};
use super::reply::{ok, rows, to_json, ApiError, ApiResult};
use super::{AppState, State};

/// The top-level fields Databunker indexes; a new user needs one of them.
const IDENTITIES: [&str; 4] = ["login", "email", "phone", "custom"];

/// `POST /v1/user`: a new subject from the body → its token.
pub async fn create(state: State, headers: HeaderMap, body: Body) -> ApiResult {
    let caller = creator(&state.0, &headers)?;
    let profile = body.object(false)?;
    if !IDENTITIES.iter().any(|k| profile.get(*k).is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()))) {
        return Err(ApiError::bad_request("a user needs at least one of login, email, phone or custom"));
    }
    let token = state.call(move |v| v.create_subject(&caller, Value::Object(profile))).await?;
    ok(json!({"token": token}))
}

/// The root caller, or (with `api.anonymous_create`) the anonymous one.
fn creator(state: &AppState, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let token = headers.get("x-bunker-token").and_then(|v| v.to_str().ok()).unwrap_or("");
    if state.root.matches(token) {
        return Ok(Caller::new(ROOT_ACTOR).expect("a valid actor"));
    }
    if state.api.anonymous_create {
        return Ok(Caller::new("anonymous:signup").expect("a valid actor"));
    }
    Err(ApiError::forbidden())
}

/// `GET /v1/user/{mode}/{identity}`.
pub async fn get(state: State, auth: Auth, Path((mode, identity)): Path<(String, String)>) -> ApiResult {
    let lookup = auth.own(&state, lookup(&mode, &identity)?).await?;
    let subject = state.call(move |v| v.get_subject(&auth.caller, &lookup)).await?;
    ok(json!({"token": subject.token, "data": subject.profile}))
}

/// `PUT /v1/user/{mode}/{identity}`: a merge patch (object) or a JSON Patch (array).
pub async fn update(state: State, auth: Auth, Path((mode, identity)): Path<(String, String)>, body: Body) -> ApiResult {
    let lookup = auth.own(&state, lookup(&mode, &identity)?).await?;
    let patch = body.value()?;
    let subject = state.call(move |v| v.update_subject(&auth.caller, &lookup, patch)).await?;
    ok(json!({"token": subject.token}))
}

/// `DELETE /v1/user/{mode}/{identity}`: erasure (crypto-shredding) now by the root; from the
/// subject, an erasure request for the privacy team.
pub async fn forget(state: State, auth: Auth, Path((mode, identity)): Path<(String, String)>) -> ApiResult {
    let lookup = auth.own(&state, lookup(&mode, &identity)?).await?;
    if auth.is_owner() {
        let spec = json!({"kind": "erase", "verified": true});
        let request = state.call(move |v| v.create_request(&auth.caller, &lookup, Some(spec))).await?;
        return ok(json!({"result": "request-created", "rtoken": request.id}));
    }
    let receipt = state.call(move |v| v.forget_subject(&auth.caller, &lookup)).await?;
    ok(json!({"result": "done", "token": receipt.token}))
}

/// `POST /v1/users`: every subject, paged — only with `api.bulk_listing`, each call through the
/// vault's audited bulk unlock naming `api.bulk_purpose`.
pub async fn list(state: State, auth: Root, Query(paging): Query<Paging>) -> ApiResult {
    if !state.api.bulk_listing {
        return Err(ApiError::new(axum::http::StatusCode::FORBIDDEN, "bulk listing is disabled (api.bulk_listing)"));
    }
    let (offset, limit) = paging.bounds()?;
    let caller = auth.caller.with_purpose(&state.api.bulk_purpose).map_err(ApiError::from)?;
    let (total, items) = state
        .call(move |v| {
            let options = json!({"max_subjects": offset + limit, "ttl_ms": 60_000});
            v.unlock_bulk(&caller, Some(options))?;
            let window = Paging::window(offset, limit, |page| v.list_subjects(&caller, page));
            v.lock_bulk(&caller)?;
            window
        })
        .await?;
    rows(total, items.iter().map(|s| json!({"token": s.token, "data": s.profile})).collect())
}

/// `POST /v1/userapp/{mode}/{identity}/{app}`: create or replace an app document.
pub async fn app_put(
    state: State,
    auth: Auth,
    Path((mode, identity, app)): Path<(String, String, String)>,
    body: Body,
) -> ApiResult {
    let lookup = auth.own(&state, lookup(&mode, &identity)?).await?;
    let document = Value::Object(body.object(false)?);
    let doc = state.call(move |v| v.put_app_document(&auth.caller, &lookup, &app, document)).await?;
    ok(json!({"token": doc.token}))
}

/// `PUT /v1/userapp/{mode}/{identity}/{app}`: patch an existing app document.
pub async fn app_update(
    state: State,
    auth: Auth,
    Path((mode, identity, app)): Path<(String, String, String)>,
    body: Body,
) -> ApiResult {
    let lookup = auth.own(&state, lookup(&mode, &identity)?).await?;
    let patch = body.value()?;
    let doc = state.call(move |v| v.update_app_document(&auth.caller, &lookup, &app, patch)).await?;
    ok(json!({"token": doc.token}))
}

/// `GET /v1/userapp/{mode}/{identity}/{app}`.
pub async fn app_get(
    state: State,
    auth: Auth,
    Path((mode, identity, app)): Path<(String, String, String)>,
) -> ApiResult {
    let lookup = auth.own(&state, lookup(&mode, &identity)?).await?;
    let doc = state.call(move |v| v.get_app_document(&auth.caller, &lookup, &app)).await?;
    ok(json!({"token": doc.token, "data": doc.document}))
}

/// `DELETE /v1/userapp/{mode}/{identity}/{app}`.
pub async fn app_delete(
    state: State,
    auth: Auth,
    Path((mode, identity, app)): Path<(String, String, String)>,
) -> ApiResult {
    let lookup = auth.own(&state, lookup(&mode, &identity)?).await?;
    state.call(move |v| v.delete_app_document(&auth.caller, &lookup, &app)).await?;
    ok(json!({}))
}

/// `GET /v1/userapp/{mode}/{identity}`: the subject's app names.
pub async fn app_list(state: State, auth: Auth, Path((mode, identity)): Path<(String, String)>) -> ApiResult {
    let lookup = auth.own(&state, lookup(&mode, &identity)?).await?;
    let apps = state.call(move |v| v.list_apps(&auth.caller, &lookup)).await?;
    ok(json!({"apps": apps}))
}

/// `GET /v1/userapps`: every app name in the vault.
pub async fn app_names(state: State, _auth: Root) -> ApiResult {
    let apps = state.call(|v| v.list_app_names()).await?;
    ok(json!({"apps": to_json(&apps)}))
}
