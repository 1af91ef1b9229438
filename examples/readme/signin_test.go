package readme

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

func TestSignIn(t *testing.T) {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	defer srv.Close()
	srv.Inject(2, loremuptest.Fault{Status: 503, RetryAfter: "0"}) // a brief outage

	c, err := loremup.NewClient(srv.URL, srv.Token)
	require.NoError(t, err)
	sess, err := c.Sessions.Create(context.Background(), loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "correct horse"},
	})
	require.NoError(t, err)
	assert.NotEmpty(t, sess.Cookies())
	assert.Equal(t, 1, srv.ActiveSessions())
	assert.Equal(t, 3, srv.RequestCount())
}
