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

func actingApp(t *testing.T) (*loremuptest.Server, *loremup.Client) {
	t.Helper()
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	t.Cleanup(srv.Close)
	srv.Handle("GET /api/me", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		email, _ := loremuptest.SessionUser(r)
		fmt.Fprint(w, email)
	}))
	c, err := loremup.NewClient(srv.URL, srv.Token)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return srv, c
}

func TestActAsUserSnippet(t *testing.T) {
	srv, c := actingApp(t)
	me, err := actAsUser(context.Background(), c, "correct horse")
	require.NoError(t, err)
	assert.Equal(t, "ada@example.com", me)
	assert.Zero(t, srv.ActiveSessions(), "the snippet logged out")
}

func TestReloginSnippet(t *testing.T) {
	srv, c := actingApp(t)
	ctx := context.Background()
	sess, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "correct horse"},
	})
	require.NoError(t, err)
	hc, err := worker(c, sess, "correct horse")
	require.NoError(t, err)
	require.Equal(t, 1, srv.ExpireSessions())

	resp, err := hc.Get(srv.URL + "/api/me")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "logged in again")
	assert.Equal(t, "ada@example.com", string(body))
	require.NoError(t, c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: loremup.ReferenceDeleteFormName, Session: sess}))
	assert.Zero(t, srv.ActiveSessions())
}

// TestQuickstartActingSnippet runs the Quickstart with the "Acting as the
// user" snippet in place: the mounted endpoint is called as the user, who
// is logged out at the end.
func TestQuickstartActingSnippet(t *testing.T) {
	srv, _ := actingApp(t)
	t.Setenv("LOREMUP_BASE_URL", srv.URL)
	t.Setenv("LOREMUP_API_TOKEN", srv.Token)
	t.Setenv("LOREMUP_EMAIL", "ada@example.com")
	t.Setenv("LOREMUP_PASSWORD", "correct horse")

	require.NoError(t, quickstartActing(context.Background()))

	var calls []string
	for _, r := range srv.Requests() {
		calls = append(calls, r.Method+" "+r.Path)
	}
	assert.Equal(t, []string{"POST /api/sessions", "GET /api/me", "DELETE /api/sessions"}, calls)
	assert.NotEmpty(t, srv.Requests()[1].Header.Get("Cookie"), "GET /api/me went as the user")
	assert.Zero(t, srv.ActiveSessions())
}
