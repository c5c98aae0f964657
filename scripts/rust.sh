#!/usr/bin/env bash
# Makes sure a Rust toolchain that builds libsignatur is on PATH; sourced by scripts/test.sh
# and scripts/quickstart.sh (`. scripts/rust.sh`), so that what it puts on PATH stays.
#
# Cargo.toml's rust-version, with rustfmt and clippy, and a C compiler (the linker). A
# machine without cargo, or with an older one (Debian's and Ubuntu's own packages are),
# gets rustup's stable toolchain in ~/.cargo; one with rustup gets the missing components.
# Nothing is installed on a machine that has them.
signatur_apt() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}
command -v cc >/dev/null || signatur_apt gcc
RUST_MIN=$(sed -n 's/^rust-version *= *"\(.*\)"/\1/p' Cargo.toml)
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
rust_ok() {
  command -v cargo >/dev/null && command -v rustc >/dev/null || return 1
  local have
  have=$(rustc --version | awk '{print $2}')
  [ "$(printf '%s\n%s\n' "$RUST_MIN" "$have" | sort -V | head -n1)" = "$RUST_MIN" ]
}
if ! rust_ok; then
  if command -v rustup >/dev/null; then
    echo >&2 "== rustc is older than $RUST_MIN: rustup update stable"
    rustup toolchain install stable --profile minimal -c rustfmt -c clippy
    rustup default stable
  else
    echo >&2 "== installing Rust (rustup, stable, with rustfmt and clippy)"
    command -v curl >/dev/null || signatur_apt curl ca-certificates
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
      | sh -s -- -y --profile minimal -c rustfmt -c clippy
    . "$HOME/.cargo/env"
  fi
fi
if command -v rustup >/dev/null && ! { cargo fmt --version && cargo clippy --version; } >/dev/null 2>&1; then
  rustup component add rustfmt clippy
fi

