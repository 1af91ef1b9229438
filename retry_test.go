package loremup_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
)

func TestRetry_RetryableFailuresThenSuccess(t *testing.T) {
	connErr := func(*http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	tests := []struct {
		name  string
		first httpmock.Responder
	}{
		{"429", status(429)},
		{"502", status(502)},
		{"503", status(503)},
		{"504", status(504)},
		{"connection error", connErr},
		{"connection reset", httpmock.NewErrorResponder(io.ErrUnexpectedEOF)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mockClient(t)
			var bodies []string
			answers := tt.first.Then(tt.first).Then(loginOK("v"))
			mt.RegisterResponder(http.MethodPost, sessionsURL, func(r *http.Request) (*http.Response, error) {
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b))
				return answers(r)
			})

			sess, err := c.Sessions.Create(context.Background(), createParams())

			require.NoError(t, err)
			assert.Equal(t, "v", sess.Cookies()[0].Value)
			require.Len(t, bodies, 3)
			assert.Equal(t, bodies[0], bodies[1], "the body is sent whole on every attempt")
			assert.Equal(t, bodies[0], bodies[2])
			assert.Contains(t, bodies[2], testPassword)
		})
	}
}

func TestRetry_NonRetryableAnswersAreSentOnce(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 405, 406, 409, 422, 500, 501, 505} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			c, mt := mockClient(t)
			mt.RegisterResponder(http.MethodPost, sessionsURL, status(code))
			mt.RegisterResponder(http.MethodDelete, sessionsURL, status(code))

			_, err := c.Sessions.Create(context.Background(), createParams())
			require.Error(t, err)
			err = c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm})
			require.Error(t, err)

			assert.Equal(t, 2, mt.GetTotalCallCount())
			var apiErr *loremup.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 1, apiErr.Attempts)
		})
	}
}

func TestRetry_MaxRetriesZeroSendsOnce(t *testing.T) {
	c, mt := mockClient(t, loremup.WithMaxRetries(0))
	mt.RegisterResponder(http.MethodPost, sessionsURL, status(503))
	_, err := c.Sessions.Create(context.Background(), createParams())
	require.ErrorContains(t, err, "503")
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestRetry_DefaultIsThreeRetries(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, status(503))
	_, err := c.Sessions.Create(context.Background(), createParams())
	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 4, mt.GetTotalCallCount())
	assert.Equal(t, 4, apiErr.Attempts)
}

func TestRetry_ConnectionErrorsRunOutAsWrappedError(t *testing.T) {
	c, mt := mockClient(t, loremup.WithMaxRetries(2))
	mt.RegisterResponder(http.MethodPost, sessionsURL, httpmock.NewErrorResponder(io.ErrUnexpectedEOF))

	_, err := c.Sessions.Create(context.Background(), createParams())

	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, 3, mt.GetTotalCallCount())
	assert.Contains(t, err.Error(), "after 3 attempts")
	assert.NotContains(t, err.Error(), testToken)
}

func TestRetry_RetryAfterSecondsIsHonoured(t *testing.T) {
	c, mt := mockClient(t, loremup.WithRetryWait(time.Millisecond, 10*time.Second))
	mt.RegisterResponder(http.MethodPost, sessionsURL, retryAfter(429, "1").Then(loginOK("v")))

	start := time.Now()
	_, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), time.Second)
}

func TestRetry_RetryAfterIsCappedByMaxWait(t *testing.T) {
	tests := []struct{ name, value string }{
		{"huge seconds", "999999999"},
		{"overflowing seconds", "99999999999999999999999999"},
		{"far HTTP date", time.Now().Add(100 * 24 * time.Hour).UTC().Format(http.TimeFormat)},
		{"negative", "-5"},
		{"garbage", "soon-ish"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mockClient(t, loremup.WithRetryWait(time.Millisecond, 20*time.Millisecond))
			mt.RegisterResponder(http.MethodPost, sessionsURL, retryAfter(503, tt.value).Then(loginOK("v")))

			ctx := ctxTimeout(t, 5*time.Second)
			_, err := c.Sessions.Create(ctx, createParams())

			require.NoError(t, err, "one header must not park the caller past the max wait")
			assert.Equal(t, 2, mt.GetTotalCallCount())
		})
	}
}

func TestRetry_ContextEndsBackoffWait(t *testing.T) {
	c, mt := mockClient(t, loremup.WithRetryWait(time.Hour, time.Hour))
	mt.RegisterResponder(http.MethodPost, sessionsURL, retryAfter(503, "3600"))

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Sessions.Create(ctx, createParams())

	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestRetry_ContextCancelEndsCall(t *testing.T) {
	c, mt := mockClient(t, loremup.WithRetryWait(time.Hour, time.Hour))
	mt.RegisterResponder(http.MethodDelete, sessionsURL, status(503))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: deleteForm})

	require.ErrorIs(t, err, context.Canceled)
}

