"""tests/vectors/crypto.json, checked with implementations independent of bunkerlite's: Python's
own HMAC/SHA-256 (HKDF, blind indexes, the audit chain MAC), the associated data rebuilt from its
specification, and pyca/cryptography's AES-256-GCM-SIV (every envelope of the file); and the
normalised forms the vault computes, observed through lookups on a live vault."""

import hashlib
import hmac
import json
import pathlib
import struct
from typing import Any, Dict, List, Optional

from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV

import bunkerlite

DOC = json.loads((pathlib.Path(__file__).parents[3] / "tests" / "vectors" / "crypto.json").read_text("utf-8"))


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()  # one block = 32 bytes


def test_key_hierarchy() -> None:
    h = DOC["key_hierarchy"]
    master, vault_id = bytes.fromhex(h["master_key"]), bytes.fromhex(h["vault_id"])
    assert hkdf_sha256(master, vault_id, b"bunkerlite/v2/wrap/master").hex() == h["wrapping_key"]
    # The wrapping key opens the root key's envelope, the root key the index root's.
    assert DOC["envelopes"][0]["key"] == h["wrapping_key"]
    assert bytes.fromhex(DOC["envelopes"][0]["plaintext"]).hex() == h["root_key"]
    assert DOC["envelopes"][1]["key"] == h["root_key"]
    assert bytes.fromhex(DOC["envelopes"][1]["plaintext"]).hex() == h["index_root"]


def associated_data(e: Dict[str, Any], header: bytes) -> bytes:
    slot, record = str(e["slot"]).encode(), bytes.fromhex(e["record"])
    ad = b"bunkerlite/v2\x00" + header + bytes.fromhex(e["vault_id"]) + bytes([len(slot)]) + slot
    ad += struct.pack(">I", len(record)) + record
    row: Optional[Dict[str, int]] = e["row"]
    if row is None:
        return bytes(ad + b"\x00")
    return bytes(ad + b"\x01" + struct.pack(">qqq", row["version"], row["created_ms"], row["updated_ms"]))


def test_envelopes() -> None:
    for e in DOC["envelopes"]:
        envelope = bytes.fromhex(e["envelope"])
        header = bytes([2]) + struct.pack(">I", e["key_id"])
        assert envelope[:5] == header
        ad = associated_data(e, header)
        assert ad.hex() == e["ad"], e["slot"]
        nonce, body = envelope[5:17], envelope[17:]
        plain = AESGCMSIV(bytes.fromhex(e["key"])).decrypt(nonce, body, ad)
        assert plain.hex() == e["plaintext"], e["slot"]


def test_blind_indexes() -> None:
    h = DOC["key_hierarchy"]
    root, vault_id = bytes.fromhex(h["index_root"]), bytes.fromhex(h["vault_id"])
    for case in DOC["blind_indexes"]:
        field_key = hkdf_sha256(root, vault_id, b"bunkerlite/v2/index/" + case["field"].encode())
        mac = hmac.new(field_key, case["normalized"].encode(), hashlib.sha256).digest()
        assert mac[:16].hex() == case["index"], case


def test_audit_chain_macs() -> None:
    chain = DOC["audit_chain"]
    key, prev = bytes.fromhex(chain["key"]), bytes(32)

    def opt(part: Optional[bytes]) -> bytes:
        return b"\x00" if part is None else b"\x01" + part

    for e in chain["events"]:
        def num(v: Optional[int]) -> Optional[bytes]:
            return None if v is None else struct.pack(">q", v)

        # Format 12 (label v3) covers the SHA-256 of the sealed details instead of the details.
        label = e.get("label", "bunkerlite/v2/audit").encode()
        details = None if e["details"] is None else bytes.fromhex(e["details"])
        if details is not None and label == b"bunkerlite/v3/audit":
            details = hashlib.sha256(details).digest()
        parts: List[bytes] = [
            label,
            prev,
            struct.pack(">Q", e["seq"]),
            struct.pack(">q", e["time_ms"]),
            e["actor"].encode(),
            opt(None if e["purpose"] is None else e["purpose"].encode()),
            e["action"].encode(),
            opt(None if e["subject"] is None else bytes.fromhex(e["subject"])),
            opt(num(e["subject_id"])),
            opt(num(e["version"])),
            e["outcome"].encode(),
            opt(details),
        ]
        mac = hmac.new(key, b"".join(struct.pack(">Q", len(p)) + p for p in parts), hashlib.sha256).digest()
        assert mac.hex() == e["mac"], e["seq"]
        prev = mac


def test_normalisation_is_the_one_the_vault_uses() -> None:
    # Two spellings collide in a live vault exactly when the fixture says they normalise alike.
    for case in DOC["blind_indexes"]:
        options = {"indexed_fields": ["customer_id"], "default_region": case["default_region"]}
        with bunkerlite.Vault.open_in_memory(bunkerlite.MasterKey.generate(), options) as vault:
            token = vault.create_subject({case["field"]: case["input"]})
            assert vault.get_subject({case["field"]: case["normalized"]})["token"] == token
