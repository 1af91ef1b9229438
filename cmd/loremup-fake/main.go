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
// (-name works too); loremup-fake --help lists them with their defaults.
// Besides the API token, users, form names and path prefix they set the
// session store (lifetime, bound, cookie rotation), the production
// policies (--lock-after, --login-rate, --session-idle; all off by
// default), recording, the connection bound and the read, write and
// idle timeouts: a client trickling a request or never reading its
// answers is dropped.
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
// an e-mail; reset everything to the start state; read the counters. It
// is plain JSON over HTTP, described by api/control.yaml in the source
// repository:
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
