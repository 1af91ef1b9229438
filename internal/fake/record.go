package fake

import (
	"maps"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Bounds on the recorded requests, so that a client of a long-running
// fake cannot make it grow without bound: the latest MaxRecorded within
// MaxRecordedBytes together, and of each MaxRecordedHeaderBytes of
// method, path and headers and MaxRecordedBodyBytes of body.
const (
	MaxRecorded            = 10_000
	MaxRecordedHeaderBytes = 16 << 10
	MaxRecordedBodyBytes   = 64 << 10
	MaxRecordedBytes       = 32 << 20
)

// Request is one request the server received, within the recording
// bounds.
type Request struct {
	// Method and Path are the request's method and URL path.
	Method string `json:"method"`
	Path   string `json:"path"`
	// Header is the request's header, secrets included: it is what the
	// client sent, for the test to check (e.g. its Authorization form).
	Header http.Header `json:"headers"`
	// Body is the body as read: at most the body cap, and at most 64 KiB.
	Body []byte `json:"-"`
	// Truncated reports that the request was larger than what the server
	// keeps of one request (16 KiB of method, path and headers, 64 KiB of
	// body) and was cut: headers past the bound are left out.
	Truncated bool `json:"truncated"`
	// Status is the status the server answered, 0 for a request dropped
	// without an answer.
	Status int `json:"status"`
	// Duration is how long the server took to answer, injected latency
	// included.
	Duration time.Duration `json:"-"`
}

// size is what a Request counts against MaxRecordedBytes.
func (r *Request) size() int {
	return len(r.Method) + len(r.Path) + headerBytes(r.Header) + len(r.Body)
}

func headerBytes(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	return n
}

// recorder keeps the latest requests in a queue bounded by count and by
// bytes.
type recorder struct {
	count atomic.Int64
	conns atomic.Int64

	mu    sync.Mutex
	queue []Request // oldest first from head
	head  int
	bytes int // sum of the size of queue[head:]
}

func (rc *recorder) add(req Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.queue = append(rc.queue, req)
	rc.bytes += req.size()
	for len(rc.queue)-rc.head > MaxRecorded || rc.bytes > MaxRecordedBytes {
		rc.bytes -= rc.queue[rc.head].size()
		rc.queue[rc.head] = Request{} // let the dropped request's memory go
		rc.head++
	}
	if rc.head > MaxRecorded/2 && rc.head >= len(rc.queue)/2 {
		rc.queue = slices.Clip(append(rc.queue[:0], rc.queue[rc.head:]...))
		rc.head = 0
	}
}

// newRequest keeps what the bounds allow of a request: the path cut to
// half the header bound, then the header values that fit in the rest,
// taken in sorted order of their names (a value too long for what is
// left is skipped), and the body's first bytes.
func newRequest(r *http.Request, body []byte) Request {
	req := Request{Method: r.Method, Path: r.URL.Path}
	budget := MaxRecordedHeaderBytes
	if len(req.Method)+len(req.Path) > budget/2 {
		req.Path = req.Path[:max(budget/2-len(req.Method), 0)]
		req.Truncated = true
	}
	budget -= len(req.Method) + len(req.Path)
	if len(body) > MaxRecordedBodyBytes {
		body, req.Truncated = slices.Clone(body[:MaxRecordedBodyBytes]), true // not the whole read buffer
	}
	if len(body) > 0 {
		req.Body = body // readBody's own buffer, which nothing writes
	}
	if headerBytes(r.Header) <= budget {
		// net/http gives each request a header of its own and never
		// writes it once the handler returns; Requests copies it out.
		req.Header = r.Header
		if req.Header == nil {
			req.Header = http.Header{}
		}
		return req
	}
	req.Header = make(http.Header, len(r.Header))
	for _, k := range slices.Sorted(maps.Keys(r.Header)) {
		for _, v := range r.Header[k] {
			if len(k)+len(v) > budget {
				req.Truncated = true
				continue
			}
			budget -= len(k) + len(v)
			req.Header[k] = append(req.Header[k], v)
		}
	}
	return req
}

// Requests returns the recorded requests, oldest first. Each is a copy
// the caller may change.
func (h *Handler) Requests() []Request {
	rc := &h.record
	rc.mu.Lock()
	out := slices.Clone(rc.queue[rc.head:])
	rc.mu.Unlock()
	for i := range out {
		out[i].Header = out[i].Header.Clone()
		out[i].Body = slices.Clone(out[i].Body)
	}
	return out
}

// ClearRequests forgets the recorded requests; RequestCount goes on.
func (h *Handler) ClearRequests() {
	rc := &h.record
	rc.mu.Lock()
	rc.queue, rc.head, rc.bytes = nil, 0, 0
	rc.mu.Unlock()
}

// RequestCount returns how many requests reached the handler.
func (h *Handler) RequestCount() int { return int(h.record.count.Load()) }

// ConnState is an http.Server ConnState hook counting accepted
// connections; the servers in front of the Handler install it.
func (h *Handler) ConnState(_ net.Conn, s http.ConnState) {
	if s == http.StateNew {
		h.record.conns.Add(1)
	}
}

// ConnectionCount returns how many TCP connections the server accepted.
func (h *Handler) ConnectionCount() int { return int(h.record.conns.Load()) }
