package loremuptest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	email        = "ada@example.com"
	password     = "correct horse battery"
	createForm   = "reference_rest_api_create_sessions"
	deleteForm   = "reference_rest_api_delete_sessions"
	sessionsPath = "/api/sessions"
	apiMediaType = "application/vnd.api+json; charset=utf-8"
)

var (
	loginBody  = `{"form_name":"` + createForm + `","form":{"email":"` + email + `","password":"` + password + `"}}`
	logoutBody = `{"form_name":"` + deleteForm + `"}`
)

// startServer starts a fake knowing one user, closed when the test ends.
func startServer(tb testing.TB, opts ...loremuptest.Option) *loremuptest.Server {
	tb.Helper()
	srv := loremuptest.NewServer(append([]loremuptest.Option{loremuptest.WithUser(email, password)}, opts...)...)
	tb.Cleanup(srv.Close)
	return srv
}

// apiHeader is what a well-behaved client sends.
func apiHeader(token string) http.Header {
	return http.Header{
		"Authorization": {"Token token=" + token},
		"Accept":        {"application/vnd.api+json, application/json"},
		"Content-Type":  {"application/json"},
	}
}

// send makes one raw request and returns the answer with its body read.
func send(tb testing.TB, client *http.Client, method, url string, h http.Header, body string) (*http.Response, []byte) {
	tb.Helper()
	resp, data, err := roundTrip(client, method, url, h, body)
	require.NoError(tb, err)
	return resp, data
}

// roundTrip is send for goroutines other than the test's: it returns the
// error instead of failing the test.
func roundTrip(client *http.Client, method, url string, h http.Header, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

// postLogin sends the test user's login and returns the answer unread,
// or the transport error.
func postLogin(ctx context.Context, client *http.Client, srv *loremuptest.Server) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+sessionsPath, strings.NewReader(loginBody))
	if err != nil {
		return nil, err
	}
	req.Header = apiHeader(srv.Token)
	return client.Do(req)
}

// parallel runs fn(i) for i in [0, n) on workers goroutines, waits, and
// returns the errors fn returned, so that nothing fails the test off its
// own goroutine.
func parallel(n, workers int, fn func(i int) error) []error {
	jobs := make(chan int)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if err := fn(i); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("job %d: %w", i, err))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return errs
}

// requireNoErrors fails the test with every error collected by parallel.
func requireNoErrors(tb testing.TB, errs []error) {
	tb.Helper()
	require.NoError(tb, errors.Join(errs...))
}

// fastRetries keeps SDK retries against the fake quick.
var fastRetries = loremup.WithRetryWait(time.Millisecond, 5*time.Millisecond)

