package loremuptest

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/loremup/loremup-go/internal/fake"
	"github.com/loremup/loremup-go/internal/redact"
)

// SessionCookieName is the name of the session cookie the fake sets on a
// successful login and expires on logout.
const SessionCookieName = "_loremup_session"

// DefaultMaxBodyBytes is the request body cap unless [WithMaxBodyBytes]
// says otherwise: 64 KiB.
const DefaultMaxBodyBytes = 64 << 10

// Server is a fake LoremUp Sessions API listening on a loopback port.
// Create it with [NewServer] and [Server.Close] it when done.
type Server struct {
	// URL is the base URL to give [loremup.NewClient]: "http://127.0.0.1:port",
	// plus the [WithPathPrefix] prefix if any. It has no trailing slash.
	URL string
	// Token is the API token the server accepts: random for each server
	// unless [WithToken] chose it.
	Token string

	h  *fake.Handler
	ts *httptest.Server
}

// Option configures a [Server]; pass any number to [NewServer], which panics
// on a value that can never work.
type Option func(*config) error

type config = fake.Config

// WithToken makes the server accept token as its API token instead of a
// random one. The token must be printable ASCII without spaces, quotes,
// commas, semicolons or backslashes ([NewServer] panics otherwise), since
// it travels in "Authorization: Token token=<token>".
func WithToken(token string) Option {
	return func(c *config) error { c.Token = token; return nil } // NewServer checks it
}

// WithUser adds an account that can log in. Repeat it for more users; a
// later password for the same e-mail (matched case-insensitively) wins.
// [Server.AddUser] adds users while the server runs.
func WithUser(email, password string) Option {
	return func(c *config) error {
		c.Users = append(c.Users, fake.User{Email: email, Password: password})
		return nil
	}
}

// WithFormNames sets the form_name that POST (create) and DELETE (delete)
// accept, replacing the defaults "reference_rest_api_create_sessions"
// and "reference_rest_api_delete_sessions". An empty name keeps that
// operation's default. Each operation accepts exactly one name.
func WithFormNames(create, del string) Option {
	return func(c *config) error {
		if create != "" {
			c.CreateFormNames = []string{create}
		}
		if del != "" {
			c.DeleteFormNames = []string{del}
		}
		return nil
	}
}

// WithLogger makes the server log one Info line per request to l: method,
// path, status, duration, request id and any injected fault; never a
// password, token or cookie value. Without it the server is silent.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.Logger = l; return nil }
}

// WithMaxBodyBytes sets how much of a request body the server reads
// ([DefaultMaxBodyBytes] by default); a longer body is answered 406. n
// must be positive ([NewServer] panics otherwise).
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return errors.New("WithMaxBodyBytes: the cap must be positive")
		}
		c.MaxBodyBytes = n
		return nil
	}
}

// WithPathPrefix serves the API under a path prefix, as an app mounted
// at "https://host/tenant" would: WithPathPrefix("/tenant") serves
// /tenant/api/sessions, and [Server.URL] ends in "/tenant". Use it to test a
// client's handling of base URLs with a path.
func WithPathPrefix(prefix string) Option {
	return func(c *config) error { c.PathPrefix = prefix; return nil } // NewServer checks it
}

// WithCookieRotation makes every answer of an endpoint mounted with
// [Server.Handle] to a live session set a new value of its cookie, retiring the
// old one at once, as a server re-issuing its session cookie does: a
// client must keep the cookie it was last given. Of several concurrent
// requests with the same cookie only one is then served; the others get
// 401. Logins and logouts answer as without rotation.
func WithCookieRotation() Option {
	return func(c *config) error { c.RotateCookies = true; return nil }
}

// WithLockout locks an e-mail out after failures failed logins in a row,
// as Devise's lockable does: its logins then answer 401 with error code
// "locked", even with the right password, until [Server.Unlock] or
// [Server.Reset]. failures must be positive.
func WithLockout(failures int) Option {
	return func(c *config) error {
		if failures <= 0 {
			return errors.New("WithLockout: failures must be positive")
		}
		c.LockAfter = failures
		return nil
	}
}

// WithLoginRateLimit throttles logins as Rack::Attack does: past n logins
// from one client address within a window of per (windows counted from
// the epoch), a login answers 429, text/plain, with Retry-After in whole
// seconds to the window's end. Logouts are never throttled. n and per
// must be positive.
func WithLoginRateLimit(n int, per time.Duration) Option {
	return func(c *config) error {
		if n <= 0 || per <= 0 {
			return errors.New("WithLoginRateLimit: n and per must be positive")
		}
		c.LoginRate, c.LoginPer = n, per
		return nil
	}
}

// WithSessionIdleTimeout ends a session unused for d, as Devise's
// timeoutable does: every authorised request (an endpoint mounted with
// [Server.Handle]) renews it. It sits beside the sessions' absolute lifetime. d
// must be positive.
func WithSessionIdleTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("WithSessionIdleTimeout: d must be positive")
		}
		c.SessionIdle = d
		return nil
	}
}

// NewServer starts a fake server on a random loopback port and returns
// it. It panics if an Option is given a value that can never work or if
// it cannot listen, as [httptest.NewServer] does: both are mistakes in the
// test, not conditions to handle.
func NewServer(opts ...Option) *Server {
	cfg := config{Token: fake.RandomToken(), RecordRequests: true}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			panic("loremuptest: " + err.Error())
		}
	}
	h, err := fake.New(cfg)
	if err != nil {
		panic("loremuptest: " + err.Error())
	}
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ConnState = h.ConnState // httptest chains its own hook after this one
	ts.Start()
	prefix, _ := fake.NormalizePrefix(cfg.PathPrefix) // fake.New accepted it
	return &Server{URL: ts.URL + prefix, Token: cfg.Token, h: h, ts: ts}
}

