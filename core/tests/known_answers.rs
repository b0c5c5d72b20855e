//! Known answers: RFC 8452 AES-256-GCM-SIV vectors through the envelope code path, and the
//! fixture `tests/vectors/crypto.json` pinning bunkerlite's key derivations, envelopes, blind
//! indexes and audit chain MACs (the same file the C, Python and Node suites read).

use bunkerlite::testing::{self, PlaceSpec};
use serde_json::{json, Value};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/crypto.json");

fn unhex(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("hex")
}

fn load() -> Value {
    serde_json::from_str(&std::fs::read_to_string(VECTORS).expect("vector file")).expect("json")
}

#[test]
fn rfc8452_through_the_envelope() {
    let doc = load();
    let vectors = doc["aes_256_gcm_siv"].as_array().expect("vectors");
    assert_eq!(vectors.len(), 24, "all of RFC 8452 C.2");
    for (i, v) in vectors.iter().enumerate() {
        let (key, nonce, aad, pt, ct) =
            (unhex(&v["key"]), unhex(&v["nonce"]), unhex(&v["aad"]), unhex(&v["plaintext"]), unhex(&v["ciphertext"]));
        let nonce: [u8; 12] = nonce.try_into().expect("12-byte nonce");
        let sealed = testing::envelope_seal_raw(&key, 7, nonce, &aad, &pt).expect("seal");
        // Envelope = version 2 ‖ key id ‖ nonce ‖ ciphertext ‖ tag (the RFC's AD used as the whole AD).
        let mut expected = vec![2, 0, 0, 0, 7];
        expected.extend_from_slice(&nonce);
        expected.extend_from_slice(&ct);
        assert_eq!(hex::encode(&sealed), hex::encode(&expected), "vector {i}: seal");
        assert_eq!(testing::envelope_open_raw(&key, &aad, &expected).expect("open"), pt, "vector {i}: open");
        let mut tampered = expected.clone();
        *tampered.last_mut().expect("tag") ^= 0x80;
        assert!(testing::envelope_open_raw(&key, &aad, &tampered).is_err(), "vector {i}: tampered tag accepted");
    }
}

fn bytes_of(seed: u8, n: usize) -> Vec<u8> {
    (0..n).map(|i| seed.wrapping_add(i as u8)).collect()
}

/// One envelope of the fixture: a place, a key, a fixed nonce and a plaintext.
fn envelope(key: &[u8], key_id: u32, nonce: u8, spec: PlaceSpec<'_>, plaintext: &[u8]) -> Value {
    let (vault_id, slot, record, row) = spec;
    let sealed = testing::envelope_seal(key, key_id, [nonce; 12], spec, plaintext).expect("seal");
    json!({
        "key": hex::encode(key),
        "key_id": key_id,
        "vault_id": hex::encode(vault_id),
        "slot": slot,
        "record": hex::encode(record),
        "row": row.map(|(version, created_ms, updated_ms)| json!({"version": version, "created_ms": created_ms, "updated_ms": updated_ms})),
        "ad": hex::encode(testing::associated_data(spec, key_id).expect("ad")),
        "plaintext": hex::encode(plaintext),
        "envelope": hex::encode(sealed),
    })
}

