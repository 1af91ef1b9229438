package readme

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

// TestActingAsTheUser runs the README's Handle snippet: a mounted
// endpoint answers the logged-in user, and 401 once the session expired.
func TestActingAsTheUser(t *testing.T) {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	defer srv.Close()
	srv.Handle("GET /api/me", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		email, _ := loremuptest.SessionUser(r) // who is logged in
		fmt.Fprint(w, email)
	}))

	c, err := loremup.NewClient(srv.URL, srv.Token)
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	sess, err := c.Sessions.Create(context.Background(), loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "correct horse"},
	})
	require.NoError(t, err)

	me := func() (int, string) {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/api/me", nil)
		require.NoError(t, err)
		// A mounted endpoint checks the API token and Accept first, as a
		// Rails app's ApplicationController does.
		req.Header.Set("Authorization", "Token token="+srv.Token)
		req.Header.Set("Accept", "application/vnd.api+json")
		for _, ck := range sess.Cookies() {
			req.AddCookie(ck)
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	status, body := me()
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "ada@example.com", body)

	assert.Equal(t, 1, srv.ExpireSessions())
	status, _ = me()
	assert.Equal(t, http.StatusUnauthorized, status)
}
