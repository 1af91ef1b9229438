package benchmarks

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/loremup/loremup-go"

	"github.com/loremup/loremup-go/benchmarks/internal/benchkit"
)

// Goroutines is how many goroutines the Parallel benchmarks run, whatever
// GOMAXPROCS is.
const Goroutines = 64

// ErrorBodySize is the size of the 422 body of the error-path benchmarks.
const ErrorBodySize = 4 << 10

// HugeErrorBodySize is the size of the streamed error body of
// BenchmarkSDKError64MiB.
const HugeErrorBodySize = 64 << 20

var ctx = context.Background()

// creator is one way to log in: each client under comparison.
type creator func(context.Context) error

// setup starts the server for h and returns the server and its stop
// function. The server is stopped (and its connections with it) at the
// end of each run of the benchmark function.
func setup(b *testing.B, h http.Handler) *benchkit.Server {
	b.Helper()
	srv := benchkit.NewServer(h)
	b.Cleanup(srv.Close)
	return srv
}

// runSerial warms call up with one call, then times b.N calls on one
// goroutine, and reports the connections the server accepted.
func runSerial(b *testing.B, srv *benchkit.Server, call creator) {
	b.Helper()
	b.ReportAllocs()
	if err := call(ctx); err != nil {
		b.Fatalf("warm-up call: %v", err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := call(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(srv.Conns()), "conns")
}

// runParallel times b.N calls spread over Goroutines goroutines sharing
// one client (the pool starts cold, after one warm-up call), and reports
// the connections the server accepted: "conns" in all, and
// "steady-conns" opened during the second half of the calls. A client
// whose idle pool churns keeps opening connections (steady-conns grows
// with b.N); one that does not may still open a few more than Goroutines
// at the start, when net/http dials for a request that then gets a
// connection freed meanwhile and pools the new one.
func runParallel(b *testing.B, srv *benchkit.Server, call creator) {
	b.Helper()
	b.ReportAllocs()
	if err := call(ctx); err != nil {
		b.Fatalf("warm-up call: %v", err)
	}
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((Goroutines + procs - 1) / procs)
	var (
		once  sync.Once
		ops   atomic.Int64
		atMid atomic.Int64
	)
	mid := int64(b.N / 2)
	atMid.Store(-1)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := call(ctx); err != nil {
				once.Do(func() { b.Error(err) })
				return
			}
			if ops.Add(1) == mid {
				atMid.Store(srv.Conns())
			}
		}
	})
	b.StopTimer()
	end := srv.Conns()
	steady := int64(0)
	if m := atMid.Load(); m >= 0 {
		steady = end - m
	}
	b.ReportMetric(float64(end), "conns")
	b.ReportMetric(float64(steady), "steady-conns")
}

func ignoreCookies(f func(context.Context) ([]*http.Cookie, error)) creator {
	return func(ctx context.Context) error {
		_, err := f(ctx)
		return err
	}
}

func handwrittenCreate(srv *benchkit.Server) (creator, func()) {
	tr := benchkit.TunedTransport()
	h := benchkit.NewHandwritten(srv.SessionsURL(), tr)
	return ignoreCookies(h.Create), tr.CloseIdleConnections
}

func retryableCreate(srv *benchkit.Server) (creator, func()) {
	tr := benchkit.TunedTransport()
	r := benchkit.NewRetryable(srv.SessionsURL(), tr)
	return ignoreCookies(r.Create), tr.CloseIdleConnections
}

func restyCreate(srv *benchkit.Server) (creator, func()) {
	tr := benchkit.TunedTransport()
	r := benchkit.NewResty(srv.SessionsURL(), tr)
	return ignoreCookies(r.Create), tr.CloseIdleConnections
}

