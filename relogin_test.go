package loremup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/internal/secrettest"
	"github.com/loremup/loremup-go/loremuptest"
)

func TestRelogin_64GoroutinesOnAnExpiredSessionSeeOneLogin(t *testing.T) {
	srv, c := fakeApp(t)
	var logins atomic.Int64
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	hc, err := c.ReloginHTTPClient(sess, createParams())
	require.NoError(t, err)
	status, _ := get(t, hc, srv.URL+"/api/me")
	require.Equal(t, http.StatusOK, status)
	before := countLogins(srv)

	require.Equal(t, 1, srv.ExpireSessions())
	const goroutines = 64
	start := make(chan struct{})
	errs := make(chan string, goroutines)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := hc.Get(srv.URL + "/api/me")
			if err != nil {
				errs <- err.Error()
				return
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK || string(body) != testEmail {
				errs <- fmt.Sprintf("%d %s", resp.StatusCode, body)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for e := range errs {
		assert.Fail(t, "a request failed", e)
	}
	logins.Store(int64(countLogins(srv) - before))
	assert.EqualValues(t, 1, logins.Load(), "one login for all goroutines")
	live := srv.Sessions()
	require.Len(t, live, 1)
	require.Len(t, sess.Cookies(), 1)
	assert.Equal(t, live[0].ID, sess.Cookies()[0].Value, "the new login's cookie was swapped into the Session")
	assert.False(t, sess.Ended())

	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))
	assert.Zero(t, srv.ActiveSessions(), "a later Delete sends the new login's cookie")
}

// countLogins counts the logins the fake has answered.
func countLogins(srv *loremuptest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/api/sessions") {
			n++
		}
	}
	return n
}

// reloginApp is an httpmock app whose logins each issue a new cookie, and
// whose protected endpoints accept only the latest one. It records the
// bodies the protected endpoint received.
type reloginApp struct {
	mu      sync.Mutex
	current string
	logins  int
	bodies  []string
	always  int // answer 401 to everything when set
	refuse  int // answer logins with this status when set
	block   chan struct{}
}

func newReloginApp(t *testing.T, mt *httpmock.MockTransport) *reloginApp {
	t.Helper()
	a := &reloginApp{}
	mt.RegisterResponder(http.MethodPost, sessionsURL, func(r *http.Request) (*http.Response, error) {
		a.mu.Lock()
		block := a.block
		a.mu.Unlock()
		if block != nil {
			select {
			case <-block:
			case <-r.Context().Done():
				return nil, r.Context().Err()
			}
		}
		a.mu.Lock()
		a.logins++
		if a.refuse != 0 {
			status := a.refuse
			a.mu.Unlock()
			return jsonAPI(status, errorDoc(fmt.Sprint(status), "invalid", "Invalid Email or password.", ""))(r)
		}
		a.current = fmt.Sprintf("login-%d", a.logins)
		cur := a.current
		a.mu.Unlock()
		return loginOK(cur)(r)
	})
	protected := func(r *http.Request) (*http.Response, error) {
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(r.Body)
		}
		ck, _ := r.Cookie("_app_session")
		a.mu.Lock()
		defer a.mu.Unlock()
		a.bodies = append(a.bodies, string(body))
		if a.always > 0 || ck == nil || ck.Value != a.current {
			return httpmock.NewStringResponse(http.StatusUnauthorized, `{"error":"log in"}`), nil
		}
		return httpmock.NewStringResponse(http.StatusOK, "ok:"+string(body)), nil
	}
	mt.RegisterResponder(http.MethodGet, baseURL+"/api/me", protected)
	mt.RegisterResponder(http.MethodPost, baseURL+"/api/notes", protected)
	return a
}

func (a *reloginApp) expire() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.current = "expired"
}

func (a *reloginApp) loginCount() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.logins
}

func TestRelogin_ReplaysABodyThatCanBeReplayed(t *testing.T) {
	c, mt := mockClient(t)
	app := newReloginApp(t, mt)
	sess := login(t, c, testEmail)
	hc, err := c.ReloginHTTPClient(sess, createParams())
	require.NoError(t, err)
	app.expire()

	resp, err := hc.Post(baseURL+"/api/notes", "text/plain", strings.NewReader("note 1"))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "ok:note 1", string(body))
	assert.Equal(t, []string{"note 1", "note 1"}, app.bodies, "the body was sent again")
	assert.Equal(t, 2, app.loginCount())
}

// onceReader is a body that cannot be replayed (http.NewRequest sets no
// GetBody for it).
type onceReader struct{ io.Reader }

func TestRelogin_ABodyThatCannotBeReplayedReturnsThe401(t *testing.T) {
	c, mt := mockClient(t)
	app := newReloginApp(t, mt)
	sess := login(t, c, testEmail)
	hc, err := c.ReloginHTTPClient(sess, createParams())
	require.NoError(t, err)
	app.expire()

	req, err := http.NewRequest(http.MethodPost, baseURL+"/api/notes", onceReader{strings.NewReader("note 1")})
	require.NoError(t, err)
	require.Nil(t, req.GetBody)
	resp, err := hc.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()

	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, []string{"note 1"}, app.bodies, "sent once")
	assert.Equal(t, 2, app.loginCount(), "the user was logged in again, so the next request works")
	status, _ := get(t, hc, baseURL+"/api/me")
	assert.Equal(t, http.StatusOK, status)
}

