#!/usr/bin/env bash
# The packages stage: builds every artifact (scripts/package.sh, scripts/install-c.sh), installs
# each one the way its users do — into a fresh project in a temporary folder outside the repository —
# by running the README's install blocks as written, runs that language's quickstart, and checks
# that every artifact reports the workspace's version. Node and Python install and run with no Rust
# on the PATH; the sdist is built from source in a clean folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
work=$(mktemp -d "${TMPDIR:-/tmp}/bunkerlite-packages.XXXXXX")
# BUNKERLITE_PACKAGES_KEEP=1 keeps the folder (projects, logs) for inspection.
if [ "${BUNKERLITE_PACKAGES_KEEP:-}" = 1 ]; then
  echo "packages: working in $work (kept)"
else
  trap 'rm -rf "$work"' EXIT
fi
export REPO DIST=$work/dist PREFIX=$work/prefix
# Cargo in the consumer projects reuses the workspace's compiled dependencies (same profile
# settings) and the local registry cache; the crates under test are compiled from their packages.
cargo_env=(CARGO_TARGET_DIR="$REPO/target" CARGO_PROFILE_RELEASE_DEBUG=line-tables-only CARGO_NET_OFFLINE=true)

step() { printf -- '-- %s\n' "$*"; }
fail() {
  echo "packages: $*" >&2
  exit 1
}
# The PATH without any folder that holds cargo, rustc or rustup.
no_rust_path() {
  local dir out=
  local IFS=:
  for dir in $PATH; do
    [ -n "$dir" ] || continue
    if [ -e "$dir/cargo" ] || [ -e "$dir/rustc" ] || [ -e "$dir/rustup" ]; then continue; fi
    out=${out:+$out:}$dir
  done
  printf '%s' "$out"
}
# Runs the README's install block for a language in a new project folder holding its quickstart.
run_block() {
  local lang=$1 quickstart=$2 dir=$work/$1
  shift 2
  mkdir -p "$dir"
  cp "examples/$quickstart" "$dir/"
  .venv/bin/python scripts/check_readme.py --install "$lang" >"$work/$lang.sh"
  (cd "$dir" && env "$@" bash -euo pipefail "$work/$lang.sh") >"$work/$lang.out" 2>&1 || {
    cat "$work/$lang.out"
    fail "the README's $lang install block failed"
  }
  grep -q "audit chain verified" "$work/$lang.out" || {
    cat "$work/$lang.out"
    fail "the $lang quickstart did not finish"
  }
}
# Fails unless the shared object $1 ($2 names it) needs no glibc symbol newer than 2.17.
expect_glibc_217() {
  local newest
  newest=$(objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n | tail -1)
  case $newest in
    2.1[0-7] | 2.[0-9]) ;;
    *) fail "$2 needs glibc $newest (at most 2.17 expected)" ;;
  esac
}
expect_version() {
  [ "$2" = "$version" ] || fail "$1 reports version '$2', the workspace is $version"
}

step "building the artifacts (scripts/package.sh)"
scripts/package.sh "$DIST" >"$work/package.log" 2>&1 || {
  cat "$work/package.log"
  fail "scripts/package.sh failed"
}
sed -n '/^== artifacts/,$p' "$work/package.log"

norust=$(no_rust_path)
if PATH=$norust command -v cargo >/dev/null 2>&1; then fail "could not take cargo off the PATH"; fi

step "node: npm install of the tarballs with no Rust on the PATH, quickstart"
main_tgz=$DIST/bunkerlite-$version.tgz
[ -f "$main_tgz" ] || fail "no $main_tgz"
tar xzf "$main_tgz" -C "$work" package/package.json
node -e '
const pkg = require(process.argv[1])
const scripts = Object.keys(pkg.scripts || {})
if (scripts.length) { console.error("the npm package has scripts: " + scripts.join(", ")); process.exit(1) }
if (Object.keys(pkg.dependencies || {}).length) { console.error("the npm package has dependencies"); process.exit(1) }' "$work/package/package.json"
run_block node quickstart.mjs PATH="$norust"
if [ "$(uname -m)" = "x86_64" ] && [ "$(uname -s)" = "Linux" ]; then
  # The addon in the platform package needs no glibc newer than 2.17.
  addon_file=$(find "$work/node/node_modules" -name 'bunkerlite.linux-x64-gnu.node' | head -1)
  [ -n "$addon_file" ] || fail "no installed bunkerlite.linux-x64-gnu.node"
  expect_glibc_217 "$addon_file" "the npm addon"
