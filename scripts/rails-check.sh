#!/usr/bin/env bash
# Runs the conformance suite (real-app mode) and the side-by-side probes
# against a small stock Rails app
# (conformance/internal/contracttest/testdata/railsapp),
# served by Puma on a free loopback port, and stops it afterwards.
#
# Needs Debian's Rails packages (no Bundler):
#   apt-get install -y ruby-rails puma ruby-bcrypt
#
# Usage: scripts/rails-check.sh        (from anywhere; exits non-zero on failure)
set -euo pipefail
cd "$(dirname "$0")/.."

APP_DIR=conformance/internal/contracttest/testdata/railsapp
# The suite lives in the conformance module; go test runs from there.
SUITE_DIR=./internal/contracttest/

if ! command -v puma >/dev/null || ! ruby -e 'require "rails"; require "bcrypt"' 2>/dev/null; then
  echo "rails-check: needs ruby-rails, puma and ruby-bcrypt (apt-get install -y ruby-rails puma ruby-bcrypt)" >&2
  exit 1
fi

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

work=$(mktemp -d)
puma_pid=
cleanup() {
  if [ -n "$puma_pid" ] && kill -0 "$puma_pid" 2>/dev/null; then
    kill -TERM "$puma_pid" 2>/dev/null || true
    wait "$puma_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Fresh credentials each run. They reach Puma and the tests through the
# environment only and are never printed.
export LOREMUP_API_TOKEN="rails-$(random_hex 16)"
export LOREMUP_EMAIL="rails-check@example.com"
export LOREMUP_PASSWORD="pw-$(random_hex 12)"
export LOREMUP_USER="$LOREMUP_EMAIL:$LOREMUP_PASSWORD"
export SECRET_KEY_BASE="$(random_hex 64)"

# Port 0: Puma binds a free port and says which.
(cd "$APP_DIR" && exec puma -e production -b tcp://127.0.0.1:0 config.ru) >"$work/puma.log" 2>&1 &
puma_pid=$!

show_log() { echo "-- Puma log (last 60 lines):" >&2; tail -n 60 "$work/puma.log" >&2; }

port=
for _ in $(seq 300); do
  port=$(sed -n 's|.*Listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$work/puma.log" | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$puma_pid" 2>/dev/null || { echo "rails-check: Puma exited during boot" >&2; show_log; exit 1; }
  sleep 0.2
done
[ -n "$port" ] || { echo "rails-check: Puma did not start listening within 60s" >&2; show_log; exit 1; }

# Wait until the app answers HTTP (any status will do).
answered=
for _ in $(seq 150); do
  if exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
    printf 'GET /up HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    line=
    read -r -t 10 line <&3 || true
    exec 3<&- 3>&-
    case "$line" in HTTP/*) answered=1; break ;; esac
  fi
  sleep 0.2
done
[ -n "$answered" ] || { echo "rails-check: the app did not answer on port $port" >&2; show_log; exit 1; }
echo "rails-check: $(ruby -e 'require "rails"; print "Rails ", Rails.version') on Puma, http://127.0.0.1:$port"

export LOREMUP_BASE_URL="http://127.0.0.1:$port"
status=0
echo "== conformance suite, real-app mode"
(cd conformance && go test -count=1 -run '^TestContract$/^real$' "$SUITE_DIR") || status=1
echo "== probes: the Rails app and loremup-fake side by side"
(cd conformance && go test -count=1 -v -run '^TestProbes_RealAppVsFake$' "$SUITE_DIR") | grep -v '^=== RUN' || status=1

if [ "$status" -ne 0 ]; then
  show_log
  echo "rails-check: FAILED" >&2
  exit 1
fi
echo "rails-check: passed"
