package loremup_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
)

// memJar is a cookie jar that counts how often it is written.
type memJar struct {
	*cookiejar.Jar
	sets int
}

func newMemJar() *memJar {
	j, _ := cookiejar.New(nil)
	return &memJar{Jar: j}
}

func (j *memJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	j.sets++
	j.Jar.SetCookies(u, cookies)
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

// sent lists "name=value" of the cookies a jar sends to u, sorted.
func sent(t *testing.T, jar http.CookieJar, u string) []string {
	t.Helper()
	var out []string
	for _, c := range jar.Cookies(mustURL(t, u)) {
		out = append(out, c.Name+"="+c.Value)
	}
	sort.Strings(out)
	return out
}

func TestJar_SendsOnlyToTheSessionsOriginAndBasePath(t *testing.T) {
	sess, err := loremup.NewSession("https://app.example.com/tenant/", []*http.Cookie{{Name: "_app_session", Value: "v1", Path: "/"}})
	require.NoError(t, err)
	assert.Equal(t, "https://app.example.com/tenant", sess.BaseURL())
	jar := sess.Jar()

	tests := []struct {
		url  string
		want bool
	}{
		{"https://app.example.com/tenant/users/me", true},
		{"https://app.example.com/tenant", true},
		{"https://APP.example.com:443/tenant/x", true},
		{"https://app.example.com/other", false},
		{"https://app.example.com/tenantx", false},
		{"https://app.example.com/", false},
		{"http://app.example.com/tenant/x", false},
		{"https://app.example.com:8443/tenant/x", false},
		{"https://evil.example.com/tenant/x", false},
		{"https://app.example.com.evil.net/tenant/x", false},
		{"https://sub.app.example.com/tenant/x", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got := sent(t, jar, tt.url)
			if tt.want {
				assert.Equal(t, []string{"_app_session=v1"}, got)
			} else {
				assert.Empty(t, got)
			}
		})
	}

	// Cookies set by answers from elsewhere are not kept.
	jar.SetCookies(mustURL(t, "https://evil.example.com/tenant/x"), []*http.Cookie{{Name: "_app_session", Value: "evil", Path: "/"}})
	jar.SetCookies(mustURL(t, "https://app.example.com/other"), []*http.Cookie{{Name: "_app_session", Value: "other", Path: "/"}})
	assert.Equal(t, []string{"_app_session=v1"}, sent(t, jar, "https://app.example.com/tenant/x"))
}

func TestJar_SendsAsABrowserWould(t *testing.T) {
	const base = "https://app.example.com"
	tests := []struct {
		name   string
		cookie string // Set-Cookie header from an answer to base + "/users/me"
		url    string
		want   bool
	}{
		{"path prefix", "c=1; Path=/admin", base + "/admin/users", true},
		{"path exact", "c=1; Path=/admin", base + "/admin", true},
		{"path not a segment prefix", "c=1; Path=/admin", base + "/administrator", false},
		{"path elsewhere", "c=1; Path=/admin", base + "/users", false},
		{"default path from the request", "c=1", base + "/users/1", true},
		{"default path excludes parents", "c=1", base + "/other", false},
		{"domain attribute of a parent", "c=1; Domain=example.com; Path=/", base + "/", true},
		{"domain attribute with a dot", "c=1; Domain=.app.example.com; Path=/", base + "/", true},
		{"domain attribute of another site", "c=1; Domain=other.com; Path=/", base + "/", false},
		{"domain attribute of a sibling", "c=1; Domain=api.example.com; Path=/", base + "/", false},
		{"expires in the future", "c=1; Path=/; Expires=" + time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), base + "/", true},
		{"expires in the past", "c=1; Path=/; Expires=" + time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), base + "/", false},
		{"max-age zero", "c=1; Path=/; Max-Age=0", base + "/", false},
		{"max-age", "c=1; Path=/; Max-Age=60", base + "/", true},
		{"secure over https", "c=1; Path=/; Secure", base + "/", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sess, err := loremup.NewSession(base, nil)
			require.NoError(t, err)
			jar := sess.Jar()
			setCookie(t, jar, base+"/users/me", tt.cookie)
			got := sent(t, jar, tt.url)
			if tt.want {
				assert.Equal(t, []string{"c=1"}, got)
			} else {
				assert.Empty(t, got)
			}
		})
	}
}

