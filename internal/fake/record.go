package fake

import (
	"encoding/binary"
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
	queue []record // oldest first from head
	head  int
	bytes int // sum of the size of queue[head:]
}

// record is one kept request, encoded as one pointer-free block: keeping
// it costs one allocation, and thousands of them cost the garbage
// collector almost nothing to scan (a Request's header map, slices and
// strings would be a dozen objects to allocate and to mark on every
// cycle). Requests decodes them.
type record struct {
	data      []byte // see encodeRequest
	size      int    // what it counts against MaxRecordedBytes: Request.size of the decoded Request
	truncated bool
}

func (rc *recorder) add(r *http.Request, body []byte) {
	rc.count.Add(1)
	if !rc.on.Load() {
		return
	}
	rec := encodeRequest(r, body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.queue = append(rc.queue, rec)
	rc.bytes += rec.size
	for len(rc.queue)-rc.head > MaxRecorded || rc.bytes > MaxRecordedBytes {
		rc.bytes -= rc.queue[rc.head].size
		rc.queue[rc.head] = record{} // let the dropped request's memory go
		rc.head++
	}
	if rc.head > MaxRecorded/2 && rc.head >= len(rc.queue)/2 {
		rc.queue = slices.Clip(append(rc.queue[:0], rc.queue[rc.head:]...))
		rc.head = 0
	}
}

// encodeRequest keeps what the bounds allow of a request: the method, the
// path (cut to half of MaxRecordedHeaderBytes), the header values that fit
// in the rest of MaxRecordedHeaderBytes (all of them, usually; otherwise
// taken in sorted order of their names, a value too long for what is left
// skipped), and MaxRecordedBodyBytes of the body. The block holds
// uvarint-prefixed method, path, number of header values, then each
// value's name and value, and the body to the end.
func encodeRequest(r *http.Request, body []byte) record {
	method, path := r.Method, r.URL.Path
	rec := record{}
	budget := MaxRecordedHeaderBytes
	if len(method)+len(path) > budget/2 {
		path = path[:max(budget/2-len(method), 0)]
		rec.truncated = true
	}
	budget -= len(method) + len(path)
	if len(body) > MaxRecordedBodyBytes {
		body = body[:MaxRecordedBodyBytes]
		rec.truncated = true
	}

	// Which values are kept: all when they fit, the common case, found
	// without sorting.
	kept := r.Header
	if hb := headerBytes(r.Header); hb > budget {
		kept = make(http.Header, len(r.Header))
		keys := make([]string, 0, len(r.Header))
		for k := range r.Header {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			for _, v := range r.Header[k] {
				if len(k)+len(v) > budget {
					rec.truncated = true
					continue
				}
				budget -= len(k) + len(v)
				kept[k] = append(kept[k], v)
			}
		}
	}

	values, hb := 0, 0
	for k, vs := range kept {
		values += len(vs)
		hb += len(vs) * len(k)
		for _, v := range vs {
			hb += len(v)
		}
	}
	rec.size = len(method) + len(path) + hb + len(body)
	const prefix = binary.MaxVarintLen32 // every length here is below 2^32
	data := make([]byte, 0, rec.size+prefix*(3+2*values))
	data = appendString(data, method)
	data = appendString(data, path)
	data = binary.AppendUvarint(data, uint64(values))
	for k, vs := range kept {
		for _, v := range vs {
			data = appendString(data, k)
			data = appendString(data, v)
		}
	}
	data = append(data, body...)
	rec.data = data
	return rec
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decode turns a record back into a Request the caller owns.
func (rec record) decode() Request {
	d := rec.data
	next := func() string {
		n, w := binary.Uvarint(d)
		s := string(d[w : w+int(n)])
		d = d[w+int(n):]
		return s
	}
	req := Request{Method: next(), Path: next(), Truncated: rec.truncated}
	values, w := binary.Uvarint(d)
	d = d[w:]
	req.Header = make(http.Header)
	for range values {
		k := next()
		req.Header[k] = append(req.Header[k], next())
	}
	if len(d) > 0 {
		req.Body = slices.Clone(d)
	}
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
	for _, rec := range rc.queue[rc.head:] {
		out = append(out, rec.decode())
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
