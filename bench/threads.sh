#!/usr/bin/env bash
# How gets by email and single-subject creates scale with concurrent callers in Python and Node:
# Python threads sharing one Vault (bench/threads.py); Node async twins with several calls in
# flight on one Vault, and worker_threads each with its own Vault handle (bench/threads.mjs).
# 1, 2 and 4 callers take turns within each round, BUNKERLITE_BENCH_SECONDS each (default 2),
# BUNKERLITE_BENCH_ROUNDS rounds (default 3). Prints Markdown tables: medians (range) and the
# median of the per-round ratios to one caller. The Rust figures: cargo bench --bench threads.
# Release builds throughout (run scripts/setup.sh first).
set -euo pipefail
cd "$(dirname "$0")"
python_json=$(../.venv/bin/python threads.py)
node_json=$(node threads.mjs)
python3 - "$python_json" "$node_json" <<'PY'
import json, statistics, sys
def cell(values, fmt):
    return f"{fmt(statistics.median(values))} ({fmt(min(values))} … {fmt(max(values))})"
for arg in sys.argv[1:]:
    run = json.loads(arg)
    rounds = run["rounds"]
    kinds = list(rounds[0])
    counts = list(rounds[0][kinds[0]])
    base = counts[0]
    label = {"python": "Python, threads sharing one Vault", "node": "Node"}[run["lang"]]
    print(f"**{label}** ({len(rounds)} rounds)\n")
    print("| callers | " + " | ".join(f"{k} /s | vs 1" for k in kinds) + " |")
    print("|---:|" + "---:|---:|" * len(kinds))
    for c in counts:
        cells = []
        for k in kinds:
            rates = [r[k][c] for r in rounds]
            ratios = [r[k][c] / r[k][base] for r in rounds]
            cells.append(f"{cell(rates, '{:,.0f}'.format)} | {statistics.median(ratios):.2f}×")
        print(f"| {c} | " + " | ".join(cells) + " |")
    print()
PY
