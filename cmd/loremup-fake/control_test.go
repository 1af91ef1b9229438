package main

import (
	"context"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun_ControlOffAddsNoListenerRouteOrGoroutine(t *testing.T) {
	s := start(t, "--token", token, "--user", email+":"+password)
	assert.Equal(t, 1, servedListeners(), "the API's alone")
	status, _ := controlGet(t, s.url+"/counters", "Bearer "+controlToken)
	assert.Equal(t, http.StatusNotFound, status, "the API listener has no control route")
	require.Equal(t, exitOK, s.shutdown())
	assert.Equal(t, s.url+"\n", s.stdout.String(), "no control URL")
	assert.NotContains(t, s.stderr.String(), "control")

	// The same check sees the control API when it is on, so the zero
	// above means something.
	on := start(t, "--token", token, "--control", "--control-token", controlToken)
	controlURL(t, on)
	assert.Equal(t, 2, servedListeners())
	require.Equal(t, exitOK, on.shutdown())
	assert.Zero(t, servedListeners(), "gone after shutdown")
}

func TestRun_ControlServesOnItsOwnLoopbackListener(t *testing.T) {
	s := start(t, "--token", token, "--user", email+":"+password, "--control", "--control-token", controlToken)
	ctl := controlURL(t, s)
	require.Regexp(t, `^http://127\.0\.0\.1:\d+$`, ctl)
	require.NotEqual(t, s.url, ctl)

	status, body := controlGet(t, ctl+"/counters", "Bearer "+controlToken)
	assert.Equal(t, http.StatusOK, status, body)
	assert.JSONEq(t, `{"requests":0,"active_sessions":0,"connections":0,"users":1,"faults":0}`, body,
		"control requests are not the API's traffic")
	status, body = controlGet(t, ctl+"/counters", "Token token="+token)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Contains(t, body, "this is the API token")
	status, _ = controlGet(t, s.url+"/counters", "Bearer "+controlToken)
	assert.Equal(t, http.StatusNotFound, status, "the API listener never serves the control API")

	resp := call(t, http.MethodPost, s.url+"/api/sessions", token, loginBody(email, password))
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	status, body = controlGet(t, ctl+"/requests", "Bearer "+controlToken)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"sent_api_token":true`, "the command records requests when the control API is on")

	require.Equal(t, exitOK, s.shutdown())
	logs := s.stderr.String()
	assert.Contains(t, logs, "msg=control method=GET path=/counters status=200")
	for _, secret := range []string{token, controlToken, password} {
		assert.NotContains(t, logs, secret)
	}
}

func TestRun_GeneratesAndPrintsAControlTokenWhenNoneGiven(t *testing.T) {
	s := start(t, "--token", token, "--control")
	ctl := controlURL(t, s)
	m := regexp.MustCompile(`control token: (\S+) \(generated`).FindStringSubmatch(s.stderr.String())
	require.NotNil(t, m, s.stderr.String())
	assert.NotEqual(t, token, m[1])
	status, _ := controlGet(t, ctl+"/counters", "Bearer "+m[1])
	assert.Equal(t, http.StatusOK, status)
}

func TestRun_RefusesControlFlagsThatCannotWork(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"token without --control", []string{"--control-token", controlToken}, "--control-token needs --control"},
		{"address without --control", []string{"--control-addr", "127.0.0.1:0"}, "--control-addr needs --control"},
		{"the API token", []string{"--token", token, "--control", "--control-token", token}, "control token must differ from the API token"},
		{"a bad token", []string{"--control", "--control-token", "has space"}, "control token must be printable ASCII"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr := newOutput(), newOutput()
			assert.Equal(t, exitUsage, run(context.Background(), tt.args, stdout, stderr))
			assert.Empty(t, stdout.String())
			msg := stderr.String()
			assert.Equal(t, 1, strings.Count(msg, "\n"), "one line: %q", msg)
			assert.Contains(t, msg, tt.want)
			assert.NotContains(t, msg, token)
		})
	}
}

func TestRun_BusyControlPortExitsOne(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	stdout, stderr := newOutput(), newOutput()
	code := run(context.Background(), []string{"--control", "--control-addr", ln.Addr().String()}, stdout, stderr)
	assert.Equal(t, exitServe, code)
	assert.Empty(t, stdout.String(), "nothing on stdout until both listeners are open")
	assert.Contains(t, stderr.String(), "cannot listen for the control API")
}

func TestRun_HelpShowsTheControlAPI(t *testing.T) {
	stdout, stderr := newOutput(), newOutput()
	require.Equal(t, exitOK, run(context.Background(), []string{"-h"}, stdout, stderr))
	for _, want := range []string{"--control ", "--control-addr HOST:PORT", "--control-token TOKEN", "second line of stdout", "POST /reset"} {
		assert.Contains(t, stdout.String(), want)
	}
}

// --max-conns bounds the API's connections: a client of the API holding
// them all leaves the control API answering, and the control API keeps
// its own bound.
func TestRun_MaxConnsLeavesTheControlAPIItsOwnBound(t *testing.T) {
	s := start(t, "--quiet", "--token", token, "--max-conns", "1", "--control", "--control-token", controlToken)
	ctl := controlURL(t, s)
	for _, base := range []string{s.url, ctl} {
		_, err := dial(t, base).Write([]byte("GET /counters HTTP/1.1\r\nHost: x\r\n")) // a head never finished
		require.NoError(t, err)
	}
	// Without a bound of its own the request waits for the server to drop
	// a held connection, some seconds on; answered, it takes milliseconds.
	req, err := http.NewRequest(http.MethodGet, ctl+"/counters", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+controlToken)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 2 * time.Second}).Do(req)
	require.NoError(t, err, "the control API is held up by the API's bound")
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}
