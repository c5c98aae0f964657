#!/usr/bin/env bash
# Regenerates include/signatur.h (cbindgen, pinned in Cargo.toml's dev-dependencies, run as a
# library inside the test) and include/signatur.symbols (the exported symbols of the built
# libsignatur.so). Run it after changing src/ffi/ and commit both files; `cargo test` fails
# while either is stale. A symbol that disappears from the list is an ABI break.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --lib
SIGNATUR_BLESS=1 cargo test --release --test c_abi -- \
  header_is_current exported_symbols_match_the_committed_list_and_the_header
git --no-pager diff --stat -- include/ || true
