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
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/internal/secrettest"
)

const sessionsURL = baseURL + "/api/sessions"

func TestCreate_SendsTheDocumentedRequest(t *testing.T) {
	c, mt := mockClient(t)
	var got *http.Request
	var body []byte
	mt.RegisterResponder(http.MethodPost, sessionsURL, func(r *http.Request) (*http.Response, error) {
		got = r
		body, _ = io.ReadAll(r.Body)
		return loginOK("v1")(r)
	})

	_, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)

	require.NotNil(t, got)
	assert.Equal(t, "Token token="+testToken, got.Header.Get("Authorization"))
	assert.Equal(t, "application/vnd.api+json, application/json", got.Header.Get("Accept"))
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	assert.Equal(t, "loremup-go/"+loremup.Version, got.Header.Get("User-Agent"))
	assert.JSONEq(t, `{"form_name":"`+createForm+`","form":{"email":"`+testEmail+`","password":"`+testPassword+`"}}`, string(body))
	assert.Empty(t, got.Cookies(), "a login sends no cookies")
}

func TestDelete_SendsTheDocumentedRequest(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, loginOK("v1"))
	var got *http.Request
	var body []byte
	mt.RegisterResponder(http.MethodDelete, sessionsURL, func(r *http.Request) (*http.Response, error) {
		got = r
		body, _ = io.ReadAll(r.Body)
		return httpmock.NewStringResponse(http.StatusNoContent, ""), nil
	})
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)

	err = c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess})
	require.NoError(t, err)

	require.NotNil(t, got)
	assert.Equal(t, "Token token="+testToken, got.Header.Get("Authorization"))
	assert.Equal(t, "application/vnd.api+json, application/json", got.Header.Get("Accept"))
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"form_name":"`+deleteForm+`"}`, string(body))
	ck, err := got.Cookie("_app_session")
	require.NoError(t, err)
	assert.Equal(t, "v1", ck.Value)
}

func TestCreate_UserAgentOption(t *testing.T) {
	c, mt := mockClient(t, loremup.WithUserAgent("my-tool/2.0"))
	var ua string
	mt.RegisterResponder(http.MethodPost, sessionsURL, func(r *http.Request) (*http.Response, error) {
		ua = r.Header.Get("User-Agent")
		return loginOK("v")(r)
	})
	_, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	assert.Equal(t, "my-tool/2.0", ua)
}

func TestCreate_ReturnsSessionWithServerCookiesAndBody(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusCreated, `{"data":{"id":"42"}}`)
		resp.Header.Add("Set-Cookie", "_app_session=abc123; Path=/; HttpOnly; SameSite=Lax")
		resp.Header.Add("Set-Cookie", "remember=r1; Path=/; Max-Age=3600; Secure")
		return resp, nil
	})

	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)

	cookies := sess.Cookies()
	require.Len(t, cookies, 2)
	assert.Equal(t, "_app_session", cookies[0].Name)
	assert.Equal(t, "abc123", cookies[0].Value)
	assert.True(t, cookies[0].HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, cookies[0].SameSite)
	assert.Equal(t, "remember", cookies[1].Name)
	assert.Equal(t, 3600, cookies[1].MaxAge)
	assert.True(t, cookies[1].Secure)
	assert.JSONEq(t, `{"data":{"id":"42"}}`, string(sess.Body()))

	cookies[0].Value = "changed"
	assert.Equal(t, "abc123", sess.Cookies()[0].Value, "Cookies returns a copy")
}

func TestCreate_AcceptsSuccessWithoutJSONBody(t *testing.T) {
	tests := []struct {
		name, body string
	}{
		{"empty body", ""},
		{"malformed JSON", "{not json"},
		{"HTML", "<html>welcome</html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mockClient(t)
			mt.RegisterResponder(http.MethodPost, sessionsURL, httpmock.NewStringResponder(http.StatusCreated, tt.body))
			sess, err := c.Sessions.Create(context.Background(), createParams())
			require.NoError(t, err)
			assert.Nil(t, sess.Body())
		})
	}
}

func TestCreate_RejectsEmptyFieldsBeforeSending(t *testing.T) {
	tests := []struct {
		name  string
		p     loremup.CreateSessionParams
		field string
	}{
		{"form name", loremup.CreateSessionParams{Form: loremup.SessionForm{Email: testEmail, Password: testPassword}}, "FormName"},
		{"email", loremup.CreateSessionParams{FormName: createForm, Form: loremup.SessionForm{Password: testPassword}}, "Email"},
		{"password", loremup.CreateSessionParams{FormName: createForm, Form: loremup.SessionForm{Email: testEmail}}, "Password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mockClient(t)
			sess, err := c.Sessions.Create(context.Background(), tt.p)
			require.Error(t, err)
			assert.Nil(t, sess)
			var ve *loremup.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Contains(t, ve.Field, tt.field)
			assert.Contains(t, err.Error(), tt.field)
			assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent")
		})
	}
}

func TestDelete_RejectsEmptyFormNameBeforeSending(t *testing.T) {
	c, mt := mockClient(t)
	err := c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{})
	requireInvalid(t, err, "FormName")
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestDelete_AcceptsAny2xx(t *testing.T) {
	for _, status := range []int{200, 201, 202, 204} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			c, mt := mockClient(t)
			mt.RegisterResponder(http.MethodDelete, sessionsURL, httpmock.NewStringResponder(status, ""))
			err := c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm})
			assert.NoError(t, err)
		})
	}
}

// cookieEcho logs in whoever asks with a cookie named after the e-mail,
// and records which session cookie each logout carried.
func cookieEcho(mt *httpmock.MockTransport) *[]string {
	var logouts []string
	mt.RegisterResponder(http.MethodPost, sessionsURL, func(r *http.Request) (*http.Response, error) {
		var body struct {
			Form struct{ Email string } `json:"form"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		resp := httpmock.NewStringResponse(http.StatusCreated, "{}")
		resp.Header.Add("Set-Cookie", "_app_session=sess-"+body.Form.Email+"; Path=/; HttpOnly")
		return resp, nil
	})
	mt.RegisterResponder(http.MethodDelete, sessionsURL, func(r *http.Request) (*http.Response, error) {
		var names []string
		for _, c := range r.Cookies() {
			names = append(names, c.Name+"="+c.Value)
		}
		logouts = append(logouts, strings.Join(names, ";"))
		resp := httpmock.NewStringResponse(http.StatusNoContent, "")
		resp.Header.Add("Set-Cookie", "_app_session=; Path=/; Max-Age=0")
		return resp, nil
	})
	return &logouts
}

