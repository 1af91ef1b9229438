package loremup

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/loremup/loremup-go/internal/wire"
)

// Client talks to one LoremUp app. It is safe for concurrent use by many
// goroutines; create one per base URL and token and reuse it, so that its
// connections are reused too.
type Client struct {
	// Sessions logs users in and out.
	Sessions *SessionsService

	baseURL     string // as given, for printing; never holds credentials
	sessionsURL *url.URL
	path        string // sessionsURL's path, for errors and logs
	token       string // only to redact it from what the server echoes
	auth        []string
	accept      []string
	contentType []string
	userAgent   []string

	urlString string // sessionsURL, formatted once

	rc        *retryablehttp.Client
	transport http.RoundTripper
	// origin is where the Client's Sessions belong.
	origin origin
	// live counts the Client's live logins, for Delete with a nil Session;
	// userJar, when the caller's http.Client had a Jar, gets every login's
	// cookies too. (A pointer, so that a Client value stays copyable for
	// printing.)
	live             *liveSet
	userJar          http.CookieJar
	logger           *slog.Logger
	maxRetries       int
	maxResponseBytes int64
	budget           *tokenBucket
}

// NewClient returns a Client for the app at baseURL (which may carry a path
// prefix: "https://host/tenant") authenticating with apiToken. It checks
// its input and does no I/O: a wrong URL or token shows at the first call.
//
// Plain http:// is refused for hosts other than loopback unless
// WithInsecureHTTP is given.
func NewClient(baseURL, apiToken string, opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	u, err := parseBaseURL(baseURL, cfg.insecureHTTP)
	if err != nil {
		return nil, err
	}
	if err := validateToken(apiToken); err != nil {
		return nil, err
	}

	c := &Client{
		baseURL:          u.String(),
		token:            apiToken,
		auth:             []string{wire.AuthorizationValue(apiToken)},
		accept:           []string{wire.Accept},
		contentType:      []string{wire.MediaTypeJSON},
		userAgent:        []string{cfg.userAgent},
		logger:           cfg.logger,
		maxRetries:       cfg.maxRetries,
		maxResponseBytes: cfg.maxResponseBytes,
		budget:           newTokenBucket(cfg.budget),
		origin:           originOf(u),
		live:             new(liveSet),
	}
	su := *u
	su.Path += wire.SessionsPath
	if su.RawPath != "" {
		su.RawPath += wire.SessionsPath
	}
	c.sessionsURL = &su
	c.urlString = su.String()
	c.path = c.sessionsURL.EscapedPath()

	hc, jar := httpClientFor(cfg.httpClient)
	c.transport = hc.Transport
	c.userJar = jar
	c.rc = &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // silent: we log through slog ourselves
		RetryWaitMin: cfg.retryWaitMin,
		RetryWaitMax: cfg.retryWaitMax,
		RetryMax:     cfg.maxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      backoff,
		// Hand back the last answer instead of "giving up after N
		// attempts", so the caller gets an *APIError with what the server said.
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			return resp, err
		},
	}
	if c.logger != nil {
		c.rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, retry int) {
			c.log(req.Context(), "loremup: request", slog.String("method", req.Method),
				slog.String("path", c.path), slog.Int("attempt", retry+1))
		}
	}
	c.Sessions = &SessionsService{c: c}
	return c, nil
}

// CloseIdleConnections closes the idle connections of the Client's
// transport. Call it when done with a Client in a long-lived program.
func (c *Client) CloseIdleConnections() {
	if ci, ok := c.transport.(attemptTransport).rt.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// BaseURL returns the base URL the Client was made with.
func (c *Client) BaseURL() string { return c.baseURL }

func parseBaseURL(raw string, insecure bool) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, invalid("baseURL", "base URL must not be empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, invalid("baseURL", "base URL does not parse")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, invalid("baseURL", "base URL must start with https:// or http://")
	case u.Host == "" || u.Hostname() == "":
		return nil, invalid("baseURL", "base URL has no host")
	case u.User != nil:
		return nil, invalid("baseURL", "base URL must not hold credentials; the API token is passed separately")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, invalid("baseURL", "base URL must not have a query or fragment")
	case u.Scheme == "http" && !insecure && !isLoopback(u.Hostname()):
		return nil, invalid("baseURL", "plain http:// to a non-loopback host would send the API token in clear text; use https:// or WithInsecureHTTP()")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validateToken applies the one token rule (see wire.CheckToken). The
// token itself is never part of the error.
func validateToken(tok string) error {
	if err := wire.CheckToken(tok); err != nil {
		return invalid("apiToken", err.Error())
	}
	return nil
}

func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < ' ' || b >= 0x7f {
			return false
		}
	}
	return true
}

// response is a finished answer: status, headers and the bounded body.
type response struct {
	status   int
	header   http.Header
	body     []byte
	cookies  []*http.Cookie
	attempts int
}

