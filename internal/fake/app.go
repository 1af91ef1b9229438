package fake

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/loremup/loremup-go/internal/wire"
)

// This file is the rest of the app: endpoints mounted with Handle, behind
// the checks a Rails app runs on every endpoint and its session check.

type userKey struct{} // the context key of the logged-in user

// SessionUser returns the e-mail (lower-cased) of the user whose session
// cookie authorised r, inside a handler mounted with Handle.
func SessionUser(r *http.Request) (email string, ok bool) {
	email, ok = r.Context().Value(userKey{}).(string)
	return email, ok
}

// Handle mounts hd for pattern, an http.ServeMux pattern whose path is
// taken under the path prefix; see loremuptest's Server.Handle.
func (h *Handler) Handle(pattern string, hd http.Handler) {
	method, path, hasMethod := strings.Cut(pattern, " ")
	if !hasMethod {
		method, path = "", pattern
	}
	path = strings.TrimLeft(path, " \t")
	if !strings.HasPrefix(path, "/") {
		panic(fmt.Sprintf("fake: Handle: pattern %q must be a path (with an optional method), not a host", pattern))
	}
	full := h.prefix + path
	if full == h.path {
		panic(fmt.Sprintf("fake: Handle: %s is the Sessions API, which the fake serves itself", full))
	}
	if method != "" {
		full = method + " " + full
	}
	h.app.Handle(full, hd) // ServeMux is safe for concurrent use: Handle may be called while serving
}

// serveApp answers a request for any path other than the Sessions API:
// a mounted endpoint behind the session check, or 404.
func (h *Handler) serveApp(e *exchange) {
	if _, pattern := h.app.Handler(e.r); pattern == "" {
		h.fail(e, http.StatusNotFound, "not_found", "no such endpoint; the Sessions API is at "+h.path, nil)
		return
	}
	if !h.gate(e) {
		return
	}
	var id string // "" is no session's id
	if c, err := e.r.Cookie(CookieName); err == nil {
		id = c.Value
	}
	email, fresh, live := h.sessions.use(id, h.cfg.RotateCookies)
	if !live {
		h.fail(e, http.StatusUnauthorized, "unauthenticated", "log in first: this endpoint needs a live session cookie", nil)
		return
	}
	if fresh != "" { // whatever the answer: the old value no longer works
		http.SetCookie(e.w, newSessionCookie(fresh))
	}
	switch {
	case errors.Is(e.bodyErr, errBodyTooLarge):
		h.fail(e, http.StatusRequestEntityTooLarge, "too_large", "the request body is larger than this server reads", nil)
		return
	case e.bodyErr != nil:
		h.fail(e, http.StatusBadRequest, "unreadable", "the request body could not be read", nil)
		return
	}
	r := e.r.WithContext(context.WithValue(e.r.Context(), userKey{}, email))
	r.Body = io.NopCloser(bytes.NewReader(e.body)) // read already, for the record
	w := &StatusRecorder{ResponseWriter: e.w}
	h.app.ServeHTTP(w, r)
	e.status = cmp.Or(w.Status, http.StatusOK) // the handler wrote nothing: net/http sends 200
}

// StatusRecorder is an http.ResponseWriter that remembers the final
// status answered, for request logs (the fake's and the control API's).
type StatusRecorder struct {
	http.ResponseWriter
	// Status is the status written, 0 while nothing was.
	Status int
}

// WriteHeader records code and passes it on.
func (w *StatusRecorder) WriteHeader(code int) {
	if w.Status == 0 && code >= 200 {
		w.Status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records the implicit 200 of a body written without a status.
func (w *StatusRecorder) Write(p []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the server's writer (Flush,
// deadlines) through the wrapper.
func (w *StatusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// MeHandler answers the logged-in user as {"email": "..."}: loremup-fake
// mounts it at /api/me for tests in other languages.
func MeHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		email, _ := SessionUser(r)
		w.Header().Set("Content-Type", wire.MediaTypeJSON+"; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		body, _ := json.Marshal(map[string]string{"email": email}) // a map of strings always marshals
		_, _ = w.Write(body)
	})
}
