package fake

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/loremup/loremup-go/internal/wire"
)

// This file is fault injection: which request gets which fault, and
// what each fault does to it.

// Fault is what an injected failure does to one request; loremuptest.Fault
// documents it for users and converts to it. Latency is waited out first;
// then the first of Drop, DropMidBody, MalformedBody and Status that is
// set decides the answer. With none set the request is served normally
// after the latency. A fault that answers never changes sessions.
type Fault struct {
	Status        int
	RetryAfter    string
	Header        http.Header
	Body          string
	Latency       time.Duration
	Drop          bool
	DropMidBody   bool
	MalformedBody bool
}

// ValidateFault refuses a Status that net/http could not send as a final
// answer.
func ValidateFault(f Fault) error {
	if f.Status != 0 && (f.Status < 200 || f.Status > 599) {
		return fmt.Errorf("fault status %d is not a final HTTP status (want 0 or 200-599)", f.Status)
	}
	return nil
}

// validateFaultFor is ValidateFault, and refuses a method no request
// can have (not an HTTP token): its fault would wait for ever.
func validateFaultFor(method string, f Fault) error {
	if strings.ContainsFunc(method, notTchar) {
		return fmt.Errorf("fault method %q is not an HTTP method", method)
	}
	return ValidateFault(f)
}

// notTchar reports whether r may not appear in an HTTP token (RFC 9110
// tchar), which a method is.
func notTchar(r rune) bool {
	isAlnum := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	return !isAlnum && !strings.ContainsRune("!#$%&'*+-.^_`|~", r)
}

// Inject makes the next n requests (counted across all paths and methods)
// suffer f; successive calls queue up in order. n <= 0 does nothing.
func (h *Handler) Inject(n int, f Fault) error { return h.InjectFor("", n, f) }

// InjectFor is Inject for the next n requests of one method ("POST",
// "DELETE"; "" is any method). A request takes the first queued fault
// meant for its method, so InjectFor("POST", 1, a) then Inject(1, b)
// gives a DELETE arriving first b, and the POST after it a.
func (h *Handler) InjectFor(method string, n int, f Fault) error {
	if err := validateFaultFor(method, f); err != nil {
		return err
	}
	if n <= 0 {
		return nil
	}
	h.faults.mu.Lock()
	h.faults.queue = append(h.faults.queue, queuedFault{left: n, method: method, f: cloneFault(f)})
	h.faults.mu.Unlock()
	return nil
}

// InjectEvery makes every k-th request from now on suffer f (requests k,
// 2k, 3k... counted from this call), replacing an earlier InjectEvery;
// k <= 0 stops it. Faults queued by Inject come first: a request they
// take is still counted but gets only the queued fault.
func (h *Handler) InjectEvery(k int, f Fault) error { return h.InjectEveryFor("", k, f) }

// InjectEveryFor is InjectEvery counting only the requests of one method
// ("" is any method): InjectEveryFor("POST", 2, f) fails every second
// login and no logout.
func (h *Handler) InjectEveryFor(method string, k int, f Fault) error {
	if err := validateFaultFor(method, f); err != nil {
		return err
	}
	h.faults.mu.Lock()
	h.faults.everyK, h.faults.everyMethod, h.faults.seen, h.faults.every = max(k, 0), method, 0, cloneFault(f)
	h.faults.mu.Unlock()
	return nil
}

// ClearFaults drops every queued and periodic fault.
func (h *Handler) ClearFaults() {
	h.faults.mu.Lock()
	h.faults.queue, h.faults.everyK, h.faults.everyMethod, h.faults.seen, h.faults.every = nil, 0, "", 0, Fault{}
	h.faults.mu.Unlock()
}

func cloneFault(f Fault) Fault {
	f.Header = f.Header.Clone() // the caller may go on changing theirs
	return f
}

type queuedFault struct {
	left   int
	method string // "" matches every method
	f      Fault
}

type faultState struct {
	mu          sync.Mutex
	queue       []queuedFault
	everyK      int
	everyMethod string // "" counts every method
	seen        int    // requests of everyMethod since InjectEvery
	every       Fault
}

// next takes the fault, if any, that the request now arriving with
// method suffers: the first queued one meant for its method, else the
// periodic one when this request is its k-th.
func (s *faultState) next(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	periodic := s.everyK > 0 && (s.everyMethod == "" || s.everyMethod == method)
	if periodic {
		s.seen++
	}
	for i := range s.queue {
		q := &s.queue[i]
		if q.method != "" && q.method != method {
			continue
		}
		f := q.f
		if q.left--; q.left == 0 {
			s.queue = slices.Delete(s.queue, i, i+1) // zeroes the freed slot: its Header can be collected
		}
		return f, true
	}
	if periodic && s.seen%s.everyK == 0 {
		return s.every, true
	}
	return Fault{}, false
}

// applyFault does what f says to the exchange and reports whether it
// answered (or dropped) the request; false means serve it normally.
func (h *Handler) applyFault(e *exchange, f Fault) bool {
	if f.Latency > 0 && !h.wait(e.r.Context(), f.Latency) {
		e.fault = "latency: client gone"
		return true // nobody is left to answer
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
		h.writeRaw(e, statusOr(f.Status, http.StatusCreated), wire.ContentTypeJSONAPI, []byte(`{"data": {"type": "sessions", "id": `))
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

// wait waits d, or less when the server closes; it returns false when the
// request's context ended first (the client went away).
func (h *Handler) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-h.done:
		return true
	case <-ctx.Done():
		return false
	}
}

func setFaultHeaders(hdr http.Header, f Fault) {
	for k, vs := range f.Header {
		hdr[k] = append([]string(nil), vs...)
	}
	if f.RetryAfter != "" {
		hdr.Set("Retry-After", f.RetryAfter)
	}
}

func statusOr(status, def int) int {
	if status == 0 {
		return def
	}
	return status
}

// midBody is the body an answer cut short promises; only its first half
// is sent.
const midBody = `{"meta": {"note": "this answer is cut short: the connection closes before its end"}}`

// drop takes the connection over and closes it: at once when mid is nil,
// otherwise after the head of an answer (mid.Status, 201 by default) and
// half of the body its Content-Length promises.
func (h *Handler) drop(e *exchange, mid *Fault) {
	hj, ok := e.w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // HTTP/2 or a recorder: net/http's own way to abort an answer
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	if mid == nil {
		return
	}
	status := statusOr(mid.Status, http.StatusCreated)
	e.status = status
	hdr := http.Header{}
	setFaultHeaders(hdr, *mid)
	hdr.Set("Content-Type", wire.ContentTypeJSONAPI)
	hdr.Set("Content-Length", strconv.Itoa(len(midBody)))
	hdr.Set(requestIDHeader, e.id)
	writeHead(brw.Writer, status, hdr)
	_, _ = brw.WriteString(midBody[:len(midBody)/2])
	_ = brw.Flush()
}

func writeHead(w *bufio.Writer, status int, hdr http.Header) {
	fmt.Fprintf(w, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	_ = hdr.Write(w)
	_, _ = w.WriteString("\r\n")
}
