#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets/) for SECONDS each (default 60) and prints, per
# target, the executions, executions per second, coverage (edges and features), corpus
# size, peak memory and whether it crashed. A crash, timeout or out-of-memory fails the run
# and prints the command that reproduces it.
#
# Usage: bash scripts/fuzz.sh [SECONDS] [TARGET...]
#   SIGNATUR_FUZZ_JOBS=2   targets run this many at a time (default 1); with more jobs than
#                          cores they run at nice 10, so they share the machine
#   SIGNATUR_FUZZ_SEED=N   libFuzzer's -seed (default: random); CI sets 1
#   SIGNATUR_FUZZ_TARGET_DIR=DIR   build there instead of fuzz/target
#   SIGNATUR_FUZZ_SUMMARY=FILE     also write the table there (default fuzz/logs/summary.txt)
#
# Every target runs with libFuzzer's -rss_limit_mb=512 -timeout=5 (issue #19): an input that
# needs more memory or time is a bug in `Limits`. All targets are built once, together, with
# AddressSanitizer (RUSTC_BOOTSTRAP=1 lets the stable toolchain use it; the C ABI target
# needs it, and one build for all is cheaper than two) in fuzz/target, or in
# $SIGNATUR_FUZZ_TARGET_DIR when set (a folder outside the clone that runs reuse). Seed corpora are
# built at run time by scripts/fuzz-seeds.py from ../shared/data and tests/fixtures;
# what a run adds is kept in fuzz/corpus/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
JOBS="${SIGNATUR_FUZZ_JOBS:-1}"
SUMMARY="${SIGNATUR_FUZZ_SUMMARY:-fuzz/logs/summary.txt}"
SEED_ARGS=()
[ -n "${SIGNATUR_FUZZ_SEED:-}" ] && SEED_ARGS=(-seed="$SIGNATUR_FUZZ_SEED")
NICE=()
[ "$JOBS" -gt "$(nproc)" ] && NICE=(nice -n 10)
CARGO_FUZZ_VERSION=0.13.2

log() { printf '\n== %s\n' "$*" >&2; }

if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi

export RUSTC_BOOTSTRAP=1
# ASan's quarantine would count against the 512 MB RSS limit; keep it small. Leaks are
# reported (LeakSanitizer works here, also for c_abi and model; checked with 25 s runs).
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=32:detect_leaks=1:allocator_may_return_null=1}"
# Where the instrumented build goes: fuzz/target by default (cargo-fuzz's own), or a folder
# outside the clone that later runs reuse (scripts/test.sh sets one; see fuzz/README.md).
TARGET_DIR="${SIGNATUR_FUZZ_TARGET_DIR:-fuzz/target}"
FLAGS=(-O --codegen-units 16 --target-dir "$TARGET_DIR")
BUILD=(cargo fuzz build "${FLAGS[@]}")

log "building the fuzz targets (${BUILD[*]})"
start=$(date +%s)
"${BUILD[@]}"
log "fuzz build took $(( $(date +%s) - start )) s"

if [ ${#TARGETS[@]} -eq 0 ]; then
  mapfile -t TARGETS < <(cargo fuzz list)
fi

SEEDS="fuzz/seeds"
rm -rf "$SEEDS"
# The CLI makes the model seeds; cargo puts it under CARGO_TARGET_DIR when that is set.
BIN="${CARGO_TARGET_DIR:-target}/release/signatur"
if [ ! -x "$BIN" ]; then
  log "building the signatur binary (model seeds)"
  cargo build --release --bin signatur
fi
python3 scripts/fuzz-seeds.py "$SEEDS" "$BIN"

LOGS="fuzz/logs"
mkdir -p "$LOGS"

run_target() {
  local t="$1"
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  # -s address is cargo-fuzz's default; the build above made the same artifacts. The CPU
  # time the target got (user + system) goes to $LOGS/$t.cpu: with more jobs than cores a
  # target's wall-clock time is not its share of the machine.
  local TIMEFORMAT='%U+%S'
  if { time "${NICE[@]}" cargo fuzz run "${FLAGS[@]}" "$t" "fuzz/corpus/$t" "$SEEDS/$t" -- \
      -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=512 -timeout=5 "${SEED_ARGS[@]}" \
      -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t/" \
      >"$LOGS/$t.log" 2>&1; } 2>"$LOGS/$t.cpu"; then
    echo ok >"$LOGS/$t.status"
  else
    echo crash >"$LOGS/$t.status"
  fi
}

log "running ${#TARGETS[@]} targets, ${SECONDS_PER_TARGET} s each, $JOBS at a time"
running=0
for t in "${TARGETS[@]}"; do
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

failed=0
{
printf '%s, %s s per target, %s at a time%s\n' "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" \
  "$SECONDS_PER_TARGET" "$JOBS" "${SEED_ARGS[0]:+, ${SEED_ARGS[0]}}"
printf '%-20s %12s %9s %8s %8s %9s %7s %8s  %s\n' target executions exec/s cpu_s edges features corpus rss_mb result
for t in "${TARGETS[@]}"; do
  f="$LOGS/$t.log"
  stat() { grep -o "stat::$1: *[0-9]*" "$f" | tail -1 | awk '{print $2}'; }
  execs=$(stat number_of_executed_units)
  rate=$(stat average_exec_per_sec)
  rss=$(stat peak_rss_mb)
  last=$(grep -E '^#[0-9]+' "$f" | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | awk '{print $2}')
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | awk '{print $2}')
  corp=$(grep -o 'corp: [0-9]*' <<<"$last" | awk '{print $2}')
  status=$(cat "$LOGS/$t.status")
  cpu=$(awk -F+ '/^[0-9.]+\+[0-9.]+$/ {printf "%d", $1 + $2}' "$LOGS/$t.cpu" 2>/dev/null || true)
  printf '%-20s %12s %9s %8s %8s %9s %7s %8s  %s\n' "$t" "${execs:--}" "${rate:--}" "${cpu:--}" \
    "${cov:--}" "${ft:--}" "${corp:--}" "${rss:--}" "$status"
  if [ "$status" != ok ]; then
    failed=1
    input=$(grep -o 'Test unit written to [^ ]*' "$f" | tail -1 | awk '{print $NF}')
    kind=$(grep -oE 'ERROR: (libFuzzer|AddressSanitizer): [a-z-]*|panicked at [^ ]*' "$f" | head -1)
    echo "  $t failed: ${kind:-see $f}" >&2
    echo "  reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run ${FLAGS[*]} $t ${input:-fuzz/artifacts/$t/<input>} -- -rss_limit_mb=512 -timeout=5" >&2
  fi
done
} >"$SUMMARY"
cat "$SUMMARY"
exit "$failed"
