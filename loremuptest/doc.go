// Package loremuptest runs a fake LoremUp Sessions API server for tests,
// in the manner of [net/http/httptest]: [NewServer] starts it on a loopback
// port, [Server.URL] and [Server.Token] are what a client needs,
// [Server.Close] stops it.
//
//	func TestLogin(t *testing.T) {
//		srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "pw"))
//		defer srv.Close()
//
//		c, err := loremup.NewClient(srv.URL, srv.Token)
//		if err != nil {
//			t.Fatal(err)
//		}
//		_, err = c.Sessions.Create(context.Background(), loremup.CreateSessionParams{
//			FormName: loremup.ReferenceCreateFormName,
//			Form:     loremup.SessionForm{Email: "ada@example.com", Password: "pw"},
//		})
//		if err != nil {
//			t.Fatal(err)
//		}
//		if got := srv.ActiveSessions(); got != 1 {
//			t.Errorf("ActiveSessions() = %d, want 1", got)
//		}
//	}
//
// # What it speaks
//
// The fake serves POST and DELETE /api/sessions as the real API, a Ruby
// on Rails app, does, and checks each request in this order, answering
// the first failure:
//
//  1. API token, read as Rails' token authentication reads the
//     Authorization header: the scheme "Token" or "Bearer", spelled
//     exactly so, then whitespace; parameters split at ',', ';' and tab;
//     the first parameter's value is the token, whatever its name, with
//     its quotes removed. So "Token token=<Token>", "Token
//     token=\"<Token>\"" and "Token <Token>" work, while "token
//     token=<Token>" and "Token realm=x, token=<Token>" do not. Missing,
//     unreadable or wrong: 401 with Rails' own answer, byte for byte:
//     WWW-Authenticate: Token realm="Application", Content-Type
//     text/plain; charset=utf-8, body "HTTP Token: Access denied.\n". It
//     is not JSON: a client must not expect a JSON body on every 401.
//  2. Accept: must name application/vnd.api+json or application/json
//     (either type, application/*, or */* on its own; parameters allowed;
//     a range with q=0 excludes). No Accept header, or a browser-like one
//     that lists */* beside other types ("application/json, text/plain,
//     */*", the default of axios and browsers), is 406: Rails reads those
//     as a browser asking for HTML.
//  3. Body: sent as Content-Type application/json (a charset parameter is
//     fine), else 406: Rails reads no parameters from a body sent as
//     application/vnd.api+json, text/plain or without a type. Not valid
//     JSON (or not UTF-8): 400 with an error document, as Rails' parser
//     fails. Then at most the body cap (64 KiB unless [WithMaxBodyBytes]),
//     one JSON object, with a "form_name" this operation accepts (by
//     default "reference_rest_api_create_sessions" for POST and
//     "reference_rest_api_delete_sessions" for DELETE, see [WithFormNames]),
//     and for POST a "form" object. Else 406.
//     An empty "form" object is 406 too, as params.require refuses an
//     empty hash as it refuses a missing one.
//  4. POST only, field validation: "email" blank or not an address (the
//     Devise check: something@something, no spaces), "password" blank.
//     422 with one error object per message, source.pointer "/form/email"
//     or "/form/password", code "blank" or "invalid". A blank e-mail gives
//     both messages, as Rails' presence and format validations both run.
//  5. POST only, credentials: an e-mail (matched case-insensitively) and
//     password added with [WithUser] or [Server.AddUser]. Else 401 with an
//     error document (not the plain-text token refusal).
//
// POST then answers 201 Created with body {} and a new random session in
// the cookie [SessionCookieName] (HttpOnly, Path=/, SameSite=Lax). DELETE
// answers 204 No Content, ends the session its cookie names, and expires
// the cookie; it is idempotent, so logging out without a live session is
// also 204. Other paths, and other methods on /api/sessions, answer 404:
// a Rails router has no route for them.
//
// Every answer with a body has Content-Type application/vnd.api+json;
// charset=utf-8, and every error but the token refusal is a JSON:API
// error document with the status as a string:
//
//	{"errors":[{"status":"422","code":"invalid","title":"Unprocessable Entity",
//	            "detail":"email is not a valid address","source":{"pointer":"/form/email"}}]}
//
// The "code" member tells the failures apart:
//
//	400 invalid_json              body sent as JSON but not valid JSON
//	406 not_acceptable            no Accept, a browser-like one, or one admitting neither type
//	406 unsupported_content_type  a body not sent as application/json
//	406 too_large                 body longer than the cap
//	406 invalid_body              body not one JSON object (an empty body too)
//	406 invalid_form_name         form_name missing, empty or not a string
//	406 unknown_form_name         form_name not accepted by this operation
//	406 invalid_form              POST "form" missing, empty or not an object
//	422 blank, invalid            one per message about the form's fields
//	401 invalid_credentials       e-mail and password do not match a user
//	404 not_found, and injected_fault for Fault.Status
//
// Every answer carries an X-Request-Id header (the client's own, if it
// sent one, as Rails does). The fake never answers 5xx by itself, never
// panics on any input, and reads no body beyond its cap.
//
// Where the vendor's app may answer differently from stock Rails and
// nobody can tell, the fake takes the stricter side, so that a client
// that works against the fake works against the real server however it
// was written:
//
//   - "form" missing or not an object is 406, as the vendor's page says
//     (stock Rails' params.require would answer 400);
//   - a range with q=0 in Accept excludes its type (Rails ignores q=0);
//   - an X-Requested-With header does not make a browser-like Accept
//     count, a format suffix (/api/sessions.json) is 404 and a format
//     query parameter is ignored, where Rails would honour all three;
//   - only application/json bodies are read (Rails also reads its aliases
//     text/x-json and application/jsonrequest); a body that is not UTF-8
//     is 400, and one longer than the cap is 406;
//   - 404 and the other errors are JSON:API documents, where Rails may
//     answer with its own error pages.
//
// # Acting as the user
//
// Programs log users in to call the app's other endpoints as them.
// [Server.Handle] mounts a stand-in for such an endpoint, under the
// server's path prefix, behind the session check a Rails app runs in a
// before_action:
//
//	srv.Handle("GET /api/me", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//		email, _ := loremuptest.SessionUser(r)
//		fmt.Fprint(w, email)
//	}))
//
// A Rails app checks the API token and Accept on every endpoint, so a
// mounted endpoint's requests pass checks 1 and 2 above, then need a live
// session cookie (else 401, code "unauthenticated"); see [Server.Handle].
// [SessionUser] tells the handler which user is logged in.
//
// [Server.ExpireSessions] ends sessions server-side (one user's, or all),
// as a server whose sessions time out does, so that a test can check how a
// client logs in again. [Server.Sessions] lists the live sessions with the
// cookie value the server issued for each. [WithCookieRotation] makes every
// answer of a mounted endpoint set a new cookie value and retire the old
// one at once, so a client must keep the cookie it was last given.
//
// Sessions live 24 hours after their login, and at most 100,000 are live
// at once: at that bound a new login ends the oldest session.
//
// # Production policies
//
// Off by default, so that a test can check how a client copes with them
// before production does: [WithLockout](n) locks an e-mail out after n
// failed logins in a row (401, code "locked", even with the right password,
// until [Server.Unlock] or [Server.Reset]), as Devise's lockable does;
// [WithLoginRateLimit](n, per) answers the logins past n from one client
// address within a window of per with 429, text/plain and a Retry-After in
// whole seconds to the window's end, as Rack::Attack does (logouts are
// never throttled); [WithSessionIdleTimeout](d) ends a session unused for
// d, every authorised request renewing it, as Devise's timeoutable does.
//
// # Faults on demand
//
// [Server.Inject] makes the next requests fail in a chosen way, and
// [Server.InjectEvery] makes every k-th request fail, for soak tests: a
// status such as 503 with a Retry-After, added latency, a connection
// dropped before or in the middle of the answer, or a success whose body is
// not JSON. See [Fault]. Faults are deterministic: they go to requests in
// arrival order. A Fault with a Method waits for a request of that method,
// so a test can fail the logout and not the login before it:
//
//	srv.Inject(1, loremuptest.Fault{Method: http.MethodDelete, Status: 503})
//
// These are the faults the control API of the loremup-fake command
// injects for tests in other languages.
//
// # Seeing what the client sent
//
// [Server.Requests] returns the requests received (method, path, headers,
// body, the status answered and how long the answer took);
// [Server.ClearRequests] forgets them, and [Server.Reset] puts the whole
// server back as it started (starting users kept; faults, sessions, locks
// and recorded requests cleared). [Server.RequestCount] counts them and
// [Server.ConnectionCount] counts the TCP connections accepted, to check
// that a client retries as often as it should and reuses its connections.
// What [Server.Requests] keeps is bounded, so a long soak test cannot
// exhaust memory: the latest 10,000 requests within 32 MiB together, and of
// each at most 16 KiB of method, path and headers and 64 KiB of body (a
// request cut to fit is marked [Request].Truncated).
//
// A Server is safe for concurrent use: any number of goroutines may log
// in and out while a test injects faults and reads counters, and
// [Server.ActiveSessions] stays exact.
//
// For tests in other languages, the command
// github.com/loremup/loremup-go/cmd/loremup-fake serves the same fake as
// a standalone process, with a built-in protected endpoint,
// GET {prefix}/api/me, that answers the logged-in user's e-mail.
package loremuptest
