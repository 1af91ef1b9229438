// Package benchkit holds what the benchmarks share: the in-process
// loopback server that counts TCP connections, its handlers, and the
// comparison clients (hand-written net/http, go-retryablehttp used
// directly, go-resty v2) that send the same request as the SDK.
package benchkit

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
)

// Values every client sends, the same for all of them.
const (
	Token          = "bench-token-0123456789abcdef"
	Email          = "user@example.com"
	Password       = "correct horse battery staple"
	CreateFormName = "reference_rest_api_create_sessions"
	DeleteFormName = "reference_rest_api_delete_sessions"
	CookieName     = "_loremup_session"
	SessionsPath   = "/api/sessions"

	// Accept and ContentType are what the SDK sends (internal/wire).
	Accept      = "application/vnd.api+json, application/json"
	ContentType = "application/json"
	// MediaTypeJSONAPI is what the server answers with.
	MediaTypeJSONAPI = "application/vnd.api+json"
)

// Server is an httptest.Server on loopback that counts the TCP
// connections it accepted.
type Server struct {
	*httptest.Server
	conns atomic.Int64
}

// NewServer starts h on a loopback port.
func NewServer(h http.Handler) *Server {
	s := &Server{}
	ts := httptest.NewUnstartedServer(h)
	// httptest chains its own ConnState hook after this one.
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	ts.Start()
	s.Server = ts
	return s
}

// Conns returns how many TCP connections the server has accepted.
func (s *Server) Conns() int64 { return s.conns.Load() }

// SessionsURL is the URL both operations are sent to.
func (s *Server) SessionsURL() string { return s.URL + SessionsPath }

// OKHandler is the bare server: Create (POST) answers 201 with a fresh
// session cookie and the body {}, Delete answers 204. The request body is
// read, as any real server would.
func OKHandler() http.Handler {
	var n atomic.Uint64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		switch r.Method {
		case http.MethodPost:
			h := w.Header()
			h["Set-Cookie"] = []string{CookieName + "=s" + strconv.FormatUint(n.Add(1), 10) + "; Path=/; HttpOnly; SameSite=Lax"}
			h["Content-Type"] = []string{MediaTypeJSONAPI}
			h["Content-Length"] = []string{"2"}
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, "{}")
		case http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	})
}

// ErrorHandler answers every request 422 with body (and its
// Content-Length), after reading the request body.
func ErrorHandler(body []byte) http.Handler {
	cl := strconv.Itoa(len(body))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h["Content-Type"] = []string{MediaTypeJSONAPI}
		h["Content-Length"] = []string{cl}
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = w.Write(body)
	})
}

// StreamingErrorHandler answers every request 422 with a JSON-looking
// body of size bytes, streamed in 32 KiB chunks without a Content-Length
// (chunked), as a broken or hostile server would. It stops when the client
// goes away.
func StreamingErrorHandler(size int64) http.Handler {
	chunk := []byte(strings.Repeat("x", 32<<10))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header()["Content-Type"] = []string{MediaTypeJSONAPI}
		w.WriteHeader(http.StatusUnprocessableEntity)
		if _, err := io.WriteString(w, `{"errors":[{"status":"422","detail":"`); err != nil {
			return
		}
		for left := size - 40; left > 0; left -= int64(len(chunk)) {
			if _, err := w.Write(chunk[:min(left, int64(len(chunk)))]); err != nil {
				return
			}
		}
		_, _ = io.WriteString(w, `"}]}`)
	})
}

// ErrorBody returns a JSON:API error document of about size bytes: as
// many 422 error objects as fit.
func ErrorBody(size int) []byte {
	type source struct {
		Pointer string `json:"pointer"`
	}
	type object struct {
		Status string  `json:"status"`
		Code   string  `json:"code"`
		Title  string  `json:"title"`
		Detail string  `json:"detail"`
		Source *source `json:"source"`
	}
	var doc struct {
		Errors []object `json:"errors"`
	}
	for i := 0; ; i++ {
		doc.Errors = append(doc.Errors, object{
			Status: "422",
			Code:   "invalid",
			Title:  "Unprocessable Entity",
			Detail: fmt.Sprintf("field_%02d is not valid: it must be a non-blank value that matches the form's validation rules", i),
			Source: &source{Pointer: fmt.Sprintf("/form/field_%02d", i)},
		})
		b, err := json.Marshal(doc)
		if err != nil {
			panic(err)
		}
		if len(b) >= size {
			return b
		}
	}
}
