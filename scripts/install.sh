#!/usr/bin/env bash
# Installs the C library: libsignatur.so and libsignatur.a, include/signatur.h and a
# pkg-config file. Build first with `cargo build --release --lib`.
#
#   scripts/install.sh [PREFIX]              install under PREFIX (default /usr/local)
#   scripts/install.sh --pc LIBDIR INCDIR    print a signatur.pc for the library in LIBDIR
#                                            and the header in INCDIR, installing nothing
#                                            (for using the build tree, as the tests do)
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)

# The system libraries a program linked against a Rust staticlib needs: rustc reports them
# for the standard library with --print native-static-libs. libsignatur's dependencies link
# no other native library (tract's kernels are bundled into libsignatur.a), which the static
# link in tests/c_abi.rs checks.
native_static_libs() {
  local tmp
  tmp=$(mktemp -d)
  : > "$tmp/empty.rs"
  rustc --crate-type staticlib --crate-name empty --print native-static-libs \
    -o "$tmp/libempty.a" "$tmp/empty.rs" 2>&1 | sed -n 's/.*native-static-libs: //p'
  rm -rf "$tmp"
}

pc() { # prefix libdir includedir
  sed -e "s|@PREFIX@|$1|" -e "s|@LIBDIR@|$2|" -e "s|@INCLUDEDIR@|$3|" \
      -e "s|@VERSION@|$version|" -e "s|@NATIVE_STATIC_LIBS@|$(native_static_libs)|" signatur.pc.in
}

if [ "${1:-}" = "--pc" ]; then
  [ $# -eq 3 ] || { echo "usage: $0 --pc LIBDIR INCDIR" >&2; exit 2; }
  libdir=$(cd "$2" && pwd); incdir=$(cd "$3" && pwd)
  pc "$libdir" "$libdir" "$incdir"
  exit 0
fi

prefix=${1:-/usr/local}
for f in target/release/libsignatur.so target/release/libsignatur.a; do
  [ -f "$f" ] || { echo "$f is missing: run cargo build --release --lib first" >&2; exit 1; }
done
install -d "$prefix/lib/pkgconfig" "$prefix/include"
install -m 0755 target/release/libsignatur.so "$prefix/lib/"
install -m 0644 target/release/libsignatur.a "$prefix/lib/"
install -m 0644 include/signatur.h "$prefix/include/"
pc "$prefix" "$prefix/lib" "$prefix/include" > "$prefix/lib/pkgconfig/signatur.pc"
echo "installed libsignatur $version under $prefix"
