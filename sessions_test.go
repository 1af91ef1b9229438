package loremup_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
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
	var ve *loremup.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "FormName", ve.Field)
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

func TestDelete_NilSessionUsesTheClientsLatestLogin(t *testing.T) {
	c, mt := mockClient(t)
	logouts := cookieEcho(mt)
	login(t, c, "alice@example.com")
	login(t, c, "bob@example.com")

	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm}))
	// The jar's session ended, so a second logout has no cookie to send.
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm}))

	assert.Equal(t, []string{"_app_session=sess-bob@example.com", ""}, *logouts)
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

func TestDelete_UsesCallersJarFromHTTPClient(t *testing.T) {
	mt := httpmock.NewMockTransport()
	logouts := cookieEcho(mt)
	jar := newMemJar()
	c, err := loremup.NewClient(baseURL, testToken, loremup.WithHTTPClient(&http.Client{Transport: mt, Jar: jar}))
	require.NoError(t, err)

	login(t, c, "carol@example.com")
	assert.Equal(t, 1, jar.sets, "the caller's jar receives the login's cookies")
	require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm}))
	assert.Equal(t, []string{"_app_session=sess-carol@example.com"}, *logouts)
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

	data, err := json.Marshal(sess)
	require.NoError(t, err)
	var restored loremup.Session
	require.NoError(t, json.Unmarshal(data, &restored))

	assert.Equal(t, sess.Cookies(), restored.Cookies())
	assert.JSONEq(t, `{"a":1}`, string(restored.Body()))
	assert.Contains(t, string(data), "abc", "explicit JSON encoding keeps the values")

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

func TestSecrets_NeverInPrintsOfSDKValues(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, loginOK("cookie-secret-value"))
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	p := createParams()
	values := []any{c, *c, p, &p, p.Form, &p.Form, sess, *sess,
		loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}, []*loremup.Session{sess},
		map[string]any{"params": p, "session": sess}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		for _, v := range values {
			out := fmt.Sprintf(verb, v)
			for _, secret := range []string{testToken, testPassword, "cookie-secret-value"} {
				assert.NotContains(t, out, secret, "%s of %T", verb, v)
			}
		}
	}
	assert.Contains(t, fmt.Sprintf("%v", p), testEmail, "the e-mail is not a secret and helps debugging")
	assert.Contains(t, fmt.Sprintf("%v", sess), "_app_session", "cookie names help debugging")
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
