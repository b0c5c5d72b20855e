"""The Python side of bench/bindings.sh: the workload of core/benches/calls.rs, one JSON line."""

import json
import os
import tempfile
import time
from typing import List

import bunkerlite

BATCHES, BATCH, GETS, PASSES = 20, 1000, 10_000, 20
TOKEN_BATCHES, BATCH_TOKENS, TOKEN_PASSES = 5, 10_000, 3


def profile(i: int) -> dict:
    """The realistic ~350-byte profile of core/benches/calls.rs."""
    return {
        "email": f"user{i}@example.org",
        "phone": f"+49 151 {10_000_000 + (i * 48_271 + 12_345) % 90_000_000}",
        "name": f"Person Number {i}",
        "address": {"street": f"{i % 997} Long Example Street", "city": "Berlin", "zip": f"{i % 99_999:05}",
                    "country": "DE"},
        "birthdate": "1987-06-05",
        "preferences": {"newsletter": i % 2 == 0, "language": "de", "theme": "dark"},
        "note": "customer since 2019, prefers contact by email, VIP tier",
    }


def main() -> None:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BUNKERLITE_BENCH_DIR", ".")) as d:
        vault = bunkerlite.Vault.open(os.path.join(d, "calls.db"), bunkerlite.MasterKey.generate())
        batches = [[profile(i) for i in range(b * BATCH, (b + 1) * BATCH)] for b in range(BATCHES)]
        start = time.perf_counter()
        tokens = []
        for batch in batches:
            tokens.extend(vault.create_subjects(batch, actor="app:bench"))
        create_us = (time.perf_counter() - start) * 1e6 / (BATCHES * BATCH)
        picks = [{"token": tokens[(i * 7919) % len(tokens)]} for i in range(GETS)]
        get = vault.get_subject
        passes = []
        for _ in range(PASSES):  # the best pass counts, as in the Rust and Node runs
            start = time.perf_counter()
            for t in picks:
                get(t, actor="app:bench")
            passes.append((time.perf_counter() - start) * 1e6 / GETS)
        get_us = min(passes)
        values = [f"tok-value-{i}" for i in range(TOKEN_BATCHES * BATCH_TOKENS)]
        start = time.perf_counter()
        vaulted: List[str] = []
        for b in range(TOKEN_BATCHES):
            made = vault.tokenize_many(values[b * BATCH_TOKENS:(b + 1) * BATCH_TOKENS], actor="app:bench")
            vaulted.extend(item["token"] or "" for item in made["items"])
        tokenize_us = (time.perf_counter() - start) * 1e6 / len(values)
        detokenize_passes = []
        for _ in range(TOKEN_PASSES):  # the best pass counts, as in the Rust and Node runs
            start = time.perf_counter()
            for b in range(TOKEN_BATCHES):
                vault.detokenize_many(vaulted[b * BATCH_TOKENS:(b + 1) * BATCH_TOKENS], actor="app:bench")
            detokenize_passes.append((time.perf_counter() - start) * 1e6 / len(values))
        detokenize_us = min(detokenize_passes)
        vault.close()
    print(json.dumps({"lang": "python", "create_batched_us": create_us, "get_by_token_us": get_us,
                      "tokenize_batched_us": tokenize_us, "detokenize_batched_us": detokenize_us}))


if __name__ == "__main__":
    main()
