package loremup_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
)

const (
	testToken    = "tok_4f8a9c2e7b"
	testEmail    = "ada@example.com"
	testPassword = "s3cret-Pa55word"
	createForm   = "reference_rest_api_create_sessions"
	deleteForm   = "reference_rest_api_delete_sessions"
	baseURL      = "https://app.example.com"
)

var fastRetries = loremup.WithRetryWait(time.Millisecond, 5*time.Millisecond)

func createParams() loremup.CreateSessionParams {
	return loremup.CreateSessionParams{
		FormName: createForm,
		Form:     loremup.SessionForm{Email: testEmail, Password: testPassword},
	}
}

// mockClient returns a Client whose requests go to a fresh httpmock
// transport, so a test sees exactly what was sent.
func mockClient(t *testing.T, opts ...loremup.Option) (*loremup.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	opts = append([]loremup.Option{loremup.WithHTTPClient(&http.Client{Transport: mt}), fastRetries}, opts...)
	c, err := loremup.NewClient(baseURL, testToken, opts...)
	require.NoError(t, err)
	return c, mt
}

// jsonAPI answers with a JSON:API body and the given status.
func jsonAPI(status int, body string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/vnd.api+json")
		return resp, nil
	}
}

// loginOK answers 201 with a session cookie.
func loginOK(cookieValue string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusCreated, "{}")
		resp.Header.Set("Content-Type", "application/vnd.api+json")
		resp.Header.Add("Set-Cookie", (&http.Cookie{Name: "_app_session", Value: cookieValue, Path: "/", HttpOnly: true}).String())
		return resp, nil
	}
}

// sequence answers with each responder in turn, then keeps the last one.
func sequence(rs ...httpmock.Responder) httpmock.Responder {
	var mu sync.Mutex
	i := 0
	return func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		cur := rs[min(i, len(rs)-1)]
		i++
		mu.Unlock()
		return cur(r)
	}
}

func errorDoc(status, code, detail, pointer string) string {
	obj := map[string]any{"status": status, "code": code, "title": "t", "detail": detail}
	if pointer != "" {
		obj["source"] = map[string]string{"pointer": pointer}
	}
	b, _ := json.Marshal(map[string]any{"errors": []any{obj}})
	return string(b)
}

// countingServer is an httptest server that counts TCP connections and
// requests.
type countingServer struct {
	*httptest.Server
	conns    atomic.Int64 // opened
	closed   atomic.Int64
	requests atomic.Int64
}

func newCountingServer(t *testing.T, h http.HandlerFunc) *countingServer {
	t.Helper()
	cs := &countingServer{}
	cs.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.requests.Add(1)
		h(w, r)
	}))
	cs.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			cs.conns.Add(1)
		case http.StateClosed, http.StateHijacked:
			cs.closed.Add(1)
		}
	}
	cs.Start()
	t.Cleanup(cs.Close)
	return cs
}

// fakeAPI is a minimal conformant handler for transport-level tests.
func fakeAPI(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/vnd.api+json")
	switch r.Method {
	case http.MethodPost:
		http.SetCookie(w, &http.Cookie{Name: "_app_session", Value: "v", Path: "/"})
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "{}")
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func newLoopbackClient(t *testing.T, url string, opts ...loremup.Option) *loremup.Client {
	t.Helper()
	c, err := loremup.NewClient(url, testToken, append([]loremup.Option{fastRetries}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}
