package loremup_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What the SDK cannot promise (see the package doc): a login that the
// server carried out but whose answer was lost is sent again, and the
// server ends up holding a session that no Session value names.
func TestRetry_LostLoginAnswerLeavesAnExtraServerSession(t *testing.T) {
	var created atomic.Int64
	api := fakeHandler(t)
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := created.Add(1) // the server logs the user in...
		if n == 1 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close() // ...and the answer is lost
			}
			return
		}
		api.ServeHTTP(w, r)
	})
	c := newLoopbackClient(t, srv.URL)

	sess, err := c.Sessions.Create(context.Background(), createParams())

	require.NoError(t, err, "the retry succeeds")
	assert.Len(t, sess.Cookies(), 1)
	assert.EqualValues(t, 2, created.Load(), "the server started two sessions for one Create")
	assert.EqualValues(t, 2, srv.conns.Load())
}
