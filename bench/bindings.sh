#!/usr/bin/env bash
# Per-call overhead of the Python and Node bindings over Rust, in one run: batched create
# (20 × 1000 subjects) and 100,000 gets by token on a vault file. Release builds throughout
# (run scripts/setup.sh first). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
rust=$(cargo bench -q --locked -p bunkerlite --bench calls 2>/dev/null | tail -n 1)
python=$(.venv/bin/python bench/bindings.py)
node=$(node bench/bindings.mjs)
python3 - "$rust" "$python" "$node" <<'PY'
import json, sys
rows = [json.loads(a) for a in sys.argv[1:]]
base = rows[0]
print("| language | get by token µs/call | overhead vs Rust | batched create µs/subject | vs Rust |")
print("|---|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['lang']} | {r['get_by_token_us']:.2f} | {r['get_by_token_us'] - base['get_by_token_us']:+.2f} µs "
          f"| {r['create_batched_us']:.2f} | {100 * (r['create_batched_us'] / base['create_batched_us'] - 1):+.0f}% |")
PY
