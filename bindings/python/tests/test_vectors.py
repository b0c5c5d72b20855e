"""The shared scenarios of tests/vectors/scenarios.json, run against the Python binding."""

import json
import pathlib
from typing import Any, Dict

import pytest

import bunkerlite

DOC = json.loads((pathlib.Path(__file__).parents[3] / "tests" / "vectors" / "scenarios.json").read_text("utf-8"))


def substitute(v: Any, saved: Dict[str, Any]) -> Any:
    if isinstance(v, str) and v.startswith("$"):
        return saved[v[1:]]
    if isinstance(v, list):
        return [substitute(x, saved) for x in v]
    if isinstance(v, dict):
        return {k: substitute(x, saved) for k, x in v.items()}
    return v


def matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and matches(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(map(matches, expected, actual))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    return bool(expected == actual)


class Run:
    def __init__(self, scenario: Dict[str, Any], tmp_path: pathlib.Path) -> None:
        self.options = scenario.get("options")
        key = bunkerlite.MasterKey.from_hex(DOC["key"])
        self.path = tmp_path / "vault.db" if scenario.get("file") else None
        if self.path:
            self.vault = bunkerlite.Vault.open(self.path, key, self.options)
        else:
            self.vault = bunkerlite.Vault.open_in_memory(key, self.options)

    def step(self, s: Dict[str, Any]) -> Any:
        v, op = self.vault, s["op"]
        actor = s.get("actor", "app")
        if op == "create_subject":
            return v.create_subject(s["profile"], actor=actor)
        if op == "create_subjects":
            return v.create_subjects(s["profiles"], actor=actor)
        if op == "get_subject":
            return v.get_subject(actor=actor, **s["lookup"])
        if op == "get_subjects":
            return v.get_subjects(s["lookups"], actor=actor)
        if op == "update_subject":
            return v.update_subject(s["patch"], actor=actor, **s["lookup"])
        if op == "forget_subject":
            return v.forget_subject(actor=actor, **s["lookup"])
        if op == "audit_events":
            return v.audit_events(s["token"], offset=s["offset"], limit=s["limit"], actor=actor)
        if op == "audit_all":
            return v.audit_all(offset=s["offset"], limit=s["limit"], actor=actor)
        if op == "audit_head":
            return v.audit_head()
        if op == "audit_verify":
            return v.audit_verify(s.get("anchor"))
        if op == "compact":
            return v.compact(actor=actor)
        if op == "audit_flush":
            return v.audit_flush()
        if op == "close":
            return v.close()
        if op == "reopen":
            v.close()
            assert self.path is not None
            self.vault = bunkerlite.Vault.open(self.path, bunkerlite.MasterKey.from_hex(s["key"]), self.options)
            return None
        raise AssertionError(f"unknown op {op}")


def test_there_are_enough_scenarios() -> None:
    assert len(DOC["scenarios"]) >= 40


@pytest.mark.parametrize("scenario", DOC["scenarios"], ids=[s["name"] for s in DOC["scenarios"]])
def test_scenario(scenario: Dict[str, Any], tmp_path: pathlib.Path) -> None:
    if "open_error" in scenario:
        with pytest.raises(bunkerlite.Error) as err:
            Run(scenario, tmp_path)
        assert err.value.code == scenario["open_error"]
        return
    run = Run(scenario, tmp_path)
    saved: Dict[str, Any] = {}
    for i, raw in enumerate(scenario["steps"]):
        s = substitute(raw, saved)
        at = f"step {i} ({s['op']})"
        if "error" in s:
            with pytest.raises(bunkerlite.Error) as err:
                run.step(s)
            assert err.value.code == s["error"], at
            continue
        result = run.step(s)
        if "expect" in s:
            assert matches(s["expect"], result), f"{at}: expected {s['expect']!r}, got {result!r}"
        if "expect_len" in s:
            assert len(result) == s["expect_len"], at
        if "save" in raw:
            if isinstance(result, list):
                for k, item in enumerate(result):
                    saved[f"{raw['save']}{k}"] = item
            saved[raw["save"]] = result
    run.vault.close()
