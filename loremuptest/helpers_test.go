package loremuptest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

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
	jsonAPI      = "application/vnd.api+json"
)

var (
	loginBody  = `{"form_name":"` + createForm + `","form":{"email":"` + email + `","password":"` + password + `"}}`
	logoutBody = `{"form_name":"` + deleteForm + `"}`
)

// startServer starts a fake knowing one user, closed when the test ends.
func startServer(t testing.TB, opts ...loremuptest.Option) *loremuptest.Server {
	t.Helper()
	srv := loremuptest.NewServer(append([]loremuptest.Option{loremuptest.WithUser(email, password)}, opts...)...)
	t.Cleanup(srv.Close)
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
func send(t testing.TB, client *http.Client, method, url string, h http.Header, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	require.NoError(t, err)
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, data
}

// login logs the test user in with raw HTTP and returns the session cookie.
func login(t testing.TB, srv *loremuptest.Server) *http.Cookie {
	t.Helper()
	resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	return sessionCookie(t, resp)
}

func sessionCookie(t testing.TB, resp *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == loremuptest.SessionCookieName {
			return c
		}
	}
	require.FailNow(t, "no session cookie", "Set-Cookie: %q", resp.Header.Values("Set-Cookie"))
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
func requireErrorDoc(t testing.TB, resp *http.Response, body []byte, status int) []errorObject {
	t.Helper()
	require.Equal(t, status, resp.StatusCode, "%s", body)
	assert.Equal(t, jsonAPI, resp.Header.Get("Content-Type"))
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	var doc struct {
		Errors []errorObject `json:"errors"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&doc), "%s", body)
	require.NotEmpty(t, doc.Errors, "%s", body)
	for _, e := range doc.Errors {
		assert.Equal(t, strconv.Itoa(status), e.Status)
		assert.Equal(t, http.StatusText(status), e.Title)
		assert.NotEmpty(t, e.Code)
		assert.NotEmpty(t, e.Detail)
	}
	return doc.Errors
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
		req, err := http.NewRequestWithContext(context.Background(), step.method, srv.URL+step.path, strings.NewReader(step.body))
		if err != nil {
			return err
		}
		req.Header = apiHeader(srv.Token)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != step.want {
			return fmt.Errorf("%s %s: status %d, want %d", step.method, step.path, resp.StatusCode, step.want)
		}
	}
	return nil
}