func login(t *testing.T, c *loremup.Client, email string) *loremup.Session {
	t.Helper()
	s, err := c.Sessions.Create(context.Background(), loremup.CreateSessionParams{
		FormName: createForm, Form: loremup.SessionForm{Email: email, Password: testPassword}})
	require.NoError(t, err)
	return s
}

func TestDelete_SendsExactlyThatSessionsCookies(t *testing.T) {
	c, mt := mockClient(t)
	logouts := cookieEcho(mt)
	alice := login(t, c, "alice@example.com")
	bob := login(t, c, "bob@example.com")

	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: alice}))
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: bob}))

	assert.Equal(t, []string{"_app_session=sess-alice@example.com", "_app_session=sess-bob@example.com"}, *logouts)
}

func TestDelete_NilSessionEndsTheClientsOneLiveLogin(t *testing.T) {
	c, mt := mockClient(t)
	logouts := cookieEcho(mt)
	alice := login(t, c, "alice@example.com")

	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm}))
	assert.True(t, alice.Ended(), "the one live login was ended")
	// No live login is left: a logout without a session cookie.
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm}))

	assert.Equal(t, []string{"_app_session=sess-alice@example.com", ""}, *logouts)
}

func TestDelete_NilSessionIsRefusedWhenAmbiguous(t *testing.T) {
	c, mt := mockClient(t)
	logouts := cookieEcho(mt)
	alice := login(t, c, "alice@example.com")
	bob := login(t, c, "bob@example.com")

	err := c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm})

	requireInvalid(t, err, "Session")
	assert.Empty(t, *logouts, "nothing may be sent")
	assert.False(t, alice.Ended())
	assert.False(t, bob.Ended(), "whoever logged in last is not logged out")
}

