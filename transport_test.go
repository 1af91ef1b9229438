package loremup_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
)

func TestTransport_SequentialCallsReuseOneConnection(t *testing.T) {
	var n atomic.Int64
	api := fakeHandler(t)
	bigError := strings.Repeat("x", 64<<10) // past go-retryablehttp's 4 KiB drain
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		switch n.Add(1) % 4 {
		case 0:
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = io.WriteString(w, errorDoc("422", "invalid", "bad email", "/form/email"))
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, bigError)
		default:
			api.ServeHTTP(w, r)
		}
	})
	tr := newReuseTracker()
	c := newLoopbackClient(t, srv.URL, loremup.WithHTTPClient(&http.Client{Transport: tr}), loremup.WithRetryWait(0, 0))

	var sess *loremup.Session
	for i := range 300 {
		if i%2 == 0 {
			sess, _ = c.Sessions.Create(context.Background(), createParams())
		} else {
			_ = c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess})
		}
	}

	assert.GreaterOrEqual(t, srv.requests.Load(), int64(300))
	tr.assertOneConnection(t, srv, "error answers, retries and successes all stay on one connection")
}

func TestTransport_ConnectionSurvivesRetriesRunningOut(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	tr := newReuseTracker()
	c := newLoopbackClient(t, srv.URL, loremup.WithHTTPClient(&http.Client{Transport: tr}),
		loremup.WithRetryWait(0, 0), loremup.WithRetryBudget(loremup.RetryBudget{}))

	for range 20 {
		_, err := c.Sessions.Create(context.Background(), createParams())
		require.Error(t, err)
	}
	assert.EqualValues(t, 80, srv.requests.Load())
	tr.assertOneConnection(t, srv, "a call that ran out of retries must not close the pool")
}

// reuseTracker is a transport (a clone of net/http's default) that
// accounts for every connection it did not reuse. net/http puts a
// connection back in its idle pool only when the answer's body was read
// to its end, neither side asked to close, the pool had room, and its
// writer goroutine reported the request written within 50 ms of the
// answer being read. The client controls all but the last, which a
// loaded machine can miss whatever the client does; the tracker checks
// the others, so a test can allow exactly those misses.
type reuseTracker struct {
	poolTrace
	rt                       *http.Transport
	answers, unread, closing atomic.Int64
}

func newReuseTracker() *reuseTracker {
	std, _ := http.DefaultTransport.(*http.Transport)
	return &reuseTracker{rt: std.Clone()}
}

func (tr *reuseTracker) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := tr.rt.RoundTrip(r.WithContext(tr.context(r.Context())))
	if err != nil {
		return nil, err
	}
	tr.answers.Add(1)
	if resp.Close || r.Close {
		tr.closing.Add(1)
	}
	tr.unread.Add(1)
	resp.Body = &trackedBody{ReadCloser: resp.Body, unread: &tr.unread, eof: resp.Body == http.NoBody}
	return resp, nil
}

// CloseIdleConnections lets the Client close the pool when a test ends.
func (tr *reuseTracker) CloseIdleConnections() { tr.rt.CloseIdleConnections() }

// assertOneConnection checks that every answer was read to its end and
// closed, that nothing asked for a connection to close or was refused by
// the pool, and that the only connections lost were those net/http's
// write check dropped: the server saw each of those close, and each
// connection after the first replaced one.
func (tr *reuseTracker) assertOneConnection(t *testing.T, srv *countingServer, msg string) {
	t.Helper()
	assert.Zero(t, tr.unread.Load(), "every answer was read to its end, then closed")
	assert.Zero(t, tr.closing.Load(), "no request or answer asked to close its connection")
	assert.Zero(t, tr.refused.Load(), "the idle pool took back every connection offered")
	dropped := tr.answers.Load() - tr.pooled.Load()
	t.Logf("%d connections opened, %d answers' connections not put back in the pool", srv.conns.Load(), dropped)
	srv.awaitClosed(dropped)
	assert.Equal(t, dropped, srv.closed.Load(), "no connection closed but those dropped by net/http's write check")
	assert.LessOrEqual(t, srv.conns.Load(), 1+dropped, msg)
}

