package loremup

import (
	"math"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"99999999999999999999", math.MaxInt64, true},
		{"9223372036854775807", math.MaxInt64, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.in, now)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestBackoff_ExponentialWithJitterWithinBounds(t *testing.T) {
	minW, maxW := 100*time.Millisecond, 2*time.Second
	for attempt := range 70 {
		want := minW << min(attempt, 20)
		if want > maxW {
			want = maxW
		}
		for range 50 {
			d := backoff(minW, maxW, attempt, nil)
			assert.LessOrEqual(t, d, want, "attempt %d", attempt)
			assert.GreaterOrEqual(t, d, want/2, "attempt %d", attempt)
		}
	}
	assert.Zero(t, backoff(0, 0, 3, nil))
}

func TestBackoff_RetryAfterCappedByMax(t *testing.T) {
	resp := func(v string) *http.Response {
		return &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {v}}}
	}
	assert.Equal(t, 3*time.Second, backoff(time.Millisecond, time.Minute, 0, resp("3")))
	assert.Equal(t, time.Minute, backoff(time.Millisecond, time.Minute, 0, resp("86400")))
	assert.Equal(t, time.Minute, backoff(time.Millisecond, time.Minute, 0, resp("99999999999999999999999")))
	d := backoff(time.Millisecond, time.Minute, 0, resp("-3"))
	assert.LessOrEqual(t, d, time.Millisecond, "a negative value is ignored, not obeyed")
}

func TestTokenBucket_ConcurrentSpendNeverOverdraws(t *testing.T) {
	b := newTokenBucket(RetryBudget{Capacity: 100, RetryCost: 10, SuccessRefund: 1})
	var wg sync.WaitGroup
	var mu sync.Mutex
	granted := 0
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if b.spend() {
				mu.Lock()
				granted++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 10, granted)
	assert.False(t, b.spend(), "the bucket is empty")
	for range 9 {
		b.refund()
	}
	assert.False(t, b.spend(), "9 refunds do not pay for a retry")
	b.refund()
	assert.True(t, b.spend(), "10 refunds pay for one")
	for range 1000 {
		b.refund()
	}
	spent := 0
	for b.spend() {
		spent++
	}
	assert.Equal(t, 10, spent, "never above capacity")
}

func TestNewClient_DefaultHTTPClientHasTimeoutAndPool(t *testing.T) {
	c, err := NewClient("https://app.example.com", "tok")
	require.NoError(t, err)
	assert.Equal(t, DefaultTimeout, c.transport.(attemptTransport).timeout)
	tr, ok := c.transport.(attemptTransport).rt.(*http.Transport)
	require.True(t, ok)
	assert.GreaterOrEqual(t, tr.MaxIdleConnsPerHost, 32)
	assert.Nil(t, c.rc.Logger, "go-retryablehttp must not get its stderr logger")
}
