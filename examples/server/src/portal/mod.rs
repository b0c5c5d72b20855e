//! The privacy portal for the people whose data it is: passwordless login with a one-time code
//! (see `otp.rs` for the rules), then their profile, their consents (give / withdraw) and their
//! requests; logout revokes the server-side session. Pages are askama templates (compile-time
//! checked, every value escaped), one stylesheet, no script; every form carries a CSRF token
//! bound to a `__Host-` cookie; cookies are `Secure`, `HttpOnly`, `SameSite=Strict`.
//!
//! A portal login is a vault session linked to the subject (only a keyed hash of its id is
//! stored, its data sealed under the subject's key, erased with the subject).

/// `let x = step!(expr);`: a handler's step that either gives a value or is the whole answer
/// (a redirect to the login page, a refusal), returned at once.
macro_rules! step {
    ($e:expr) => {
        match $e {
            Ok(value) => value,
            Err(response) => return response,
        }
    };
}

mod account;
mod console;
pub mod mail;
pub mod otp;
pub mod sms;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use askama::Template;
use axum::extract::{ConnectInfo, Path};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use bunkerlite::{Caller, ErrorKind, Lookup};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::api::reply::ApiError;
use crate::api::{AppState, Body, State};

const ATTEMPT: &str = "__Host-bl_attempt";
const SESSION: &str = "__Host-bl_session";
const CSRF: &str = "__Host-bl_csrf";
const STYLESHEET: &str = include_str!("../../static/portal.css");
/// The portal's pages load only their own stylesheet; forms post only to the portal.
const PAGE_CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The portal's state.
pub struct Portal {
    logins: otp::Logins,
    sender: mail::Sender,
    sms: Option<Arc<sms::Gateway>>,
    csrf_key: Zeroizing<[u8; 32]>,
    session_ttl_ms: i64,
    digits: u32,
    edit_as_request: bool,
    /// "Forget me" schedules the erasure this far ahead (`None`: files an erasure request).
    forget_delay_ms: Option<i64>,
    public_url: Option<String>,
    /// Single-use download links: link → (subject, expiry).
    exports: Mutex<HashMap<String, (String, Instant)>>,
    /// Operator console logins: session id → expiry.
    operators: Mutex<HashMap<String, Instant>>,
}

impl Portal {
    /// From the configuration.
    pub fn new(config: &crate::config::Config) -> Result<Portal, String> {
        let mut csrf_key = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut csrf_key[..]).map_err(|_| "the operating system's random source failed".to_string())?;
        Ok(Portal {
            logins: otp::Logins::new(config.portal.code_digits, config.portal.logins_per_client_per_hour)?,
            sender: mail::Sender::from_config(&config.mail)?,
            sms: sms::Gateway::from_config(&config.sms)?.map(Arc::new),
            csrf_key,
            session_ttl_ms: crate::expiration::parse_ttl(&config.portal.session_ttl)?,
            digits: config.portal.code_digits,
            edit_as_request: config.portal.profile_edit == "request",
            forget_delay_ms: match config.portal.forget.as_str() {
                "request" => None,
                delay => Some(crate::expiration::parse_ttl(delay)?),
            },
            public_url: config.portal.public_url.clone(),
            exports: Mutex::new(HashMap::new()),
            operators: Mutex::new(HashMap::new()),
        })
    }

    fn csrf_token(&self, cookie: &str) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.csrf_key[..]).expect("any key length");
        mac.update(b"csrf\0");
        mac.update(cookie.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// The portal's routes, under `/portal`, and the operator console's, under `/console`.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/portal", get(|| async { redirect("/portal/") }))
        .route("/portal/", get(home))
        .route("/portal/login", get(login_page).post(login))
        .route("/portal/code", post(code))
        .route("/portal/logout", post(logout))
        .route("/portal/consent/{brief}", post(consent))
        .route("/portal/profile", get(account::profile_page).post(account::profile_save))
        .route("/portal/history", get(account::history))
        .route("/portal/export", post(account::export_link))
        .route("/portal/export/{link}", get(account::export_download))
        .route("/portal/forget", post(account::forget))
        .route("/portal/request/{id}/cancel", post(account::cancel_request))
        .route("/portal/receipt", get(account::receipt))
        .route("/portal/forget/cancel", post(account::forget_cancel))
        .route("/console", get(|| async { redirect("/console/") }))
        .route("/console/", get(console::queue))
        .route("/console/login", get(console::login_page).post(console::login))
        .route("/console/logout", post(console::logout))
        .route("/console/request/{id}/{decision}", post(console::decide))
        .route("/console/subject", get(console::subject_page).post(console::subject_lookup))
        .route("/console/audit", get(console::audit).post(console::audit_verify))
        .route("/console/bases", get(console::bases).post(console::basis_save))
        .route("/console/activities", get(console::activities).post(console::activity_save))
        .route("/console/bulk", post(console::bulk_unlock))
        .route("/portal/static/portal.css", get(stylesheet))
        // Browsers ask for it on every first visit; there is none.
        .route("/v1/prelogin/{mode}/{identity}/{code}/{captcha}", get(api_prelogin))
        .route("/v1/login/{mode}/{identity}/{code}", get(api_login))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    csrf: &'a str,
    message: Option<&'a str>,
    phone_login: bool,
}

