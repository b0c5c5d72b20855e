"""The TypedDicts of bunkerlite.types (generated from the core's Rust types) describe what the
vault really returns: every result of every shape is checked against its class, field by field,
recursively (required keys present, no key the class does not name, each value of its type)."""

import typing
from typing import Any, Dict, List, Literal, Union, get_args, get_origin, is_typeddict

import pytest

import bunkerlite
from bunkerlite import types


def conforms(value: Any, hint: Any, where: str = "result") -> None:
    origin = get_origin(hint)
    if hint is Any:
        return
    if is_typeddict(hint):
        assert isinstance(value, dict), f"{where}: {type(value).__name__} is not an object"
        fields = typing.get_type_hints(hint)
        missing = hint.__required_keys__ - value.keys()
        assert not missing, f"{where}: missing {sorted(missing)}"
        unknown = value.keys() - fields.keys()
        assert not unknown, f"{where}: {hint.__name__} does not name {sorted(unknown)}"
        for key, item in value.items():
            conforms(item, fields[key], f"{where}.{key}")
    elif origin is Union:
        errors = []
        for member in get_args(hint):
            try:
                conforms(value, member, where)
                return
            except AssertionError as e:
                errors.append(str(e))
        raise AssertionError(f"{where}: no member of {hint} fits: {errors}")
    elif origin is Literal:
        assert value in get_args(hint), f"{where}: {value!r} is not one of {get_args(hint)}"
    elif origin in (list, List):
        assert isinstance(value, list), f"{where}: not a list"
        (item,) = get_args(hint)
        for i, v in enumerate(value):
            conforms(v, item, f"{where}[{i}]")
    elif origin in (dict, Dict):
        assert isinstance(value, dict), f"{where}: not an object"
        _, item = get_args(hint)
        for k, v in value.items():
            conforms(v, item, f"{where}.{k}")
    elif hint is type(None):
        assert value is None, f"{where}: {value!r} is not null"
    elif hint is int:
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r} is not an int"
    else:
        assert isinstance(value, hint), f"{where}: {value!r} is not {hint}"


def test_every_result_shape_is_what_its_typeddict_says() -> None:
    key = bunkerlite.MasterKey.generate()
    with bunkerlite.Vault.open_in_memory(key, {"default_region": "DE"}) as vault:
        admin = {"actor": "admin:dpo"}
        token = vault.create_subject({"email": "ann@example.com", "name": "Ann"}, actor="app:signup")
        other = vault.create_subject({"email": "bob@example.com"})
        conforms(vault.get_subject({"token": token}), types.Subject)
        conforms(vault.get_subjects([{"token": token}, {"email": "nobody@example.com"}]), List[typing.Optional[types.Subject]])
        conforms(vault.update_subject({"token": token}, {"city": "Berlin"}), types.Subject)
        card = vault.tokenize("4111111111111111", {"kind": "card", "subject": token})
        conforms(vault.token_info(card), types.TokenInfo)
        conforms(vault.tokenize_many(["a", ""], {"deterministic": True}), types.TokenBatchOfTokenizeItem)
        conforms(vault.detokenize_many([card, "nope"]), types.TokenBatchOfDetokenizeItem)
        conforms(vault.token_infos([card, "nope"]), types.TokenBatchOfInfoItem)
        conforms(vault.purge_tokens(), types.PurgeReport)
        basis = vault.set_legal_basis("newsletter", {"type": "consent", "short_description": "News"}, **admin)
        conforms(basis, types.LegalBasis)
        conforms(vault.get_legal_basis("newsletter"), types.LegalBasis)
        conforms(vault.list_legal_bases(), List[types.LegalBasis])
        conforms(vault.set_activity("marketing", {"operations": ["read"], "legal_bases": ["newsletter"]}, **admin), types.Activity)
        conforms(vault.list_activities(), List[types.Activity])
        conforms(vault.give_consent({"token": token}, "newsletter", {"ttl_ms": 60_000}), types.Agreement)
        conforms(vault.withdraw_consent({"token": token}, "newsletter"), types.Agreement)
        conforms(vault.list_consents({"token": token}), List[types.Agreement])
        receipt = vault.export_consent_receipt({"token": token})
        conforms(vault.verify_consent_receipt(receipt), types.ReceiptCheck)
        conforms(vault.can_process({"token": token}, "marketing"), types.ProcessingDecision)
        conforms(vault.list_consent_events("crm"), types.PageOfConsentEvent)
        conforms(vault.purge_consents(), types.ConsentReport)
        conforms(vault.put_app_document({"token": token}, "shipping", {"city": "Berlin"}), types.AppDocument)
        conforms(vault.update_app_document({"token": token}, "shipping", {"zip": "10115"}), types.AppDocument)
        conforms(vault.get_app_document({"token": token}, "shipping"), types.AppDocument)
        conforms(vault.list_apps({"token": token}), List[str])
        conforms(vault.list_app_names(), List[str])
        vault.delete_app_document({"token": token}, "shipping")
        session = vault.set_session({"cart": [1]}, {"subject": token, "ttl_ms": 60_000})
        conforms(session, types.SessionInfo)
        conforms(vault.get_session(session["id"]), types.Session)
        conforms(vault.touch_session(session["id"], {"ttl_ms": 120_000}), types.SessionInfo)
        conforms(vault.list_sessions({"token": token}, limit=10), types.PageOfSessionRef)
        vault.delete_session(session["id"])
        conforms(vault.purge_sessions(), types.SessionPurge)
        share = vault.create_share({"token": token}, {"of": "profile", "fields": ["name"], "partner": "courier"})
        conforms(share, types.ShareInfo)
        conforms(vault.resolve_share(share["id"], "courier"), types.Shared)
        conforms(vault.list_shares({"token": token}), List[types.ShareRef])
        vault.revoke_share(share["id"])
        conforms(vault.delete_tokens([card, "nope"]), types.TokenBatchOfDeleteItem)
        conforms(vault.forget_subject({"token": other}), types.ErasureReceipt)
        conforms(vault.forget_subjects([{"token": token}, {"token": other}]), List[typing.Optional[types.ErasureReceipt]])
        conforms(vault.list_consent_events("crm"), types.PageOfConsentEvent)
        conforms(vault.list_audit_events(None, details=True, actor="admin:dpo"), types.PageOfAuditEvent)
        head = vault.get_audit_head()
        conforms(head, types.AuditHead)
        conforms(vault.verify_audit(head), types.AuditReport)
        conforms(vault.compact(), types.CompactReport)


def test_a_wrong_shape_is_caught() -> None:
    with pytest.raises(AssertionError, match="missing"):
        conforms({"token": "t"}, types.Subject)
    with pytest.raises(AssertionError, match="does not name"):
        conforms({"removed": 1, "extra": 2}, types.PurgeReport)
    with pytest.raises(AssertionError, match="not one of"):
        conforms("maybe", types.ConsentStatus)


def test_the_module_lists_what_it_defines() -> None:
    for name in types.__all__:
        assert hasattr(types, name), name
    assert is_typeddict(types.Options) and not types.Options.__required_keys__, "options are all optional"
