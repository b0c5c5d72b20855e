#!/usr/bin/env bash
# Installs what the demo and the test suites need, idempotently, on a machine that has only the
# toolchains (Rust, C compiler, Python 3.10+, Node 18+): Debian packages, a Python virtualenv with
# the dev tools, the Python package and the Node package (both built from source, release mode).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc)
[ -f /usr/include/cjson/cJSON.h ] || missing+=(libcjson-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v readelf >/dev/null 2>&1 || missing+=(binutils)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
# PostgreSQL's server programs: the test command runs every suite against a throwaway cluster too.
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
# The server's browser tests drive Debian's chromium (Playwright never downloads one).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

if ! mdbook --version 2>/dev/null | grep -q "v0.5.4"; then
  step "cargo install mdbook (the book, built by the docs stage of the tests)"
  cargo install mdbook --version 0.5.4 --locked -q --no-default-features --features search
fi

if ! cargo-zigbuild --version >/dev/null 2>&1; then
  step "cargo install cargo-zigbuild (packages for glibc 2.17, linked by zig from the .venv)"
  cargo install cargo-zigbuild --version 0.24.1 --locked -q
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  step "cargo install cargo-fuzz (the fuzz stage of the tests)"
  cargo install cargo-fuzz --locked -q
fi

step "Rust: release build of the core, the C library, the header tool and the server"
cargo build --release --locked -p bunkerlite -p bunkerlite-ffi -p bunkerlite-gen -p bunkerlite-server

if [ ! -x .venv/bin/python ]; then
  step "Python: virtualenv .venv"
  python3 -m venv .venv
fi
step "Python: dev tools and the bunkerlite package (pip install ./bindings/python)"
.venv/bin/python -m pip install -q --disable-pip-version-check -r scripts/requirements-dev.txt
# Build the wheel with the workspace's target folder (reused across runs), then install it.
rm -rf target/wheels
.venv/bin/maturin build --release --locked -q -m bindings/python/Cargo.toml -o target/wheels
.venv/bin/python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps target/wheels/bunkerlite-*.whl

step "Node: npm ci and npm run build in bindings/node (the addon with @napi-rs/cli, release)"
(cd bindings/node && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
mkdir -p examples/node_modules
ln -sfn ../../bindings/node examples/node_modules/bunkerlite

step "C: static and shared library in target/release"
ls target/release/libbunkerlite.a target/release/libbunkerlite.so >/dev/null
