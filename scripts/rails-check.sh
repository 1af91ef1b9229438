#!/usr/bin/env bash
# Runs the SDK against a real Rails app served by Puma on a free loopback
# port, and stops it afterwards:
#
#   scripts/rails-check.sh          the stock Rails app
#                                   (conformance/internal/contracttest/testdata/railsapp)
#   scripts/rails-check.sh devise   the Devise app: Devise and Warden over the
#                                   cookie store, sqlite3, timeoutable (2s here),
#                                   lockable (5 failures), a Rack::Attack login
#                                   throttle (5 a minute)
#                                   (conformance/internal/contracttest/testdata/deviseapp)
#
# Against either it runs the conformance suite (real-app mode), the
# side-by-side probes against loremup-fake, the acting-as-the-user tests
# (TestRealApp_*), examples/login and a login, status and logout with the
# CLI, and prints how many of these checks passed.
#
# Needs Debian's Rails packages (no Bundler):
#   apt-get install -y ruby-rails puma ruby-bcrypt
#   apt-get install -y ruby-devise ruby-rack-attack ruby-sqlite3   (for devise)
#
# Usage: scripts/rails-check.sh [devise]   (from anywhere; exits non-zero on failure)
set -euo pipefail
cd "$(dirname "$0")/.."

variant=${1:-rails}
case "$variant" in
  rails) APP_DIR=conformance/internal/contracttest/testdata/railsapp
    needs='require "rails"; require "bcrypt"'; packages="ruby-rails puma ruby-bcrypt" ;;
  devise) APP_DIR=conformance/internal/contracttest/testdata/deviseapp
    needs='require "rails"; require "bcrypt"; require "devise"; require "rack/attack"; require "sqlite3"'
    packages="ruby-rails puma ruby-bcrypt ruby-devise ruby-rack-attack ruby-sqlite3" ;;
  *) echo "usage: scripts/rails-check.sh [devise]" >&2; exit 2 ;;
esac
name="rails-check ($variant)"
# The suite lives in the conformance module; go test runs from there.
SUITE_DIR=./internal/contracttest/

if ! command -v puma >/dev/null || ! ruby -e "$needs" 2>/dev/null; then
  echo "$name: needs $packages (apt-get install -y $packages)" >&2
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
trap 'exit 130' INT TERM

# Fresh credentials each run. They reach Puma and the tests through the
# environment only and are never printed.
export LOREMUP_API_TOKEN="rails-$(random_hex 16)"
export LOREMUP_EMAIL="rails-check@example.com"
export LOREMUP_PASSWORD="pw-$(random_hex 12)"
export LOREMUP_USER="$LOREMUP_EMAIL:$LOREMUP_PASSWORD"
export SECRET_KEY_BASE="$(random_hex 64)"
# The app's endpoint for the logged-in user, for the TestRealApp_* tests.
export LOREMUP_ME_PATH=/api/me
if [ "$variant" = devise ]; then
  export LOREMUP_DATABASE="$work/devise.sqlite3"
  # A short session timeout, so the re-login test waits seconds, not minutes.
  export LOREMUP_TIMEOUT_IN=2 LOREMUP_IDLE_TIMEOUT=2s
  # Lockable and the throttle, at sizes a test reaches in a few requests;
  # the spare account is the one the lockout test locks.
  export LOREMUP_LOCK_AFTER=5 LOREMUP_LOGIN_THROTTLE=5/60
  export LOREMUP_SPARE_USER="spare@example.com:pw-$(random_hex 12)"
fi

