package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun_MeAnswersTheLoggedInUser(t *testing.T) {
	s := start(t, "--quiet", "--token", token, "--user", "Ada@Example.com:"+password, "--prefix", "/tenant")
	me := s.url + "/api/me"

	resp := get(t, me)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no cookie")
	assert.Equal(t, "application/vnd.api+json", strings.Split(resp.Header.Get("Content-Type"), ";")[0])
	assert.Contains(t, string(resp.body), `"unauthenticated"`)

	c := loginCookie(t, s.url)
	resp = get(t, me, c)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", resp.body)
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"email":"ada@example.com"}`, string(resp.body))
	assert.Equal(t, http.StatusNotFound, call(t, http.MethodPost, me, token, "{}", c).StatusCode, "GET only")

	out := call(t, http.MethodDelete, s.url+"/api/sessions", token, `{"form_name":"reference_rest_api_delete_sessions"}`, c)
	require.Equal(t, http.StatusNoContent, out.StatusCode)
	assert.Equal(t, http.StatusUnauthorized, get(t, me, c).StatusCode, "logged out")

	// As a Rails app checks them on every endpoint: the token first, with
	// Rails' plain-text refusal, then Accept.
	c = loginCookie(t, s.url)
	req, err := http.NewRequest(http.MethodGet, me, nil)
	require.NoError(t, err)
	req.AddCookie(c)
	resp = do(t, req)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a live cookie without the token")
	assert.Equal(t, "HTTP Token: Access denied.\n", string(resp.body))
	req.Header.Set("Authorization", "Token token="+token)
	req.Header.Set("Accept", "text/html")
	assert.Equal(t, http.StatusNotAcceptable, do(t, req).StatusCode)
}

func TestRun_CookieRotationReplacesTheCookieOnEachAnswer(t *testing.T) {
	s := start(t, "--quiet", "--token", token, "--user", email+":"+password, "--cookie-rotation")
	c := loginCookie(t, s.url)
	for range 3 {
		resp := get(t, s.url+"/api/me", c)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Len(t, resp.Cookies(), 1)
		fresh := resp.Cookies()[0]
		assert.NotEqual(t, c.Value, fresh.Value)
		assert.Equal(t, http.StatusUnauthorized, get(t, s.url+"/api/me", c).StatusCode, "the old value stops working")
		c = fresh
	}
}

func TestRun_SessionsEndAfterTheirLifetime(t *testing.T) {
	s := start(t, "--quiet", "--token", token, "--user", email+":"+password, "--session-lifetime", "2s")
	c := loginCookie(t, s.url)
	require.Equal(t, http.StatusOK, get(t, s.url+"/api/me", c).StatusCode)
	assert.Eventually(t, func() bool {
		return get(t, s.url+"/api/me", c).StatusCode == http.StatusUnauthorized
	}, 20*time.Second, 100*time.Millisecond)
}

func TestRun_MaxSessionsEndsTheOldest(t *testing.T) {
	s := start(t, "--quiet", "--token", token, "--user", email+":"+password, "--max-sessions", "2")
	first := loginCookie(t, s.url)
	second := loginCookie(t, s.url)
	third := loginCookie(t, s.url)
	assert.Equal(t, http.StatusUnauthorized, get(t, s.url+"/api/me", first).StatusCode)
	assert.Equal(t, http.StatusOK, get(t, s.url+"/api/me", second).StatusCode)
	assert.Equal(t, http.StatusOK, get(t, s.url+"/api/me", third).StatusCode)
}

func TestRun_RefusesRequestHeadsOver64KiB(t *testing.T) {
	s := start(t, "--quiet", "--token", token)
	req, err := http.NewRequest(http.MethodGet, s.url+"/api/me", nil)
	require.NoError(t, err)
	req.Header.Set("X-Big", strings.Repeat("x", 100<<10))
	resp := do(t, req)
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)

	req.Header.Set("X-Big", strings.Repeat("x", 32<<10))
	assert.Equal(t, http.StatusUnauthorized, do(t, req).StatusCode, "a head within the bound is served")
}

func TestRun_ReadTimeoutCutsATrickledBody(t *testing.T) {
	s := start(t, "--quiet", "--token", token, "--read-timeout", "300ms")
	conn := dial(t, s.url)
	_, err := fmt.Fprintf(conn, "POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
	require.NoError(t, err)

	// Trickle the rest a byte at a time, as a slow-loris client would,
	// until the server cuts the connection or the test ends.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	defer wg.Wait()
	defer close(stop)

	began := time.Now()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, err = io.Copy(io.Discard, conn)
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		t.Fatalf("the server kept reading the trickled body for %v", time.Since(began))
	}
	t.Logf("connection ended after %v", time.Since(began))
}

func TestRun_IdleTimeoutClosesKeepAliveConnections(t *testing.T) {
	s := start(t, "--quiet", "--token", token, "--idle-timeout", "300ms")
	conn := dial(t, s.url)
	_, err := fmt.Fprintf(conn, "GET /api/me HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.False(t, resp.Close, "the connection is kept alive after the answer")

	_, err = br.ReadByte()
	require.ErrorIs(t, err, io.EOF, "the idle connection is closed by the server, not by our deadline")
}

func TestParseArgs_RecordsOnlyWhenAsked(t *testing.T) {
	o, err := parseArgs(nil, io.Discard)
	require.NoError(t, err)
	assert.False(t, o.cfg.RecordRequests)
	assert.Equal(t, 24*time.Hour, o.cfg.SessionLifetime)
	assert.Equal(t, 100_000, o.cfg.MaxSessions)
	assert.Equal(t, limits{read: defaultReadTimeout, write: defaultWriteTimeout, idle: defaultIdleTimeout}, o.limits)
	assert.Equal(t, defaultWriteTimeout, o.cfg.WriteTimeout)
	assert.False(t, o.cfg.RotateCookies)

	o, err = parseArgs([]string{"--record", "--cookie-rotation"}, io.Discard)
	require.NoError(t, err)
	assert.True(t, o.cfg.RecordRequests)
	assert.True(t, o.cfg.RotateCookies)
}

// A client that pipelines requests and never reads the answers fills the
// connection until the server's writes block: the write timeout drops
// it, on the main listener and on the control one.
func TestRun_WriteTimeoutDropsAClientThatNeverReads(t *testing.T) {
	s := start(t, "--quiet", "--token", token, "--write-timeout", "300ms", "--control", "--control-token", controlToken)
	for name, base := range map[string]string{"main": s.url, "control": controlURL(t, s)} {
		t.Run(name, func(t *testing.T) {
			conn := dial(t, base)
			require.NoError(t, conn.(*net.TCPConn).SetReadBuffer(4096))
			req := []byte("GET /counters HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + controlToken + "\r\n\r\n")
			var err error
			for err == nil {
				require.NoError(t, conn.SetWriteDeadline(time.Now().Add(2*time.Second)))
				_, err = conn.Write(req)
			}
			// The server had time to drop the connection: what is left to
			// read ends. A server still holding it would answer the rest
			// and wait for more.
			require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
			_, err = io.Copy(io.Discard, conn)
			var netErr net.Error
			assert.False(t, errors.As(err, &netErr) && netErr.Timeout(), "the server still holds the connection: %v", err)
		})
	}
}

func TestRun_PoliciesAreOnByFlag(t *testing.T) {
	s := start(t, "--quiet", "--token", token, "--user", email+":"+password,
		"--lock-after", "1", "--login-rate", "3/1h", "--session-idle", "1h")
	login := func(pw string) *http.Response {
		return call(t, http.MethodPost, s.url+"/api/sessions", token, loginBody(email, pw))
	}
	assert.Equal(t, http.StatusUnauthorized, login("wrong").StatusCode)
	assert.Equal(t, http.StatusUnauthorized, login(password).StatusCode, "locked, even with the right password")
	assert.Equal(t, http.StatusUnauthorized, login(password).StatusCode)
	over := login(password)
	assert.Equal(t, http.StatusTooManyRequests, over.StatusCode)
	assert.NotEmpty(t, over.Header.Get("Retry-After"))

	for _, bad := range []string{"5", "0/1m", "5/0s", "x/1m", "5/x"} {
		_, err := parseArgs([]string{"--login-rate", bad}, io.Discard)
		assert.Error(t, err, bad)
	}
}
