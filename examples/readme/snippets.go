// Package readme holds the Go snippets of the repository's README.md, so
// that they compile; readme_test.go checks that each README snippet is
// found here verbatim and runs them against the fake server.
package readme

import (
	"context"
	"errors"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/loremup/loremup-go"
)

// quickstart is the README's Quickstart, pasted into a function that
// returns an error, as the README says.
func quickstart() error {
	ctx := context.Background()
	password := os.Getenv("LOREMUP_PASSWORD")
	c, err := loremup.NewClient("https://app.example.com", os.Getenv("LOREMUP_API_TOKEN"))
	if err != nil {
		return err // bad URL or token: nothing was sent
	}
	sess, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: password},
	})
	if err != nil {
		return err
	}
	// sess.Cookies() are the user's session: use them to call the app as that user.
	return c.Sessions.Delete(ctx, loremup.DeleteSessionParams{
		FormName: loremup.ReferenceDeleteFormName,
		Session:  sess, // nil only where unambiguous: see "Acting as the user"
	})
}

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

// withTracing is the README's tracing snippet.
func withTracing(baseURL, token string) (*loremup.Client, error) {
	hc := &http.Client{Transport: timing{http.DefaultTransport}, Timeout: 10 * time.Second}
	c, err := loremup.NewClient(baseURL, token, loremup.WithHTTPClient(hc))
	return c, err
}