#[derive(Template)]
#[template(path = "code.html")]
struct CodePage<'a> {
    csrf: &'a str,
    digits: u32,
    minutes: u64,
    message: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    heading: &'a str,
    text: &'a str,
}

struct ConsentRow {
    brief: String,
    title: String,
    description: String,
    state: String,
    in_force: bool,
    user_control: bool,
}

struct RequestRow {
    id: String,
    kind: String,
    state: String,
    due: String,
    days_left: i64,
    denial: Option<String>,
    open: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    csrf: String,
    profile: Vec<(String, String)>,
    consents: Vec<ConsentRow>,
    requests: Vec<RequestRow>,
    apps: Vec<(String, Vec<(String, String)>)>,
    /// The day a scheduled erasure is due.
    erasure_due: Option<String>,
}

fn portal(state: &AppState) -> Result<&Portal, Response> {
    state.portal.as_ref().ok_or_else(|| StatusCode::NOT_FOUND.into_response())
}

fn html(status: StatusCode, page: impl Template, cookies: &[String]) -> Response {
    let body = match page.render() {
        Ok(body) => body,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    // `no-referrer` would make the browser send `Origin: null` with the page's forms.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    with_cookies(response, cookies)
}

/// `response` with a `Set-Cookie` for each of `cookies` (made by [`cookie`]).
fn with_cookies(mut response: Response, cookies: &[String]) -> Response {
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

fn message(status: StatusCode, heading: &str, text: &str) -> Response {
    html(status, MessagePage { heading, text }, &[])
}

fn redirect(to: &'static str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}

fn redirect_with(to: &'static str, cookies: &[String]) -> Response {
    with_cookies(redirect(to), cookies)
}

/// `name=value` with the attributes every portal cookie has.
fn cookie(name: &str, value: &str, max_age_s: i64) -> String {
    format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={max_age_s}")
}

fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| {
            *k == name
                && !v.is_empty()
                && v.len() <= 128
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(|(_, v)| v.to_string())
}

/// The CSRF cookie (a new one when absent, with its `Set-Cookie`) and the form token for it.
fn csrf_pair(p: &Portal, headers: &HeaderMap) -> (String, Option<String>) {
    match read_cookie(headers, CSRF) {
        Some(c) => (p.csrf_token(&c), None),
        None => {
            let c = otp::random_id().unwrap_or_default();
            (p.csrf_token(&c), Some(cookie(CSRF, &c, 86_400)))
        }
    }
}

/// A form post is the portal's own: the CSRF cookie's token matches the form's, and the browser
/// (when it says) sent it from the same origin.
fn check_form(p: &Portal, headers: &HeaderMap, form: &serde_json::Map<String, Value>) -> Result<(), Response> {
    let refuse = || {
        message(
            StatusCode::FORBIDDEN,
            "Refused",
            "This form expired or did not come from this site. Go back, reload the page and try again.",
        )
    };
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" && site != "none" {
            return Err(refuse());
        }
    }
    if let (Some(origin), Some(host)) = (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        let origin = origin.to_str().unwrap_or("");
        let host = host.to_str().unwrap_or("");
        let same = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")) == Some(host);
        if !same {
            return Err(refuse());
        }
    }
    let Some(cookie) = read_cookie(headers, CSRF) else { return Err(refuse()) };
    let expected = p.csrf_token(&cookie);
    let given = form.get("csrf").and_then(Value::as_str).unwrap_or("");
    if bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        Ok(())
    } else {
        Err(refuse())
    }
}

