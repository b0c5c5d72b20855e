//! bunkerlite quickstart (Rust): create, look up, update, tokenize, read the audit trail, erase.
use bunkerlite::{Caller, Lookup, MasterKey, Options, PageRequest, Vault};
use serde_json::json;

fn main() -> Result<(), bunkerlite::Error> {
    // In production the key comes from your secret store: MasterKey::from_env("BUNKERLITE_KEY").
    let key = MasterKey::generate()?;
    let dir = std::env::temp_dir().join(format!("bunkerlite-quickstart-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|_| bunkerlite::Error::new(bunkerlite::ErrorKind::Storage, "cannot create a temp dir"))?;
    let vault = Vault::open(dir.join("vault.db"), &key, Options::default())?;

    // Every audited call names who acts and, optionally, why (a processing activity).
    let signup = Caller::new("app:signup")?;
    let billing = Caller::new("app:billing")?.with_purpose("invoicing")?;
    let dpo = Caller::new("admin:dpo")?;

    let token = vault.create_subject(&signup, json!({"email": "Ann.Lee@Example.com", "name": "Ann Lee"}))?;
    println!("created subject {token}");

    let ann = vault.get_subject(&billing, &Lookup::email("ann.lee@example.com"))?;
    println!("found by email: {}", ann.profile["name"]);

    let ann =
        vault.update_subject(&Caller::new("app:crm")?, &Lookup::token(&token), json!({"phone": "+49 30 901820"}))?;
    println!("updated to version {}: {}", ann.version, ann.profile);

    // A token stands in for one value elsewhere (here a card number); only the vault maps it back.
    // Linked to the subject, it is erased with her.
    let card_options = json!({"kind": "card", "keep_last": 4, "subject": token});
    let card = vault.tokenize(&Caller::new("app:payments")?, "4111 1111 1111 1111", Some(card_options))?;
    let support = Caller::new("app:support")?.with_purpose("support")?;
    println!("card token: {card} -> {}", vault.detokenize(&support, &card, Some(json!({"mask": {}})))?);

    for event in vault.list_audit_events(&dpo, Some(&token), &PageRequest::first(10), false)?.items.iter().rev() {
        let purpose = event.purpose.as_deref().unwrap_or("-");
        println!("audit #{} {} ({}) {} -> {}", event.seq, event.actor, purpose, event.action, event.outcome);
    }

    let receipt = vault.forget_subject(&dpo, &Lookup::token(&token))?;
    println!(
        "erased: {} index entries and {} token removed, residue scrubbed: {}",
        receipt.index_entries_removed, receipt.tokens_removed, receipt.residue_scrubbed
    );
    match vault.get_subject(&billing, &Lookup::token(&token)) {
        Err(e) => println!("after erasure: {}", e.code()),
        Ok(_) => unreachable!("an erased subject cannot be read"),
    }
    // Rewrite the file so no stale copy of the erased rows survives (run after erasures, e.g. nightly).
    let compacted = vault.compact(&dpo)?;
    println!("compacted: {} -> {} bytes", compacted.bytes_before, compacted.bytes_after);
    let report = vault.verify_audit(None)?;
    println!("audit chain verified: {} events", report.events);
    vault.close()?;
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
