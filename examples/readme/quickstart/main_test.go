package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

func fakeApp(t *testing.T) *loremuptest.Server {
	t.Helper()
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	t.Cleanup(srv.Close)
	t.Setenv("LOREMUP_BASE_URL", srv.URL)
	t.Setenv("LOREMUP_API_TOKEN", srv.Token)
	t.Setenv("LOREMUP_EMAIL", "ada@example.com")
	t.Setenv("LOREMUP_PASSWORD", "correct horse")
	return srv
}

func methods(srv *loremuptest.Server) []string {
	var got []string
	for _, r := range srv.Requests() {
		got = append(got, r.Method)
	}
	return got
}

func TestQuickstart_LogsInAndOut(t *testing.T) {
	srv := fakeApp(t)

	require.NoError(t, run(context.Background()))

	assert.Equal(t, []string{http.MethodPost, http.MethodDelete}, methods(srv))
	assert.Zero(t, srv.ActiveSessions())
}

// A login whose 201 arrived but whose body was cut returns the Session
// with the error (the fault sets the cookie, as the server would): the
// Quickstart still logs it out, and reports the error.
func TestQuickstart_LogsOutALoginWhoseAnswerWasCut(t *testing.T) {
	srv := fakeApp(t)
	srv.Inject(1, loremuptest.Fault{Method: http.MethodPost, DropMidBody: true,
		Header: http.Header{"Set-Cookie": {"_loremup_session=cut; Path=/; HttpOnly"}}})

	err := run(context.Background())

	require.Error(t, err)
	assert.Equal(t, []string{http.MethodPost, http.MethodDelete}, methods(srv), "the cut login was logged out")
}

// Without a base URL or a token the Quickstart fails before any I/O,
// naming the input.
func TestQuickstart_FailsBeforeSendingWithoutAnInput(t *testing.T) {
	for variable, field := range map[string]string{"LOREMUP_BASE_URL": "baseURL", "LOREMUP_API_TOKEN": "apiToken"} {
		t.Run(variable, func(t *testing.T) {
			srv := fakeApp(t)
			t.Setenv(variable, "")

			err := run(context.Background())

			var ve *loremup.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, field, ve.Field)
			assert.Empty(t, srv.Requests())
		})
	}
}