fn form(body: Body) -> Result<serde_json::Map<String, Value>, Response> {
    body.object(true).map_err(|_| message(StatusCode::BAD_REQUEST, "Refused", "The form could not be read."))
}

/// A posted form, read and checked as the portal's own (see [`check_form`]).
fn checked_form(p: &Portal, headers: &HeaderMap, body: Body) -> Result<serde_json::Map<String, Value>, Response> {
    let form = form(body)?;
    check_form(p, headers, &form)?;
    Ok(form)
}

async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLESHEET)
        .into_response()
}

async fn login_page(state: State, headers: HeaderMap) -> Response {
    let p = step!(portal(&state));
    let (csrf, set) = csrf_pair(p, &headers);
    let page = LoginPage { csrf: &csrf, message: None, phone_login: p.sms.is_some() };
    html(StatusCode::OK, page, &set.into_iter().collect::<Vec<_>>())
}

/// Starts a login: known and unknown addresses get the same page, status and work (a lookup and
/// an attempt); only a known one is sent a code, in the background.
async fn login(state: State, ConnectInfo(peer): ConnectInfo<SocketAddr>, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    let form = step!(checked_form(p, &headers, body));
    let identity = form.get("identity").and_then(Value::as_str).unwrap_or("").trim().to_lowercase();
    let (csrf, _) = csrf_pair(p, &headers);
    if identity.is_empty() || identity.len() > 254 {
        let page = LoginPage { csrf: &csrf, message: Some("Enter your e-mail address."), phone_login: p.sms.is_some() };
        return html(StatusCode::BAD_REQUEST, page, &[]);
    }
    match begin(&state, p, &identity, peer.ip()).await {
        Err(Begin::Failed(e)) => message(e.status(), "Something went wrong", "Please try again in a moment."),
        Err(Begin::Limited) => message(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many tries",
            "Too many codes were asked for. Wait a few minutes, then ask for a new code.",
        ),
        Ok(attempt) => {
            let page = CodePage { csrf: &csrf, digits: p.digits, minutes: otp::CODE_TTL.as_secs() / 60, message: None };
            html(StatusCode::OK, page, &[cookie(ATTEMPT, &attempt, otp::CODE_TTL.as_secs() as i64)])
        }
    }
}

/// Finishes a login: the code for this browser's attempt, once.
async fn code(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    let form = step!(checked_form(p, &headers, body));
    let (csrf, _) = csrf_pair(p, &headers);
    let entered = form.get("code").and_then(Value::as_str).unwrap_or("");
    let attempt = read_cookie(&headers, ATTEMPT).unwrap_or_default();
    let subject = match p.logins.finish(&attempt, entered, Instant::now()) {
        Ok(subject) => subject,
        Err(_) => {
            let text = "That code is not valid. Check the latest message we sent, or ask for a new code.";
            let page =
                CodePage { csrf: &csrf, digits: p.digits, minutes: otp::CODE_TTL.as_secs() / 60, message: Some(text) };
            return html(StatusCode::BAD_REQUEST, page, &[]);
        }
    };
    let ttl = p.session_ttl_ms;
    let made = open_session(&state, p, subject).await;
    match made {
        Ok(info) => redirect_with("/portal/", &[cookie(SESSION, &info.id, ttl / 1000), cookie(ATTEMPT, "gone", 0)]),
        Err(e) => message(e.status(), "Something went wrong", "Please log in again."),
    }
}

