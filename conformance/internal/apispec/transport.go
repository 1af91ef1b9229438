package apispec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// maxBody is how much of a body the transport buffers to validate. A
// longer body is passed on whole but not validated, and that is recorded.
const maxBody = 4 << 20

// ValidatingTransport is an http.RoundTripper that checks every request
// going through it and every response coming back against the
// description, and records what does not match. Callers see requests and
// responses unchanged. It is safe for concurrent use.
type ValidatingTransport struct {
	v    Checker
	next http.RoundTripper

	mu        sync.Mutex
	errs      []error
	exchanges int
}

// Checker validates one exchange; *Validator is one. A Checker that also
// has ValidateRequest(req *http.Request, body []byte) error gets the
// requests to check too. Other descriptions (the control API's) use the
// same transport through it.
type Checker interface {
	ValidateResponse(req *http.Request, status int, header http.Header, body []byte) error
}

// requestChecker is a Checker that checks requests too.
type requestChecker interface {
	ValidateRequest(req *http.Request, body []byte) error
}

// Transport returns a ValidatingTransport that sends through next
// (http.DefaultTransport when nil).
func (v *Validator) Transport(next http.RoundTripper) *ValidatingTransport {
	return NewTransport(v, next)
}

// NewTransport returns a ValidatingTransport that checks every exchange
// with c and sends through next (http.DefaultTransport when nil).
func NewTransport(c Checker, next http.RoundTripper) *ValidatingTransport {
	if next == nil {
		next = http.DefaultTransport
	}
	return &ValidatingTransport{v: c, next: next}
}

// RoundTrip validates req, sends it through the next transport and
// validates the response. Validation problems are recorded, not returned:
// the caller gets what the server answered.
func (t *ValidatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	out := req
	if req.Body != nil && req.Body != http.NoBody {
		data, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("apispec: read request body: %w", err)
		}
		body = data
		// A RoundTripper must not change the caller's request, so the
		// request sent on is a copy carrying the buffered body.
		out = req.Clone(req.Context())
		out.Body = io.NopCloser(bytes.NewReader(data))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		out.ContentLength = int64(len(data))
	}
	var reqErr error
	if rc, ok := t.v.(requestChecker); ok {
		reqErr = rc.ValidateRequest(req, body)
	}
	t.record(true, reqErr)

	resp, err := t.next.RoundTrip(out)
	if err != nil {
		return resp, err
	}
	data, tooLong, readErr := readUpTo(resp.Body, maxBody)
	switch {
	case readErr != nil:
		// Give the caller the bytes read, then the same error.
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader{readErr}))
		t.record(false, fmt.Errorf("apispec: response %d to %s %s: reading body: %w", resp.StatusCode, req.Method, req.URL.Path, readErr))
	case tooLong:
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(data), resp.Body), resp.Body}
		t.record(false, fmt.Errorf("apispec: response %d to %s %s: body longer than %d bytes, not validated", resp.StatusCode, req.Method, req.URL.Path, maxBody))
	default:
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(data))
		t.record(false, t.v.ValidateResponse(req, resp.StatusCode, resp.Header, data))
	}
	return resp, nil
}

// CloseIdleConnections closes the idle connections of the next transport,
// if it has any.
func (t *ValidatingTransport) CloseIdleConnections() {
	if ci, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// Errors returns the problems recorded so far, in the order found.
func (t *ValidatingTransport) Errors() []error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]error(nil), t.errs...)
}

// Err returns the recorded problems joined into one error, or nil.
func (t *ValidatingTransport) Err() error {
	return errors.Join(t.Errors()...)
}

// Exchanges returns how many requests went through the transport, so a
// test can tell "no problems" from "nothing checked".
func (t *ValidatingTransport) Exchanges() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.exchanges
}

// Reset forgets the recorded problems and the count of exchanges.
func (t *ValidatingTransport) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errs, t.exchanges = nil, 0
}

func (t *ValidatingTransport) record(request bool, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if request {
		t.exchanges++
	}
	if err != nil {
		t.errs = append(t.errs, err)
	}
}

// readUpTo reads at most limit bytes of r; tooLong tells that more follow.
func readUpTo(r io.Reader, limit int64) (data []byte, tooLong bool, err error) {
	data, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(data)) > limit {
		return data, true, err
	}
	return data, false, err
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
