package fake

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNew_RefusesNegativeSessionBounds(t *testing.T) {
	for _, cfg := range []Config{
		{Token: "t", SessionLifetime: -time.Second},
		{Token: "t", MaxSessions: -1},
	} {
		_, err := New(cfg)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "must not be negative")
	}
}

func TestSessions_EndWhenTheirLifetimeIsOver(t *testing.T) {
	h := newTestHandler(t, Config{SessionLifetime: time.Hour})
	h.Handle("/api/me", whoAmI())
	clk := newClock(h)

	first := loginAs(t, h, testEmail, testPassword)
	clk.advance(30 * time.Minute)
	second := loginAs(t, h, testEmail, testPassword)
	require.Equal(t, 2, h.ActiveSessions())

	clk.advance(30 * time.Minute) // first is an hour old: over
	assert.Equal(t, 1, h.ActiveSessions())
	assert.Equal(t, http.StatusUnauthorized, serve(h, http.MethodGet, "/api/me", "", first).Code)
	assert.Equal(t, http.StatusOK, serve(h, http.MethodGet, "/api/me", "", second).Code)

	clk.advance(30 * time.Minute)
	assert.Zero(t, h.ActiveSessions())
	assert.Empty(t, h.Sessions())
	assert.Equal(t, http.StatusUnauthorized, serve(h, http.MethodGet, "/api/me", "", second).Code)
}

func TestSessions_DefaultLifetimeIsADay(t *testing.T) {
	h := newTestHandler(t, Config{})
	clk := newClock(h)
	loginAs(t, h, testEmail, testPassword)
	clk.advance(DefaultSessionLifetime - time.Second)
	assert.Equal(t, 1, h.ActiveSessions())
	clk.advance(time.Second)
	assert.Zero(t, h.ActiveSessions())
}

func TestSessions_AtTheBoundANewLoginEndsTheOldest(t *testing.T) {
	const maxSessions = 3
	h := newTestHandler(t, Config{MaxSessions: maxSessions})
	h.Handle("/api/me", whoAmI())
	var ids []string
	for range 5 {
		ids = append(ids, loginAs(t, h, testEmail, testPassword))
	}
	assert.Equal(t, maxSessions, h.ActiveSessions())
	var live []string
	for _, s := range h.Sessions() {
		live = append(live, s.ID)
	}
	assert.Equal(t, ids[2:], live, "the two oldest were ended, the rest kept in login order")
	assert.Equal(t, http.StatusUnauthorized, serve(h, http.MethodGet, "/api/me", "", ids[0]).Code)
	assert.Equal(t, http.StatusOK, serve(h, http.MethodGet, "/api/me", "", ids[4]).Code)
}

func TestSessions_DefaultBoundKeepsMemoryFlat(t *testing.T) {
	h := newTestHandler(t, Config{})
	for range DefaultMaxSessions + 10 {
		h.sessions.start(testEmail)
	}
	assert.Equal(t, DefaultMaxSessions, h.ActiveSessions())
	assert.Len(t, h.sessions.byID, DefaultMaxSessions)
}

func TestSessions_ListsLiveSessionsOldestFirst(t *testing.T) {
	h := newTestHandler(t, Config{Users: []User{{Email: "Grace@Example.com", Password: "pw2"}}})
	clk := newClock(h)
	ada := loginAs(t, h, testEmail, testPassword)
	clk.advance(time.Minute)
	grace := loginAs(t, h, "GRACE@example.com", "pw2")

	got := h.Sessions()
	require.Len(t, got, 2)
	assert.Equal(t, Session{ID: ada, Email: testEmail, Created: clk.Now().Add(-time.Minute)}, got[0])
	assert.Equal(t, Session{ID: grace, Email: "grace@example.com", Created: clk.Now()}, got[1])

	rec := serve(h, http.MethodDelete, h.path, `{"form_name":"reference_rest_api_delete_sessions"}`, ada)
	require.Equal(t, http.StatusNoContent, rec.Code)
	got = h.Sessions()
	require.Len(t, got, 1)
	assert.Equal(t, grace, got[0].ID)
}

func TestExpireSessions_EndsOneUsersOrAll(t *testing.T) {
	h := newTestHandler(t, Config{Users: []User{{Email: "grace@example.com", Password: "pw2"}}})
	h.Handle("/api/me", whoAmI())
	ada1 := loginAs(t, h, testEmail, testPassword)
	loginAs(t, h, testEmail, testPassword)
	grace := loginAs(t, h, "grace@example.com", "pw2")

	assert.Zero(t, h.ExpireSessions("nobody@example.com"))
	assert.Equal(t, 2, h.ExpireSessions("ADA@example.com"), "e-mails match case-insensitively")
	assert.Equal(t, 1, h.ActiveSessions())
	assert.Equal(t, http.StatusUnauthorized, serve(h, http.MethodGet, "/api/me", "", ada1).Code)
	assert.Equal(t, http.StatusOK, serve(h, http.MethodGet, "/api/me", "", grace).Code)

	loginAs(t, h, testEmail, testPassword)
	assert.Equal(t, 2, h.ExpireSessions(), "no e-mail: all")
	assert.Zero(t, h.ActiveSessions())
	assert.Equal(t, http.StatusUnauthorized, serve(h, http.MethodGet, "/api/me", "", grace).Code)

	rec := serve(h, http.MethodDelete, h.path, `{"form_name":"reference_rest_api_delete_sessions"}`, grace)
	assert.Equal(t, http.StatusNoContent, rec.Code, "logging out an expired session is still 204")
}
