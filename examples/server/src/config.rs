//! The server's configuration: a TOML file, then environment variables over it, checked as a
//! whole before anything listens, each error naming the setting (never a secret's value).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Every setting, as the TOML file spells it (`[server]`, `[vault]`, `[auth]`, `[api]`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where and how it listens.
    pub server: ServerConfig,
    /// The vault it serves.
    pub vault: VaultConfig,
    /// The root token (stored only as a keyed hash).
    pub auth: AuthConfig,
    /// What the Databunker-compatible API allows.
    pub api: ApiConfig,
    /// The end users' portal.
    pub portal: PortalConfig,
    /// How login codes are delivered.
    pub mail: MailConfig,
    /// Notifications from the vault's outboxes.
    pub notify: NotifyConfig,
    /// Login codes by SMS (phone logins are on when a gateway is set).
    pub sms: SmsConfig,
}

/// `[sms]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsConfig {
    /// The gateway's endpoint (`https://`, or `http://` on loopback): `POST {"to", "text"}`.
    pub gateway_url: Option<String>,
    /// The environment variable holding its bearer token (default BUNKERLITE_SMS_TOKEN).
    pub token_env: Option<String>,
}

/// `[notify]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// E-mail the subject (through `[mail]`) when their request is received, extended, fulfilled
    /// or denied. The server then consumes the requests outbox (which has one consumer).
    pub request_mail: bool,
    /// Post consent and request events here, signed (`https://`, or `http://` on loopback).
    pub webhook_url: Option<String>,
    /// The environment variable holding the webhook signing secret (default
    /// BUNKERLITE_WEBHOOK_SECRET; at least 16 characters).
    pub webhook_secret_env: Option<String>,
    /// The pause between delivery rounds, in milliseconds.
    pub interval_ms: u64,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig { request_mail: false, webhook_url: None, webhook_secret_env: None, interval_ms: 2000 }
    }
}

/// `[portal]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortalConfig {
    /// Serve the portal under `/portal/`.
    pub enabled: bool,
    /// Digits of a login code (6–8).
    pub code_digits: u32,
    /// How long a portal login lasts (`expiration` syntax, at most 1 day).
    pub session_ttl: String,
    /// `direct` (a profile edit changes the profile) or `request` (it files a rectification
    /// request for the privacy team).
    pub profile_edit: String,
    /// Logins one client address may start per hour (behind a reverse proxy every client has
    /// the proxy's address: raise it there).
    pub logins_per_client_per_hour: u32,
    /// "Forget me": `request` (an erasure request the privacy team decides) or a delay such as
    /// `7d` (the erasure is scheduled that far ahead; the person can cancel it until then, from
    /// the portal or with the link e-mailed to them).
    pub forget: String,
    /// The portal's public address (`https://privacy.example.com`), for links in e-mails.
    pub public_url: Option<String>,
}

impl Default for PortalConfig {
    fn default() -> Self {
        PortalConfig {
            enabled: true,
            code_digits: 6,
            session_ttl: "1h".into(),
            profile_edit: "direct".into(),
            logins_per_client_per_hour: crate::portal::otp::PER_CLIENT_PER_HOUR,
            forget: "request".into(),
            public_url: None,
        }
    }
}

/// `[mail]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// `console` (stdout; only while listening on loopback) or `smtp`.
    pub sender: String,
    /// The SMTP relay.
    pub smtp_host: Option<String>,
    /// Its port (default 587 for starttls, 465 for tls, 25 for none).
    pub smtp_port: Option<u16>,
    /// `starttls` (required, not opportunistic), `tls` (implicit), or `none` (loopback only).
    pub smtp_tls: String,
    /// The SMTP user, when the relay needs one.
    pub smtp_username: Option<String>,
    /// The environment variable holding its password (default BUNKERLITE_SMTP_PASSWORD).
    pub smtp_password_env: Option<String>,
    /// The sender, `Name <address>` or an address.
    pub from: Option<String>,
    /// The subject line of the code e-mail.
    pub subject: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            sender: "console".into(),
            smtp_host: None,
            smtp_port: None,
            smtp_tls: "starttls".into(),
            smtp_username: None,
            smtp_password_env: None,
            from: None,
            subject: "Your login code".into(),
        }
    }
}

