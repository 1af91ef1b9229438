// Package control is the control API of loremup-fake (api/control.yaml):
// plain JSON over HTTP through which a test in any language does what a Go
// test does with package loremuptest. Every operation is one call of a
// *fake.Handler method, so faults and state have one implementation.
//
// It is served on a listener of its own, never beside the Sessions API, so
// that the app under test cannot reach it and the fake's counters, records
// and faults see only the app's traffic. Every request must carry
// "Authorization: Bearer <control token>"; the API token is refused.
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
	MaxFaults       = 100
	MaxTimes        = 1_000_000        // a fault's times and every
	MaxLatency      = 5 * time.Minute  // a fault's latency
	MaxFaultBody    = 64 << 10         // a fault's custom body
	MaxFaultHeaders = 32               // how many headers a fault sets
	MaxUsers        = 10_000           // how many users the control API lets the fake hold
	MaxListed       = 1000             // a list in an answer (the limit parameter)
	DefaultListed   = 100              // the limit when none is given
	MaxShownBody    = 8 << 10          // the body of a recorded request in an answer
	maxRequestBody  = 2 * MaxFaultBody // a control request's body
	maxFieldLen     = 1024             // an e-mail, a password, a header value or a Retry-After
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
	path, arg := r.URL.EscapedPath(), ""
	for _, p := range []string{"/users/", "/locks/", "/sessions/"} {
		if rest, ok := strings.CutPrefix(path, p); ok {
			path, arg = p, rest
		}
	}
	if path == "/users/" || path == "/locks/" {
		var err error
		if arg, err = url.PathUnescape(arg); err != nil || arg == "" {
			writeError(w, http.StatusBadRequest, "invalid", "email", "the path must end in a URL-escaped e-mail")
			return
		}
	}
	noContent := func(op func()) func() { return func() { op(); w.WriteHeader(http.StatusNoContent) } }
	get, post, del := http.MethodGet, http.MethodPost, http.MethodDelete
	ops := map[string]map[string]func(){
		"/counters":  {get: func() { c.counters(w) }},
		"/faults":    {get: func() { c.listFaults(w) }, post: func() { c.addFault(w, r) }, del: noContent(c.fake.ClearFaults)},
		"/requests":  {get: func() { list(w, r, c.requests) }, del: noContent(c.fake.ClearRequests)},
		"/users":     {get: func() { list(w, r, c.users) }, post: func() { c.addUser(w, r) }},
		"/users/":    {del: func() { c.removeUser(w, arg) }},
		"/locks/":    {del: noContent(func() { c.fake.Unlock(arg) })},
		"/sessions":  {get: func() { list(w, r, c.sessions) }, del: func() { c.endSessions(w, r) }},
		"/sessions/": {del: func() { c.endSession(w, arg) }},
		"/policies":  {get: func() { c.policies(w, r) }, post: func() { c.policies(w, r) }},
		"/reset":     {post: noContent(c.fake.Reset)},
	}[path]
	switch op, ok := ops[r.Method]; {
	case ok:
		op()
	case ops == nil:
		writeError(w, http.StatusNotFound, "not_found", "", "no such control endpoint")
	default:
		var allow []string
		for _, m := range []string{get, post, del} {
			if ops[m] != nil {
				allow = append(allow, m)
			}
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "", "this control endpoint answers "+strings.Join(allow, ", "))
	}
}