// trackedBody counts itself read once it returned io.EOF and was closed.
type trackedBody struct {
	io.ReadCloser
	unread   *atomic.Int64
	eof, end bool
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

func (b *trackedBody) Close() error {
	if b.eof && !b.end {
		b.end = true
		b.unread.Add(-1)
	}
	return b.ReadCloser.Close()
}

// poolTrace counts, through net/http's client trace, the attempts and
// what the transport did with each one's connection once the answer was
// read: put it back in the idle pool, or had it refused by a full pool.
type poolTrace struct {
	attempts, pooled, refused atomic.Int64
}

func (p *poolTrace) context(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { p.attempts.Add(1) },
		PutIdleConn: func(err error) {
			if err != nil {
				p.refused.Add(1)
				return
			}
			p.pooled.Add(1)
		},
	})
}

func TestTransport_ConcurrentUseNeitherRacesNorChurns(t *testing.T) {
	const workers, calls = 32, 40
	api := fakeHandler(t)
	// Each worker's first login waits in the handler until all have
	// arrived: each then holds a connection of its own, so the pool
	// starts with exactly one per worker rather than however many the
	// transport's dial races open while it warms up.
	arrived := make(chan struct{}, workers)
	meet := make(chan struct{})
	var seen atomic.Int64
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) <= workers {
			arrived <- struct{}{}
			<-meet
		}
		api.ServeHTTP(w, r)
	})
	release := sync.OnceFunc(func() { close(meet) })
	t.Cleanup(release) // before the server's Close, which waits for handlers
	c := newLoopbackClient(t, srv.URL)

	var pool poolTrace
	ctx := pool.context(context.Background())
	var wg sync.WaitGroup
	errs := make(chan error, workers*calls)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range calls {
				sess, err := c.Sessions.Create(ctx, createParams())
				if err == nil {
					err = c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: deleteForm, Session: sess})
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	for range workers {
		<-arrived
	}
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	const total = 2 * workers * calls
	assert.EqualValues(t, total, srv.requests.Load())
	assert.EqualValues(t, total, pool.attempts.Load(), "one attempt per call")
	// A pool too small for the goroutines (net/http's default keeps 2
	// idle connections per host) refuses dozens to hundreds of
	// connections here, and each refused one is closed and a new one
	// dialed.
	assert.Zero(t, pool.refused.Load(), "the idle pool took back every connection offered")
	// net/http offers a connection back to the pool only once it knows
	// its writer finished the request; it waits 50 ms for that, and on a
	// loaded machine the writer goroutine can miss it: that connection is
	// closed, and a new one dialed, whatever the pool. Those are the only
	// connections that may close.
	notPooled := pool.attempts.Load() - pool.pooled.Load()
	t.Logf("%d connections opened, %d not offered back to the pool", srv.conns.Load(), notPooled)
	srv.awaitClosed(notPooled)
	assert.Equal(t, notPooled, srv.closed.Load(), "no connection closed but those net/http did not offer back to the pool")
	if notPooled == 0 {
		assert.EqualValues(t, workers, srv.conns.Load(), "one connection per goroutine, reused for every call")
	} else {
		// Each replacement dial may in turn make another goroutine
		// miss the pool while it completes.
		assert.LessOrEqual(t, srv.conns.Load(), int64(2*workers), "about one connection per goroutine")
	}
}

func TestTransport_HugeErrorBodyCostsLittleMemory(t *testing.T) {
	chunk := bytes.Repeat([]byte("y"), 32<<10)
	srv := newCountingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		for range (64 << 20) / len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	c := newLoopbackClient(t, srv.URL)

	var apiErr *loremup.APIError
	perCall := allocatedPerRun(8, func() {
		_, err := c.Sessions.Create(context.Background(), createParams())
		apiErr = nil
		assert.ErrorAs(t, err, &apiErr)
	})

	require.NotNil(t, apiErr)
	assert.True(t, apiErr.BodyTruncated)
	assert.Len(t, apiErr.Body, loremup.DefaultMaxResponseBytes)
	t.Logf("allocated %d bytes per call", perCall)
	assert.Less(t, perCall, uint64(3*loremup.DefaultMaxResponseBytes), "a 64 MiB body must not be read whole")
}

