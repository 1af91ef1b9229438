package loremuptest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

// These tests drive the SDK against the fake: the two were written from
// the same contract, so they must agree.

var fastRetries = loremup.WithRetryWait(time.Millisecond, 5*time.Millisecond)

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
