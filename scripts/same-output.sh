#!/usr/bin/env bash
# Shows that two builds of `signatur` make the same models and the same decisions: the
# check for a change that must not change behaviour (such as a move of modules).
#
# Usage: scripts/same-output.sh BEFORE_BIN AFTER_BIN [WORK_DIR]
#   e.g. git worktree add /tmp/before HEAD~1 && (cd /tmp/before && cargo build --release)
#        scripts/same-output.sh /tmp/before/target/release/signatur target/release/signatur
#
# Trains with both binaries (demo corpus, 20 Newsgroups, the OS2KLE keyword model, the demo
# corpus with the keyword prior), learns corrections and retrains, then compares the model
# files byte for byte with only the training timestamps masked, and the JSON decisions of
# each binary's models on the demo corpus and on 20 Newsgroups byte for byte. Exits 1 on
# the first difference.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(realpath "$1"); after=$(realpath "$2")
work="${3:-$(mktemp -d)}"
data="${SIGNATUR_DATA:-../shared/data}"
demo=demo/corpus/manifest.csv
news="$data/20news/train"
os2kle="$data/os2kle/OS2KLE.txt"
for f in "$news" "$os2kle"; do [ -e "$f" ] || { echo "missing $f (set SIGNATUR_DATA)" >&2; exit 2; }; done
# A manifest of 300 corrections: demo messages with a deliberately rotated unit.
corr="$work/corrections.csv"
mkdir -p "$work"
python3 - "$demo" "$corr" <<'PY'
import csv, os, sys
src, out = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(src, newline='', encoding='utf-8')))
units = sorted({r['unit'] for r in rows if r.get('unit')})
base = os.path.dirname(os.path.abspath(src))
with open(out, 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['path', 'unit'])
    for i, r in enumerate(rows[:300]):
        if r.get('unit'):
            w.writerow([os.path.join(base, r['path']), units[(units.index(r['unit']) + i) % len(units)]])
PY
run() { # run WHICH NAME ARGS...
  local bin=$1 name=$2; shift 2
  "$bin" "$@" > "$work/$name.out" 2> "$work/$name.err" || { echo "$name failed:" >&2; cat "$work/$name.err" >&2; exit 1; }
}
for side in before after; do
  bin=${!side}; d="$work/$side"; mkdir -p "$d"
  run "$bin" "$side-train-demo" train --data "$demo" --out "$d/demo.onnx"
  run "$bin" "$side-train-news" train --data "$news" --out "$d/news.onnx"
  run "$bin" "$side-train-kle" train --taxonomy "os2kle:$os2kle" --out "$d/kle.onnx"
  run "$bin" "$side-train-prior" train --data "$demo" --taxonomy "os2kle:$os2kle" --out "$d/prior.onnx"
  run "$bin" "$side-learn" learn --model "$d/demo.onnx" --corrections "$corr" --out "$d/learned.onnx"
  run "$bin" "$side-retrain" retrain --model "$d/learned.onnx" --data "$demo" --corrections "$corr" --out "$d/retrained.onnx"
  for m in demo prior learned retrained; do
    run "$bin" "$side-classify-$m" classify --model "$d/$m.onnx" --json demo/corpus
  done
  run "$bin" "$side-classify-kle" classify --model "$d/kle.onnx" --json --text demo/corpus
  run "$bin" "$side-classify-news" classify --model "$d/news.onnx" --json "$news/sci.med" "$news/rec.autos"
  run "$bin" "$side-eval-demo" eval --data "$demo" --folds 5 --json
done
# Model files: mask the RFC 3339 timestamps (trained_at, parent), same length, then compare.
mask() { perl -0777 -pe 's/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/TIMESTAMP___________/g' "$1"; }
status=0
for m in demo news kle prior learned retrained; do
  if cmp -s <(mask "$work/before/$m.onnx") <(mask "$work/after/$m.onnx"); then
    echo "same   model $m.onnx ($(stat -c %s "$work/after/$m.onnx") bytes)"
  else
    echo "DIFFER model $m.onnx"; status=1
  fi
done
for o in classify-demo classify-prior classify-learned classify-retrained classify-kle classify-news eval-demo; do
  if cmp -s <(mask "$work/before-$o.out") <(mask "$work/after-$o.out"); then
    echo "same   $o ($(wc -l < "$work/after-$o.out") lines)"
  else
    echo "DIFFER $o"; status=1
  fi
done
exit $status
