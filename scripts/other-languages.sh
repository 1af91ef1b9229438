#!/usr/bin/env bash
# Builds loremup-fake and runs the tests that steer it from other
# languages through its control API: Python (standard library only) and
# Node (node:test and fetch). Each test starts the binary itself, reads
# its URLs from stdout and stops it by its PID.
#
#   scripts/other-languages.sh            # both
#   LANGS=python scripts/other-languages.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LANGS=${LANGS:-"python node"}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/loremup-fake" ./cmd/loremup-fake
export LOREMUP_FAKE="$dir/loremup-fake"

for lang in $LANGS; do
  case $lang in
    python) python3 -m unittest discover -s testdata/other-languages -p '*_test.py' -v ;;
    node) node --test testdata/other-languages/control.test.mjs ;;
    *) echo "unknown language $lang" >&2; exit 2 ;;
  esac
done
