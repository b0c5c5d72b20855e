"""The shared scenarios of tests/vectors/scenarios/ (one file per area), run against the Python binding. Operations
are called by name from tests/vectors/operations.json (generated from the one declaration of each
operation), so a new operation needs no case here; `close` and `reopen` are the runner's."""

import json
import os
import pathlib
import secrets
from typing import Any, Dict, List

import pytest

import bunkerlite

VECTORS = pathlib.Path(__file__).parents[3] / "tests" / "vectors"
# Every scenario of every file of the folder (in file-name order), with its file's master key.
SCENARIOS = [
    (doc["key"], scenario)
    for doc in (json.loads(f.read_text("utf-8")) for f in sorted((VECTORS / "scenarios").glob("*.json")))
    for scenario in doc["scenarios"]
]
# The PostgreSQL test cluster's URL (the test command starts one with scripts/pg_cluster.sh).
POSTGRES = os.environ.get("BUNKERLITE_TEST_POSTGRES")
OPERATIONS = {op["name"]: op for op in json.loads((VECTORS / "operations.json").read_text("utf-8"))["operations"]}


def substitute(v: Any, saved: Dict[str, Any]) -> Any:
    if isinstance(v, str) and v.startswith("$"):
        name, _, field = v[1:].partition(".")
        return saved[name][field] if field else saved[name]
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


def location(backend: str, scenario: Dict[str, Any], tmp_path: pathlib.Path) -> Any:
    """Where a scenario's vault lives: a file or memory (SQLite), a fresh schema (PostgreSQL)."""
    if backend == "postgres":
        assert POSTGRES, "BUNKERLITE_TEST_POSTGRES names the test cluster (scripts/pg_cluster.sh start DIR)"
        sep = "&" if "?" in POSTGRES else "?"
        return f"{POSTGRES}{sep}schema=py_vectors_{secrets.token_hex(6)}"
    return tmp_path / "vault.db" if scenario.get("file") else None


class Run:
    def __init__(self, key_hex: str, scenario: Dict[str, Any], where: Any) -> None:
        self.options = scenario.get("options")
        key = bunkerlite.MasterKey.from_hex(key_hex)
        self.path = where
        if self.path:
            self.vault = bunkerlite.Vault.open(self.path, key, self.options)
        else:
            self.vault = bunkerlite.Vault.open_in_memory(key, self.options)

    def step(self, s: Dict[str, Any]) -> Any:
        op = s["op"]
        if op in OPERATIONS:
            args: List[Any] = []
            kwargs: Dict[str, Any] = {}
            for arg in OPERATIONS[op]["args"]:
                kind = arg["kind"]
                if kind == "caller":
                    kwargs.update({k: s[k] for k in ("actor", "purpose") if k in s})
                elif kind == "page":
                    kwargs.update({k: s[k] for k in ("cursor", "limit") if k in s})
                elif kind == "flag":
                    if arg["name"] in s:
                        kwargs[arg["name"]] = s[arg["name"]]
                elif kind == "key":
                    args.append(bunkerlite.MasterKey.from_hex(s[arg["name"]]))
                else:
                    args.append(s.get(arg["name"]))
            return getattr(self.vault, op)(*args, **kwargs)
        if op == "close":
            return self.vault.close()
        if op == "reopen":
            self.vault.close()
            assert self.path is not None
            options = s.get("options", self.options)  # a reopen may give its own options
            self.vault = bunkerlite.Vault.open(self.path, bunkerlite.MasterKey.from_hex(s["key"]), options)
            return None
        raise AssertionError(f"unknown op {op}")


def test_there_are_enough_scenarios_each_named_once() -> None:
    assert len(SCENARIOS) >= 40
    names = [s["name"] for _, s in SCENARIOS]
    assert len(names) == len(set(names))


def test_the_postgres_cluster_is_named() -> None:
    # The PostgreSQL runs below are skipped without it; this test says so as a failure.
    assert POSTGRES, "BUNKERLITE_TEST_POSTGRES names the test cluster (scripts/pg_cluster.sh start DIR)"


CASES = [
    pytest.param(
        backend,
        key_hex,
        scenario,
        id=f"{scenario['name']} [{backend}]",
        marks=[pytest.mark.skipif(backend == "postgres" and not POSTGRES, reason="no PostgreSQL test cluster")],
    )
    for backend in ("sqlite", "postgres")
    for key_hex, scenario in SCENARIOS
    if backend in scenario.get("backends", [backend])
]


@pytest.mark.parametrize(("backend", "key_hex", "scenario"), CASES)
def test_scenario(backend: str, key_hex: str, scenario: Dict[str, Any], tmp_path: pathlib.Path) -> None:
    where = location(backend, scenario, tmp_path)
    if "open_error" in scenario:
        with pytest.raises(bunkerlite.Error) as err:
            Run(key_hex, scenario, where)
        assert err.value.code == scenario["open_error"]
        return
    run = Run(key_hex, scenario, where)
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
        if "expect_not" in s:
            assert not matches(s["expect_not"], result), f"{at}: must not match {s['expect_not']!r}, got {result!r}"
        if "expect_len" in s:
            assert len(result) == s["expect_len"], at
        if "save" in raw:
            if isinstance(result, list):
                for k, item in enumerate(result):
                    saved[f"{raw['save']}{k}"] = item
            saved[raw["save"]] = result
    run.vault.close()
