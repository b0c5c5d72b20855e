//! `/v1/lbasis*`, `/v1/agreement*` and `/v1/pactivity*`: legal bases, the subjects' decisions and
//! processing activities, in Databunker's field names over the vault's consent area.

use axum::extract::Path;
use bunkerlite::{Activity, Agreement, ConsentStatus, LegalBasis};
use serde_json::{json, Map, Value};

use super::extract::{lookup, Auth, Body, Mode, Root};
use super::reply::{ok, rows, seconds, ApiError, ApiResult};
use super::State;
use crate::expiration::{self, Expiry};

/// Databunker's basis type names beside the vault's (`legal-requirement` is the vault's
/// `legal-obligation`, `public-interest` its `public-task`).
const BASIS_TYPES: &[(&str, &str)] = &[("legal-requirement", "legal-obligation"), ("public-interest", "public-task")];

fn basis_type_in(name: &str) -> &str {
    BASIS_TYPES.iter().find(|(db, _)| *db == name).map_or(name, |(_, ours)| ours)
}

fn basis_type_out(name: &str) -> &str {
    BASIS_TYPES.iter().find(|(_, ours)| *ours == name).map_or(name, |(db, _)| db)
}

/// A legal basis as Databunker lists it.
fn basis_row(b: &LegalBasis) -> Value {
    let kind = serde_json::to_value(b.kind).expect("an enum serializes");
    let status = serde_json::to_value(b.status).expect("an enum serializes");
    json!({
        "brief": b.brief,
        "basistype": basis_type_out(kind.as_str().unwrap_or_default()),
        "module": b.module,
        "shortdesc": b.short_description,
        "fulldesc": b.full_description,
        "requiredmsg": b.required_message,
        "requiredflag": b.required,
        "usercontrol": b.user_control,
        "status": status,
        "creationtime": seconds(b.created_ms),
        "noticeversion": b.notice_version,
        "noticehash": b.notice_sha256,
    })
}

/// An agreement as Databunker shows it (`status` yes/no), with the vault's own state beside it.
fn agreement_row(a: &Agreement) -> Value {
    let state = serde_json::to_value(a.status).expect("an enum serializes");
    json!({
        "brief": a.legal_basis,
        "status": if a.in_force { "yes" } else { "no" },
        "state": state,
        "creationtime": seconds(a.decided_ms),
        "starttime": seconds(a.start_ms),
        "endtime": a.expires_ms.map_or(0, seconds),
        "referencecode": a.reference,
        "agreementmethod": a.method,
        "lastmodifiedby": a.actor,
        "noticeversion": a.notice_version,
        "noticehash": a.notice_sha256,
    })
}

fn activity_row(a: &Activity) -> Value {
    json!({
        "activity": a.name,
        "title": a.title,
        "fulldesc": a.description,
        "operations": a.operations,
        "legalbases": a.legal_bases.join(","),
        "creationtime": seconds(a.created_ms),
    })
}

/// A form's or JSON's boolean.
fn flag(value: &Value, name: &str) -> Result<bool, ApiError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if matches!(s.as_str(), "true" | "yes" | "1" | "on") => Ok(true),
        Value::String(s) if matches!(s.as_str(), "false" | "no" | "0" | "off" | "") => Ok(false),
        _ => Err(ApiError::bad_request(format!("{name} must be true or false"))),
    }
}

fn text<'a>(value: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    value.as_str().ok_or_else(|| ApiError::bad_request(format!("{name} must be a string")))
}

/// `GET /v1/lbasis`.
pub async fn bases(state: State, _auth: Root) -> ApiResult {
    let bases = state.call(|v| v.list_legal_bases()).await?;
    rows(bases.len() as u64, bases.iter().map(basis_row).collect())
}

/// `POST /v1/lbasis/{brief}`: create or change a legal basis.
pub async fn basis_set(state: State, auth: Root, Path(brief): Path<String>, body: Body) -> ApiResult {
    let mut spec = Map::new();
    for (key, value) in body.object(true)? {
        let (ours, value) = match key.as_str() {
            "basistype" => ("type", Value::from(basis_type_in(text(&value, &key)?))),
            "module" => ("module", value),
            "shortdesc" => ("short_description", value),
            "fulldesc" => ("full_description", value),
            "requiredmsg" => ("required_message", value),
            "requiredflag" => ("required", flag(&value, &key)?.into()),
            "usercontrol" => ("user_control", flag(&value, &key)?.into()),
            "status" => ("status", value),
            _ => return Err(ApiError::bad_request(format!("unknown legal basis field {}", clip(&key)))),
        };
        spec.insert(ours.into(), value);
    }
    let basis = state.call(move |v| v.set_legal_basis(&auth.caller, &brief, Value::Object(spec))).await?;
    ok(json!({"basis": basis_row(&basis)}))
}

