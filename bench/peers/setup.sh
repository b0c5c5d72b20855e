#!/usr/bin/env bash
# Installs the peer benchmark's contenders. Python's (pyca `cryptography`) come with the
# project's dev requirements (scripts/setup.sh). Node's better-sqlite3 and
# better-sqlite3-multiple-ciphers are compiled from source (~3 minutes on 2 cores): no prebuilt
# binary is downloaded, and Node's own headers are used when the system has them (Debian's
# nodejs ships them under /usr/include/node), so node-gyp downloads nothing either.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x ../../.venv/bin/python ] || [ ! -e ../../bindings/node/index.js ]; then
  echo "bench/peers: run scripts/setup.sh first (it builds the bindings)" >&2
  exit 1
fi
../../.venv/bin/python -m pip install -q --disable-pip-version-check -r ../../scripts/requirements-dev.txt
export npm_config_build_from_source=true
if [ -e /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
(cd node && npm ci --no-audit --no-fund --loglevel=error)