func TestRelogin_AtMostOnePerRequest(t *testing.T) {
	c, mt := mockClient(t)
	app := newReloginApp(t, mt)
	sess := login(t, c, testEmail)
	hc, err := c.ReloginHTTPClient(sess, createParams())
	require.NoError(t, err)
	app.always = 1

	status, _ := get(t, hc, baseURL+"/api/me")

	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, 2, app.loginCount(), "one re-login, then the 401 is the answer")
	assert.Len(t, app.bodies, 2)
}

func TestRelogin_SpendsTheRetryBudget(t *testing.T) {
	c, mt := mockClient(t, loremup.WithRetryBudget(loremup.RetryBudget{Capacity: 10, RetryCost: 10, SuccessRefund: 1}))
	app := newReloginApp(t, mt)
	sess := login(t, c, testEmail)
	hc, err := c.ReloginHTTPClient(sess, createParams())
	require.NoError(t, err)
	app.always = 1

	status, _ := get(t, hc, baseURL+"/api/me")
	assert.Equal(t, http.StatusUnauthorized, status)
	resp, err := hc.Get(baseURL + "/api/me")
	if resp != nil {
		_ = resp.Body.Close()
	}

	require.ErrorIs(t, err, loremup.ErrRetryBudgetExhausted, "an app that always answers 401 cannot cause a storm of logins")
	assert.Equal(t, 2, app.loginCount())
}

func TestRelogin_AWaiterHonoursItsContext(t *testing.T) {
	c, mt := mockClient(t)
	app := newReloginApp(t, mt)
	sess := login(t, c, testEmail)
	hc, err := c.ReloginHTTPClient(sess, createParams())
	require.NoError(t, err)
	app.expire()
	app.mu.Lock()
	app.block = make(chan struct{})
	app.mu.Unlock()

	// The first request's re-login blocks in the login answer.
	leader := make(chan error, 1)
	go func() {
		resp, err := hc.Get(baseURL + "/api/me")
		if err == nil {
			_ = resp.Body.Close()
		}
		leader <- err
	}()
	assert.Eventually(t, func() bool {
		return mt.GetCallCountInfo()["POST "+sessionsURL] == 2
	}, 5*time.Second, time.Millisecond, "the re-login started")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/api/me", nil)
	require.NoError(t, err)
	resp, err := hc.Do(req)
	if resp != nil {
		_ = resp.Body.Close()
	}
	require.ErrorIs(t, err, context.DeadlineExceeded, "the waiter gave up on its own deadline")

	app.mu.Lock()
	close(app.block)
	app.block = nil
	app.mu.Unlock()
	require.NoError(t, <-leader)
	assert.Equal(t, 2, app.loginCount())
}

func TestRelogin_RefusesWhatCanNeverWork(t *testing.T) {
	c, _ := mockClient(t)
	sess, err := loremup.NewSession(baseURL, nil)
	require.NoError(t, err)
	other, err := loremup.NewSession("https://other.example.com", nil)
	require.NoError(t, err)
	noPassword := createParams()
	noPassword.Form.Password = ""
	noEmail := createParams()
	noEmail.Form.Email = ""
	noForm := createParams()
	noForm.FormName = ""

	tests := []struct {
		name  string
		sess  *loremup.Session
		p     loremup.CreateSessionParams
		field string
	}{
		{"nil session", nil, createParams(), "Session"},
		{"another origin", other, createParams(), "Session"},
		{"no password", sess, noPassword, "Form.Password"},
		{"no e-mail", sess, noEmail, "Form.Email"},
		{"no form name", sess, noForm, "FormName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.ReloginHTTPClient(tt.sess, tt.p)
			requireInvalid(t, err, tt.field)
		})
	}
}

func TestRelogin_NeverShowsTheCredentials(t *testing.T) {
	srv, _ := fakeApp(t)
	var logBuf bytes.Buffer
	guard := secrettest.New(t, testPassword)
	c, err := loremup.NewClient(srv.URL, srv.Token, loremup.WithLogger(guard.Logger()))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	hc, err := c.ReloginHTTPClient(sess, createParams())
	require.NoError(t, err)
	rt := hc.Transport
	srv.ExpireSessions()
	status, _ := get(t, hc, srv.URL+"/api/me")
	require.Equal(t, http.StatusOK, status)
	cookie := sess.Cookies()[0].Value
	guard2 := secrettest.New(t, testPassword, cookie, srv.Token)

	nested := struct {
		Transport http.RoundTripper
		Client    *http.Client
		Session   *loremup.Session
	}{rt, hc, sess}
	guard.Check(rt, nested, hc)
	guard2.Check(rt, nested, hc)
	data, err := json.Marshal(struct {
		Transport http.RoundTripper
		Session   *loremup.Session
	}{rt, sess})
	require.NoError(t, err)
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("state", "nested", nested, "rt", rt)
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("state", "nested", nested, "rt", rt)
	for _, secret := range []string{testPassword, cookie} {
		assert.NotContains(t, string(data), secret)
		assert.NotContains(t, logBuf.String(), secret)
	}
	renderings, logBytes := guard.Scanned()
	assert.Positive(t, renderings)
	assert.Positive(t, logBytes, "the re-login was logged, without the password")
}

