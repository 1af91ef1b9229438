package loremup_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
)

// renderings is every way a caller may print or encode an *APIError.
func renderings(t *testing.T, e *loremup.APIError) string {
	t.Helper()
	j, err := json.Marshal(e)
	require.NoError(t, err)
	return fmt.Sprintf("%v\n%+v\n%#v\n%s\n%v\n", e, *e, *e, j, e.Header)
}

// A hostile server can echo a secret in a header's name, where net/http
// also changes its case (X-Echo-Tok_...): names are redacted too, in any
// case, except the well-known ones the SDK reads.
func TestAttack_SecretInAnswerHeaderNameIsRedacted(t *testing.T) {
	tests := []struct {
		name     string
		password string
		headers  string
		wantKeys []string // names that must survive
	}{
		{
			name:     "token and password in names, any case",
			password: testPassword,
			headers: "X-Echo-" + testToken + ": 1\r\n" +
				"X-" + strings.ToUpper(testPassword) + ": 2\r\n" +
				"X-Request-Id: req-1\r\n",
			wantKeys: []string{"X-Request-Id", "Content-Type"},
		},
		{
			name:     "a password that is a well-known name keeps it",
			password: "Location",
			headers:  "Location: /login\r\nX-Location-Hint: 1\r\n",
			wantKeys: []string{"Location", "Content-Type"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := rawServer(t, "HTTP/1.1 302 Found\r\n"+tt.headers+
				"Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
			c := newLoopbackClient(t, url, loremup.WithMaxRetries(0))
			p := createParams()
			p.Form.Password = tt.password

			_, err := c.Sessions.Create(context.Background(), p)

			var apiErr *loremup.APIError
			require.ErrorAs(t, err, &apiErr)
			out := strings.ToLower(renderings(t, apiErr))
			assert.NotContains(t, out, strings.ToLower(testToken))
			if tt.password != "Location" {
				assert.NotContains(t, out, strings.ToLower(tt.password))
			}
			for _, k := range tt.wantKeys {
				assert.Contains(t, apiErr.Header, k)
			}
			assert.Equal(t, "application/json", apiErr.Header.Get("Content-Type"))
		})
	}
}

// encoding/json sends each invalid UTF-8 byte as U+FFFD: the server would
// see (and could echo) a password the caller never typed, in a spelling
// redaction does not know, and the login could never succeed as meant.
func TestAttack_NonUTF8CredentialsAreRefusedBeforeSending(t *testing.T) {
	c, mt := mockClient(t)
	for _, tt := range []struct {
		field string
		form  loremup.SessionForm
	}{
		{"Form.Password", loremup.SessionForm{Email: testEmail, Password: "hunter\xff2"}},
		{"Form.Email", loremup.SessionForm{Email: "ada\xc3@example.com", Password: testPassword}},
	} {
		p := loremup.CreateSessionParams{FormName: createForm, Form: tt.form}
		_, err := c.Sessions.Create(context.Background(), p)
		requireInvalid(t, err, tt.field)
		assert.NotContains(t, err.Error(), "hunter")

		sess, err := loremup.NewSession(baseURL, []*http.Cookie{{Name: "_app_session", Value: "v"}})
		require.NoError(t, err)
		_, err = c.ReloginHTTPClient(sess, p)
		requireInvalid(t, err, tt.field)
	}
	assert.Zero(t, mt.GetTotalCallCount(), "nothing is sent")
}

// HTML5 defines the upper-case named references too (&LT; &GT; &QUOT;
// &AMP;): a server echoing a password through them must not show it.
func TestAttack_UpperCaseHTMLEntitiesAreRedacted(t *testing.T) {
	const password = `pa<ss>"w&rd`
	c, mt := mockClient(t, loremup.WithMaxRetries(0))
	mt.RegisterResponder(http.MethodPost, baseURL+"/api/sessions",
		jsonAPI(http.StatusUnauthorized, errorDoc("401", "unauthorized", "no user with password pa&LT;ss&GT;&QUOT;w&AMP;rd", "")))

	_, err := c.Sessions.Create(context.Background(), loremup.CreateSessionParams{
		FormName: createForm, Form: loremup.SessionForm{Email: testEmail, Password: password},
	})

	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.NotContains(t, renderings(t, apiErr), "pa&LT;ss")
	assert.NotContains(t, string(apiErr.Body), "pa&LT;ss")
	assert.Contains(t, err.Error(), "no user with password [REDACTED]")
}

// net/http quotes a malformed header in its error ("malformed MIME
// header: ... \"X-Echo <value>\""): an app that echoes the session
// cookie there must not make the error of HTTPClient's or the re-login
// transport's request show it.
func TestAttack_AppEchoingACookieInAMalformedHeaderIsRedacted(t *testing.T) {
	const cookieValue = "c00kie-VALUE-x9"
	url := rawServer(t, "HTTP/1.1 200 OK\r\nX-Echo "+cookieValue+" "+testToken+"\r\nContent-Length: 0\r\n\r\n")
	c := newLoopbackClient(t, url)
	sess, err := loremup.NewSession(url, []*http.Cookie{{Name: "_app_session", Value: cookieValue}})
	require.NoError(t, err)
	relogin, err := c.ReloginHTTPClient(sess, createParams())
	require.NoError(t, err)

	for name, hc := range map[string]*http.Client{"HTTPClient": c.HTTPClient(sess), "ReloginHTTPClient": relogin} {
		resp, err := hc.Get(url + "/api/me")
		if resp != nil {
			_ = resp.Body.Close()
		}
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "malformed MIME header", name)
		assert.NotContains(t, err.Error(), cookieValue, name)
		assert.NotContains(t, err.Error(), testToken, name)
	}
}

