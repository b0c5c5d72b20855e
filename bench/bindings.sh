#!/usr/bin/env bash
# Per-call overhead of the Python and Node bindings over Rust: batched create (20 × 1000
# subjects) and gets by token on a vault file (the best of 20 passes of 10,000: short passes dodge
# the VM's noise and the audit flusher), and token batches (5 × 10,000 tokenize_many and
# detokenize_many), the same workload in each language.
# The three run in turn, BUNKERLITE_BENCH_ROUNDS times (default 5), so that drift of the machine
# hits all of them alike; each round's overheads are taken against that round's Rust figure.
# Prints a Markdown table of medians with the range over rounds. Release builds throughout
# (run scripts/setup.sh first).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${BUNKERLITE_BENCH_ROUNDS:-5}
cargo bench -q --locked -p bunkerlite --bench calls --no-run 2>/dev/null
results=()
for round in $(seq "$rounds"); do
  echo "round $round/$rounds" >&2
  results+=("$(cargo bench -q --locked -p bunkerlite --bench calls 2>/dev/null | tail -n 1)")
  results+=("$(.venv/bin/python bench/bindings.py)")
  results+=("$(node bench/bindings.mjs)")
done
python3 - "${results[@]}" <<'PY'
import json, statistics, sys
runs = [json.loads(a) for a in sys.argv[1:]]
rounds = [runs[i:i + 3] for i in range(0, len(runs), 3)]
def cell(values, fmt):
    return f"{fmt(statistics.median(values))} ({fmt(min(values))} … {fmt(max(values))})"
print(f"Medians of {len(rounds)} rounds (range in parentheses).\n")
print("| language | get by token µs/call | overhead vs Rust | batched create µs/subject | vs Rust |")
print("|---|---:|---:|---:|---:|")
for i, lang in enumerate(r["lang"] for r in rounds[0]):
    get = [r[i]["get_by_token_us"] for r in rounds]
    over = [r[i]["get_by_token_us"] - r[0]["get_by_token_us"] for r in rounds]
    create = [r[i]["create_batched_us"] for r in rounds]
    ratio = [100 * (r[i]["create_batched_us"] / r[0]["create_batched_us"] - 1) for r in rounds]
    print(f"| {lang} | {cell(get, '{:.2f}'.format)} | {cell(over, '{:+.2f} µs'.format)} "
          f"| {cell(create, '{:.2f}'.format)} | {cell(ratio, '{:+.0f}%'.format)} |")
print("\nToken batches: 5 calls of 10,000 values each (detokenize: the best of 3 passes).\n")
print("| language | tokenize_many µs/value | vs Rust | detokenize_many µs/value | vs Rust |")
print("|---|---:|---:|---:|---:|")
for i, lang in enumerate(r["lang"] for r in rounds[0]):
    tok = [r[i]["tokenize_batched_us"] for r in rounds]
    tok_ratio = [100 * (r[i]["tokenize_batched_us"] / r[0]["tokenize_batched_us"] - 1) for r in rounds]
    det = [r[i]["detokenize_batched_us"] for r in rounds]
    det_ratio = [100 * (r[i]["detokenize_batched_us"] / r[0]["detokenize_batched_us"] - 1) for r in rounds]
    print(f"| {lang} | {cell(tok, '{:.2f}'.format)} | {cell(tok_ratio, '{:+.0f}%'.format)} "
          f"| {cell(det, '{:.2f}'.format)} | {cell(det_ratio, '{:+.0f}%'.format)} |")
PY
