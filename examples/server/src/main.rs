//! `bunkerlite-server`: an HTTP server over a bunkerlite vault speaking Databunker's v1 REST API,
//! so that applications written against Databunker switch by changing a URL. Every decision stays
//! in the vault; the server maps HTTP onto vault calls.
//!
//! ```text
//! bunkerlite-server init  [--config FILE] [--vault PATH] [--key-file FILE]   # once: vault, key, root token
//! bunkerlite-server serve [--config FILE]                                      # the API
//! bunkerlite-server demo  [--listen ADDR]                                      # a seeded throwaway vault
//! bunkerlite-server verify [--config FILE] [--anchor FILE]                     # the audit chain
//! bunkerlite-server purge [--config FILE]                                      # retention: expired data out
//! ```

mod api;
mod auth;
mod config;
mod demo;
mod expiration;
mod notify;
mod portal;
mod serve;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;

#[derive(Parser)]
#[command(name = "bunkerlite-server", version, about = "Databunker-compatible HTTP server over a bunkerlite vault")]
struct Cli {
    /// The configuration file (TOML); environment variables BUNKERLITE_SERVER_* override it.
    #[arg(long, short, global = true, env = "BUNKERLITE_SERVER_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a vault, its master key file and a root token, and write the configuration file.
    /// The root token is printed once: only its keyed hash is stored.
    Init {
        /// The vault file (or a postgres:// URL) [default: vault.db beside the configuration].
        #[arg(long)]
        vault: Option<String>,
        /// The master key file, created (mode 0600) when it does not exist [default: master.key beside the configuration].
        #[arg(long)]
        key_file: Option<PathBuf>,
        /// The address `serve` listens on.
        #[arg(long, default_value = "127.0.0.1:3000")]
        listen: String,
    },
    /// Serve the API with the configuration.
    Serve,
    /// Serve a throwaway vault seeded with demo subjects, legal bases, a request and a session;
    /// prints the root token. Everything is gone when it stops.
    Demo {
        /// The address to listen on (port 0: any free port).
        #[arg(long, default_value = "127.0.0.1:3000")]
        listen: String,
    },
    /// Verify the vault's audit chain (optionally against a head kept outside: {"seq":…,"hash":…}).
    Verify {
        /// A JSON file holding an audit head recorded earlier.
        #[arg(long)]
        anchor: Option<PathBuf>,
    },
    /// Remove what retention says must go (expired tokens, sessions, shares, consents, requests,
    /// due erasures, old audit details) and print the report.
    Purge,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    serve::init_logging();
    let result = match cli.command {
        Command::Init { vault, key_file, listen } => init(cli.config.as_deref(), vault, key_file, listen),
        Command::Serve => Config::load(cli.config.as_deref()).map_err(|e| e.to_string()).and_then(serve::serve),
        Command::Demo { listen } => demo::run(&listen),
        Command::Verify { anchor } => verify(cli.config.as_deref(), anchor.as_deref()),
        Command::Purge => purge(cli.config.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bunkerlite-server: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init(config: Option<&Path>, vault: Option<String>, key_file: Option<PathBuf>, listen: String) -> Result<(), String> {
    let config_path = config.map_or_else(|| PathBuf::from("bunkerlite-server.toml"), Path::to_path_buf);
    if config_path.exists() {
        return Err(format!("{} exists already: init never overwrites a configuration", config_path.display()));
    }
    let dir = config_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let key_path = key_file.unwrap_or_else(|| dir.join("master.key"));
    let vault_path = vault.unwrap_or_else(|| dir.join("vault.db").to_string_lossy().into_owned());
    let key = if key_path.exists() {
        bunkerlite::MasterKey::from_file(&key_path).map_err(|e| format!("the master key: {}", e.message()))?
    } else {
        let key = bunkerlite::MasterKey::generate().map_err(|e| e.message().to_string())?;
        write_private(&key_path, key.to_hex().as_bytes())?;
        key
    };
    let vault = bunkerlite::Vault::open(&vault_path, &key, bunkerlite::Options::default())
        .map_err(|e| format!("opening the vault: {}", e.message()))?;
    vault.close().map_err(|e| e.message().to_string())?;
    let (token, hash) = auth::RootToken::generate(&key)?;
    let mut file = Config::default();
    file.server.listen = listen;
    // Absolute in the file: `serve` reads relative paths relative to the file's folder.
    let absolute = |p: &Path| std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display()));
    file.vault.path = Some(if vault_path.starts_with("postgres://") || vault_path.starts_with("postgresql://") {
        vault_path.clone()
    } else {
        absolute(Path::new(&vault_path))?.to_string_lossy().into_owned()
    });
    file.vault.key_file = Some(absolute(&key_path)?);
    file.auth.root_token_hash = Some(hash);
    file.check().map_err(|e| e.to_string())?;
    let text = toml::to_string(&file).map_err(|e| format!("writing the configuration: {e}"))?;
    write_private(&config_path, format!("# Written by `bunkerlite-server init`.\n{text}").as_bytes())?;
    // A PostgreSQL URL can carry a password: it is not echoed.
    let shown = if file.vault.path.as_deref().is_some_and(|p| p.starts_with("postgres")) {
        "(the PostgreSQL URL given)".to_string()
    } else {
        file.vault.path.clone().unwrap_or_default()
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "vault:        {shown}\nmaster key:   {}\nconfig:       {}\nroot token:   {}\n\n\
         The root token is shown only now (the configuration keeps a keyed hash of it). Keep it, and\n\
         the master key file, secret. Start the server with:\n  bunkerlite-server serve --config {}",
        key_path.display(),
        config_path.display(),
        token.as_str(),
        config_path.display()
    );
    Ok(())
}

/// Writes a new file readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| format!("creating {}: {e}", path.display()))?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Opens the configured vault (for the one-shot commands).
fn open(config: Option<&Path>) -> Result<bunkerlite::Vault, String> {
    let config = Config::load(config).map_err(|e| e.to_string())?;
    serve::open_vault(&config)
}

fn verify(config: Option<&Path>, anchor: Option<&Path>) -> Result<(), String> {
    let vault = open(config)?;
    let anchor = match anchor {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
            let value: serde_json::Value =
                serde_json::from_str(&text).map_err(|_| format!("{} is not JSON", path.display()))?;
            Some(bunkerlite::AuditHead::from_json(&value).map_err(|e| format!("the anchor: {}", e.message()))?)
        }
        None => None,
    };
    let report = vault.verify_audit(anchor.as_ref()).map_err(|e| format!("audit chain NOT verified: {e}"))?;
    println!("{}", serde_json::to_string_pretty(&report).expect("a report serializes"));
    vault.close().map_err(|e| e.message().to_string())
}

fn purge(config: Option<&Path>) -> Result<(), String> {
    let vault = open(config)?;
    let caller = bunkerlite::Caller::new("operator:purge").expect("a valid actor");
    let report = vault.purge(&caller).map_err(|e| e.to_string())?;
    println!("{}", serde_json::to_string_pretty(&report).expect("a report serializes"));
    vault.close().map_err(|e| e.message().to_string())
}
