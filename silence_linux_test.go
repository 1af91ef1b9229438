//go:build linux

package loremup_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
)

// captureFDs points file descriptors 1 and 2 at a pipe while fn runs, so
// it sees writes from anything in the process, including loggers that
// captured os.Stderr at init (as go-retryablehttp's default logger does).
func captureFDs(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	var saved [2]int
	for i, fd := range []int{1, 2} {
		saved[i], err = syscall.Dup(fd)
		require.NoError(t, err)
		require.NoError(t, syscall.Dup3(int(w.Fd()), fd, 0))
	}
	out := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		out <- string(b)
	}()
	func() {
		defer func() {
			for i, fd := range []int{1, 2} {
				_ = syscall.Dup3(saved[i], fd, 0)
				_ = syscall.Close(saved[i])
			}
			_ = w.Close()
		}()
		fn()
	}()
	s := <-out
	_ = r.Close()
	return s
}

func TestSilentByDefault(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusUnauthorized)
		}
	})
	out := captureFDs(t, func() {
		c, err := loremup.NewClient(srv.URL, testToken, fastRetries)
		if err != nil {
			panic(err)
		}
		_, _ = c.Sessions.Create(context.Background(), createParams())
		_ = c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm})
		c.CloseIdleConnections()
	})
	assert.Empty(t, out, "the SDK must write nothing to stdout or stderr")
	assert.EqualValues(t, 5, srv.requests.Load(), "the calls did run (4 attempts, then 1)")
}
