package loremup_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/internal/secrettest"
	"github.com/loremup/loremup-go/loremuptest"
)

func TestSecrets_AnswerHeadersAreRedacted(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL,
		httpmock.NewStringResponder(http.StatusFound, "").HeaderSet(http.Header{
			"Location":     {"/login?password=" + url.QueryEscape(testPassword) + "&t=" + testToken},
			"X-Request-Id": {"req-" + testToken},
			"Content-Type": {"text/html; x=" + testPassword},
			"X-Echo":       {`"` + strings.ReplaceAll(testPassword, "-", `\u002d`) + `"`},
			"Set-Cookie":   {"_app_session=cookievalue123; Path=/; HttpOnly"},
		}))

	_, err := c.Sessions.Create(context.Background(), createParams())

	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	headers := fmt.Sprint(apiErr.Header)
	asJSON, jerr := json.Marshal(apiErr)
	require.NoError(t, jerr)
	for _, out := range []string{err.Error(), fmt.Sprintf("%+v", apiErr), fmt.Sprintf("%#v", apiErr), headers, string(asJSON),
		apiErr.RequestID, apiErr.Location, apiErr.Header.Get("Content-Type")} {
		assert.NotContains(t, out, testPassword)
		assert.NotContains(t, out, testToken)
		assert.NotContains(t, out, "cookievalue123", "a cookie the answer sets is a credential too")
		assert.NotContains(t, out, `s3cret\u002dPa55word`)
	}
	assert.Equal(t, "req-[REDACTED]", apiErr.RequestID)
	assert.Equal(t, apiErr.Header.Get("X-Request-Id"), apiErr.RequestID, "the convenience fields agree with Header")
	assert.Equal(t, apiErr.Header.Get("Location"), apiErr.Location)
	assert.Equal(t, "[REDACTED]", apiErr.Header.Get("Set-Cookie"), "a cookie the answer sets is hidden whole")
}

func TestSecrets_TransportErrorQuotingTheServerIsRedacted(t *testing.T) {
	url := rawServer(t, "HTTP/1.1 401 Unauthorized\r\nX-Echo "+testPassword+" "+testToken+"\r\n\r\n")
	guard := secrettest.New(t, testPassword, testToken)
	c := newLoopbackClient(t, url, loremup.WithLogger(guard.Logger()), loremup.WithMaxRetries(1))

	_, err := c.Sessions.Create(context.Background(), createParams())

	require.Error(t, err)
	assert.Contains(t, err.Error(), "malformed MIME header", "the error still says what went wrong")
	assert.NotContains(t, err.Error(), testPassword)
	assert.NotContains(t, err.Error(), testToken)
	guard.Check(err)
	_, logBytes := guard.Scanned()
	assert.Positive(t, logBytes, "the failure was logged, and the guard read it")
}

func TestSecrets_EscapedEchoesInTheBodyAreRedacted(t *testing.T) {
	const password = `pa<ss"wo>rd&1`
	tests := []struct{ name, echo string }{
		{"HTML-safe JSON escapes", `pa\u003css\"wo\u003erd\u00261`},
		{"upper-case hex escapes", `pa\u003Css\u0022wo\u003Erd\u00261`},
		{"every character escaped", `\u0070\u0061\u003c\u0073\u0073\u0022\u0077\u006f\u003e\u0072\u0064\u0026\u0031`},
		{"URL-encoded", `pa%3Css%22wo%3Erd%261`},
		{"HTML entities", `pa&lt;ss&quot;wo&gt;rd&amp;1`},
		{"mixed", `pa&lt;ss\"wo%3erd\u00261`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mockClient(t)
			body := `{"errors":[{"status":"401","detail":"password ` + tt.echo + ` refused"}]}`
			mt.RegisterResponder(http.MethodPost, sessionsURL, httpmock.NewStringResponder(401, body))
			p := createParams()
			p.Form.Password = password

			_, err := c.Sessions.Create(context.Background(), p)

			var apiErr *loremup.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.NotContains(t, string(apiErr.Body), tt.echo)
			assert.Contains(t, string(apiErr.Body), `"detail":"password [REDACTED] refused"`)
			require.Len(t, apiErr.Errors, 1)
			assert.Equal(t, "password [REDACTED] refused", apiErr.Errors[0].Detail)
			assert.NotContains(t, err.Error(), password)
		})
	}
}