fi
node_versions=$(cd "$work/node" && PATH=$norust node -e '
const b = require("bunkerlite")
const platform = Object.keys(require("bunkerlite/package.json").optionalDependencies)[0]
console.log([b.version(), require("bunkerlite/package.json").version, require(platform + "/package.json").version].join(" "))')
read -r runtime pkg platform_pkg <<<"$node_versions"
expect_version "the Node addon (version())" "$runtime"
expect_version "the npm package" "$pkg"
expect_version "the npm platform package" "$platform_pkg"
# Without its platform package the loader says which package is missing.
mkdir -p "$work/node-without-addon"
(cd "$work/node-without-addon" && npm init -y >/dev/null &&
  PATH=$norust npm install -q --offline --omit=optional --no-audit --no-fund "$main_tgz" >/dev/null 2>&1) ||
  fail "npm install of the package alone failed"
missing=$(cd "$work/node-without-addon" && node -e '
try { require("bunkerlite"); console.log("loaded") } catch (e) { console.log(e.message) }')
case $missing in
  *"optional dependency bunkerlite-"*) ;;
  *) fail "without the platform package, require('bunkerlite') said: $missing" ;;
esac
# The Node package's README example runs as written.
sed -n '/^```js$/,/^```$/p' bindings/node/README.md | sed '1d;$d' >"$work/node/readme.cjs"
(cd "$work/node" && PATH=$norust node readme.cjs >/dev/null) || fail "bindings/node/README.md's example failed"

step "python: the wheel's platform tag holds (auditwheel: no symbol newer than its glibc)"
shopt -s nullglob
wheels=("$DIST"/bunkerlite-*.whl)
shopt -u nullglob
[ ${#wheels[@]} -eq 1 ] || fail "expected one wheel in $DIST, found ${#wheels[@]}"
if [ "$(uname -m)" = "x86_64" ] && [ "$(uname -s)" = "Linux" ]; then
  case ${wheels[0]} in
    *manylinux2014_x86_64*) ;;
    *) fail "the x86_64 Linux wheel is not tagged manylinux2014: ${wheels[0]}" ;;
  esac
  .venv/bin/auditwheel show "${wheels[0]}" >"$work/auditwheel.out" 2>&1 || { cat "$work/auditwheel.out"; fail "auditwheel show failed"; }
  grep -q '"manylinux_2_17_x86_64"' "$work/auditwheel.out" || { cat "$work/auditwheel.out"; fail "the wheel is not manylinux_2_17 compatible"; }
fi

step "python: pip install of the wheel in a new virtualenv with no Rust on the PATH, quickstart"
run_block python quickstart.py PATH="$norust"
py_versions=$(cd "$work/python" && .venv/bin/python -c '
import importlib.metadata, bunkerlite
print(bunkerlite.__version__, importlib.metadata.version("bunkerlite"))')
read -r runtime dist_version <<<"$py_versions"
expect_version "bunkerlite.__version__" "$runtime"
expect_version "the Python wheel" "$dist_version"
sed -n '/^```python$/,/^```$/p' bindings/python/README.md | sed '1d;$d' >"$work/python/readme.py"
(cd "$work/python" && .venv/bin/python readme.py >/dev/null) || fail "bindings/python/README.md's example failed"

step "python: the sdist builds from source and installs"
sdist=$DIST/bunkerlite-$version.tar.gz
[ -f "$sdist" ] || fail "no $sdist"
mkdir -p "$work/sdist"
tar xzf "$sdist" -C "$work/sdist"
# Fresh timestamps, so cargo compiles the sdist's own sources rather than trusting earlier builds.
find "$work/sdist" -type f -exec touch {} +
env "${cargo_env[@]}" PATH="$REPO/.venv/bin:$PATH" .venv/bin/python -m pip wheel -v --no-deps --no-build-isolation \
  --disable-pip-version-check -w "$work/sdist-wheel" "$work/sdist/bunkerlite-$version" >"$work/sdist.log" 2>&1 || {
  cat "$work/sdist.log"
  fail "the sdist did not build"
}
python3 -m venv "$work/sdist-venv"
"$work/sdist-venv/bin/pip" install -q --no-index --disable-pip-version-check "$work/sdist-wheel"/bunkerlite-*.whl
(cd "$work/sdist-wheel" && "$work/sdist-venv/bin/python" "$REPO/examples/quickstart.py" | grep -q "audit chain verified") ||
  fail "the quickstart failed with the package built from the sdist"

step "c: install-c.sh into a prefix, pkg-config, shared and static quickstart"
run_block c quickstart.c
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
expect_version "pkg-config --modversion bunkerlite" "$(pkg-config --modversion bunkerlite)"
soname=$(readelf -d "$work/c/quickstart" | sed -n 's/.*NEEDED.*\[\(libbunkerlite[^]]*\)\].*/\1/p')
major=${version%%.*}
minor=$(echo "$version" | cut -d. -f2)
if [ "$major" = 0 ]; then abi=0.$minor; else abi=$major; fi
[ "$soname" = "libbunkerlite.so.$abi" ] || fail "the quickstart needs '$soname', expected libbunkerlite.so.$abi"
[ -e "$PREFIX/lib/$soname" ] || fail "$PREFIX/lib/$soname is not installed"
static_libs=$(pkg-config --static --libs bunkerlite)
for lib in -lpthread -ldl -lm; do
  case " $static_libs " in *" $lib "*) ;; *) fail "pkg-config --static --libs lacks $lib: $static_libs" ;; esac
