package contracttest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/internal/secrettest"
)

// These tests act as the user against a real app, on one of its own
// endpoints: LOREMUP_ME_PATH (as /api/me) must answer 200 to a logged-in
// user and 401 otherwise, with the API token and Accept checked as on
// every endpoint of a Rails app. They run only with the suite's LOREMUP_*
// variables and LOREMUP_ME_PATH set; the idle-timeout test also needs
// LOREMUP_IDLE_TIMEOUT, the app's session timeout (a Go duration).

// actAs is a client of the real app whose logins are counted.
type actAs struct {
	target
	meURL  string
	client *loremup.Client
	logins *loginCounter
	guard  *secrettest.Guard
}

// loginCounter counts the logins the Client sends, so a test can tell
// how many re-logins a burst of requests caused.
type loginCounter struct {
	rt http.RoundTripper
	n  atomic.Int64
}

func (lc *loginCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/api/sessions") {
		lc.n.Add(1)
	}
	return lc.rt.RoundTrip(req)
}

func (lc *loginCounter) CloseIdleConnections() {
	if ci, ok := lc.rt.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// newActAs acts as the suite's user, or with spare as the second account,
// LOREMUP_SPARE_USER (EMAIL:PASSWORD; skipped when unset).
func newActAs(t *testing.T, spare bool) *actAs {
	t.Helper()
	tg := realTarget(t)
	path := os.Getenv("LOREMUP_ME_PATH")
	if path == "" {
		t.Skip("set LOREMUP_ME_PATH to an endpoint of the app for the logged-in user (as /api/me)")
	}
	if spare {
		var ok bool
		if tg.email, tg.password, ok = strings.Cut(os.Getenv("LOREMUP_SPARE_USER"), ":"); !ok {
			t.Skip("set LOREMUP_SPARE_USER to EMAIL:PASSWORD of a second account, which the test may lock")
		}
	}
	guard := secrettest.New(t, tg.token, tg.password)
	lc := &loginCounter{rt: http.DefaultTransport.(*http.Transport).Clone()}
	c, err := loremup.NewClient(tg.baseURL, tg.token,
		loremup.WithHTTPClient(&http.Client{Transport: lc, Timeout: 30 * time.Second}),
		loremup.WithLogger(guard.Logger()))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return &actAs{target: tg, meURL: strings.TrimRight(tg.baseURL, "/") + path, client: c, logins: lc, guard: guard}
}

func (a *actAs) params() loremup.CreateSessionParams {
	return loremup.CreateSessionParams{FormName: a.createForm, Form: loremup.SessionForm{Email: a.email, Password: a.password}}
}

// login logs the user in, and out again when the test ends.
func (a *actAs) login(t *testing.T) *loremup.Session {
	t.Helper()
	sess, err := a.client.Sessions.Create(context.Background(), a.params())
	a.guard.Check(sess, err)
	require.NoError(t, err)
	t.Cleanup(func() {
		err := a.client.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: a.deleteForm, Session: sess})
		a.guard.Check(err)
		assert.NoError(t, err, "log out at the end")
	})
	return sess
}

// answer is what the app said to one request, without its body's secrets:
// the status, whether it was the token refusal, and the body's first line.
type answer struct {
	status       int
	tokenRefusal bool
	line         string
}

func get(t *testing.T, hc *http.Client, url string, header http.Header) answer {
	t.Helper()
	got, err := fetch(hc, url, header)
	require.NoError(t, err)
	return got
}

