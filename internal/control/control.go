// Package control is the control API of loremup-fake: plain JSON over
// HTTP that lets a test written in any language do what a Go test does
// with package loremuptest: inject faults, read the requests the fake
// received, add and remove users, list and end sessions, set the
// production policies and unlock an e-mail, reset everything, read the
// counters.
//
// It is a thin layer over *fake.Handler: every operation is one call of a
// Handler method, so faults and state have one implementation, shared
// with loremuptest. api/control.yaml describes it.
//
// The control API is served on a listener of its own (loopback by
// default), never beside the Sessions API: an app under test given the
// fake's base URL has no path to it, the fake's request and connection
// counters and recorded requests hold only the app's traffic, and an
// injected fault can never hit a control request. Every request must
// carry "Authorization: Bearer <control token>"; the control token is not
// the API token, and a request carrying the API token is refused.
package control

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/loremup/loremup-go/internal/fake"
	"github.com/loremup/loremup-go/internal/wire"
)

// Bounds on what the control API accepts and answers, so that a test (or
// anything else that holds the control token) cannot make the fake grow
// without bound.
const (
	// MaxFaults is how many injected faults may wait at once (each with
	// its own times count), the periodic one included.
	MaxFaults = 100
	// MaxTimes bounds a fault's times and every.
	MaxTimes = 1_000_000
	// MaxLatency bounds a fault's latency.
	MaxLatency = 5 * time.Minute
	// MaxFaultBody bounds a fault's custom body.
	MaxFaultBody = 64 << 10
	// MaxFaultHeaders bounds how many headers a fault sets.
	MaxFaultHeaders = 32
	// MaxUsers bounds how many users the control API lets the fake hold.
	MaxUsers = 10_000
	// MaxListed bounds a list in an answer (the limit parameter);
	// DefaultListed is the limit when none is given.
	MaxListed     = 1000
	DefaultListed = 100
	// MaxShownBody bounds the body of a recorded request in an answer.
	MaxShownBody = 8 << 10
	// maxRequestBody bounds a control request's body.
	maxRequestBody = 2 * MaxFaultBody
	// maxFieldLen bounds an e-mail, a password, a header value or a
	// Retry-After.
	maxFieldLen = 1024
)

// Config configures a control Handler.
type Config struct {
	// Token is the control token: requests carry it as "Authorization:
	// Bearer <token>". It must follow the API token's rules (printable
	// ASCII without spaces, quotes, commas, semicolons or backslashes) and
	// must not be the API token.
	Token string
	// Logger, when set, gets one Info line per control request: method,
	// path, status. Never a token, password or cookie value.
	Logger *slog.Logger
}

// Handler serves the control API for one *fake.Handler. It is safe for
// concurrent use; control requests are served one at a time, so that a
// check and the change it guards (a bound, a user's existence) cannot
// interleave with another control request.
type Handler struct {
	fake   *fake.Handler
	token  []byte
	logger *slog.Logger
	mu     sync.Mutex
}

// New returns the control API of h, or an error naming what is wrong
// with cfg.
func New(h *fake.Handler, cfg Config) (*Handler, error) {
	if h == nil {
		return nil, errors.New("control: no fake handler")
	}
	if wire.CheckToken(cfg.Token) != nil { // its message speaks of the API token
		return nil, errors.New("control token must be printable ASCII without whitespace, quotes, commas, semicolons or backslashes")
	}
	if h.IsAPIToken(cfg.Token) {
		return nil, errors.New("control token must differ from the API token")
	}
	return &Handler{fake: h, token: []byte(cfg.Token), logger: cfg.Logger}, nil
}

// ServeHTTP answers one control request.
func (c *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &fake.StatusRecorder{ResponseWriter: w}
	if c.logger != nil {
		defer func() {
			path := r.URL.Path
			if len(path) > 200 { // a hostile request line does not flood the log
				path = path[:200] + "..."
			}
			c.logger.LogAttrs(r.Context(), slog.LevelInfo, "control",
				slog.String("method", r.Method), slog.String("path", path), slog.Int("status", sw.Status))
		}()
	}
	w = sw
	w.Header().Set("Cache-Control", "no-store")
	if !c.authorize(w, r) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.route(w, r)
}

