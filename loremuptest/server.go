package loremuptest

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/loremup/loremup-go/internal/fake"
)

// SessionCookieName is the name of the session cookie the fake sets on a
// successful login and expires on logout.
const SessionCookieName = "_loremup_session"

// DefaultMaxBodyBytes is the request body cap unless WithMaxBodyBytes
// says otherwise: 64 KiB.
const DefaultMaxBodyBytes = 64 << 10

// Server is a fake LoremUp Sessions API listening on a loopback port.
// Create it with NewServer and Close it when done.
type Server struct {
	// URL is the base URL to give loremup.NewClient: "http://127.0.0.1:port",
	// plus the WithPathPrefix prefix if any. It has no trailing slash.
	URL string
	// Token is the API token the server accepts: random for each server
	// unless WithToken chose it.
	Token string

	h  *fake.Handler
	ts *httptest.Server
}

// Option configures a Server; pass any number to NewServer.
type Option func(*config)

type config struct {
	fake.Config
	err error // the first option given a value that can never work
}

// WithToken makes the server accept token as its API token instead of a
// random one. The token must be printable ASCII without spaces, quotes,
// commas, semicolons or backslashes (NewServer panics otherwise), since
// it travels in "Authorization: Token token=<token>".
func WithToken(token string) Option {
	return func(c *config) { c.Token = token }
}

// WithUser adds an account that can log in. Repeat it for more users; a
// later password for the same e-mail (matched case-insensitively) wins.
// Server.AddUser adds users while the server runs.
func WithUser(email, password string) Option {
	return func(c *config) { c.Users = append(c.Users, fake.User{Email: email, Password: password}) }
}

// WithFormNames sets the form_name that POST (create) and DELETE (delete)
// accept, replacing the defaults "reference_rest_api_create_sessions"
// and "reference_rest_api_delete_sessions". An empty name keeps that
// operation's default. Each operation accepts exactly one name.
func WithFormNames(create, delete string) Option {
	return func(c *config) {
		if create != "" {
			c.CreateFormNames = []string{create}
		}
		if delete != "" {
			c.DeleteFormNames = []string{delete}
		}
	}
}

// WithLogger makes the server log one Info line per request to l: method,
// path, status, duration, request id, and the fault if one was injected.
// The lines never hold passwords, tokens or cookie values. Without it the
// server is silent.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.Logger = l }
}

// WithMaxBodyBytes sets how much of a request body the server reads
// (DefaultMaxBodyBytes by default); a longer body is answered 406. n must
// be positive (NewServer panics otherwise).
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n <= 0 && c.err == nil {
			c.err = errors.New("WithMaxBodyBytes: the cap must be positive")
		}
		c.MaxBodyBytes = n
	}
}

// WithPathPrefix serves the API under a path prefix, as an app mounted
// at "https://host/tenant" would: WithPathPrefix("/tenant") serves
// /tenant/api/sessions, and URL ends in "/tenant". Use it to test a
// client's handling of base URLs with a path.
func WithPathPrefix(prefix string) Option {
	return func(c *config) { c.PathPrefix = prefix }
}

// NewServer starts a fake server on a random loopback port and returns
// it. It panics if an Option is given a value that can never work or if
// it cannot listen, as httptest.NewServer does: both are mistakes in the
// test, not conditions to handle.
func NewServer(opts ...Option) *Server {
	cfg := config{Config: fake.Config{Token: fake.RandomToken()}}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	if cfg.err != nil {
		panic("loremuptest: " + cfg.err.Error())
	}
	h, err := fake.New(cfg.Config)
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
// httptest.Server.Close. It may be called more than once.
func (s *Server) Close() {
	s.h.Close()
	s.ts.Close()
}

// Client returns an *http.Client set up for the server, for tests that
// send raw requests. Close closes its idle connections.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// AddUser adds an account that can log in, or sets the password of an
// existing one (the e-mail is matched case-insensitively). It is safe to
// call while the server serves.
func (s *Server) AddUser(email, password string) { s.h.AddUser(email, password) }

// ActiveSessions returns how many sessions are logged in and not yet
// logged out.
func (s *Server) ActiveSessions() int { return s.h.ActiveSessions() }

// Request is one request the server received.
type Request struct {
	// Method and Path are the request's method and URL path.
	Method string
	Path   string
	// Header is the request's header, secrets included: it is what the
	// client sent, for the test to check (e.g. its Authorization form).
	Header http.Header
	// Body is the body as read: at most the body cap.
	Body []byte
}

// Requests returns the requests received so far, oldest first, faulted
// and dropped ones included. It keeps the latest 10,000; RequestCount
// counts all. The result is a copy the caller may change.
func (s *Server) Requests() []Request {
	in := s.h.Requests()
	out := make([]Request, len(in))
	for i, r := range in {
		out[i] = Request(r)
	}
	return out
}

// RequestCount returns how many requests the server received, on any
// path, faulted and dropped ones included.
func (s *Server) RequestCount() int { return s.h.RequestCount() }

// ConnectionCount returns how many TCP connections the server accepted.
// A client that reuses its connections keeps it low.
func (s *Server) ConnectionCount() int { return s.h.ConnectionCount() }

// Format prints the Server without its token or its users' passwords (for
// every verb), so a test log that prints it leaks nothing a real
// deployment's tests would reuse.
func (s Server) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "loremuptest.Server{URL: %q, Token: [REDACTED]}", s.URL)
}
