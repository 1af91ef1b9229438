// Package secrettest catches secrets leaking into what a test run prints:
// log lines, error strings and fmt renderings of values. A Guard collects
// all of them during a test and fails the test at cleanup if any secret
// appears in any of them.
package secrettest

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// Guard watches a test's output for secrets.
type Guard struct {
	t       testing.TB
	secrets []string

	mu   sync.Mutex
	logs bytes.Buffer
	seen []string // renderings collected by Check, scanned at cleanup
}

// New returns a Guard for the given secrets (empty ones are ignored). It
// checks everything it collected when the test ends.
func New(t testing.TB, secrets ...string) *Guard {
	g := &Guard{t: t}
	for _, s := range secrets {
		if s != "" {
			g.secrets = append(g.secrets, s)
		}
	}
	t.Cleanup(g.verify)
	return g
}

// Logger returns a debug-level logger whose every line the Guard scans;
// pass it to loremup.WithLogger.
func (g *Guard) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(lockedWriter{g}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type lockedWriter struct{ g *Guard }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.g.mu.Lock()
	defer w.g.mu.Unlock()
	return w.g.logs.Write(p)
}

// Check renders each value as a program might print it (%v, %+v, %#v, %s,
// and Error() for errors, including every error it wraps) and keeps the
// renderings for the final scan. It is safe for concurrent use.
func (g *Guard) Check(values ...any) {
	var out []string
	for _, v := range values {
		if v == nil {
			continue
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out = append(out, fmt.Sprintf(verb, v))
		}
		if err, ok := v.(error); ok {
			out = append(out, errorChain(err)...)
		}
	}
	g.mu.Lock()
	g.seen = append(g.seen, out...)
	g.mu.Unlock()
}

func errorChain(err error) []string {
	var out []string
	for err != nil {
		out = append(out, err.Error())
		switch u := err.(type) {
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

// Leaks returns a description of every place a secret appeared so far.
func (g *Guard) Leaks() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var leaks []string
	texts := append([]string{g.logs.String()}, g.seen...)
	for _, s := range g.secrets {
		for _, text := range texts {
			if i := strings.Index(text, s); i >= 0 {
				leaks = append(leaks, fmt.Sprintf("secret #%d found in %q", g.indexOf(s), excerpt(text, i)))
				break
			}
		}
	}
	return leaks
}

func (g *Guard) indexOf(s string) int {
	for i, x := range g.secrets {
		if x == s {
			return i
		}
	}
	return -1
}

// excerpt shows where a leak is without printing the secret itself.
func excerpt(text string, at int) string {
	start := max(0, at-40)
	return text[start:at] + "<SECRET>"
}

// Scanned reports how many renderings and log bytes the Guard holds, so a
// test can show that the Guard did look at something.
func (g *Guard) Scanned() (renderings, logBytes int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.seen), g.logs.Len()
}

func (g *Guard) verify() {
	for _, leak := range g.Leaks() {
		g.t.Errorf("secrettest: %s", leak)
	}
}
