package loremup_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

// whoAmI answers the logged-in user's e-mail.
func whoAmI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		email, _ := loremuptest.SessionUser(r)
		_, _ = io.WriteString(w, email)
	})
}

// fakeApp is the fake server with a user and GET /api/me mounted.
func fakeApp(t *testing.T, opts ...loremuptest.Option) (*loremuptest.Server, *loremup.Client) {
	t.Helper()
	srv := loremuptest.NewServer(append([]loremuptest.Option{loremuptest.WithUser(testEmail, testPassword)}, opts...)...)
	t.Cleanup(srv.Close)
	srv.Handle("GET /api/me", whoAmI())
	c, err := loremup.NewClient(srv.URL, srv.Token, fastRetries)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return srv, c
}

// get calls url with hc and returns the status and body.
func get(t *testing.T, hc *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := hc.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestHTTPClient_CallsTheAppAsTheUserUntilLogout(t *testing.T) {
	srv, c := fakeApp(t)
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	hc := c.HTTPClient(sess)

	status, body := get(t, hc, srv.URL+"/api/me")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, testEmail, body)

	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))
	assert.True(t, sess.Ended())
	assert.Zero(t, srv.ActiveSessions())
	status, _ = get(t, hc, srv.URL+"/api/me")
	assert.Equal(t, http.StatusUnauthorized, status, "an ended Session acts as nobody")
}

func TestHTTPClient_KeepsUpWithCookieRotation(t *testing.T) {
	srv, c := fakeApp(t, loremuptest.WithCookieRotation())
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	hc := c.HTTPClient(sess)

	for range 3 {
		status, body := get(t, hc, srv.URL+"/api/me")
		require.Equal(t, http.StatusOK, status, "each request carries the cookie of the answer before")
		assert.Equal(t, testEmail, body)
	}
	live := srv.Sessions()
	require.Len(t, live, 1)
	require.Len(t, sess.Cookies(), 1)
	assert.Equal(t, live[0].ID, sess.Cookies()[0].Value, "the Session holds the current cookie")

	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))
	assert.Zero(t, srv.ActiveSessions(), "the logout sent the current cookie, so the server ended the session")
}

func TestHTTPClient_UnderThePathPrefix(t *testing.T) {
	srv, c := fakeApp(t, loremuptest.WithPathPrefix("/tenant"))
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)

	status, body := get(t, c.HTTPClient(sess), srv.URL+"/api/me")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, testEmail, body)
}

// A Rails app checks the API token and Accept on every endpoint: the
// client sends both to the Client's origin, and to no other, even when
// a caller lets it follow a redirect there.
func TestHTTPClient_SendsTheAPITokenAndAcceptToItsOriginOnly(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, loginOK("v1"))
	var got []*http.Request
	record := func(r *http.Request) (*http.Response, error) {
		got = append(got, r)
		return httpmock.NewStringResponse(http.StatusOK, "ok"), nil
	}
	mt.RegisterResponder(http.MethodGet, baseURL+"/users/me", record)
	mt.RegisterResponder(http.MethodGet, "https://evil.example.net/steal", record)
	mt.RegisterResponder(http.MethodGet, baseURL+"/away", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusFound, "")
		resp.Header.Set("Location", "https://evil.example.net/steal")
		return resp, nil
	})
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	hc := c.HTTPClient(sess)

	status, _ := get(t, hc, baseURL+"/users/me")
	req, err := http.NewRequest(http.MethodGet, baseURL+"/users/me", nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/csv")
	resp, err := hc.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	hc.CheckRedirect = nil // the caller's choice: follow every redirect
	get(t, hc, baseURL+"/away")
	get(t, hc, "https://evil.example.net/steal")

	assert.Equal(t, http.StatusOK, status)
	require.Len(t, got, 4, "the requests went through the Client's transport")
	assert.Equal(t, "Token token="+testToken, got[0].Header.Get("Authorization"))
	assert.Equal(t, "application/vnd.api+json, application/json", got[0].Header.Get("Accept"))
	assert.Equal(t, "_app_session=v1", got[0].Header.Get("Cookie"))
	assert.Equal(t, "text/csv", got[1].Header.Get("Accept"), "the request's own Accept is kept")
	assert.Equal(t, "Token token="+testToken, got[1].Header.Get("Authorization"))
	for _, r := range got[2:] {
		assert.Empty(t, r.Header.Get("Authorization"), "no token to %s", r.URL)
		assert.Empty(t, r.Header.Get("Accept"), "no Accept added for %s", r.URL)
		assert.Empty(t, r.Header.Get("Cookie"), "no cookie to %s", r.URL)
	}
}