func TestRetry_ContextDeadlineEndsHungRequest(t *testing.T) {
	release := make(chan struct{})
	srv := newCountingServer(t, func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	c := newLoopbackClient(t, srv.URL)

	ctx := ctxTimeout(t, 100*time.Millisecond)
	_, err := c.Sessions.Create(ctx, createParams())

	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.EqualValues(t, 1, srv.requests.Load(), "the caller's deadline is not retried")
}

func TestRetryBudget_FailingServerCannotMultiplyCalls(t *testing.T) {
	c, mt := mockClient(t, loremup.WithRetryWait(0, 0))
	mt.RegisterResponder(http.MethodPost, sessionsURL, status(503))

	const calls = 1000
	var last error
	for range calls {
		_, last = c.Sessions.Create(context.Background(), createParams())
		require.Error(t, last)
	}

	attempts := mt.GetTotalCallCount()
	assert.Less(t, attempts, 2*calls, "retries must not multiply an outage")
	assert.GreaterOrEqual(t, attempts, calls+1, "some retries happen before the budget is spent")
	require.ErrorIs(t, last, loremup.ErrRetryBudgetExhausted)
	var apiErr *loremup.APIError
	require.ErrorAs(t, last, &apiErr, "a call denied a retry returns the answer it got")
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, 1, apiErr.Attempts)
	assert.True(t, apiErr.RetryBudgetExhausted)
	assert.Contains(t, last.Error(), "retry budget")
}

func TestRetryBudget_ConnectionErrorsDeniedSayBudget(t *testing.T) {
	c, mt := mockClient(t, loremup.WithRetryWait(0, 0),
		loremup.WithRetryBudget(loremup.RetryBudget{Capacity: 1, RetryCost: 1}))
	mt.RegisterResponder(http.MethodPost, sessionsURL, httpmock.NewErrorResponder(io.ErrUnexpectedEOF))

	_, err := c.Sessions.Create(context.Background(), createParams())

	require.ErrorIs(t, err, loremup.ErrRetryBudgetExhausted)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, 2, mt.GetTotalCallCount(), "one retry was in the budget")
}

func TestRetryBudget_SuccessesRefill(t *testing.T) {
	c, mt := mockClient(t, loremup.WithRetryWait(0, 0), loremup.WithMaxRetries(1),
		loremup.WithRetryBudget(loremup.RetryBudget{Capacity: 2, RetryCost: 2, SuccessRefund: 1}))
	fail := true
	var mu sync.Mutex
	mt.RegisterResponder(http.MethodPost, sessionsURL, func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return status(503)(r)
		}
		return loginOK("v")(r)
	})

	_, err := c.Sessions.Create(context.Background(), createParams()) // spends the budget
	require.Error(t, err)
	_, err = c.Sessions.Create(context.Background(), createParams()) // denied
	require.ErrorIs(t, err, loremup.ErrRetryBudgetExhausted)
	assert.Equal(t, 3, mt.GetTotalCallCount())

	mu.Lock()
	fail = false
	mu.Unlock()
	for range 2 {
		_, err = c.Sessions.Create(context.Background(), createParams())
		require.NoError(t, err)
	}
	mu.Lock()
	fail = true
	mu.Unlock()
	_, err = c.Sessions.Create(context.Background(), createParams())
	require.Error(t, err)
	require.NotErrorIs(t, err, loremup.ErrRetryBudgetExhausted, "two successes refilled one retry")
	assert.Equal(t, 7, mt.GetTotalCallCount())
}

func TestRetryBudget_OffAllowsEveryRetry(t *testing.T) {
	c, mt := mockClient(t, loremup.WithRetryWait(0, 0), loremup.WithRetryBudget(loremup.RetryBudget{}))
	mt.RegisterResponder(http.MethodPost, sessionsURL, status(503))
	for range 50 {
		_, err := c.Sessions.Create(context.Background(), createParams())
		require.NotErrorIs(t, err, loremup.ErrRetryBudgetExhausted)
	}
	assert.Equal(t, 200, mt.GetTotalCallCount())
}

func TestRetry_PerAttemptTimeoutIsRetried(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := newCountingServer(t, func(_ http.ResponseWriter, r *http.Request) {
		select { // never answers until the test ends
		case <-r.Context().Done():
		case <-release:
		}
	})
	hc := &http.Client{Timeout: 30 * time.Millisecond}
	c := newLoopbackClient(t, srv.URL, loremup.WithHTTPClient(hc), loremup.WithMaxRetries(2))

	start := time.Now()
	_, err := c.Sessions.Create(context.Background(), createParams())

	require.Error(t, err)
	assert.Contains(t, err.Error(), "attempt timed out after 30ms")
	assert.Contains(t, err.Error(), "after 3 attempts", "a timed-out attempt is retried")
	// Under load an attempt may time out before its request reaches the
	// handler, so the server may have seen fewer.
	assert.LessOrEqual(t, srv.requests.Load(), int64(3))
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, 30*time.Millisecond, hc.Timeout, "the caller's client is not changed")
}

func TestRetry_PerAttemptTimeoutBoundsASlowBody(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte("{"))
		w.(http.Flusher).Flush()
		select { // the rest of the body never comes
		case <-r.Context().Done():
		case <-release:
		}
	})
	c := newLoopbackClient(t, srv.URL, loremup.WithHTTPClient(&http.Client{Timeout: 400 * time.Millisecond}))

	_, err := c.Sessions.Create(context.Background(), createParams())

	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.EqualValues(t, 1, srv.requests.Load(), "the answer's head arrived: not retried")
}
