// Package loremuptest runs a fake LoremUp Sessions API server for tests,
// in the manner of net/http/httptest: NewServer starts it on a loopback
// port, URL and Token are what a client needs, Close stops it.
//
//	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "pw"))
//	defer srv.Close()
//
//	c, err := loremup.NewClient(srv.URL, srv.Token)
//	sess, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
//		FormName: "reference_rest_api_create_sessions",
//		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "pw"},
//	})
//	// srv.ActiveSessions() == 1
//
// # What it speaks
//
// The fake serves POST and DELETE /api/sessions as the real API does
// (the contract's section 1), and checks each request in this order,
// answering the first failure:
//
//  1. API token: "Authorization: Token token=<Token>", the value quoted
//     or not, the scheme in any case. Missing or wrong: 401.
//  2. Accept: must admit application/vnd.api+json or application/json
//     (*/*, application/*, either type, with or without parameters; a
//     range with q=0 excludes; no Accept header at all admits). Else 406.
//  3. Body: at most the body cap (64 KiB unless WithMaxBodyBytes), one
//     JSON object, with a "form_name" this operation accepts (by default
//     "reference_rest_api_create_sessions" for POST and
//     "reference_rest_api_delete_sessions" for DELETE, see WithFormNames),
//     and for POST a "form" object. Else 406. A Content-Type, when sent,
//     must be application/json or another JSON type (406 otherwise, as a
//     Rails server would not read the body); none at all is read as JSON.
//  4. POST only, field validation: "email" blank or not an address (the
//     Devise check: something@something, no spaces), "password" blank.
//     422 with one error object per failing field, source.pointer
//     "/form/email" or "/form/password", code "blank" or "invalid".
//  5. POST only, credentials: an e-mail (matched case-insensitively) and
//     password added with WithUser or AddUser. Else 401.
//
// POST then answers 201 Created with body {} and a new random session in
// the cookie SessionCookieName (HttpOnly, Path=/, SameSite=Lax). DELETE
// answers 204 No Content, ends the session its cookie names, and expires
// the cookie; it is idempotent, so logging out without a live session is
// also 204. Other paths answer 404, other methods on /api/sessions 405
// with an Allow header.
//
// Every error is a JSON:API error document with Content-Type
// application/vnd.api+json and the status as a string:
//
//	{"errors":[{"status":"422","code":"invalid","title":"Unprocessable Entity",
//	            "detail":"email is not a valid address","source":{"pointer":"/form/email"}}]}
//
// The "code" member tells the failures apart:
//
//	401 unauthorized              missing or unknown API token (with WWW-Authenticate: Token realm="LoremUp")
//	406 not_acceptable            Accept admits neither JSON nor JSON:API
//	406 too_large                 body longer than the cap
//	406 unsupported_content_type  a Content-Type that is not JSON
//	406 invalid_body              body not one JSON object
//	406 invalid_form_name         form_name missing, empty or not a string
//	406 unknown_form_name         form_name not accepted by this operation
//	406 invalid_form              POST "form" missing or not an object
//	422 blank, invalid            one per failing field of the form
//	401 invalid_credentials       e-mail and password do not match a user
//	404 not_found, 405 method_not_allowed, and injected_fault for Fault.Status
//
// Every answer carries an X-Request-Id header (the client's own, if it
// sent one, as Rails does). The fake never answers 5xx by itself, never
// panics on any input, and reads no body beyond its cap.
//
// # Acting as the user
//
// Programs log users in to call the app's other endpoints as them. Handle
// mounts a stand-in for such an endpoint, under the server's path prefix,
// behind the session check a Rails app runs in a before_action:
//
//	srv.Handle("GET /api/me", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//		email, _ := loremuptest.SessionUser(r)
//		fmt.Fprint(w, email)
//	}))
//
// A request it matches is passed to the handler only with a live session
// cookie; without one (none sent, logged out, expired, or replaced by
// rotation) the answer is 401 Unauthorized with a JSON:API error document
// whose code is "unauthenticated", and the handler is not called. No API
// token is needed: these endpoints are called as the user, with the
// cookie alone. SessionUser tells the handler which user is logged in.
//
// ExpireSessions ends sessions server-side (one user's, or all), as a
// server whose sessions time out does, so that a test can check how a
// client logs in again. Sessions lists the live sessions with the cookie
// value the server issued for each. WithCookieRotation makes every answer
// of a mounted endpoint set a new cookie value and retire the old one at
// once, so a client must keep the cookie it was last given.
//
// Sessions live 24 hours after their login, and at most 100,000 are live
// at once: at that bound a new login ends the oldest session.
//
// # Faults on demand
//
// Inject makes the next requests fail in a chosen way, and InjectEvery
// makes every k-th request fail, for soak tests: a status such as 503
// with a Retry-After, added latency, a connection dropped before or in the
// middle of the answer, or a success whose body is not JSON. See Fault.
// Faults are deterministic: they go to requests in arrival order.
//
// # Seeing what the client sent
//
// Requests returns the requests received (method, path, headers, body);
// RequestCount counts them and ConnectionCount counts the TCP connections
// accepted, to check that a client retries as often as it should and
// reuses its connections. What Requests keeps is bounded, so a long soak
// test cannot exhaust memory: the latest 10,000 requests within 32 MiB
// together, and of each at most 16 KiB of method, path and headers and
// 64 KiB of body (a request cut to fit is marked Truncated).
//
// A Server is safe for concurrent use: any number of goroutines may log
// in and out while a test injects faults and reads counters, and
// ActiveSessions stays exact.
//
// For tests in other languages, the command
// github.com/loremup/loremup-go/cmd/loremup-fake serves the same fake as
// a standalone process, with a built-in protected endpoint,
// GET {prefix}/api/me, that answers the logged-in user's e-mail.
package loremuptest