// authorize checks the control token, in constant time, and answers 401
// when it is missing or wrong. The API token, read as the Sessions API
// reads it ("Bearer <api token>" included, as Rails accepts it), gets a
// message of its own, since mixing up the two tokens is the likely mistake.
func (c *Handler) authorize(w http.ResponseWriter, r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(strings.TrimSpace(auth), " ")
	cred = strings.TrimSpace(cred)
	if strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare([]byte(cred), c.token) == 1 {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="loremup-fake control"`)
	msg := `missing or wrong control token; send "Authorization: Bearer <control token>"`
	if tok, ok := wire.ParseAuthorization(auth); ok && c.fake.IsAPIToken(tok) {
		msg = "this is the API token; the control API takes the control token (Authorization: Bearer <control token>)"
	}
	writeError(w, http.StatusUnauthorized, "unauthorized", "Authorization", msg)
	return false
}

func (c *Handler) counters(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, struct {
		Requests       int `json:"requests"`
		ActiveSessions int `json:"active_sessions"`
		Connections    int `json:"connections"`
		Users          int `json:"users"`
		Faults         int `json:"faults"`
	}{c.fake.RequestCount(), c.fake.ActiveSessions(), c.fake.ConnectionCount(), len(c.fake.Users()), len(c.fake.PendingFaults())})
}

// list answers a GET of a list with answer(r, limit), limit being the
// limit parameter: 1 to MaxListed, DefaultListed when absent.
func list(w http.ResponseWriter, r *http.Request, answer func(r *http.Request, limit int) any) {
	limit, err := DefaultListed, error(nil)
	if q := r.URL.Query(); q.Has("limit") {
		limit, err = strconv.Atoi(q.Get("limit"))
	}
	if err != nil || limit < 1 || limit > MaxListed {
		writeError(w, http.StatusBadRequest, "invalid", "limit", fmt.Sprintf("limit must be an integer from 1 to %d", MaxListed))
		return
	}
	writeJSON(w, http.StatusOK, answer(r, limit))
}

func (c *Handler) requests(_ *http.Request, limit int) any {
	recs := c.fake.RedactedRequests(limit)
	for i := range recs {
		if len(recs[i].Body) > MaxShownBody {
			recs[i].Body, recs[i].Truncated = recs[i].Body[:MaxShownBody], true
		}
	}
	return struct {
		Total    int                    `json:"total"`
		Requests []fake.RecordedRequest `json:"requests"`
	}{c.fake.RequestCount(), recs}
}

// policiesJSON is the fake's Policies with their durations in
// milliseconds.
type policiesJSON struct {
	fake.Policies
	LoginPerMS    int64 `json:"login_per_ms"`
	SessionIdleMS int64 `json:"session_idle_ms"`
}

// policies answers the policies in force, after replacing them on POST:
// a member left out is off.
func (c *Handler) policies(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		var p policiesJSON
		if !decode(w, r, &p) {
			return
		}
		p.LoginPer, p.SessionIdle = time.Duration(p.LoginPerMS)*time.Millisecond, time.Duration(p.SessionIdleMS)*time.Millisecond
		if err := c.fake.SetPolicies(p.Policies); err != nil {
			writeError(w, http.StatusBadRequest, "invalid", "login_rate", err.Error())
			return
		}
	}
	p := c.fake.Policies()
	writeJSON(w, http.StatusOK, policiesJSON{p, p.LoginPer.Milliseconds(), p.SessionIdle.Milliseconds()})
}

// User is a user as the control API shows it: never its password.
type User struct {
	Email string `json:"email"`
}

func (c *Handler) users(_ *http.Request, limit int) any {
	emails := c.fake.Users()
	users := make([]User, min(limit, len(emails)))
	for i := range users {
		users[i].Email = emails[i]
	}
	return struct {
		Total int    `json:"total"`
		Users []User `json:"users"`
	}{len(emails), users}
}

func (c *Handler) addUser(w http.ResponseWriter, r *http.Request) {
	var u fake.User // the body of POST /users
	if !decode(w, r, &u) {
		return
	}
	switch {
	case u.Email == "":
		writeError(w, http.StatusBadRequest, "required", "email", "email is required")
	case badField(u.Email) || !fake.IsAddress(u.Email):
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

// writeError answers the one error document of the control API.
func writeError(w http.ResponseWriter, status int, code, field, msg string) {
	type body struct {
		Code    string `json:"code"`
		Field   string `json:"field,omitempty"`
		Message string `json:"message"`
	}
	writeJSON(w, status, struct {
		Error body `json:"error"`
	}{body{code, field, msg}})
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
