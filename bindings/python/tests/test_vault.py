"""The Python surface: every operation, the exception hierarchy, and the error matrix."""

import os
import pathlib
import threading
import time
from typing import Any, Callable, Dict, Iterator, List

import pytest

import bunkerlite
from bunkerlite import _errors, _native


@pytest.fixture
def vault() -> Iterator[bunkerlite.Vault]:
    v = bunkerlite.Vault.open_in_memory(bunkerlite.MasterKey.generate(), {"default_region": "DE"})
    yield v
    v.close()


def test_every_core_error_code_has_a_class() -> None:
    assert list(_errors.BY_CODE) == _native.error_codes()
    for code, cls in _errors.BY_CODE.items():
        assert issubclass(cls, bunkerlite.Error) and cls.code == code
    assert issubclass(bunkerlite.NotFoundError, LookupError)
    assert issubclass(bunkerlite.InvalidInputError, ValueError)
    # Grouped by hundreds, as redb groups its exceptions: catch a group or one kind.
    for code, cls in _errors.BY_CODE.items():
        assert issubclass(cls, _errors.BY_GROUP[cls.number // 100]), code
    assert issubclass(bunkerlite.ConsentRequiredError, bunkerlite.StateError)
    assert issubclass(bunkerlite.IntegrityError, bunkerlite.SecurityError)


def test_a_kind_this_package_does_not_know_lands_in_its_group() -> None:
    # A newer core may add kinds: they arrive as their group's class, never as a KeyError.
    assert _errors.error_class("NOT_FOUND", 200) is bunkerlite.NotFoundError
    assert _errors.error_class("SOMETHING_NEW", 206) is bunkerlite.StateError
    assert _errors.error_class("SOMETHING_NEW", 304) is bunkerlite.SecurityError
    assert _errors.error_class("SOMETHING_NEW", 777) is bunkerlite.Error


def test_errors_raised_carry_code_number_and_group(vault: bunkerlite.Vault) -> None:
    with pytest.raises(bunkerlite.StateError) as e:
        vault.get_subject({"email": "nobody@example.org"})
    assert type(e.value) is bunkerlite.NotFoundError
    assert (e.value.code, e.value.number) == ("NOT_FOUND", 200)
    with pytest.raises(bunkerlite.InputError):
        vault.get_subject({"token": "not-a-token"})


def test_round_trip(vault: bunkerlite.Vault) -> None:
    profile = {"email": "Ann@Example.com", "phone": "030 901820", "name": "Ann", "tags": ["a", 1, 2.5, True, None]}
    token = vault.create_subject(profile, actor="app:signup")
    got = vault.get_subject({"email": "ann@example.com"})
    assert got["token"] == token and got["profile"] == profile and got["version"] == 1
    assert list(got["profile"]) == list(profile), "key order is kept"
    assert vault.get_subject({"phone": "+49 30 901820"})["token"] == token
    assert vault.get_subject({"token": token}, actor="app:billing")["token"] == token
    updated = vault.update_subject({"token": token}, {"name": None, "city": "Berlin"})
    assert updated["profile"] is not None, "a purpose that may read gets the profile back"
    assert updated["profile"]["city"] == "Berlin" and "name" not in updated["profile"]
    patched = vault.update_subject({"email": "ann@example.com"}, [{"op": "add", "path": "/zip", "value": "10115"}])
    assert patched["version"] == 3
    tokens = vault.create_subjects([{"login": "b1"}, {"login": "b2"}])
    found = vault.get_subjects([{"login": "b2"}, {"login": "none"}, {"token": tokens[0]}])
    assert found[0] is not None and found[2] is not None and found[1] is None
    assert found[0]["token"] == tokens[1] and found[2]["token"] == tokens[0]
    page = vault.list_audit_events(token, actor="admin:dpo", purpose="dsar")
    assert page["total"] >= 4 and page["items"][0]["seq"] > page["items"][-1]["seq"] and page["next"] is None
    first = vault.list_audit_events(limit=1)
    assert first["total"] >= 6 and first["items"][0]["action"] == "audit.list"
    assert first["items"][0]["actor"] == "admin:dpo" and first["items"][0]["purpose"] == "dsar"
    second = vault.list_audit_events(limit=1, cursor=first["next"])
    assert second["items"][0]["seq"] == first["items"][0]["seq"] - 1
    head = vault.get_audit_head()
    assert vault.verify_audit(head)["events"] == head["seq"]
    vault.flush_audit()
    receipt = vault.forget_subject({"token": token}, actor="admin:dpo")
    assert receipt["token"] == token and receipt["index_entries_removed"] == 2
    with pytest.raises(bunkerlite.ErasedError):
        vault.get_subject({"token": token})


def test_profiles_read_back_exactly(vault: bunkerlite.Vault) -> None:
    # Reads build Python objects straight from the stored JSON text, with a cache of key
    # strings: many keys (more than the cache's slots, so they collide), keys that are not
    # cached (long, with @ or spaces, non-ASCII, escapes), nesting, every JSON type, big numbers.
    profile: Dict[str, Any] = {f"k{i}": i for i in range(700)}
    profile.update({
        "x" * 40: "long key", "a@b.c": "at", "with space": 1, "Grüße": "ü", "tab\tkey": "\u0000",
        "nested": {"k1": [{"k2": None}, [], {}], "k3": {"k4": -1.5e300}},
        "ints": [0, -1, 2**63 - 1, 2**64 - 1, -(2**63)], "floats": [0.1, 1e-300, 2.5],
        "text": "line\nbreak \"quoted\" \u2028 😀", "bools": [True, False],
    })
    for _ in range(2):  # the second time every cacheable key is a hit
        token = vault.create_subject(profile)
        found = vault.get_subjects([{"token": token}])[0]
        assert found is not None
        for got in (vault.get_subject({"token": token})["profile"], found["profile"]):
            assert got == profile and list(got) == list(profile)
            assert type(got["ints"][3]) is int and type(got["floats"][2]) is float


def test_error_matrix(vault: bunkerlite.Vault) -> None:
    vault.create_subject({"email": "dup@x.org"})
    with pytest.raises(bunkerlite.DuplicateError) as e:
        vault.create_subject({"email": "DUP@x.org"})
    assert e.value.code == "DUPLICATE" and "dup@" not in str(e.value).lower()
    with pytest.raises(bunkerlite.NotFoundError):
        vault.get_subject({"email": "nobody@x.org"})
    with pytest.raises(LookupError):
        vault.get_subject({"email": "nobody@x.org"})
    bad_calls: List[Callable[[], Any]] = [
        lambda: vault.get_subject({}),  # no lookup
        lambda: vault.get_subject({"email": "a@x.org", "phone": "+4930901820"}),  # two lookups
        lambda: vault.get_subject({"token": "not-a-uuid"}),
        lambda: vault.get_subject({"email": 5}),  # type: ignore[dict-item]
        lambda: vault.get_subject("not a dict"),  # type: ignore[arg-type]
        lambda: vault.create_subject([1, 2]),  # type: ignore[arg-type]
        lambda: vault.create_subject({"a": object()}),
        lambda: vault.create_subject({1: "int key"}),  # type: ignore[dict-item]
        lambda: vault.create_subject({"a": float("nan")}),
        lambda: vault.create_subject({"a": 2**70}),
        lambda: vault.create_subject({"a": "\ud800"}),  # lone surrogate
        lambda: vault.create_subject({"\udfff": 1}),
        lambda: vault.create_subject({}, actor="bad actor"),
        lambda: vault.create_subject({}, actor="ann@example.org"),  # an email is not an actor
        lambda: vault.create_subject({}, actor=5),  # type: ignore[arg-type]
        lambda: vault.create_subject({}, purpose="Not A Purpose"),
        lambda: vault.create_subject({}, actor="\ud800"),
        lambda: vault.create_subjects({"a": 1}),  # type: ignore[arg-type]
        lambda: vault.update_subject({"email": "dup@x.org"}, "x"),
        lambda: vault.list_audit_events(limit=0),
        lambda: vault.list_audit_events(limit="ten"),  # type: ignore[arg-type]
        lambda: vault.list_audit_events(limit=2**64),
        lambda: vault.list_audit_events(cursor="nope"),
        lambda: vault.list_audit_events(5),  # type: ignore[arg-type]
        lambda: vault.verify_audit({"seq": 1}),
        lambda: vault.rekey("not a key"),  # type: ignore[arg-type]
    ]
    for call in bad_calls:
        with pytest.raises(bunkerlite.InvalidInputError):
            call()
    with pytest.raises(bunkerlite.InvalidInputError):
        vault.list_audit_events(limit=-1)
    with pytest.raises(bunkerlite.TooLargeError):
        vault.create_subject({"big": "x" * (1 << 20)})
    nested: List[Any] = []
    cur = nested
    for _ in range(100):
        cur.append([])
        cur = cur[0]
    with pytest.raises(bunkerlite.TooLargeError):
        vault.create_subject({"deep": nested})
    loop: List[Any] = []
    loop.append(loop)
    with pytest.raises(bunkerlite.TooLargeError):
        vault.create_subject({"loop": loop})
    with pytest.raises(bunkerlite.InvalidInputError):
        bunkerlite.Vault.open_in_memory(bunkerlite.MasterKey.generate(), {"nope": 1})


def test_keys(tmp_path: pathlib.Path) -> None:
    key = bunkerlite.MasterKey.generate()
    assert "redacted" in repr(key) and key.to_hex() not in repr(key)
    same = bunkerlite.MasterKey.from_hex(key.to_hex())
    path = tmp_path / "v.db"
    bunkerlite.Vault.open(path, key).close()
    bunkerlite.Vault.open(str(path), same).close()
    (tmp_path / "k").write_text(key.to_hex())
    bunkerlite.Vault.open(path, bunkerlite.MasterKey.from_file(tmp_path / "k")).close()
    bunkerlite.Vault.open(path, bunkerlite.MasterKey.from_bytes(bytes.fromhex(key.to_hex()))).close()
    os.environ["BUNKERLITE_PY_TEST_KEY"] = key.to_hex()
    bunkerlite.Vault.open(path, bunkerlite.MasterKey.from_env("BUNKERLITE_PY_TEST_KEY")).close()
    with pytest.raises(bunkerlite.WrongKeyError):
        bunkerlite.Vault.open(path, bunkerlite.MasterKey.generate())
    with pytest.raises(bunkerlite.KeySourceError):
        bunkerlite.MasterKey.from_bytes(b"short")
    with pytest.raises(bunkerlite.KeySourceError) as e:
        bunkerlite.MasterKey.from_env("BUNKERLITE_PY_TEST_UNSET")
    assert "BUNKERLITE_PY_TEST_UNSET" in str(e.value)
    with pytest.raises(TypeError):
        bunkerlite.Vault.open(path, key.to_hex())  # type: ignore[arg-type]


def test_rekey(tmp_path: pathlib.Path) -> None:
    old, new = bunkerlite.MasterKey.generate(), bunkerlite.MasterKey.generate()
    path = tmp_path / "r.db"
    with bunkerlite.Vault.open(path, old) as v:
        token = v.create_subject({"email": "r@x.org"})
        v.rekey(new, actor="admin:keys")
    with pytest.raises(bunkerlite.WrongKeyError):
        bunkerlite.Vault.open(path, old)
    with bunkerlite.Vault.open(path, new) as v:
        assert v.get_subject({"token": token})["profile"] == {"email": "r@x.org"}
        events = v.list_audit_events(actor="admin:dpo")["items"]
        assert any(e["action"] == "vault.rekey" and e["actor"] == "admin:keys" for e in events)


def test_lookup_fields_and_options_never_collide(vault: bunkerlite.Vault) -> None:
    # A vault may index fields named like call options: the lookup is one argument.
    with bunkerlite.Vault.open_in_memory(bunkerlite.MasterKey.generate(), {"indexed_fields": ["actor", "purpose"]}) as v:
        token = v.create_subject({"actor": "A-1", "purpose": "P-1"}, actor="app:signup")
        assert v.get_subject({"actor": "A-1"}, actor="app:billing")["token"] == token
        assert v.get_subject({"purpose": "P-1"}, purpose="billing")["token"] == token


def test_use_after_close() -> None:
    v = bunkerlite.Vault.open_in_memory(bunkerlite.MasterKey.generate())
    token = v.create_subject({})
    v.close()
    v.close()  # idempotent
    assert v.closed
    with pytest.raises(bunkerlite.ClosedError):
        v.get_subject({"token": token})
    with pytest.raises(bunkerlite.ClosedError):
        v.get_audit_head()
    with bunkerlite.Vault.open_in_memory(bunkerlite.MasterKey.generate()) as w:
        assert not w.closed
    assert w.closed


@pytest.mark.parametrize("during", ["call", "argument"])
def test_a_panic_is_an_internal_error(during: str) -> None:
    # A panic in the GIL-released core work or in argument conversion is trapped: InternalError
    # (never pyo3's PanicException, a BaseException), and the interpreter carries on.
    with pytest.raises(bunkerlite.InternalError) as e:
        _native._panic_for_tests(during)
    assert e.value.code == "INTERNAL" and "panic" in str(e.value)
    with bunkerlite.Vault.open_in_memory(bunkerlite.MasterKey.generate()) as v:
        assert v.get_subject({"token": v.create_subject({"n": 1})})["profile"] == {"n": 1}


def in_threads(count: int, work: Callable[[int], None]) -> List[BaseException]:
    """Run work(0) … work(count - 1), each in a thread of its own; what they raised."""
    errors: List[BaseException] = []

    def guarded(n: int) -> None:
        try:
            work(n)
        except BaseException as e:  # noqa: BLE001 - returned to the test
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_eight_threads_share_a_vault(tmp_path: pathlib.Path) -> None:
    vault = bunkerlite.Vault.open(tmp_path / "t.db", bunkerlite.MasterKey.generate())
    wins: List[str] = []

    def work(n: int) -> None:
        for i in range(40):
            t = vault.create_subject({"email": f"t{n}-{i}@x.org"})
            assert vault.get_subject({"token": t})["token"] == t
            try:
                wins.append(vault.create_subject({"email": "shared@x.org"}))
            except bunkerlite.DuplicateError:
                pass

    errors = in_threads(8, work)
    assert errors == [] and len(wins) == 1
    assert vault.verify_audit()["events"] >= 8 * 40 * 2
    vault.close()


def test_threads_mixing_vault_calls_with_python_work_and_sleeps_all_finish(tmp_path: pathlib.Path) -> None:
    # A thread back from the core waits (briefly, without the GIL) while another thread of the
    # binding holds the GIL; threads that keep the GIL for Python work, or give it up in
    # time.sleep, must neither hold the callers up for good nor change any result.
    vault = bunkerlite.Vault.open(tmp_path / "m.db", bunkerlite.MasterKey.generate())
    tokens = vault.create_subjects([{"email": f"m{i}@x.org", "n": i} for i in range(50)])

    def work(n: int) -> None:
        for i in range(300):
            k = (i * 7 + n) % 50
            assert vault.get_subject({"email": f"m{k}@x.org"})["token"] == tokens[k]
            if n % 3 == 0:
                sum(range(2_000))  # Python work with the GIL
            elif n % 3 == 1 and i % 50 == 0:
                time.sleep(0.001)  # the GIL given up outside the binding

    errors = in_threads(6, work)
    assert errors == []
    vault.close()


def test_oversized_arguments_are_refused_while_converting() -> None:
    # A 10-million-element list is refused at the first excess of the document limit, without
    # being copied whole first (that copy took ~700 MB).
    import resource

    big = list(range(10_000_000))
    with bunkerlite.Vault.open_in_memory(bunkerlite.MasterKey.generate()) as v:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with pytest.raises(bunkerlite.TooLargeError) as e:
            v.create_subject({"big": big})
        grew_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        assert grew_kib < 50_000, f"converting grew the process by {grew_kib} KiB"
        assert "larger than" in str(e.value)
        # A batch is capped as a whole: 100 profiles sharing one 60 KB string, ~1 MB each.
        s = "x" * 60_000
        profile = {f"k{i}": s for i in range(16)}
        with pytest.raises(bunkerlite.TooLargeError) as e:
            v.create_subjects([profile] * 100)
        assert "batch is larger than" in str(e.value)
        with pytest.raises(bunkerlite.TooLargeError):
            v.create_subjects([{}] * 10_001)


def test_tokens_from_python(tmp_path: pathlib.Path) -> None:
    key = bunkerlite.MasterKey.generate()
    path = tmp_path / "tokens.db"
    start = 1_000_000_000_000
    with bunkerlite.Vault.open(path, key, {"manual_clock_ms": start}) as v:
        card = v.tokenize("4111 1111 1111 1111", {"kind": "card", "keep_last": 4, "ttl_ms": 10}, actor="app:pay")
        assert len(card) == 16 and card.endswith("1111") and card != "4111111111111111"
        assert v.detokenize(card, {"mask": {}}, actor="app:support", purpose="support") == "************1111"
        info = v.token_info(card)
        assert info["kind"] == "card" and info["expires_ms"] == start + 10 and len(info["reference"]) == 32
        batch = v.tokenize_many(["a", "b"], {"kind": "alphanumeric"}, all_or_nothing=True)
        assert batch["summary"] == {"total": 2, "ok": 2, "failed": 0}
        text = v.tokenize_text("mail ann@example.org", {"scope": "chat"})
        assert "ann@example.org" not in text and text.startswith("mail [EMAIL:")
        assert v.detokenize_text(text, {"scope": "chat"}) == "mail ann@example.org"
        # Read back only in the scope it was made in.
        assert v.detokenize_text(text) == text
        with pytest.raises(bunkerlite.InvalidInputError):
            v.tokenize("4111111111111112", {"kind": "card"})
    with bunkerlite.Vault.open(path, key, {"manual_clock_ms": start + 10}) as v:
        with pytest.raises(bunkerlite.ExpiredError) as expired:
            v.detokenize(card)
        assert expired.value.code == "EXPIRED" and isinstance(expired.value, LookupError)
        assert v.purge_tokens()["removed"] == 1