// allocatedPerRun is testing.AllocsPerRun for bytes: the heap bytes
// allocated per call of f, averaged over runs calls after one to warm
// up. The count is the whole process's, so anything else running (the
// test's own server, a goroutine another test left finishing, the race
// detector's bookkeeping) adds to it; averaging over several calls keeps
// that small next to what one call costs.
func allocatedPerRun(runs int, f func()) uint64 {
	f()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(runs)
}

func TestTransport_TLSWithCallersClientWorks(t *testing.T) {
	srv := httptest.NewTLSServer(fakeHandler(t))
	defer srv.Close()
	c := newLoopbackClient(t, srv.URL, loremup.WithHTTPClient(srv.Client()))

	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))
}

func TestTransport_UntrustedCertificateFailsAtOnce(t *testing.T) {
	var handshakes atomic.Int64
	srv := httptest.NewUnstartedServer(fakeHandler(t))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			handshakes.Add(1)
		}
	}
	srv.Config.ErrorLog = discardLogger()
	srv.StartTLS()
	defer srv.Close()
	c := newLoopbackClient(t, srv.URL)

	_, err := c.Sessions.Create(context.Background(), createParams())

	var unknownCA x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknownCA)
	assert.EqualValues(t, 1, handshakes.Load(), "a certificate error is not retried")
}

func TestLogging_DebugLinesWithoutSecrets(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var n atomic.Int64
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if r.Method == http.MethodPost {
			http.SetCookie(w, &http.Cookie{Name: "_app_session", Value: "cookie-secret-value"})
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, "{}")
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, errorDoc("401", "unauthorized", "bad token "+testToken, ""))
	})
	c := newLoopbackClient(t, srv.URL, loremup.WithLogger(logger))

	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	err = c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess})
	require.ErrorIs(t, err, loremup.ErrUnauthorized)

	out := buf.String()
	assert.Contains(t, out, "level=DEBUG")
	assert.Contains(t, out, "loremup: retrying")
	assert.Contains(t, out, "status=503")
	assert.Contains(t, out, "status=201")
	assert.NotContains(t, out, "level=INFO")
	for _, secret := range []string{testToken, testPassword, "cookie-secret-value"} {
		assert.NotContains(t, out, secret)
	}
}

func TestLogging_QuietAboveDebug(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv := newCountingServer(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) })
	c := newLoopbackClient(t, srv.URL, loremup.WithLogger(logger))

	_, err := c.Sessions.Create(context.Background(), createParams())
	require.Error(t, err)
	assert.Empty(t, buf.String())
}

// go-retryablehttp closes all idle connections of the transport whenever
// a call ends in a transport error; the SDK hides that from the pool, so
// one failing call does not cost every other goroutine its connection.
func TestTransport_FailedCallKeepsOtherIdleConnections(t *testing.T) {
	var mode atomic.Int32 // 0: two logins that meet, 1: drop, 2: serve
	api := fakeHandler(t)
	arrived := make(chan struct{}, 2)
	meet := make(chan struct{})
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch mode.Load() {
		case 0:
			arrived <- struct{}{}
			<-meet // both logins are in flight at once: two connections
		case 1:
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
			return
		}
		api.ServeHTTP(w, r)
	})
	// No retries, so the failing call uses exactly one of the two idle
	// connections and the other is left for the last call.
	tr := newReuseTracker()
	c := newLoopbackClient(t, srv.URL, loremup.WithHTTPClient(&http.Client{Transport: tr}), loremup.WithMaxRetries(0))

	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Sessions.Create(context.Background(), createParams())
			assert.NoError(t, err)
		}()
	}
	<-arrived
	<-arrived
	close(meet)
	wg.Wait()
	require.EqualValues(t, 2, srv.conns.Load())

	mode.Store(1) // the next call fails on the connection it takes
	_, err := c.Sessions.Create(context.Background(), createParams())
	require.Error(t, err)

	mode.Store(2)
	// On a loaded machine net/http's write check may have dropped a
	// login's connection (see reuseTracker): then no other was idle, and
	// the last call needs a new one.
	dropped := tr.answers.Load() - tr.pooled.Load()
	_, err = c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	assert.Zero(t, tr.refused.Load(), "the idle pool took back every connection offered")
	assert.Equal(t, 2+dropped, srv.conns.Load(), "the other idle connection survived the failed call and was reused")
}
