package fake

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/loremup/loremup-go/internal/wire"
)

// Fault is what an injected failure does to one request. Latency is
// waited out first; then the first of Drop, DropMidBody, MalformedBody
// and Status that is set decides the answer. With none of those set, the
// request is served normally after the Latency.
//
// A fault that answers or drops a request never changes the server's
// state: no session starts or ends. The request is still recorded and
// counted.
type Fault struct {
	// Method, when set, makes the fault apply only to requests of this
	// method, e.g. http.MethodPost (logins) or http.MethodDelete
	// (logouts); requests of other methods pass it by. It is upper-cased,
	// as HTTP clients send methods. Empty means every method.
	Method string `json:"method,omitempty"`
	// Status answers with this status (200-599) and a JSON:API error
	// document, e.g. 503 to make a client retry, or 302 with a Location
	// in Header to check that a client does not follow redirects.
	Status int `json:"status,omitempty"`
	// RetryAfter is sent as the Retry-After header of a Status or
	// MalformedBody answer: seconds ("1") or an HTTP date.
	RetryAfter string `json:"retry_after,omitempty"`
	// Header holds extra headers of a Status, MalformedBody or DropMidBody
	// answer, e.g. Location, or a Content-Type for Body.
	Header http.Header `json:"headers,omitempty"`
	// Body, when set, replaces the JSON:API error document of a Status
	// answer, e.g. a Rails-style {"errors":{"email":["is invalid"]}} or an
	// HTML page (with a Content-Type in Header; the default is
	// application/vnd.api+json).
	Body string `json:"body,omitempty"`
	// Latency delays the request, then the rest of the Fault applies. The
	// wait ends early when the client gives up (nothing is answered then)
	// or the server closes.
	Latency time.Duration `json:"-"`
	// Drop closes the connection without answering.
	Drop bool `json:"drop,omitempty"`
	// DropMidBody sends the head of an answer (Status, 201 Created if
	// zero) whose Content-Length promises more body than follows, sends
	// half of that body, and closes the connection.
	DropMidBody bool `json:"drop_mid_body,omitempty"`
	// MalformedBody answers Status (201 Created if zero), Content-Type
	// application/vnd.api+json, with a body that is not valid JSON.
	MalformedBody bool `json:"malformed_body,omitempty"`
}

// checked refuses a Status that net/http could not send as a final
// answer, and a method no request can have (not an HTTP token): its
// fault would wait for ever. It returns a copy of f the caller cannot
// change, with the method upper-cased as clients send it.
func checked(f Fault) (Fault, error) {
	if f.Method != "" && !IsToken(f.Method) {
		return f, fmt.Errorf("fault method %q is not an HTTP method", f.Method)
	}
	if f.Status != 0 && (f.Status < 200 || f.Status > 599) {
		return f, fmt.Errorf("fault status %d is not a final HTTP status (want 0 or 200-599)", f.Status)
	}
	f.Header, f.Method = f.Header.Clone(), strings.ToUpper(f.Method)
	return f, nil
}

// IsToken reports whether s is an HTTP token (RFC 9110 tchar+), as a
// method and a header name are.
func IsToken(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		isAlnum := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		return !isAlnum && !strings.ContainsRune("!#$%&'*+-.^_`|~", r)
	})
}

// Inject queues f for the next n requests (of f.Method, when set); see
// loremuptest's Server.Inject.
func (h *Handler) Inject(n int, f Fault) error {
	f, err := checked(f)
	if err != nil || n <= 0 {
		return err
	}
	h.faults.mu.Lock()
	h.faults.queue = append(h.faults.queue, PendingFault{Times: n, Fault: f})
	h.faults.mu.Unlock()
	return nil
}

// InjectEvery gives f to every k-th request from now on; see
// loremuptest's Server.InjectEvery.
func (h *Handler) InjectEvery(k int, f Fault) error {
	f, err := checked(f)
	if err != nil {
		return err
	}
	h.faults.mu.Lock()
	h.faults.every, h.faults.seen = PendingFault{Every: max(k, 0), Fault: f}, 0
	h.faults.mu.Unlock()
	return nil
}

// ClearFaults drops every queued and periodic fault.
func (h *Handler) ClearFaults() {
	h.faults.mu.Lock()
	h.faults.queue, h.faults.every, h.faults.seen = nil, PendingFault{}, 0
	h.faults.mu.Unlock()
}

