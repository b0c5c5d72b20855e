#!/usr/bin/env bash
# Load benchmark of bunkerlite-server (not a test): wrk on loopback against
# GET /v1/user/token/{token} and POST /v1/user, release build, a fresh vault file on disk.
# Usage: bench/server/run.sh [seconds per run, default 15] [connections, default 32]
# Prints wrk's reports (requests/s, latency percentiles). Needs wrk (Debian package) and
# target/release/bunkerlite-server (scripts/setup.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
connections=${2:-32}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
server=target/release/bunkerlite-server
[ -x "$server" ] || cargo build --release --locked -p bunkerlite-server
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
"$server" init --config "$dir/server.toml" --listen 127.0.0.1:0 >"$dir/init.out"
export BUNKERLITE_ROOT_TOKEN=$(awk '/root token:/ {print $3}' "$dir/init.out")
RUST_LOG=warn "$server" serve --config "$dir/server.toml" >"$dir/serve.out" 2>"$dir/serve.err" &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$dir/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o "http://[0-9.:]*" "$dir/serve.out")
export BUNKERLITE_SUBJECT=$(curl -s -H "X-Bunker-Token: $BUNKERLITE_ROOT_TOKEN" -H "Content-Type: application/json" \
  -d '{"email":"reader@example.com","name":"Morgan Reader","address":{"street":"1 Market Street","city":"Springfield","postcode":"SW1A 1AA","country":"GB"},"preferences":{"language":"en-GB","newsletter":true}}' \
  "$url/v1/user" | sed 's/.*"token":"\([^"]*\)".*/\1/')
echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); server and wrk share them"
echo "== GET /v1/user/token/{token}: $connections connections, ${seconds}s"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/server/read.lua "$url"
echo "== POST /v1/user (a ~450-byte profile, unique e-mail and login): $connections connections, ${seconds}s"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/server/create.lua "$url"
echo "== vault after the run: $(ls -la "$dir"/vault.db* | awk '{s+=$5} END {print s}') bytes"
