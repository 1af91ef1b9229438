// Package fakecost measures the fake server's own cost: a login and
// logout sent with hand-written net/http to loremuptest.NewServer()
// versus to a bare net/http handler that answers 201 {} (with a session
// cookie) and 204. The client side is the same in both, so the ratio of
// the two is what the fake adds. Target: under 2x.
//
// It is a package of its own so that the rest of the benchmarks still
// build should loremuptest not.
package fakecost

import (
	"context"
	"testing"

	"github.com/loremup/loremup-go/loremuptest"

	"github.com/loremup/loremup-go/benchmarks/internal/benchkit"
)

func loginLogout(b *testing.B, sessionsURL string, conns func() int64) {
	b.Helper()
	tr := benchkit.TunedTransport()
	b.Cleanup(tr.CloseIdleConnections)
	h := benchkit.NewHandwritten(sessionsURL, tr)
	ctx := context.Background()
	call := func() error {
		cookies, err := h.Create(ctx)
		if err != nil {
			return err
		}
		if len(cookies) == 0 {
			b.Fatal("login set no cookie")
		}
		return h.Delete(ctx, cookies)
	}
	b.ReportAllocs()
	if err := call(); err != nil {
		b.Fatalf("warm-up call: %v", err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := call(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(conns()), "conns")
}

// BenchmarkFakeLoginLogout is a login and logout against the fake server.
func BenchmarkFakeLoginLogout(b *testing.B) {
	srv := loremuptest.NewServer(
		loremuptest.WithToken(benchkit.Token),
		loremuptest.WithUser(benchkit.Email, benchkit.Password),
	)
	b.Cleanup(srv.Close)
	loginLogout(b, srv.URL+benchkit.SessionsPath, func() int64 { return int64(srv.ConnectionCount()) })
	if n := srv.ActiveSessions(); n != 0 {
		b.Errorf("%d sessions still active after logging each out", n)
	}
}

// BenchmarkBareLoginLogout is the same against a bare net/http handler.
func BenchmarkBareLoginLogout(b *testing.B) {
	srv := benchkit.NewServer(benchkit.OKHandler())
	b.Cleanup(srv.Close)
	loginLogout(b, srv.SessionsURL(), srv.Conns)
}