func TestDelete_ExplicitSessionLeavesTheJarsOtherSession(t *testing.T) {
	c, mt := mockClient(t)
	logouts := cookieEcho(mt)
	alice := login(t, c, "alice@example.com")
	login(t, c, "bob@example.com")

	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: alice}))
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm}))

	assert.Equal(t, []string{"_app_session=sess-alice@example.com", "_app_session=sess-bob@example.com"}, *logouts)
}

func TestSession_RoundTripsThroughJSON(t *testing.T) {
	c, mt := mockClient(t)
	expires := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	mt.RegisterResponder(http.MethodPost, sessionsURL, func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusCreated, `{"a":1}`)
		resp.Header.Add("Set-Cookie", (&http.Cookie{Name: "_app_session", Value: "abc", Path: "/", Domain: "app.example.com",
			Expires: expires, Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode}).String())
		resp.Header.Add("Set-Cookie", "plain=p")
		return resp, nil
	})
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)

	data, err := sess.Export()
	require.NoError(t, err)
	var restored loremup.Session
	require.NoError(t, json.Unmarshal(data, &restored))

	assert.Equal(t, sess.Cookies(), restored.Cookies())
	assert.JSONEq(t, `{"a":1}`, string(restored.Body()))
	assert.Equal(t, baseURL, restored.BaseURL())
	assert.Contains(t, string(data), "abc", "Export keeps the values")

	// A restored session logs out like the original.
	var sent string
	mt.RegisterResponder(http.MethodDelete, sessionsURL, func(r *http.Request) (*http.Response, error) {
		ck, _ := r.Cookie("_app_session")
		if ck != nil {
			sent = ck.Value
		}
		return httpmock.NewStringResponse(http.StatusNoContent, ""), nil
	})
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: &restored}))
	assert.Equal(t, "abc", sent)
}

func TestSession_UnmarshalRejectsGarbage(t *testing.T) {
	for _, in := range []string{`[]`, `{"cookies":[{"value":"x"}]}`, `{"cookies":"x"}`} {
		var s loremup.Session
		assert.Error(t, json.Unmarshal([]byte(in), &s), in)
	}
}

func TestCreate_Other2xxIsALoginOnlyWithJSON(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		status                  int
		wantErr                 bool
	}{
		{"200 HTML login page", "text/html; charset=utf-8", "<html>Sign in</html>", 200, true},
		{"204 no body", "", "", 204, true},
		{"200 JSON without a session cookie", "application/json", "{}", 200, true},
		{"200 JSON:API without a session cookie", "application/vnd.api+json", "{}", 200, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mockClient(t)
			mt.RegisterResponder(http.MethodPost, sessionsURL, func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(tt.status, tt.body)
				if tt.contentType != "" {
					resp.Header.Set("Content-Type", tt.contentType)
				}
				return resp, nil
			})

			sess, err := c.Sessions.Create(context.Background(), createParams())

			if !tt.wantErr {
				require.NoError(t, err)
				assert.NotNil(t, sess)
				return
			}
			assert.Nil(t, sess)
			require.ErrorIs(t, err, loremup.ErrUnexpectedResponse)
			var apiErr *loremup.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.body, string(apiErr.Body))
			assert.NotErrorIs(t, err, loremup.ErrUnauthorized)
		})
	}
}

