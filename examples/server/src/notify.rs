//! Notifications delivered from the vault's outboxes, at least once and in order: e-mails to the
//! subject when their request is received, extended, fulfilled or denied, and signed webhooks
//! for consent and request events — Databunker's fire-and-forget callbacks, made reliable. An
//! event is acknowledged only after every configured delivery of it succeeded; a failure stops
//! the round, and the next round (every `notify.interval_ms`) starts again from that event.
//! Receivers deduplicate by the event's `id` (webhooks) or `Message-ID` (e-mails).
//!
//! The server is the requests outbox's consumer (it has one); consent events are read under the
//! consumer name `bunkerlite-server`, beside any other consumer an application has.

use std::sync::Arc;
use std::time::Duration;

use bunkerlite::{Caller, ErrorKind, Lookup, PageRequest, RequestEvent};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::api::AppState;
use crate::config::NotifyConfig;
use crate::portal::mail::Sender;

/// The consent outbox consumer this server reads as.
pub const CONSUMER: &str = "bunkerlite-server";
const PAGE: u64 = 100;

/// A webhook endpoint and its signing secret.
pub struct Webhook {
    url: String,
    secret: Zeroizing<Vec<u8>>,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook").finish_non_exhaustive()
    }
}

impl Webhook {
    /// From the configuration: none without `notify.webhook_url`.
    pub fn from_config(config: &NotifyConfig) -> Result<Option<Webhook>, String> {
        let Some(url) = config.webhook_url.clone() else { return Ok(None) };
        endpoint(&url, "notify.webhook_url")?;
        let var = config.webhook_secret_env.as_deref().unwrap_or("BUNKERLITE_WEBHOOK_SECRET");
        let secret = std::env::var(var).map_err(|_| format!("the webhook secret variable {var} is not set"))?;
        if secret.len() < 16 {
            return Err(format!("the webhook secret ({var}) must be at least 16 characters"));
        }
        Ok(Some(Webhook { url, secret: Zeroizing::new(secret.into_bytes()), agent: agent() }))
    }

    /// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
    pub fn signature(&self, timestamp: i64, body: &str) -> String {
        sign(&self.secret, timestamp, body)
    }

    /// Posts `body` (blocking; run on the blocking pool), retrying twice with a growing pause.
    fn post(&self, body: &str) -> Result<(), String> {
        let mut pause = Duration::from_millis(500);
        let mut last = String::new();
        for attempt in 0..3 {
            if attempt > 0 {
                std::thread::sleep(pause);
                pause *= 2;
            }
            let timestamp = crate::expiration::now_ms() / 1000;
            let result = self
                .agent
                .post(&self.url)
                .header("Content-Type", "application/json")
                .header("X-Bunker-Signature", &self.signature(timestamp, body))
                .send(body);
            match result {
                Ok(response) if response.status().is_success() => return Ok(()),
                Ok(response) => last = format!("status {}", response.status().as_u16()),
                Err(_) => last = "unreachable".into(),
            }
        }
        Err(last)
    }
}

/// An outgoing endpoint (webhook receiver, SMS gateway) must be `https://`, or plain `http://`
/// to loopback only.
pub fn endpoint(url: &str, setting: &str) -> Result<(), String> {
    let loopback = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"].iter().any(|p| url.starts_with(p));
    if url.starts_with("https://") || loopback {
        Ok(())
    } else {
        Err(format!("{setting} must be https:// (plain http only to a server on loopback)"))
    }
}

/// The HTTP client for outgoing calls: 10-second timeout, statuses returned rather than raised.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .new_agent()
}

