//! Delivering login codes: SMTP through lettre (STARTTLS or implicit TLS with rustls, or plain on
//! loopback only), or the console for development (the code on stdout, never in the log).
//! Deliveries run in their own task, so a known identity answers as fast as an unknown one; a
//! failed delivery is logged by its error kind only.

use std::sync::Arc;

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use zeroize::Zeroizing;

use crate::config::MailConfig;

/// Where codes go.
#[derive(Clone)]
pub enum Sender {
    /// Printed on stdout (development and the demo).
    Console,
    /// Sent by e-mail.
    Smtp(Arc<Smtp>),
}

/// An SMTP relay and the sender address.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
    subject: String,
}

impl Sender {
    /// The sender the configuration names.
    pub fn from_config(config: &MailConfig) -> Result<Sender, String> {
        match config.sender.as_str() {
            "console" => Ok(Sender::Console),
            "smtp" => Smtp::new(config).map(|s| Sender::Smtp(Arc::new(s))),
            _ => Err("mail.sender must be console or smtp".into()),
        }
    }

    /// Sends `code` to `to` in the background.
    pub fn send_code(&self, to: String, code: Zeroizing<String>, minutes: u64) {
        match self {
            Sender::Console => {
                // stdout, not the log: the operator running the demo reads it.
                println!("[console mail] login code for {to}: {} (valid {minutes} minutes)", code.as_str());
            }
            Sender::Smtp(smtp) => {
                let smtp = Arc::clone(smtp);
                tokio::spawn(async move {
                    if let Err(kind) = smtp.send(&to, &code, minutes).await {
                        tracing::warn!(kind, "a login code could not be delivered");
                    }
                });
            }
        }
    }
}

impl Sender {
    /// Sends a notice and waits for the relay's answer (the caller retries a failure later).
    pub async fn send_notice(&self, to: &str, subject: &str, text: &str, message_id: &str) -> Result<(), &'static str> {
        match self {
            Sender::Console => {
                println!("[console mail] to {to}: {subject}\n{text}");
                Ok(())
            }
            Sender::Smtp(smtp) => {
                let message = Message::builder()
                    .from(smtp.from.clone())
                    .to(to.parse().map_err(|_| "address")?)
                    .subject(subject)
                    .message_id(Some(message_id.to_string()))
                    .header(ContentType::TEXT_PLAIN)
                    .body(text.to_string())
                    .map_err(|_| "message")?;
                smtp.transport.send(message).await.map(drop).map_err(|_| "the relay did not accept a notice")
            }
        }
    }
}

impl Smtp {
    fn new(config: &MailConfig) -> Result<Smtp, String> {
        let host = config.smtp_host.as_deref().ok_or("mail.smtp_host is required with mail.sender = smtp")?;
        let from = config
            .from
            .as_deref()
            .ok_or("mail.from is required with mail.sender = smtp")?
            .parse()
            .map_err(|_| "mail.from must be an e-mail address, optionally with a name".to_string())?;
        let tls_params =
            || TlsParameters::builder(host.to_string()).build_rustls().map_err(|e| format!("mail TLS: {e}"));
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host);
        builder = match config.smtp_tls.as_str() {
            "starttls" => builder.port(config.smtp_port.unwrap_or(587)).tls(Tls::Required(tls_params()?)),
            "tls" => builder.port(config.smtp_port.unwrap_or(465)).tls(Tls::Wrapper(tls_params()?)),
            "none" => {
                let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
                if !loopback {
                    return Err("mail.smtp_tls = none is allowed only for a relay on loopback".into());
                }
                builder.port(config.smtp_port.unwrap_or(25)).tls(Tls::None)
            }
            _ => return Err("mail.smtp_tls must be starttls, tls or none".into()),
        };
        if let Some(user) = &config.smtp_username {
            let var = config.smtp_password_env.as_deref().unwrap_or("BUNKERLITE_SMTP_PASSWORD");
            let password = std::env::var(var).map_err(|_| format!("the SMTP password variable {var} is not set"))?;
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        builder = builder.timeout(Some(std::time::Duration::from_secs(20)));
        Ok(Smtp { transport: builder.build(), from, subject: config.subject.clone() })
    }

    async fn send(&self, to: &str, code: &str, minutes: u64) -> Result<(), &'static str> {
        let to = to.parse().map_err(|_| "address")?;
        let body = format!(
            "Your login code is {code}\n\nIt is valid for {minutes} minutes and works once. If you did not ask \
             for it, ignore this message: nobody can log in without the code.\n"
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(self.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|_| "message")?;
        // Retried once after a pause: relays reject transiently (greylisting, restarts).
        for attempt in 0..2 {
            match self.transport.send(message.clone()).await {
                Ok(_) => return Ok(()),
                Err(_) if attempt == 0 => tokio::time::sleep(std::time::Duration::from_secs(2)).await,
                Err(e) if e.is_permanent() => return Err("rejected"),
                Err(_) => return Err("transient"),
            }
        }
        Err("transient")
    }
}
