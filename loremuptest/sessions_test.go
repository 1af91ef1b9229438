package loremuptest_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

func TestHandle_ServesOnlyALoggedInUser(t *testing.T) {
	srv := startServer(t)
	srv.Handle("GET /api/me", whoAmI())
	me := srv.URL + "/api/me"

	resp, body := send(t, srv.Client(), http.MethodGet, me, apiHeader(srv.Token), "")
	errs := requireErrorDoc(t, resp, body, http.StatusUnauthorized)
	assert.Equal(t, "unauthenticated", errs[0].Code)

	c := login(t, srv)
	resp, body = send(t, srv.Client(), http.MethodGet, me, withCookie(srv.Token, c), "")
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Equal(t, email, string(body))

	resp, body = send(t, srv.Client(), http.MethodDelete, srv.URL+sessionsPath, withCookie(srv.Token, c), logoutBody)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, "%s", body)
	resp, body = send(t, srv.Client(), http.MethodGet, me, withCookie(srv.Token, c), "")
	requireErrorDoc(t, resp, body, http.StatusUnauthorized)
}

// A Rails app checks the API token and Accept in ApplicationController,
// so on every endpoint, before the session: a mounted endpoint does too,
// in that order, and its handler is not called unless all pass.
func TestHandle_ChecksTheTokenThenAcceptThenTheSession(t *testing.T) {
	srv := startServer(t)
	called := 0
	srv.Handle("/api/me", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called++ }))
	c := login(t, srv)
	cookie := "Cookie"
	tests := []struct {
		name     string
		header   http.Header
		wantCode string // "" for Rails' plain-text token refusal
		status   int
	}{
		{"no token, live cookie", http.Header{cookie: {c.Name + "=" + c.Value}, "Accept": {"application/json"}}, "", 401},
		{"wrong token, HTML Accept", http.Header{"Authorization": {"Token token=wrong"}, "Accept": {"text/html"}}, "", 401},
		{"token, HTML Accept, live cookie", http.Header{"Authorization": {"Token token=" + srv.Token}, "Accept": {"text/html"}, cookie: {c.Name + "=" + c.Value}}, "not_acceptable", 406},
		{"token, no Accept", http.Header{"Authorization": {"Token token=" + srv.Token}}, "not_acceptable", 406},
		{"token and Accept, no cookie", apiHeader(srv.Token), "unauthenticated", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := send(t, srv.Client(), http.MethodGet, srv.URL+"/api/me", tt.header, "")
			if tt.wantCode == "" {
				requireTokenRefusal(t, resp, body)
				return
			}
			errs := requireErrorDoc(t, resp, body, tt.status)
			assert.Equal(t, tt.wantCode, errs[0].Code)
		})
	}
	assert.Zero(t, called, "no refused request reaches the handler")
	resp, _ := send(t, srv.Client(), http.MethodGet, srv.URL+"/api/me", withCookie(srv.Token, c), "")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 1, called)
}

func TestHandle_MountsUnderThePathPrefix(t *testing.T) {
	srv := startServer(t, loremuptest.WithPathPrefix("/tenant"))
	srv.Handle("POST /api/projects/{name}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(r.PathValue("name")))
	}))
	c := login(t, srv)
	resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+"/api/projects/apollo", withCookie(srv.Token, c), "{}")
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, "apollo", string(body))
	assert.True(t, strings.HasSuffix(srv.URL, "/tenant"))

	resp, _ = send(t, srv.Client(), http.MethodPost, strings.TrimSuffix(srv.URL, "/tenant")+"/api/projects/apollo", withCookie(srv.Token, c), "{}")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "outside the prefix")
}

func TestHandle_PanicsOnTheSessionsAPI(t *testing.T) {
	srv := startServer(t)
	assert.Panics(t, func() { srv.Handle("/api/sessions", whoAmI()) })
	assert.Panics(t, func() { srv.Handle("DELETE /api/sessions", whoAmI()) })
}

func TestSessionUser_FalseOutsideAMountedHandler(t *testing.T) {
	_, ok := loremuptest.SessionUser(httptestRequest(t))
	assert.False(t, ok)
}

