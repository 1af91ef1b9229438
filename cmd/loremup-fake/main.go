// Command loremup-fake serves the fake LoremUp Sessions API of package
// loremuptest as a standalone process, for tests written in other
// languages:
//
//	loremup-fake --addr 127.0.0.1:8080 --token TOKEN --user a@example.com:secret
//
// The first line of stdout is its base URL (--addr 127.0.0.1:0, the
// default, picks a free loopback port); with --control the second is the
// control API's, and nothing else goes there. stderr gets one line per
// request, never a password, token or cookie value. It serves until
// SIGINT or SIGTERM, then exits 0; a bad flag or an address it cannot
// listen on makes it exit non-zero with a one-line message. Request heads
// past 64 KiB are answered 431. loremup-fake --help lists the flags
// (--name VALUE, --name=VALUE or -name): users, token, form names and
// prefix, the session store (lifetime, bound, cookie rotation), the
// production policies (--lock-after, --login-rate, --session-idle; off by
// default), recording, and the connection and timeout bounds that drop a
// client trickling a request or never reading its answers.
//
// Besides the Sessions API it serves one endpoint of "the app", so that a
// test can check its cookie handling: GET {prefix}/api/me checks the API
// token (Rails' plain-text 401), then Accept (406), then answers a live
// session's cookie 200 {"email": "<user>"} (application/json; charset=utf-8,
// the e-mail lower-cased) and anything else (no cookie, logged out,
// expired, or a value replaced under --cookie-rotation) 401 with a JSON:API
// error whose code is "unauthenticated".
//
// With --control, a test in any language steers the fake as a Go test
// steers loremuptest: it injects faults (a status with Retry-After,
// latency, a connection dropped before or during the answer, a malformed
// body, a custom error body and headers) for the next N requests or every
// k-th, optionally of one method; reads and clears the recorded requests
// (secrets redacted); adds and removes users; lists and ends sessions;
// sets the policies and unlocks an e-mail; resets everything; reads the
// counters. It is plain JSON over HTTP, described by api/control.yaml in
// the source repository:
//
//	curl -H "Authorization: Bearer $CONTROL_TOKEN" -H 'Content-Type: application/json' \
//	     -d '{"status": 503, "retry_after": "0", "times": 2}' "$CONTROL_URL/faults"
//
// The control API has a listener of its own, on loopback unless
// --control-addr says otherwise, so that an app under test given the base
// URL cannot reach it, the counters and recorded requests hold only the
// app's traffic, and no fault hits a control request. It answers only the
// control token, never the API token. Without --control there is no
// second listener, no extra goroutine, and requests are not recorded.
//
// The protocol, order of checks and error documents are loremuptest's.
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