func TestHTTPClient_FollowsRedirectsOnlyWithinTheOrigin(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, loginOK("v1"))
	redirect := func(to string) httpmock.Responder {
		return func(*http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(http.StatusFound, "")
			resp.Header.Set("Location", to)
			return resp, nil
		}
	}
	mt.RegisterResponder(http.MethodGet, baseURL+"/old", redirect(baseURL+"/new"))
	mt.RegisterResponder(http.MethodGet, baseURL+"/away", redirect("https://evil.example.net/steal"))
	mt.RegisterResponder(http.MethodGet, baseURL+"/loop", redirect(baseURL+"/loop"))
	var newCookie string
	mt.RegisterResponder(http.MethodGet, baseURL+"/new", func(r *http.Request) (*http.Response, error) {
		newCookie = r.Header.Get("Cookie")
		return httpmock.NewStringResponse(http.StatusOK, "new"), nil
	})
	evil := 0
	mt.RegisterResponder(http.MethodGet, "https://evil.example.net/steal", func(*http.Request) (*http.Response, error) {
		evil++
		return httpmock.NewStringResponse(http.StatusOK, ""), nil
	})
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	hc := c.HTTPClient(sess)

	status, body := get(t, hc, baseURL+"/old")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "new", body)
	assert.Equal(t, "_app_session=v1", newCookie)

	status, _ = get(t, hc, baseURL+"/away")
	assert.Equal(t, http.StatusFound, status, "a redirect to another origin is returned, not followed")
	assert.Zero(t, evil)

	resp, err := hc.Get(baseURL + "/loop")
	if resp != nil {
		_ = resp.Body.Close()
	}
	assert.ErrorContains(t, err, "10 redirects")
}

func TestHTTPClient_SessionOfAnotherOriginSendsNothingHere(t *testing.T) {
	c, mt := mockClient(t)
	var cookie string
	mt.RegisterResponder(http.MethodGet, baseURL+"/users/me", func(r *http.Request) (*http.Response, error) {
		cookie = r.Header.Get("Cookie")
		return httpmock.NewStringResponse(http.StatusOK, ""), nil
	})
	other, err := loremup.NewSession("https://other.example.com", []*http.Cookie{{Name: "_app_session", Value: "other", Path: "/"}})
	require.NoError(t, err)

	status, _ := get(t, c.HTTPClient(other), baseURL+"/users/me")

	assert.Equal(t, http.StatusOK, status)
	assert.Empty(t, cookie)
	assert.Equal(t, "https://other.example.com", other.BaseURL(), "HTTPClient does not rebind a bound Session")
}

// ExampleClient_HTTPClient logs a user in, calls one of the app's own
// endpoints as that user, and logs out.
func ExampleClient_HTTPClient() {
	// The fake app, with GET /api/me answering the logged-in user's e-mail.
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	defer srv.Close()
	srv.Handle("GET /api/me", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		email, _ := loremuptest.SessionUser(r)
		fmt.Fprint(w, email)
	}))

	ctx := context.Background()
	c, err := loremup.NewClient(srv.URL, srv.Token)
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()
	sess, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "correct horse"},
	})
	if err != nil {
		panic(err)
	}

	hc := c.HTTPClient(sess) // sends the Session's cookies to the app, and nowhere else
	resp, err := hc.Get(srv.URL + "/api/me")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))

	err = c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: loremup.ReferenceDeleteFormName, Session: sess})
	fmt.Println("logged out:", err == nil, sess.Ended())
	// Output:
	// 200 ada@example.com
	// logged out: true true
}

