package loremuptest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/loremuptest"
)

func TestInject_StatusAnswersTheNextNRequestsWithAnErrorDocument(t *testing.T) {
	srv := startServer(t)
	srv.Inject(2, loremuptest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "7"})

	for i := range 2 {
		resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
		errs := requireErrorDoc(t, resp, body, http.StatusServiceUnavailable)
		assert.Equal(t, "injected_fault", errs[0].Code, "request %d", i)
		assert.Equal(t, "7", resp.Header.Get("Retry-After"))
		assert.Empty(t, resp.Header.Values("Set-Cookie"), "a fault starts no session")
	}
	login(t, srv)
	assert.Equal(t, 1, srv.ActiveSessions())
	assert.Equal(t, 3, srv.RequestCount())
}

func TestInject_QueuesInOrderOnAnyPath(t *testing.T) {
	srv := startServer(t)
	srv.Inject(2, loremuptest.Fault{Status: 503})
	srv.Inject(1, loremuptest.Fault{Status: 429})
	srv.Inject(0, loremuptest.Fault{Status: 500}) // does nothing

	var got []int
	for _, path := range []string{sessionsPath, "/elsewhere", sessionsPath, sessionsPath} {
		resp, _ := send(t, srv.Client(), http.MethodPost, srv.URL+path, apiHeader(srv.Token), loginBody)
		got = append(got, resp.StatusCode)
	}
	assert.Equal(t, []int{503, 503, 429, 201}, got)
}