fn sign(secret: &[u8], timestamp: i64, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// What the worker needs.
pub struct Notifier {
    /// Request e-mails go here (none: no e-mails).
    pub mail: Option<Sender>,
    /// Events are posted here (none: no webhooks).
    pub webhook: Option<Arc<Webhook>>,
    /// The pause between rounds.
    pub interval: Duration,
}

fn caller() -> Caller {
    Caller::new("server:notify").expect("a valid actor")
}

impl Notifier {
    /// Runs rounds until the task is dropped.
    pub async fn run(self, state: Arc<AppState>) {
        loop {
            tokio::time::sleep(self.interval).await;
            if let Err(why) = self.round(&state).await {
                tracing::warn!(why, "notifications paused until the next round");
            }
        }
    }

    async fn round(&self, state: &Arc<AppState>) -> Result<(), &'static str> {
        if self.mail.is_some() || self.webhook.is_some() {
            self.requests(state).await?;
        }
        if self.webhook.is_some() {
            self.consents(state).await?;
        }
        Ok(())
    }

    async fn requests(&self, state: &Arc<AppState>) -> Result<(), &'static str> {
        let page = state
            .call(|v| v.list_request_events(&caller(), &PageRequest::first(PAGE)))
            .await
            .map_err(|_| "reading the requests outbox failed")?;
        for event in page.items {
            if let Some(mail) = &self.mail {
                self.request_mail(state, mail, &event).await?;
            }
            if let Some(hook) = &self.webhook {
                let body = json!({"id": format!("request-{}", event.cursor), "type": format!("request.{}", event.event), "data": event});
                post(hook, body).await?;
            }
            let cursor = event.cursor.clone();
            state.call(move |v| v.ack_request_events(&caller(), &cursor)).await.map_err(|_| "acknowledging failed")?;
        }
        Ok(())
    }

    async fn request_mail(
        &self,
        state: &Arc<AppState>,
        mail: &Sender,
        event: &RequestEvent,
    ) -> Result<(), &'static str> {
        let (subject, request) = (event.subject.clone(), event.request.clone());
        let found = state
            .call(move |v| {
                let address = match v.get_subject(&caller(), &Lookup::token(subject)) {
                    Ok(s) => s.profile.get("email").and_then(Value::as_str).map(str::to_string),
                    // Erased (a fulfilled erasure): nobody left to write to.
                    Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Erased) => None,
                    Err(e) => return Err(e),
                };
                let detail = match v.get_request(&caller(), &request) {
                    Ok(d) => Some(d),
                    Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Erased) => None,
                    Err(e) => return Err(e),
                };
                Ok((address, detail))
            })
            .await
            .map_err(|_| "reading the request failed")?;
        let (Some(address), Some(detail)) = found else { return Ok(()) };
        let kind = detail.request.kind.replace('_', " ");
        let due = crate::portal::day(detail.request.due_ms);
        let (subject_line, text) = match event.event.as_str() {
            "received" => (
                format!("We received your {kind} request"),
                format!("We received your {kind} request and will answer by {due}."),
            ),
            "extended" => (
                format!("More time for your {kind} request"),
                format!("We need more time for your {kind} request. We will answer by {due}."),
            ),
            "fulfilled" => (format!("Your {kind} request is done"), format!("We have completed your {kind} request.")),
            "denied" => (
                format!("About your {kind} request"),
                format!(
                    "We could not grant your {kind} request ({}).{}",
                    detail.request.denial_code.clone().unwrap_or_default().replace('_', " "),
                    detail.denial_reason.as_deref().map(|r| format!("\n\n{r}")).unwrap_or_default()
                ),
            ),
            _ => return Ok(()),
        };
        let id = format!("<{}.{}@bunkerlite-server>", event.request, event.cursor);
        mail.send_notice(&address, &subject_line, &text, &id).await
    }

    async fn consents(&self, state: &Arc<AppState>) -> Result<(), &'static str> {
        let Some(hook) = &self.webhook else { return Ok(()) };
        let page = state
            .call(|v| v.list_consent_events(&caller(), Some(CONSUMER), &PageRequest::first(PAGE)))
            .await
            .map_err(|_| "reading the consent outbox failed")?;
        for event in page.items {
            let body = json!({"id": format!("consent-{}", event.cursor), "type": format!("consent.{}", event.event), "data": event});
            post(hook, body).await?;
            let cursor = event.cursor.clone();
            state
                .call(move |v| v.ack_consent_events(&caller(), &cursor, Some(CONSUMER)))
                .await
                .map_err(|_| "acknowledging failed")?;
        }
        Ok(())
    }
}

async fn post(hook: &Arc<Webhook>, body: Value) -> Result<(), &'static str> {
    let hook = Arc::clone(hook);
    let text = body.to_string();
    match tokio::task::spawn_blocking(move || hook.post(&text)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(why)) => {
            tracing::warn!(why, "a webhook delivery failed");
            Err("the webhook receiver did not accept an event")
        }
        Err(_) => Err("the webhook task failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::sign;

    #[test]
    fn signatures_cover_the_timestamp_and_the_body() {
        let a = sign(b"0123456789abcdef", 1_700_000_000, "{}");
        assert!(a.starts_with("t=1700000000,v1="));
        assert_eq!(a.len(), "t=1700000000,v1=".len() + 64);
        assert_ne!(a, sign(b"0123456789abcdef", 1_700_000_001, "{}"));
        assert_ne!(a, sign(b"0123456789abcdef", 1_700_000_000, "{ }"));
        assert_ne!(a, sign(b"0123456789abcdeF", 1_700_000_000, "{}"));
    }
}
