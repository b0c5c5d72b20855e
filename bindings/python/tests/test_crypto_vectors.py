"""tests/vectors/crypto.json, checked with Python's own HMAC/SHA-256 (an implementation independent
of bunkerlite's): master key → KEK and key-check value, index root → per-field key → blind index,
and the normalised forms the vault computes (observed through lookups on a live vault)."""

import hashlib
import hmac
import json
import pathlib

import bunkerlite

DOC = json.loads((pathlib.Path(__file__).parents[3] / "tests" / "vectors" / "crypto.json").read_text("utf-8"))


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()  # one block = 32 bytes


def test_key_hierarchy() -> None:
    h = DOC["key_hierarchy"]
    master, vault_id = bytes.fromhex(h["master_key"]), bytes.fromhex(h["vault_id"])
    assert hkdf_sha256(master, vault_id, b"bunkerlite/v1/kek").hex() == h["kek"]
    assert hkdf_sha256(master, vault_id, b"bunkerlite/v1/key-check").hex() == h["key_check"]


def test_blind_indexes() -> None:
    h = DOC["key_hierarchy"]
    root, vault_id = bytes.fromhex(h["index_root"]), bytes.fromhex(h["vault_id"])
    for case in DOC["blind_indexes"]:
        field_key = hkdf_sha256(root, vault_id, b"bunkerlite/v1/index/" + case["field"].encode())
        mac = hmac.new(field_key, case["normalized"].encode(), hashlib.sha256).digest()
        assert mac[:16].hex() == case["index"], case


def test_normalisation_is_the_one_the_vault_uses() -> None:
    # Two spellings collide in a live vault exactly when the fixture says they normalise alike.
    for case in DOC["blind_indexes"]:
        options = {"indexed_fields": ["customer_id"], "default_region": case["default_region"]}
        with bunkerlite.Vault.open_in_memory(bunkerlite.MasterKey.generate(), options) as vault:
            token = vault.create_subject({case["field"]: case["input"]})
            assert vault.get_subject(**{case["field"]: case["normalized"]})["token"] == token
