package loremup

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// This file is the retry policy: which failures are retried, how long to
// wait before the next attempt, and the client-wide retry budget.
// go-retryablehttp runs the loop; these functions make its decisions.

// callState is what one call (all its attempts) knows about itself. It
// travels in the request's context, the only thing go-retryablehttp hands
// to CheckRetry.
type callState struct {
	attempts int
	denied   bool // the budget refused a retry
	// password and cookies are the call's secrets besides the token, to
	// redact from what the server says back; used only on failure.
	password string
	cookies  []*http.Cookie
}

type callStateKey struct{}

// stateOf returns the call's state; do puts it in every request's context.
func stateOf(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

// checkRetry is go-retryablehttp's CheckRetry. It is called after every
// attempt and answers whether to send another.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := stateOf(ctx)
	st.attempts++
	if !retryable(ctx, resp, err) {
		if resp != nil && resp.StatusCode < 500 {
			// The server is up and answering: refill the budget a little.
			c.budget.refund()
		}
		return false, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if st.attempts > c.maxRetries {
		// Out of retries: stop here rather than let go-retryablehttp give
		// up, so the caller gets this last answer as an [*APIError].
		return false, nil
	}
	if !c.budget.spend() {
		st.denied = true
		if c.logger != nil {
			c.log(ctx, "loremup: retry denied, retry budget exhausted", c.attemptAttrs(st, resp, err)...)
		}
		return false, nil
	}
	if resp != nil {
		// go-retryablehttp drains at most 4 KiB before a retry; a longer
		// error body would cost the connection. Drain up to our own cap.
		drainAndClose(resp.Body, c.maxResponseBytes)
		resp.Body = http.NoBody
	}
	if c.logger != nil {
		c.log(ctx, "loremup: retrying", c.attemptAttrs(st, resp, err)...)
	}
	return true, nil
}

// retryable is the policy. A retry is only safe when the failure says
// nothing about the request itself, so that the same bytes may succeed.
func retryable(ctx context.Context, resp *http.Response, err error) bool {
	if err != nil {
		if ctx.Err() != nil {
			// The caller gave up (cancel or deadline); their word wins.
			return false
		}
		return retryableError(err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		// Rate limited: the server asks us to come back, often with
		// Retry-After.
		return true
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		// A proxy or the server itself is briefly unable to serve;
		// nothing was decided about the request.
		return true
	}
	// 2xx is done; 401, 406, 422 and other 4xx will fail the same way
	// again; 500 and other 5xx may have half-done the work and are not
	// promised to be transient, so a person should look at them.
	return false
}

// retryableError tells transport errors that may pass (refused, reset,
// EOF, per-attempt timeouts) from those that never will.
func retryableError(err error) bool {
	var (
		unknownCA     x509.UnknownAuthorityError
		invalid       x509.CertificateInvalidError
		hostname      x509.HostnameError
		verifyErr     *tls.CertificateVerificationError
		recordErr     tls.RecordHeaderError
		dnsErr        *net.DNSError
		permanentMsgs = []string{"unsupported protocol scheme", "invalid header field"}
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &invalid), errors.As(err, &hostname),
		errors.As(err, &verifyErr):
		// A certificate the client does not trust will not become
		// trusted by asking again.
		return false
	case errors.As(err, &recordErr):
		// TLS spoken to a plain HTTP server: a wrong URL, not a blip.
		return false
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		// The host does not exist.
		return false
	}
	msg := err.Error()
	for _, s := range permanentMsgs {
		if strings.Contains(msg, s) {
			return false
		}
	}
	// Refused, reset, EOF, per-attempt timeout: the server may be
	// restarting or a connection went stale. Note the login may have
	// reached the server before the connection broke (see the package doc).
	return true
}

// backoff is go-retryablehttp's Backoff: Retry-After when the answer has
// a usable one, otherwise exponential from min with jitter; never above max.
func backoff(minWait, maxWait time.Duration, attemptNum int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, maxWait)
		}
	}
	d := minWait
	for i := 0; i < attemptNum && d < maxWait; i++ {
		d *= 2
	}
	if d > maxWait || d < 0 {
		d = maxWait
	}
	if d <= 0 {
		return 0
	}
	// Full spread between d/2 and d: keeps growth while spreading a
	// fleet's retries apart.
	half := d / 2
	return half + rand.N(d-half+1)
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an
// HTTP-date. Negative or garbage values are ignored (ok false); values too
// large to represent come back as the longest duration, for the caller to
// cap.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		secs, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			var numErr *strconv.NumError
			if errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange) {
				return math.MaxInt64, true
			}
			return 0, false
		}
		if secs > uint64(math.MaxInt64/int64(time.Second)) {
			return math.MaxInt64, true
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// RetryBudget configures the client-wide retry budget: a token bucket in
// the manner of the AWS SDKs' standard retryer. The bucket starts full.
// Each retry spends RetryCost tokens and is refused when the bucket holds
// fewer; every answer from a working server (any status below 500) puts
// back SuccessRefund tokens, up to Capacity.
//
// So retries go on as long as they are a small share of the traffic (with
// the defaults, while fewer than about one answer in ten needs a retry),
// while against a server that fails every call a Client sends at most
// Capacity/RetryCost retries in all, then fails fast: a fleet of clients
// cannot multiply an outage. The bucket also bounds retries in flight at
// once: with the defaults, at most 10 before a refund comes back. A
// Client shared by more goroutines than that, against a server failing
// a few percent of calls, can meet a burst of more than 10 failures at
// the same instant; give it a Capacity of about RetryCost per goroutine
// ([WithRetryBudget]) to retry them all. A call refused a retry returns the
// answer it got, as an [*APIError] with RetryBudgetExhausted set
// (errors.Is(err, [ErrRetryBudgetExhausted]) holds).
type RetryBudget struct {
	// Capacity is the bucket's size and starting level; 0 turns the
	// budget off.
	Capacity int
	// RetryCost is what one retry spends.
	RetryCost int
	// SuccessRefund is what each answer from a working server puts back.
	SuccessRefund int
}

// DefaultRetryBudget returns the budget a Client has unless [WithRetryBudget]
// says otherwise: 10 retries' worth, one more earned per 10 answers from a
// working server.
func DefaultRetryBudget() RetryBudget {
	return RetryBudget{Capacity: 100, RetryCost: 10, SuccessRefund: 1}
}

// tokenBucket implements [RetryBudget]; a nil *tokenBucket allows every
// retry. It is lock-free: every successful call refunds, and with many
// goroutines on one Client a mutex there showed as lost throughput. When
// the bucket is full (the usual case) a refund is a single atomic load.
type tokenBucket struct {
	tokens   atomic.Int64
	capacity int64
	cost     int64
	refundN  int64
}

func newTokenBucket(b RetryBudget) *tokenBucket {
	if b.Capacity <= 0 {
		return nil
	}
	t := &tokenBucket{capacity: int64(b.Capacity), cost: int64(b.RetryCost), refundN: int64(b.SuccessRefund)}
	t.tokens.Store(t.capacity)
	return t
}

func (b *tokenBucket) spend() bool {
	if b == nil {
		return true
	}
	for {
		cur := b.tokens.Load()
		if cur < b.cost {
			return false
		}
		if b.tokens.CompareAndSwap(cur, cur-b.cost) {
			return true
		}
	}
}

func (b *tokenBucket) refund() {
	if b == nil {
		return
	}
	for {
		cur := b.tokens.Load()
		next := min(cur+b.refundN, b.capacity)
		if next == cur || b.tokens.CompareAndSwap(cur, next) {
			return
		}
	}
}

// attemptAttrs describes an attempt for a debug log line; a transport
// error's text is redacted, since it may quote what the server sent.
func (c *Client) attemptAttrs(st *callState, resp *http.Response, err error) []slog.Attr {
	attrs := []slog.Attr{slog.Int("attempt", st.attempts)}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.callSecrets(st).Error(err).Error()))
	}
	return attrs
}
