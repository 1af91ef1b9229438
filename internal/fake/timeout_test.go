package fake

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A server's read timeout is for reading the request: a latency injected
// after the request was read must not be cut short by it (net/http
// cancels a request's context when a read deadline passes while the
// handler runs). The read timeout leaves room for reading the request on
// a loaded machine (at 100 ms the request itself was sometimes cut before
// the handler ran); the latency is well past it.
func TestServeHTTP_ReadTimeoutDoesNotCutInjectedLatency(t *testing.T) {
	h := newTestHandler(t, Config{})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ReadTimeout = 500 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	require.NoError(t, h.Inject(1, Fault{Latency: 1500 * time.Millisecond, Status: http.StatusServiceUnavailable}))

	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/sessions", strings.NewReader(`{}`))
	require.NoError(t, err)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err, "the connection was not cut")
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "the fault was served after its latency")
}
