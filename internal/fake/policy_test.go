package fake

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func login(h *Handler, email, password string) *httptest.ResponseRecorder {
	return serve(h, http.MethodPost, h.path,
		`{"form_name":"reference_rest_api_create_sessions","form":{"email":"`+email+`","password":"`+password+`"}}`)
}

func TestLockout_LocksAfterFailuresInARowUntilUnlockOrReset(t *testing.T) {
	h := newTestHandler(t, Config{Policies: Policies{LockAfter: 2}})
	assert.Equal(t, http.StatusUnauthorized, login(h, testEmail, "wrong").Code)
	loginAs(t, h, testEmail, testPassword) // a success ends the row
	for range 2 {
		assert.Contains(t, login(h, testEmail, "wrong").Body.String(), `"invalid_credentials"`)
	}
	locked := login(h, strings.ToUpper(testEmail), testPassword)
	assert.Equal(t, http.StatusUnauthorized, locked.Code)
	assert.Contains(t, locked.Body.String(), `"locked"`, "even with the right password")

	h.Unlock(testEmail)
	loginAs(t, h, testEmail, testPassword)
	for range 2 {
		login(h, testEmail, "wrong")
	}
	h.Reset()
	loginAs(t, h, testEmail, testPassword)
}

func TestLoginRate_ThrottlesLoginsPerAddressNotLogouts(t *testing.T) {
	h := newTestHandler(t, Config{Policies: Policies{LoginRate: 2, LoginPer: time.Minute}})
	clk := newClock(h) // 03:04:05: the window ends in 55s
	loginAs(t, h, testEmail, testPassword)
	assert.Equal(t, http.StatusUnauthorized, login(h, testEmail, "wrong").Code, "failed logins count too")
	over := login(h, testEmail, testPassword)
	require.Equal(t, http.StatusTooManyRequests, over.Code)
	assert.Equal(t, "55", over.Header().Get("Retry-After"))
	assert.Equal(t, "text/plain; charset=utf-8", over.Header().Get("Content-Type"))
	assert.Equal(t, http.StatusNoContent,
		serve(h, http.MethodDelete, h.path, `{"form_name":"reference_rest_api_delete_sessions"}`).Code, "logouts are never throttled")

	clk.advance(55 * time.Second)
	loginAs(t, h, testEmail, testPassword)
}

func TestSessionIdle_EndsUnusedSessionsAndEveryUseRenews(t *testing.T) {
	h := newTestHandler(t, Config{Policies: Policies{SessionIdle: 10 * time.Minute}})
	h.Handle("/api/me", whoAmI())
	clk := newClock(h)
	used, unused := loginAs(t, h, testEmail, testPassword), loginAs(t, h, testEmail, testPassword)
	for range 3 {
		clk.advance(6 * time.Minute)
		assert.Equal(t, http.StatusOK, serve(h, http.MethodGet, "/api/me", "", used).Code, "renewed by each use")
	}
	assert.Equal(t, 1, h.ActiveSessions())
	assert.Equal(t, http.StatusUnauthorized, serve(h, http.MethodGet, "/api/me", "", unused).Code)
	clk.advance(10 * time.Minute)
	assert.Zero(t, h.ActiveSessions())
}
