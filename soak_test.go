package loremup_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/internal/secrettest"
	"github.com/loremup/loremup-go/loremuptest"
)

// TestSoak: many users logging in and out through one shared Client
// while the server fails 5% of requests. Bounded in count, not in time:
// 200 users x 50 rounds by default, 40 x 10 with -short or -race. The run
// is done in two halves; the heap after the second is weighed against the
// heap after the first, when pools and the fake's request record are warm,
// so a per-call leak shows as growth.
func TestSoak_SharedClientUnderFivePercentFailures(t *testing.T) {
	users, rounds := 200, 50
	if testing.Short() || raceEnabled {
		users, rounds = 40, 10
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	srv := loremuptest.NewServer()
	defer srv.Close()
	passwords := make([]string, users)
	for i := range passwords {
		passwords[i] = testPassword + strconv.Itoa(i)
		srv.AddUser(email(i), passwords[i])
	}
	guard := secrettest.New(t, append([]string{srv.Token}, passwords...)...)
	// With 5% of attempts failing at random, a call with the default 3
	// retries fails when 4 attempts in a row do: 0.05^4 x 20,000 calls
	// gives a failure in one run of eight. 8 retries make it 0.05^9.
	//
	// The default retry budget holds 10 retries before answers refill
	// it, and with 200 users about 10 failed attempts are in flight at
	// any moment. On a loaded machine the fake's 503s (answered without
	// its session store) can come back in a run with no success between
	// them to refill the bucket (8 in 4 ms was seen), and an eleventh
	// retry is refused. So the budget here has room for one retry per
	// user in flight, at the default cost and refund: over the full run
	// retries spend five times that, so the refunds from successes are
	// still what keeps it going.
	budget := loremup.DefaultRetryBudget()
	budget.Capacity = users * budget.RetryCost
	c, err := loremup.NewClient(srv.URL, srv.Token,
		loremup.WithMaxRetries(8),
		loremup.WithRetryBudget(budget),
		loremup.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		loremup.WithLogger(guard.Logger()))
	require.NoError(t, err)
	srv.InjectEvery(20, loremuptest.Fault{Status: 503}) // 5% of requests

	var failures atomic.Int64
	half := func() {
		var wg sync.WaitGroup
		for i := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range rounds / 2 {
					sess, err := c.Sessions.Create(context.Background(), loremup.CreateSessionParams{
						FormName: createForm,
						Form:     loremup.SessionForm{Email: email(i), Password: passwords[i]},
					})
					if err == nil {
						guard.Check(sess)
						err = c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess})
					}
					if err != nil {
						failures.Add(1)
						t.Log("call failed:", err)
						guard.Check(err)
					}
				}
			}()
		}
		wg.Wait()
	}
	half()
	heapWarm := heapInUse()
	half()
	heapAfter := heapInUse()
	c.CloseIdleConnections()

	calls := 2 * users * rounds
	assert.Zero(t, failures.Load(), "no failure reaches the caller")
	assert.Zero(t, srv.ActiveSessions(), "every login was logged out")
	assert.GreaterOrEqual(t, srv.RequestCount(), calls+calls/20-1, "the faults did happen and were retried")
	assert.LessOrEqual(t, srv.ConnectionCount(), 2*users, "connections are reused")
	assert.Less(t, heapAfter, heapWarm+4<<20, "heap grew from %d to %d bytes", heapWarm, heapAfter)
	renderings, logBytes := guard.Scanned()
	assert.Positive(t, renderings)
	assert.Positive(t, logBytes)
}
