//! Opening the vault, the HTTP stack around the API (body limit, timeout, compression, security
//! headers, request logs without personal data), plain HTTP on loopback or HTTPS with rustls,
//! and graceful shutdown on Ctrl-C / SIGTERM.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::api::{self, AppState};
use crate::auth::RootToken;
use crate::config::Config;

/// Logs to stderr, `RUST_LOG` filtering (default `info`). Lines name routes by their template
/// (`/v1/user/{mode}/{identity}`), never the path itself, which can hold an email or a token.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .try_init();
}

/// Opens the configured vault.
pub fn open_vault(config: &Config) -> Result<bunkerlite::Vault, String> {
    let key = config.master_key().map_err(|e| e.to_string())?;
    let options = config.vault_options().map_err(|e| e.to_string())?;
    bunkerlite::Vault::open(config.vault_path().map_err(|e| e.to_string())?, &key, options)
        .map_err(|e| format!("opening the vault: {e}"))
}

/// `serve`: opens the vault and serves until a shutdown signal.
pub fn serve(config: Config) -> Result<(), String> {
    let key = config.master_key().map_err(|e| e.to_string())?;
    if config.auth.root_token_hash.is_none() {
        tracing::warn!("auth.root_token_hash is not set: every route that needs the root token answers 403");
    }
    let root = RootToken::new(&key, config.auth.root_token_hash.as_deref())?;
    let vault = open_vault(&config)?;
    run(config, vault, root, |_| {})
}

/// Serves `vault` with `config` until Ctrl-C or SIGTERM; `ready` is told the bound address.
pub fn run(
    config: Config,
    vault: bunkerlite::Vault,
    root: RootToken,
    ready: impl FnOnce(std::net::SocketAddr),
) -> Result<(), String> {
    let vault = Arc::new(vault);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(config.server.vault_threads.max(4))
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    let result = runtime.block_on(async {
        let state = Arc::new(AppState {
            vault: Arc::clone(&vault),
            root,
            session_ttl_ms: crate::expiration::parse_ttl(&config.api.session_ttl)?,
            share_ttl_max_ms: crate::expiration::parse_ttl(&config.api.share_ttl_max)?,
            api: config.api.clone(),
            slots: tokio::sync::Semaphore::new(config.server.vault_threads),
            portal: if config.portal.enabled { Some(crate::portal::Portal::new(&config)?) } else { None },
        });
        if config.notify.request_mail || config.notify.webhook_url.is_some() {
            let notifier = crate::notify::Notifier {
                mail: if config.notify.request_mail {
                    Some(crate::portal::mail::Sender::from_config(&config.mail)?)
                } else {
                    None
                },
                webhook: crate::notify::Webhook::from_config(&config.notify)?.map(Arc::new),
                interval: Duration::from_millis(config.notify.interval_ms),
            };
            tokio::spawn(notifier.run(Arc::clone(&state)));
        }
        let tls = match (&config.server.tls_cert, &config.server.tls_key) {
            (Some(cert), Some(key)) => Some(tls_config(cert, key)?),
            _ => None,
        };
        let app = stack(api::router(state), &config, tls.is_some());
        let addr = config.listen_addr().map_err(|e| e.to_string())?;
        let listener = TcpListener::bind(addr).await.map_err(|e| format!("listening on {addr}: {e}"))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        tracing::info!(address = %bound, scheme, "listening");
        println!("listening on {scheme}://{bound}");
        ready(bound);
        match tls {
            None => axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
                .with_graceful_shutdown(shutdown_signal())
                .await
                .map_err(|e| format!("serving: {e}")),
            Some(tls) => serve_tls(listener, app, tls).await,
        }
    });
    // Every handle is back (the runtime drained): close, committing buffered audit events.
    drop(runtime);
    let closed = vault.close().map_err(|e| format!("closing the vault: {e}"));
    tracing::info!("stopped");
    result.and(closed)
}

/// The layers around the API.
fn stack(router: Router, config: &Config, tls: bool) -> Router {
    let headers: Vec<(HeaderName, &'static str)> = vec![
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ),
        (header::CACHE_CONTROL, "no-store"),
        (HeaderName::from_static("cross-origin-resource-policy"), "same-origin"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
    ];
    let mut router = router
        .layer(middleware::from_fn(log_request))
        .layer(CompressionLayer::new())
        .layer(DefaultBodyLimit::max(config.server.max_body_bytes))
        .layer(RequestBodyLimitLayer::new(config.server.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_millis(config.server.request_timeout_ms),
        ));
    for (name, value) in headers {
        // The portal's pages set their own policies (a stylesheet, forms to themselves, the
        // origin sent to themselves so that their forms' Origin can be checked); every other
        // answer gets the API's.
        let layer = if name == header::CONTENT_SECURITY_POLICY || name == header::REFERRER_POLICY {
            SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
        } else {
            SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
        };
        router = router.layer(layer);
    }
    if tls {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000"),
        ));
    }
    router
}

/// One line per request: method, route template, status, time. No path, query, header or body.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map_or("(no route)", |m| m.as_str()).to_string();
    let start = Instant::now();
    let response = next.run(request).await;
    tracing::info!(%method, route, status = response.status().as_u16(), micros = start.elapsed().as_micros() as u64, "request");
    response
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// rustls with the ring provider (the only one compiled in), HTTP/1.1.
fn tls_config(cert: &std::path::Path, key: &std::path::Path) -> Result<Arc<rustls::ServerConfig>, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<_, _>>())
        .map_err(|e| format!("server.tls_cert {}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("server.tls_cert {} holds no certificate", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("server.tls_key {}: {e}", key.display()))?;
    // ring, the one provider in the tree (as the library's PostgreSQL client uses): rustls marks
    // it deprecated for lacking post-quantum key exchange; connections are classical TLS 1.2/1.3.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("server.tls_cert / server.tls_key: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Accepts TLS connections until the shutdown signal, then waits for the open ones to finish.
async fn serve_tls(listener: TcpListener, app: Router, tls: Arc<rustls::ServerConfig>) -> Result<(), String> {
    use hyper_util::rt::TokioIo;
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let graceful = GracefulShutdown::new();
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let acceptor = acceptor.clone();
                let service = TowerToHyperService::new(app.clone().layer(axum::Extension(axum::extract::ConnectInfo(peer))));
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let Ok(Ok(stream)) = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await else {
                        return;
                    };
                    let conn = hyper::server::conn::http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(10))
                        .serve_connection(TokioIo::new(stream), service);
                    let _ = watcher.watch(conn).await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(30), graceful.shutdown()).await;
    Ok(())
}
