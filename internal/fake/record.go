package fake

import (
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
)

// This file is what the fake remembers for test authors: the requests it
// received and the connections it accepted. What it keeps is bounded per
// request and in total, so that a client of a long-running fake cannot
// make it grow without bound by sending large requests.

// Bounds on the recorded requests: Requests keeps the most recent ones
// within all of them; RequestCount counts every request.
const (
	// MaxRecorded is how many requests are kept.
	MaxRecorded = 10_000
	// MaxRecordedHeaderBytes bounds the method, path and header bytes
	// (names and values) kept of one request; headers past it are left
	// out, in sorted order of their names, and the Request is marked
	// Truncated.
	MaxRecordedHeaderBytes = 16 << 10
	// MaxRecordedBodyBytes bounds the body bytes kept of one request.
	MaxRecordedBodyBytes = 64 << 10
	// MaxRecordedBytes bounds the bytes kept of all requests together;
	// the oldest are dropped first.
	MaxRecordedBytes = 32 << 20
)

// Request is one received request as the handler saw it, within the
// recording bounds.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte // as read, at most the body cap and MaxRecordedBodyBytes
	// Truncated reports that the path, some headers or the body were
	// longer than the recording bounds and were cut.
	Truncated bool
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

type recorder struct {
	count atomic.Int64
	conns atomic.Int64
	on    atomic.Bool

	mu    sync.Mutex
	queue []Request // oldest first from head
	head  int
	bytes int // sum of size() of queue[head:]
}

func (rc *recorder) add(r *http.Request, body []byte) {
	rc.count.Add(1)
	if !rc.on.Load() {
		return
	}
	req := bounded(r, body)
	size := req.size()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.queue = append(rc.queue, req)
	rc.bytes += size
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

// bounded copies what is kept of a request.
func bounded(r *http.Request, body []byte) Request {
	req := Request{Method: r.Method, Path: r.URL.Path}
	budget := MaxRecordedHeaderBytes
	if len(req.Method)+len(req.Path) > budget/2 {
		req.Path = req.Path[:max(budget/2-len(req.Method), 0)]
		req.Truncated = true
	}
	budget -= len(req.Method) + len(req.Path)
	req.Header = make(http.Header, len(r.Header))
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range r.Header[k] {
			if len(k)+len(v) > budget {
				req.Truncated = true
				continue
			}
			budget -= len(k) + len(v)
			req.Header[k] = append(req.Header[k], v)
		}
	}
	if len(body) > MaxRecordedBodyBytes {
		body = body[:MaxRecordedBodyBytes]
		req.Truncated = true
	}
	req.Body = slices.Clone(body)
	return req
}

// recordedBytes is the recorder's own accounting of what it keeps.
func (rc *recorder) recordedBytes() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.bytes
}

// SetRecording turns recording on or off while the Handler serves;
// requests already recorded stay.
func (h *Handler) SetRecording(on bool) { h.record.on.Store(on) }

// Requests returns the recorded requests, oldest first. Each is a copy
// the caller may change.
func (h *Handler) Requests() []Request {
	rc := &h.record
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make([]Request, 0, len(rc.queue)-rc.head)
	for _, r := range rc.queue[rc.head:] {
		r.Header = r.Header.Clone()
		r.Body = slices.Clone(r.Body)
		out = append(out, r)
	}
	return out
}

// RequestCount returns how many requests reached the handler, faulted
// and dropped ones included, recorded or not.
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
