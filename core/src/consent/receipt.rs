//! Consent receipts: a subject's whole consent record exported as one JSON document with the
//! Kantara Consent Receipt v1.1 fields at its top level and the ISO/IEC TS 27560 record (every
//! decision with the notice version and the hash of the text shown, when, how, by whom) under
//! `record`, MACed (HMAC-SHA256 under a key derived from the vault's `consent` key) over its
//! canonical JSON — anyone holding the vault can verify it offline with
//! `verify_consent_receipt`, and any edit fails.

use serde_json::{json, Map, Value};

use super::catalogue::basis_view;
use super::types::{ConsentStatus, ReceiptCheck};
use super::{bases_by_id, basis_of, open_details, Consent};
use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::crypto::index::PartsMac;
use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::{format_token, token_from_random, TokenBytes};
use crate::policy::Operation;
use crate::store::Db;
use crate::subjects::{self, Lookup, Subjects};

/// The receipt format, in the document's `issuer.format`.
const FORMAT: &str = "bunkerlite-consent-receipt/1";

/// JSON text with every object's keys sorted and no whitespace: what the MAC covers.
fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The MAC of a receipt without its `mac` field.
fn mac_of(engine: &Engine, body: &Map<String, Value>) -> [u8; 32] {
    let mut text = String::new();
    canonical(&Value::Object(body.clone()), &mut text);
    PartsMac::new(&engine.keys().consent().receipt).part(FORMAT.as_bytes()).part(text.as_bytes()).finish()
}

/// Export a subject's consent record as a MACed receipt. Audited as `consent.export`.
pub(crate) fn export_receipt(engine: &Engine, subjects: &Subjects, caller: &Caller, lookup: &Lookup) -> Result<Value> {
    engine.read_snapshot(caller, Action::ConsentExport, subjects::hint(lookup), |db| {
        let (sid, token, dek) = subjects.locate(engine, db, (caller, Some(Operation::Export)), lookup)?;
        let receipt = receipt_of(engine, db, (sid, &token, &dek), engine.now_ms())?;
        Ok((receipt, vec![Event::about(Action::ConsentExport, sid, token)]))
    })
}

/// The MACed receipt of the subject's consent record, read in `db`.
pub(crate) fn receipt_of(
    engine: &Engine,
    db: &Db<'_>,
    (sid, token, dek): (i64, &TokenBytes, &SecretKey),
    now: i64,
) -> Result<Value> {
    {
        let (token, dek) = (*token, dek);
        let bases = bases_by_id(engine, db)?;
        let mut events = Vec::new();
        let mut latest: Option<(i64, String, Option<String>)> = None;
        let history = db.decision_history(sid)?;
        // The record certifies the history: it must be the subject's whole chain.
        crate::consent::seal::verify_history(&engine.keys().consent().state, &token, &history)?;
        for d in history {
            let basis = basis_of(&bases, d.basis_id)?;
            let details = open_details(engine, dek, &token, &d)?;
            let notice = db
                .notice_of(basis.id, d.notice_version)?
                .ok_or_else(|| Error::integrity("a cited notice version is missing"))?;
            let status = ConsentStatus::from_number(d.decision)
                .ok_or_else(|| Error::integrity("a stored consent decision is unknown"))?;
            events.push(json!({
                "event_time": d.time_ms,
                "event_type": status.name(),
                "legal_basis": basis.brief,
                "notice_version": d.notice_version,
                "notice_sha256": hex::encode(notice.sha256),
                "method": details.method,
                "channel": details.channel,
                "language": details.language,
                "reference": details.reference,
                "actor": d.actor,
                "start_ms": d.start_ms,
                "expires_ms": d.expires_ms,
            }));
            latest = Some((d.time_ms, details.method.clone(), details.language.clone()));
        }
        let mut state = Vec::new();
        let mut services = Vec::new();
        for c in db.current_decisions_of_subject(sid)? {
            let basis = basis_of(&bases, c.basis_id)?;
            let view = Consent::view(engine, db, basis, &c, &token, dek, now)?;
            if view.in_force {
                let lb = basis_view(db, basis, false)?;
                services.push(json!({
                    "service": basis.brief,
                    "purposes": [{
                        "purpose": lb.short_description,
                        "purposeCategory": [serde_json::to_value(lb.kind).map_err(|_| Error::internal("basis type"))?],
                        "consentType": "EXPLICIT",
                        "piiCategory": [],
                        "primaryPurpose": true,
                        "termination": view.expires_ms,
                        "thirdPartyDisclosure": false,
                    }],
                }));
            }
            state.push(json!({"legal_basis": view.legal_basis, "status": view.status, "in_force": view.in_force}));
        }
        let mut id = [0u8; 16];
        crate::crypto::random_fill(&mut id)?;
        let receipt_id = format_token(&token_from_random(id));
        let subject = format_token(&token);
        let (time, method, language) = latest.unwrap_or((now, String::new(), None));
        let body = json!({
            "version": "KI-CR-v1.1.0",
            "consentReceiptID": receipt_id,
            "consentTimestamp": time / 1000,
            "collectionMethod": method,
            "language": language,
            "piiPrincipalId": subject,
            "piiControllers": [],
            "services": services,
            "sensitive": false,
            "spiCat": [],
            "record": {
                "schema_version": "ISO/IEC TS 27560:2023",
                "record_id": receipt_id,
                "pii_principal_id": subject,
                "events": events,
                "state": state,
            },
            "issuer": {
                "format": FORMAT,
                "vault": hex::encode(engine.keys().vault_id()),
                "key_id": engine.keys().consent().key_id,
                "alg": "HMAC-SHA256",
                "issued_ms": now,
            },
        });
        let Value::Object(mut body) = body else { return Err(Error::internal("a receipt is an object")) };
        let mac = mac_of(engine, &body);
        body.insert("mac".to_owned(), Value::String(hex::encode(mac)));
        Ok(Value::Object(body))
    }
}

/// Verify a receipt this vault issued: `INTEGRITY` for any change to it — an edited, removed or
/// added field, the MAC's or the issuer's included — and when another vault issued it;
/// `INVALID_INPUT` only when it is not a JSON object at all.
pub(crate) fn verify_receipt(engine: &Engine, receipt: &Value) -> Result<ReceiptCheck> {
    let Value::Object(map) = receipt else { return Err(Error::invalid("a receipt is a JSON object")) };
    let changed = || Error::integrity("the receipt was changed after it was issued (or is not a bunkerlite receipt)");
    let mut body = map.clone();
    let mac = match body.remove("mac") {
        Some(Value::String(m)) => m,
        _ => return Err(changed()),
    };
    let issuer = body.get("issuer").and_then(Value::as_object).ok_or_else(changed)?;
    if issuer.get("vault").and_then(Value::as_str) != Some(hex::encode(engine.keys().vault_id()).as_str()) {
        return Err(Error::integrity("the receipt was issued by another vault"));
    }
    // The MAC covers the format name and every field: an edited format fails it as any edit does.
    let expected = hex::encode(mac_of(engine, &body));
    if !bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), mac.as_bytes())) {
        return Err(Error::integrity("the receipt's MAC does not match: it was changed after it was issued"));
    }
    let record = body.get("record").and_then(Value::as_object);
    Ok(ReceiptCheck {
        valid: true,
        subject: record.and_then(|r| r.get("pii_principal_id")).and_then(Value::as_str).unwrap_or_default().to_owned(),
        events: record.and_then(|r| r.get("events")).and_then(Value::as_array).map_or(0, |e| e.len() as u64),
        issued_ms: issuer.get("issued_ms").and_then(Value::as_i64).unwrap_or_default(),
    })
}
