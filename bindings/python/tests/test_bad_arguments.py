"""tests/vectors/bad_arguments.json: every bad value of every kind, for every argument of every
operation (the others valid), fails with a bunkerlite.Error of the expected code — a wrong type
also as a TypeError — and never with an error outside the hierarchy."""

import json
import pathlib
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import bunkerlite

VECTORS = pathlib.Path(__file__).parents[3] / "tests" / "vectors"
BAD = json.loads((VECTORS / "bad_arguments.json").read_text("utf-8"))
OPERATIONS = json.loads((VECTORS / "operations.json").read_text("utf-8"))["operations"]


def cases() -> Iterator[Tuple[str, int, Dict[str, Any]]]:
    for op in OPERATIONS:
        for i, arg in enumerate(op["args"]):
            for case in BAD["kinds"][arg["kind"]]:
                yield op["name"], i, case


@pytest.fixture(scope="module")
def vault() -> Iterator[Tuple[bunkerlite.Vault, str]]:
    v = bunkerlite.Vault.open_in_memory(bunkerlite.MasterKey.generate())
    token = v.create_subject({"email": "ann@example.org"})
    yield v, token
    v.close()


def valid(kind: str, token: str) -> Any:
    return {
        "lookup": {"token": token},
        "lookups": [{"token": token}],
        "doc": {},
        "docs": [{}],
        "opt_str": token,
        "str": "x",
        "strs": ["x"],
        "opt_doc": None,
        "anchor": None,
        "key": bunkerlite.MasterKey.generate(),
    }[kind]


@pytest.mark.parametrize("name,index,case", list(cases()), ids=lambda x: repr(x)[:60])
def test_every_argument_refuses_every_bad_value(
    vault: Tuple[bunkerlite.Vault, str], name: str, index: int, case: Dict[str, Any]
) -> None:
    v, token = vault
    op = next(o for o in OPERATIONS if o["name"] == name)
    args: List[Any] = []
    kwargs: Dict[str, Any] = {}
    for i, arg in enumerate(op["args"]):
        kind = arg["kind"]
        if kind == "flag":
            if i == index:
                kwargs[arg["name"]] = case["value"]
        elif kind in ("caller", "page"):
            if i == index:
                kwargs.update({k: val for k, val in case.items() if k not in ("type", "code")})
        else:
            args.append(case["value"] if i == index else valid(kind, token))
    with pytest.raises(bunkerlite.Error) as err:
        getattr(v, name)(*args, **kwargs)
    assert err.value.code == case.get("code", "INVALID_INPUT"), (name, case, err.value)
    if case.get("type"):
        assert isinstance(err.value, TypeError) and isinstance(err.value, bunkerlite.InvalidTypeError), (name, case)


def test_lifecycle_arguments_stay_in_the_hierarchy(tmp_path: pathlib.Path) -> None:
    key = bunkerlite.MasterKey.generate()
    bad_calls: List[Any] = [
        lambda: bunkerlite.Vault.open(5, key),  # type: ignore[arg-type]
        lambda: bunkerlite.Vault.open(tmp_path / "v.db", key.to_hex()),  # type: ignore[arg-type]
        lambda: bunkerlite.Vault.open(tmp_path / "v.db", key, ["not", "a", "dict"]),  # type: ignore[arg-type]
        lambda: bunkerlite.Vault.open_in_memory(None),  # type: ignore[arg-type]
        lambda: bunkerlite.MasterKey.from_hex(5),  # type: ignore[arg-type]
        lambda: bunkerlite.MasterKey.from_hex("\ud800"),
        lambda: bunkerlite.MasterKey.from_bytes("not bytes"),  # type: ignore[arg-type]
        lambda: bunkerlite.MasterKey.from_env(None),  # type: ignore[arg-type]
        lambda: bunkerlite.MasterKey.from_file(5),  # type: ignore[arg-type]
        lambda: bunkerlite.Vault.open_in_memory(key, {"limits": {"max_depth": "deep"}}),
    ]
    for call in bad_calls:
        with pytest.raises(bunkerlite.Error):
            call()


def test_malformed_key_text_is_one_code() -> None:
    # Text that cannot be hex or base64 — wrong digits, wrong length, or not valid Unicode at all
    # — is KEY_SOURCE in every binding; only a value that is not text is a type error.
    for text in ["zz" * 32, "ab", "\udc00" * 64, "\ud800"]:
        with pytest.raises(bunkerlite.KeySourceError):
            bunkerlite.MasterKey.from_hex(text)
    for text in ["!!!", "\udc00" * 44]:
        with pytest.raises(bunkerlite.KeySourceError):
            bunkerlite.MasterKey.from_base64(text)
    with pytest.raises(bunkerlite.InvalidTypeError):
        bunkerlite.MasterKey.from_hex(5)  # type: ignore[arg-type]