// A secret of one or two characters is hidden where it is a whole value,
// never inside longer text, where hiding every "a" would make the message
// unreadable.
func TestSecrets_ShortSecretsHiddenAsWholeValuesOnly(t *testing.T) {
	c, mt := mockClient(t)
	body := `{"errors":[{"detail":"ab"},{"detail":"about a tab","source":{"pointer":"/form/password"}}]}`
	mt.RegisterResponder(http.MethodPost, sessionsURL,
		httpmock.NewStringResponder(422, body).HeaderSet(http.Header{"X-Echo": {"ab"}, "X-Other": {"tabs"}}))
	p := createParams()
	p.Form.Password = "ab"

	_, err := c.Sessions.Create(context.Background(), p)

	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Len(t, apiErr.Errors, 2)
	assert.Equal(t, "[REDACTED]", apiErr.Errors[0].Detail)
	assert.Equal(t, "about a tab", apiErr.Errors[1].Detail)
	assert.JSONEq(t, `{"errors":[{"detail":"[REDACTED]"},{"detail":"about a tab","source":{"pointer":"/form/password"}}]}`, string(apiErr.Body))
	assert.Equal(t, "[REDACTED]", apiErr.Header.Get("X-Echo"))
	assert.Equal(t, "tabs", apiErr.Header.Get("X-Other"))
}

// The body is parsed before it is redacted: a password that happens to
// equal part of the document's structure neither loses the error objects
// nor mangles their pointers.
func TestSecrets_RedactionDoesNotMangleParsedObjects(t *testing.T) {
	tests := []struct {
		password, body string
		want           []loremup.ErrorObject
	}{
		{"form", `{"errors":[{"status":"422","detail":"is invalid","source":{"pointer":"/form/email"}}]}`,
			[]loremup.ErrorObject{{Status: "422", Detail: "is invalid", Source: &loremup.ErrorSource{Pointer: "/form/email"}}}},
		{"errors", `{"errors":[{"status":"422","detail":"email is invalid"}]}`,
			[]loremup.ErrorObject{{Status: "422", Detail: "email is invalid"}}},
		{"email", `{"errors":{"email":["is invalid"]}}`,
			[]loremup.ErrorObject{{Detail: "is invalid", Source: &loremup.ErrorSource{Pointer: "/form/email"}}}},
		{"detail", `{"errors":[{"detail":"password detail-x wrong"}]}`,
			[]loremup.ErrorObject{{Detail: "password [REDACTED]-x wrong"}}},
	}
	for _, tt := range tests {
		t.Run(tt.password, func(t *testing.T) {
			c, mt := mockClient(t)
			mt.RegisterResponder(http.MethodPost, sessionsURL, httpmock.NewStringResponder(422, tt.body))
			p := createParams()
			p.Form.Password = tt.password

			_, err := c.Sessions.Create(context.Background(), p)

			var apiErr *loremup.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.want, apiErr.Errors)
			assert.NotContains(t, string(apiErr.Body), tt.password, "the kept body is redacted on its own")
		})
	}
}

// A loopback base URL never goes through a proxy, even one the caller's
// transport names: the token and password would cross it in clear text.
func TestTransport_LoopbackNeverUsesAProxy(t *testing.T) {
	var proxied atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		proxied.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	t.Cleanup(proxy.Close)
	proxyURL, err := url.Parse(proxy.URL)
	require.NoError(t, err)
	srv := loremuptest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddUser(testEmail, testPassword)
	tr := &http.Transport{Proxy: http.ProxyURL(proxyURL)}
	t.Cleanup(tr.CloseIdleConnections)
	for _, base := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		c, err := loremup.NewClient(base, srv.Token, loremup.WithHTTPClient(&http.Client{Transport: tr}), loremup.WithMaxRetries(0))
		require.NoError(t, err)

		sess, err := c.Sessions.Create(context.Background(), createParams())

		require.NoError(t, err, base)
		require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))
		c.CloseIdleConnections()
	}
	assert.Zero(t, proxied.Load())
	assert.NotNil(t, tr.Proxy, "the caller's transport is not changed")
}

