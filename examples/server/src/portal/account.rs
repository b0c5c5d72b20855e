//! The portal's pages beyond the overview: editing the profile (directly or as a rectification
//! request, per `portal.profile_edit`), the history of every access with the before and after of
//! each change, "download my data" through a single-use link, and "forget me" (an erasure
//! request the privacy team decides).

use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bunkerlite::{Caller, Lookup, PageRequest};
use serde_json::{json, Map, Value};

use super::{checked_form, csrf_pair, day, html, message, portal, redirect, subject_of, Portal};
use crate::api::{Body, State};

/// How long a download link works (once).
const EXPORT_LINK_TTL: Duration = Duration::from_secs(120);

fn subject_caller() -> Caller {
    Caller::new("subject:portal").expect("a valid actor")
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    csrf: String,
    fields: Vec<(String, String)>,
    as_request: bool,
}

struct EventRow {
    action: String,
    when: String,
    actor: String,
    purpose: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    events: Vec<EventRow>,
}

#[derive(Template)]
#[template(path = "export.html")]
struct ExportPage {
    link: String,
}

/// `GET /portal/profile`: the profile's top-level text fields in a form.
pub async fn profile_page(state: State, headers: HeaderMap) -> Response {
    let p = step!(portal(&state));
    let subject = step!(subject_of(&state, &headers).await);
    let (csrf, set) = csrf_pair(p, &headers);
    let profile = state.call(move |v| Ok(v.get_subject(&subject_caller(), &Lookup::token(subject))?.profile)).await;
    let profile = match profile {
        Ok(p) => p,
        Err(e) => return message(e.status(), "Something went wrong", "Please try again in a moment."),
    };
    let fields = profile
        .as_object()
        .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string()))).collect())
        .unwrap_or_default();
    html(
        StatusCode::OK,
        ProfilePage { csrf, fields, as_request: p.edit_as_request },
        &set.into_iter().collect::<Vec<_>>(),
    )
}

/// `POST /portal/profile`: the changed fields, applied or proposed.
pub async fn profile_save(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    let form = step!(checked_form(p, &headers, body));
    let subject = step!(subject_of(&state, &headers).await);
    let as_request = p.edit_as_request;
    let done = state
        .call(move |v| {
            let caller = subject_caller();
            let lookup = Lookup::token(subject);
            let current = v.get_subject(&caller, &lookup)?.profile;
            let mut patch = Map::new();
            for (key, value) in &form {
                let (Some(field), Some(text)) = (key.strip_prefix("f."), value.as_str()) else { continue };
                // Only the text fields the form showed; unchanged ones are not sent.
                if current.get(field).and_then(Value::as_str).is_some_and(|old| old != text) {
                    patch.insert(field.to_string(), text.into());
                }
            }
            if patch.is_empty() {
                return Ok(());
            }
            if as_request {
                let spec = json!({"kind": "rectify", "verified": true, "patch": Value::Object(patch)});
                v.create_request(&caller, &lookup, Some(spec)).map(drop)
            } else {
                v.update_subject(&caller, &lookup, Value::Object(patch)).map(drop)
            }
        })
        .await;
    match done {
        Ok(()) => redirect("/portal/"),
        Err(e) => message(e.status(), "Not saved", "The change was refused: check the values and try again."),
    }
}

/// `GET /portal/history`: the subject's audit events with the before and after of changes.
pub async fn history(state: State, headers: HeaderMap) -> Response {
    if let Err(r) = portal(&state) {
        return r;
    }
    let subject = step!(subject_of(&state, &headers).await);
    let page = state
        .call(move |v| v.list_audit_events(&subject_caller(), Some(&subject), &PageRequest::first(100), true))
        .await;
    let page = match page {
        Ok(p) => p,
        Err(e) => return message(e.status(), "Something went wrong", "Please try again in a moment."),
    };
    let pretty =
        |v: Option<&Value>| v.filter(|v| !v.is_null()).map(|v| serde_json::to_string_pretty(v).unwrap_or_default());
    let events = page
        .items
        .iter()
        .map(|e| EventRow {
            action: e.action.clone(),
            when: format!("{} {}", day(e.time_ms), clock(e.time_ms)),
            actor: e.actor.clone(),
            purpose: e.purpose.clone(),
            before: pretty(e.details.as_ref().and_then(|d| d.get("before"))),
            after: pretty(e.details.as_ref().and_then(|d| d.get("after"))),
        })
        .collect();
    html(StatusCode::OK, HistoryPage { events }, &[])
}

/// `HH:MM:SS` (UTC) of a time in milliseconds.
fn clock(ms: i64) -> String {
    let s = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02} UTC", s / 3600, s % 3600 / 60, s % 60)
}

/// `POST /portal/export`: a single-use download link for this subject, valid two minutes.
pub async fn export_link(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    step!(checked_form(p, &headers, body));
    let subject = step!(subject_of(&state, &headers).await);
    let Ok(link) = super::otp::random_id() else {
        return message(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "Please try again.");
    };
    p.add_export(link.clone(), subject);
    html(StatusCode::OK, ExportPage { link }, &[])
}

/// `GET /portal/export/{link}`: the export as a JSON file, once, to the subject that asked.
pub async fn export_download(state: State, headers: HeaderMap, Path(link): Path<String>) -> Response {
    let p = step!(portal(&state));
    let subject = step!(subject_of(&state, &headers).await);
    if !p.take_export(&link, &subject) {
        return message(
            StatusCode::NOT_FOUND,
            "Link expired",
            "This download link was used or has expired. Ask for a new one.",
        );
    }
    let export = state.call(move |v| v.export_subject(&subject_caller(), &Lookup::token(subject))).await;
    match export {
        Ok(doc) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"my-data.json\""),
            ],
            serde_json::to_string_pretty(&doc).unwrap_or_default(),
        )
            .into_response(),
        Err(e) => message(e.status(), "Something went wrong", "Please try again in a moment."),
    }
}

