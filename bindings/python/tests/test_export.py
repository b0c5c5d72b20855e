"""Export from Python: the document and the file both validate against the committed JSON Schema
(schemas/export.schema.json) with a real validator, hold the subject's data and nobody else's,
and the file form never replaces a file."""

import json
import os
import pathlib
import stat
from typing import Any, Dict

import jsonschema
import pytest

import bunkerlite

SCHEMA_PATH = pathlib.Path(__file__).resolve().parents[3] / "schemas" / "export.schema.json"


def schema() -> Dict[str, Any]:
    loaded: Dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return loaded


def populated() -> "tuple[bunkerlite.Vault, str, str]":
    v = bunkerlite.Vault.open_in_memory(bunkerlite.MasterKey.generate(), {"default_region": "DE"})
    ann = v.create_subject({"email": "ann.canary@example.org", "name": "Ann", "address": {"city": "Berlin"}})
    bob = v.create_subject({"email": "bob.canary@example.org", "name": "Bob Secret"})
    for who, street, phone in ((ann, "Ann Street", "+49 30 901820"), (bob, "Bob Street", "+49 30 901821")):
        lookup = {"token": who}
        v.update_subject(lookup, {"phone": phone})
        v.put_app_document(lookup, "shipping", {"street": street})
        v.set_session({"cart": [street]}, {"subject": who})
        v.create_share(lookup, {"of": "profile", "fields": ["name"], "partner": "courier"})
        v.tokenize(street + " 4111", {"subject": who})
    v.set_legal_basis("newsletter", {"type": "consent"}, actor="admin:dpo")
    v.give_consent({"token": ann}, "newsletter", actor="subject")
    return v, ann, bob


def test_the_export_validates_and_holds_only_the_subject() -> None:
    v, ann, bob = populated()
    doc = v.export_subject({"email": "ann.canary@example.org"}, actor="admin:dpo", purpose=None)
    jsonschema.Draft202012Validator(schema()).validate(doc)
    assert doc["format"] == "bunkerlite-export/1"
    assert doc["subject"]["token"] == ann
    profile = doc["subject"]["profile"]
    assert profile is not None and profile["address"] == {"city": "Berlin"}
    assert [a["app"] for a in doc["apps"]] == ["shipping"]
    assert len(doc["tokens"]) == len(doc["sessions"]) == len(doc["shares"]) == 1
    assert doc["audit"][0]["action"] == "consent.give"
    text = json.dumps(doc)
    for other in (bob, "bob.canary", "Bob Secret", "Bob Street", "Ann Street 4111"):
        assert other not in text
    assert v.verify_consent_receipt(doc["consent"])["valid"] is True
    v.close()


def test_a_changed_document_fails_the_schema() -> None:
    v, ann, _ = populated()
    doc: Dict[str, Any] = dict(v.export_subject({"token": ann}))
    validator = jsonschema.Draft202012Validator(schema())
    for broken in ({**doc, "extra": 1}, {k: x for k, x in doc.items() if k != "audit"}, {**doc, "format": "other/1"}):
        with pytest.raises(jsonschema.ValidationError):
            validator.validate(broken)
    v.close()


def test_the_file_streams_validates_and_is_never_replaced(tmp_path: pathlib.Path) -> None:
    v, ann, _ = populated()
    path = tmp_path / "ann.json"
    summary = v.export_subject_to_file({"token": ann}, str(path))
    data = path.read_bytes()
    assert summary["bytes"] == len(data)
    assert summary["subject"] == ann and summary["format"] == "bunkerlite-export/1"
    assert summary["sections"]["apps"] == 1
    jsonschema.Draft202012Validator(schema()).validate(json.loads(data))
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(bunkerlite.InvalidInputError):
        v.export_subject_to_file({"token": ann}, str(path))
    assert path.read_bytes() == data
    with pytest.raises(bunkerlite.NotFoundError):
        v.export_subject_to_file({"email": "nobody@example.org"}, str(tmp_path / "nobody.json"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ann.json"]
    v.close()
