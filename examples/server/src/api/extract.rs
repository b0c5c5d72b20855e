//! What handlers read from a request: who calls (the root token), the body (JSON or form), the
//! subject named by `{mode}/{identity}` and Databunker's `offset`/`limit` paging.

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::StatusCode;
use bunkerlite::{Caller, ErrorKind, Lookup, Page, PageRequest};
use serde::Deserialize;
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use super::reply::ApiError;
use super::AppState;

/// The actor the root token acts as in the audit log.
pub const ROOT_ACTOR: &str = "operator:root";

/// The root caller: the root token was presented (`X-Bunker-Token`), optionally with the purpose
/// of the processing (`X-Bunker-Purpose`, recorded in the audit log and checked against consent
/// by the vault). Anything else is 403.
pub struct Root {
    /// The vault caller.
    pub caller: Caller,
}

fn presented(parts: &Parts) -> &str {
    parts.headers.get("x-bunker-token").and_then(|v| v.to_str().ok()).unwrap_or("")
}

fn with_purpose(parts: &Parts, caller: Caller) -> Result<Caller, ApiError> {
    match parts.headers.get("x-bunker-purpose") {
        None => Ok(caller),
        Some(v) => {
            let purpose = v.to_str().map_err(|_| ApiError::bad_request("X-Bunker-Purpose must be ASCII"))?;
            caller.with_purpose(purpose).map_err(ApiError::from)
        }
    }
}

impl FromRequestParts<Arc<AppState>> for Root {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Root, ApiError> {
        let token = presented(parts);
        if token.is_empty() || token.len() > 256 || !state.root.matches(token) {
            return Err(ApiError::forbidden());
        }
        let caller = with_purpose(parts, Caller::new(ROOT_ACTOR).expect("a valid actor"))?;
        Ok(Root { caller })
    }
}

/// The actor a subject acts as through the API with their login token.
pub const OWNER_ACTOR: &str = "subject:api";

/// The root, or a subject with the login token of their portal login (Databunker's "xtoken"),
/// who may reach only their own record: [`Auth::own`] turns a lookup into theirs or a 403.
pub struct Auth {
    /// The vault caller.
    pub caller: Caller,
    /// The subject's token when a subject (not the root) calls.
    pub owner: Option<String>,
}

impl FromRequestParts<Arc<AppState>> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Auth, ApiError> {
        let token = presented(parts).to_string();
        if !token.is_empty() && token.len() <= 256 && state.root.matches(&token) {
            let caller = with_purpose(parts, Caller::new(ROOT_ACTOR).expect("a valid actor"))?;
            return Ok(Auth { caller, owner: None });
        }
        // A portal login's session id: 43 characters of base64url.
        if token.len() != 43 || !token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(ApiError::forbidden());
        }
        let owner = state
            .call(move |v| {
                let caller = Caller::new("subject:portal").expect("a valid actor");
                match v.get_session(&caller, &token) {
                    Ok(s) if s.data.get("portal") == Some(&Value::Bool(true)) => Ok(s.subject),
                    Ok(_) => Ok(None),
                    Err(e)
                        if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Expired | ErrorKind::InvalidInput) =>
                    {
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            })
            .await?
            .ok_or_else(ApiError::forbidden)?;
        let caller = with_purpose(parts, Caller::new(OWNER_ACTOR).expect("a valid actor"))?;
        Ok(Auth { caller, owner: Some(owner) })
    }
}