// do sends one call (with its retries) and reads the answer. Every
// non-2xx answer becomes an *APIError; password is redacted from it, as
// are the token and the values of the cookies sent.
// from anything the server says back.
func (c *Client) do(ctx context.Context, method string, body []byte, cookies []*http.Cookie, password string) (*response, error) {
	if ctx == nil {
		return nil, invalid("ctx", "context must not be nil")
	}
	st := &callState{}
	ctx = context.WithValue(ctx, callStateKey{}, st)

	req, err := retryablehttp.NewRequestWithContext(ctx, method, c.urlString, body)
	if err != nil {
		return nil, fmt.Errorf("loremup: %s %s: %w", method, c.path, err)
	}
	// The slices are shared by every request and only read by net/http.
	req.Header["Authorization"] = c.auth
	req.Header["Accept"] = c.accept
	req.Header["Content-Type"] = c.contentType
	req.Header["User-Agent"] = c.userAgent
	if len(cookies) > 0 {
		req.Header["Cookie"] = []string{cookieHeader(cookies)}
	}

	start := time.Now()
	resp, err := c.rc.Do(req)
	if err != nil {
		if resp != nil {
			drainAndClose(resp.Body, c.maxResponseBytes)
		}
		return nil, c.transportError(ctx, method, st, err)
	}
	data, truncated, readErr := readBody(resp, c.maxResponseBytes)
	if readErr != nil {
		return nil, c.transportError(ctx, method, st, readErr)
	}
	if c.logger != nil {
		c.log(ctx, "loremup: response", slog.String("method", method), slog.String("path", c.path),
			slog.Int("status", resp.StatusCode), slog.Int("attempts", st.attempts),
			slog.Duration("elapsed", time.Since(start)))
	}

	r := &response{status: resp.StatusCode, header: resp.Header, body: data, attempts: st.attempts}
	if r.status < 200 || r.status > 299 {
		return nil, c.apiError(method, r, truncated, st.denied, c.secrets(password, cookies))
	}
	r.cookies = resp.Cookies()
	return r, nil
}

// secrets lists what must not reach an error: the token, the password (if
// any) and the values of the cookies sent. Built only for errors.
func (c *Client) secrets(password string, cookies []*http.Cookie) []string {
	out := make([]string, 0, 2+len(cookies))
	out = append(out, c.token, password)
	for _, ck := range cookies {
		out = append(out, ck.Value)
	}
	return out
}

// apiError describes an answer that is not the call's success: any
// non-2xx, or a 2xx the call cannot use (see Create).
func (c *Client) apiError(method string, r *response, truncated, denied bool, secrets []string) *APIError {
	body := redactBytes(r.body, secrets)
	e := &APIError{
		StatusCode:           r.status,
		Method:               method,
		Path:                 c.path,
		RequestID:            requestID(r.header),
		Attempts:             max(r.attempts, 1),
		Body:                 body,
		BodyTruncated:        truncated,
		RetryBudgetExhausted: denied,
		ContentType:          r.header.Get("Content-Type"),
	}
	if r.status >= 300 && r.status < 400 {
		e.Location = r.header.Get("Location")
	}
	if !truncated {
		e.Errors = parseErrorBody(body)
	}
	for i := range e.Errors {
		redactObject(&e.Errors[i], secrets)
	}
	return e
}

// transportError wraps an error that came without an answer. The caller's
// context error stays matchable with errors.Is.
func (c *Client) transportError(ctx context.Context, method string, st *callState, err error) error {
	if c.logger != nil {
		c.log(ctx, "loremup: request failed", slog.String("method", method), slog.String("path", c.path),
			slog.Int("attempts", st.attempts), slog.String("error", err.Error()))
	}
	attempts := ""
	if st.attempts > 1 {
		attempts = fmt.Sprintf(" after %d attempts", st.attempts)
	}
	if st.denied {
		return fmt.Errorf("loremup: %s %s%s: %w (%w)", method, c.path, attempts, err, ErrRetryBudgetExhausted)
	}
	return fmt.Errorf("loremup: %s %s%s: %w", method, c.path, attempts, err)
}

func requestID(h http.Header) string {
	for _, name := range [...]string{wire.RequestIDHeader, "X-Correlation-Id", "Request-Id"} {
		if v := h.Get(name); v != "" {
			return v
		}
	}
	return ""
}

// readBody reads at most limit bytes and closes the body. A longer body is
// cut (truncated true) and its connection is dropped rather than drained,
// so a hostile server cannot make the client read without end. A known
// Content-Length sizes the buffer exactly; otherwise it grows fourfold at a
// time, so reading up to the cap allocates well under twice the cap.
func readBody(resp *http.Response, limit int64) ([]byte, bool, error) {
	defer resp.Body.Close()
	size := int64(512)
	if n := resp.ContentLength; n >= 0 {
		size = min(n, limit) + 1 // +1 sees EOF, or a body longer than promised
	}
	buf := make([]byte, 0, min(size, limit+1))
	for {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(int64(cap(buf))*4, limit+1))
			copy(grown, buf)
			buf = grown
		}
		n, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return buf[:limit], true, nil
		}
		if err == io.EOF {
			return buf, false, nil
		}
		if err != nil {
			return nil, false, err
		}
	}
}

// drainAndClose reads what is left of a body, up to limit, so its
// connection can be reused, then closes it.
func drainAndClose(body io.ReadCloser, limit int64) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, limit))
	_ = body.Close()
}

func (c *Client) log(ctx context.Context, msg string, attrs ...slog.Attr) {
	if c.logger == nil {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, msg, attrs...)
}

func attemptAttrs(st *callState, resp *http.Response, err error) []slog.Attr {
	attrs := []slog.Attr{slog.Int("attempt", st.attempts)}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	return attrs
}

// Format prints the Client without its API token, for every verb
// (%v, %+v, %#v, %s).
func (c Client) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "loremup.Client{BaseURL: %q, APIToken: %s}", c.baseURL, redacted)
}

// LogValue keeps the API token out of structured logs.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.baseURL), slog.String("api_token", redacted))
}
