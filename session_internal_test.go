package loremup

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loginTransport answers every request as a login with a fresh cookie.
type loginTransport struct{ n int }

func (t *loginTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	t.n++
	h := http.Header{}
	h.Set("Content-Type", "application/vnd.api+json")
	h.Add("Set-Cookie", (&http.Cookie{Name: "_app_session", Value: strings.Repeat("s", 200), Path: "/", HttpOnly: true}).String())
	return &http.Response{StatusCode: http.StatusCreated, Header: h, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A program that logs in many users and never logs them out must not
// make the Client grow: it counts them, and remembers at most
// maxTrackedSessions by identity.
func TestLiveSet_StaysBoundedWhenSessionsAreNeverDeleted(t *testing.T) {
	const logins = 10_000
	c, err := NewClient("https://app.example.com", "tok_bounded", WithHTTPClient(&http.Client{Transport: &loginTransport{}}))
	require.NoError(t, err)
	p := CreateSessionParams{FormName: "f", Form: SessionForm{Email: "a@example.com", Password: "pw"}}
	_, err = c.Sessions.Create(context.Background(), p) // warm up pools
	require.NoError(t, err)

	before := heapInUse()
	for range logins {
		_, err := c.Sessions.Create(context.Background(), p)
		require.NoError(t, err)
	}
	retained := int64(heapInUse()) - int64(before)
	runtime.KeepAlive(c) // the Client is what is measured: keep it alive through the measurement

	c.live.mu.Lock()
	count, known := c.live.count, len(c.live.known)
	c.live.mu.Unlock()
	assert.Equal(t, logins+1, count)
	assert.LessOrEqual(t, known, maxTrackedSessions)
	// A Session with its 200-byte cookie weighs about 800 bytes: a Client
	// keeping every one would retain about 8 MB here.
	t.Logf("heap: %d bytes retained after %d logins", retained, logins)
	assert.Less(t, retained, int64(100*logins), "the Client retains less than 100 bytes per login")
}
