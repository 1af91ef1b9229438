package loremuptest_test

import (
	"context"
	"errors"
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

func TestSDK_LogsInAndOut(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, srv.Token)
	ctx := context.Background()

	sess, err := c.Sessions.Create(ctx, createParams(email, password))
	require.NoError(t, err)
	require.Equal(t, 1, srv.ActiveSessions())
	cookies := sess.Cookies()
	require.Len(t, cookies, 1)
	assert.Equal(t, loremuptest.SessionCookieName, cookies[0].Name)
	assert.JSONEq(t, `{}`, string(sess.Body()))

	require.NoError(t, c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))
	assert.Zero(t, srv.ActiveSessions())
	require.NoError(t, c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}), "idempotent")

	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "Token token="+srv.Token, reqs[0].Header.Get("Authorization"))
	assert.Equal(t, "application/vnd.api+json, application/json", reqs[0].Header.Get("Accept"))
	assert.Equal(t, "application/json", reqs[0].Header.Get("Content-Type"))
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

func TestSDK_TypedErrors(t *testing.T) {
	srv := startServer(t)
	tests := []struct {
		name     string
		token    string
		params   loremup.CreateSessionParams
		sentinel error
		status   int
		pointer  string
	}{
		{"unknown token", "wrong-token", createParams(email, password), loremup.ErrUnauthorized, 401, ""},
		{"wrong password", "", createParams(email, "nope"), loremup.ErrUnauthorized, 401, ""},
		{"unknown form name", "", loremup.CreateSessionParams{FormName: "nope", Form: loremup.SessionForm{Email: email, Password: password}}, loremup.ErrNotAcceptable, 406, "/form_name"},
		{"e-mail not an address", "", createParams("not-an-address", password), loremup.ErrUnprocessableEntity, 422, "/form/email"},
		{"blank password", "", createParams(email, "   "), loremup.ErrUnprocessableEntity, 422, "/form/password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := tt.token
			if token == "" {
				token = srv.Token
			}
			c := newClient(t, srv, token)
			_, err := c.Sessions.Create(context.Background(), tt.params)
			require.ErrorIs(t, err, tt.sentinel)
			var apiErr *loremup.APIError
			require.True(t, errors.As(err, &apiErr))
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, 1, apiErr.Attempts, "never retried")
			assert.NotEmpty(t, apiErr.RequestID)
			if tt.token != "" {
				// The token refusal is Rails' plain-text answer, not an
				// error document; the SDK's own tests cover reading it.
				return
			}
			require.NotEmpty(t, apiErr.Errors)
			assert.Equal(t, http.StatusText(tt.status), apiErr.Errors[0].Title)
			if tt.pointer != "" {
				require.NotNil(t, apiErr.Errors[0].Source)
				assert.Equal(t, tt.pointer, apiErr.Errors[0].Source.Pointer)
			}
			assert.NotContains(t, err.Error(), tt.params.Form.Password)
		})
	}
	assert.Zero(t, srv.ActiveSessions())
}

func TestSDK_DeleteWithWrongTokenIsUnauthorized(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, "wrong-token")
	err := c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm})
	require.ErrorIs(t, err, loremup.ErrUnauthorized)
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

func TestSDK_DeleteWithoutSessionEndsTheClientsOwnLogin(t *testing.T) {
	srv := startServer(t)
	c := newClient(t, srv, srv.Token)
	ctx := context.Background()

	_, err := c.Sessions.Create(ctx, createParams(email, password))
	require.NoError(t, err)
	require.Equal(t, 1, srv.ActiveSessions())

	require.NoError(t, c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: deleteForm}))
	assert.Zero(t, srv.ActiveSessions())
}