func TestInject_StatusWithHeaderAndBody(t *testing.T) {
	srv := startServer(t)
	noRedirect := &http.Client{
		Transport:     srv.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	t.Run("redirect", func(t *testing.T) {
		srv.Inject(1, loremuptest.Fault{Status: http.StatusFound, Header: http.Header{"Location": {"/login"}}})
		resp, _ := send(t, noRedirect, http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
		assert.Equal(t, http.StatusFound, resp.StatusCode)
		assert.Equal(t, "/login", resp.Header.Get("Location"))
	})
	t.Run("rails style body", func(t *testing.T) {
		rails := `{"errors":{"email":["is invalid"]}}`
		srv.Inject(1, loremuptest.Fault{Status: 422, Body: rails})
		resp, body := send(t, noRedirect, http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
		assert.Equal(t, 422, resp.StatusCode)
		assert.Equal(t, apiMediaType, resp.Header.Get("Content-Type"))
		assert.JSONEq(t, rails, string(body))
	})
	t.Run("html body", func(t *testing.T) {
		srv.Inject(1, loremuptest.Fault{Status: 502, Body: "<h1>Bad Gateway</h1>", Header: http.Header{"Content-Type": {"text/html"}}})
		resp, body := send(t, noRedirect, http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
		assert.Equal(t, 502, resp.StatusCode)
		assert.Equal(t, "text/html", resp.Header.Get("Content-Type"))
		assert.Equal(t, "<h1>Bad Gateway</h1>", string(body))
	})
	assert.Zero(t, srv.ActiveSessions())
}

func TestInject_PanicsOnAStatusNetHTTPCannotSend(t *testing.T) {
	srv := startServer(t)
	for _, status := range []int{42, 100, 600} {
		assert.Panics(t, func() { srv.Inject(1, loremuptest.Fault{Status: status}) }, status)
		assert.Panics(t, func() { srv.InjectEvery(2, loremuptest.Fault{Status: status}) }, status)
	}
}

// A fault with a Method waits for a request of that method; requests of
// other methods pass it by and take the faults queued after it.
func TestInject_MethodLimitsTheFaultToRequestsOfThatMethod(t *testing.T) {
	for _, method := range []string{http.MethodDelete, "delete"} {
		t.Run(method, func(t *testing.T) {
			srv := startServer(t)
			srv.Inject(1, loremuptest.Fault{Method: method, Status: http.StatusServiceUnavailable})
			srv.Inject(1, loremuptest.Fault{Status: http.StatusInternalServerError})

			resp, _ := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
			assert.Equal(t, http.StatusInternalServerError, resp.StatusCode, "a login passes the logout's fault by")
			cookie := login(t, srv)
			resp, _ = send(t, srv.Client(), http.MethodDelete, srv.URL+sessionsPath, withCookie(srv.Token, cookie), logoutBody)
			assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "the first logout takes it")
			assert.Equal(t, 1, srv.ActiveSessions(), "a fault ends no session")
			resp, _ = send(t, srv.Client(), http.MethodDelete, srv.URL+sessionsPath, withCookie(srv.Token, cookie), logoutBody)
			assert.Equal(t, http.StatusNoContent, resp.StatusCode)
			assert.Zero(t, srv.ActiveSessions())
		})
	}
}

// InjectEvery with a Method counts only that method's requests.
func TestInjectEvery_MethodCountsOnlyRequestsOfThatMethod(t *testing.T) {
	srv := startServer(t)
	srv.InjectEvery(2, loremuptest.Fault{Method: http.MethodPost, Status: http.StatusServiceUnavailable})

	var got []int
	for _, method := range []string{http.MethodPost, http.MethodGet, http.MethodPost, http.MethodGet, http.MethodPost, http.MethodPost} {
		resp, _ := send(t, srv.Client(), method, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
		got = append(got, resp.StatusCode)
	}
	assert.Equal(t, []int{201, 404, 503, 404, 201, 503}, got, "GET is 404 and not counted")
}

func TestInject_PanicsOnAMethodNoRequestCanHave(t *testing.T) {
	srv := startServer(t)
	for _, method := range []string{"PO ST", "GET\n", "DELETE:"} {
		assert.Panics(t, func() { srv.Inject(1, loremuptest.Fault{Method: method}) }, method)
		assert.Panics(t, func() { srv.InjectEvery(2, loremuptest.Fault{Method: method}) }, method)
	}
	login(t, srv) // nothing was queued
}

func TestInject_LatencyDelaysThenServesNormally(t *testing.T) {
	const latency = 50 * time.Millisecond
	srv := startServer(t)
	srv.Inject(1, loremuptest.Fault{Latency: latency})

	start := time.Now()
	login(t, srv)
	assert.GreaterOrEqual(t, time.Since(start), latency)
	assert.Equal(t, 1, srv.ActiveSessions(), "latency alone changes nothing else")
}

func TestInject_LatencyThenStatus(t *testing.T) {
	const latency = 20 * time.Millisecond
	srv := startServer(t)
	srv.Inject(1, loremuptest.Fault{Latency: latency, Status: 504})

	start := time.Now()
	resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
	assert.GreaterOrEqual(t, time.Since(start), latency)
	requireErrorDoc(t, resp, body, 504)
}

func TestInject_LatencyEndsWhenTheClientGivesUp(t *testing.T) {
	logs := newLogRecorder()
	srv := startServer(t, loremuptest.WithLogger(slog.New(logs)))
	srv.Inject(1, loremuptest.Fault{Latency: time.Hour})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := postLogin(ctx, srv.Client(), srv)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	// The handler returns at once rather than sleeping out the hour: its
	// log line arrives (goleak in TestMain checks nothing is left behind).
	select {
	case line := <-logs.lines:
		assert.Equal(t, "latency: client gone", line["fault"])
		assert.Equal(t, "0", line["status"])
	case <-time.After(10 * time.Second):
		t.Fatal("the handler is still waiting out the latency")
	}
	assert.Zero(t, srv.ActiveSessions())
}

func TestInject_LatencyEndsWhenTheServerCloses(t *testing.T) {
	srv := loremuptest.NewServer(loremuptest.WithUser(email, password))
	srv.Inject(1, loremuptest.Fault{Latency: time.Hour})
	client := srv.Client()

	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := postLogin(context.Background(), client, srv)
		if err != nil {
			done <- result{err: err}
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		done <- result{status: resp.StatusCode}
	}()
	require.Eventually(t, func() bool { return srv.RequestCount() == 1 }, 10*time.Second, time.Millisecond)

	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waits for the injected latency")
	}
	r := <-done
	require.NoError(t, r.err)
	assert.Equal(t, http.StatusCreated, r.status, "the request is served once the wait ends")
}

func TestInject_DropClosesTheConnectionWithoutAnAnswer(t *testing.T) {
	srv := startServer(t)
	srv.Inject(1, loremuptest.Fault{Drop: true})

	resp, err := postLogin(context.Background(), srv.Client(), srv)
	if resp != nil {
		resp.Body.Close()
	}
	require.Error(t, err)
	assert.True(t, errors.Is(err, io.EOF) || strings.Contains(err.Error(), "connection reset"), "%v", err)
	assert.Equal(t, 1, srv.RequestCount(), "the dropped request was seen")
	assert.Zero(t, srv.ActiveSessions())

	login(t, srv)
	assert.Equal(t, 2, srv.ConnectionCount(), "the next request needs a new connection")
}

func TestInject_DropMidBodySendsHeadAndPartOfTheBody(t *testing.T) {
	tests := []struct {
		name   string
		fault  loremuptest.Fault
		status int
	}{
		{"default status", loremuptest.Fault{DropMidBody: true}, http.StatusCreated},
		{"chosen status", loremuptest.Fault{DropMidBody: true, Status: 503, RetryAfter: "1"}, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t)
			srv.Inject(1, tt.fault)

			resp, err := postLogin(context.Background(), srv.Client(), srv)
			require.NoError(t, err, "the head arrives")
			defer resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, apiMediaType, resp.Header.Get("Content-Type"))
			assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
			assert.Equal(t, tt.fault.RetryAfter, resp.Header.Get("Retry-After"))
			body, err := io.ReadAll(resp.Body)
			require.ErrorIs(t, err, io.ErrUnexpectedEOF)
			assert.NotEmpty(t, body, "part of the body came")
			assert.Less(t, int64(len(body)), resp.ContentLength)
			assert.Zero(t, srv.ActiveSessions())
		})
	}
}