// fetch is get for goroutines other than the test's.
func fetch(hc *http.Client, url string, header http.Header) (answer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return answer{}, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := hc.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	line, _, _ := strings.Cut(string(body), "\n")
	return answer{status: resp.StatusCode, line: line,
		tokenRefusal: strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Token")}, nil
}

// apiHeader is what a caller sends by hand to an endpoint of a Rails app.
func (a *actAs) apiHeader() http.Header {
	return http.Header{
		"Authorization": {"Token token=" + a.token},
		"Accept":        {"application/vnd.api+json, application/json"},
	}
}

// rawGet sends the request with exactly these cookies (a copy: the
// answer's cookies are not kept), as another program holding them would.
func (a *actAs) rawGet(t *testing.T, cookies []*http.Cookie) answer {
	t.Helper()
	h := a.apiHeader()
	for _, c := range cookies {
		h.Add("Cookie", c.Name+"="+c.Value)
	}
	hc := &http.Client{Transport: a.logins, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return get(t, hc, a.meURL, h)
}

func TestRealApp_HTTPClientActsAsTheUserWithoutHeadersFromTheCaller(t *testing.T) {
	a := newActAs(t, false)
	sess := a.login(t)

	got := get(t, a.client.HTTPClient(sess), a.meURL, nil)

	assert.Equal(t, http.StatusOK, got.status, "GET %s with no header from the caller: %q (token refused: %v)", a.meURL, got.line, got.tokenRefusal)
	assert.Contains(t, got.line, a.email, "the app answers as the logged-in user")
}

func TestRealApp_ReloginAfterTheIdleTimeoutLogsInOnceForManyGoroutines(t *testing.T) {
	a := newActAs(t, false)
	idle, err := time.ParseDuration(os.Getenv("LOREMUP_IDLE_TIMEOUT"))
	if err != nil || idle <= 0 {
		t.Skip("set LOREMUP_IDLE_TIMEOUT to the app's session timeout (as 2s)")
	}
	sess := a.login(t)
	hc, err := a.client.ReloginHTTPClient(sess, a.params())
	require.NoError(t, err)
	got := get(t, hc, a.meURL, nil)
	require.Equal(t, http.StatusOK, got.status, "before the timeout: %q (token refused: %v)", got.line, got.tokenRefusal)

	// Wait until the app has ended the session, asking with a copy of its
	// cookies: the app's renewed cookies go to the copy's answer, so the
	// Session itself stays as idle as the copy.
	cookies := sess.Cookies()
	deadline := time.Now().Add(10*idle + 10*time.Second)
	tick := time.NewTicker(idle / 20)
	defer tick.Stop()
	for {
		got := a.rawGet(t, cookies)
		if got.status == http.StatusUnauthorized && !got.tokenRefusal {
			break
		}
		require.Equal(t, http.StatusOK, got.status, "waiting for the timeout: %q", got.line)
		require.True(t, time.Now().Before(deadline), "the app did not end the session within %v", 10*idle+10*time.Second)
		<-tick.C
	}

	const goroutines = 16
	before := a.logins.n.Load()
	answers := make([]answer, goroutines)
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			answers[i], errs[i] = fetch(hc, a.meURL, nil)
		}()
	}
	close(start)
	wg.Wait()

	for i, got := range answers {
		require.NoError(t, errs[i], "goroutine %d", i)
		assert.Equal(t, http.StatusOK, got.status, "goroutine %d: %q (token refused: %v)", i, got.line, got.tokenRefusal)
	}
	assert.Equal(t, int64(1), a.logins.n.Load()-before, "logins the burst caused")
	got = get(t, hc, a.meURL, nil)
	assert.Equal(t, http.StatusOK, got.status, "after the burst: %q", got.line)
	assert.Equal(t, int64(1), a.logins.n.Load()-before, "logins after one more request")
}

func TestRealApp_AfterDeleteTheSessionsCookiesAreLoggedOut(t *testing.T) {
	a := newActAs(t, false)
	sess := a.login(t)
	hc := a.client.HTTPClient(sess)
	got := get(t, hc, a.meURL, a.apiHeader())
	require.Equal(t, http.StatusOK, got.status, "before the logout: %q", got.line)
	copied := sess.Cookies()

	require.NoError(t, a.client.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: a.deleteForm, Session: sess}))

	got = get(t, hc, a.meURL, a.apiHeader())
	assert.Equal(t, http.StatusUnauthorized, got.status, "the ended Session's cookies: %q", got.line)
	assert.False(t, got.tokenRefusal, "the 401 is the app's session check, not the token check")
	assert.Equal(t, http.StatusUnauthorized, a.rawGet(t, sess.Cookies()).status, "the ended Session's cookies, sent by another program")
	// The documented limit of a cookie store: a copy taken before the
	// logout cannot be revoked. Reported, not asserted.
	t.Logf("a copy of the cookies taken before the logout answers %d", a.rawGet(t, copied).status)
}

