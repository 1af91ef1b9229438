package fake

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
)

// This file is what the fake remembers for test authors: the requests it
// received and the connections it accepted.

// MaxRecorded is how many requests Requests keeps: the most recent ones.
// RequestCount counts them all.
const MaxRecorded = 10_000

// Request is one received request as the handler saw it.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte // as read, at most the body cap
}

type recorder struct {
	count atomic.Int64
	conns atomic.Int64

	mu    sync.Mutex
	ring  []Request // len <= MaxRecorded
	start int       // index of the oldest once the ring is full
}

func (rc *recorder) add(r *http.Request, body []byte) {
	rc.count.Add(1)
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.ring) < MaxRecorded {
		rc.ring = append(rc.ring, req)
		return
	}
	rc.ring[rc.start] = req
	rc.start = (rc.start + 1) % MaxRecorded
}

// Requests returns the recorded requests, oldest first. Each is a copy
// the caller may change.
func (h *Handler) Requests() []Request {
	rc := &h.record
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make([]Request, 0, len(rc.ring))
	for i := range rc.ring {
		r := rc.ring[(rc.start+i)%len(rc.ring)]
		r.Header = r.Header.Clone()
		r.Body = append([]byte(nil), r.Body...)
		out = append(out, r)
	}
	return out
}

// RequestCount returns how many requests reached the handler, faulted
// and dropped ones included.
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
