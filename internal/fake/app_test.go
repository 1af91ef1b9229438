package fake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/internal/wire"
)

func TestHandle_ServesOnlyWithALiveSession(t *testing.T) {
	h := newTestHandler(t, Config{})
	h.Handle("GET /api/me", whoAmI())
	id := loginAs(t, h, "ADA@example.com", testPassword)

	rec := serve(h, http.MethodGet, "/api/me", "", id)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, testEmail, rec.Body.String(), "the handler learns the user, lower-cased")

	for name, ids := range map[string][]string{
		"no cookie":      nil,
		"unknown cookie": {"0123456789abcdef"},
		"empty cookie":   {""},
	} {
		t.Run(name, func(t *testing.T) {
			rec := serve(h, http.MethodGet, "/api/me", "", ids...)
			require.Equal(t, http.StatusUnauthorized, rec.Code)
			assert.True(t, strings.HasPrefix(rec.Header().Get("Content-Type"), wire.MediaTypeJSONAPI))
			var doc struct {
				Errors []struct{ Status, Code string }
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
			require.Len(t, doc.Errors, 1)
			assert.Equal(t, "401", doc.Errors[0].Status)
			assert.Equal(t, "unauthenticated", doc.Errors[0].Code)
		})
	}

	rec = serve(h, http.MethodDelete, h.path, `{"form_name":"reference_rest_api_delete_sessions"}`, id)
	require.Equal(t, http.StatusNoContent, rec.Code)
	assert.Equal(t, http.StatusUnauthorized, serve(h, http.MethodGet, "/api/me", "", id).Code, "logged out")
}

func TestHandle_TheHandlerIsNotCalledWithoutASession(t *testing.T) {
	h := newTestHandler(t, Config{})
	called := false
	h.Handle("/api/items", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
	assert.Equal(t, http.StatusUnauthorized, serve(h, http.MethodPost, "/api/items", `{}`).Code)
	assert.False(t, called)
}

func TestHandle_RoutesUnderThePrefixWithMethodsAndWildcards(t *testing.T) {
	h := newTestHandler(t, Config{PathPrefix: "/tenant"})
	var gotBody, gotID string
	h.Handle("PUT /api/items/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody, gotID = string(b), r.PathValue("id")
		w.WriteHeader(http.StatusAccepted)
	}))
	id := loginAs(t, h, testEmail, testPassword)

	rec := serve(h, http.MethodPut, "/tenant/api/items/42", `{"name":"x"}`, id)
	assert.Equal(t, http.StatusAccepted, rec.Code)
	assert.JSONEq(t, `{"name":"x"}`, gotBody, "the body reaches the handler")
	assert.Equal(t, "42", gotID)

	assert.Equal(t, http.StatusNotFound, serve(h, http.MethodPut, "/api/items/42", `{}`, id).Code, "outside the prefix")
	assert.Equal(t, http.StatusNotFound, serve(h, http.MethodGet, "/tenant/api/items/42", ``, id).Code, "another method: no route, as in Rails")
	assert.Equal(t, http.StatusNotFound, serve(h, http.MethodGet, "/tenant/api/other", ``, id).Code)
}

func TestHandle_ABodyOverTheCapIs413(t *testing.T) {
	h := newTestHandler(t, Config{MaxBodyBytes: 8})
	h.Handle("/api/items", whoAmI())
	id := h.sessions.start(testEmail) // the body cap is too small for a login
	assert.Equal(t, http.StatusRequestEntityTooLarge, serve(h, http.MethodPost, "/api/items", strings.Repeat("x", 9), id).Code)
}

func TestHandle_PanicsOnPatternsItCannotServe(t *testing.T) {
	h := newTestHandler(t, Config{PathPrefix: "/tenant"})
	for _, pattern := range []string{"/api/sessions", "POST /api/sessions", "example.com/api/me", "api/me", ""} {
		assert.Panics(t, func() { h.Handle(pattern, whoAmI()) }, pattern)
	}
	h.Handle("/api/me", whoAmI())
	assert.Panics(t, func() { h.Handle("/api/me", whoAmI()) }, "a second handler for the same pattern")
}

