package loremuptest

import (
	"net/http"
	"strings"
	"time"

	"github.com/loremup/loremup-go/internal/fake"
)

// Fault is what an injected failure does to one request. Latency is
// waited out first; then the first of Drop, DropMidBody, MalformedBody
// and Status that is set decides the answer. With none of those set, the
// request is served normally after the Latency.
//
// A fault that answers or drops a request never changes the server's
// state: no session starts or ends. The request is still recorded and
// counted.
//
// Method limits a fault to the requests of one method, so that a test
// can fail logins and leave logouts alone (or the other way round)
// whatever the order of its requests.
type Fault struct {
	// Method, when set, makes the fault apply only to requests of this
	// method, e.g. http.MethodPost (logins) or http.MethodDelete
	// (logouts); requests of other methods pass it by. It is upper-cased,
	// as HTTP clients send methods. Empty means every method.
	Method string
	// Status answers with this status (200-599) and a JSON:API error
	// document, e.g. 503 to make a client retry, or 302 with a Location
	// in Header to check that a client does not follow redirects.
	Status int
	// RetryAfter is sent as the Retry-After header of a Status or
	// MalformedBody answer: seconds ("1") or an HTTP date.
	RetryAfter string
	// Header holds extra headers of a Status, MalformedBody or DropMidBody
	// answer, e.g. Location, or a Content-Type for Body.
	Header http.Header
	// Body, when set, replaces the JSON:API error document of a Status
	// answer, e.g. a Rails-style {"errors":{"email":["is invalid"]}} or an
	// HTML page (with a Content-Type in Header; the default is
	// application/vnd.api+json).
	Body string
	// Latency delays the request, then the rest of the Fault applies. The
	// wait ends early when the client gives up (nothing is answered then)
	// or the server closes.
	Latency time.Duration
	// Drop closes the connection without answering.
	Drop bool
	// DropMidBody sends the head of an answer (Status, 201 Created if
	// zero) whose Content-Length promises more body than follows, sends
	// half of that body, and closes the connection.
	DropMidBody bool
	// MalformedBody answers Status (201 Created if zero), Content-Type
	// application/vnd.api+json, with a body that is not valid JSON.
	MalformedBody bool
}

// Inject makes the next n requests (in arrival order, on any path) suffer
// f; with f.Method set, the next n requests of that method. Calls queue
// up: Inject(2, a) then Inject(1, b) gives a, a, b. A request takes the
// first queued fault meant for its method, so Inject(1, Fault{Method:
// "POST", Status: 503}) then Inject(1, Fault{Status: 500}) gives a DELETE
// arriving first the 500 and the POST after it the 503. n <= 0 does
// nothing. It panics if f.Status is neither 0 nor 200-599, or f.Method is
// not an HTTP method.
func (s *Server) Inject(n int, f Fault) {
	method, ff := f.split()
	if err := s.h.InjectFor(method, n, ff); err != nil {
		panic("loremuptest: Inject: " + err.Error())
	}
}

// InjectEvery makes every k-th request from now on suffer f: requests k,
// 2k, 3k... counted from this call, for soak tests. With f.Method set only
// requests of that method are counted and suffer it: InjectEvery(2,
// Fault{Method: "POST", Status: 503}) fails every second login and no
// logout. It replaces an earlier InjectEvery; k <= 0 stops it. Faults
// queued by Inject come first (a request they take still counts towards
// k). It panics if f.Status is neither 0 nor 200-599, or f.Method is not
// an HTTP method.
func (s *Server) InjectEvery(k int, f Fault) {
	method, ff := f.split()
	if err := s.h.InjectEveryFor(method, k, ff); err != nil {
		panic("loremuptest: InjectEvery: " + err.Error())
	}
}

// split separates the method a fault is meant for from what it does,
// as the fake's handler takes them.
func (f Fault) split() (string, fake.Fault) {
	return strings.ToUpper(f.Method), fake.Fault{
		Status:        f.Status,
		RetryAfter:    f.RetryAfter,
		Header:        f.Header,
		Body:          f.Body,
		Latency:       f.Latency,
		Drop:          f.Drop,
		DropMidBody:   f.DropMidBody,
		MalformedBody: f.MalformedBody,
	}
}

// ClearFaults cancels every fault queued by Inject and the one set by
// InjectEvery. Requests already waiting out a Latency are not affected.
func (s *Server) ClearFaults() { s.h.ClearFaults() }
