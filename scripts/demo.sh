#!/usr/bin/env bash
# Sets up everything (scripts/setup.sh) and runs the quickstart in Rust, C, Python and Node:
# create a subject, look it up, update it, read its audit trail, erase it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p target/c
for lang in rust c python node; do
  printf '\n== quickstart: %s\n' "$lang"
  case $lang in
    rust) cargo run -q --release --locked -p bunkerlite --example quickstart ;;
    c) cc -std=c11 -Wall -Wextra -Werror -Iinclude examples/quickstart.c target/release/libbunkerlite.a \
         -lpthread -ldl -lm -o target/c/quickstart && target/c/quickstart ;;
    python) .venv/bin/python examples/quickstart.py ;;
    node) node examples/quickstart.mjs ;;
  esac
done
