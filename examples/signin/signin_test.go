package signin_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/examples/signin"
	"github.com/loremup/loremup-go/loremuptest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newService starts a fake LoremUp server with one user and returns the
// application's Service wired to it.
func newService(t *testing.T) (*signin.Service, *loremuptest.Server) {
	t.Helper()
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	t.Cleanup(srv.Close)
	c, err := loremup.NewClient(srv.URL, srv.Token,
		loremup.WithRetryWait(time.Millisecond, 10*time.Millisecond)) // keep retry tests fast
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return signin.New(c), srv
}

func TestSignIn(t *testing.T) {
	tests := []struct {
		name, email, password string
		wantErr               error
		wantMsg               string
	}{
		{"right password", "ada@example.com", "correct horse", nil, ""},
		{"e-mail in other case", "ADA@example.com", "correct horse", nil, ""},
		{"wrong password", "ada@example.com", "wrong", signin.ErrBadCredentials, ""},
		{"unknown user", "bob@example.com", "correct horse", signin.ErrBadCredentials, ""},
		{"not an e-mail", "ada", "correct horse", nil, "email is not a valid address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, srv := newService(t)

			sess, err := svc.SignIn(context.Background(), tt.email, tt.password)

			switch {
			case tt.wantErr != nil:
				require.ErrorIs(t, err, tt.wantErr)
				assert.Zero(t, srv.ActiveSessions())
			case tt.wantMsg != "":
				require.ErrorContains(t, err, tt.wantMsg)
			default:
				require.NoError(t, err)
				assert.Equal(t, 1, srv.ActiveSessions())
				require.NoError(t, svc.SignOut(context.Background(), sess))
				assert.Zero(t, srv.ActiveSessions())
			}
		})
	}
}

func TestSignIn_SurvivesABriefOutage(t *testing.T) {
	svc, srv := newService(t)
	srv.Inject(2, loremuptest.Fault{Status: 503, RetryAfter: "0"})

	_, err := svc.SignIn(context.Background(), "ada@example.com", "correct horse")

	require.NoError(t, err)
	assert.Equal(t, 3, srv.RequestCount(), "two failures, then the login")
	assert.Equal(t, 1, srv.ActiveSessions())
}

func TestSignIn_ReportsALongOutage(t *testing.T) {
	svc, srv := newService(t)
	srv.Inject(10, loremuptest.Fault{Status: 503})

	_, err := svc.SignIn(context.Background(), "ada@example.com", "correct horse")

	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, 4, srv.RequestCount(), "the default 3 retries, then the last answer")
}