// setCookie applies a Set-Cookie header as an answer from u would.
func setCookie(t *testing.T, jar http.CookieJar, u string, header string) {
	t.Helper()
	resp := &http.Response{Header: http.Header{"Set-Cookie": {header}}}
	require.NotEmpty(t, resp.Cookies(), header)
	jar.SetCookies(mustURL(t, u), resp.Cookies())
}

func TestJar_SecureCookiesNeverGoOverPlainHTTPToANonLoopbackHost(t *testing.T) {
	_, err := loremup.NewSession("http://app.internal", []*http.Cookie{{Name: "s", Value: "1", Secure: true}})
	var ve *loremup.ValidationError
	require.ErrorAs(t, err, &ve, "a Secure cookie for a plain-http host could never be sent")
	assert.NotContains(t, err.Error(), "=1")

	sess, err := loremup.NewSession("http://app.internal", nil)
	require.NoError(t, err)
	setCookie(t, sess.Jar(), "http://app.internal/x", "s=1; Path=/; Secure")
	assert.Empty(t, sent(t, sess.Jar(), "http://app.internal/x"), "an answer over plain http cannot set a Secure cookie")

	for _, host := range []string{"127.0.0.1:8080", "localhost:8080", "[::1]:8080"} {
		loop, err := loremup.NewSession("http://"+host, []*http.Cookie{{Name: "s", Value: "1", Path: "/", Secure: true}})
		require.NoError(t, err, host)
		assert.Equal(t, []string{"s=1"}, sent(t, loop.Jar(), "http://"+host+"/x"), "loopback counts as secure, as in browsers")
	}
}

func TestJar_ExpiredCookiesAreNotSent(t *testing.T) {
	sess, err := loremup.NewSession(baseURL, []*http.Cookie{
		{Name: "short", Value: "1", Path: "/", MaxAge: 1},
		{Name: "long", Value: "2", Path: "/", MaxAge: 3600},
	})
	require.NoError(t, err)
	jar := sess.Jar()
	assert.Equal(t, []string{"long=2", "short=1"}, sent(t, jar, baseURL+"/"))

	assert.Eventually(t, func() bool { return len(jar.Cookies(mustURL(t, baseURL+"/"))) == 1 },
		3*time.Second, 50*time.Millisecond, "a Max-Age=1 cookie expires")
	assert.Equal(t, []string{"long=2"}, sent(t, jar, baseURL+"/"))
	assert.Len(t, sess.Cookies(), 1, "Cookies leaves out expired cookies")

	// An answer that expires a cookie deletes it.
	setCookie(t, jar, baseURL+"/logout", "long=; Path=/; Max-Age=0")
	assert.Empty(t, sent(t, jar, baseURL+"/"))
}

func TestJar_LongerPathsFirstThenOlder(t *testing.T) {
	sess, err := loremup.NewSession(baseURL, nil)
	require.NoError(t, err)
	jar := sess.Jar()
	setCookie(t, jar, baseURL+"/", "a=1; Path=/")
	setCookie(t, jar, baseURL+"/", "b=2; Path=/app/x")
	setCookie(t, jar, baseURL+"/", "c=3; Path=/")
	setCookie(t, jar, baseURL+"/", "d=4; Path=/app")

	var got []string
	for _, c := range jar.Cookies(mustURL(t, baseURL+"/app/x/y")) {
		got = append(got, c.Name)
	}
	assert.Equal(t, []string{"b", "d", "a", "c"}, got)

	// Replacing a cookie keeps its place.
	setCookie(t, jar, baseURL+"/", "a=9; Path=/")
	got = got[:0]
	for _, c := range jar.Cookies(mustURL(t, baseURL+"/")) {
		got = append(got, c.Name+"="+c.Value)
	}
	assert.Equal(t, []string{"a=9", "c=3"}, got)
}

