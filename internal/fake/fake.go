// Package fake is the LoremUp Sessions API fake server, the http.Handler
// and state behind package loremuptest and the loremup-fake command, with
// the rules of package wire. Package loremuptest documents the behaviour.
package fake

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/loremup/loremup-go/internal/redact"
	"github.com/loremup/loremup-go/internal/wire"
)

// CookieName is the name of the session cookie the fake sets on login.
const CookieName = wire.CookieName

// DefaultMaxBodyBytes caps how much of a request body is read when
// Config.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = wire.DefaultMaxRequestBytes

// User is an account the fake knows: an e-mail (matched case-insensitively)
// and its password.
type User struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Config configures a Handler; only Token is required. Zero values
// mean the defaults. The fields are loremuptest's options and
// loremup-fake's flags, which document them.
type Config struct {
	Token string
	Users []User
	// CreateFormNames and DeleteFormNames default to the reference forms.
	CreateFormNames, DeleteFormNames []string
	MaxBodyBytes                     int64 // a longer body is answered 406
	PathPrefix                       string
	// Logger gets one Info line per request, never a secret.
	Logger *slog.Logger
	// RecordRequests keeps bounded copies for Requests; RequestCount
	// counts every request either way.
	RecordRequests  bool
	SessionLifetime time.Duration
	MaxSessions     int // at the bound a login ends the oldest session
	// RotateCookies: every answer of a mounted endpoint to a live session
	// sets a new cookie value and retires the old one.
	RotateCookies bool
	// WriteTimeout bounds the writing of each answer from when it is due
	// (after an injected latency).
	WriteTimeout time.Duration
	Policies     // SetPolicies changes them while serving
}

// Handler is the fake server. It is safe for concurrent use; its methods
// may be called while it serves.
type Handler struct {
	cfg    Config // with the defaults filled in; the policies live in policy
	prefix string // the path prefix, "" or "/tenant"
	path   string // prefix + wire.SessionsPath

	usersMu sync.RWMutex
	users   map[string]string // lower-cased e-mail -> password

	sessions *sessionStore
	app      *http.ServeMux // endpoints mounted with Handle

	faults faultState
	record recorder
	policy policies

	done      chan struct{} // closed by Close: ends injected latencies
	closeOnce sync.Once
}

// New returns a Handler for cfg, or an error naming the first bad field.
func New(cfg Config) (*Handler, error) {
	if err := wire.CheckToken(cfg.Token); err != nil { // a token a client could send unchanged
		return nil, err
	}
	if cfg.MaxBodyBytes < 0 || cfg.SessionLifetime < 0 || cfg.MaxSessions < 0 {
		return nil, errors.New("max body bytes, session lifetime and max sessions must not be negative")
	}
	if slices.Contains(cfg.CreateFormNames, "") {
		return nil, errors.New("create form name must not be empty")
	}
	if slices.Contains(cfg.DeleteFormNames, "") {
		return nil, errors.New("delete form name must not be empty")
	}
	prefix, err := NormalizePrefix(cfg.PathPrefix)
	if err != nil {
		return nil, err
	}
	cfg.Users = slices.Clone(cfg.Users) // for Reset
	cfg.MaxBodyBytes = cmp.Or(cfg.MaxBodyBytes, DefaultMaxBodyBytes)
	if len(cfg.CreateFormNames) == 0 {
		cfg.CreateFormNames = []string{wire.DefaultCreateFormName}
	}
	if len(cfg.DeleteFormNames) == 0 {
		cfg.DeleteFormNames = []string{wire.DefaultDeleteFormName}
	}
	h := &Handler{
		cfg:      cfg,
		prefix:   prefix,
		path:     prefix + wire.SessionsPath,
		sessions: newSessionStore(cmp.Or(cfg.SessionLifetime, DefaultSessionLifetime), cmp.Or(cfg.MaxSessions, DefaultMaxSessions)),
		app:      http.NewServeMux(),
		done:     make(chan struct{}),
		policy:   policies{now: time.Now},
	}
	if err := h.SetPolicies(cfg.Policies); err != nil {
		return nil, err
	}
	h.Reset() // adds cfg.Users
	return h, nil
}

// NormalizePrefix turns "tenant/", "/tenant" or "/tenant/" into "/tenant"
// and "" or "/" into "".
func NormalizePrefix(p string) (string, error) {
	if p = strings.Trim(p, "/"); p != "" {
		p = "/" + p
	}
	// An unclean path ("/a/../b", "/a//b") is one no router serves as it
	// is written (http.ServeMux refuses its patterns).
	if strings.ContainsAny(p, "?#%") || strings.ContainsFunc(p, func(r rune) bool { return r <= ' ' || r >= 0x7f }) ||
		p != "" && path.Clean(p) != p {
		return "", errors.New("path prefix must be a plain URL path (no query, fragment, escapes, spaces, empty, . or .. segments)")
	}
	return p, nil
}

// RandomToken returns a fresh random API token (32 hex digits).
func RandomToken() string { return randomHex(16) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on supported platforms (Go 1.24+ crashes instead)
	return hex.EncodeToString(b)
}

