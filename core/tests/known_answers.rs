//! Known answers: RFC 8452 AES-256-GCM-SIV vectors through the envelope code path, and the
//! fixture `tests/vectors/crypto.json` pinning bunkerlite's key derivations and blind indexes
//! (the same file the C, Python and Node suites read).

use bunkerlite::testing;
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
        let sealed = testing::envelope_seal(&key, 7, nonce, &aad, &pt).expect("seal");
        // Envelope = version 1 ‖ key id ‖ nonce ‖ ciphertext ‖ tag.
        let mut expected = vec![1, 0, 0, 0, 7];
        expected.extend_from_slice(&nonce);
        expected.extend_from_slice(&ct);
        assert_eq!(hex::encode(&sealed), hex::encode(&expected), "vector {i}: seal");
        assert_eq!(testing::envelope_open(&key, &aad, &expected).expect("open"), pt, "vector {i}: open");
        let mut tampered = expected.clone();
        *tampered.last_mut().expect("tag") ^= 0x80;
        assert!(testing::envelope_open(&key, &aad, &tampered).is_err(), "vector {i}: tampered tag accepted");
    }
}

fn bytes_of(seed: u8, n: usize) -> Vec<u8> {
    (0..n).map(|i| seed.wrapping_add(i as u8)).collect()
}

/// bunkerlite's own derivations from fixed inputs.
fn compute() -> Value {
    let master = bytes_of(0x00, 32);
    let vault_id: [u8; 16] = bytes_of(0xa0, 16).try_into().expect("16");
    let index_root = bytes_of(0x40, 32);
    let kek = testing::derive_kek(&master, &vault_id).expect("kek");
    let wrap_ad = testing::associated_data(&vault_id, "keys", "wrapped", b"index-root");
    let wrapped = testing::envelope_seal(&kek, 1, [0x11; 12], &wrap_ad, &index_root).expect("wrap");
    let token = bytes_of(0x70, 16);
    let profile_ad = testing::associated_data(&vault_id, "subjects", "profile", &token);
    let profile = br#"{"email":"Ann@Example.com","name":"Ann"}"#;
    let dek = bytes_of(0x90, 32);
    let sealed_profile = testing::envelope_seal(&dek, 0, [0x22; 12], &profile_ad, profile).expect("seal");
    let inputs: &[(&str, &str, Option<&str>)] = &[
        ("email", "  Ann.Lee@Example.COM ", None),
        ("email", "ann.lee@example.com", None),
        ("email", "Jürgen@Beispiel.de", None),
        ("phone", "+49 30 901820", None),
        ("phone", "030 901820", Some("DE")),
        ("phone", "+1 (202) 555-0143", None),
        ("login", "  ann ", None),
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
    json!({
        "key_hierarchy": {
            "master_key": hex::encode(&master),
            "vault_id": hex::encode(vault_id),
            "kek": hex::encode(kek),
            "key_check": hex::encode(testing::key_check(&master, &vault_id).expect("check")),
            "index_root": hex::encode(&index_root),
            "wrapped_index_root": {"ad": hex::encode(&wrap_ad), "envelope": hex::encode(&wrapped)},
        },
        "envelopes": [{
            "key": hex::encode(&dek),
            "vault_id": hex::encode(vault_id),
            "table": "subjects", "column": "profile", "record": hex::encode(&token),
            "ad": hex::encode(&profile_ad),
            "plaintext": String::from_utf8_lossy(profile),
            "envelope": hex::encode(&sealed_profile),
        }],
        "blind_indexes": blind,
    })
}

#[test]
fn bunkerlite_derivations_match_the_fixture() {
    let mut doc = load();
    let computed = compute();
    if std::env::var("BUNKERLITE_WRITE_VECTORS").as_deref() == Ok("1") {
        for k in ["key_hierarchy", "envelopes", "blind_indexes"] {
            doc[k] = computed[k].clone();
        }
        std::fs::write(VECTORS, serde_json::to_string_pretty(&doc).expect("json") + "\n").expect("write");
        return;
    }
    for k in ["key_hierarchy", "envelopes", "blind_indexes"] {
        assert_eq!(doc[k], computed[k], "{k} differs from tests/vectors/crypto.json");
    }
    // The fixture's chain, step by step from the file alone: master → KEK opens the wrapped root.
    let h = &doc["key_hierarchy"];
    let kek = unhex(&h["kek"]);
    let root = testing::envelope_open(
        &kek,
        &unhex(&h["wrapped_index_root"]["ad"]),
        &unhex(&h["wrapped_index_root"]["envelope"]),
    )
    .expect("unwrap");
    assert_eq!(root, unhex(&h["index_root"]));
    for e in doc["envelopes"].as_array().expect("envelopes") {
        let plain = testing::envelope_open(&unhex(&e["key"]), &unhex(&e["ad"]), &unhex(&e["envelope"])).expect("open");
        assert_eq!(plain, e["plaintext"].as_str().expect("text").as_bytes());
    }
}
