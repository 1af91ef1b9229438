// Package controlcost measures what loremup-fake's control API costs the
// Sessions API: a login and logout sent with hand-written net/http to the
// fake as the command serves it, with the control API off and on. On
// means what --control turns on: requests are recorded (bounded, for
// GET /requests) and a second listener serves the control API. Target:
// within 10% of off.
//
//	cd benchmarks && go test -run '^$' -bench 'ControlCost' -count 10 ./controlcost | tee cc.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /control cc.txt
//
// Besides wall time each benchmark reports cpu-ns/op, the process's CPU
// time per login and logout, which a busy machine disturbs far less.
package controlcost

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loremup/loremup-go/internal/control"
	"github.com/loremup/loremup-go/internal/fake"

	"github.com/loremup/loremup-go/benchmarks/internal/benchkit"
)

// serveFake starts the fake as loremup-fake serves it, with the control
// API on or off, and returns the Sessions API's URL.
func serveFake(b *testing.B, withControl bool) string {
	b.Helper()
	h, err := fake.New(fake.Config{
		Token:          benchkit.Token,
		Users:          []fake.User{{Email: benchkit.Email, Password: benchkit.Password}},
		RecordRequests: withControl,
	})
	if err != nil {
		b.Fatal(err)
	}
	api := httptest.NewUnstartedServer(h)
	api.Config.ConnState = h.ConnState
	api.Start()
	b.Cleanup(func() { h.Close(); api.Close() })
	if withControl {
		ch, err := control.New(h, control.Config{Token: "bench-control-token"})
		if err != nil {
			b.Fatal(err)
		}
		ctl := httptest.NewServer(ch)
		b.Cleanup(ctl.Close)
		checkControl(b, ctl.URL)
	}
	return api.URL + benchkit.SessionsPath
}

// checkControl makes sure the control API answers, so "on" is on.
func checkControl(b *testing.B, url string) {
	b.Helper()
	req, err := http.NewRequest(http.MethodGet, url+"/counters", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer bench-control-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("control API answered %d", resp.StatusCode)
	}
}

func loginLogout(ctx context.Context, h *benchkit.Handwritten) error {
	cookies, err := h.Create(ctx)
	if err != nil {
		return err
	}
	return h.Delete(ctx, cookies)
}

// cpuMeter reports the process's CPU time per operation as cpu-ns/op,
// the figure to compare on a busy machine: client and server both run in
// this process, so it is the whole cost of a login and logout.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	t, ok := cpuTime()
	return cpuMeter{start: t, ok: ok}
}

func (m cpuMeter) report(b *testing.B) {
	b.Helper()
	end, ok := cpuTime()
	if m.ok && ok && b.N > 0 {
		b.ReportMetric(float64(end-m.start)/float64(b.N), "cpu-ns/op")
	}
}

// warmClient serves the fake, its control API on or off, and returns a
// client that has logged in and out once.
func warmClient(ctx context.Context, b *testing.B, controlOn bool) *benchkit.Handwritten {
	b.Helper()
	tr := benchkit.TunedTransport()
	b.Cleanup(tr.CloseIdleConnections)
	h := benchkit.NewHandwritten(serveFake(b, controlOn), tr)
	if err := loginLogout(ctx, h); err != nil {
		b.Fatalf("warm-up call: %v", err)
	}
	return h
}

// modes are the two sides of each benchmark.
func modes() []struct {
	name string
	on   bool
} {
	return []struct {
		name string
		on   bool
	}{{"control=off", false}, {"control=on", true}}
}

// BenchmarkControlCost is one goroutine logging in and out.
func BenchmarkControlCost(b *testing.B) {
	for _, m := range modes() {
		b.Run(m.name, func(b *testing.B) {
			ctx := context.Background()
			h := warmClient(ctx, b, m.on)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU()
			for i := 0; i < b.N; i++ {
				if err := loginLogout(ctx, h); err != nil {
					b.Fatal(err)
				}
			}
			cpu.report(b)
		})
	}
}

// BenchmarkControlCostParallel is many goroutines logging in and out on
// one client, where recording's lock would show.
func BenchmarkControlCostParallel(b *testing.B) {
	for _, m := range modes() {
		b.Run(m.name, func(b *testing.B) {
			ctx := context.Background()
			h := warmClient(ctx, b, m.on)
			var failed atomic.Pointer[error]
			b.ReportAllocs()
			b.SetParallelism(4)
			b.ResetTimer()
			cpu := startCPU()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := loginLogout(ctx, h); err != nil {
						failed.CompareAndSwap(nil, &err)
						return
					}
				}
			})
			cpu.report(b)
			if err := failed.Load(); err != nil {
				b.Fatal(*err) // on the benchmark's goroutine, never in RunParallel's
			}
		})
	}
}