func TestDelete_EndsTheSession(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, func(r *http.Request) (*http.Response, error) {
		resp, _ := loginOK("v1")(r)
		resp.Header.Add("Set-Cookie", "remember=r1; Path=/; Max-Age=3600")
		return resp, nil
	})
	var logouts []string
	mt.RegisterResponder(http.MethodDelete, sessionsURL, func(r *http.Request) (*http.Response, error) {
		logouts = append(logouts, r.Header.Get("Cookie"))
		resp := httpmock.NewStringResponse(http.StatusNoContent, "")
		// Rails' cookie store answers with a new cookie holding an empty
		// session, and the app forgets the remember-me cookie.
		resp.Header.Add("Set-Cookie", "_app_session=empty; Path=/; HttpOnly")
		resp.Header.Add("Set-Cookie", "remember=; Path=/; Max-Age=0")
		return resp, nil
	})
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	assert.False(t, sess.Ended())

	del := loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}
	require.NoError(t, c.Sessions.Delete(context.Background(), del))

	assert.True(t, sess.Ended())
	cookies := sess.Cookies()
	require.Len(t, cookies, 1, "the logout's Set-Cookie headers were applied")
	assert.Equal(t, "empty", cookies[0].Value)
	require.NoError(t, c.Sessions.Delete(context.Background(), del), "deleting an ended Session succeeds")
	assert.Equal(t, []string{"_app_session=v1; remember=r1", ""}, logouts, "and sends no session cookie")
}

func TestDelete_ASessionOfAnotherBaseURLIsRefused(t *testing.T) {
	for _, other := range []string{
		"https://other.example.com",
		"http://app.example.com",
		"https://app.example.com:8443",
		"https://app.example.com/tenant",
	} {
		t.Run(other, func(t *testing.T) {
			c, mt := mockClient(t)
			sess, err := loremup.NewSession(other, []*http.Cookie{{Name: "_app_session", Value: "v1", Path: "/"}})
			require.NoError(t, err)

			err = c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess})

			requireInvalid(t, err, "Session")
			assert.Zero(t, mt.GetTotalCallCount(), "nothing may be sent")
			assert.False(t, sess.Ended())
		})
	}
}

func TestDelete_SameOriginSpelledDifferentlyIsAccepted(t *testing.T) {
	c, mt := mockClient(t)
	logouts := cookieEcho(mt)
	sess, err := loremup.NewSession("https://APP.example.com:443/", []*http.Cookie{{Name: "_app_session", Value: "v1", Path: "/"}})
	require.NoError(t, err)
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))
	assert.Equal(t, []string{"_app_session=v1"}, *logouts)
}

func TestDelete_NilSessionAfterOthersEndedEndsTheOneLeft(t *testing.T) {
	c, mt := mockClient(t)
	logouts := cookieEcho(mt)
	alice := login(t, c, "alice@example.com")
	bob := login(t, c, "bob@example.com")
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: bob}))

	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm}))

	assert.True(t, alice.Ended())
	assert.Equal(t, []string{"_app_session=sess-bob@example.com", "_app_session=sess-alice@example.com"}, *logouts)
}

func TestDelete_NilSessionWithManyLoginsIsRefusedWhileAnyIsLive(t *testing.T) {
	c, mt := mockClient(t)
	logouts := cookieEcho(mt)
	var sessions []*loremup.Session
	for i := range 100 {
		sessions = append(sessions, login(t, c, fmt.Sprintf("u%d@example.com", i)))
	}
	del := loremup.DeleteSessionParams{FormName: deleteForm}
	for _, s := range sessions[:99] {
		var ve *loremup.ValidationError
		require.ErrorAs(t, c.Sessions.Delete(context.Background(), del), &ve)
		require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: s}))
	}
	// The last login is past what the Client remembers by identity: a nil
	// Session cannot name it, so it is refused rather than guessed.
	requireInvalid(t, c.Sessions.Delete(context.Background(), del), "Session")
	assert.Len(t, *logouts, 99)
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sessions[99]}))
	require.NoError(t, c.Sessions.Delete(context.Background(), del), "none live: a logout without a cookie")
	assert.Empty(t, (*logouts)[100])
}

