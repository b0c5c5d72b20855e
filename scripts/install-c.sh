#!/usr/bin/env bash
# Installs the C library the way C users expect (the layout cargo-c and autotools use):
#   PREFIX/include/bunkerlite.h
#   PREFIX/lib/libbunkerlite.a
#   PREFIX/lib/libbunkerlite.so.X.Y.Z, with the symlinks libbunkerlite.so.<abi> (the soname) and
#     libbunkerlite.so (for -lbunkerlite); .dylib names on macOS
#   PREFIX/lib/pkgconfig/bunkerlite.pc, for `pkg-config --cflags --libs bunkerlite`
#     (`--static` adds the system libraries the static library needs)
#
# Usage: scripts/install-c.sh --prefix DIR [--libdir DIR] [--destdir DIR] [--no-build] [--no-strip]
#                             [--from DIR] [--relocatable]
# Builds the release library first (cargo build --release -p bunkerlite-ffi) unless --no-build.
# --destdir stages the files under DIR (for packagers) while the .pc file names the final prefix.
# --from takes the built libraries from DIR (default target/release; e.g. a cross build's folder).
# --relocatable writes the .pc file relative to its own place (`${pcfiledir}`), for an archive
# extracted anywhere.
# The installed libraries are stripped of debug information (35 MB -> 7 MB) unless --no-strip.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=
libdir=
destdir=
build=1
strip_debug=1
from=target/release
relocatable=0
usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --prefix=*) prefix=${1#*=}; shift ;;
    --libdir) libdir=${2:?--libdir needs a directory}; shift 2 ;;
    --libdir=*) libdir=${1#*=}; shift ;;
    --destdir) destdir=${2:?--destdir needs a directory}; shift 2 ;;
    --destdir=*) destdir=${1#*=}; shift ;;
    --no-build) build=0; shift ;;
    --no-strip) strip_debug=0; shift ;;
    --from) from=${2:?--from needs a directory}; shift 2 ;;
    --from=*) from=${1#*=}; shift ;;
    --relocatable) relocatable=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install-c.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -z "$prefix" ]; then
  echo "install-c.sh: --prefix DIR is required (e.g. --prefix /usr/local)" >&2
  exit 2
fi
case $prefix in
  /*) ;;
  *) prefix="$(pwd -P)/$prefix" ;;
esac
prefix=${prefix%/}
[ -n "$prefix" ] || prefix=/
libdir=${libdir:-$prefix/lib}
case $libdir in
  /*) ;;
  *) libdir="$prefix/$libdir" ;;
esac
includedir=$prefix/include

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
if [ -z "$version" ]; then
  echo "install-c.sh: no version in the workspace Cargo.toml" >&2
  exit 1
fi
major=${version%%.*}
rest=${version#*.}
minor=${rest%%.*}
# The ABI part of the soname: the major version, or 0.<minor> before 1.0 (see ffi/build.rs).
if [ "$major" = 0 ]; then abi="0.$minor"; else abi=$major; fi

if [ "$build" = 1 ]; then
  cargo build --release --locked -q -p bunkerlite-ffi
fi

case $(uname -s) in
  Darwin)
    built=$from/libbunkerlite.dylib
    real=libbunkerlite.$version.dylib
    soname=libbunkerlite.$abi.dylib
    dev=libbunkerlite.dylib
    ;;
  *)
    built=$from/libbunkerlite.so
    real=libbunkerlite.so.$version
    soname=libbunkerlite.so.$abi
    dev=libbunkerlite.so
    ;;
esac
for f in include/bunkerlite.h "$from/libbunkerlite.a" "$built"; do
  if [ ! -f "$f" ]; then
    echo "install-c.sh: $f is missing (build with: cargo build --release -p bunkerlite-ffi)" >&2
    exit 1
  fi
done

install -d "$destdir$includedir" "$destdir$libdir" "$destdir$libdir/pkgconfig"
install -m 644 include/bunkerlite.h "$destdir$includedir/bunkerlite.h"
install -m 644 "$from/libbunkerlite.a" "$destdir$libdir/libbunkerlite.a"
install -m 755 "$built" "$destdir$libdir/$real"
if [ "$strip_debug" = 1 ]; then
  if command -v strip >/dev/null 2>&1; then
    strip -S "$destdir$libdir/libbunkerlite.a" "$destdir$libdir/$real"
  else
    echo "install-c.sh: no 'strip' on PATH; installing with debug information" >&2
  fi
fi
ln -sfn "$real" "$destdir$libdir/$soname"
ln -sfn "$soname" "$destdir$libdir/$dev"

# pkg-config paths relative to ${prefix} when they are under it, so a relocated tree still works.
rel() { case $1 in "$prefix"/*) printf '${prefix}%s' "${1#"$prefix"}" ;; *) printf '%s' "$1" ;; esac; }
pc_prefix=$prefix
if [ "$relocatable" = 1 ]; then
  # The .pc file sits in <prefix>/<libdir>/pkgconfig: the prefix is found from it.
  up=${libdir#"$prefix"}
  up=$(printf '%s' "${up#/}/pkgconfig" | sed 's#[^/]*#..#g')
  pc_prefix="\${pcfiledir}/$up"
fi
cat >"$destdir$libdir/pkgconfig/bunkerlite.pc" <<PC
prefix=$pc_prefix
libdir=$(rel "$libdir")
includedir=$(rel "$includedir")

Name: bunkerlite
Description: Embedded, encrypted vault for personal data with GDPR workflows built in
Version: $version
URL: https://github.com/bunkerlite/bunkerlite
Cflags: -I\${includedir}
Libs: -L\${libdir} -lbunkerlite
Libs.private: -lpthread -ldl -lm
PC
chmod 644 "$destdir$libdir/pkgconfig/bunkerlite.pc"

echo "installed bunkerlite $version (C) under $destdir$prefix:"
echo "  $includedir/bunkerlite.h"
echo "  $libdir/libbunkerlite.a, $libdir/$real ($soname, $dev)"
echo "  $libdir/pkgconfig/bunkerlite.pc"
