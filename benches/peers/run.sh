#!/usr/bin/env bash
# Peer comparison on 20 Newsgroups: libsignatur's 5-fold cross-validation and the peers
# (TF-IDF + LinearSVC, ComplementNB, fastText) on the same folds, side by side.
# Usage: bash benches/peers/run.sh [DATA_DIR]   (default: ../shared/data/20news/train)
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${1:-${SIGNATUR_DATA:-../shared/data}/20news/train}"
VENV="${SIGNATUR_PEERS_VENV:-$PWD/.venv-peers}"
if ! "$VENV/bin/python" -c 'import sklearn, fasttext, numpy' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -r benches/peers/requirements.txt
fi
OUT="${PEERS_OUT:-target/peers}"
mkdir -p "$OUT"
cargo build --release --bin signatur
./target/release/signatur eval --data "$DATA" --folds 5 --json --folds-out "$OUT/folds.tsv" > "$OUT/signatur.json"
"$VENV/bin/python" benches/peers/run.py --data "$DATA" --folds "$OUT/folds.tsv" --signatur "$OUT/signatur.json" --json "$OUT/peers.json"
