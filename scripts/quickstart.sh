#!/usr/bin/env bash
# The main job on the bundled demo corpus, from a fresh machine: installs Rust when it is
# missing (scripts/rust.sh), then `cargo run --release --example quickstart` (train on
# demo/corpus, evaluate on a held-out fifth, show decisions as a clerk reads them, learn
# three corrections). Arguments go to the example (`-- a.eml b.xml` classifies those).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/rust.sh
exec cargo run --release --example quickstart -- "$@"