func TestInject_MalformedBodyAnswersInvalidJSON(t *testing.T) {
	srv := startServer(t)
	srv.Inject(1, loremuptest.Fault{MalformedBody: true})
	srv.Inject(1, loremuptest.Fault{MalformedBody: true, Status: 422})

	resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, apiMediaType, resp.Header.Get("Content-Type"))
	assert.NotEmpty(t, body)
	assert.False(t, json.Valid(body), "%s", body)
	assert.Empty(t, resp.Header.Values("Set-Cookie"))

	resp, body = send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.False(t, json.Valid(body), "%s", body)
	assert.Zero(t, srv.ActiveSessions())
}

func TestInjectEvery_FaultsEveryKthRequest(t *testing.T) {
	srv := startServer(t)
	login(t, srv) // requests before InjectEvery do not count
	srv.InjectEvery(3, loremuptest.Fault{Status: 503})

	var got []int
	for range 9 {
		resp, _ := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
		got = append(got, resp.StatusCode)
	}
	assert.Equal(t, []int{201, 201, 503, 201, 201, 503, 201, 201, 503}, got)

	srv.InjectEvery(0, loremuptest.Fault{Status: 503})
	for range 3 {
		login(t, srv)
	}
}

func TestInjectEvery_QueuedFaultsComeFirst(t *testing.T) {
	srv := startServer(t)
	srv.InjectEvery(2, loremuptest.Fault{Status: 503})
	srv.Inject(1, loremuptest.Fault{Status: 429})

	var got []int
	for range 4 {
		resp, _ := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
		got = append(got, resp.StatusCode)
	}
	assert.Equal(t, []int{429, 503, 201, 503}, got)
}

func TestClearFaults_CancelsQueuedAndPeriodicFaults(t *testing.T) {
	srv := startServer(t)
	srv.Inject(5, loremuptest.Fault{Status: 503})
	srv.InjectEvery(1, loremuptest.Fault{Drop: true})
	srv.ClearFaults()

	for range 3 {
		login(t, srv)
	}
	assert.Equal(t, 3, srv.ActiveSessions())
}
