package contracttest_test

import (
	"context"
	"io"
	"net/http"
	"os"
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

func newActAs(t *testing.T) *actAs {
	t.Helper()
	tg := realTarget(t)
	path := os.Getenv("LOREMUP_ME_PATH")
	if path == "" {
		t.Skip("set LOREMUP_ME_PATH to an endpoint of the app for the logged-in user (as /api/me)")
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
	a := newActAs(t)
	sess := a.login(t)

	got := get(t, a.client.HTTPClient(sess), a.meURL, nil)

	assert.Equal(t, http.StatusOK, got.status, "GET %s with no header from the caller: %q (token refused: %v)", a.meURL, got.line, got.tokenRefusal)
	assert.Contains(t, got.line, a.email, "the app answers as the logged-in user")
}

func TestRealApp_ReloginAfterTheIdleTimeoutLogsInOnceForManyGoroutines(t *testing.T) {
	a := newActAs(t)
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
		if !assert.NoError(t, errs[i], "goroutine %d", i) {
			continue
		}
		assert.Equal(t, http.StatusOK, got.status, "goroutine %d: %q (token refused: %v)", i, got.line, got.tokenRefusal)
	}
	assert.Equal(t, int64(1), a.logins.n.Load()-before, "logins the burst caused")
	got = get(t, hc, a.meURL, nil)
	assert.Equal(t, http.StatusOK, got.status, "after the burst: %q", got.line)
	assert.Equal(t, int64(1), a.logins.n.Load()-before, "logins after one more request")
}

func TestRealApp_AfterDeleteTheSessionsCookiesAreLoggedOut(t *testing.T) {
	a := newActAs(t)
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
