//! The API's answers: `{"status":"ok", …}` on success, `{"status":"error","message":…}` with a
//! proper HTTP status on failure. The vault's errors map by kind; their messages carry no personal
//! data (the core's promise), and the storage-side ones are replaced by a generic message.

use std::borrow::Cow;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bunkerlite::ErrorKind;
use serde_json::{Map, Value};

/// A failed request: the status and the message the body carries.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: Cow<'static, str>,
}

impl ApiError {
    /// An error with this status and message (the message must hold no personal data).
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> ApiError {
        ApiError { status, message: message.into() }
    }

    /// 400 with the message.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404 `"not found"`, the exact text Databunker's clients test for.
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not found")
    }

    /// 403 for a missing or wrong token.
    pub fn forbidden() -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "access denied")
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message (the vault's, which holds no personal data, or the server's own).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<bunkerlite::Error> for ApiError {
    fn from(e: bunkerlite::Error) -> ApiError {
        let status = match e.kind() {
            ErrorKind::InvalidInput => StatusCode::BAD_REQUEST,
            ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::NotFound => return ApiError::not_found(),
            ErrorKind::Duplicate => StatusCode::CONFLICT,
            ErrorKind::Erased => StatusCode::GONE,
            ErrorKind::Expired => StatusCode::FORBIDDEN,
            ErrorKind::Exhausted => StatusCode::CONFLICT,
            ErrorKind::ConsentRequired | ErrorKind::BulkLocked => StatusCode::FORBIDDEN,
            ErrorKind::Busy | ErrorKind::Closed => {
                return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the vault is busy; try again")
            }
            _ => {
                // Integrity, storage, key and internal failures: the operator reads the log (kind
                // and code only); the client gets no detail about the vault's insides.
                tracing::error!(code = e.code(), "vault failure");
                return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
            }
        };
        ApiError::new(status, format!("{}: {}", e.code(), e.message()))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"status": "error", "message": self.message});
        (self.status, Json(body)).into_response()
    }
}

/// What a handler returns.
pub type ApiResult = Result<Response, ApiError>;

/// 200 `{"status":"ok"}` plus `fields` (an object's members).
pub fn ok(fields: Value) -> ApiResult {
    let mut body = Map::new();
    body.insert("status".into(), "ok".into());
    if let Value::Object(more) = fields {
        body.extend(more);
    }
    Ok(Json(Value::Object(body)).into_response())
}

/// 200 `{"status":"ok","total":N,"rows":[…]}`.
pub fn rows(total: u64, rows: Vec<Value>) -> ApiResult {
    ok(serde_json::json!({"total": total, "rows": rows}))
}

/// A serializable core result as JSON (the core's result types always serialize).
pub fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("the vault's result types serialize to JSON")
}

/// Milliseconds to Databunker's Unix seconds.
pub fn seconds(ms: i64) -> i64 {
    ms.div_euclid(1000)
}