impl Auth {
    /// The lookup to use: the root's as given; a subject's only when it names that subject (by
    /// token, or by the e-mail, phone or login their own profile holds) — anything else is 403,
    /// without reading any other subject's record.
    pub async fn own(&self, state: &AppState, lookup: Lookup) -> Result<Lookup, ApiError> {
        let Some(owner) = &self.owner else { return Ok(lookup) };
        let mine = match &lookup {
            Lookup::Token(t) => bool::from(t.as_bytes().ct_eq(owner.as_bytes())),
            Lookup::Field { field, value } => {
                let (caller, own, field, value) = (self.caller.clone(), owner.clone(), field.clone(), value.clone());
                let profile = state.call(move |v| Ok(v.get_subject(&caller, &Lookup::token(own))?.profile)).await?;
                profile.get(&field).and_then(Value::as_str).is_some_and(|held| same_identity(&field, held, &value))
            }
        };
        if mine {
            Ok(Lookup::token(owner))
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// Whether a subject (not the root) calls.
    pub fn is_owner(&self) -> bool {
        self.owner.is_some()
    }

    /// For routes whose object is not a subject lookup (a session, a request, an event): the
    /// subject it belongs to must be the caller's, unless the root calls.
    pub fn may_see(&self, subject: Option<&str>) -> Result<(), ApiError> {
        match (&self.owner, subject) {
            (None, _) => Ok(()),
            (Some(owner), Some(s)) if bool::from(owner.as_bytes().ct_eq(s.as_bytes())) => Ok(()),
            _ => Err(ApiError::forbidden()),
        }
    }
}

/// An identity value as the subject typed it against the one their profile holds: e-mails and
/// logins without case, phones by their digits.
fn same_identity(field: &str, held: &str, given: &str) -> bool {
    match field {
        "phone" => {
            let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
            !digits(held).is_empty() && digits(held) == digits(given)
        }
        _ => held.trim().to_lowercase() == given.trim().to_lowercase(),
    }
}

/// A request body: a JSON value (`application/json`), or a form (`application/x-www-form-urlencoded`)
/// as an object of strings. An empty body is `Null`; any other content type is 415.
pub struct Body(pub Value);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Body, ApiError> {
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "the request body is larger than the server accepts")
            } else {
                ApiError::bad_request("the request body could not be read")
            }
        })?;
        if bytes.is_empty() {
            return Ok(Body(Value::Null));
        }
        match content_type.as_deref() {
            Some("application/json") => serde_json::from_slice(&bytes)
                .map(Body)
                .map_err(|_| ApiError::bad_request("the body is not valid JSON")),
            Some("application/x-www-form-urlencoded") => {
                let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
                    .map_err(|_| ApiError::bad_request("the body is not a valid form"))?;
                let mut map = Map::new();
                for (k, v) in pairs {
                    if map.insert(k, Value::String(v)).is_some() {
                        return Err(ApiError::bad_request("a form field is given twice"));
                    }
                }
                Ok(Body(Value::Object(map)))
            }
            _ => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the body must be application/json or application/x-www-form-urlencoded",
            )),
        }
    }
}

impl Body {
    /// The body as any JSON value (a merge patch object or a JSON Patch array); required.
    pub fn value(self) -> Result<Value, ApiError> {
        match self.0 {
            Value::Null => Err(ApiError::bad_request("the request needs a body")),
            value => Ok(value),
        }
    }

    /// The body as a JSON object; an empty body is `{}` when `empty_ok`.
    pub fn object(self, empty_ok: bool) -> Result<Map<String, Value>, ApiError> {
        match self.0 {
            Value::Object(map) => Ok(map),
            Value::Null if empty_ok => Ok(Map::new()),
            Value::Null => Err(ApiError::bad_request("the request needs a body")),
            _ => Err(ApiError::bad_request("the body must be a JSON object")),
        }
    }
}

/// The `{mode}` of a path: how the subject is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The subject token (a UUID).
    Token,
    /// An identity field: `email`, `phone`, `login` or `custom`.
    Field(&'static str),
}

impl Mode {
    /// Parses a mode name.
    pub fn parse(mode: &str) -> Result<Mode, ApiError> {
        match mode {
            "token" => Ok(Mode::Token),
            "email" => Ok(Mode::Field("email")),
            "phone" => Ok(Mode::Field("phone")),
            "login" => Ok(Mode::Field("login")),
            "custom" => Ok(Mode::Field("custom")),
            _ => Err(ApiError::bad_request("mode must be token, email, phone, login or custom")),
        }
    }

    /// Whether `mode` names a mode.
    pub fn is_mode(mode: &str) -> bool {
        Mode::parse(mode).is_ok()
    }
}

