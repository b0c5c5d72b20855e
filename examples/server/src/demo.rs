//! `demo`: a throwaway vault in a private temporary folder, seeded with fictional subjects, legal
//! bases, a processing activity, consents, an app document, a rectification request and a
//! session; a fresh root token printed to the console. The folder is removed when it stops.

use serde_json::json;

use crate::auth::RootToken;
use crate::config::Config;

/// Runs the demo server on `listen` until Ctrl-C.
pub fn run(listen: &str) -> Result<(), String> {
    let dir = private_temp_dir()?;
    let result = run_in(&dir, listen);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_in(dir: &std::path::Path, listen: &str) -> Result<(), String> {
    let key = bunkerlite::MasterKey::generate().map_err(|e| e.to_string())?;
    let mut config = Config::default();
    config.server.listen = listen.to_string();
    config.check().map_err(|e| e.to_string())?;
    let vault = bunkerlite::Vault::open(dir.join("demo.db"), &key, bunkerlite::Options::default())
        .map_err(|e| format!("opening the demo vault: {e}"))?;
    let seeded = seed(&vault).map_err(|e| format!("seeding the demo vault: {e}"))?;
    let (token, hash) = RootToken::generate(&key)?;
    let root = RootToken::new(&key, Some(&hash))?;
    crate::serve::run(config, vault, root, |addr| {
        println!(
            "\nbunkerlite-server demo — a throwaway vault, removed when this stops (Ctrl-C)\n\n\
             Portal:      http://{addr}/portal/   log in as one of: {}\n\
             \x20            (the login code is printed here: the demo's mail goes to this console)\n\
             Console:     http://{addr}/console/  with the root token\n\
             API:         http://{addr}/v1/\n\
             root token:  {}\n\n\
             Try:\n  curl -H 'X-Bunker-Token: {}' http://{addr}/v1/user/email/ann@example.com\n",
            seeded.join(", "),
            token.as_str(),
            token.as_str(),
        );
    })
}

/// Fictional people and the records a privacy team would have about them.
fn seed(vault: &bunkerlite::Vault) -> bunkerlite::Result<Vec<String>> {
    let op = bunkerlite::Caller::new("operator:demo")?;
    vault.set_legal_basis(
        &op,
        "marketing",
        json!({"type": "consent", "module": "newsletter", "short_description": "Product news by e-mail",
               "full_description": "We send at most two e-mails a month about new features. Withdraw at any time.",
               "user_control": true}),
    )?;
    vault.set_legal_basis(
        &op,
        "terms",
        json!({"type": "contract", "short_description": "Terms of service", "required": true,
               "required_message": "Needed to provide the service"}),
    )?;
    vault.set_activity(
        &op,
        "newsletter",
        json!({"title": "Monthly newsletter", "operations": ["read"], "legal_bases": ["marketing"]}),
    )?;
    let people = [
        json!({"email": "ann@example.com", "login": "ann", "name": "Ann Example", "address": {"city": "Springfield"}}),
        json!({"email": "bob@example.org", "login": "bob", "name": "Bob Example"}),
        json!({"email": "chloe@example.net", "name": "Chloé Exemple", "language": "fr"}),
    ];
    let mut shown = Vec::new();
    for person in people {
        let email = person["email"].as_str().unwrap_or_default().to_string();
        vault.create_subject(&op, person)?;
        shown.push(email);
    }
    let ann = bunkerlite::Lookup::email("ann@example.com");
    let bob = bunkerlite::Lookup::email("bob@example.org");
    vault.give_consent(&op, &ann, "marketing", None)?;
    vault.give_consent(&op, &ann, "terms", None)?;
    vault.give_consent(&op, &bob, "marketing", Some(json!({"status": "refused"})))?;
    vault.put_app_document(&op, &ann, "shop", json!({"plan": "gold", "newsletter": true}))?;
    vault.create_request(&op, &bob, Some(json!({"kind": "rectify", "patch": {"name": "Robert Example"}})))?;
    vault.set_session(&op, json!({"cart": ["book"]}), Some(json!({"id": "demo-session-0000000000000001"})))?;
    Ok(shown)
}

/// A new folder only this user can enter, under the system's temporary folder.
fn private_temp_dir() -> Result<std::path::PathBuf, String> {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|_| "the operating system's random source failed".to_string())?;
    let dir = std::env::temp_dir().join(format!("bunkerlite-demo-{}", hex::encode(random)));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    Ok(dir)
}