func TestHTTPClient_HasTheClientsPerAttemptTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := newCountingServer(t, func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	c, err := loremup.NewClient(srv.URL, testToken, loremup.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	sess, err := loremup.NewSession(srv.URL, nil)
	require.NoError(t, err)

	resp, err := c.HTTPClient(sess).Get(srv.URL + "/slow")
	if resp != nil {
		_ = resp.Body.Close()
	}

	require.Error(t, err)
	assert.ErrorContains(t, err, "timed out")
}

func TestRelogin_KeepsUpWithCookieRotation(t *testing.T) {
	srv, c := fakeApp(t, loremuptest.WithCookieRotation())
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	hc, err := c.ReloginHTTPClient(sess, createParams())
	require.NoError(t, err)
	before := countLogins(srv)

	for range 3 {
		status, body := get(t, hc, srv.URL+"/api/me")
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, testEmail, body)
	}

	assert.Equal(t, before, countLogins(srv), "rotated cookies were kept: no re-login was needed")
	require.Len(t, srv.Sessions(), 1)
	assert.Equal(t, srv.Sessions()[0].ID, sess.Cookies()[0].Value)
}

// An answer that arrives after Delete (a rotated, live cookie) must not
// put a session back into the ended Session: nothing would log it out.
func TestHTTPClient_AnAnswerAfterLogoutNeverRevivesTheSession(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, loginOK("v1"))
	mt.RegisterResponder(http.MethodDelete, sessionsURL, httpmock.NewStringResponder(http.StatusNoContent, ""))
	arrived, release := make(chan struct{}), make(chan struct{})
	mt.RegisterResponder(http.MethodGet, baseURL+"/slow", func(*http.Request) (*http.Response, error) {
		close(arrived)
		<-release
		resp := httpmock.NewStringResponse(http.StatusOK, "")
		resp.Header.Set("Set-Cookie", "_app_session=rotated-live; Path=/")
		return resp, nil
	})
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		resp, err := c.HTTPClient(sess).Get(baseURL + "/slow")
		if err == nil {
			_ = resp.Body.Close()
		}
		done <- err
	}()
	<-arrived
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))

	close(release)
	require.NoError(t, <-done)

	assert.True(t, sess.Ended())
	assert.Empty(t, sess.Cookies(), "the late answer's cookie was not kept")
}

// net/http quotes an unparsable Location in the error it makes above the
// transport; an app echoing the session cookie there must not get it
// into an error string, through either client.
func TestHTTPClient_ErrorsOfEveryLayerAreRedacted(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, loginOK("cookie-secret-value"))
	mt.RegisterResponder(http.MethodGet, baseURL+"/echo", func(r *http.Request) (*http.Response, error) {
		ck, _ := r.Cookie("_app_session")
		resp := httpmock.NewStringResponse(http.StatusFound, "")
		resp.Header.Set("Location", "/%zz/"+ck.Value+"/"+r.Header.Get("Authorization"))
		return resp, nil
	})
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	relogin, err := c.ReloginHTTPClient(sess, createParams())
	require.NoError(t, err)

	for name, hc := range map[string]*http.Client{"HTTPClient": c.HTTPClient(sess), "ReloginHTTPClient": relogin} {
		resp, err := hc.Get(baseURL + "/echo")
		if resp != nil {
			_ = resp.Body.Close()
		}
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "Location", "%s: the error still says what went wrong", name)
		assert.NotContains(t, err.Error(), "cookie-secret-value", name)
		assert.NotContains(t, err.Error(), testToken, name)
	}
}