// AddUser adds an account, or sets the password of an existing one (the
// e-mail is matched case-insensitively).
func (h *Handler) AddUser(email, password string) {
	h.usersMu.Lock()
	h.users[strings.ToLower(email)] = password
	h.usersMu.Unlock()
}

// Close ends every injected latency still being waited out, so that a
// server can shut down without waiting for them. The Handler keeps
// serving afterwards (latencies are then skipped).
func (h *Handler) Close() {
	h.closeOnce.Do(func() { close(h.done) })
}

// exchange is one request being answered: what was read and what was
// sent, for the handler's steps and the log line.
type exchange struct {
	w       http.ResponseWriter
	r       *http.Request
	id      string
	body    []byte
	bodyErr error // nil, errBodyTooLarge, or the read error
	status  int   // 0 until answered; stays 0 for a dropped request
	fault   string
	conn    io.Closer // a connection taken over by a drop, closed by finish
}

// ServeHTTP answers one request. The steps: give it a request id, read
// its body through the size cap and record it, apply an injected fault if
// one is due, then route it: the Sessions API's order of checks, or an
// endpoint mounted with Handle behind the session check.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	e := &exchange{w: w, r: r, id: requestID(r.Header.Get(wire.RequestIDHeader))}
	w.Header().Set(wire.RequestIDHeader, e.id)
	e.body, e.bodyErr = readBody(w, r, h.cfg.MaxBodyBytes)
	h.record.count.Add(1)
	defer h.finish(e, start)
	h.armWrite(w)

	if f, ok := h.faults.next(r.Method); ok && h.applyFault(e, f) {
		return
	}
	// Like a Rails router, a method with no route is "no such endpoint"
	// (404), not 405.
	switch {
	case r.URL.Path != h.path:
		h.serveApp(e) // a mounted endpoint of the app, or 404
	case r.Method == http.MethodPost:
		if !h.throttled(e) { // Rack::Attack runs before the app
			h.create(e)
		}
	case r.Method == http.MethodDelete:
		h.delete(e)
	default:
		h.fail(e, http.StatusNotFound, "not_found",
			"no such endpoint; the Sessions API is POST (log in) and DELETE (log out) "+h.path, nil)
	}
}

// armWrite starts the write timeout of the answer due now. The server's
// own WriteTimeout would count from the request's arrival, and so cut
// answers an injected latency delays.
func (h *Handler) armWrite(w http.ResponseWriter) {
	if h.cfg.WriteTimeout > 0 {
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(h.cfg.WriteTimeout)) // a recorder cannot: nothing to bound
	}
}

// fail answers status with a one-object JSON:API error document.
func (h *Handler) fail(e *exchange, status int, code, detail string, src *wire.ErrorSource) {
	h.writeJSON(e, status, wire.NewError(status, code, http.StatusText(status), detail, src))
}

// writeJSON answers status with v as an application/vnd.api+json body.
func (h *Handler) writeJSON(e *exchange, status int, v any) {
	body, _ := json.Marshal(v) // only our own wire types get here, which always marshal
	h.writeRaw(e, status, wire.ContentTypeJSONAPI, body)
}

func (h *Handler) writeRaw(e *exchange, status int, contentType string, body []byte) {
	hdr := e.w.Header()
	if contentType != "" && hdr.Get("Content-Type") == "" {
		hdr.Set("Content-Type", contentType)
	}
	hdr.Set("Cache-Control", "no-store")
	e.status = status
	e.w.WriteHeader(status)
	_, _ = e.w.Write(body) // a client that went away is not our error; 204 refuses bodies
}

// maxLoggedPath keeps a hostile request line from flooding the log.
const maxLoggedPath = 200

// finish records the answered request and logs it.
func (h *Handler) finish(e *exchange, start time.Time) {
	took := time.Since(start)
	if h.cfg.RecordRequests {
		req := newRequest(e.r, e.body)
		req.Status, req.Duration = e.status, took
		h.record.add(req)
	}
	if e.conn != nil {
		_ = e.conn.Close()
	}
	if h.cfg.Logger == nil {
		return
	}
	// A client may put the API token or a session id in the path or its
	// request id; the log never shows them. (Passwords are not searched
	// here: that would cost every request a walk over all users.)
	set := redact.New(h.cfg.Token)
	set.AddIDs(sessionIDLen, h.sessions.live)
	path := set.String(e.r.URL.Path)
	if len(path) > maxLoggedPath {
		path = string(set.CutTail([]byte(path[:maxLoggedPath]))) + "..."
	}
	attrs := []slog.Attr{
		slog.String("method", e.r.Method),
		slog.String("path", path),
		slog.Int("status", e.status),
		slog.Duration("duration", took),
		slog.String("request_id", set.String(e.id)),
	}
	if e.fault != "" {
		attrs = append(attrs, slog.String("fault", e.fault))
	}
	h.cfg.Logger.LogAttrs(e.r.Context(), slog.LevelInfo, "request", attrs...)
}