func TestJar_RotatedCookieReplacesTheOldOneAndDeleteSendsIt(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, loginOK("v1"))
	var seen []string
	mt.RegisterResponder(http.MethodGet, baseURL+"/users/me", func(r *http.Request) (*http.Response, error) {
		ck, err := r.Cookie("_app_session")
		if err != nil {
			return httpmock.NewStringResponse(http.StatusUnauthorized, ""), nil
		}
		seen = append(seen, ck.Value)
		resp := httpmock.NewStringResponse(http.StatusOK, "ada@example.com")
		// Rails' cookie store re-issues the cookie on answers.
		resp.Header.Add("Set-Cookie", "_app_session="+ck.Value+"-next; Path=/; HttpOnly")
		return resp, nil
	})
	var logout string
	mt.RegisterResponder(http.MethodDelete, sessionsURL, func(r *http.Request) (*http.Response, error) {
		logout = r.Header.Get("Cookie")
		return httpmock.NewStringResponse(http.StatusNoContent, ""), nil
	})
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)

	hc := &http.Client{Jar: sess.Jar(), Transport: mt}
	for range 2 {
		resp, err := hc.Get(baseURL + "/users/me")
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	}

	assert.Equal(t, []string{"v1", "v1-next"}, seen, "each request carries the latest cookie")
	require.Len(t, sess.Cookies(), 1)
	assert.Equal(t, "v1-next-next", sess.Cookies()[0].Value, "the Session holds the rotated cookie")
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))
	assert.Equal(t, "_app_session=v1-next-next", logout)
}

func TestJar_SafeForConcurrentUse(t *testing.T) {
	sess, err := loremup.NewSession(baseURL, []*http.Cookie{{Name: "_app_session", Value: "v0", Path: "/"}})
	require.NoError(t, err)
	jar := sess.Jar()
	u := mustURL(t, baseURL+"/users/me")

	var wg sync.WaitGroup
	errs := make(chan string, 32)
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				jar.SetCookies(u, []*http.Cookie{{Name: "_app_session", Value: fmt.Sprintf("v%d-%d", g, i), Path: "/"}})
				if got := jar.Cookies(u); len(got) != 1 {
					errs <- fmt.Sprintf("goroutine %d saw %d cookies", g, len(got))
					return
				}
				_ = sess.Cookies()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		assert.Fail(t, e)
	}
	assert.Len(t, sess.Cookies(), 1, "one cookie name, one path: one cookie")
}

func TestJar_KeepsABoundedNumberOfCookies(t *testing.T) {
	sess, err := loremup.NewSession(baseURL, nil)
	require.NoError(t, err)
	jar := sess.Jar()
	u := mustURL(t, baseURL+"/")
	for i := range 1000 {
		jar.SetCookies(u, []*http.Cookie{{Name: fmt.Sprintf("c%d", i), Value: "v", Path: "/"}})
	}
	jar.SetCookies(u, []*http.Cookie{{Name: "big", Value: strings.Repeat("x", 5000), Path: "/"}})
	assert.Len(t, sess.Cookies(), 64)
	for _, c := range sess.Cookies() {
		assert.NotEqual(t, "big", c.Name, "a cookie over 4096 bytes is dropped, as browsers do")
	}
}

func TestNewClient_RefusesAnHTTPClientWithAJar(t *testing.T) {
	jar := newMemJar()
	_, err := loremup.NewClient(baseURL, testToken, loremup.WithHTTPClient(&http.Client{Jar: jar}))

	requireInvalid(t, err, "HTTPClient.Jar")
	assert.Contains(t, err.Error(), "Sessions hold the cookies")
	assert.Contains(t, err.Error(), "Client.HTTPClient(sess)")
	assert.Contains(t, err.Error(), "sess.Jar()")
	assert.Zero(t, jar.sets)
}

// A login made another way (a browser flow) is logged out through a
// Session made of its cookies: the caller's jar is no longer a second
// home for them.
func TestDelete_SessionOfALoginMadeAnotherWayEndsIt(t *testing.T) {
	c, mt := mockClient(t)
	logouts := cookieEcho(mt)
	sess, err := loremup.NewSession(baseURL, []*http.Cookie{{Name: "_app_session", Value: "from-the-browser", Path: "/"}})
	require.NoError(t, err)

	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))
	assert.Equal(t, []string{"_app_session=from-the-browser"}, *logouts)
	assert.True(t, sess.Ended())
	assert.Empty(t, sess.Cookies(), "the ended session left the Session")

	// With two live logins of its own, a nil Session is ambiguous.
	login(t, c, "alice@example.com")
	login(t, c, "bob@example.com")
	requireInvalid(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm}), "Session")
	assert.Len(t, *logouts, 1)
}