func sdkCreate(b *testing.B, srv *benchkit.Server) (creator, func()) {
	c, err := benchkit.NewSDK(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	return func(ctx context.Context) error {
		_, err := c.Sessions.Create(ctx, benchkit.CreateParams)
		return err
	}, c.CloseIdleConnections
}

// --- one goroutine, success ---

// BenchmarkHandwrittenCreate is the floor: the login written by hand with
// net/http on a tuned transport.
func BenchmarkHandwrittenCreate(b *testing.B) {
	srv := setup(b, benchkit.OKHandler())
	call, done := handwrittenCreate(srv)
	b.Cleanup(done)
	runSerial(b, srv, call)
}

// BenchmarkRetryablehttpCreate is go-retryablehttp used directly,
// configured as the SDK configures it.
func BenchmarkRetryablehttpCreate(b *testing.B) {
	srv := setup(b, benchkit.OKHandler())
	call, done := retryableCreate(srv)
	b.Cleanup(done)
	runSerial(b, srv, call)
}

// BenchmarkRestyCreate is go-resty v2 with retries on.
func BenchmarkRestyCreate(b *testing.B) {
	srv := setup(b, benchkit.OKHandler())
	call, done := restyCreate(srv)
	b.Cleanup(done)
	runSerial(b, srv, call)
}

// BenchmarkSDKCreate is loremup's Sessions.Create with default options.
func BenchmarkSDKCreate(b *testing.B) {
	srv := setup(b, benchkit.OKHandler())
	call, done := sdkCreate(b, srv)
	b.Cleanup(done)
	runSerial(b, srv, call)
}

// BenchmarkHandwrittenCreateDelete is a hand-written login and logout,
// the logout sending the login's cookie back.
func BenchmarkHandwrittenCreateDelete(b *testing.B) {
	srv := setup(b, benchkit.OKHandler())
	tr := benchkit.TunedTransport()
	b.Cleanup(tr.CloseIdleConnections)
	h := benchkit.NewHandwritten(srv.SessionsURL(), tr)
	runSerial(b, srv, func(ctx context.Context) error {
		cookies, err := h.Create(ctx)
		if err != nil {
			return err
		}
		return h.Delete(ctx, cookies)
	})
}

// BenchmarkSDKCreateDelete is Sessions.Create then Sessions.Delete of
// that session.
func BenchmarkSDKCreateDelete(b *testing.B) {
	srv := setup(b, benchkit.OKHandler())
	c, err := benchkit.NewSDK(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.CloseIdleConnections)
	runSerial(b, srv, func(ctx context.Context) error {
		sess, err := c.Sessions.Create(ctx, benchkit.CreateParams)
		if err != nil {
			return err
		}
		return c.Sessions.Delete(ctx, benchkit.DeleteParams(sess))
	})
}

// --- 64 goroutines sharing one client ---

// BenchmarkParallelHandwrittenCreate is the floor under 64-way concurrency.
func BenchmarkParallelHandwrittenCreate(b *testing.B) {
	srv := setup(b, benchkit.OKHandler())
	call, done := handwrittenCreate(srv)
	b.Cleanup(done)
	runParallel(b, srv, call)
}

// BenchmarkParallelRetryablehttpCreate is go-retryablehttp under 64-way
// concurrency.
func BenchmarkParallelRetryablehttpCreate(b *testing.B) {
	srv := setup(b, benchkit.OKHandler())
	call, done := retryableCreate(srv)
	b.Cleanup(done)
	runParallel(b, srv, call)
}

// BenchmarkParallelRestyCreate is go-resty under 64-way concurrency.
func BenchmarkParallelRestyCreate(b *testing.B) {
	srv := setup(b, benchkit.OKHandler())
	call, done := restyCreate(srv)
	b.Cleanup(done)
	runParallel(b, srv, call)
}

// BenchmarkParallelSDKCreate is the SDK, default transport, under 64-way
// concurrency.
func BenchmarkParallelSDKCreate(b *testing.B) {
	srv := setup(b, benchkit.OKHandler())
	call, done := sdkCreate(b, srv)
	b.Cleanup(done)
	runParallel(b, srv, call)
}

// --- error path: 422 with a ~4 KiB JSON:API error document ---

// BenchmarkHandwrittenError422 is hand-written code that reads the error
// body (bounded) and parses its JSON:API errors.
func BenchmarkHandwrittenError422(b *testing.B) {
	srv := setup(b, benchkit.ErrorHandler(benchkit.ErrorBody(ErrorBodySize)))
	tr := benchkit.TunedTransport()
	b.Cleanup(tr.CloseIdleConnections)
	h := benchkit.NewHandwritten(srv.SessionsURL(), tr)
	runSerial(b, srv, func(ctx context.Context) error {
		_, err := h.Create(ctx)
		var apiErr *benchkit.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnprocessableEntity || len(apiErr.Errors) == 0 {
			return errors.New("want a parsed 422, got " + errString(err))
		}
		return nil
	})
}

// BenchmarkSDKError422 is the SDK answering the same 422 with an
// *APIError holding the parsed error objects.
func BenchmarkSDKError422(b *testing.B) {
	srv := setup(b, benchkit.ErrorHandler(benchkit.ErrorBody(ErrorBodySize)))
	c, err := benchkit.NewSDK(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.CloseIdleConnections)
	runSerial(b, srv, func(ctx context.Context) error {
		_, err := c.Sessions.Create(ctx, benchkit.CreateParams)
		var apiErr *loremup.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnprocessableEntity || len(apiErr.Errors) == 0 {
			return errors.New("want a parsed 422, got " + errString(err))
		}
		return nil
	})
}

// BenchmarkSDKError64MiB is the SDK answered 422 with a 64 MiB body
// streamed without Content-Length: B/op shows what the response size cap
// holds it to (target: under 2 MiB per call).
func BenchmarkSDKError64MiB(b *testing.B) {
	srv := setup(b, benchkit.StreamingErrorHandler(HugeErrorBodySize))
	c, err := benchkit.NewSDK(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.CloseIdleConnections)
	runSerial(b, srv, func(ctx context.Context) error {
		_, err := c.Sessions.Create(ctx, benchkit.CreateParams)
		var apiErr *loremup.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnprocessableEntity {
			return errors.New("want a 422, got " + errString(err))
		}
		return nil
	})
}

// --- steady state ---

// BenchmarkSDKSteadyState logs in and out b.N times and reports, besides
// B/op, the heap still live after a GC per call ("retained-B/op"): a
// per-call leak shows there even when B/op stays flat.
func BenchmarkSDKSteadyState(b *testing.B) {
	srv := setup(b, benchkit.OKHandler())
	c, err := benchkit.NewSDK(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.CloseIdleConnections)
	call := func(ctx context.Context) error {
		sess, err := c.Sessions.Create(ctx, benchkit.CreateParams)
		if err != nil {
			return err
		}
		return c.Sessions.Delete(ctx, benchkit.DeleteParams(sess))
	}
	if err := call(ctx); err != nil {
		b.Fatalf("warm-up call: %v", err)
	}
	before := liveHeap()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := call(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	after := liveHeap()
	b.ReportMetric(float64(int64(after)-int64(before))/float64(b.N), "retained-B/op")
	b.ReportMetric(float64(srv.Conns()), "conns")
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