/// Why a login could not start.
enum Begin {
    /// A rate limit (the same for known and unknown identities).
    Limited,
    /// The vault failed.
    Failed(ApiError),
}

/// The first step of a login, for the page and the API alike: look the address up, start an
/// attempt, send the code in the background when the address is known. Returns the attempt id.
async fn begin(state: &AppState, p: &Portal, identity: &str, client: std::net::IpAddr) -> Result<String, Begin> {
    // An address with `@` is an e-mail; anything else is a phone number, when SMS is configured.
    let by_phone = !identity.contains('@') && p.sms.is_some();
    let lookup = if by_phone { Lookup::phone(identity) } else { Lookup::email(identity) };
    let field = if by_phone { "phone" } else { "email" };
    let found = state
        .call(move |v| {
            let caller = Caller::new("portal:login").expect("a valid actor");
            match v.get_subject(&caller, &lookup) {
                Ok(s) => Ok(Some((s.token, s.profile.get(field).and_then(Value::as_str).map(str::to_string)))),
                Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Erased | ErrorKind::InvalidInput) => {
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        })
        .await
        .map_err(Begin::Failed)?;
    let (subject, address) = match found {
        // A number as the gateway wants it: `+` and digits (profiles keep it as typed).
        Some((token, Some(address))) if by_phone => {
            (Some(token), Some(address.chars().filter(|c| *c == '+' || c.is_ascii_digit()).collect()))
        }
        Some((token, Some(address))) => (Some(token), Some(address)),
        _ => (None, None),
    };
    let issued = p.logins.start(identity, client, subject, Instant::now()).map_err(|_| Begin::Limited)?;
    if let (Some((code, _)), Some(address)) = (issued.delivery, address) {
        match (&p.sms, by_phone) {
            (Some(sms), true) => sms.send_code(address, code, otp::CODE_TTL.as_secs() / 60),
            _ => p.sender.send_code(address, code, otp::CODE_TTL.as_secs() / 60),
        }
    }
    Ok(issued.attempt)
}

/// A portal login for `subject`: a vault session linked to it.
async fn open_session(state: &AppState, p: &Portal, subject: String) -> Result<bunkerlite::SessionInfo, ApiError> {
    let ttl = p.session_ttl_ms;
    state
        .call(move |v| {
            let caller = Caller::new("subject:portal").expect("a valid actor");
            v.set_session(&caller, json!({"portal": true}), Some(json!({"subject": subject, "ttl_ms": ttl})))
        })
        .await
}

/// `GET /v1/prelogin/{mode}/{identity}/{code}/{captcha}` (Databunker's login API): starts a
/// login for an e-mail address; the same answer for every address. The attempt is bound to the
/// `__Host-` cookie this answer sets, which `/v1/login` needs. Databunker's captcha segments are
/// accepted and ignored: the rate limits stand in for them.
async fn api_prelogin(
    state: State,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((mode, identity, _code, _captcha)): Path<(String, String, String, String)>,
) -> Response {
    let p = step!(portal(&state));
    let phone_ok = mode == "phone" && p.sms.is_some();
    if mode != "email" && !phone_ok {
        return ApiError::bad_request("logins are by e-mail (mode email), or phone when SMS is configured")
            .into_response();
    }
    if mode == "email" && !identity.contains('@') {
        return ApiError::bad_request("identity must be an e-mail address").into_response();
    }
    let identity = identity.trim().to_lowercase();
    if identity.is_empty() || identity.len() > 254 {
        return ApiError::bad_request("identity must be an e-mail address").into_response();
    }
    match begin(&state, p, &identity, peer.ip()).await {
        Ok(attempt) => {
            let response = axum::Json(json!({"status": "ok", "result": "code-sent-if-known"})).into_response();
            with_cookies(response, &[cookie(ATTEMPT, &attempt, otp::CODE_TTL.as_secs() as i64)])
        }
        Err(Begin::Limited) => {
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too many login attempts; wait").into_response()
        }
        Err(Begin::Failed(e)) => e.into_response(),
    }
}

/// `GET /v1/login/{mode}/{identity}/{code}`: the code of this client's attempt, once → the login
/// token (`xtoken`, usable as `X-Bunker-Token` for the subject's own record) and the subject token.
async fn api_login(
    state: State,
    headers: HeaderMap,
    Path((_mode, _identity, code)): Path<(String, String, String)>,
) -> Response {
    let p = step!(portal(&state));
    let attempt = read_cookie(&headers, ATTEMPT).unwrap_or_default();
    let Ok(subject) = p.logins.finish(&attempt, &code, Instant::now()) else {
        return ApiError::new(StatusCode::FORBIDDEN, "login failed").into_response();
    };
    match open_session(&state, p, subject.clone()).await {
        Ok(info) => {
            let response = axum::Json(json!({"status": "ok", "xtoken": info.id, "token": subject})).into_response();
            with_cookies(response, &[cookie(ATTEMPT, "gone", 0)])
        }
        Err(e) => e.into_response(),
    }
}

/// The logged-in subject, or the response that sends the browser to the login page.
async fn subject_of(state: &AppState, headers: &HeaderMap) -> Result<String, Response> {
    match logged_in(state, headers).await? {
        Some((_, subject)) => Ok(subject),
        None => Err(redirect("/portal/login")),
    }
}

/// The subject of this browser's portal login, if it is live.
async fn logged_in(state: &AppState, headers: &HeaderMap) -> Result<Option<(String, String)>, Response> {
    let Some(id) = read_cookie(headers, SESSION) else { return Ok(None) };
    let sid = id.clone();
    let session = state
        .call(move |v| {
            let caller = Caller::new("subject:portal").expect("a valid actor");
            match v.get_session(&caller, &sid) {
                Ok(s) => Ok(Some(s)),
                Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Expired | ErrorKind::InvalidInput) => {
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        })
        .await
        .map_err(|e| message(e.status(), "Something went wrong", "Please try again in a moment."))?;
    Ok(session.and_then(|s| match (s.data.get("portal"), s.subject) {
        (Some(Value::Bool(true)), Some(subject)) => Some((id, subject)),
        _ => None,
    }))
}

async fn home(state: State, headers: HeaderMap) -> Response {
    let p = step!(portal(&state));
    let subject = step!(subject_of(&state, &headers).await);
    let (csrf, set) = csrf_pair(p, &headers);
    let data = state
        .call(move |v| {
            let caller = Caller::new("subject:portal").expect("a valid actor");
            let lookup = Lookup::token(&subject);
            let profile = v.get_subject(&caller, &lookup)?.profile;
            let bases = v.list_legal_bases()?;
            let agreements = v.list_consents(&caller, &lookup)?;
            let requests =
                v.list_requests(&caller, Some(json!({"subject": subject})), &bunkerlite::PageRequest::first(50))?;
            let mut details = Vec::new();
            for r in requests.items {
                let denial = if r.state == "denied" { v.get_request(&caller, &r.id)?.denial_reason } else { None };
                details.push((r, denial));
            }
            let mut apps = Vec::new();
            for app in v.list_apps(&caller, &lookup)? {
                let document = v.get_app_document(&caller, &lookup, &app)?.document;
                apps.push((app, document));
            }
            let schedule = v.get_erasure_schedule(&caller, &lookup)?;
            Ok((profile, bases, agreements, details, apps, schedule))
        })
        .await;
    let (profile, bases, agreements, requests, apps, schedule) = match data {
        Ok(d) => d,
        Err(e) if e.status() == StatusCode::GONE || e.status() == StatusCode::NOT_FOUND => {
            return redirect_with("/portal/login", &[cookie(SESSION, "gone", 0)])
        }
        Err(e) => return message(e.status(), "Something went wrong", "Please try again in a moment."),
    };
    let mut rows = Vec::new();
    flatten("", &profile, &mut rows);
    let consents = bases
        .iter()
        .filter(|b| b.status == bunkerlite::BasisStatus::Active)
        .map(|b| {
            let a = agreements.iter().find(|a| a.legal_basis == b.brief);
            ConsentRow {
                brief: b.brief.clone(),
                title: if b.short_description.is_empty() { b.brief.clone() } else { b.short_description.clone() },
                description: b.full_description.clone(),
                state: a.map_or("not decided".to_string(), |a| {
                    serde_json::to_value(a.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
                }),
                in_force: a.is_some_and(|a| a.in_force),
                user_control: b.user_control,
            }
        })
        .collect();
    let now = crate::expiration::now_ms();
    let requests = requests
        .into_iter()
        .map(|(r, denial)| RequestRow {
            open: r.state == "open" || r.state == "in_progress",
            days_left: (r.due_ms - now).max(0) / 86_400_000,
            due: day(r.due_ms),
            kind: r.kind.replace('_', " "),
            state: r.state.replace('_', " "),
            id: r.id,
            denial,
        })
        .collect();
    let apps = apps
        .into_iter()
        .map(|(name, document)| {
            let mut rows = Vec::new();
            flatten("", &document, &mut rows);
            (name, rows)
        })
        .collect();
    let erasure_due = schedule.scheduled.then(|| schedule.due_ms.map(day)).flatten();
    let page = HomePage { csrf, profile: rows, consents, requests, apps, erasure_due };
    html(StatusCode::OK, page, &set.into_iter().collect::<Vec<_>>())
}

/// `YYYY-MM-DD` of a time in milliseconds (UTC).
pub(crate) fn day(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A profile as `path → value` rows (nested objects as `address.city`).
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&path, v, out);
            }
        }
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

async fn logout(state: State, headers: HeaderMap, body: Body) -> Response {
    let p = step!(portal(&state));
    step!(checked_form(p, &headers, body));
    if let Some(id) = read_cookie(&headers, SESSION) {
        let _ = state
            .call(move |v| {
                let caller = Caller::new("subject:portal").expect("a valid actor");
                v.delete_session(&caller, &id)
            })
            .await;
    }
    redirect_with("/portal/login", &[cookie(SESSION, "gone", 0)])
}

/// Give or withdraw consent under a basis the subject controls.
async fn consent(state: State, headers: HeaderMap, Path(brief): Path<String>, body: Body) -> Response {
    let p = step!(portal(&state));
    let form = step!(checked_form(p, &headers, body));
    let subject = step!(subject_of(&state, &headers).await);
    let give = match form.get("action").and_then(Value::as_str) {
        Some("give") => true,
        Some("withdraw") => false,
        _ => return message(StatusCode::BAD_REQUEST, "Refused", "Unknown action."),
    };
    let done = state
        .call(move |v| {
            if !v.get_legal_basis(&brief)?.user_control {
                return Err(bunkerlite::Error::new(
                    ErrorKind::InvalidInput,
                    "this legal basis is not under the subject's control",
                ));
            }
            let caller = Caller::new("subject:portal").expect("a valid actor");
            let lookup = Lookup::token(subject);
            let options = Some(json!({"method": "portal", "channel": "web"}));
            if give {
                v.give_consent(&caller, &lookup, &brief, options)
            } else {
                v.withdraw_consent(&caller, &lookup, &brief, options)
            }
        })
        .await;
    match done {
        Ok(_) => redirect("/portal/"),
        Err(e) => message(e.status(), "Refused", "That consent cannot be changed here."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_civil_dates() {
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(951_782_400_000), "2000-02-29");
        assert_eq!(day(1_796_688_000_000), "2026-12-08");
    }

    #[test]
    fn cookies_are_read_strictly() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; __Host-bl_session=abc123; x=<y>"));
        assert_eq!(read_cookie(&h, SESSION).as_deref(), Some("abc123"));
        assert_eq!(read_cookie(&h, "x"), None, "only base64url values");
        assert!(cookie(SESSION, "v", 60).contains("Secure; HttpOnly; SameSite=Strict"));
    }

    #[test]
    fn profiles_flatten_to_rows() {
        let mut rows = Vec::new();
        flatten("", &json!({"name": "Ann", "address": {"city": "X"}, "age": 3}), &mut rows);
        assert_eq!(
            rows,
            vec![("name".into(), "Ann".into()), ("address.city".into(), "X".into()), ("age".into(), "3".into())]
        );
    }
}