// An app with Devise's lockable locks the account after a few refused
// logins: the SDK must never be the one that sends them.
func TestRelogin_ARefusedLoginIsFinal(t *testing.T) {
	for _, tt := range []struct {
		status int
		is     error
	}{{http.StatusUnauthorized, loremup.ErrUnauthorized}, {http.StatusUnprocessableEntity, loremup.ErrUnprocessableEntity}} {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			c, mt := mockClient(t)
			app := newReloginApp(t, mt)
			sess := login(t, c, testEmail)
			hc, err := c.ReloginHTTPClient(sess, createParams())
			require.NoError(t, err)
			app.expire()
			app.refuse = tt.status // the password changed

			for i := range 5 {
				resp, err := hc.Get(baseURL + "/api/me")
				if resp != nil {
					_ = resp.Body.Close()
				}
				require.ErrorIs(t, err, tt.is, "request %d", i)
			}

			assert.Equal(t, 2, app.loginCount(), "one refused re-login, never another")
			assert.Len(t, app.bodies, 1, "later requests fail at once, without being sent")
		})
	}
}

func TestRelogin_CancellingTheRequestThatStartedItFailsNoOtherWaiter(t *testing.T) {
	c, mt := mockClient(t)
	app := newReloginApp(t, mt)
	sess := login(t, c, testEmail)
	hc, err := c.ReloginHTTPClient(sess, createParams())
	require.NoError(t, err)
	app.expire()
	app.mu.Lock()
	app.block = make(chan struct{})
	app.mu.Unlock()

	ctx, cancel := context.WithCancel(context.Background())
	leader := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/api/me", nil)
		resp, err := hc.Do(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		leader <- err
	}()
	require.Eventually(t, func() bool {
		return mt.GetCallCountInfo()["POST "+sessionsURL] == 2
	}, 5*time.Second, time.Millisecond, "the re-login started")
	waiter := make(chan error, 1)
	go func() {
		resp, err := hc.Get(baseURL + "/api/me")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
		}
		waiter <- err
	}()
	require.Eventually(t, func() bool {
		app.mu.Lock()
		defer app.mu.Unlock()
		return len(app.bodies) == 2
	}, 5*time.Second, time.Millisecond, "the second request met the 401 and waits on the re-login")

	cancel()
	require.ErrorIs(t, <-leader, context.Canceled, "the leader gave up on its own context")
	app.mu.Lock()
	close(app.block)
	app.block = nil
	app.mu.Unlock()

	require.NoError(t, <-waiter, "the re-login went on for the other waiter")
	assert.Equal(t, 2, app.loginCount())
}

// A 401 sent before a re-login that arrives after it (slow in transit,
// with a cookie of its own) must not undo the re-login.
func TestRelogin_ALateAnswerNeverReplacesANewerLogin(t *testing.T) {
	c, mt := mockClient(t)
	app := newReloginApp(t, mt)
	sess := login(t, c, testEmail)
	hc, err := c.ReloginHTTPClient(sess, createParams())
	require.NoError(t, err)
	arrived, release := make(chan struct{}), make(chan struct{})
	var slowCalls atomic.Int32
	mt.RegisterResponder(http.MethodGet, baseURL+"/api/slow", func(r *http.Request) (*http.Response, error) {
		if slowCalls.Add(1) == 1 {
			close(arrived)
			<-release
			resp := httpmock.NewStringResponse(http.StatusUnauthorized, "")
			resp.Header.Set("Set-Cookie", "_app_session=stale-from-the-late-answer; Path=/")
			return resp, nil
		}
		ck, _ := r.Cookie("_app_session")
		app.mu.Lock()
		defer app.mu.Unlock()
		if ck == nil || ck.Value != app.current {
			return httpmock.NewStringResponse(http.StatusUnauthorized, ""), nil
		}
		return httpmock.NewStringResponse(http.StatusOK, "slow ok"), nil
	})
	late := make(chan int, 1)
	go func() {
		resp, err := hc.Get(baseURL + "/api/slow")
		if err != nil {
			late <- 0
			return
		}
		_ = resp.Body.Close()
		late <- resp.StatusCode
	}()
	<-arrived
	app.expire()
	status, _ := get(t, hc, baseURL+"/api/me") // meets the 401 and logs in again
	require.Equal(t, http.StatusOK, status)

	close(release)

	assert.Equal(t, http.StatusOK, <-late, "the late request is repeated with the newer login")
	require.Len(t, sess.Cookies(), 1)
	assert.Equal(t, "login-2", sess.Cookies()[0].Value, "the late answer's cookie did not replace the newer login's")
	assert.Equal(t, 2, app.loginCount(), "no login for the late answer")
}