/// `POST /portal/forget`: an erasure request (verified: the subject proved the address).
pub async fn forget(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    step!(checked_form(p, &headers, body));
    let subject = step!(subject_of(&state, &headers).await);
    let Some(delay) = p.forget_delay_ms else {
        let made = state
            .call(move |v| {
                v.create_request(
                    &subject_caller(),
                    &Lookup::token(subject),
                    Some(json!({"kind": "erase", "verified": true})),
                )
            })
            .await;
        return match made {
            Ok(_) => redirect("/portal/"),
            Err(e) => message(e.status(), "Not sent", "Your request could not be filed. Please try again."),
        };
    };
    // The erasure after a delay, with a way back: the portal's button, and the capability link
    // e-mailed to the person (Databunker's /v1/exp/retain/{exptoken}).
    let scheduled = state
        .call(move |v| {
            let caller = subject_caller();
            let lookup = Lookup::token(subject);
            let address =
                v.get_subject(&caller, &lookup)?.profile.get("email").and_then(Value::as_str).map(str::to_string);
            let scheduled = v.schedule_erasure(&caller, &lookup, Some(json!({"ttl_ms": delay})))?;
            Ok((scheduled, address))
        })
        .await;
    match scheduled {
        Ok((scheduled, address)) => {
            if let (Some(address), Some(base)) = (address, &p.public_url) {
                let link = format!("{}/v1/exp/retain/{}", base.trim_end_matches('/'), scheduled.capability);
                let text = format!(
                    "You asked us to erase your data. It will be erased on {}.\n\nChanged your mind? Open this link \
                     before then to keep your data:\n{link}\n",
                    day(scheduled.due_ms)
                );
                let sender = p.sender.clone();
                let id = format!("<erasure.{}@bunkerlite-server>", super::otp::random_id().unwrap_or_default());
                tokio::spawn(async move {
                    if sender.send_notice(&address, "Your data will be erased", &text, &id).await.is_err() {
                        tracing::warn!("an erasure notice could not be delivered");
                    }
                });
            }
            redirect("/portal/")
        }
        Err(e) => message(e.status(), "Not scheduled", "The erasure could not be scheduled. Please try again."),
    }
}

/// `POST /portal/forget/cancel`: keep the data after all.
pub async fn forget_cancel(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    step!(checked_form(p, &headers, body));
    let subject = step!(subject_of(&state, &headers).await);
    match state.call(move |v| v.cancel_erasure(&subject_caller(), &Lookup::token(subject))).await {
        Ok(_) => redirect("/portal/"),
        Err(e) => message(e.status(), "Not cancelled", "The erasure could not be cancelled. Please try again."),
    }
}

/// `POST /portal/request/{id}/cancel`: the subject withdraws their own open request.
pub async fn cancel_request(state: State, headers: HeaderMap, Path(id): Path<String>, body: Body) -> Response {
    let p = step!(portal(&state));
    step!(checked_form(p, &headers, body));
    let subject = step!(subject_of(&state, &headers).await);
    let done = state
        .call(move |v| {
            let caller = subject_caller();
            // Only the subject's own request: another's is refused as if it did not exist.
            if v.get_request(&caller, &id)?.request.subject != subject {
                return Err(bunkerlite::Error::new(bunkerlite::ErrorKind::NotFound, "no such request"));
            }
            v.revoke_request(&caller, &id)
        })
        .await;
    match done {
        Ok(_) => redirect("/portal/"),
        Err(e) => message(e.status(), "Not cancelled", "That request cannot be cancelled (it may be decided already)."),
    }
}

/// `GET /portal/receipt`: the subject's consent receipt (Kantara / ISO/IEC TS 27560, with the
/// vault's MAC) as a JSON file.
pub async fn receipt(state: State, headers: HeaderMap) -> Response {
    if let Err(r) = portal(&state) {
        return r;
    }
    let subject = step!(subject_of(&state, &headers).await);
    let made = state.call(move |v| v.export_consent_receipt(&subject_caller(), &Lookup::token(subject))).await;
    match made {
        Ok(receipt) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"consent-receipt.json\""),
            ],
            serde_json::to_string_pretty(&receipt).unwrap_or_default(),
        )
            .into_response(),
        Err(e) => message(e.status(), "Something went wrong", "Please try again in a moment."),
    }
}

impl Portal {
    fn add_export(&self, link: String, subject: String) {
        let mut links = self.exports.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        links.retain(|_, (_, expires)| *expires > now);
        links.insert(link, (subject, now + EXPORT_LINK_TTL));
    }

    /// Consumes the link when it is live and the subject's.
    fn take_export(&self, link: &str, subject: &str) -> bool {
        let mut links = self.exports.lock().unwrap_or_else(|p| p.into_inner());
        match links.remove(link) {
            Some((owner, expires)) if owner == subject && expires > Instant::now() => true,
            Some(other) if other.0 != subject => {
                // Another subject's link is not consumed by someone else's try.
                links.insert(link.to_string(), other);
                false
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn clock_is_utc_time_of_day() {
        assert_eq!(clock(0), "00:00:00 UTC");
        assert_eq!(clock(1_796_700_232_554), "03:23:52 UTC");
    }
}