// Close stops the server: it ends injected latencies still running,
// closes idle connections and waits for requests in progress, like
// [httptest.Server.Close]. It may be called more than once.
func (s *Server) Close() {
	s.h.Close()
	s.ts.Close()
}

// Client returns an *http.Client set up for the server, for tests that
// send raw requests. [Server.Close] closes its idle connections.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// AddUser adds an account that can log in, or sets the password of an
// existing one (the e-mail is matched case-insensitively). It is safe to
// call while the server serves.
func (s *Server) AddUser(email, password string) { s.h.AddUser(email, password) }

// RemoveUser forgets the account of email (matched case-insensitively)
// and reports whether there was one; its live sessions stay until they
// end (see [Server.ExpireSessions]).
func (s *Server) RemoveUser(email string) bool { return s.h.RemoveUser(email) }

// Reset puts the server back as NewServer started it, as the control
// API's reset does: the users of WithUser kept (their passwords
// restored, users added since forgotten); faults, sessions and recorded
// requests cleared, locks and throttle counts too, and the request and
// connection counts back at zero. The policies ([WithLockout],
// [WithLoginRateLimit], [WithSessionIdleTimeout]) stay: they are how the
// server was started.
func (s *Server) Reset() { s.h.Reset() }

// Unlock ends the lockout of email (see [WithLockout]): its failed logins
// are forgotten.
func (s *Server) Unlock(email string) { s.h.Unlock(email) }

// ClearRequests forgets the recorded requests; [Server.RequestCount] goes
// on counting.
func (s *Server) ClearRequests() { s.h.ClearRequests() }

// ActiveSessions returns how many sessions are live: logged in and not
// yet logged out or ended by [Server.ExpireSessions].
func (s *Server) ActiveSessions() int { return s.h.ActiveSessions() }

// Session is one live session of the server: its cookie value (ID, a
// credential to compare, not print), the user's e-mail and when its
// login was answered.
type Session = fake.Session

// Sessions returns the live sessions, oldest first, e.g. to check that a
// client sends the cookie the server issued, or to build a Session for a
// client without logging in.
func (s *Server) Sessions() []Session { return s.h.Sessions() }

// ExpireSessions ends the sessions of the given users (e-mails matched
// case-insensitively), or every session when none is given, and returns how
// many it ended, as a server does when sessions time out. Their cookies
// then get 401 from the endpoints mounted with [Server.Handle], which is
// what a client's re-login has to handle.
func (s *Server) ExpireSessions(emails ...string) int { return s.h.ExpireSessions(emails...) }

// Handle mounts h as a stand-in for one of the app's own endpoints, so
// that a test can call it as a logged-in user. pattern is an
// [http.ServeMux] pattern, with an optional method ("/api/me", "GET
// /api/projects/{id}"), whose path is served under the server's path
// prefix (see [WithPathPrefix]). Any path other than /api/sessions may be
// mounted; Handle may be called while the server serves.
//
// Requests it matches are checked as a Rails app checks every endpoint,
// in order: the API token (Rails' plain-text 401), Accept (406), then a
// live session cookie: without one (no cookie, a logged-out, expired or
// rotated one) the answer is 401 with a JSON:API error document whose
// code is "unauthenticated". h is called only when all pass.
// Inside h, [SessionUser] tells which user is logged in; the request body
// can be read as usual (it is at most the body cap, see
// [WithMaxBodyBytes]; a longer one is answered 413).
//
// Handle panics, like [http.ServeMux.Handle], if the pattern is invalid,
// has a host, conflicts with an earlier one or is the Sessions API path.
func (s *Server) Handle(pattern string, h http.Handler) { s.h.Handle(pattern, h) }

// SessionUser reports, inside a handler mounted with [Server.Handle], the
// e-mail (lower-cased) of the user whose session cookie authorised r. ok
// is false for any other request.
func SessionUser(r *http.Request) (email string, ok bool) { return fake.SessionUser(r) }

// Request is one request the server received: method, path, headers
// (secrets included, as the client sent them), body, whether it was cut
// to fit the recording bounds, the status answered and how long the
// answer took.
type Request = fake.Request

// Requests returns the requests received so far, oldest first, faulted
// and dropped ones included. It keeps the latest 10,000 that fit in
// 32 MiB together; [Server.RequestCount] counts all. The result is a copy the
// caller may change.
func (s *Server) Requests() []Request { return s.h.Requests() }

// RequestCount returns how many requests the server received, on any
// path, faulted and dropped ones included.
func (s *Server) RequestCount() int { return s.h.RequestCount() }

// ConnectionCount returns how many TCP connections the server accepted.
// A client that reuses its connections keeps it low.
func (s *Server) ConnectionCount() int { return s.h.ConnectionCount() }

// Format prints the Server without its token (for every verb, and so in
// slog's text handler), so a test log that prints it leaks nothing a real
// deployment's tests would reuse.
func (s Server) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "loremuptest.Server{URL: %q, Token: %s}", s.URL, redact.Marker)
}

// MarshalJSON encodes the Server with its token hidden, so that
// encoding/json and slog's JSON handler leak nothing either.
func (s Server) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		URL   string
		Token string
	}{s.URL, redact.Marker})
}
