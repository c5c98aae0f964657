#!/usr/bin/env bash
# libsignatur and the peers (TF-IDF + LinearSVC, ComplementNB, fastText) side by side on the
# same splits:
#   sa-later     train on spamassassin (easy-ham-1 + hard-ham-1 = ham, spam-1 = spam), test on
#                spamassassin-later (easy-ham = ham, spam = spam): mail of a later period;
#   news-latest  20 Newsgroups, per group the newest 20 % by article number as the test set;
#   news-5fold   20 Newsgroups, 5-fold cross-validation (the folds signatur eval writes);
#   os2kle       real Danish text: OS2KLE's keywords to train on, the emne titles to test on,
#                labelled with the KLE hovedgruppe (37 labels; run.py's `split os2kle`);
#   demo         the demo corpus split as examples/quickstart.rs does (libsignatur only);
#   demo-5fold   the demo corpus in 5 folds (libsignatur only).
# Accuracy, balanced accuracy, coverage at 95 % precision, and libsignatur's precision at its
# own abstain threshold. Manifests (absolute paths to the shared files) go to $PEERS_OUT.
#
# Usage: bash benches/peers/run.sh [--signatur-only] [SPLIT...] [-- TRAINING FLAGS...]
#   SPLIT: sa-later, news-latest, news-5fold, os2kle, demo, demo-5fold (default: all);
#   --signatur-only: skip the peers (for trying training flags: the peers do not change);
#   TRAINING FLAGS go to every `signatur eval` (e.g. --field-weight recipient=0).
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
[ ${#SPLITS[@]} -gt 0 ] || SPLITS=(sa-later news-latest news-5fold os2kle demo demo-5fold)
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

# libsignatur's figures: `signatur eval --json SPLIT-ARGS TRAINING-FLAGS` into
# $dir/signatur.json.
sig_eval() {
  local dir="$1"; shift
  "$SIG" eval --json "$@" "${FLAGS[@]}" > "$dir/signatur.json"
}

# The peers' side of a split with a train.csv and a test.csv; further arguments go to
# run.py (`--peer-input raw` for plain-text files).
forward() {
  local name="$1" dir="$OUT/$1"; shift
  "${PY[@]}" forward --name "$name" --train "$dir/train.csv" --test "$dir/test.csv" \
    --signatur "$dir/signatur.json" --json "$dir/peers.json" "${NO_PEERS[@]}" "$@"
}

for split in "${SPLITS[@]}"; do
  case "$split" in
    sa-later)
      "${PY[@]}" split folders --train "$DATA_ROOT/spamassassin" --test "$DATA_ROOT/spamassassin-later" \
        --map easy-ham-1=ham hard-ham-1=ham spam-1=spam easy-ham=ham spam=spam --out "$OUT/sa-later"
      sig_eval "$OUT/sa-later" --data "$OUT/sa-later/train.csv" --test "$OUT/sa-later/test.csv"
      forward sa-later ;;
    news-latest)
      # The peers' manifests hold out the same posts as --holdout latest:0.2 (20news posts
      # have no Date header, so both order each group by file name; tests/eval_forward.rs
      # checks libsignatur's side, and run.py refuses a split whose test labels differ).
      "${PY[@]}" split latest --data "$DATA_ROOT/20news/train" --fraction 0.2 --out "$OUT/news-latest"
      sig_eval "$OUT/news-latest" --data "$DATA_ROOT/20news/train" --holdout latest:0.2
      forward news-latest ;;
    news-5fold)
      dir="$OUT/news-5fold"; mkdir -p "$dir"
      sig_eval "$dir" --data "$DATA_ROOT/20news/train" --folds 5 --folds-out "$dir/folds.tsv"
      # The peers read the whole post here (headers included), as in the earlier figures.
      "${PY[@]}" folds --name news-5fold --data "$DATA_ROOT/20news/train" --folds "$dir/folds.tsv" \
        --peer-input raw --signatur "$dir/signatur.json" --json "$dir/peers.json" "${NO_PEERS[@]}" ;;
    os2kle)
      # Not a later period but other text: short keywords to train on, titles to test on.
      "${PY[@]}" split os2kle --os2kle "$DATA_ROOT/os2kle/OS2KLE.txt" --out "$OUT/os2kle"
      sig_eval "$OUT/os2kle" --text --data "$OUT/os2kle/train.csv" --test "$OUT/os2kle/test.csv"
      forward os2kle --peer-input raw ;;
    demo|demo-5fold)
      # The demo corpus (libsignatur only, every head): as examples/quickstart.rs splits it
      # (every fifth message held out: 87 messages, one is 1.1 points), or in 5 folds.
      dir="$OUT/$split"; mkdir -p "$dir"
      if [ "$split" = demo ]; then
        "${PY[@]}" split every --manifest demo/corpus/manifest.csv --every 5 --out "$dir"
        sig_eval "$dir" --data "$dir/train.csv" --test "$dir/test.csv"
      else
        sig_eval "$dir" --data demo/corpus/manifest.csv --folds 5
      fi
      python3 -c 'import json,sys
for h in json.load(open(sys.argv[1]))["heads"]:
    print("%s %-6s accuracy %.4f  balanced %.4f  cov@prec %.4f  prec@thr %s" % (sys.argv[2], h["head"], h["accuracy"], h["balanced_accuracy"], h["coverage_at_precision"], h["precision_at_threshold"]))' "$dir/signatur.json" "$split" ;;
    *) echo "unknown split $split" >&2; exit 2 ;;
  esac
done