/// `[server]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// The address to listen on (`host:port`).
    pub listen: String,
    /// A PEM certificate chain: with `tls_key`, the server speaks HTTPS only.
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of `tls_cert`.
    pub tls_key: Option<PathBuf>,
    /// Plain HTTP on an address other than loopback (behind a TLS-terminating proxy). Off: the
    /// server refuses to start rather than send tokens and personal data in the clear.
    pub allow_plain_http: bool,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long one request may take before it is answered 408, in milliseconds.
    pub request_timeout_ms: u64,
    /// Threads for vault calls (the vault is synchronous: calls never run on the async workers).
    pub vault_threads: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:3000".into(),
            tls_cert: None,
            tls_key: None,
            allow_plain_http: false,
            max_body_bytes: 1 << 20,
            request_timeout_ms: 10_000,
            vault_threads: 64,
        }
    }
}

/// `[vault]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct VaultConfig {
    /// The vault file, or a `postgres://` URL.
    pub path: Option<String>,
    /// A file holding the master key (64 hex digits, base64 or 32 raw bytes).
    pub key_file: Option<PathBuf>,
    /// Otherwise the environment variable holding the master key.
    pub key_env: Option<String>,
    /// The vault's options (bunkerlite `Options` as JSON: `indexed_fields`, `require_purpose`, …).
    pub options: Option<toml::Table>,
}

/// `[auth]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// HMAC-SHA256 of the root token under a key derived from the master key (64 hex digits), as
    /// `init` writes it. The token itself is never stored.
    pub root_token_hash: Option<String>,
}

/// `[api]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// `POST /v1/user` without the root token (Databunker's `CreateUserWithoutAccessToken`).
    pub anonymous_create: bool,
    /// `POST /v1/users` (listing every subject, through the vault's audited bulk unlock).
    pub bulk_listing: bool,
    /// The purpose the bulk unlock names in the audit log.
    pub bulk_purpose: String,
    /// The expiry of a session stored without one (`expiration` syntax: `3600`, `1h`, `7d`).
    pub session_ttl: String,
    /// The longest a shared record may live (`expiration` syntax).
    pub share_ttl_max: String,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            anonymous_create: false,
            bulk_listing: false,
            bulk_purpose: "bulk-listing".into(),
            session_ttl: "1d".into(),
            share_ttl_max: "7d".into(),
        }
    }
}

/// A configuration error: the setting and what is wrong with it (never its value when secret).
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

fn err(message: impl Into<String>) -> ConfigError {
    ConfigError(message.into())
}