/// bunkerlite's own derivations from fixed inputs.
fn compute() -> Value {
    let master = bytes_of(0x00, 32);
    let vault_id: [u8; 16] = bytes_of(0xa0, 16).try_into().expect("16");
    let wrapping = testing::wrapping_key(&master, &vault_id).expect("wrapping key");
    let root = bytes_of(0x30, 32);
    let index_root = bytes_of(0x40, 32);
    let kek = bytes_of(0x50, 32);
    let audit_key = bytes_of(0x60, 32);
    let token = bytes_of(0x70, 16);
    let dek = bytes_of(0x90, 32);
    let mut index_record = 2u32.to_be_bytes().to_vec();
    index_record.extend_from_slice(b"index");
    let envelopes = vec![
        envelope(&wrapping, 0, 0x11, (&vault_id, "key_wrappings.wrapped", b"master", None), &root),
        envelope(&root, 0, 0x12, (&vault_id, "keys.wrapped", &index_record, None), &index_root),
        envelope(&kek, 1, 0x13, (&vault_id, "subjects.dek", &token, None), &dek),
        envelope(
            &dek,
            0,
            0x22,
            (&vault_id, "subjects.profile", &token, Some((3, 1_700_000_000_000, 1_700_000_000_500))),
            br#"{"email":"Ann@Example.com","name":"Ann"}"#,
        ),
    ];
    let inputs: &[(&str, &str, Option<&str>)] = &[
        ("email", "  Ann.Lee@Example.COM ", None),
        ("email", "ann.lee@example.com", None),
        ("email", "Jürgen@Beispiel.de", None),
        ("email", "\u{212A}im@Example.com", None),
        ("email", "Jo\u{0308}rg@Example.de", None),
        ("email", "\u{FF21}nn@\u{FF25}xample.com", None),
        ("phone", "+49 30 901820", None),
        ("phone", "030 901820", Some("DE")),
        ("phone", "+1 (202) 555-0143", None),
        ("login", "  ann ", None),
        ("login", "Jo\u{0308}rg", None),
        ("customer_id", "C-17", None),
    ];
    let blind: Vec<Value> = inputs
        .iter()
        .map(|(field, input, region)| {
            let normalized = testing::normalize(field, input, *region).expect("normalise");
            let index = testing::blind_index(&index_root, &vault_id, field, &normalized).expect("index");
            json!({"field": field, "input": input, "default_region": region, "normalized": normalized, "index": hex::encode(index)})
        })
        .collect();
    // Two chained events: a read with a purpose and no details, then an update with details.
    let first = testing::audit_mac(
        &audit_key,
        &[0; 32],
        1,
        1_700_000_000_000,
        "app:billing",
        Some("invoicing"),
        "subject.get",
        Some(&token),
        Some(7),
        None,
        "ok",
        None,
        false,
    )
    .expect("mac");
    let second = testing::audit_mac(
        &audit_key,
        &first,
        2,
        1_700_000_000_001,
        "admin:7",
        None,
        "subject.update",
        Some(&token),
        Some(7),
        Some(2),
        "ok",
        Some(b""),
        false,
    )
    .expect("mac");
    // Format 12: the MAC covers the SHA-256 of the sealed details (so they can be shredded).
    let sealed = b"sealed details";
    let third = testing::audit_mac(
        &audit_key,
        &second,
        3,
        1_700_000_000_002,
        "admin:7",
        Some("support"),
        "subject.update",
        Some(&token),
        Some(7),
        Some(3),
        "ok",
        Some(sealed),
        true,
    )
    .expect("mac");
    let audit = json!({
        "key": hex::encode(&audit_key),
        "events": [
            {"seq": 1, "time_ms": 1_700_000_000_000i64, "actor": "app:billing", "purpose": "invoicing", "action": "subject.get",
             "subject": hex::encode(&token), "subject_id": 7, "version": null, "outcome": "ok", "details": null, "mac": hex::encode(first)},
            {"seq": 2, "time_ms": 1_700_000_000_001i64, "actor": "admin:7", "purpose": null, "action": "subject.update",
             "subject": hex::encode(&token), "subject_id": 7, "version": 2, "outcome": "ok", "details": "", "mac": hex::encode(second)},
            {"seq": 3, "time_ms": 1_700_000_000_002i64, "actor": "admin:7", "purpose": "support", "action": "subject.update",
             "subject": hex::encode(&token), "subject_id": 7, "version": 3, "outcome": "ok", "details": hex::encode(sealed),
             "label": "bunkerlite/v3/audit", "mac": hex::encode(third)},
        ],
    });
    json!({
        "key_hierarchy": {
            "master_key": hex::encode(&master),
            "vault_id": hex::encode(vault_id),
            "wrapping_key": hex::encode(wrapping),
            "root_key": hex::encode(&root),
            "index_root": hex::encode(&index_root),
        },
        "envelopes": envelopes,
        "blind_indexes": blind,
        "audit_chain": audit,
    })
}

const PARTS: [&str; 4] = ["key_hierarchy", "envelopes", "blind_indexes", "audit_chain"];

#[test]
fn bunkerlite_derivations_match_the_fixture() {
    let mut doc = load();
    let computed = compute();
    if std::env::var("BUNKERLITE_WRITE_VECTORS").as_deref() == Ok("1") {
        for k in PARTS {
            doc[k] = computed[k].clone();
        }
        std::fs::write(VECTORS, serde_json::to_string_pretty(&doc).expect("json") + "\n").expect("write");
        return;
    }
    for k in PARTS {
        assert_eq!(doc[k], computed[k], "{k} differs from tests/vectors/crypto.json");
    }
    // Each envelope of the file opens from the file alone, and fails once moved or edited.
    for e in doc["envelopes"].as_array().expect("envelopes") {
        let vault_id: [u8; 16] = unhex(&e["vault_id"]).try_into().expect("16");
        let record = unhex(&e["record"]);
        let row = e["row"].as_object().map(|r| {
            let n = |k: &str| r[k].as_i64().expect("integer");
            (n("version"), n("created_ms"), n("updated_ms"))
        });
        let spec = (&vault_id, e["slot"].as_str().expect("slot"), record.as_slice(), row);
        let key_id = e["key_id"].as_u64().expect("key id") as u32;
        let sealed = unhex(&e["envelope"]);
        let plain = testing::envelope_open(&unhex(&e["key"]), key_id, spec, &sealed).expect("open");
        assert_eq!(plain, unhex(&e["plaintext"]));
        let mut edited = sealed.clone();
        edited[1] ^= 0x80; // the key id in the header
        assert!(testing::envelope_open(&unhex(&e["key"]), key_id ^ 0x8000_0000, spec, &edited).is_err());
    }
}
