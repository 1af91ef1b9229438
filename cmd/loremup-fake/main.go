// Command loremup-fake serves the fake LoremUp Sessions API of package
// loremuptest as a standalone process, for tests written in other
// languages:
//
//	loremup-fake --addr 127.0.0.1:8080 --token TOKEN --user a@example.com:secret
//
// It prints its base URL as the first line of stdout, so a test can
// start it with --addr 127.0.0.1:0 (the default: a free loopback port) and
// read where it listens; with --control the second line is the control
// API's URL, and nothing else is printed there. It logs one line per
// request to stderr (never passwords, tokens or cookie values) and
// serves until SIGINT or SIGTERM, then shuts down and exits 0. A bad flag
// or an address it cannot listen on makes it exit non-zero with a
// one-line message.
//
// Flags are written --name VALUE or --name=VALUE, as loremup's are
// (-name works too):
//
//	--addr HOST:PORT        listen on HOST:PORT (default 127.0.0.1:0, a free port)
//	--token TOKEN           API token to accept (default: random, printed on stderr)
//	--user EMAIL:PASSWORD   an account that can log in; repeatable; split at the first ':'
//	--users FILE            accounts from a JSON file: [{"email": "...", "password": "..."}]
//	--create-form NAME      form_name POST accepts (default reference_rest_api_create_sessions)
//	--delete-form NAME      form_name DELETE accepts (default reference_rest_api_delete_sessions)
//	--prefix PATH           serve under a path prefix: /tenant serves /tenant/api/sessions
//	--max-body-bytes N      request body cap (default 65536)
//	--quiet                 no request log
//	--cookie-rotation       every answer of /api/me sets a new session cookie value
//	                        and the old one stops working (a client must keep the latest)
//	--session-lifetime D    how long a session lives after its login (default 24h)
//	--max-sessions N        most live sessions (default 100000); at the bound a new
//	                        login ends the oldest session
//	--record                keep a bounded copy of each request received (default off,
//	                        on with --control; requests are always counted)
//	--read-timeout D        longest time to read one request, body included (default 30s)
//	--lock-after N          lock an e-mail out after N failed logins in a row: 401,
//	                        code "locked", until unlocked or reset (default: never)
//	--login-rate N/D        throttle logins past N per client address within D (5/1m):
//	                        429 text/plain with Retry-After; logouts are never throttled
//	--session-idle D        end a session unused for D; each authorised request
//	                        renews it (default: never)
//	--write-timeout D       longest time to write one answer (default 30s): a client
//	                        that sends requests and never reads the answers is dropped
//	--idle-timeout D        how long an idle keep-alive connection stays open (default 2m)
//	--control               serve the control API on a second listener (see below)
//	--control-addr HOST:PORT  its address (default 127.0.0.1:0, a free loopback port)
//	--control-token TOKEN   its token, sent as "Authorization: Bearer TOKEN"
//	                        (default: random, printed on stderr); not the API token
//	--version               print the version and exit
//	-h, --help              print this list and exit
//
// Request heads (request line and headers) are limited to 64 KiB; a larger
// one is answered 431.
//
// # Acting as the user
//
// Besides the Sessions API the fake serves one endpoint of "the app", so
// that a test can check its cookie handling:
//
//	GET {prefix}/api/me
//
// It checks what a Rails app checks on every endpoint, in the Sessions
// API's order: the API token (Rails' plain-text 401), then Accept (406).
// Then, with the session cookie of a live session, it answers 200 with
// Content-Type application/json; charset=utf-8 and {"email": "<user>"}
// (the e-mail lower-cased). Without one (no cookie, logged out, expired,
// or a value replaced under --cookie-rotation) it answers 401 with a
// JSON:API error document whose code is "unauthenticated", as a Rails
// app's before_action would.
//
// # The control API
//
// With --control, a test in any language can steer the fake as a Go test
// steers package loremuptest: inject faults (a status with Retry-After,
// latency, a connection dropped before or during the answer, a malformed
// body, a custom error body and headers) for the next N requests or every
// k-th, optionally of one method; read and clear the recorded requests
// (the API token, passwords and session cookie values redacted); add and
// remove users; list and end sessions, or expire one user's; set the
// production policies (lockout, login throttle, idle timeout) and unlock
// an e-mail; reset
// everything to the start state; read the counters. It is plain JSON over
// HTTP, described by api/control.yaml in the source repository:
//
//	curl -H "Authorization: Bearer $CONTROL_TOKEN" -H 'Content-Type: application/json' \
//	     -d '{"status": 503, "retry_after": "0", "times": 2}' "$CONTROL_URL/faults"
//
// The control API has a listener of its own, printed as the second line
// of stdout, rather than a path beside the Sessions API: an app under
// test given the fake's base URL has no way to reach it, the request and
// connection counters and the recorded requests hold only the app's
// traffic, and an injected fault can never hit a control request. It
// stays on loopback unless --control-addr says otherwise, and answers
// only requests carrying the control token (a request with the API
// token is refused). Without --control there is no second listener, no
// extra goroutine, and requests are not recorded.
//
// The protocol, order of checks and error documents are those of package
// loremuptest; see its documentation.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
