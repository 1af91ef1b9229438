package fake

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	testToken    = "t0k3n"
	testEmail    = "ada@example.com"
	testPassword = "correct horse"
)

func newTextLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// newTestHandler returns a Handler that knows the test user, with cfg's
// other fields.
func newTestHandler(t *testing.T, cfg Config) *Handler {
	t.Helper()
	cfg.Token = testToken
	cfg.Users = append(cfg.Users, User{Email: testEmail, Password: testPassword})
	h, err := New(cfg)
	require.NoError(t, err)
	t.Cleanup(h.Close)
	return h
}

// serve sends one request straight to the handler, with the API's
// headers and the given cookie values of the session cookie.
func serve(h *Handler, method, path, body string, sessionIDs ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Token token="+testToken)
	r.Header.Set("Accept", "application/vnd.api+json, application/json")
	r.Header.Set("Content-Type", "application/json")
	for _, id := range sessionIDs {
		r.AddCookie(&http.Cookie{Name: CookieName, Value: id})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// loginAs logs email in and returns the session cookie's value.
func loginAs(t *testing.T, h *Handler, email, password string) string {
	t.Helper()
	rec := serve(h, http.MethodPost, h.path,
		`{"form_name":"reference_rest_api_create_sessions","form":{"email":"`+email+`","password":"`+password+`"}}`)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	id, ok := setCookie(rec)
	require.True(t, ok, "login sets the session cookie")
	return id
}

// setCookie returns the value the answer set for the session cookie.
func setCookie(rec *httptest.ResponseRecorder) (string, bool) {
	for _, c := range rec.Result().Cookies() {
		if c.Name == CookieName {
			return c.Value, true
		}
	}
	return "", false
}

// clock is a fake time source for the session store.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(h *Handler) *clock {
	c := &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	h.sessions.now, h.policy.now = c.Now, c.Now
	return c
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// whoAmI is a mounted handler answering the session's user.
func whoAmI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		email, ok := SessionUser(r)
		if !ok {
			http.Error(w, "no user", http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, email)
	})
}
