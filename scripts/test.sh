#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what it needs, then runs formatting,
# lints and every test (Rust unit, integration and doc tests; the ONNX cross-runtime check).
# Usage: bash scripts/test.sh        (CI runs exactly this through .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*" >&2; }

# --- system packages ------------------------------------------------------------------
# Debian packages the tests need; installed only when missing.
need_pkgs=()
command -v python3 >/dev/null || need_pkgs+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || need_pkgs+=(python3-venv)
command -v cc >/dev/null || need_pkgs+=(gcc)
# The C ABI tests (tests/c_abi.rs): the header compiled as C++, C programs under valgrind,
# the C# binding with Mono, the Java binding with a JDK and JNA, pkg-config, nm and readelf.
command -v c++ >/dev/null || need_pkgs+=(g++)
command -v valgrind >/dev/null || need_pkgs+=(valgrind)
command -v mcs >/dev/null || need_pkgs+=(mono-mcs)
command -v mono >/dev/null || need_pkgs+=(mono-runtime)
command -v javac >/dev/null || need_pkgs+=(default-jdk-headless)
[ -f /usr/share/java/jna.jar ] || need_pkgs+=(libjna-java)
command -v pkg-config >/dev/null || need_pkgs+=(pkg-config)
{ command -v nm && command -v readelf; } >/dev/null || need_pkgs+=(binutils)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}"
fi

# --- Rust toolchain (scripts/rust.sh: rustup when cargo is missing or too old) ----------
. scripts/rust.sh

# --- Python venv for the cross-runtime check (onnx + onnxruntime from PyPI) -------------
VENV="${SIGNATUR_VENV:-$PWD/.venv}"
if ! "$VENV/bin/python" -c 'import onnx, onnxruntime, numpy' 2>/dev/null; then
  log "creating $VENV with onnx and onnxruntime"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -r scripts/requirements-onnx.txt
fi
export SIGNATUR_PYTHON="$VENV/bin/python"

# --- Rust -----------------------------------------------------------------------------
log "cargo fmt --check"
cargo fmt --all -- --check
cargo fmt --manifest-path fuzz/Cargo.toml -- --check
log "cargo clippy --all-targets -- -D warnings"
cargo clippy --release --all-targets -- -D warnings
# Tests run in release: tract-onnx is built once (the README's quickstart and the benches
# use the same artifacts), and the corpus tests run in seconds instead of minutes.
log "cargo test --release"
cargo test --release --all-targets
cargo test --release --doc

# --- fuzzing (issue #19) --------------------------------------------------------------
# Every fuzz target for a bounded time (scripts/fuzz.sh: cargo-fuzz, installed when missing;
# AddressSanitizer; -rss_limit_mb=512 -timeout=5; a fixed libFuzzer -seed, so a run is
# reproducible). A crash, timeout or out-of-memory fails the run and prints the command
# that reproduces it. Most of a cold step is the instrumented build of the targets
# (tract-onnx again: 520 s on a new 2-core machine of the project's kind), so it goes to
# a folder outside the clone that later runs reuse: SIGNATUR_FUZZ_TARGET_DIR, default
# ~/.cache/signatur/fuzz-target. With that folder warm the whole step takes about 3 minutes
# on this 2-core machine (SIGNATUR_FUZZ_CI_SECONDS per target, default 30, two at a time);
# the first run on a new machine adds the cold build (the whole step took 705 s there).
# SIGNATUR_FUZZ=0 skips the step (fuzz/README.md).
fuzz_ci() {
  local seconds="${SIGNATUR_FUZZ_CI_SECONDS:-30}" start
  start=$(date +%s)
  log "fuzz: every target for $seconds s"
  SIGNATUR_FUZZ_JOBS=2 SIGNATUR_FUZZ_SEED="${SIGNATUR_FUZZ_SEED:-1}" \
    SIGNATUR_FUZZ_TARGET_DIR="${SIGNATUR_FUZZ_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/signatur/fuzz-target}" \
    bash scripts/fuzz.sh "$seconds"
  log "fuzz step took $(( $(date +%s) - start )) s"
}
if [ "${SIGNATUR_FUZZ:-1}" != 0 ]; then
  fuzz_ci
else
  log "fuzz step skipped (SIGNATUR_FUZZ=0)"
fi
