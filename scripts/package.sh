#!/usr/bin/env bash
# Builds this platform's installable artifacts, all of the workspace's one version, into dist/
# (or the folder given as the first argument):
#   npm     bunkerlite-V.tgz                  the package users install: JavaScript, typings and the
#                                             addon loader; names the platform package below as an
#                                             optional dependency, so npm fetches only the matching one
#           bunkerlite-<platform>-V.tgz       the native addon for this platform (e.g. linux-x64-gnu; on
#                                             x86_64 Linux linked against glibc 2.17 by cargo-zigbuild)
#   Python  bunkerlite-V-cp310-abi3-*.whl     abi3 wheel for CPython >= 3.10, manylinux2014 (glibc
#                                             2.17: linked with zig, `ziglang` from PyPI) on x86_64 Linux
#           bunkerlite-V.tar.gz               sdist: builds from source where Rust is installed
#   C       bunkerlite-c-V-<triple>.tar.gz    header, static and shared library (soname), relocatable
#                                             pkg-config file; glibc 2.17 on x86_64 Linux
#   Rust    bunkerlite-V.crate                what `cargo publish` would upload
# C has an install step instead: scripts/install-c.sh --prefix DIR (header, libraries, pkg-config).
# Uses what scripts/setup.sh installs (the .venv with maturin, bindings/node/node_modules).
# Release builds, stripped of debug information.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-dist}
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
rm -f "$out"/bunkerlite-*

step() { printf '\n== %s\n' "$*"; }

step "npm: the addon (release) and the JavaScript layer"
(cd bindings/node && npm run --silent build >/dev/null)
shopt -s nullglob
addons=(bindings/node/bunkerlite.*.node)
shopt -u nullglob
if [ ${#addons[@]} -ne 1 ]; then
  echo "package.sh: expected one built addon bindings/node/bunkerlite.<platform>.node, found ${#addons[@]}" >&2
  exit 1
fi
addon=$(basename "${addons[0]}")
platform=${addon#bunkerlite.}
platform=${platform%.node}
triple=$(rustc -vV | sed -n 's/^host: //p')

# On x86_64 Linux what users install (the npm addon, the wheel, the C archive) is linked by zig
# (`ziglang` from the .venv) against glibc 2.17's symbols, so it runs on glibc >= 2.17 (RHEL 7,
# Ubuntu 18.04, Debian 10 and later), not only on the build machine's glibc; each is built in
# target/<triple>/, so the host build's cache (the tests' addon and library) stays.
glibc217=0
if [ "$triple" = "x86_64-unknown-linux-gnu" ]; then
  glibc217=1
  if ! cargo-zigbuild --version >/dev/null 2>&1; then
    echo "package.sh: cargo-zigbuild is missing (scripts/setup.sh installs it)" >&2
    exit 1
  fi
fi
zig_env=(env PATH="$PWD/.venv/bin:$PATH")

stage=target/npm
rm -rf "$stage"
mkdir -p "$stage/bunkerlite"
cp bindings/node/index.js bindings/node/index.d.ts bindings/node/native.js bindings/node/native.d.ts \
  bindings/node/README.md LICENSE "$stage/bunkerlite/"
# The published package.json: what napi-rs's `pre-publish` would write — this platform as a napi
# target and its package as an exact-version optional dependency — without the repository's build
# scripts (they need the Rust sources and the dev tools).
node - "$stage/bunkerlite/package.json" "$triple" "$platform" <<'JS'
const fs = require('fs')
const [file, triple, platform] = process.argv.slice(2)
const pkg = JSON.parse(fs.readFileSync('bindings/node/package.json', 'utf8'))
delete pkg.scripts
pkg.napi.targets = [triple]
pkg.optionalDependencies = { [`${pkg.napi.binaryName}-${platform}`]: pkg.version }
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n')
JS
napi=$PWD/bindings/node/node_modules/.bin/napi
"$napi" create-npm-dirs --cwd "$stage/bunkerlite" --npm-dir npm >/dev/null
platform_dir=$stage/bunkerlite/npm/$platform
if [ ! -f "$platform_dir/package.json" ]; then
  echo "package.sh: napi create-npm-dirs made no package for $platform ($triple)" >&2
  exit 1
fi
if [ "$glibc217" = 1 ]; then
  "${zig_env[@]}" cargo zigbuild --release --locked -q -p bunkerlite-node --target "$triple.2.17"
  cp "target/$triple/release/libbunkerlite_node.so" "$platform_dir/$addon"
else
  cp "bindings/node/$addon" "$platform_dir/"
fi
strip -S "$platform_dir/$addon"
cp LICENSE "$platform_dir/"
mv "$platform_dir" "$stage/$platform"
rm -rf "$stage/bunkerlite/npm"
(cd "$stage/$platform" && npm pack --silent --pack-destination "$out" >/dev/null)
(cd "$stage/bunkerlite" && npm pack --silent --pack-destination "$out" >/dev/null)

step "Python: abi3 wheel and sdist"
if [ "$glibc217" = 1 ]; then
  # manylinux2014 is the tag of glibc 2.17.
  "${zig_env[@]}" .venv/bin/maturin build --release --locked -q -m bindings/python/Cargo.toml \
    --zig --compatibility manylinux2014 --target "$triple" -o "$out"
else
  .venv/bin/maturin build --release --locked -q -m bindings/python/Cargo.toml -o "$out"
fi
.venv/bin/maturin sdist -m bindings/python/Cargo.toml -o "$out" 2>&1 | grep -v "^🔗\|^📡" || true

step "C: release archive (header, static and shared library, pkg-config file) for $triple"
if [ "$glibc217" = 1 ]; then
  "${zig_env[@]}" cargo zigbuild --release --locked -q -p bunkerlite-ffi --target "$triple.2.17"
  from=target/$triple/release
else
  cargo build --release --locked -q -p bunkerlite-ffi
  from=target/release
fi
archive=bunkerlite-c-$version-$triple
rm -rf "target/c-archive"
scripts/install-c.sh --prefix "/$archive" --destdir target/c-archive --from "$from" --no-build --relocatable >/dev/null
tar -C target/c-archive -czf "$out/$archive.tar.gz" "$archive"

step "Rust: cargo package -p bunkerlite"
# Tests, benches and the example read the repository's shared files and stay out of the crate; cargo
# names each one it leaves out, which is expected here.
dirty=()
git diff --quiet HEAD -- 2>/dev/null || dirty=(--allow-dirty)
cargo package -p bunkerlite --locked --no-verify -q "${dirty[@]}" 2>&1 | grep -v "^warning: ignoring \(test\|benchmark\|example\)" || true
cp "target/package/bunkerlite-$version.crate" "$out/"

step "artifacts (version $version) in $out"
(cd "$out" && ls -l bunkerlite-* | awk '{ printf "  %10d  %s\n", $5, $9 }')