func TestHandle_TheSessionsAPIStaysTheFakesOwn(t *testing.T) {
	h := newTestHandler(t, Config{})
	h.Handle("/", whoAmI())
	id := loginAs(t, h, testEmail, testPassword) // still the fake's login
	rec := serve(h, http.MethodGet, "/anything", "", id)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, http.StatusNotFound, serve(h, http.MethodGet, h.path, "", id).Code, "no route, and not the mounted handler")
}

func TestRotateCookies_EachAnswerSetsANewValueAndTheOldStopsWorking(t *testing.T) {
	h := newTestHandler(t, Config{RotateCookies: true})
	h.Handle("/api/me", whoAmI())
	clk := newClock(h)
	id := loginAs(t, h, testEmail, testPassword)
	created := h.Sessions()[0].Created
	clk.advance(1)

	seen := map[string]bool{id: true}
	for range 3 {
		rec := serve(h, http.MethodGet, "/api/me", "", id)
		require.Equal(t, http.StatusOK, rec.Code)
		fresh, ok := setCookie(rec)
		require.True(t, ok, "the answer rotates the cookie")
		assert.False(t, seen[fresh], "a new value each time")
		assert.Equal(t, http.StatusUnauthorized, serve(h, http.MethodGet, "/api/me", "", id).Code, "the old value stops working")
		seen[fresh] = true
		id = fresh
	}
	require.Len(t, h.Sessions(), 1, "still one session")
	assert.Equal(t, id, h.Sessions()[0].ID)
	assert.Equal(t, created, h.Sessions()[0].Created, "rotation keeps the session's age")

	rec := serve(h, http.MethodGet, "/api/me", "")
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	_, ok := setCookie(rec)
	assert.False(t, ok, "no cookie is set without a live session")

	rec = serve(h, http.MethodDelete, h.path, `{"form_name":"reference_rest_api_delete_sessions"}`, id)
	require.Equal(t, http.StatusNoContent, rec.Code)
	assert.Zero(t, h.ActiveSessions(), "logout ends the rotated session")
}

func TestRotateCookies_OffByDefault(t *testing.T) {
	h := newTestHandler(t, Config{})
	h.Handle("/api/me", whoAmI())
	id := loginAs(t, h, testEmail, testPassword)
	for range 2 {
		rec := serve(h, http.MethodGet, "/api/me", "", id)
		require.Equal(t, http.StatusOK, rec.Code)
		_, ok := setCookie(rec)
		assert.False(t, ok)
	}
}

func TestMeHandler_AnswersTheUserAsJSON(t *testing.T) {
	h := newTestHandler(t, Config{})
	h.Handle("GET /api/me", MeHandler())
	id := loginAs(t, h, testEmail, testPassword)
	rec := serve(h, http.MethodGet, "/api/me", "", id)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.JSONEq(t, `{"email":"ada@example.com"}`, rec.Body.String())
}

func TestHandle_LogsTheMountedHandlersStatus(t *testing.T) {
	var logs strings.Builder
	h := newTestHandler(t, Config{Logger: newTextLogger(&logs)})
	h.Handle("/api/teapot", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	id := loginAs(t, h, testEmail, testPassword)
	serve(h, http.MethodGet, "/api/teapot", "", id)
	assert.Contains(t, logs.String(), "status=418")
	assert.NotContains(t, logs.String(), id)
}

// Of concurrent requests with the same cookie under rotation, exactly one
// is served, as the loremuptest docs promise: the first holds the mounted
// handler until all the others have been answered.
func TestRotateCookies_ConcurrentRequestsWithOneCookieServeOne(t *testing.T) {
	h := newTestHandler(t, Config{RotateCookies: true})
	entered, release := make(chan struct{}, 8), make(chan struct{})
	h.Handle("/api/me", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		entered <- struct{}{}
		<-release
	}))
	id := loginAs(t, h, testEmail, testPassword)

	const n = 8
	codes := make(chan int, n)
	for range n {
		go func() { codes <- serve(h, http.MethodGet, "/api/me", "", id).Code }()
	}
	<-entered
	defer close(release)
	for range n - 1 {
		select {
		case code := <-codes:
			assert.Equal(t, http.StatusUnauthorized, code)
		case <-entered:
			t.Fatal("a second request with the same cookie reached the handler")
		}
	}
	release <- struct{}{}
	assert.Equal(t, http.StatusOK, <-codes)
}
