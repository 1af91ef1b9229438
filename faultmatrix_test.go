package loremup_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

func TestFaultMatrix(t *testing.T) {
	status := func(code int) loremuptest.Fault { return loremuptest.Fault{Status: code} }
	shortWaits := loremup.WithRetryWait(time.Millisecond, 50*time.Millisecond)
	var retryAt time.Time // the date a Retry-After names, set when its case injects it
	tests := []faultCase{
		{name: "503 burst shorter than the retries", faults: func(s *loremuptest.Server) { s.Inject(3, status(503)) },
			wantOK: true, wantRequests: 4},
		{name: "503 burst longer than the retries", faults: func(s *loremuptest.Server) { s.Inject(10, status(503)) },
			wantStatus: 503, wantRequests: 4, check: attempts(4)},
		{name: "502 burst", faults: func(s *loremuptest.Server) { s.Inject(2, status(502)) },
			wantOK: true, wantRequests: 3},
		{name: "504 burst", faults: func(s *loremuptest.Server) { s.Inject(2, status(504)) },
			wantOK: true, wantRequests: 3},
		{name: "500 is not retried", faults: func(s *loremuptest.Server) { s.Inject(1, status(500)) },
			wantStatus: 500, wantRequests: 1},
		{name: "429 Retry-After seconds is honoured", faults: func(s *loremuptest.Server) { s.Inject(1, rateLimited("1")) },
			opts:   []loremup.Option{loremup.WithRetryWait(time.Millisecond, 10*time.Second)},
			wantOK: true, wantRequests: 2, minElapsed: time.Second},
		{name: "429 Retry-After HTTP date is honoured", faults: func(s *loremuptest.Server) {
			// An HTTP date has whole seconds: this one is 1 to 2 s ahead.
			retryAt = time.Now().Add(2 * time.Second).Truncate(time.Second)
			s.Inject(1, rateLimited(retryAt.UTC().Format(http.TimeFormat)))
		},
			opts:   []loremup.Option{loremup.WithRetryWait(time.Millisecond, 10*time.Second)},
			wantOK: true, wantRequests: 2,
			check: func(t *testing.T, _ *loremup.Session, _ error) {
				t.Helper()
				// The retry, and so the call's end, comes no earlier than
				// the date; measured from the date itself, not from when
				// the call began, so a stall in between changes nothing.
				assert.False(t, time.Now().Before(retryAt), "the call ended before the date the server named (%s)", retryAt)
			}},
		{name: "429 Retry-After absurdly large is capped", faults: func(s *loremuptest.Server) { s.Inject(1, rateLimited("31536000")) },
			opts: []loremup.Option{shortWaits}, wantOK: true, wantRequests: 2, maxElapsed: 5 * time.Second},
		{name: "429 Retry-After negative is ignored", faults: func(s *loremuptest.Server) { s.Inject(1, rateLimited("-30")) },
			opts: []loremup.Option{shortWaits}, wantOK: true, wantRequests: 2, maxElapsed: 5 * time.Second},
		{name: "429 Retry-After garbage is ignored", faults: func(s *loremuptest.Server) { s.Inject(1, rateLimited("tomorrow")) },
			opts: []loremup.Option{shortWaits}, wantOK: true, wantRequests: 2, maxElapsed: 5 * time.Second},
		{name: "connection dropped before the answer, once", faults: func(s *loremuptest.Server) { s.Inject(1, loremuptest.Fault{Drop: true}) },
			wantOK: true, wantRequests: 2},
		{name: "connection dropped before every answer", faults: func(s *loremuptest.Server) { s.Inject(10, loremuptest.Fault{Drop: true}) },
			wantRequests: 4, wantIs: io.EOF},
		{name: "connection dropped mid-body is not retried", faults: func(s *loremuptest.Server) { s.Inject(1, loremuptest.Fault{DropMidBody: true}) },
			// The answer's head arrived: the login happened, so sending it
			// again would start a second session.
			wantRequests: 1, wantIs: io.ErrUnexpectedEOF},
		{name: "server never answers: the caller's deadline wins", faults: func(s *loremuptest.Server) { s.Inject(1, loremuptest.Fault{Latency: time.Hour}) },
			ctx: 200 * time.Millisecond, wantRequests: 1, wantIs: context.DeadlineExceeded, maxElapsed: 5 * time.Second},
		{name: "201 with malformed JSON is still a login", faults: func(s *loremuptest.Server) { s.Inject(1, loremuptest.Fault{MalformedBody: true}) },
			wantOK: true, wantRequests: 1, check: func(t *testing.T, sess *loremup.Session, _ error) {
				t.Helper()
				assert.Nil(t, sess.Body())
			}},
		{name: "200 HTML page is not a login", faults: func(s *loremuptest.Server) {
			s.Inject(1, loremuptest.Fault{Status: 200, Body: "<html>Sign in</html>", Header: http.Header{"Content-Type": {"text/html"}}})
		}, wantStatus: 200, wantIs: loremup.ErrUnexpectedResponse, wantRequests: 1},
		{name: "201 with an empty body is a login", faults: func(s *loremuptest.Server) {
			s.Inject(1, loremuptest.Fault{Status: 201, Body: " ", Header: http.Header{"Content-Type": {"application/vnd.api+json"}}})
		}, wantOK: true, wantRequests: 1},
		{name: "error body larger than the cap", faults: func(s *loremuptest.Server) {
			s.Inject(1, loremuptest.Fault{Status: 422, Body: `{"errors":[{"detail":"` + string(make([]byte, 4096)) + `"}]}`})
		}, opts: []loremup.Option{loremup.WithMaxResponseBytes(1024)}, wantStatus: 422, wantRequests: 1,
			check: func(t *testing.T, _ *loremup.Session, err error) {
				t.Helper()
				var apiErr *loremup.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.True(t, apiErr.BodyTruncated)
				assert.Len(t, apiErr.Body, 1024)
			}},
		{name: "garbage error body", faults: func(s *loremuptest.Server) {
			s.Inject(1, loremuptest.Fault{Status: 422, Body: "\x00\xffnot json", Header: http.Header{"Content-Type": {"application/octet-stream"}}})
		}, wantStatus: 422, wantIs: loremup.ErrUnprocessableEntity, wantRequests: 1,
			check: func(t *testing.T, _ *loremup.Session, err error) {
				t.Helper()
				var apiErr *loremup.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Empty(t, apiErr.Errors)
				assert.Equal(t, "\x00\xffnot json", string(apiErr.Body))
			}},
		{name: "redirect to a login page", faults: func(s *loremuptest.Server) {
			s.Inject(1, loremuptest.Fault{Status: 302, Header: http.Header{"Location": {"/users/sign_in"}}})
		}, wantStatus: 302, wantRequests: 1, check: func(t *testing.T, _ *loremup.Session, err error) {
			t.Helper()
			var apiErr *loremup.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, "/users/sign_in", apiErr.Location)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runFaultCase(t, tt) })
	}
}

func TestFaultMatrix_ConnectionRefusedIsRetriedThenReported(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now
	var logs []string
	c := newLoopbackClient(t, "http://"+addr, loremup.WithLogger(newCaptureLogger(&logs)))

	_, err = c.Sessions.Create(context.Background(), createParams())

	require.ErrorIs(t, err, syscall.ECONNREFUSED)
	assert.Contains(t, err.Error(), "after 4 attempts")
	assert.Len(t, filter(logs, "loremup: retrying"), 3)
}

func TestFaultMatrix_HeadersThatNeverFinish(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	served := make(chan struct{})
	go func() {
		defer close(served)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = http.ReadRequest(bufio.NewReader(conn))
		_, _ = io.WriteString(conn, "HTTP/1.1 201 Created\r\nContent-Type: application/vnd")
		<-done // never finish the headers
	}()
	defer func() { close(done); _ = ln.Close(); <-served }()
	c := newLoopbackClient(t, "http://"+ln.Addr().String())

	start := time.Now()
	_, err = c.Sessions.Create(ctxTimeout(t, 200*time.Millisecond), createParams())

	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second)
}
