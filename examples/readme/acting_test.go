package readme

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
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

func TestKeepSessionSnippet(t *testing.T) {
	srv, c := actingApp(t)
	ctx := context.Background()
	sess, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "correct horse"},
	})
	require.NoError(t, err)
	restored, err := keepSession(sess, filepath.Join(t.TempDir(), "ada.session"))
	require.NoError(t, err)
	assert.Equal(t, sess.Cookies(), restored.Cookies())
	assert.Equal(t, srv.URL, restored.BaseURL())
	require.NoError(t, c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: loremup.ReferenceDeleteFormName, Session: restored}))
	assert.Zero(t, srv.ActiveSessions())
}
