// Package readme holds the Go snippets of the repository's READMEs, so
// that they compile; readme_test.go checks that each snippet is found
// verbatim here or in quickstart/ (the README's Quickstart program), and
// the tests run them against the fake server.
package readme

import (
	"errors"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/loremup/loremup-go"
)

// reportError is the README's Errors snippet.
func reportError(err error) {
	var apiErr *loremup.APIError
	if errors.As(err, &apiErr) {
		log.Printf("status %d, request id %s, attempts: %d", apiErr.StatusCode, apiErr.RequestID, apiErr.Attempts)
		for _, e := range apiErr.Errors {
			if e.Source != nil {
				log.Printf("%s: %s", e.Source.Pointer, e.Detail)
			}
		}
	}
}

// withLogging is the README's Logging snippet.
func withLogging(baseURL, token string) (*loremup.Client, error) {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := loremup.NewClient(baseURL, token, loremup.WithLogger(logger))
	return c, err
}

// timing reports each attempt the client sends.
type timing struct{ next http.RoundTripper }

func (t timing) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	log.Printf("%s %s took %s", r.Method, r.URL.Path, time.Since(start))
	return resp, err
}

// withTracing is the README's note on tracing made concrete: a transport
// of the caller's, given with WithHTTPClient, sees every attempt.
func withTracing(baseURL, token string) (*loremup.Client, error) {
	hc := &http.Client{Transport: timing{http.DefaultTransport}, Timeout: 10 * time.Second}
	c, err := loremup.NewClient(baseURL, token, loremup.WithHTTPClient(hc))
	return c, err
}