/// The subject named by a path's `{mode}/{identity}`.
pub fn lookup(mode: &str, identity: &str) -> Result<Lookup, ApiError> {
    match Mode::parse(mode)? {
        Mode::Token => {
            uuid::Uuid::try_parse(identity).map_err(|_| ApiError::bad_request("token must be a UUID"))?;
            Ok(Lookup::token(identity))
        }
        Mode::Field(field) => Ok(Lookup::field(field, identity)),
    }
}

/// Databunker's paging: `offset` (default 0, at most 100,000) and `limit` (default 10, capped
/// at 100; 0 — Databunker's "unlimited" — is refused).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paging {
    offset: Option<u64>,
    limit: Option<u64>,
    /// Filters some listings (`/v1/requests?status=…`).
    pub status: Option<String>,
}

const MAX_LIMIT: u64 = 100;
const MAX_OFFSET: u64 = 100_000;

impl Paging {
    fn checked(&self) -> Result<(u64, u64), ApiError> {
        let limit = match self.limit {
            None => 10,
            Some(0) => return Err(ApiError::bad_request("limit must be at least 1 (at most 100 are returned)")),
            Some(l) => l.min(MAX_LIMIT),
        };
        let offset = self.offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(ApiError::bad_request("offset must be at most 100000"));
        }
        Ok((offset, limit))
    }

    /// The window `offset..offset+limit` of a cursor-paged listing: the total and the items.
    /// Runs inside a vault call (it may read several pages).
    pub fn window<T>(
        offset: u64,
        limit: u64,
        mut fetch: impl FnMut(&PageRequest) -> bunkerlite::Result<Page<T>>,
    ) -> bunkerlite::Result<(u64, Vec<T>)> {
        let mut skipped = 0u64;
        let mut cursor = None;
        let mut out = Vec::new();
        loop {
            let want = if skipped < offset { (offset - skipped).min(1000) } else { limit - out.len() as u64 };
            let page = fetch(&PageRequest { limit: Some(want.max(1)), cursor: cursor.take() })?;
            let total = page.total;
            let n = page.items.len() as u64;
            if skipped < offset {
                skipped += n;
            } else {
                out.extend(page.items);
            }
            if page.next.is_none() || n == 0 || out.len() as u64 >= limit {
                return Ok((total, out));
            }
            cursor = page.next;
        }
    }

    /// `offset` and `limit`, checked.
    pub fn bounds(&self) -> Result<(u64, u64), ApiError> {
        self.checked()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(total: u64) -> impl FnMut(&PageRequest) -> bunkerlite::Result<Page<u64>> {
        move |req| {
            let start: u64 = req.cursor.as_deref().map_or(0, |c| c.parse().expect("ours"));
            let end = (start + req.limit.expect("set")).min(total);
            let next = (end < total).then(|| end.to_string());
            Ok(Page { total, items: (start..end).collect(), next })
        }
    }

    #[test]
    fn windows_skip_offset_items_across_pages() {
        assert_eq!(Paging::window(0, 10, listing(25)).expect("ok"), (25, (0..10).collect()));
        assert_eq!(Paging::window(2_500, 3, listing(3_000)).expect("ok"), (3_000, vec![2_500, 2_501, 2_502]));
        assert_eq!(Paging::window(20, 10, listing(25)).expect("ok"), (25, (20..25).collect()));
        assert_eq!(Paging::window(30, 10, listing(25)).expect("ok"), (25, vec![]));
    }

    #[test]
    fn limits_are_capped_and_zero_refused() {
        let p = |offset, limit| Paging { offset, limit, status: None };
        assert_eq!(p(None, None).bounds().expect("ok"), (0, 10));
        assert_eq!(p(Some(5), Some(1_000_000)).bounds().expect("ok"), (5, 100));
        assert!(p(None, Some(0)).bounds().is_err());
        assert!(p(Some(1 << 40), None).bounds().is_err());
    }

    #[test]
    fn modes_and_tokens_are_checked() {
        assert!(lookup("token", "not-a-uuid").is_err());
        assert!(lookup("token", "6f1e2a3b-0c4d-4e5f-8a9b-0c1d2e3f4a5b").is_ok());
        assert!(lookup("nickname", "x").is_err());
        assert!(lookup("email", "a@example.com").is_ok());
    }
}
