#!/usr/bin/env bash
# libsignatur and the peers (TF-IDF + LinearSVC, ComplementNB, fastText) side by side on the
# same splits:
#   sa-later     train on spamassassin (easy-ham-1 + hard-ham-1 = ham, spam-1 = spam), test on
#                spamassassin-later (easy-ham = ham, spam = spam): mail of a later period;
#   news-latest  20 Newsgroups, per group the newest 20 % by article number as the test set;
#   news-5fold   20 Newsgroups, 5-fold cross-validation (the folds signatur eval writes);
#   demo         the demo corpus split as examples/quickstart.rs does (libsignatur only).
# Accuracy, balanced accuracy, coverage at 95 % precision, and libsignatur's precision at its
# own abstain threshold. Manifests (absolute paths to the shared files) go to $PEERS_OUT.
#
# Usage: bash benches/peers/run.sh [--signatur-only] [SPLIT...] [-- TRAINING FLAGS...]
#   SPLIT: sa-later, news-latest, news-5fold, demo (default: all four);
#   --signatur-only: skip the peers (for trying training flags: the peers do not change);
#   TRAINING FLAGS go to `signatur train` / `signatur eval --folds` (e.g. --field-weight recipient=0).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA_ROOT="${SIGNATUR_DATA:-../shared/data}"
VENV="${SIGNATUR_PEERS_VENV:-$PWD/.venv-peers}"
OUT="${PEERS_OUT:-target/peers}"
PEERS=1
SPLITS=()
FLAGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --signatur-only) PEERS=0 ;;
    --) shift; FLAGS=("$@"); break ;;
    *) SPLITS+=("$1") ;;
  esac
  shift
done
[ ${#SPLITS[@]} -gt 0 ] || SPLITS=(sa-later news-latest news-5fold demo)
if ! "$VENV/bin/python" -c 'import sklearn, fasttext, numpy' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -r benches/peers/requirements.txt
fi
PY=("$VENV/bin/python" benches/peers/run.py)
NO_PEERS=()
[ "$PEERS" = 1 ] || NO_PEERS=(--no-peers)
mkdir -p "$OUT"
cargo build --release --bin signatur
SIG=./target/release/signatur

forward() {
  local name="$1" dir="$OUT/$1"
  "$SIG" train --data "$dir/train.csv" --out "$dir/model.onnx" "${FLAGS[@]}" > "$dir/train.json"
  "$SIG" eval --model "$dir/model.onnx" --data "$dir/test.csv" --json > "$dir/signatur.json"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%s: model %d bytes, trained in %.2f s" % (sys.argv[2], d["bytes"], d["seconds"]))' "$dir/train.json" "$name"
  "${PY[@]}" forward --name "$name" --train "$dir/train.csv" --test "$dir/test.csv" \
    --signatur "$dir/signatur.json" --json "$dir/peers.json" "${NO_PEERS[@]}"
}

for split in "${SPLITS[@]}"; do
  case "$split" in
    sa-later)
      "${PY[@]}" split folders --train "$DATA_ROOT/spamassassin" --test "$DATA_ROOT/spamassassin-later" \
        --map easy-ham-1=ham hard-ham-1=ham spam-1=spam easy-ham=ham spam=spam --out "$OUT/sa-later"
      forward sa-later ;;
    news-latest)
      "${PY[@]}" split latest --data "$DATA_ROOT/20news/train" --fraction 0.2 --out "$OUT/news-latest"
      forward news-latest ;;
    news-5fold)
      dir="$OUT/news-5fold"; mkdir -p "$dir"
      "$SIG" eval --data "$DATA_ROOT/20news/train" --folds 5 --json --folds-out "$dir/folds.tsv" "${FLAGS[@]}" > "$dir/signatur.json"
      # The peers read the whole post here (headers included), as in the earlier figures.
      "${PY[@]}" folds --name news-5fold --data "$DATA_ROOT/20news/train" --folds "$dir/folds.tsv" \
        --peer-input raw --signatur "$dir/signatur.json" --json "$dir/peers.json" "${NO_PEERS[@]}" ;;
    demo)
      # The demo corpus as examples/quickstart.rs splits it (every fifth message held out):
      # libsignatur only, every head.
      dir="$OUT/demo"
      "${PY[@]}" split every --manifest demo/corpus/manifest.csv --every 5 --out "$dir"
      "$SIG" train --data "$dir/train.csv" --out "$dir/model.onnx" "${FLAGS[@]}" > "$dir/train.json"
      "$SIG" eval --model "$dir/model.onnx" --data "$dir/test.csv" --json > "$dir/signatur.json"
      python3 -c 'import json,sys
for h in json.load(open(sys.argv[1]))["heads"]:
    print("demo %-6s accuracy %.4f  cov@prec %.4f  prec@thr %s" % (h["head"], h["accuracy"], h["coverage_at_precision"], h["precision_at_threshold"]))' "$dir/signatur.json" ;;
    *) echo "unknown split $split" >&2; exit 2 ;;
  esac
done
