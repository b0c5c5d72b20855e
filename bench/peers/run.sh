#!/usr/bin/env bash
# bunkerlite against what users would pick instead, in Python and in Node: creates, gets by
# email, erasures and file size on one workload (peers.py describes it), interleaved rounds.
# Prints the README's Markdown tables. Installs the contenders on first use (setup.sh).
# BUNKERLITE_PEERS_N (default 20000) and BUNKERLITE_PEERS_ROUNDS (default 3) change the run.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node/node_modules/better-sqlite3-multiple-ciphers ]; then
  ./setup.sh
fi
python_json=$(../../.venv/bin/python peers.py)
node_json=$(node peers.mjs)
../../.venv/bin/python table.py "$python_json" "$node_json"
