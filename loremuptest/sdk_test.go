package loremuptest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

// These tests drive the SDK against the fake where the fake's own tools
// matter: what it recorded, its injected faults, its counters. The
// scenarios every server must pass (login, logout, the typed errors) run
// in conformance/internal/contracttest, against the fake and a real server alike.

func TestSDK_RequestsShowWhatTheSDKSent(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, srv.Token)
	ctx := context.Background()

	sess, err := c.Sessions.Create(ctx, createParams(email, password))
	require.NoError(t, err)
	cookies := sess.Cookies()
	require.Len(t, cookies, 1)
	assert.Equal(t, loremuptest.SessionCookieName, cookies[0].Name)
	require.Len(t, srv.Sessions(), 1)
	assert.Equal(t, srv.Sessions()[0].ID, cookies[0].Value, "the Session holds the cookie the server issued")
	require.NoError(t, c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))

	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "Token token="+srv.Token, reqs[0].Header.Get("Authorization"))
	assert.Equal(t, "application/vnd.api+json, application/json", reqs[0].Header.Get("Accept"))
	assert.Equal(t, "application/json", reqs[0].Header.Get("Content-Type"))
	assert.JSONEq(t, `{"form_name":"`+createForm+`","form":{"email":"`+email+`","password":"`+password+`"}}`, string(reqs[0].Body))
	assert.Equal(t, http.MethodDelete, reqs[1].Method)
	assert.Equal(t, cookies[0].Name+"="+cookies[0].Value, reqs[1].Header.Get("Cookie"))
}
func TestSDK_HoldsManyUsersSessionsAtOnce(t *testing.T) {
	srv := startServer(t, loremuptest.WithUser("grace@example.com", "pw2"))
	c := newClient(t, srv, srv.Token)
	ctx := context.Background()

	ada, err := c.Sessions.Create(ctx, createParams(email, password))
	require.NoError(t, err)
	grace, err := c.Sessions.Create(ctx, createParams("grace@example.com", "pw2"))
	require.NoError(t, err)
	require.Equal(t, 2, srv.ActiveSessions())

	require.NoError(t, c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: deleteForm, Session: ada}))
	assert.Equal(t, 1, srv.ActiveSessions())
	require.NoError(t, c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: deleteForm, Session: grace}))
	assert.Zero(t, srv.ActiveSessions())
}

func TestSDK_RetriesAfterInjected503s(t *testing.T) {
	srv := startServer(t)
	srv.Inject(2, loremuptest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "0"})
	c := newClient(t, srv, srv.Token)

	_, err := c.Sessions.Create(context.Background(), createParams(email, password))
	require.NoError(t, err)
	assert.Equal(t, 3, srv.RequestCount())
	assert.Equal(t, 1, srv.ActiveSessions())
}

func TestSDK_ReturnsTheLastAnswerWhenRetriesRunOut(t *testing.T) {
	srv := startServer(t)
	srv.Inject(10, loremuptest.Fault{Status: http.StatusServiceUnavailable})
	c := newClient(t, srv, srv.Token, loremup.WithMaxRetries(2))

	_, err := c.Sessions.Create(context.Background(), createParams(email, password))
	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
	assert.Equal(t, 3, apiErr.Attempts)
	assert.Equal(t, 3, srv.RequestCount())
	require.NotEmpty(t, apiErr.Errors)
	assert.Equal(t, "503", apiErr.Errors[0].Status)
}

func TestSDK_RetriesADroppedConnection(t *testing.T) {
	srv := startServer(t)
	srv.Inject(1, loremuptest.Fault{Drop: true})
	c := newClient(t, srv, srv.Token)

	_, err := c.Sessions.Create(context.Background(), createParams(email, password))
	require.NoError(t, err)
	assert.Equal(t, 2, srv.RequestCount())
	assert.Equal(t, 1, srv.ActiveSessions())
}

func TestSDK_WorksUnderAPathPrefix(t *testing.T) {
	srv := startServer(t, loremuptest.WithPathPrefix("/tenant"))
	c := newClient(t, srv, srv.Token)
	_, err := c.Sessions.Create(context.Background(), createParams(email, password))
	require.NoError(t, err)
	assert.Equal(t, "/tenant/api/sessions", srv.Requests()[0].Path)
}

func TestSDK_ReusesOneConnectionAcrossSuccessesAndErrors(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, srv.Token)
	ctx := context.Background()
	for i := range 20 {
		p := createParams(email, password)
		if i%2 == 1 {
			p.Form.Email = "not-an-address"
		}
		_, _ = c.Sessions.Create(ctx, p)
	}
	assert.Equal(t, 20, srv.RequestCount())
	assert.Equal(t, 1, srv.ConnectionCount())
}