done
cc -std=c11 -Wall -Werror "$work/c/quickstart.c" $(pkg-config --cflags bunkerlite) "$PREFIX/lib/libbunkerlite.a" \
  -lpthread -ldl -lm -o "$work/c/quickstart_static"
if readelf -d "$work/c/quickstart_static" | grep -q "NEEDED.*libbunkerlite"; then fail "the static build links the shared library"; fi
(cd "$work/c" && ./quickstart_static | grep -q "audit chain verified") || fail "the static quickstart failed"
cc -std=c11 -Wall -Werror tests/packages/version.c $(pkg-config --cflags --libs bunkerlite) -Wl,-rpath,"$PREFIX/lib" \
  -o "$work/c/version"
expect_version "bl_version()" "$("$work/c/version")"

step "c: the release archive, extracted elsewhere, through its relocatable pkg-config file"
triple=$(rustc -vV | sed -n 's/^host: //p')
archive=$DIST/bunkerlite-c-$version-$triple.tar.gz
[ -f "$archive" ] || fail "no $archive"
mkdir -p "$work/c-archive/somewhere"
tar xzf "$archive" -C "$work/c-archive/somewhere"
arch_root=$work/c-archive/somewhere/bunkerlite-c-$version-$triple
cp examples/quickstart.c "$work/c-archive/"
(
  export PKG_CONFIG_PATH=$arch_root/lib/pkgconfig
  expect_version "the archive's pkg-config --modversion" "$(pkg-config --modversion bunkerlite)"
  cd "$work/c-archive"
  # shellcheck disable=SC2046
  cc -std=c11 -Wall -Werror quickstart.c $(pkg-config --cflags bunkerlite) "$arch_root/lib/libbunkerlite.a" \
    $(pkg-config --static --libs-only-l bunkerlite | sed 's/-lbunkerlite//') -o quickstart_static
  ./quickstart_static | grep -q "audit chain verified" || fail "the archive's static quickstart failed"
  # shellcheck disable=SC2046
  cc -std=c11 -Wall -Werror quickstart.c $(pkg-config --cflags --libs bunkerlite) -Wl,-rpath,"$arch_root/lib" \
    -o quickstart_shared
  ./quickstart_shared | grep -q "audit chain verified" || fail "the archive's shared quickstart failed"
) || fail "the C release archive does not build and run the quickstart"
if [ "$triple" = "x86_64-unknown-linux-gnu" ]; then
  expect_glibc_217 "$arch_root/lib/libbunkerlite.so" "the archive's libbunkerlite.so"
fi

step "rust: the packaged crate as a path dependency of a new cargo project, quickstart"
run_block rust quickstart.rs "${cargo_env[@]}"
expect_version "the packaged crate" "$(sed -n 's/^version = "\(.*\)"$/\1/p' "$work/rust/bunkerlite/Cargo.toml" | head -1)"
printf 'fn main() {\n    println!("{}", bunkerlite::VERSION);\n}\n' >"$work/rust/app/src/main.rs"
expect_version "bunkerlite::VERSION" "$(cd "$work/rust/app" && env "${cargo_env[@]}" cargo run -q --release)"

echo "packages: npm, wheel, sdist, C install and crate installed and ran; all report version $version"
