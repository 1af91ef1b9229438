package apispec_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/internal/wire"
	"github.com/loremup/loremup-go/loremuptest"
)

// TestFakeServerMatchesSpec drives the SDK against the fake server through
// a ValidatingTransport for every documented answer: neither the SDK's
// requests nor the fake's answers may break the description.
func TestFakeServerMatchesSpec(t *testing.T) {
	createWith := func(form, email, password string) func(context.Context, *loremup.Client) error {
		return func(ctx context.Context, c *loremup.Client) error {
			_, err := c.Sessions.Create(ctx, createParams(form, email, password))
			return err
		}
	}
	deleteWith := func(form string) func(context.Context, *loremup.Client) error {
		return func(ctx context.Context, c *loremup.Client) error {
			return c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: form})
		}
	}
	scenarios := []struct {
		name      string
		badToken  bool
		call      func(context.Context, *loremup.Client) error
		wantErr   error
		exchanges int
	}{
		{name: "201 create", call: createWith(wire.DefaultCreateFormName, testEmail, testPassword), exchanges: 1},
		{name: "204 delete of a session", call: func(ctx context.Context, c *loremup.Client) error {
			sess, err := c.Sessions.Create(ctx, createParams(wire.DefaultCreateFormName, testEmail, testPassword))
			if err != nil {
				return err
			}
			return c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: wire.DefaultDeleteFormName, Session: sess})
		}, exchanges: 2},
		{name: "204 delete of the client's own session", call: func(ctx context.Context, c *loremup.Client) error {
			if _, err := c.Sessions.Create(ctx, createParams(wire.DefaultCreateFormName, testEmail, testPassword)); err != nil {
				return err
			}
			return c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: wire.DefaultDeleteFormName})
		}, exchanges: 2},
		{name: "204 delete without a session", call: deleteWith(wire.DefaultDeleteFormName), exchanges: 1},
		{name: "401 unknown token on create", badToken: true, call: createWith(wire.DefaultCreateFormName, testEmail, testPassword),
			wantErr: loremup.ErrUnauthorized, exchanges: 1},
		{name: "401 unknown token on delete", badToken: true, call: deleteWith(wire.DefaultDeleteFormName),
			wantErr: loremup.ErrUnauthorized, exchanges: 1},
		{name: "401 wrong password", call: createWith(wire.DefaultCreateFormName, testEmail, "wrong-password"),
			wantErr: loremup.ErrUnauthorized, exchanges: 1},
		{name: "401 unknown user", call: createWith(wire.DefaultCreateFormName, "nobody@example.com", testPassword),
			wantErr: loremup.ErrUnauthorized, exchanges: 1},
		{name: "406 unknown form on create", call: createWith("no_such_form", testEmail, testPassword),
			wantErr: loremup.ErrNotAcceptable, exchanges: 1},
		{name: "406 unknown form on delete", call: deleteWith("no_such_form"),
			wantErr: loremup.ErrNotAcceptable, exchanges: 1},
		{name: "422 e-mail not an address", call: createWith(wire.DefaultCreateFormName, "not-an-address", testPassword),
			wantErr: loremup.ErrUnprocessableEntity, exchanges: 1},
	}
	for _, prefix := range []string{"", "/tenant"} {
		for _, sc := range scenarios {
			t.Run("prefix="+prefix+"/"+sc.name, func(t *testing.T) {
				srv := loremuptest.NewServer(loremuptest.WithPathPrefix(prefix))
				t.Cleanup(srv.Close)
				srv.AddUser(testEmail, testPassword)
				token := srv.Token
				if sc.badToken {
					token = "tok_not_the_servers"
				}
				vt := newValidator(t).Transport(srv.Client().Transport)
				c, err := loremup.NewClient(srv.URL, token,
					loremup.WithHTTPClient(&http.Client{Transport: vt}),
					loremup.WithRetryWait(time.Millisecond, 5*time.Millisecond))
				require.NoError(t, err)
				t.Cleanup(c.CloseIdleConnections)

				err = sc.call(context.Background(), c)
				if sc.wantErr == nil {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, sc.wantErr)
				}
				assert.Empty(t, vt.Errors())
				assert.Equal(t, sc.exchanges, vt.Exchanges())
			})
		}
	}
}

// TestFakeServerAnswersBadRequestsPerSpec sends requests the SDK never
// makes: the description calls them invalid, and the fake's answers to
// them must still be the documented error documents.
func TestFakeServerAnswersBadRequestsPerSpec(t *testing.T) {
	v := newValidator(t)
	tests := []struct {
		name       string
		method     string
		edit       func(h http.Header)
		body       string
		wantStatus int
	}{
		{name: "missing Authorization", method: http.MethodPost, edit: func(h http.Header) { h.Del("Authorization") }, body: createBody, wantStatus: 401},
		{name: "Accept admits no JSON", method: http.MethodDelete, edit: func(h http.Header) { h.Set("Accept", "text/html") }, body: deleteBody, wantStatus: 406},
		{name: "body not JSON", method: http.MethodPost, body: "form_name=x", wantStatus: 406},
		{name: "missing form_name", method: http.MethodDelete, body: `{}`, wantStatus: 406},
		{name: "numeric form_name", method: http.MethodPost, body: `{"form_name":1,"form":{"email":"a@b.c","password":"pw"}}`, wantStatus: 406},
		{name: "form not an object", method: http.MethodPost, body: `{"form_name":"reference_rest_api_create_sessions","form":[]}`, wantStatus: 406},
		{name: "blank password", method: http.MethodPost, body: `{"form_name":"reference_rest_api_create_sessions","form":{"email":"a@b.c","password":""}}`, wantStatus: 422},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := loremuptest.NewServer(loremuptest.WithPathPrefix("/tenant"))
			t.Cleanup(srv.Close)
			req, err := http.NewRequest(tc.method, srv.URL+wire.SessionsPath, strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header = http.Header{
				"Authorization": {wire.AuthorizationValue(srv.Token)},
				"Accept":        {wire.Accept},
				"Content-Type":  {wire.MediaTypeJSON},
			}
			if tc.edit != nil {
				tc.edit(req.Header)
			}
			require.Error(t, v.ValidateRequest(req, []byte(tc.body)), "the description must call this request invalid")

			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			assert.Equal(t, tc.wantStatus, resp.StatusCode)
			assert.NoError(t, v.ValidateResponse(req, resp.StatusCode, resp.Header, body))
		})
	}
}
