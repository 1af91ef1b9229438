package loremup

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/loremup/loremup-go/internal/redact"
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
	auth        string // the Authorization header value
	userAgent   string

	urlString string // sessionsURL, formatted once

	rc        *retryablehttp.Client
	transport http.RoundTripper
	// origin is where the Client's Sessions belong.
	origin *origin
	// live counts the Client's live logins, for Delete with a nil Session.
	// (A pointer, so that a Client value stays copyable for printing.)
	live             *liveSet
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
// [WithInsecureHTTP] is given.
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
		auth:             wire.AuthorizationValue(apiToken),
		userAgent:        cfg.userAgent,
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

	hc := httpClientFor(cfg.httpClient, isLoopback(u.Hostname()))
	c.transport = hc.Transport
	c.rc = &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // silent: we log through slog ourselves
		RetryWaitMin: cfg.retryWaitMin,
		RetryWaitMax: cfg.retryWaitMax,
		RetryMax:     cfg.maxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      backoff,
		// Hand back the last answer instead of "giving up after N
		// attempts", so the caller gets an [*APIError] with what the server said.
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

// response is a finished answer: status, headers and the bounded body.
type response struct {
	status  int
	header  http.Header
	body    []byte
	cookies []*http.Cookie
	// truncated reports that body was cut at the size cap.
	truncated bool
	// call is the call's state: attempts, budget, secrets to redact.
	call *callState
}

// do sends one call (with its retries) and reads the answer. Every
// non-2xx answer becomes an [*APIError], with the token, password and the
// values of the cookies sent redacted from anything the server says back.
// When a 2xx answer's body cannot be read to the end, do returns its head
// (status, headers, cookies) together with the error.
func (c *Client) do(ctx context.Context, method string, body []byte, cookies []*http.Cookie, password string) (*response, error) {
	if ctx == nil {
		return nil, invalid("ctx", "context must not be nil")
	}
	st := &callState{password: password, cookies: cookies}
	ctx = context.WithValue(ctx, callStateKey{}, st)

	req, err := retryablehttp.NewRequestWithContext(ctx, method, c.urlString, body)
	if err != nil {
		return nil, fmt.Errorf("loremup: %s %s: %w", method, c.path, err)
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("Accept", wire.Accept)
	req.Header.Set("Content-Type", wire.MediaTypeJSON)
	req.Header.Set("User-Agent", c.userAgent)
	if len(cookies) > 0 {
		// Built once: AddCookie per cookie copies the header each time.
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
		err := c.transportError(ctx, method, st, readErr)
		if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			// The server acted on the request (a login happened); its
			// head is handed back with the error so that Create can
			// return the Session it made.
			return &response{status: resp.StatusCode, header: resp.Header, cookies: resp.Cookies(), call: st}, err
		}
		return nil, err
	}
	if c.logger != nil {
		c.log(ctx, "loremup: response", slog.String("method", method), slog.String("path", c.path),
			slog.Int("status", resp.StatusCode), slog.Int("attempts", st.attempts),
			slog.Duration("elapsed", time.Since(start)))
	}

	r := &response{status: resp.StatusCode, header: resp.Header, body: data, truncated: truncated, call: st}
	if r.status < 200 || r.status > 299 {
		return nil, c.apiError(method, r)
	}
	r.cookies = resp.Cookies()
	return r, nil
}

func (c *Client) log(ctx context.Context, msg string, attrs ...slog.Attr) {
	if c.logger == nil {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, msg, attrs...)
}

// Format prints the Client without its API token, for every verb
// (%v, %+v, %#v, %s).
func (c Client) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "loremup.Client{BaseURL: %q, APIToken: %s}", c.baseURL, redact.Marker)
}
