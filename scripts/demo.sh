#!/usr/bin/env bash
# Sets up everything (scripts/setup.sh), then starts bunkerlite-server in demo mode: a throwaway
# vault seeded with fictional subjects, legal bases, a request and a session, served on
# http://127.0.0.1:3000 (BUNKERLITE_DEMO_LISTEN to change it) until Ctrl-C; it prints the root
# token and a first request to try. The quickstarts in Rust, C, Python and Node run in the test
# command's examples stage (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec target/release/bunkerlite-server demo --listen "${BUNKERLITE_DEMO_LISTEN:-127.0.0.1:3000}"
