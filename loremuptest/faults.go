package loremuptest

import "github.com/loremup/loremup-go/internal/fake"

// Fault is what an injected failure does to one request: a status with
// a Retry-After, latency, a connection dropped before or in the middle of
// the answer, or a success whose body is not JSON. Its fields are
// documented on the type it names.
type Fault = fake.Fault

// Inject makes the next n requests (in arrival order, on any path) suffer
// f; with f.Method set, the next n requests of that method. Calls queue
// up: Inject(2, a) then Inject(1, b) gives a, a, b. A request takes the
// first queued fault meant for its method, so Inject(1, Fault{Method:
// "POST", Status: 503}) then Inject(1, Fault{Status: 500}) gives a DELETE
// arriving first the 500 and the POST after it the 503. n <= 0 does
// nothing. It panics if f.Status is neither 0 nor 200-599, or f.Method is
// not an HTTP method.
func (s *Server) Inject(n int, f Fault) {
	if err := s.h.Inject(n, f); err != nil {
		panic("loremuptest: Inject: " + err.Error())
	}
}

// InjectEvery makes every k-th request from now on suffer f: requests k,
// 2k, 3k... counted from this call, for soak tests. With f.Method set only
// requests of that method are counted and suffer it: InjectEvery(2,
// Fault{Method: "POST", Status: 503}) fails every second login and no
// logout. It replaces an earlier InjectEvery; k <= 0 stops it. Faults
// queued by [Server.Inject] come first (a request they take still counts
// towards k). It panics if f.Status is neither 0 nor 200-599, or f.Method
// is not an HTTP method.
func (s *Server) InjectEvery(k int, f Fault) {
	if err := s.h.InjectEvery(k, f); err != nil {
		panic("loremuptest: InjectEvery: " + err.Error())
	}
}

// ClearFaults cancels every fault queued by [Server.Inject] and the one set
// by [Server.InjectEvery]. Requests already waiting out a Latency are not
// affected.
func (s *Server) ClearFaults() { s.h.ClearFaults() }