// route finds the operation of r. Routing is done by hand (no
// http.ServeMux) so that every answer, 404 and 405 included, is a JSON
// document the description covers.
func (c *Handler) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	switch {
	case path == "/counters":
		methods(w, r, map[string]func(){http.MethodGet: func() { c.counters(w) }})
	case path == "/faults":
		methods(w, r, map[string]func(){
			http.MethodGet:    func() { c.listFaults(w) },
			http.MethodPost:   func() { c.addFault(w, r) },
			http.MethodDelete: func() { c.fake.ClearFaults(); w.WriteHeader(http.StatusNoContent) },
		})
	case path == "/requests":
		methods(w, r, map[string]func(){
			http.MethodGet:    func() { c.listRequests(w, r) },
			http.MethodDelete: func() { c.fake.ClearRequests(); w.WriteHeader(http.StatusNoContent) },
		})
	case path == "/users":
		methods(w, r, map[string]func(){
			http.MethodGet:  func() { c.listUsers(w, r) },
			http.MethodPost: func() { c.addUser(w, r) },
		})
	case strings.HasPrefix(path, "/users/") || strings.HasPrefix(path, "/locks/"):
		email, err := url.PathUnescape(path[len("/users/"):])
		if err != nil || email == "" {
			writeError(w, http.StatusBadRequest, "invalid", "email", "the path must end in a URL-escaped e-mail")
			return
		}
		op := func() { c.removeUser(w, email) }
		if strings.HasPrefix(path, "/locks/") {
			op = func() { c.fake.Unlock(email); w.WriteHeader(http.StatusNoContent) }
		}
		methods(w, r, map[string]func(){http.MethodDelete: op})
	case path == "/sessions":
		methods(w, r, map[string]func(){
			http.MethodGet:    func() { c.listSessions(w, r) },
			http.MethodDelete: func() { c.endSessions(w, r) },
		})
	case strings.HasPrefix(path, "/sessions/"):
		id := strings.TrimPrefix(path, "/sessions/")
		methods(w, r, map[string]func(){http.MethodDelete: func() { c.endSession(w, id) }})
	case path == "/policies":
		methods(w, r, map[string]func(){
			http.MethodGet:  func() { writeJSON(w, http.StatusOK, policiesOf(c.fake.Policies())) },
			http.MethodPost: func() { c.setPolicies(w, r) },
		})
	case path == "/reset":
		methods(w, r, map[string]func(){http.MethodPost: func() { c.fake.Reset(); w.WriteHeader(http.StatusNoContent) }})
	default:
		writeError(w, http.StatusNotFound, "not_found", "", "no such control endpoint")
	}
}

// methods runs the operation for r's method, or answers 405 naming the
// methods the path has.
func methods(w http.ResponseWriter, r *http.Request, ops map[string]func()) {
	if op, ok := ops[r.Method]; ok {
		op()
		return
	}
	allow := make([]string, 0, len(ops))
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
		if ops[m] != nil {
			allow = append(allow, m)
		}
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "", "this control endpoint answers "+strings.Join(allow, ", "))
}