impl Config {
    /// Reads `path` (when given) and applies the environment over it, then checks the whole.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let mut config = match path {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| err(format!("cannot read the configuration file {}: {e}", path.display())))?;
                let mut config = Config::parse(&text).map_err(|e| err(format!("{}: {e}", path.display())))?;
                config.resolve_paths(path.parent().unwrap_or(Path::new("")));
                config
            }
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        config.check()?;
        Ok(config)
    }

    /// The TOML text as a configuration (unknown settings refused, with their place).
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| err(e.message().to_string() + &place(text, e.span())))
    }

    /// Makes the file's relative paths relative to the file's folder (not to where the server
    /// happens to be started).
    fn resolve_paths(&mut self, dir: &Path) {
        let join = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        self.server.tls_cert.as_mut().map(join);
        self.server.tls_key.as_mut().map(join);
        self.vault.key_file.as_mut().map(join);
        if let Some(path) = &mut self.vault.path {
            if !path.starts_with("postgres://") && !path.starts_with("postgresql://") && Path::new(path).is_relative() {
                *path = dir.join(&*path).to_string_lossy().into_owned();
            }
        }
    }

    /// Applies the environment variables found by `var` over the file: BUNKERLITE_SERVER_LISTEN,
    /// _TLS_CERT, _TLS_KEY, _ALLOW_PLAIN_HTTP, _VAULT (vault.path), _KEY_FILE and
    /// _ROOT_TOKEN_HASH.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        if let Some(v) = var("BUNKERLITE_SERVER_LISTEN") {
            self.server.listen = v;
        }
        if let Some(v) = var("BUNKERLITE_SERVER_TLS_CERT") {
            self.server.tls_cert = Some(v.into());
        }
        if let Some(v) = var("BUNKERLITE_SERVER_TLS_KEY") {
            self.server.tls_key = Some(v.into());
        }
        if let Some(v) = var("BUNKERLITE_SERVER_ALLOW_PLAIN_HTTP") {
            self.server.allow_plain_http = match v.as_str() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" | "" => false,
                _ => return Err(err("BUNKERLITE_SERVER_ALLOW_PLAIN_HTTP must be true or false")),
            };
        }
        if let Some(v) = var("BUNKERLITE_SERVER_VAULT") {
            self.vault.path = Some(v);
        }
        if let Some(v) = var("BUNKERLITE_SERVER_KEY_FILE") {
            self.vault.key_file = Some(v.into());
        }
        if let Some(v) = var("BUNKERLITE_SERVER_ROOT_TOKEN_HASH") {
            self.auth.root_token_hash = Some(v);
        }
        Ok(())
    }

    /// The checks `serve` needs passed before it opens anything.
    pub fn check(&self) -> Result<(), ConfigError> {
        let addr = self.listen_addr()?;
        match (&self.server.tls_cert, &self.server.tls_key) {
            (Some(_), None) | (None, Some(_)) => {
                return Err(err("server.tls_cert and server.tls_key go together: set both or neither"))
            }
            (None, None) if !addr.ip().is_loopback() && !self.server.allow_plain_http => {
                return Err(err(format!(
                    "server.listen {addr} is not a loopback address: configure server.tls_cert and \
                     server.tls_key, or set server.allow_plain_http = true behind a TLS-terminating proxy"
                )))
            }
            _ => {}
        }
        if !(1024..=64 << 20).contains(&self.server.max_body_bytes) {
            return Err(err("server.max_body_bytes must be between 1024 and 67108864"));
        }
        if !(100..=600_000).contains(&self.server.request_timeout_ms) {
            return Err(err("server.request_timeout_ms must be between 100 and 600000"));
        }
        if !(1..=1024).contains(&self.server.vault_threads) {
            return Err(err("server.vault_threads must be between 1 and 1024"));
        }
        if let Some(hash) = &self.auth.root_token_hash {
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(err("auth.root_token_hash must be 64 hexadecimal digits (as `init` writes it)"));
            }
        }
        crate::expiration::parse_ttl(&self.api.session_ttl).map_err(|e| err(format!("api.session_ttl: {e}")))?;
        crate::expiration::parse_ttl(&self.api.share_ttl_max).map_err(|e| err(format!("api.share_ttl_max: {e}")))?;
        let ttl = crate::expiration::parse_ttl(&self.portal.session_ttl)
            .map_err(|e| err(format!("portal.session_ttl: {e}")))?;
        if ttl > 86_400_000 {
            return Err(err("portal.session_ttl must be at most 1d"));
        }
        if !matches!(self.portal.profile_edit.as_str(), "direct" | "request") {
            return Err(err("portal.profile_edit must be direct or request"));
        }
        if self.portal.forget != "request" {
            crate::expiration::parse_ttl(&self.portal.forget)
                .map_err(|e| err(format!("portal.forget must be request or a delay: {e}")))?;
        }
        if let Some(url) = &self.portal.public_url {
            if !(url.starts_with("https://")
                || url.starts_with("http://127.0.0.1")
                || url.starts_with("http://localhost"))
            {
                return Err(err("portal.public_url must be an https:// address"));
            }
        }
        if !(1..=100_000).contains(&self.portal.logins_per_client_per_hour) {
            return Err(err("portal.logins_per_client_per_hour must be between 1 and 100000"));
        }
        if !(6..=8).contains(&self.portal.code_digits) {
            return Err(err("portal.code_digits must be between 6 and 8"));
        }
        if self.mail.sender == "console" && self.portal.enabled && !addr.ip().is_loopback() {
            return Err(err(
                "mail.sender = console prints login codes on the console: allowed only while listening on loopback",
            ));
        }
        crate::portal::mail::Sender::from_config(&self.mail).map_err(err)?;
        if !(100..=3_600_000).contains(&self.notify.interval_ms) {
            return Err(err("notify.interval_ms must be between 100 and 3600000"));
        }
        crate::notify::Webhook::from_config(&self.notify).map_err(err)?;
        crate::portal::sms::Gateway::from_config(&self.sms).map_err(err)?;
        if self.vault.key_file.is_some() && self.vault.key_env.is_some() {
            return Err(err("vault.key_file and vault.key_env exclude each other: set one"));
        }
        self.vault_options()?;
        Ok(())
    }

    /// The listening address, parsed.
    pub fn listen_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.server
            .listen
            .parse()
            .map_err(|_| err("server.listen must be an IP address and port, such as 127.0.0.1:3000 or [::]:443"))
    }

    /// The vault's options, as bunkerlite checks them.
    pub fn vault_options(&self) -> Result<bunkerlite::Options, ConfigError> {
        let value = match &self.vault.options {
            Some(table) => serde_json::to_value(table).map_err(|e| err(format!("vault.options: {e}")))?,
            None => serde_json::json!({}),
        };
        bunkerlite::Options::from_json(value).map_err(|e| err(format!("vault.options: {}", e.message())))
    }

    /// The vault's path or URL.
    pub fn vault_path(&self) -> Result<&str, ConfigError> {
        self.vault.path.as_deref().filter(|p| !p.is_empty()).ok_or_else(|| {
            err("vault.path is not set (the vault file or a postgres:// URL; or BUNKERLITE_SERVER_VAULT)")
        })
    }

    /// The master key, from its file or variable.
    pub fn master_key(&self) -> Result<bunkerlite::MasterKey, ConfigError> {
        let key = match (&self.vault.key_file, &self.vault.key_env) {
            (Some(file), _) => bunkerlite::MasterKey::from_file(file),
            (None, Some(var)) => bunkerlite::MasterKey::from_env(var),
            (None, None) => bunkerlite::MasterKey::from_env("BUNKERLITE_MASTER_KEY"),
        };
        key.map_err(|e| err(format!("the master key: {}", e.message())))
    }
}