// A Session written before its origin was kept is bound by the first
// Client that uses it, and its cookies were never checked against an
// origin: the rules a browser applies when it sends cookies still hold
// for them (checked when cookies are sent, not only when they are set).
func TestJar_RestoredCookiesAreSentOnlyAsABrowserWould(t *testing.T) {
	tests := []struct {
		name, base, cookie string
	}{
		{"Secure cookie over plain http to a non-loopback host", "http://app.internal",
			`{"name":"_app_session","value":"abc","path":"/","secure":true}`},
		{"cookie for another domain", "https://app.example.com",
			`{"name":"_app_session","value":"abc","path":"/","domain":"other.example"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			legacy := `{"cookies":[` + tt.cookie + `,{"name":"plain","value":"p","path":"/"}]}`
			sess, err := loremup.ImportSession([]byte(legacy))
			require.NoError(t, err)

			mt := httpmock.NewMockTransport()
			var logouts, appCookies []string
			mt.RegisterResponder(http.MethodDelete, tt.base+"/api/sessions", func(r *http.Request) (*http.Response, error) {
				for _, c := range r.Cookies() {
					logouts = append(logouts, c.Name+"="+c.Value)
				}
				return httpmock.NewStringResponse(http.StatusNoContent, ""), nil
			})
			mt.RegisterResponder(http.MethodGet, tt.base+"/app", func(r *http.Request) (*http.Response, error) {
				for _, c := range r.Cookies() {
					appCookies = append(appCookies, c.Name+"="+c.Value)
				}
				return httpmock.NewStringResponse(http.StatusOK, ""), nil
			})
			c, err := loremup.NewClient(tt.base, testToken, loremup.WithInsecureHTTP(), loremup.WithHTTPClient(&http.Client{Transport: mt}))
			require.NoError(t, err)

			get(t, c.HTTPClient(sess), tt.base+"/app")
			assert.Equal(t, []string{"plain=p"}, appCookies, "acting as the user sends the plain cookie only")
			assert.Empty(t, sess.BaseURL(), "acting as the user binds nothing")
			require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))
			assert.Equal(t, []string{"plain=p"}, logouts, "the logout sends the plain cookie only")
		})
	}
}

// The server resolves dot segments (RFC 3986, section 5.2.4), also
// percent-encoded ones: cookies are matched on the path a request
// reaches, so none leaves the base path or its own Path that way.
func TestJar_MatchesCookiesOnTheNormalisedPath(t *testing.T) {
	sess, err := loremup.NewSession("https://app.example.com/tenant", []*http.Cookie{
		{Name: "base", Value: "1", Path: "/tenant"},
		{Name: "admin", Value: "2", Path: "/tenant/admin"},
	})
	require.NoError(t, err)
	jar := sess.Jar()
	tests := []struct {
		url  string
		want []string
	}{
		{"https://app.example.com/tenant/x", []string{"base=1"}},
		{"https://app.example.com/tenant/../other", nil},
		{"https://app.example.com/tenant/%2e%2e/other", nil},
		{"https://app.example.com/tenant/%2E%2E/%2e%2e/other", nil},
		{"https://app.example.com/tenant/admin/../x", []string{"base=1"}},
		{"https://app.example.com/tenant/admin/%2e%2e/x", []string{"base=1"}},
		{"https://app.example.com/tenant/./admin/x", []string{"admin=2", "base=1"}},
		{"https://app.example.com/other/../tenant/admin", []string{"admin=2", "base=1"}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			assert.Equal(t, tt.want, sent(t, jar, tt.url))
		})
	}
}

func TestJar_MaxAgeBeyondADurationSaturates(t *testing.T) {
	sess, err := loremup.NewSession(baseURL, nil)
	require.NoError(t, err)
	setCookie(t, sess.Jar(), baseURL+"/", "c=1; Path=/; Max-Age=99999999999")

	assert.Equal(t, []string{"c=1"}, sent(t, sess.Jar(), baseURL+"/"), "a Max-Age of 3,000 years is not expired")
	assert.Len(t, sess.Cookies(), 1)
}