// newClient returns an SDK client for srv with token, closed when the
// test ends.
func newClient(t *testing.T, srv *loremuptest.Server, token string, opts ...loremup.Option) *loremup.Client {
	t.Helper()
	c, err := loremup.NewClient(srv.URL, token, append([]loremup.Option{fastRetries}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func createParams(email, password string) loremup.CreateSessionParams {
	return loremup.CreateSessionParams{
		FormName: createForm,
		Form:     loremup.SessionForm{Email: email, Password: password},
	}
}

// login logs the test user in with raw HTTP and returns the session cookie.
func login(tb testing.TB, srv *loremuptest.Server) *http.Cookie {
	tb.Helper()
	resp, body := send(tb, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
	require.Equal(tb, http.StatusCreated, resp.StatusCode, "%s", body)
	return sessionCookie(tb, resp)
}

func sessionCookie(tb testing.TB, resp *http.Response) *http.Cookie {
	tb.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == loremuptest.SessionCookieName {
			return c
		}
	}
	require.FailNow(tb, "no session cookie", "Set-Cookie: %q", resp.Header.Values("Set-Cookie"))
	return nil
}

// errorObject is a JSON:API error object; Status is a string, so a
// number there fails to decode.
type errorObject struct {
	Status string `json:"status"`
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Source *struct {
		Pointer string `json:"pointer"`
		Header  string `json:"header"`
	} `json:"source"`
}

// requireErrorDoc checks that an answer is a JSON:API error document
// for status and returns its error objects.
func requireErrorDoc(tb testing.TB, resp *http.Response, body []byte, status int) []errorObject {
	tb.Helper()
	require.Equal(tb, status, resp.StatusCode, "%s", body)
	assert.Equal(tb, apiMediaType, resp.Header.Get("Content-Type"))
	assert.NotEmpty(tb, resp.Header.Get("X-Request-Id"))
	var doc struct {
		Errors []errorObject `json:"errors"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	require.NoError(tb, dec.Decode(&doc), "%s", body)
	require.NotEmpty(tb, doc.Errors, "%s", body)
	for _, e := range doc.Errors {
		assert.Equal(tb, strconv.Itoa(status), e.Status)
		assert.Equal(tb, http.StatusText(status), e.Title)
		assert.NotEmpty(tb, e.Code)
		assert.NotEmpty(tb, e.Detail)
	}
	return doc.Errors
}

// requireTokenRefusal checks that an answer is Rails' refusal of the API
// token, byte for byte: 401, a Token challenge, a plain-text body.
func requireTokenRefusal(tb testing.TB, resp *http.Response, body []byte) {
	tb.Helper()
	require.Equal(tb, http.StatusUnauthorized, resp.StatusCode, "%s", body)
	assert.Equal(tb, `Token realm="Application"`, resp.Header.Get("WWW-Authenticate"))
	assert.Equal(tb, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(tb, "HTTP Token: Access denied.\n", string(body))
	assert.NotEmpty(tb, resp.Header.Get("X-Request-Id"))
}

// logRecorder is a slog.Handler that hands each record's message and
// attributes to a channel, so a test can wait for a log line.
type logRecorder struct{ lines chan map[string]string }

func newLogRecorder() *logRecorder { return &logRecorder{lines: make(chan map[string]string, 64)} }

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	line := map[string]string{"msg": r.Message}
	r.Attrs(func(a slog.Attr) bool {
		line[a.Key] = a.Value.String()
		return true
	})
	l.lines <- line
	return nil
}

func TestServer_PrintsWithoutSecrets(t *testing.T) {
	srv := startServer(t)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{srv, *srv} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, srv.Token, verb)
			assert.NotContains(t, out, password, verb)
			assert.Contains(t, out, srv.URL, verb)
		}
	}

	// Through encoding/json and slog's handlers, at the top level and
	// nested in another value (where only MarshalJSON is consulted).
	type nested struct{ Srv *loremuptest.Server }
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("fake", "srv", srv, "nested", nested{srv})
	slog.New(slog.NewTextHandler(&logged, nil)).Info("fake", "srv", srv, "value", *srv)
	direct, err := json.Marshal(nested{srv})
	require.NoError(t, err)
	for _, out := range []string{logged.String(), string(direct)} {
		assert.NotContains(t, out, srv.Token)
		assert.Contains(t, out, srv.URL, "what is not secret is still shown")
		assert.Contains(t, out, "[REDACTED]")
	}
}

// whoAmI is a stand-in for an app endpoint: it answers the logged-in
// user's e-mail, or 500 if the server let a request through without one.
func whoAmI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		email, ok := loremuptest.SessionUser(r)
		if !ok {
			http.Error(w, "no session user", http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, email)
	})
}

// withCookie returns the API headers plus the given session cookie.
func withCookie(token string, c *http.Cookie) http.Header {
	h := apiHeader(token)
	if c != nil {
		h.Set("Cookie", c.Name+"="+c.Value)
	}
	return h
}

// httptestRequest is a request that did not come through a Server.
func httptestRequest(t *testing.T) *http.Request {
	t.Helper()
	r, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://127.0.0.1/api/me", nil)
	require.NoError(t, err)
	return r
}

// loginAndCallMe logs in with client (which has a cookie jar) and calls
// /api/me as the user, returning an error instead of failing the test, so
// that it can run off the test goroutine.
func loginAndCallMe(client *http.Client, srv *loremuptest.Server) error {
	for _, step := range []struct {
		method, path, body string
		want               int
	}{
		{http.MethodPost, sessionsPath, loginBody, http.StatusCreated},
		{http.MethodGet, "/api/me", "", http.StatusOK},
	} {
		resp, body, err := roundTrip(client, step.method, srv.URL+step.path, apiHeader(srv.Token), step.body)
		if err != nil {
			return err
		}
		if resp.StatusCode != step.want {
			return fmt.Errorf("%s %s: status %d, want %d: %s", step.method, step.path, resp.StatusCode, step.want, body)
		}
	}
	return nil
}