func TestCreate_Non201SuccessIsALoginOnlyWithASessionCookie(t *testing.T) {
	sessionCookie := (&http.Cookie{Name: "_app_session", Value: "v1", Path: "/"}).String()
	tests := []struct {
		name, body string
		header     http.Header
		wantLogin  bool
	}{
		{"200 JSON failure without a cookie", `{"success":false,"error":"invalid email or password"}`,
			http.Header{"Content-Type": {"application/json"}}, false},
		{"200 JSON with an expiring cookie only", `{}`,
			http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"_app_session=; Max-Age=0"}}, false},
		{"200 JSON with a session cookie", `{}`,
			http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {sessionCookie}}, true},
		{"200 HTML with a session cookie", `<html></html>`,
			http.Header{"Content-Type": {"text/html"}, "Set-Cookie": {sessionCookie}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mockClient(t)
			mt.RegisterResponder(http.MethodPost, sessionsURL, httpmock.NewStringResponder(http.StatusOK, tt.body).HeaderSet(tt.header))

			sess, err := c.Sessions.Create(context.Background(), createParams())

			if tt.wantLogin {
				require.NoError(t, err)
				assert.Len(t, sess.Cookies(), 1)
				return
			}
			assert.Nil(t, sess)
			require.ErrorIs(t, err, loremup.ErrUnexpectedResponse)
			var apiErr *loremup.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.body, string(apiErr.Body))
		})
	}
}

// A 201 whose head (with the session cookie) arrived but whose body was
// cut: the server logged the user in, so Create returns the Session with
// the error, and the caller can log it out.
func TestCreate_CutLoginAnswerReturnsTheSessionWithTheError(t *testing.T) {
	url := rawServer(t, "HTTP/1.1 201 Created\r\nContent-Type: application/vnd.api+json\r\n"+
		"Set-Cookie: _app_session=live-session-value; Path=/; HttpOnly\r\nContent-Length: 100\r\n\r\n{")
	c := newLoopbackClient(t, url, loremup.WithMaxRetries(0))

	sess, err := c.Sessions.Create(context.Background(), createParams())

	require.Error(t, err)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	require.NotNil(t, sess, "the login happened: its Session comes with the error")
	cookies := sess.Cookies()
	require.Len(t, cookies, 1)
	assert.Equal(t, "live-session-value", cookies[0].Value)
	assert.Nil(t, sess.Body(), "the cut body is not kept")
}

func TestCreate_CutAnswerWithoutSessionCookieReturnsNoSession(t *testing.T) {
	url := rawServer(t, "HTTP/1.1 201 Created\r\nContent-Type: application/vnd.api+json\r\nContent-Length: 100\r\n\r\n{")
	c := newLoopbackClient(t, url, loremup.WithMaxRetries(0))

	sess, err := c.Sessions.Create(context.Background(), createParams())

	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Nil(t, sess)
}

func TestReadBody_HugeCapIsClampedAndSafe(t *testing.T) {
	c, mt := mockClient(t, loremup.WithMaxResponseBytes(math.MaxInt64))
	mt.RegisterResponder(http.MethodPost, sessionsURL, httpmock.NewStringResponder(422, `{"errors":[{"detail":"x"}]}`))

	_, err := c.Sessions.Create(context.Background(), createParams())

	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.JSONEq(t, `{"errors":[{"detail":"x"}]}`, string(apiErr.Body))
	assert.False(t, apiErr.BodyTruncated)
}

// A server's Content-Length is a promise, not a size to allocate: a
// 2-byte answer promising 512 MiB under a 1 GiB cap costs what 2 bytes
// cost.
func TestReadBody_PromisedLengthIsNotAllocated(t *testing.T) {
	c, mt := mockClient(t, loremup.WithMaxResponseBytes(1<<30), loremup.WithMaxRetries(0))
	mt.RegisterResponder(http.MethodPost, sessionsURL, func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusInternalServerError, "{}")
		resp.ContentLength = 512 << 20
		return resp, nil
	})
	var failed atomic.Bool
	res := testing.Benchmark(func(b *testing.B) {
		for range b.N {
			if _, err := c.Sessions.Create(context.Background(), createParams()); err == nil {
				failed.Store(true)
			}
		}
	})

	assert.False(t, failed.Load(), "every call gets the 500 as an error")
	assert.Less(t, res.AllocedBytesPerOp(), int64(64<<10), "B/op: %d", res.AllocedBytesPerOp())
}