func TestSession_LegacyJSONLoadsAndAnyClientAcceptsIt(t *testing.T) {
	legacy := `{"cookies":[{"name":"_app_session","value":"abc","path":"/","http_only":true,"same_site":"lax"}],"body":{}}`
	var sess loremup.Session
	require.NoError(t, json.Unmarshal([]byte(legacy), &sess))
	assert.Empty(t, sess.BaseURL(), "written before the base URL was kept")
	imported, err := loremup.ImportSession([]byte(legacy))
	require.NoError(t, err)
	assert.Equal(t, sess.Cookies(), imported.Cookies())

	c, mt := mockClient(t)
	logouts := cookieEcho(mt)
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: &sess}))
	assert.Equal(t, []string{"_app_session=abc"}, *logouts)
	assert.Empty(t, sess.BaseURL(), "using it binds nothing: any Client still accepts it")
}

func TestSession_ExportKeepsOriginAndExpiry(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, func(r *http.Request) (*http.Response, error) {
		resp, _ := loginOK("v1")(r)
		resp.Header.Add("Set-Cookie", "remember=r1; Path=/; Max-Age=3600")
		return resp, nil
	})
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)

	data, err := sess.Export()
	require.NoError(t, err)
	var doc struct {
		Origin  string `json:"origin"`
		Cookies []struct {
			Name      string     `json:"name"`
			ExpiresAt *time.Time `json:"expires_at"`
		} `json:"cookies"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	assert.Equal(t, baseURL, doc.Origin)
	require.Len(t, doc.Cookies, 2)
	require.NotNil(t, doc.Cookies[1].ExpiresAt, "Max-Age is kept as the time it ends, not restarted at each restore")
	assert.WithinDuration(t, time.Now().Add(time.Hour), *doc.Cookies[1].ExpiresAt, time.Minute)

	// A restored cookie whose time has passed is not restored.
	expired := strings.Replace(string(data), doc.Cookies[1].ExpiresAt.Format(time.RFC3339Nano), "2001-01-01T00:00:00Z", 1)
	restored, err := loremup.ImportSession([]byte(expired))
	require.NoError(t, err)
	require.Len(t, restored.Cookies(), 1)
	assert.Equal(t, "_app_session", restored.Cookies()[0].Name)
}

func TestImportSession_RefusesBadCookiesWithoutQuotingThem(t *testing.T) {
	many := make([]string, 65)
	for i := range many {
		many[i] = fmt.Sprintf(`{"name":"c%d","value":"v"}`, i)
	}
	big := strings.Repeat("x", 4100)
	bigs := make([]string, 20)
	for i := range bigs {
		bigs[i] = fmt.Sprintf(`{"name":"c%d","value":"%s"}`, i, strings.Repeat("y", 4000))
	}
	tests := map[string]string{
		"quote in a value":       `{"cookies":[{"name":"_app_session","value":"sec\"ret"}]}`,
		"cookie injection":       `{"cookies":[{"name":"x=1; admin","value":"secret"}]}`,
		"semicolon in a value":   `{"cookies":[{"name":"_app_session","value":"secret; admin=1"}]}`,
		"control byte in a path": `{"cookies":[{"name":"_app_session","value":"secret","path":"/\u0001"}]}`,
		"no name":                `{"cookies":[{"value":"secret"}]}`,
		"too many cookies":       `{"cookies":[` + strings.Join(many, ",") + `]}`,
		"cookie too large":       `{"cookies":[{"name":"c","value":"` + big + `"}]}`,
		"cookies too large":      `{"cookies":[` + strings.Join(bigs, ",") + `]}`,
		"redacted form":          `{"origin":"https://app.example.com","cookies":[{"name":"_app_session","value":"[REDACTED]"}],"redacted":true}`,
		"origin not http":        `{"origin":"ftp://app.example.com","cookies":[]}`,
		"domain of another host": `{"origin":"https://app.example.com","cookies":[{"name":"c","value":"secret","domain":"other.com"}]}`,
		"not an object":          `[]`,
		"cookies not a list":     `{"cookies":"secret"}`,
		"no cookies field":       `{"body":{}}`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			var s loremup.Session
			err := json.Unmarshal([]byte(in), &s)
			require.Error(t, err)
			_, err2 := loremup.ImportSession([]byte(in))
			require.Error(t, err2)
			for _, secret := range []string{"secret", "sec\"ret", big} {
				assert.NotContains(t, err.Error(), secret)
			}
		})
	}
}

func TestNewSession(t *testing.T) {
	sess, err := loremup.NewSession(baseURL+"/", []*http.Cookie{{Name: "_app_session", Value: "v1", Path: "/", Raw: "ignored"}})
	require.NoError(t, err)
	assert.Equal(t, baseURL, sess.BaseURL())
	assert.False(t, sess.Ended())
	require.Len(t, sess.Cookies(), 1)
	assert.Empty(t, sess.Cookies()[0].Raw)

	c, mt := mockClient(t)
	logouts := cookieEcho(mt)
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))
	assert.Equal(t, []string{"_app_session=v1"}, *logouts)

	for name, tt := range map[string]struct {
		base    string
		cookies []*http.Cookie
		field   string
	}{
		"empty base URL":     {"", nil, "baseURL"},
		"not http":           {"ftp://app.example.com", nil, "baseURL"},
		"quote in a value":   {baseURL, []*http.Cookie{{Name: "c", Value: `a"b`}}, "cookies"},
		"injection in name":  {baseURL, []*http.Cookie{{Name: "x=1; admin", Value: "v"}}, "cookies"},
		"nil cookie":         {baseURL, []*http.Cookie{nil}, "cookies"},
		"domain of another":  {baseURL, []*http.Cookie{{Name: "c", Value: "v", Domain: "other.com"}}, "cookies"},
		"cookie over 4 KiB":  {baseURL, []*http.Cookie{{Name: "c", Value: strings.Repeat("x", 5000)}}, "cookies"},
		"more than a bound":  {baseURL, make([]*http.Cookie, 65), "cookies"},
		"secure over http":   {"http://app.internal", []*http.Cookie{{Name: "c", Value: "v", Secure: true}}, "cookies"},
		"credentials in URL": {"https://u:p@app.example.com", nil, "baseURL"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := loremup.NewSession(tt.base, tt.cookies)
			requireInvalid(t, err, tt.field)
		})
	}
}

