//! The bulk guard through the public API: locked by default, an unlock bounded in time (the
//! manual clock moves past it) and in number, pages capped at 100, every listed subject audited,
//! concurrent pages never exceed the unlock's number.

use bunkerlite::{Caller, Clock, ErrorKind, MasterKey, Options, PageRequest, Vault, BULK_PAGE_MAX};
use serde_json::json;

fn setup(clock: &Clock, n: usize) -> (Vault, Caller) {
    let key = MasterKey::from_bytes(&[3; 32]).expect("key");
    let vault = Vault::open_in_memory(&key, Options::default().clock(clock.clone())).expect("open");
    let admin = Caller::new("admin:dpo").expect("actor");
    vault.set_legal_basis(&admin, "service", json!({"type": "contract"})).expect("basis");
    vault
        .set_activity(&admin, "crm-sync", json!({"operations": ["read"], "legal_bases": ["service"]}))
        .expect("activity");
    let app = Caller::new("app:seed").expect("actor");
    let profiles: Vec<_> = (0..n).map(|i| json!({"email": format!("p{i}@example.org")})).collect();
    for chunk in profiles.chunks(500) {
        vault.create_subjects(&app, chunk.to_vec()).expect("create");
    }
    (vault, Caller::new("app:crm").expect("actor").with_purpose("crm-sync").expect("purpose"))
}

#[test]
fn an_unlock_ends_at_its_time() {
    let clock = Clock::manual(1_000_000);
    let (vault, crm) = setup(&clock, 5);
    vault.unlock_bulk(&crm, Some(json!({"ttl_ms": 60_000}))).expect("unlock");
    assert_eq!(vault.list_subjects(&crm, &PageRequest::first(2)).expect("page").items.len(), 2);
    clock.advance_ms(59_999);
    vault.list_subjects(&crm, &PageRequest::first(1)).expect("still unlocked");
    clock.advance_ms(1);
    let e = vault.list_subjects(&crm, &PageRequest::first(1)).expect_err("expired");
    assert_eq!(e.kind(), ErrorKind::BulkLocked);
    assert!(e.message().contains("expired"), "{e}");
}

#[test]
fn pages_are_capped_and_the_number_holds_across_pages_and_threads() {
    let clock = Clock::manual(1_000_000);
    let (vault, crm) = setup(&clock, 1_000);
    let grant = vault.unlock_bulk(&crm, Some(json!({"max_subjects": 450}))).expect("unlock");
    assert_eq!(grant.remaining, 450);
    let first = vault.list_subjects(&crm, &PageRequest::first(1_000)).expect("page");
    assert_eq!(first.items.len() as u64, BULK_PAGE_MAX, "a page holds at most 100");
    assert_eq!(first.total, 1_000);
    // Four threads page on from there at once: together they get the 350 left, never more.
    let cursor = first.next.clone().expect("more");
    let got: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (vault, crm, cursor) = (vault.clone(), crm.clone(), cursor.clone());
                s.spawn(move || {
                    let mut got = 0;
                    let mut page = PageRequest::after(cursor, 100);
                    loop {
                        match vault.list_subjects(&crm, &page) {
                            Ok(p) => {
                                got += p.items.len();
                                match p.next {
                                    Some(next) => page = PageRequest::after(next, 100),
                                    None => return got,
                                }
                            }
                            Err(e) => {
                                assert_eq!(e.kind(), ErrorKind::BulkLocked);
                                return got;
                            }
                        }
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).sum()
    });
    assert_eq!(got, 350, "the unlock's number holds however the pages are taken");
    let audit = vault.list_audit_events(&Caller::new("admin:dpo").expect("a"), None, &PageRequest::first(1000), false);
    let listed = audit.expect("audit").items.iter().filter(|e| e.action == "subject.list" && e.outcome == "ok").count();
    assert_eq!(listed, 450, "every listed subject is audited");
}