// authorize checks the control token, in constant time, and answers 401
// when it is missing or wrong. The API token gets a message of its own,
// since mixing up the two tokens is the likely mistake.
func (c *Handler) authorize(w http.ResponseWriter, r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(strings.TrimSpace(auth), " ")
	cred = strings.TrimSpace(cred)
	if strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare([]byte(cred), c.token) == 1 {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="loremup-fake control"`)
	msg := `missing or wrong control token; send "Authorization: Bearer <control token>"`
	if c.holdsAPIToken(auth) {
		msg = "this is the API token; the control API takes the control token (Authorization: Bearer <control token>)"
	}
	writeError(w, http.StatusUnauthorized, "unauthorized", "Authorization", msg)
	return false
}

// holdsAPIToken tells whether an Authorization value carries the API
// token, read as the Sessions API reads it ("Bearer <api token>"
// included, as Rails accepts it).
func (c *Handler) holdsAPIToken(auth string) bool {
	tok, ok := wire.ParseAuthorization(auth)
	return ok && c.fake.IsAPIToken(tok)
}

// Counters is the answer of GET /counters.
type Counters struct {
	Requests       int `json:"requests"`
	ActiveSessions int `json:"active_sessions"`
	Connections    int `json:"connections"`
	Users          int `json:"users"`
	Faults         int `json:"faults"`
}

func (c *Handler) counters(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, Counters{
		Requests:       c.fake.RequestCount(),
		ActiveSessions: c.fake.ActiveSessions(),
		Connections:    c.fake.ConnectionCount(),
		Users:          len(c.fake.Users()),
		Faults:         len(c.fake.PendingFaults()),
	})
}

func (c *Handler) listRequests(w http.ResponseWriter, r *http.Request) {
	limit, ok := limitParam(w, r)
	if !ok {
		return
	}
	recs := c.fake.RedactedRequests(limit)
	for i := range recs {
		if len(recs[i].Body) > MaxShownBody {
			recs[i].Body, recs[i].Truncated = recs[i].Body[:MaxShownBody], true
		}
	}
	writeJSON(w, http.StatusOK, struct {
		Total    int                    `json:"total"`
		Requests []fake.RecordedRequest `json:"requests"`
	}{Total: c.fake.RequestCount(), Requests: recs})
}

// limitParam reads the limit query parameter: 1 to MaxListed,
// DefaultListed when absent.
func limitParam(w http.ResponseWriter, r *http.Request) (int, bool) {
	q := r.URL.Query()
	if !q.Has("limit") {
		return DefaultListed, true
	}
	n, err := strconv.Atoi(q.Get("limit"))
	if err != nil || n < 1 || n > MaxListed {
		writeError(w, http.StatusBadRequest, "invalid", "limit", fmt.Sprintf("limit must be an integer from 1 to %d", MaxListed))
		return 0, false
	}
	return n, true
}

// policiesJSON is the fake's Policies with their durations in
// milliseconds.
type policiesJSON struct {
	fake.Policies
	LoginPerMS    int64 `json:"login_per_ms"`
	SessionIdleMS int64 `json:"session_idle_ms"`
}

func policiesOf(p fake.Policies) policiesJSON {
	return policiesJSON{Policies: p, LoginPerMS: p.LoginPer.Milliseconds(), SessionIdleMS: p.SessionIdle.Milliseconds()}
}

// setPolicies replaces the policies: a member left out is off.
func (c *Handler) setPolicies(w http.ResponseWriter, r *http.Request) {
	var p policiesJSON
	if !decode(w, r, &p) {
		return
	}
	p.LoginPer, p.SessionIdle = time.Duration(p.LoginPerMS)*time.Millisecond, time.Duration(p.SessionIdleMS)*time.Millisecond
	if err := c.fake.SetPolicies(p.Policies); err != nil {
		writeError(w, http.StatusBadRequest, "invalid", "login_rate", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, policiesOf(c.fake.Policies()))
}

// User is a user as the control API shows it: never its password.
type User struct {
	Email string `json:"email"`
}

func (c *Handler) listUsers(w http.ResponseWriter, r *http.Request) {
	limit, ok := limitParam(w, r)
	if !ok {
		return
	}
	emails := c.fake.Users()
	out := struct {
		Total int    `json:"total"`
		Users []User `json:"users"`
	}{Total: len(emails), Users: make([]User, 0, min(limit, len(emails)))}
	for _, e := range emails[:min(limit, len(emails))] {
		out.Users = append(out.Users, User{Email: e})
	}
	writeJSON(w, http.StatusOK, out)
}

func (c *Handler) addUser(w http.ResponseWriter, r *http.Request) {
	var u fake.User // the body of POST /users
	if !decode(w, r, &u) {
		return
	}
	switch {
	case u.Email == "":
		writeError(w, http.StatusBadRequest, "required", "email", "email is required")
	case len(u.Email) > maxFieldLen || !fake.IsAddress(u.Email) || strings.ContainsFunc(u.Email, isCtl):
		writeError(w, http.StatusBadRequest, "invalid", "email", "email must be an address (something@something, no spaces), at most 1024 bytes")
	case strings.TrimSpace(u.Password) == "":
		writeError(w, http.StatusBadRequest, "required", "password", "password is required and must not be blank (the fake answers a blank one 422)")
	case len(u.Password) > maxFieldLen:
		writeError(w, http.StatusBadRequest, "invalid", "password", "password must be at most 1024 bytes")
	case len(c.fake.Users()) >= MaxUsers && !slices.Contains(c.fake.Users(), strings.ToLower(u.Email)):
		writeError(w, http.StatusConflict, "too_many", "email", fmt.Sprintf("the fake holds at most %d users; remove some or reset", MaxUsers))
	default:
		c.fake.AddUser(u.Email, u.Password)
		writeJSON(w, http.StatusCreated, User{Email: strings.ToLower(u.Email)})
	}
}

func (c *Handler) removeUser(w http.ResponseWriter, email string) {
	if !c.fake.RemoveUser(email) {
		writeError(w, http.StatusNotFound, "not_found", "email", "no such user")
		return
	}
	ended := c.fake.ExpireSessions(email)
	writeJSON(w, http.StatusOK, struct {
		Email         string `json:"email"`
		SessionsEnded int    `json:"sessions_ended"`
	}{strings.ToLower(email), ended})
}

// apiError is the one error document of the control API.
type apiError struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, status int, code, field, msg string) {
	writeJSON(w, status, apiError{Error: errorBody{Code: code, Field: field, Message: msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // only this package's own types get here
		body = []byte(`{"error":{"code":"internal","message":"answer could not be encoded"}}`)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