func TestSession_NestedInLoggedOrEncodedValuesShowsNoCookieValue(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, loginOK("cookie-secret-value"))
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	guard := secrettest.New(t, "cookie-secret-value")

	type job struct {
		User    string
		Session *loremup.Session
		Value   loremup.Session
		Params  loremup.DeleteSessionParams
	}
	v := job{User: testEmail, Session: sess, Value: *sess, Params: loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("job", "job", v, "params", v.Params, "session", sess)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("job", "job", v, "params", v.Params, "session", sess)
	data, err := json.Marshal(v)
	require.NoError(t, err)
	guard.Check(v, v.Params, string(data), buf.String())

	assert.NotContains(t, buf.String(), "cookie-secret-value")
	assert.NotContains(t, string(data), "cookie-secret-value")
	assert.Contains(t, string(data), `"name":"_app_session"`, "cookie names help debugging")
	assert.Contains(t, string(data), `"origin":"`+baseURL+`"`)
	exported, err := sess.Export()
	require.NoError(t, err)
	assert.Contains(t, string(exported), "cookie-secret-value", "Export is the one path that writes the values")
}

func TestCreate_KeepsABoundedSessionAndLogsOutInOneHeader(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusCreated, "{}")
		for i := range 80_000 {
			resp.Header.Add("Set-Cookie", fmt.Sprintf("c%d=v; Path=/", i))
		}
		return resp, nil
	})
	var header []string
	mt.RegisterResponder(http.MethodDelete, sessionsURL, func(r *http.Request) (*http.Response, error) {
		header = r.Header.Values("Cookie")
		return httpmock.NewStringResponse(http.StatusNoContent, ""), nil
	})

	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	require.Len(t, sess.Cookies(), 64, "a Session keeps at most 64 cookies")
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))

	require.Len(t, header, 1)
	assert.Len(t, strings.Split(header[0], "; "), 64)
	assert.True(t, strings.HasPrefix(header[0], "c0=v; c1=v; "), "in the order they were set")
}