# Port 0: Puma binds a free port and says which.
(cd "$APP_DIR" && exec puma -e production -b tcp://127.0.0.1:0 config.ru) >"$work/puma.log" 2>&1 &
puma_pid=$!

show_log() { echo "-- Puma log (last 60 lines):" >&2; tail -n 60 "$work/puma.log" >&2; }

port=
for _ in $(seq 300); do
  port=$(sed -n 's|.*Listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$work/puma.log" | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$puma_pid" 2>/dev/null || { echo "$name: Puma exited during boot" >&2; show_log; exit 1; }
  sleep 0.2
done
[ -n "$port" ] || { echo "$name: Puma did not start listening within 60s" >&2; show_log; exit 1; }

# Wait until the app answers HTTP (any status will do).
answered=
for _ in $(seq 150); do
  # The braces keep 2>/dev/null to this one exec (alone, it would stay on).
  if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
    printf 'GET /up HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    line=
    read -r -t 10 line <&3 || true
    exec 3<&- 3>&-
    case "$line" in HTTP/*) answered=1; break ;; esac
  fi
  sleep 0.2
done
[ -n "$answered" ] || { echo "$name: the app did not answer on port $port" >&2; show_log; exit 1; }
stack=$(ruby -e "$needs"'; print "Rails ", Rails.version; %w[devise rack-attack].each { |g| s = Gem.loaded_specs[g] and print ", #{s.name} #{s.version}" }')
echo "$name: $stack on Puma, http://127.0.0.1:$port"
export LOREMUP_BASE_URL="http://127.0.0.1:$port"

# check NAME CMD...: runs one check, records whether it passed.
run=0 passed=0 failed=()
check() {
  local what=$1; shift
  echo "== $what"
  run=$((run + 1))
  if "$@"; then passed=$((passed + 1)); echo "-- ok: $what"; else failed+=("$what"); echo "-- FAILED: $what"; fi
}
# gotest PATTERN: go test in the conformance module; a skip is a failure
# here, since the environment for every test is set.
gotest() {
  local out status=0
  out=$(cd conformance && go test -count=1 -v -run "$1" "$SUITE_DIR" 2>&1) || status=1
  echo "$out" | grep -v '^=== '
  if echo "$out" | grep -q -- '--- SKIP'; then echo "(a test skipped)"; status=1; fi
  return "$status"
}

check "conformance suite, real-app mode" gotest '^TestContract$/^real$'
check "probes: the app and loremup-fake side by side" gotest '^TestProbes_RealAppVsFake$'
check "HTTPClient acts as the user with no header from the caller" gotest '^TestRealApp_HTTPClientActsAsTheUserWithoutHeadersFromTheCaller$'
if [ "$variant" = devise ]; then
  check "ReloginHTTPClient after the idle timeout: 16 goroutines, one login" gotest '^TestRealApp_ReloginAfterTheIdleTimeoutLogsInOnceForManyGoroutines$'
  check "lockable: a locked account is refused, and re-login stops there" gotest '^TestRealApp_LockedAccountIsRefusedAndReloginStopsThere$'
  check "Rack::Attack: 429 with Retry-After past the login throttle" gotest '^TestRealApp_LoginThrottleAnswers429WithRetryAfter$'
fi
check "after Delete the Session's cookies are logged out" gotest '^TestRealApp_AfterDeleteTheSessionsCookiesAreLoggedOut$'
check "examples/login" go run ./examples/login

go build -o "$work/loremup" ./cmd/loremup
cli() { "$work/loremup" "$@"; }
check "CLI: loremup login" cli login --email "$LOREMUP_EMAIL" --session-file "$work/cli.session"
check "CLI: loremup status" cli status --session-file "$work/cli.session"
check "CLI: loremup logout" cli logout --session-file "$work/cli.session"
check "CLI: nothing left to log out (exit 7)" bash -c '"$1" logout --session-file "$2"; [ $? -eq 7 ]' _ "$work/loremup" "$work/cli.session"

echo
echo "$name: $run checks run, $passed passed, ${#failed[@]} failed"
for f in "${failed[@]}"; do echo "  failed: $f"; done
if [ "${#failed[@]}" -ne 0 ]; then
  show_log
  echo "$name: FAILED" >&2
  exit 1
fi
echo "$name: passed"