/// A field name echoed in an error: printable ASCII, at most 40 characters (never a value).
fn clip(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_graphic()).take(40).collect()
}

/// `DELETE /v1/lbasis/{brief}`: its agreements are revoked and the basis marked deleted.
pub async fn basis_delete(state: State, auth: Root, Path(brief): Path<String>) -> ApiResult {
    let report = state.call(move |v| v.delete_legal_basis(&auth.caller, &brief)).await?;
    ok(json!({"report": report_json(&report)}))
}

/// `DELETE /v1/agreement/{brief}`: revoke every agreement under the basis.
pub async fn basis_revoke(state: State, auth: Root, Path(brief): Path<String>) -> ApiResult {
    let report = state.call(move |v| v.revoke_legal_basis(&auth.caller, &brief)).await?;
    ok(json!({"report": report_json(&report)}))
}

fn report_json(report: &bunkerlite::ConsentReport) -> Value {
    serde_json::to_value(report).expect("a report serializes")
}

/// The three segments of `/v1/agreement/…/…/…`: Databunker's `{brief}/{mode}/{identity}` (what
/// `@databunker/store` 1.0.8 sends) or the `{mode}/{identity}/{brief}` its documentation shows.
fn agreement_path(a: &str, b: &str, c: &str) -> Result<(bunkerlite::Lookup, String), ApiError> {
    if Mode::is_mode(b) {
        Ok((lookup(b, c)?, a.to_string()))
    } else if Mode::is_mode(a) {
        Ok((lookup(a, b)?, c.to_string()))
    } else {
        Err(ApiError::bad_request("expected /v1/agreement/{brief}/{mode}/{identity}"))
    }
}

/// `POST` (or `PUT`) `/v1/agreement/…`: record the subject's decision (status yes, the default,
/// or no), with `expiration`, `starttime`, `referencecode`, `agreementmethod`.
pub async fn agreement_give(
    state: State,
    auth: Auth,
    Path((a, b, c)): Path<(String, String, String)>,
    body: Body,
) -> ApiResult {
    let (lookup, brief) = agreement_path(&a, &b, &c)?;
    let lookup = auth.own(&state, lookup).await?;
    let mut options = Map::new();
    let mut status = ConsentStatus::Given;
    for (key, value) in body.object(true)? {
        match key.as_str() {
            "status" => {
                status = match text(&value, &key)? {
                    "yes" | "given" | "accept" => ConsentStatus::Given,
                    "no" | "refused" => ConsentStatus::Refused,
                    _ => return Err(ApiError::bad_request("status must be yes or no")),
                }
            }
            "expiration" => {
                let expiry = expiration::from_json(&value).map_err(ApiError::bad_request)?;
                match expiry {
                    Expiry::After(ms) => options.insert("ttl_ms".into(), ms.into()),
                    Expiry::At(ms) => options.insert("expires_ms".into(), ms.into()),
                };
            }
            "starttime" => {
                let s: i64 = scalar_text(&value, &key)?
                    .parse()
                    .map_err(|_| ApiError::bad_request("starttime must be a Unix time in seconds"))?;
                options.insert("start_ms".into(), s.saturating_mul(1000).into());
            }
            "referencecode" => {
                options.insert("reference".into(), value);
            }
            "agreementmethod" => {
                options.insert("method".into(), value);
            }
            // Databunker's clients send these; the audit log records who acted.
            "lastmodifiedby" | "mode" | "identity" | "brief" => {}
            _ => return Err(ApiError::bad_request(format!("unknown agreement field {}", clip(&key)))),
        }
    }
    options.insert("status".into(), serde_json::to_value(status).expect("an enum serializes"));
    // A subject decides only under the bases they control.
    let owner = auth.is_owner();
    let agreement = state
        .call(move |v| {
            if owner && !v.get_legal_basis(&brief)?.user_control {
                return Ok(None);
            }
            v.give_consent(&auth.caller, &lookup, &brief, Some(Value::Object(options))).map(Some)
        })
        .await?
        .ok_or_else(|| {
            ApiError::new(axum::http::StatusCode::FORBIDDEN, "this legal basis is not under the subject's control")
        })?;
    ok(json!({"data": agreement_row(&agreement)}))
}