func TestSessions_AreTheCookiesTheServerIssued(t *testing.T) {
	srv := startServer(t, loremuptest.WithUser("Grace@Example.com", "pw2"))
	before := time.Now()
	ada := login(t, srv)
	resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token),
		`{"form_name":"`+createForm+`","form":{"email":"grace@example.com","password":"pw2"}}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	grace := sessionCookie(t, resp)

	got := srv.Sessions()
	require.Len(t, got, 2)
	assert.Equal(t, ada.Value, got[0].ID)
	assert.Equal(t, email, got[0].Email)
	assert.Equal(t, grace.Value, got[1].ID)
	assert.Equal(t, "grace@example.com", got[1].Email, "lower-cased")
	for _, s := range got {
		assert.False(t, s.Created.Before(before.Truncate(time.Second)), s.Created)
		assert.False(t, s.Created.After(time.Now()), s.Created)
	}
	assert.Equal(t, 2, srv.ActiveSessions())
}

func TestExpireSessions_EndsSessionsServerSideAndLoginWorksAgain(t *testing.T) {
	srv := startServer(t, loremuptest.WithUser("grace@example.com", "pw2"))
	srv.Handle("/api/me", whoAmI())
	c := newClient(t, srv, srv.Token)
	ctx := context.Background()

	ada, err := c.Sessions.Create(ctx, createParams(email, password))
	require.NoError(t, err)
	grace, err := c.Sessions.Create(ctx, createParams("grace@example.com", "pw2"))
	require.NoError(t, err)
	assert.Equal(t, ada.Cookies()[0].Value, srv.Sessions()[0].ID, "the SDK keeps the cookie the server issued")

	me := func(sess *loremup.Session) int {
		t.Helper()
		resp, _ := send(t, srv.Client(), http.MethodGet, srv.URL+"/api/me", withCookie(srv.Token, sess.Cookies()[0]), "")
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, me(ada))

	assert.Equal(t, 1, srv.ExpireSessions(strings.ToUpper(email)))
	assert.Equal(t, http.StatusUnauthorized, me(ada))
	assert.Equal(t, http.StatusOK, me(grace), "another user's session is untouched")

	again, err := c.Sessions.Create(ctx, createParams(email, password))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, me(again), "a re-login gets through")

	assert.Equal(t, 2, srv.ExpireSessions())
	assert.Zero(t, srv.ActiveSessions())
	assert.Equal(t, http.StatusUnauthorized, me(grace))
	require.NoError(t, c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: deleteForm, Session: again}),
		"logging out an expired session is still 204")
}

func TestWithCookieRotation_EachAnswerIssuesANewCookie(t *testing.T) {
	srv := startServer(t, loremuptest.WithCookieRotation())
	srv.Handle("/api/me", whoAmI())
	c := login(t, srv)

	for range 3 {
		resp, body := send(t, srv.Client(), http.MethodGet, srv.URL+"/api/me", withCookie(srv.Token, c), "")
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		fresh := sessionCookie(t, resp)
		assert.NotEqual(t, c.Value, fresh.Value)

		resp, body = send(t, srv.Client(), http.MethodGet, srv.URL+"/api/me", withCookie(srv.Token, c), "")
		requireErrorDoc(t, resp, body, http.StatusUnauthorized)
		c = fresh
	}
	require.Len(t, srv.Sessions(), 1)
	assert.Equal(t, c.Value, srv.Sessions()[0].ID)
}

func TestWithCookieRotation_AClientWithACookieJarKeepsUp(t *testing.T) {
	srv := startServer(t, loremuptest.WithCookieRotation())
	srv.Handle("/api/me", whoAmI())
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	client := srv.Client()
	client.Jar = jar

	resp, body := send(t, client, http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	for i := range 5 {
		resp, body := send(t, client, http.MethodGet, srv.URL+"/api/me", apiHeader(srv.Token), "")
		require.Equal(t, http.StatusOK, resp.StatusCode, "call %d: %s", i, body)
	}
}

func TestWithoutCookieRotation_TheCookieStays(t *testing.T) {
	srv := startServer(t)
	srv.Handle("/api/me", whoAmI())
	c := login(t, srv)
	resp, _ := send(t, srv.Client(), http.MethodGet, srv.URL+"/api/me", withCookie(srv.Token, c), "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, resp.Cookies())
}

func TestSessionState_IsSafeUnderConcurrentUse(t *testing.T) {
	const workers, rounds = 16, 5
	srv := startServer(t, loremuptest.WithCookieRotation())
	srv.Handle("/api/me", whoAmI())
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	t.Cleanup(tr.CloseIdleConnections)

	errs := parallel(workers, workers, func(int) error {
		jar, err := cookiejar.New(nil)
		if err != nil {
			return err
		}
		client := &http.Client{Transport: tr, Jar: jar, Timeout: 30 * time.Second}
		for range rounds {
			if err := loginAndCallMe(client, srv); err != nil {
				return err
			}
			_ = srv.Sessions() // read while others write
			srv.ExpireSessions("nobody@example.com")
		}
		return nil
	})
	requireNoErrors(t, errs)
	assert.Equal(t, workers*rounds, srv.ActiveSessions())
	assert.Equal(t, workers*rounds, srv.ExpireSessions(email))
}

func TestReset_KeepsTheStartingUsersAndClearsTheRest(t *testing.T) {
	srv := startServer(t)
	srv.AddUser("grace@example.com", "another-pw")
	login(t, srv)
	srv.Inject(3, loremuptest.Fault{Status: 503})

	srv.Reset()

	assert.Zero(t, srv.ActiveSessions())
	assert.Empty(t, srv.Requests())
	assert.Zero(t, srv.RequestCount())
	login(t, srv) // no fault left, the starting user kept
	assert.False(t, srv.RemoveUser("grace@example.com"), "users added since are forgotten")
}

func TestRemoveUser_AndRecordedRequestsCarryStatusUntilCleared(t *testing.T) {
	srv := startServer(t)
	login(t, srv)
	assert.True(t, srv.RemoveUser(strings.ToUpper(email)))
	resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
	requireErrorDoc(t, resp, body, http.StatusUnauthorized)

	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, []int{http.StatusCreated, http.StatusUnauthorized}, []int{reqs[0].Status, reqs[1].Status}, "the status answered")
	assert.Positive(t, reqs[0].Duration)

	srv.ClearRequests()
	assert.Empty(t, srv.Requests())
	assert.Equal(t, 2, srv.RequestCount(), "the count goes on")
}

func TestPolicies_AreOnByOption(t *testing.T) {
	srv := startServer(t, loremuptest.WithLockout(1), loremuptest.WithLoginRateLimit(3, time.Hour),
		loremuptest.WithSessionIdleTimeout(time.Hour))
	srv.Handle("/api/me", whoAmI())
	wrong := strings.Replace(loginBody, password, "wrong", 1)
	resp, _ := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), wrong)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
	errs := requireErrorDoc(t, resp, body, http.StatusUnauthorized)
	assert.Equal(t, "locked", errs[0].Code)

	srv.Unlock(email)
	c := login(t, srv)
	resp, _ = send(t, srv.Client(), http.MethodGet, srv.URL+"/api/me", withCookie(srv.Token, c), "")
	assert.Equal(t, http.StatusOK, resp.StatusCode, "an hour's idle timeout leaves a fresh session alone")
	resp, body = send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "%s", body)
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
}
