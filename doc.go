// Package loremup is the Go client for the LoremUp REST API's Sessions
// endpoints: log a user in ([SessionsService.Create]) and out ([SessionsService.Delete]).
//
// # Quickstart
//
//	c, err := loremup.NewClient("https://app.example.com", apiToken)
//	if err != nil {
//		return err // bad URL or token: nothing was sent
//	}
//	sess, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
//		FormName: loremup.ReferenceCreateFormName,
//		Form:     loremup.SessionForm{Email: email, Password: password},
//	})
//	if err != nil {
//		return err
//	}
//	// ... use sess.Cookies() to call the app as that user ...
//	err = c.Sessions.Delete(ctx, loremup.DeleteSessionParams{
//		FormName: loremup.ReferenceDeleteFormName,
//		Session:  sess,
//	})
//
// [NewClient] does no I/O. A Client is safe for concurrent use; make one per
// app and token and share it, so its connections are reused.
//
// # The wire protocol
//
// Both calls go to {base}/api/sessions, where the base URL may carry a path
// prefix ("https://host/tenant"; a trailing slash changes nothing). Every
// request sends "Authorization: Token token=<api token>",
// "Accept: application/vnd.api+json, application/json",
// "Content-Type: application/json" and a User-Agent naming this package
// and its Version. Create posts {"form_name": ..., "form": {"email": ...,
// "password": ...}}; Delete sends {"form_name": ...}.
//
// # Sessions and cookies
//
// A Session is what one login returned: the cookies the server set and its
// JSON body. It belongs to the origin (scheme, host, port) and base path
// of the Client that created it, and its cookies are only ever sent there,
// as a browser would send them (not expired, Domain and Path matching,
// Secure only over https or to loopback). One Client can hold many users'
// Sessions at once; Delete of a Session sends back exactly its cookies and
// ends it ([Session.Ended]), applying the logout's Set-Cookie headers.
// Delete of a Session of another base URL is a [*ValidationError] naming
// Session, and nothing is sent.
//
// Delete with a nil Session is for the one-user program: it ends the
// Client's one live login (created and not yet ended), or, when there is
// none, it sends a logout without a session cookie. While the Client has more than
// one live login a nil Session is a [*ValidationError] naming Session. The
// Client counts live logins without keeping them, so its memory does not
// grow with logins that are never logged out.
//
// A server that keeps the session in the cookie itself (Rails' default
// cookie store) cannot revoke a copy of it: discard copies of a Session's
// cookies after logging out.
//
// # Acting as the user
//
// [Client.HTTPClient] returns an *http.Client that calls the app's other
// endpoints as a Session's user, on the Client's connection pool and
// timeouts; [Session.Jar] is a cookie jar backed by the Session, so
// cookies the app rotates are kept in the Session and a later Delete
// sends the current ones. A Rails app checks the API token and Accept in
// ApplicationController, so on every endpoint: this client sends
// "Authorization: Token token=<api token>", and the API's Accept where the
// request sets none, to the Client's origin (scheme, host, port) and to no
// other, also after a redirect. Redirects are followed within the origin
// only.
//
//	hc := c.HTTPClient(sess)
//	resp, err := hc.Get(c.BaseURL() + "/api/me")
//
// For long-running programs, [Client.ReloginHTTPClient] logs the user in
// again when the app answers 401, once for all goroutines that meet it,
// and repeats requests whose body can be replayed, in the manner of
// golang.org/x/oauth2's Transport over a ReuseTokenSource. The login
// belongs to no single request: cancelling the request that started it
// fails no other waiter. A late answer to a request sent under an older
// login never replaces the newer login's cookies, and an answer that
// arrives after the Session ended never revives it. A re-login the app
// refuses with 401 or 422 (a changed password, a locked account) is final
// for that client: later requests get that error at once, matching
// [ErrUnauthorized] or [ErrUnprocessableEntity], and no login is sent
// again, so the SDK never locks an account.
//
// [NewSession] makes a Session from a login made another way (a browser
// or single sign-on flow, a test helper), to act as that user or to log
// them out: it is where cookies a caller already holds go, since the
// Client keeps no cookie jar of its own (see [WithHTTPClient]).
//
// # Keeping a session between runs
//
// [Session.Export] writes a Session as JSON, cookie values and base URL
// included; [ImportSession] (or json.Unmarshal into a Session) reads it
// back, also the JSON that json.Marshal wrote in versions before Export
// (such a Session has no base URL; any Client accepts it and uses it with
// its own). Restored cookies are checked with http.Cookie.Valid
// and bounded: a Session keeps at most 64 cookies, 4096 bytes each and 64
// KiB together (extra cookies a server sets at login are dropped). Store
// exported Sessions as secrets. json.Marshal of a Session writes cookie
// names only, so a Session nested in a logged or encoded struct does not
// leak its cookies.
//
// # Errors
//
// Every answer that is not a 2xx is an [*APIError] (3xx, 429 and 5xx
// included), carrying the status, the server's error objects, the
// answer's headers (Header), the number of attempts and the raw body
// (bounded), all redacted (see Logging). Three sentinels match the
// documented statuses with errors.Is:
//
//	401  ErrUnauthorized         unknown API token, or unknown e-mail/password
//	406  ErrNotAcceptable        wrong parameters: unknown form_name, bad body
//	422  ErrUnprocessableEntity  a value failed validation (see Errors[i].Source)
//	3xx  *APIError with Location redirects are never followed
//	other *APIError              429 and 502/503/504 after retries ran out
//
// A Rails app refuses an API token with a plain-text 401, so the error
// reads "loremup: POST /api/sessions: 401 Unauthorized: HTTP Token: Access
// denied.": the token was refused, not the password. A 401 for an unknown
// e-mail/password pair comes with the app's own (usually JSON) message.
//
// The server's error body is read as a JSON:API error document (a pointer
// is kept as the server sent it, "/data/attributes/email" included), and
// also in every shape a Rails app sends: {"errors": {"email": ["is
// invalid"]}} and a model's errors rendered as they are, {"email": ["is
// invalid"]} (one object per message, Source.Pointer "/form/email");
// {"errors": ["Email is invalid"]}; {"error": "message"} and {"message":
// "message"}; Rails' exception answer {"status": 400, "error": "Bad
// Request"}; and a text/plain body, or a short body that is neither JSON
// nor HTML whatever its Content-Type says (Devise answers "Invalid Email
// or password." labelled application/vnd.api+json), whose first line (at
// most 200 bytes) becomes the one object's Detail. Any other body leaves Errors empty and
// is kept raw in Body.
//
// Input that can never succeed fails before anything is sent, with a
// [*ValidationError] naming the field: an empty or malformed base URL, an
// empty token or one with whitespace, quotes, commas or control characters,
// an empty FormName, Form.Email or Form.Password.
//
// Success: Create expects 201 Created, and takes another 2xx for a login
// only when it is JSON and sets a session cookie; a 200 HTML page (a proxy
// or a login page at a wrong base URL) or a 200 JSON answer without a
// cookie ({"success": false, ...}) is an [*APIError] matching
// [ErrUnexpectedResponse]. A 201 whose body is empty or not JSON is still a
// login: the cookies are the session, and [Session.Body] is then nil. A 201
// whose head arrived with the session cookie but whose body was cut is a
// login too: Create returns its Session together with the transport
// error, so that it can be logged out. Delete takes any 2xx (the vendor's
// page shows both 204 and 201), and logging out a session that already ended
// succeeds (the server answers 204).
//
// # Retries and timeouts
//
// go-retryablehttp runs the retries. Connection errors and the answers 429,
// 502, 503 and 504 are retried, [DefaultMaxRetries] times by default, with
// exponential backoff and jitter between [WithRetryWait]'s bounds. A
// Retry-After header (seconds or HTTP date) is honoured but never beyond the
// maximum wait; a negative or unreadable one is ignored. 401, 406, 422, the
// other 4xx and 500 are never retried, nor are certificate errors. Each
// attempt sends the whole request body again. When retries run out the
// caller gets the last answer as an [*APIError] (or the last transport error,
// wrapped).
//
// Retries draw on a client-wide budget ([RetryBudget], on by default): a
// retry spends tokens, an answer from a working server refunds them. Against
// a server that fails every call, a Client stops retrying after a few
// retries and fails fast, with an error matching [ErrRetryBudgetExhausted], so
// many clients cannot multiply an outage.
//
// The context bounds the whole call, backoff waits included; its error
// stays matchable (errors.Is(err, context.DeadlineExceeded)). Without a
// deadline, the default HTTP client still ends each attempt after
// [DefaultTimeout].
//
// What a retry cannot promise: a login that reached the server but whose
// answer was lost (the connection broke) is sent again, and the server may
// then hold an extra session for that user that no Session value names.
// Delete only ends the sessions it is given.
//
// # Logging
//
// The package is silent: it writes nothing to stdout or stderr. Pass
// [WithLogger] to see each request, retry decision and answer
// at debug level. No log line, error string, fmt rendering or JSON
// encoding of a Client, [SessionForm], [CreateSessionParams] or [APIError] holds
// the API token, a password or a cookie value.
//
// Should the server echo the call's token, password or session cookie
// values, in an error body, a header or text that a transport error quotes,
// they are replaced by "[REDACTED]", as sent and in the encodings a server
// echoes them in (JSON escapes, URL encoding, HTML character references,
// or a mix); the values of cookies an error answer sets are hidden too.
// The body is parsed before it is redacted, and JSON pointers into the
// request ("/form/email") are kept even when a secret equals one of their
// names. A secret of 1 or 2 bytes is hidden only where it is a whole value
// (a header value, an error object's string, a JSON string), never inside
// longer text; text the package writes itself (method, path, status line)
// is not searched.
//
// # Security
//
// Plain http:// is refused for hosts other than loopback unless
// [WithInsecureHTTP] is given. Loopback is exactly "localhost" or a loopback
// IP literal (a name under .localhost is resolved through DNS and is not),
// and requests to it never go through a proxy. Base URLs with credentials,
// a query or a fragment are refused. Response bodies are read through a cap
// ([DefaultMaxResponseBytes], see [WithMaxResponseBytes]); memory grows only
// with the bytes that arrive, never with a promised Content-Length.
//
// # Testing
//
// Package loremuptest is a conformant fake LoremUp server for tests, shaped
// like net/http/httptest, with fault injection; cmd/loremup-fake serves the
// same fake for tests written in other languages.
package loremup