// net/http reads answer heads of up to 10 MiB by default: a hostile
// server sending 1 MiB of Set-Cookie lines made one login allocate some
// 20 times that. The default transport reads at most 256 KiB of head.
func TestAttack_AHugeAnswerHeadIsRefused(t *testing.T) {
	var head strings.Builder
	head.WriteString("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n")
	for head.Len() < 1<<20 {
		head.WriteString("Set-Cookie: a=b\r\n")
	}
	url := rawServer(t, head.String()+"Content-Length: 2\r\nConnection: close\r\n\r\n{}")
	c := newLoopbackClient(t, url, loremup.WithMaxRetries(0))

	sess, err := c.Sessions.Create(context.Background(), createParams())

	require.Error(t, err)
	assert.Nil(t, sess)
	assert.Contains(t, err.Error(), "headers exceeded")
}

// A server can place a secret across the body's size cap, so that the
// kept body ends with its first part.
func TestAttack_ASecretCutAtTheSizeCapIsHidden(t *testing.T) {
	c, mt := mockClient(t, loremup.WithMaxRetries(0), loremup.WithMaxResponseBytes(1024))
	mt.RegisterResponder(http.MethodPost, baseURL+"/api/sessions",
		jsonAPI(http.StatusInternalServerError, strings.Repeat("x", 1024-8)+testPassword+strings.Repeat("y", 100)))

	_, err := c.Sessions.Create(context.Background(), createParams())

	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	require.True(t, apiErr.BodyTruncated)
	assert.NotContains(t, string(apiErr.Body), testPassword[:8])
	assert.True(t, strings.HasSuffix(string(apiErr.Body), "x[REDACTED]"), "%.40q", apiErr.Body[len(apiErr.Body)-20:])
}

// Parsing an error body costs up to some 200 times its size in
// allocations: a hostile server's 1 MiB body of one-letter messages made
// one call allocate over 200 MiB. Bodies over 64 KiB are kept raw only.
func TestAttack_AHugeErrorDocumentIsNotParsed(t *testing.T) {
	body := `{"errors":[` + strings.Repeat(`"a",`, 200_000) + `"a"]}`
	c, mt := mockClient(t, loremup.WithMaxRetries(0))
	mt.RegisterResponder(http.MethodPost, baseURL+"/api/sessions", jsonAPI(http.StatusUnprocessableEntity, body))

	_, err := c.Sessions.Create(context.Background(), createParams())

	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Empty(t, apiErr.Errors)
	assert.False(t, apiErr.BodyTruncated)
	assert.Len(t, apiErr.Body, len(body), "kept raw")
	assert.ErrorIs(t, err, loremup.ErrUnprocessableEntity)
}

// A Session shows its cookie names when printed, logged or encoded: a
// login answer that sets a cookie named after the password or the token
// must not put them there. Such cookies are not kept.
func TestAttack_ACookieNamedAfterACredentialIsNotKept(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, baseURL+"/api/sessions",
		httpmock.NewStringResponder(http.StatusCreated, "{}").HeaderSet(http.Header{
			"Content-Type": {"application/json"},
			"Set-Cookie": {
				"_app_session=v1; Path=/",
				"x" + testPassword + "=1; Path=/",
				testToken + "=2; Path=/",
			},
		}))

	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)

	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "nested", struct{ S *loremup.Session }{sess}, "s", sess)
	j, err := json.Marshal(sess)
	require.NoError(t, err)
	shown := fmt.Sprintf("%v %+v %#v %s", sess, sess, sess, j) + logged.String()
	assert.NotContains(t, shown, testPassword)
	assert.NotContains(t, shown, testToken)
	require.Len(t, sess.Cookies(), 1)
	assert.Equal(t, "_app_session", sess.Cookies()[0].Name)
}
