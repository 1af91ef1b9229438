// Command ratios reads raw `go test -bench` output and prints the targets
// of the performance issue as ratios of medians, each with PASS or FAIL.
//
//	go run ./cmd/ratios -bench results/bench.txt -mem-small results/mem-1e3.txt -mem-large results/mem-1e5.txt
//
// A benchmark's value for a unit (ns/op, B/op, allocs/op, conns, ...) is
// the median over all its runs in the file; names lose their -GOMAXPROCS
// suffix. A target whose benchmarks are missing prints MISSING. With
// -strict the exit status is 1 when a target fails.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// medians maps benchmark name, then unit, to the median value.
type medians map[string]map[string]float64

var procSuffix = regexp.MustCompile(`-\d+$`)

func parse(r io.Reader) (medians, error) {
	samples := map[string]map[string][]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		// BenchmarkName-2  N  value unit  value unit ...
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
			continue
		}
		name := procSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		if samples[name] == nil {
			samples[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			samples[name][f[i+1]] = append(samples[name][f[i+1]], v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	out := medians{}
	for name, units := range samples {
		out[name] = map[string]float64{}
		for unit, vs := range units {
			out[name][unit] = median(vs)
		}
	}
	return out, nil
}

func median(vs []float64) float64 {
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func load(path string) (medians, error) {
	if path == "" {
		return medians{}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parse(f)
}

func (m medians) get(name, unit string) (float64, bool) {
	v, ok := m[name][unit]
	return v, ok
}

type row struct {
	target, value, limit, result string
}

type report struct {
	rows  []row
	fails int
}

func (r *report) add(target, value, limit string, pass, info bool) {
	res := "PASS"
	switch {
	case info:
		res = "info"
	case !pass:
		res = "FAIL"
		r.fails++
	}
	r.rows = append(r.rows, row{target, value, limit, res})
}

func (r *report) missing(target, limit string, names ...string) {
	r.rows = append(r.rows, row{target, "-", limit, "MISSING (" + strings.Join(names, ", ") + ")"})
}

// ratio adds a row for a.unit / b.unit compared with limit (pass when
// the ratio is <= limit, or >= limit with atLeast).
func (r *report) ratio(m medians, target, a, b, unit string, limit float64, atLeast, info bool) {
	va, okA := m.get(a, unit)
	vb, okB := m.get(b, unit)
	lim := fmt.Sprintf("<= %.2fx", limit)
	if atLeast {
		lim = fmt.Sprintf(">= %.2fx", limit)
	}
	if info {
		lim = "-"
	}
	if !okA || !okB || vb == 0 {
		r.missing(target, lim, a, b)
		return
	}
	q := va / vb
	pass := q <= limit
	if atLeast {
		pass = q >= limit
	}
	r.add(target, fmt.Sprintf("%.3fx", q), lim, pass, info)
}

// delta adds a row for a.unit - b.unit compared with limit.
func (r *report) delta(m medians, target, a, b, unit string, limit float64, info bool) {
	va, okA := m.get(a, unit)
	vb, okB := m.get(b, unit)
	lim := fmt.Sprintf("<= %+.0f", limit)
	if info {
		lim = "-"
	}
	if !okA || !okB {
		r.missing(target, lim, a, b)
		return
	}
	r.add(target, fmt.Sprintf("%+.0f", va-vb), lim, va-vb <= limit, info)
}

func main() {
	benchPath := flag.String("bench", "", "raw go test -bench output of the main run")
	smallPath := flag.String("mem-small", "", "raw output of the -benchtime 1000x memory run")
	largePath := flag.String("mem-large", "", "raw output of the -benchtime 100000x memory run")
	smallLabel := flag.String("small-label", "1000x", "what -mem-small ran")
	largeLabel := flag.String("large-label", "100000x", "what -mem-large ran")
	goroutines := flag.Float64("goroutines", 64, "goroutines of the Parallel benchmarks")
	strict := flag.Bool("strict", false, "exit 1 when a target fails")
	flag.Parse()

	m, err := load(*benchPath)
	check(err)
	small, err := load(*smallPath)
	check(err)
	large, err := load(*largePath)
	check(err)

	var r report
	// Sequential success path.
	r.ratio(m, "SDK Create time / hand-written", "SDKCreate", "HandwrittenCreate", "ns/op", 1.10, false, false)
	r.delta(m, "SDK Create allocs - hand-written", "SDKCreate", "HandwrittenCreate", "allocs/op", 25, false)
	r.delta(m, "SDK Create B/op - hand-written", "SDKCreate", "HandwrittenCreate", "B/op", 0, true)
	r.ratio(m, "SDK Create+Delete time / hand-written", "SDKCreateDelete", "HandwrittenCreateDelete", "ns/op", 1.10, false, true)
	r.delta(m, "SDK Create+Delete allocs - hand-written", "SDKCreateDelete", "HandwrittenCreateDelete", "allocs/op", 0, true)
	r.ratio(m, "SDK Create time / resty (must be < 1)", "SDKCreate", "RestyCreate", "ns/op", 0.9999, false, false)
	// Within 1.05x: the same library underneath, and this machine's
	// intervals are wider than the difference (a 1.00 limit failed on
	// rounding alone).
	r.ratio(m, "SDK Create time / retryablehttp direct", "SDKCreate", "RetryablehttpCreate", "ns/op", 1.05, false, false)
	r.ratio(m, "retryablehttp direct time / hand-written", "RetryablehttpCreate", "HandwrittenCreate", "ns/op", 0, false, true)
	r.ratio(m, "resty time / hand-written", "RestyCreate", "HandwrittenCreate", "ns/op", 0, false, true)

	// 64 goroutines: throughput is the inverse of ns/op.
	r.ratio(m, "parallel SDK throughput / hand-written", "ParallelHandwrittenCreate", "ParallelSDKCreate", "ns/op", 0.95, true, false)
	r.ratio(m, "parallel SDK throughput / retryablehttp", "ParallelRetryablehttpCreate", "ParallelSDKCreate", "ns/op", 0, true, true)
	r.ratio(m, "parallel SDK throughput / resty", "ParallelRestyCreate", "ParallelSDKCreate", "ns/op", 0, true, true)
	// conns counts from a cold pool, so net/http's dial race may add a
	// few at the start for any client; steady-conns (opened during the
	// second half of the calls) is the churn itself and should be 0.
	for _, name := range []string{"ParallelSDKCreate", "ParallelHandwrittenCreate", "ParallelRetryablehttpCreate", "ParallelRestyCreate"} {
		info := name != "ParallelSDKCreate"
		lim := fmt.Sprintf("<= %.0f", *goroutines)
		target := name + " conns (" + strconv.Itoa(int(*goroutines)) + " goroutines)"
		if v, ok := m.get(name, "conns"); ok {
			r.add(target, fmt.Sprintf("%.0f", v), lim, v <= *goroutines, info)
		} else {
			r.missing(target, lim, name)
		}
		target = name + " steady-conns (churn)"
		if v, ok := m.get(name, "steady-conns"); ok {
			r.add(target, fmt.Sprintf("%.1f", v), "<= 0", v <= 0, info)
		} else {
			r.missing(target, "<= 0", name)
		}
	}

	// Error path.
	r.ratio(m, "SDK 422 time / hand-written (parses JSON)", "SDKError422", "HandwrittenError422", "ns/op", 1.25, false, false)
	r.delta(m, "SDK 422 allocs - hand-written", "SDKError422", "HandwrittenError422", "allocs/op", 0, true)
	if v, ok := m.get("SDKError64MiB", "B/op"); ok {
		r.add("SDK 64 MiB error body B/op", fmt.Sprintf("%.2f MiB", v/(1<<20)), "< 2.00 MiB", v < 2<<20, false)
	} else {
		r.missing("SDK 64 MiB error body B/op", "< 2.00 MiB", "SDKError64MiB")
	}

	// The fake server.
	r.ratio(m, "fake login+logout time / bare handler", "FakeLoginLogout", "BareLoginLogout", "ns/op", 2.0, false, false)
	r.ratio(m, "fake login+logout B/op / bare handler", "FakeLoginLogout", "BareLoginLogout", "B/op", 0, false, true)

	// Steady state: B/op flat between 1e3 and 1e5 iterations.
	if *smallPath != "" || *largePath != "" {
		names := map[string]bool{}
		for name := range small {
			if _, ok := large[name]; ok {
				names[name] = true
			}
		}
		if len(names) == 0 {
			r.missing("B/op flat "+*smallLabel+" -> "+*largeLabel, "<= 1.05x", "memory runs")
		}
		sorted := make([]string, 0, len(names))
		for name := range names {
			sorted = append(sorted, name)
		}
		sort.Strings(sorted)
		for _, name := range sorted {
			vs, _ := small.get(name, "B/op")
			vl, _ := large.get(name, "B/op")
			if vs == 0 {
				continue
			}
			q := vl / vs
			r.add(name+" B/op "+*largeLabel+" / "+*smallLabel, fmt.Sprintf("%.3fx (%.0f -> %.0f)", q, vs, vl), "<= 1.05x", q <= 1.05, false)
			if v, ok := large.get(name, "retained-B/op"); ok {
				r.add(name+" retained-B/op at "+*largeLabel, fmt.Sprintf("%.1f", max(v, 0)), "<= 1", v <= 1, false)
			}
		}
	}

	w := 0
	for _, row := range r.rows {
		w = max(w, len(row.target))
	}
	fmt.Printf("%-*s  %-24s  %-12s  %s\n", w, "target (medians)", "value", "limit", "result")
	for _, row := range r.rows {
		fmt.Printf("%-*s  %-24s  %-12s  %s\n", w, row.target, row.value, row.limit, row.result)
	}
	fmt.Printf("\n%d target(s) failed\n", r.fails)
	if *strict && r.fails > 0 {
		os.Exit(1)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "ratios:", err)
		os.Exit(2)
	}
}
