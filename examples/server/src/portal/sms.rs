//! Login codes by SMS through an HTTP gateway: a JSON `POST {"to", "text"}` with a bearer token,
//! the shape most gateways accept or an adapter in front of them provides. Sent in the
//! background, like e-mails; a failed delivery is logged by its kind only.

use std::sync::Arc;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::config::SmsConfig;

/// An SMS gateway.
pub struct Gateway {
    url: String,
    token: Zeroizing<String>,
    agent: ureq::Agent,
}

impl Gateway {
    /// From the configuration: none without `sms.gateway_url`.
    pub fn from_config(config: &SmsConfig) -> Result<Option<Gateway>, String> {
        let Some(url) = config.gateway_url.clone() else { return Ok(None) };
        crate::notify::endpoint(&url, "sms.gateway_url")?;
        let var = config.token_env.as_deref().unwrap_or("BUNKERLITE_SMS_TOKEN");
        let token = std::env::var(var).map_err(|_| format!("the SMS gateway token variable {var} is not set"))?;
        Ok(Some(Gateway { url, token: Zeroizing::new(token), agent: crate::notify::agent() }))
    }

    /// Sends `code` to `to` (E.164) in the background, retried once.
    pub fn send_code(self: &Arc<Self>, to: String, code: Zeroizing<String>, minutes: u64) {
        let gateway = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let body = serde_json::json!({
                "to": to,
                "text": format!("Your login code is {} (valid {minutes} minutes, works once).", code.as_str()),
            })
            .to_string();
            let body = Zeroizing::new(body);
            for attempt in 0..2 {
                if attempt > 0 {
                    std::thread::sleep(Duration::from_secs(2));
                }
                let sent = gateway
                    .agent
                    .post(&gateway.url)
                    .header("Content-Type", "application/json")
                    .header("Authorization", &format!("Bearer {}", gateway.token.as_str()))
                    .send(body.as_str());
                if sent.is_ok_and(|r| r.status().is_success()) {
                    return;
                }
            }
            tracing::warn!("a login code could not be delivered by SMS");
        });
    }
}