/// A string or a number, as text (forms send strings, JSON clients numbers).
fn scalar_text(value: &Value, name: &str) -> Result<String, ApiError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(ApiError::bad_request(format!("{name} must be a string or a number"))),
    }
}

/// `GET /v1/agreement/…`: one decision.
pub async fn agreement_get(state: State, auth: Auth, Path((a, b, c)): Path<(String, String, String)>) -> ApiResult {
    let (lookup, brief) = agreement_path(&a, &b, &c)?;
    let lookup = auth.own(&state, lookup).await?;
    let agreement = state.call(move |v| v.get_consent(&auth.caller, &lookup, &brief)).await?;
    ok(json!({"data": agreement_row(&agreement)}))
}

/// `DELETE /v1/agreement/…`: the subject withdraws.
pub async fn agreement_withdraw(
    state: State,
    auth: Auth,
    Path((a, b, c)): Path<(String, String, String)>,
) -> ApiResult {
    let (lookup, brief) = agreement_path(&a, &b, &c)?;
    let lookup = auth.own(&state, lookup).await?;
    // A subject withdrawing from a basis they do not control files a request for the privacy
    // team instead.
    let owner = auth.is_owner();
    let done = state
        .call(move |v| {
            if owner && !v.get_legal_basis(&brief)?.user_control {
                let spec = json!({"kind": "withdraw_consent", "legal_basis": brief, "verified": true});
                return v.create_request(&auth.caller, &lookup, Some(spec)).map(Err);
            }
            v.withdraw_consent(&auth.caller, &lookup, &brief, None).map(Ok)
        })
        .await?;
    match done {
        Ok(agreement) => ok(json!({"data": agreement_row(&agreement)})),
        Err(request) => ok(json!({"result": "request-created", "rtoken": request.id})),
    }
}

/// `GET /v1/agreements/{mode}/{identity}`.
pub async fn agreements(state: State, auth: Auth, Path((mode, identity)): Path<(String, String)>) -> ApiResult {
    let lookup = auth.own(&state, lookup(&mode, &identity)?).await?;
    let list = state.call(move |v| v.list_consents(&auth.caller, &lookup)).await?;
    rows(list.len() as u64, list.iter().map(agreement_row).collect())
}

/// `GET /v1/pactivity`.
pub async fn activities(state: State, _auth: Root) -> ApiResult {
    let list = state.call(|v| v.list_activities()).await?;
    rows(list.len() as u64, list.iter().map(activity_row).collect())
}

/// `POST /v1/pactivity/{activity}`: create or change (`title`, `fulldesc`, `operations`).
pub async fn activity_set(state: State, auth: Root, Path(name): Path<String>, body: Body) -> ApiResult {
    let mut spec = Map::new();
    for (key, value) in body.object(true)? {
        match key.as_str() {
            "title" => spec.insert("title".into(), value),
            "fulldesc" => spec.insert("description".into(), value),
            "operations" => {
                let list = match value {
                    Value::String(s) => s.split(',').map(|o| Value::from(o.trim())).collect(),
                    Value::Array(items) => items,
                    _ => return Err(ApiError::bad_request("operations must be a list or a comma-separated string")),
                };
                spec.insert("operations".into(), Value::Array(list))
            }
            // Databunker's free-text fields with no meaning to the vault's checks.
            "script" | "applicableto" => None,
            _ => return Err(ApiError::bad_request(format!("unknown activity field {}", clip(&key)))),
        };
    }
    let activity = state.call(move |v| v.set_activity(&auth.caller, &name, Value::Object(spec))).await?;
    ok(json!({"data": activity_row(&activity)}))
}

/// `DELETE /v1/pactivity/{activity}`.
pub async fn activity_delete(state: State, auth: Root, Path(name): Path<String>) -> ApiResult {
    state.call(move |v| v.delete_activity(&auth.caller, &name)).await?;
    ok(json!({}))
}

/// `POST /v1/pactivity/{activity}/{brief}`: the activity relies on the basis.
pub async fn activity_link(state: State, auth: Root, Path((name, brief)): Path<(String, String)>) -> ApiResult {
    let activity = state.call(move |v| v.link_activity(&auth.caller, &name, &brief)).await?;
    ok(json!({"data": activity_row(&activity)}))
}

/// `DELETE /v1/pactivity/{activity}/{brief}`.
pub async fn activity_unlink(state: State, auth: Root, Path((name, brief)): Path<(String, String)>) -> ApiResult {
    let activity = state.call(move |v| v.unlink_activity(&auth.caller, &name, &brief)).await?;
    ok(json!({"data": activity_row(&activity)}))
}