/// " at line L, column C" for a span of `text`.
fn place(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else { return String::new() };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.len(), |i| before.len() - i - 1) + 1;
    format!(" (line {line}, column {column})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_listen_on_loopback_over_plain_http() {
        let config = Config::default();
        config.check().expect("the defaults are valid");
        assert!(config.listen_addr().expect("parses").ip().is_loopback());
    }

    #[test]
    fn unknown_settings_are_refused_with_their_place() {
        let e = Config::parse("[server]\nlisten = \"127.0.0.1:1\"\nlisen = 3\n").expect_err("unknown key");
        assert!(e.0.contains("lisen"), "{e}");
        assert!(e.0.contains("line 3"), "{e}");
    }

    #[test]
    fn plain_http_beyond_loopback_needs_tls_or_the_flag() {
        let mut config = Config::parse("[server]\nlisten = \"0.0.0.0:8080\"\n").expect("parses");
        let e = config.check().expect_err("refused");
        assert!(e.0.contains("tls_cert"), "{e}");
        config.server.allow_plain_http = true;
        assert!(config.check().expect_err("console codes").0.contains("mail.sender"));
        config.portal.enabled = false;
        config.check().expect("allowed with the flag");
        config.server.tls_cert = Some("cert.pem".into());
        assert!(config.check().expect_err("half of TLS").0.contains("go together"));
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let mut config = Config::parse("[vault]\npath = \"a.db\"\n").expect("parses");
        config
            .apply_env(|name| match name {
                "BUNKERLITE_SERVER_VAULT" => Some("b.db".into()),
                "BUNKERLITE_SERVER_LISTEN" => Some("127.0.0.1:4000".into()),
                _ => None,
            })
            .expect("applies");
        assert_eq!(config.vault_path().expect("set"), "b.db");
        assert_eq!(config.listen_addr().expect("parses").port(), 4000);
        let bad = config.apply_env(|name| (name == "BUNKERLITE_SERVER_ALLOW_PLAIN_HTTP").then(|| "maybe".into()));
        assert!(bad.is_err());
    }

    #[test]
    fn bad_values_name_the_setting() {
        for (text, setting) in [
            ("[server]\nlisten = \"localhost\"\n", "server.listen"),
            ("[server]\nmax_body_bytes = 10\n", "server.max_body_bytes"),
            ("[auth]\nroot_token_hash = \"abc\"\n", "auth.root_token_hash"),
            ("[api]\nsession_ttl = \"soon\"\n", "api.session_ttl"),
            ("[vault.options]\nno_such_option = 1\n", "vault.options"),
            ("[portal]\ncode_digits = 4\n", "portal.code_digits"),
            ("[portal]\nsession_ttl = \"7d\"\n", "portal.session_ttl"),
            ("[mail]\nsender = \"pigeon\"\n", "mail.sender"),
            ("[mail]\nsender = \"smtp\"\nsmtp_host = \"mail.example.com\"\nfrom = \"a@example.com\"\nsmtp_tls = \"none\"\n", "loopback"),
        ] {
            let e = Config::parse(text).expect("parses").check().expect_err(text);
            assert!(e.0.contains(setting), "{text}: {e}");
        }
    }
}