// TestRealApp_LockedAccountIsRefusedAndReloginStopsThere locks a second
// account (LOREMUP_SPARE_USER, EMAIL:PASSWORD) with LOREMUP_LOCK_AFTER
// wrong passwords, as Devise's lockable does: its live session is then
// refused, the re-login is refused, and no further login is ever sent.
func TestRealApp_LockedAccountIsRefusedAndReloginStopsThere(t *testing.T) {
	a := newActAs(t, true)
	lockAfter, err := strconv.Atoi(os.Getenv("LOREMUP_LOCK_AFTER"))
	if err != nil || lockAfter <= 0 {
		t.Skip("set LOREMUP_LOCK_AFTER to the failed logins that lock an account")
	}
	sess := a.login(t)
	hc, err := a.client.ReloginHTTPClient(sess, a.params())
	require.NoError(t, err)
	got := get(t, hc, a.meURL, nil)
	require.Equal(t, http.StatusOK, got.status, "before the lock: %q (token refused: %v)", got.line, got.tokenRefusal)

	other, err := loremup.NewClient(a.baseURL, a.token)
	require.NoError(t, err)
	t.Cleanup(other.CloseIdleConnections)
	wrong := a.params()
	wrong.Form.Password += "-wrong"
	for i := range lockAfter {
		_, err := other.Sessions.Create(context.Background(), wrong)
		require.ErrorIs(t, err, loremup.ErrUnauthorized, "wrong password %d", i+1)
	}
	_, err = other.Sessions.Create(context.Background(), a.params())
	require.ErrorIs(t, err, loremup.ErrUnauthorized, "the right password, once the account is locked")

	before := a.logins.n.Load()
	_, err = fetch(hc, a.meURL, nil)
	require.ErrorIs(t, err, loremup.ErrUnauthorized, "the locked user's session, then its re-login, are refused")
	assert.Equal(t, int64(1), a.logins.n.Load()-before, "one re-login")
	_, err = fetch(hc, a.meURL, nil)
	require.ErrorIs(t, err, loremup.ErrUnauthorized, "the refusal is final")
	assert.Equal(t, int64(1), a.logins.n.Load()-before, "no login after the refusal")
}

// TestRealApp_LoginThrottleAnswers429WithRetryAfter sends logins as one
// client address (X-Forwarded-For, which Rack reads from a proxy on
// loopback) past the app's throttle, LOREMUP_LOGIN_THROTTLE
// (LIMIT/SECONDS, as Rack::Attack counts): a 429 *APIError carrying
// Retry-After within the window; logouts are not throttled.
func TestRealApp_LoginThrottleAnswers429WithRetryAfter(t *testing.T) {
	tg := realTarget(t)
	limitText, periodText, ok := strings.Cut(os.Getenv("LOREMUP_LOGIN_THROTTLE"), "/")
	limit, err1 := strconv.Atoi(limitText)
	period, err2 := strconv.Atoi(periodText)
	if !ok || err1 != nil || err2 != nil || limit <= 0 || period <= 0 {
		t.Skip("set LOREMUP_LOGIN_THROTTLE to the app's login throttle (LIMIT/SECONDS)")
	}
	client := fmt.Sprintf("192.0.2.%d", 1+time.Now().UnixNano()%254)
	c, err := loremup.NewClient(tg.baseURL, tg.token, loremup.WithMaxRetries(0),
		loremup.WithHTTPClient(&http.Client{Transport: forwardedFor{client, http.DefaultTransport.(*http.Transport).Clone()}}))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	// An invalid e-mail: counted by the throttle, answered 422 without a
	// password check. A window may end mid-way, so up to two windows' worth.
	invalid := loremup.CreateSessionParams{FormName: tg.createForm, Form: loremup.SessionForm{Email: "not-an-address", Password: "x"}}
	var apiErr *loremup.APIError
	for i := 0; i <= 2*limit; i++ {
		_, err = c.Sessions.Create(context.Background(), invalid)
		require.ErrorAs(t, err, &apiErr)
		if apiErr.StatusCode != http.StatusUnprocessableEntity {
			break
		}
	}
	require.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode, "past %d logins from one address", limit)
	retryAfter, err := strconv.Atoi(apiErr.Header.Get("Retry-After"))
	require.NoError(t, err, "Retry-After in whole seconds")
	assert.True(t, retryAfter >= 1 && retryAfter <= period, "Retry-After %d within the %ds window", retryAfter, period)
	assert.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: tg.deleteForm}), "logouts are not throttled")
}

// forwardedFor sends every request as if a proxy forwarded it for client.
type forwardedFor struct {
	client string
	rt     *http.Transport
}

func (f forwardedFor) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("X-Forwarded-For", f.client)
	return f.rt.RoundTrip(req)
}

func (f forwardedFor) CloseIdleConnections() { f.rt.CloseIdleConnections() }
