#!/usr/bin/env bash
# Builds loremup-fake and loremup, runs the tests that steer the fake from
# other languages through its control API (Python, standard library only;
# Node, node:test and fetch), and runs every shell block of the READMEs
# that show shell (readme). Each test starts the binary itself, reads its
# URLs from stdout and stops it by its PID.
#
#   scripts/other-languages.sh            # all three
#   LANGS=readme scripts/other-languages.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LANGS=${LANGS:-"python node readme"}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/bin"
go build -o "$dir/bin/loremup-fake" ./cmd/loremup-fake
go build -o "$dir/bin/loremup" ./cmd/loremup
export LOREMUP_FAKE="$dir/bin/loremup-fake"

# sh_blocks FILE: the file's ```sh blocks, in order, as one script.
sh_blocks() { awk '/^```sh$/ { on = 1; next } /^```$/ { on = 0 } on' "$1"; }

# run_blocks FILE [VAR=VALUE...]: runs FILE's shell blocks as one script,
# as a reader pastes them, in a scratch directory (examples/ linked in),
# with the built binaries first on PATH; bounded in time.
run_blocks() {
  local file=$1; shift
  local work; work=$(mktemp -d "$dir/run.XXXX")
  ln -s "$PWD/examples" "$work/examples"
  { echo 'set -euo pipefail'; sh_blocks "$file"; } >"$work/blocks.sh"
  [ "$(wc -l <"$work/blocks.sh")" -gt 1 ] || { echo "$file has no shell blocks"; exit 1; }
  echo "-- $file"
  (cd "$work" && env "$@" PATH="$dir/bin:$PATH" timeout 60 bash blocks.sh) \
    || { echo "a shell block of $file failed"; exit 1; }
}

# The start recipe must fail, and soon, when the fake exits (a bad flag)
# and when it prints no URL: never wait forever.
check_start_recipe() {
  local work; work=$(mktemp -d "$dir/start.XXXX")
  sed -n '/^start_fake() {$/,/^}$/p' cmd/loremup-fake/README.md >"$work/start.sh"
  grep -q 'return 1' "$work/start.sh" || { echo "no start_fake in cmd/loremup-fake/README.md"; exit 1; }
  mkdir "$work/silent"
  printf '#!/bin/sh\nexec sleep 30\n' >"$work/silent/loremup-fake"
  chmod +x "$work/silent/loremup-fake"
  local case path flags rc
  for case in "exits:$dir/bin:--no-such-flag" "silent:$work/silent:"; do
    IFS=: read -r _ path flags <<<"$case"
    rc=0
    (cd "$work" && PATH="$path:$PATH" timeout 10 bash -c ". ./start.sh; start_fake 1 $flags") 2>"$work/err" || rc=$?
    [ "$rc" -eq 1 ] || { echo "start_fake with a fake that ${case%%:*}: exit $rc, want 1"; cat "$work/err"; exit 1; }
    echo "start_fake, a fake that ${case%%:*}: fails ($(tail -1 "$work/err"))"
  done
}

readme() {
  check_start_recipe
  run_blocks cmd/loremup-fake/README.md
  # The CLI's blocks run as the README says: with the base URL, the token
  # and the password in the environment, here those of a fake.
  local work; work=$(mktemp -d "$dir/cli.XXXX")
  sed -n '/^start_fake() {$/,/^}$/p' cmd/loremup-fake/README.md >"$work/start.sh"
  # shellcheck disable=SC1091
  (cd "$work" && PATH="$dir/bin:$PATH" && . ./start.sh && start_fake 1 --token cli-token --user ada@example.com:cli-password --quiet \
    && trap 'kill "$FAKE_PID"' EXIT \
    && cd "$OLDPWD" && run_blocks cmd/loremup/README.md \
      LOREMUP_BASE_URL="$(sed -n 1p "$work/fake.out")" LOREMUP_API_TOKEN=cli-token LOREMUP_PASSWORD=cli-password)
}

for lang in $LANGS; do
  case $lang in
    python) python3 -m unittest discover -s testdata/other-languages -p '*_test.py' -v ;;
    node) node --test testdata/other-languages/control.test.mjs ;;
    readme) readme ;;
    *) echo "unknown language $lang" >&2; exit 2 ;;
  esac
done
