//! Databunker's v1 REST API (`../shared/DATABUNKER_API.md` is the contract), mapped onto the
//! vault: each handler reads the request, makes one or two vault calls on the blocking pool and
//! shapes the answer. Every decision (validation, consent, erasure, audit) stays in the core.

mod consent;
mod extract;
mod lifecycle;
pub mod reply;
mod subjects;

use std::sync::Arc;

use axum::routing::{delete, get, post};
use axum::Router;
use bunkerlite::Vault;
use tokio::sync::Semaphore;

use crate::auth::RootToken;
use crate::config::ApiConfig;

pub use extract::{lookup, Body};

/// What every handler shares.
pub struct AppState {
    /// The vault (synchronous; called on the blocking pool through [`AppState::call`]).
    pub vault: Arc<Vault>,
    /// The root token's checker.
    pub root: RootToken,
    /// The API settings.
    pub api: ApiConfig,
    /// The expiry of sessions stored without one, in milliseconds.
    pub session_ttl_ms: i64,
    /// The longest a share may live, in milliseconds.
    pub share_ttl_max_ms: i64,
    /// Bounds the vault calls in flight to `server.vault_threads`.
    pub slots: Semaphore,
    /// The end users' portal, when enabled.
    pub portal: Option<crate::portal::Portal>,
}

/// The shared state handlers receive.
pub type State = axum::extract::State<Arc<AppState>>;

impl AppState {
    /// Runs `f` against the vault on tokio's blocking pool (never on an async worker), at most
    /// `vault_threads` at once; a panic inside becomes a 500, never a crash.
    pub async fn call<T, F>(&self, f: F) -> Result<T, reply::ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Vault) -> bunkerlite::Result<T> + Send + 'static,
    {
        let _slot = self.slots.acquire().await.map_err(|_| {
            reply::ApiError::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, "the server is shutting down")
        })?;
        let vault = Arc::clone(&self.vault);
        match tokio::task::spawn_blocking(move || f(&vault)).await {
            Ok(result) => result.map_err(reply::ApiError::from),
            Err(_) => {
                tracing::error!("a vault call panicked");
                Err(reply::ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal error"))
            }
        }
    }
}

/// Every route of the v1 API.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/status", get(health))
        .route("/v1/status", get(health))
        // Subjects (`@databunker/store` posts to `/v1/user/`, with the slash).
        .route("/v1/user", post(subjects::create))
        .route("/v1/user/", post(subjects::create))
        .route("/v1/user/{mode}/{identity}", get(subjects::get).put(subjects::update).delete(subjects::forget))
        .route("/v1/users", post(subjects::list))
        .route(
            "/v1/userapp/{mode}/{identity}/{app}",
            post(subjects::app_put).put(subjects::app_update).get(subjects::app_get).delete(subjects::app_delete),
        )
        .route("/v1/userapp/{mode}/{identity}", get(subjects::app_list))
        .route("/v1/userapps", get(subjects::app_names))
        // Legal bases, agreements, processing activities.
        .route("/v1/lbasis", get(consent::bases))
        .route("/v1/lbasis/{brief}", post(consent::basis_set).delete(consent::basis_delete))
        .route(
            "/v1/agreement/{a}/{b}/{c}",
            post(consent::agreement_give)
                .put(consent::agreement_give)
                .get(consent::agreement_get)
                .delete(consent::agreement_withdraw),
        )
        .route("/v1/agreement/{brief}", delete(consent::basis_revoke))
        .route("/v1/agreements/{mode}/{identity}", get(consent::agreements))
        .route("/v1/pactivity", get(consent::activities))
        .route("/v1/pactivity/{activity}", post(consent::activity_set).delete(consent::activity_delete))
        .route("/v1/pactivity/{activity}/{brief}", post(consent::activity_link).delete(consent::activity_unlink))
        // Sessions and shares.
        .route(
            "/v1/session/{session}",
            post(lifecycle::session_set)
                .put(lifecycle::session_set)
                .get(lifecycle::session_get)
                .delete(lifecycle::session_delete),
        )
        .route("/v1/sessions/{mode}/{identity}", get(lifecycle::sessions))
        .route("/v1/sharedrecord/{mode}/{identity}", post(lifecycle::share_create))
        .route("/v1/get/{record}", get(lifecycle::share_get))
        // Audit.
        .route("/v1/audit/admin", get(lifecycle::audit_all))
        .route("/v1/audit/list/{token}", get(lifecycle::audit_subject))
        .route("/v1/audit/get/{atoken}", get(lifecycle::audit_event))
        // Data-subject requests.
        .route("/v1/requests", get(lifecycle::requests))
        .route("/v1/requests/{mode}/{identity}", get(lifecycle::subject_requests))
        .route(
            "/v1/request/{rtoken}",
            get(lifecycle::request_get).post(lifecycle::request_approve).delete(lifecycle::request_deny),
        )
        // Scheduled erasure.
        .route("/v1/exp/start/{mode}/{identity}", post(lifecycle::expiry_start))
        .route("/v1/exp/status/{mode}/{identity}", get(lifecycle::expiry_status))
        .route("/v1/exp/cancel/{mode}/{identity}", delete(lifecycle::expiry_cancel))
        .route("/v1/exp/retain/{exptoken}", get(lifecycle::expiry_retain))
        .route("/v1/exp/delete/{exptoken}", get(lifecycle::expiry_erase))
        .merge(crate::portal::router())
        .fallback(not_found)
        .with_state(state)
}

/// Routes that do not exist answer like a missing record, in the API's JSON shape.
async fn not_found() -> reply::ApiError {
    reply::ApiError::not_found()
}

async fn health() -> &'static str {
    "OK"
}
