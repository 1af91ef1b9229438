// Package secrettest catches secrets leaking into what a test run prints:
// log lines, error strings and fmt renderings of values. A Guard collects
// all of them during a test and fails the test at cleanup if any secret
// appears in any of them.
package secrettest

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// Guard watches a test's output for secrets. It scans each log line and
// rendering as it arrives and keeps only what leaked, so a long soak test
// costs it no memory.
type Guard struct {
	t       testing.TB
	secrets []string

	mu         sync.Mutex
	leaks      []string
	renderings int
	logBytes   int
}

// New returns a Guard for the given secrets (empty ones are ignored). It
// fails the test at cleanup if any secret appeared.
func New(tb testing.TB, secrets ...string) *Guard {
	tb.Helper()
	g := &Guard{t: tb}
	for _, s := range secrets {
		if s != "" {
			g.secrets = append(g.secrets, s)
		}
	}
	tb.Cleanup(g.verify)
	return g
}

// Logger returns a debug-level logger whose every line the Guard scans;
// pass it to loremup.WithLogger.
func (g *Guard) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(scanWriter{g}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// scanWriter receives one whole log line per Write from slog's handlers.
type scanWriter struct{ g *Guard }

func (w scanWriter) Write(p []byte) (int, error) {
	w.g.scan("log line", string(p))
	w.g.mu.Lock()
	w.g.logBytes += len(p)
	w.g.mu.Unlock()
	return len(p), nil
}

// Check renders each value as a program might print it (%v, %+v, %#v, %s,
// and Error() for errors, including every error it wraps) and scans the
// renderings. It is safe for concurrent use.
func (g *Guard) Check(values ...any) {
	for _, v := range values {
		if v == nil {
			continue
		}
		var out []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out = append(out, fmt.Sprintf(verb, v))
		}
		if err, ok := v.(error); ok {
			out = append(out, errorChain(err)...)
		}
		for _, text := range out {
			g.scan(fmt.Sprintf("rendering of %T", v), text)
		}
		g.mu.Lock()
		g.renderings += len(out)
		g.mu.Unlock()
	}
}

func (g *Guard) scan(where, text string) {
	for i, s := range g.secrets {
		if at := strings.Index(text, s); at >= 0 {
			g.mu.Lock()
			g.leaks = append(g.leaks, fmt.Sprintf("secret #%d in a %s: %q", i, where, excerpt(text, at)))
			g.mu.Unlock()
		}
	}
}

func errorChain(err error) []string {
	var out []string
	for err != nil {
		out = append(out, err.Error())
		switch u := err.(type) { //nolint:errorlint // walks the chain itself, one link at a time
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				out = append(out, errorChain(e)...)
			}
			return out
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		default:
			return out
		}
	}
	return out
}

// Leaks describes every place a secret appeared so far, without the secret.
func (g *Guard) Leaks() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.leaks...)
}

// excerpt shows where a leak is without printing the secret itself.
func excerpt(text string, at int) string {
	start := max(0, at-40)
	return text[start:at] + "<SECRET>"
}

// Scanned reports how many renderings and log bytes the Guard scanned, so
// a test can show that the Guard did look at something.
func (g *Guard) Scanned() (renderings, logBytes int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.renderings, g.logBytes
}

func (g *Guard) verify() {
	for _, leak := range g.Leaks() {
		g.t.Errorf("secrettest: %s", leak)
	}
}
