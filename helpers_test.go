package loremup_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/internal/fake"
	"github.com/loremup/loremup-go/internal/secrettest"
	"github.com/loremup/loremup-go/loremuptest"
)

const (
	testToken    = "tok_4f8a9c2e7b"
	testEmail    = "ada@example.com"
	testPassword = "s3cret-Pa55word"
	createForm   = loremup.ReferenceCreateFormName
	deleteForm   = loremup.ReferenceDeleteFormName
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
	return httpmock.NewStringResponder(status, body).HeaderSet(http.Header{"Content-Type": {"application/vnd.api+json"}})
}

// loginOK answers 201 with a session cookie.
func loginOK(cookieValue string) httpmock.Responder {
	return httpmock.NewStringResponder(http.StatusCreated, "{}").HeaderSet(http.Header{
		"Content-Type": {"application/vnd.api+json"},
		"Set-Cookie":   {(&http.Cookie{Name: "_app_session", Value: cookieValue, Path: "/", HttpOnly: true}).String()},
	})
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
	// closing holds a token once a connection closed after the last
	// token was taken: awaitClosed's wake-up call.
	closing chan struct{}
}

func newCountingServer(t *testing.T, h http.HandlerFunc) *countingServer {
	t.Helper()
	cs := &countingServer{closing: make(chan struct{}, 1)}
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
			select {
			case cs.closing <- struct{}{}:
			default: // a token is already waiting
			}
		}
	}
	cs.Start()
	t.Cleanup(cs.Close)
	return cs
}

// awaitClosed returns once the server has seen at least n connections
// close. A connection the client closes is seen by the server a moment
// later, so a test that counts closes waits for the ones it knows of.
func (cs *countingServer) awaitClosed(n int64) {
	for cs.closed.Load() < n {
		<-cs.closing
	}
}

// fakeHandler is the fake server's handler (the one behind loremuptest)
// accepting testToken and testEmail/testPassword, for tests that wrap it
// in a server of their own: one that counts connections, speaks TLS, or
// loses an answer.
func fakeHandler(t *testing.T) http.Handler {
	t.Helper()
	h, err := fake.New(fake.Config{Token: testToken, Users: []fake.User{{Email: testEmail, Password: testPassword}}})
	require.NoError(t, err)
	t.Cleanup(h.Close)
	return h
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	t.Helper()
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

func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }

// captureHandler keeps each record's message for tests to count.
type captureHandler struct {
	mu    *sync.Mutex
	lines *[]string
}

func newCaptureLogger(lines *[]string) *slog.Logger {
	return slog.New(captureHandler{mu: &sync.Mutex{}, lines: lines})
}

func (h captureHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h captureHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	*h.lines = append(*h.lines, r.Message)
	return nil
}
func (h captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h captureHandler) WithGroup(string) slog.Handler      { return h }

// rawServer answers every connection with the given bytes, as a broken or
// hostile server would, and closes it.
func rawServer(t *testing.T, answer string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			req, err := http.ReadRequest(bufio.NewReader(conn))
			if err == nil {
				_, _ = io.Copy(io.Discard, req.Body)
				_, _ = io.WriteString(conn, answer)
			}
			_ = conn.Close()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
	})
	return "http://" + ln.Addr().String()
}

// faultCase is one row of the fault matrix: a fault on the fake server,
// and the exact outcome a caller sees.
type faultCase struct {
	name   string
	faults func(srv *loremuptest.Server)
	opts   []loremup.Option
	ctx    time.Duration // caller's deadline; 0 means none

	wantOK       bool
	wantStatus   int   // the *APIError status, when not wantOK
	wantIs       error // an error the result must match
	wantRequests int   // requests the server saw
	minElapsed   time.Duration
	maxElapsed   time.Duration
	check        func(t *testing.T, sess *loremup.Session, err error)
}

func rateLimited(retryAfter string) loremuptest.Fault {
	return loremuptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

func attempts(n int) func(*testing.T, *loremup.Session, error) {
	return func(t *testing.T, _ *loremup.Session, err error) {
		t.Helper()
		var apiErr *loremup.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, n, apiErr.Attempts)
	}
}

func runFaultCase(t *testing.T, tt faultCase) {
	t.Helper()
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := loremuptest.NewServer(loremuptest.WithUser(testEmail, testPassword))
	defer srv.Close()
	guard := secrettest.New(t, srv.Token, testPassword)
	opts := append([]loremup.Option{fastRetries, loremup.WithLogger(guard.Logger())}, tt.opts...)
	c, err := loremup.NewClient(srv.URL, srv.Token, opts...)
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	tt.faults(srv)

	ctx := context.Background()
	if tt.ctx > 0 {
		ctx = ctxTimeout(t, tt.ctx)
	}
	start := time.Now()
	sess, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: createForm, Form: loremup.SessionForm{Email: testEmail, Password: testPassword}})
	elapsed := time.Since(start)
	guard.Check(err, sess, c)

	if tt.wantOK {
		require.NoError(t, err)
		require.NotNil(t, sess)
	} else {
		require.Error(t, err)
		assert.Nil(t, sess)
	}
	if tt.wantStatus != 0 {
		var apiErr *loremup.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, tt.wantStatus, apiErr.StatusCode)
	}
	if tt.wantIs != nil {
		require.ErrorIs(t, err, tt.wantIs)
	}
	assert.Equal(t, tt.wantRequests, srv.RequestCount(), "requests the server saw")
	assert.GreaterOrEqual(t, elapsed, tt.minElapsed)
	if tt.maxElapsed > 0 {
		assert.Less(t, elapsed, tt.maxElapsed)
	}
	if tt.check != nil {
		tt.check(t, sess, err)
	}
}

func filter(lines []string, substr string) []string {
	var out []string
	for _, l := range lines {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return out
}

func status(code int) httpmock.Responder {
	return jsonAPI(code, errorDoc(fmt.Sprint(code), "c", http.StatusText(code), ""))
}

func retryAfter(code int, value string) httpmock.Responder {
	return status(code).HeaderSet(http.Header{"Retry-After": {value}})
}

func email(i int) string { return "user" + strconv.Itoa(i) + "@example.com" }

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// requireInvalid checks that err is a *loremup.ValidationError naming field.
func requireInvalid(t *testing.T, err error, field string) {
	t.Helper()
	var ve *loremup.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, field, ve.Field)
}
