package loremup

import (
	"log/slog"
	"math"
	"net/http"
	"time"
)

// Defaults used by [NewClient] when no Option says otherwise.
const (
	// DefaultMaxRetries is how many times a retryable failure is retried.
	DefaultMaxRetries = 3
	// DefaultRetryWaitMin and [DefaultRetryWaitMax] bound the backoff
	// between attempts; a Retry-After header is capped at the maximum.
	DefaultRetryWaitMin = 100 * time.Millisecond
	DefaultRetryWaitMax = 5 * time.Second
	// DefaultTimeout bounds each attempt of the default HTTP client, so a
	// call without a deadline never hangs forever.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxResponseBytes caps how much of a response body is read.
	DefaultMaxResponseBytes = 1 << 20
)

// maxResponseBytesCap is the largest cap [WithMaxResponseBytes] keeps: the
// reader asks for one byte more than the cap to tell a long body from an
// exact one, which must not overflow.
const maxResponseBytesCap = math.MaxInt64 - 1

// Option configures a Client; pass any number to [NewClient]. An Option
// given a value that can never work makes [NewClient] fail with a
// [*ValidationError] naming it.
type Option func(*config) error

type config struct {
	httpClient       *http.Client
	maxRetries       int
	retryWaitMin     time.Duration
	retryWaitMax     time.Duration
	userAgent        string
	logger           *slog.Logger
	insecureHTTP     bool
	maxResponseBytes int64
	budget           RetryBudget
}

func defaultConfig() config {
	return config{
		maxRetries:       DefaultMaxRetries,
		retryWaitMin:     DefaultRetryWaitMin,
		retryWaitMax:     DefaultRetryWaitMax,
		userAgent:        defaultUserAgent,
		maxResponseBytes: DefaultMaxResponseBytes,
		budget:           DefaultRetryBudget(),
	}
}

// WithHTTPClient makes the Client send its requests through hc, e.g. one
// with a custom TLS configuration, a proxy, or tracing instrumentation.
// hc is not modified: the Client uses a shallow copy that never follows
// redirects. hc.Timeout bounds each attempt.
//
// hc must have no Jar: a [Session] holds its user's cookies, and a second
// cookie store would fall out of step with it (a logout would leave the
// jar logged in). To act as the user, use [Client.HTTPClient] or
// [Session.Jar].
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		switch {
		case hc == nil:
			return invalid("WithHTTPClient", "http client must not be nil")
		case hc.Jar != nil:
			return invalid("HTTPClient.Jar", "must be nil: Sessions hold the cookies; to act as the user use Client.HTTPClient(sess) or sess.Jar()")
		}
		c.httpClient = hc
		return nil
	}
}

// WithMaxRetries sets how many times a retryable failure is retried
// (0 turns retries off). The default is [DefaultMaxRetries].
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return invalid("WithMaxRetries", "must not be negative")
		}
		c.maxRetries = n
		return nil
	}
}

// WithRetryWait sets the shortest and longest wait between attempts. The
// wait grows exponentially from min with jitter and never exceeds max,
// even when the server's Retry-After asks for longer.
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(c *config) error {
		if minWait < 0 || maxWait < minWait {
			return invalid("WithRetryWait", "need 0 <= min <= max")
		}
		c.retryWaitMin, c.retryWaitMax = minWait, maxWait
		return nil
	}
}

// WithUserAgent replaces the User-Agent header (by default
// "loremup-go/" + Version).
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if ua == "" || !validHeaderValue(ua) {
			return invalid("WithUserAgent", "must be non-empty printable ASCII")
		}
		c.userAgent = ua
		return nil
	}
}

// WithLogger makes the Client log each request, retry decision and
// answer to l at debug level (and nothing above it). Logs never hold the
// API token, passwords or cookie values. Without it the Client is silent.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithInsecureHTTP allows a plain http:// base URL for a host that is not
// loopback. Without it such a URL is refused, since the API token and
// passwords would cross the network in clear text.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.insecureHTTP = true
		return nil
	}
}

// WithMaxResponseBytes sets the cap on how much of a response body is read
// ([DefaultMaxResponseBytes] by default). Longer bodies are cut there. The
// cap is a limit, not a buffer size: memory grows only with the bytes the
// server actually sends, so a large cap (even math.MaxInt64) is safe.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return invalid("WithMaxResponseBytes", "must be positive")
		}
		c.maxResponseBytes = min(n, maxResponseBytesCap)
		return nil
	}
}

// WithRetryBudget replaces the client-wide retry budget ([DefaultRetryBudget]
// by default). A budget with Capacity 0 turns the budget off, so every
// call may use all its retries.
func WithRetryBudget(b RetryBudget) Option {
	return func(c *config) error {
		if b.Capacity < 0 || b.RetryCost < 0 || b.SuccessRefund < 0 {
			return invalid("WithRetryBudget", "values must not be negative")
		}
		if b.Capacity > 0 && b.RetryCost == 0 {
			return invalid("WithRetryBudget", "RetryCost must be positive when Capacity is")
		}
		c.budget = b
		return nil
	}
}
