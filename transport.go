package loremup

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// httpClientFor returns the *http.Client the Client sends through. A
// user's client (without a Jar: see [WithHTTPClient]) is copied, not
// changed. When the base URL is loopback, requests to it never go through
// a proxy (see noLoopbackProxy).
func httpClientFor(user *http.Client, loopback bool) *http.Client {
	var hc http.Client
	if user != nil {
		hc = *user
	} else {
		hc = http.Client{Transport: defaultTransport(), Timeout: DefaultTimeout}
	}
	// A redirect is answered as an error: following a 302 to a login page
	// would turn a failure into a 200 HTML "success".
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	if tr, ok := rt.(*http.Transport); ok && tr.Proxy != nil && loopback && user != nil {
		// The caller's transport is shared with other code: change a copy.
		tr = tr.Clone()
		tr.Proxy = noLoopbackProxy(tr.Proxy)
		rt = tr
	}
	hc.Transport = attemptTransport{rt: rt, timeout: hc.Timeout}
	hc.Timeout = 0 // attemptTransport applies it
	return &hc
}

// attemptTransport sits between go-retryablehttp and the real transport.
//
// It hides the transport's CloseIdleConnections: go-retryablehttp calls it
// whenever a call ends in a transport error or a cancellation, which would
// drop every pooled connection of every other goroutine.
//
// It also applies the per-attempt timeout (http.Client.Timeout) itself.
// Since net/http does not recognise a wrapped transport, it would enforce
// Client.Timeout on a slow path (a goroutine, a timer and channels per
// request, about a dozen allocations); a context deadline costs a few.
type attemptTransport struct {
	rt      http.RoundTripper
	timeout time.Duration
}

func (t attemptTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.timeout <= 0 {
		return t.rt.RoundTrip(r)
	}
	deadline := time.Now().Add(t.timeout)
	if d, ok := r.Context().Deadline(); ok && d.Before(deadline) {
		return t.rt.RoundTrip(r) // the caller's own deadline comes first
	}
	ctx, cancel := context.WithDeadline(r.Context(), deadline)
	resp, err := t.rt.RoundTrip(r.WithContext(ctx))
	if err != nil {
		timedOut := ctx.Err() != nil && r.Context().Err() == nil
		cancel()
		if timedOut {
			return nil, fmt.Errorf("attempt timed out after %s: %w", t.timeout, err)
		}
		return nil, err
	}
	// The deadline also bounds reading the body; it ends with the body.
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose releases an attempt's deadline when its body is closed or
// read to the end.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.cancel()
	}
	return n, err
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// defaultTransport is http.DefaultTransport with a pool large enough for
// many goroutines sharing one Client against one host: the standard
// library keeps only 2 idle connections per host, which makes a busy
// client open and close connections all the time. An idle connection
// costs a few KiB and is closed after IdleConnTimeout, so a pool sized for
// a few hundred concurrent logins (a load test's) is cheap.
func defaultTransport() http.RoundTripper {
	std, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		// The program replaced the default transport (a test mock, a
		// tracing wrapper); respect that.
		return http.DefaultTransport
	}
	t := std.Clone()
	if t.Proxy != nil {
		t.Proxy = noLoopbackProxy(t.Proxy)
	}
	t.MaxIdleConns = 512
	t.MaxIdleConnsPerHost = 256
	t.IdleConnTimeout = 90 * time.Second
	t.MaxResponseHeaderBytes = maxResponseHeaderBytes
	return t
}

// maxResponseHeaderBytes bounds an answer's head. net/http's default
// (10 MiB) let a hostile server make one login parse 10 MiB of
// Set-Cookie lines, some 190 MiB of allocation; a Rails answer's head is
// a few KiB, and a Session keeps at most 64 KiB of cookies anyway.
const maxResponseHeaderBytes = 256 << 10

// maxPresize bounds how much of a promised Content-Length is allocated
// before the bytes arrive: room for any answer the API documents (an
// error document of a few KiB is read into one exact buffer), too little
// for a lying server to matter.
const maxPresize = 16 << 10

// readBody reads at most limit bytes and closes the body. A longer body is
// cut (truncated true) and its connection is dropped rather than drained,
// so a hostile server cannot make the client read without end.
//
// The buffer trusts the Content-Length the server promises only up to
// maxPresize (a 2-byte answer promising 512 MiB costs 16 KiB, not 512
// MiB); past that it grows fourfold as bytes arrive, up to the cap, so
// reading up to the cap allocates well under twice the cap. Without a
// Content-Length it starts at 512 bytes.
func readBody(resp *http.Response, limit int64) ([]byte, bool, error) {
	defer resp.Body.Close()
	size := int64(512)
	if n := resp.ContentLength; n >= 0 {
		size = min(n, maxPresize) + 1 // +1 sees EOF, or a body longer than promised
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

// noLoopbackProxy wraps a transport's Proxy function so that a request to
// loopback (exactly "localhost" or a loopback IP) never goes through a
// proxy: the API token and password would cross the proxy in clear text
// on the way to what is meant to be this machine.
func noLoopbackProxy(proxy func(*http.Request) (*url.URL, error)) func(*http.Request) (*url.URL, error) {
	return func(r *http.Request) (*url.URL, error) {
		if isLoopback(r.URL.Hostname()) {
			return nil, nil
		}
		return proxy(r)
	}
}
