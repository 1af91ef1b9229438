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
	c := newLoopbackClient(t, srv.URL, loremup.WithRetryWait(0, 0))

	var sess *loremup.Session
	for i := range 300 {
		if i%2 == 0 {
			sess, _ = c.Sessions.Create(context.Background(), createParams())
		} else {
			_ = c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess})
		}
	}

	assert.GreaterOrEqual(t, srv.requests.Load(), int64(300))
	assert.EqualValues(t, 1, srv.conns.Load(), "error answers, retries and successes all stay on one connection")
}

func TestTransport_ConnectionSurvivesRetriesRunningOut(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := newLoopbackClient(t, srv.URL, loremup.WithRetryWait(0, 0), loremup.WithRetryBudget(loremup.RetryBudget{}))

	for range 20 {
		_, err := c.Sessions.Create(context.Background(), createParams())
		require.Error(t, err)
	}
	assert.EqualValues(t, 80, srv.requests.Load())
	assert.EqualValues(t, 1, srv.conns.Load(), "a call that ran out of retries must not close the pool")
}

func TestTransport_ConcurrentUseNeitherRacesNorChurns(t *testing.T) {
	srv := newCountingServer(t, fakeHandler(t).ServeHTTP)
	c := newLoopbackClient(t, srv.URL)

	const workers, calls = 32, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers*calls)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range calls {
				sess, err := c.Sessions.Create(context.Background(), createParams())
				if err == nil {
					err = c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess})
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.EqualValues(t, 2*workers*calls, srv.requests.Load())
	// net/http may dial extra connections while the pool warms up (a
	// request that misses the pool dials even if a connection frees a
	// moment later; more so on a loaded machine), and hardly any is
	// closed: a pool too small for the goroutines (net/http's default of
	// 2 per host) closes and reopens hundreds in this run. On a loaded
	// machine, a connection dialed for a request that another one served
	// first may still be dropped now and then.
	assert.LessOrEqual(t, srv.conns.Load(), int64(2*workers), "about one connection per goroutine")
	assert.LessOrEqual(t, srv.closed.Load(), int64(2), "the idle pool holds the connections")
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

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.Sessions.Create(context.Background(), createParams())
	runtime.ReadMemStats(&after)

	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, apiErr.BodyTruncated)
	assert.Len(t, apiErr.Body, loremup.DefaultMaxResponseBytes)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d", allocated)
	assert.Less(t, allocated, uint64(3<<20), "a 64 MiB body must not be read whole (allocated %d bytes)", allocated)
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
	c := newLoopbackClient(t, srv.URL, loremup.WithMaxRetries(0))

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
	_, err = c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	assert.EqualValues(t, 2, srv.conns.Load(), "the other idle connection survived the failed call and was reused")
}