// PendingFault is a fault queued for the next Times requests, or given
// to every Every-th one.
type PendingFault struct {
	Times int `json:"times,omitempty"`
	Every int `json:"every,omitempty"`
	Fault
}

// PendingFaults returns the queued faults in the order requests will
// take them, then the periodic one if any.
func (h *Handler) PendingFaults() []PendingFault {
	s := &h.faults
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append(make([]PendingFault, 0, len(s.queue)+1), s.queue...)
	if s.every.Every > 0 {
		out = append(out, s.every)
	}
	for i := range out {
		out[i].Header = out[i].Header.Clone()
	}
	return out
}

type faultState struct {
	mu    sync.Mutex
	queue []PendingFault
	every PendingFault // Every 0: none
	seen  int          // requests of every.Method since InjectEvery
}

// next takes the fault, if any, that the request now arriving with
// method suffers: the first queued one meant for its method, else the
// periodic one when this request is its k-th.
func (s *faultState) next(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	periodic := s.every.Every > 0 && (s.every.Method == "" || s.every.Method == method)
	if periodic {
		s.seen++
	}
	for i := range s.queue {
		q := &s.queue[i]
		if q.Method != "" && q.Method != method {
			continue
		}
		f := q.Fault
		if q.Times--; q.Times == 0 {
			s.queue = slices.Delete(s.queue, i, i+1) // zeroes the freed slot: its Header can be collected
		}
		return f, true
	}
	if periodic && s.seen%s.every.Every == 0 {
		return s.every.Fault, true
	}
	return Fault{}, false
}

// applyFault does what f says to the exchange and reports whether it
// answered (or dropped) the request; false means serve it normally.
func (h *Handler) applyFault(e *exchange, f Fault) bool {
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		defer t.Stop()
		select {
		case <-e.r.Context().Done():
			e.fault = "latency: client gone"
			return true // nobody is left to answer
		case <-t.C:
		case <-h.done: // closing: the rest of the fault applies at once
		}
		h.armWrite(e.w)
	}
	switch {
	case f.Drop:
		e.fault = "drop"
		h.drop(e, nil)
	case f.DropMidBody:
		e.fault = "drop_mid_body"
		h.drop(e, &f)
	case f.MalformedBody:
		e.fault = "malformed_body"
		setFaultHeaders(e.w.Header(), f)
		h.writeRaw(e, cmp.Or(f.Status, http.StatusCreated), wire.ContentTypeJSONAPI, []byte(`{"data": {"type": "sessions", "id": `))
	case f.Status != 0:
		e.fault = "status"
		setFaultHeaders(e.w.Header(), f)
		if f.Body != "" {
			h.writeRaw(e, f.Status, wire.ContentTypeJSONAPI, []byte(f.Body))
		} else {
			h.fail(e, f.Status, "injected_fault", "this answer was injected by the test", nil)
		}
	default:
		if f.Latency > 0 {
			e.fault = "latency"
		}
		return false
	}
	return true
}

func setFaultHeaders(hdr http.Header, f Fault) {
	for k, vs := range f.Header {
		hdr[k] = append([]string(nil), vs...)
	}
	if f.RetryAfter != "" {
		hdr.Set("Retry-After", f.RetryAfter)
	}
}

// midBody is the body an answer cut short promises; only its first half
// is sent.
const midBody = `{"meta": {"note": "this answer is cut short: the connection closes before its end"}}`

// drop takes the connection over and closes it: at once when mid is nil,
// otherwise after the head of an answer (mid.Status, 201 by default) and
// half of the body its Content-Length promises.
func (h *Handler) drop(e *exchange, mid *Fault) {
	conn, brw, err := http.NewResponseController(e.w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2 or a recorder: net/http's own way to abort an answer
	}
	e.conn = conn // closed by finish once the request is recorded, so a client's next request is recorded after it
	if mid == nil {
		return
	}
	status := cmp.Or(mid.Status, http.StatusCreated)
	e.status = status
	hdr := http.Header{}
	setFaultHeaders(hdr, *mid)
	hdr.Set("Content-Type", wire.ContentTypeJSONAPI)
	hdr.Set("Content-Length", strconv.Itoa(len(midBody)))
	hdr.Set(wire.RequestIDHeader, e.id)
	fmt.Fprintf(brw, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	_ = hdr.Write(brw)
	_, _ = brw.WriteString("\r\n" + midBody[:len(midBody)/2])
	_ = brw.Flush()
}
