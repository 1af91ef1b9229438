package loremup_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

func TestErrors_StatusMapsToSentinelAndAPIError(t *testing.T) {
	sentinels := []error{loremup.ErrUnauthorized, loremup.ErrNotAcceptable, loremup.ErrUnprocessableEntity}
	tests := []struct {
		status int
		want   error // nil: no sentinel matches
	}{
		{401, loremup.ErrUnauthorized},
		{406, loremup.ErrNotAcceptable},
		{422, loremup.ErrUnprocessableEntity},
		{400, nil}, {403, nil}, {404, nil}, {409, nil}, {500, nil}, {501, nil},
		{301, nil}, {302, nil}, {304, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			c, mt := mockClient(t, loremup.WithMaxRetries(0))
			mt.RegisterResponder(http.MethodPost, sessionsURL, jsonAPI(tt.status, errorDoc(fmt.Sprint(tt.status), "c", "d", "")))
			mt.RegisterResponder(http.MethodDelete, sessionsURL, jsonAPI(tt.status, errorDoc(fmt.Sprint(tt.status), "c", "d", "")))

			_, createErr := c.Sessions.Create(context.Background(), createParams())
			deleteErr := c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm})
			for _, err := range []error{createErr, deleteErr} {
				require.Error(t, err)
				wrapped := fmt.Errorf("logging in: %w", err)
				var apiErr *loremup.APIError
				require.ErrorAs(t, wrapped, &apiErr)
				assert.Equal(t, tt.status, apiErr.StatusCode)
				for _, s := range sentinels {
					assert.Equal(t, errors.Is(s, tt.want), errors.Is(wrapped, s), "errors.Is(%v)", s)
				}
			}
		})
	}
}

func TestErrors_RetryableStatusesGiveAPIErrorWhenRetriesRunOut(t *testing.T) {
	for _, status := range []int{429, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			c, mt := mockClient(t, loremup.WithMaxRetries(2))
			mt.RegisterResponder(http.MethodPost, sessionsURL, jsonAPI(status, errorDoc(fmt.Sprint(status), "busy", "try later", "")))

			_, err := c.Sessions.Create(context.Background(), createParams())

			var apiErr *loremup.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.StatusCode)
			assert.Equal(t, 3, apiErr.Attempts)
			assert.Equal(t, "try later", apiErr.Errors[0].Detail)
			assert.Equal(t, 3, mt.GetTotalCallCount())
			assert.Contains(t, err.Error(), "after 3 attempts")
		})
	}
}

func TestErrors_BodyShapesAreNormalised(t *testing.T) {
	src := func(p string) *loremup.ErrorSource { return &loremup.ErrorSource{Pointer: p} }
	const jsonType, textType = "application/json; charset=utf-8", "text/plain; charset=utf-8"
	tests := []struct {
		name, contentType, body string
		want                    []loremup.ErrorObject
	}{
		{"JSON:API", jsonType, `{"errors":[{"status":"422","code":"invalid","title":"Unprocessable Entity","detail":"email is not a valid address","source":{"pointer":"/form/email"}}]}`,
			[]loremup.ErrorObject{{Status: "422", Code: "invalid", Title: "Unprocessable Entity", Detail: "email is not a valid address", Source: src("/form/email")}}},
		{"JSON:API pointer kept as sent", jsonType, `{"errors":[{"detail":"is invalid","source":{"pointer":"/data/attributes/email"}}]}`,
			[]loremup.ErrorObject{{Detail: "is invalid", Source: src("/data/attributes/email")}}},
		{"JSON:API numeric status", jsonType, `{"errors":[{"status":422,"detail":"x"}]}`,
			[]loremup.ErrorObject{{Status: "422", Detail: "x"}}},
		{"JSON:API parameter and header sources", jsonType, `{"errors":[{"detail":"a","source":{"parameter":"p"}},{"detail":"b","source":{"header":"Accept"}}]}`,
			[]loremup.ErrorObject{{Detail: "a", Source: &loremup.ErrorSource{Parameter: "p"}}, {Detail: "b", Source: &loremup.ErrorSource{Header: "Accept"}}}},
		{"Rails field errors", jsonType, `{"errors":{"email":["is invalid","is too short"],"password":["can't be blank"]}}`,
			[]loremup.ErrorObject{{Detail: "is invalid", Source: src("/form/email")}, {Detail: "is too short", Source: src("/form/email")}, {Detail: "can't be blank", Source: src("/form/password")}}},
		{"Rails keeps document order", jsonType, `{"errors":{"password":["can't be blank"],"email":["is invalid"]}}`,
			[]loremup.ErrorObject{{Detail: "can't be blank", Source: src("/form/password")}, {Detail: "is invalid", Source: src("/form/email")}}},
		{"Rails single string", jsonType, `{"errors":{"email":"is invalid"}}`,
			[]loremup.ErrorObject{{Detail: "is invalid", Source: src("/form/email")}}},
		{"scaffold model errors", jsonType, `{"email":["is invalid","can't be blank"],"password":["can't be blank"]}`,
			[]loremup.ErrorObject{{Detail: "is invalid", Source: src("/form/email")}, {Detail: "can't be blank", Source: src("/form/email")}, {Detail: "can't be blank", Source: src("/form/password")}}},
		{"list of strings", jsonType, `{"errors":["Email is invalid","Password can't be blank"]}`,
			[]loremup.ErrorObject{{Detail: "Email is invalid"}, {Detail: "Password can't be blank"}}},
		{"error member", jsonType, `{"error":"Invalid token"}`, []loremup.ErrorObject{{Detail: "Invalid token"}}},
		{"message member", jsonType, `{"message":"Form not found"}`, []loremup.ErrorObject{{Detail: "Form not found"}}},
		{"Rails exception JSON", jsonType, `{"status":400,"error":"Bad Request"}`, []loremup.ErrorObject{{Status: "400", Detail: "Bad Request"}}},
		{"Rails token refusal", textType, "HTTP Token: Access denied.\n", []loremup.ErrorObject{{Detail: "HTTP Token: Access denied."}}},
		{"text: first line, control characters dropped", textType, "\n  first\x1b[31m line \r\nsecond", []loremup.ErrorObject{{Detail: "first [31m line"}}},
		{"text: long line bounded", textType, strings.Repeat("é", 300), []loremup.ErrorObject{{Detail: strings.Repeat("é", 100) + "…"}}},
		{"HTML", "text/html", `<html><body>Bad Gateway</body></html>`, nil},
		{"short text without a text type", "", `Not Acceptable`, []loremup.ErrorObject{{Detail: "Not Acceptable"}}},
		{"Devise's bare message labelled JSON:API", "application/vnd.api+json", "Invalid Email or password.",
			[]loremup.ErrorObject{{Detail: "Invalid Email or password."}}},
		{"long text without a text type", "application/octet-stream", strings.Repeat("x", 1025), nil},
		{"binary without a text type", "application/octet-stream", "\x00\xffnot text", nil},
		{"empty", jsonType, ``, nil},
		{"other JSON", jsonType, `{"ok":false}`, nil},
		{"object of mixed values", jsonType, `{"email":["is invalid"],"ok":false}`, nil},
		{"JSON array", jsonType, `[1,2]`, nil},
		{"truncated JSON", jsonType, `{"errors":[{"detail":"x"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := mockClient(t)
			mt.RegisterResponder(http.MethodPost, sessionsURL,
				httpmock.NewStringResponder(422, tt.body).HeaderSet(http.Header{"Content-Type": {tt.contentType}}))

			_, err := c.Sessions.Create(context.Background(), createParams())

			var apiErr *loremup.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.want, apiErr.Errors)
			assert.Equal(t, tt.body, string(apiErr.Body), "the raw body is kept")
		})
	}
}

// Rails' own answer to a refused API token is plain text; the error says
// so, and a person reading it knows the token (not the password) is wrong.
func TestErrors_TokenRefusalReadsAsSuch(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL,
		httpmock.NewStringResponder(http.StatusUnauthorized, "HTTP Token: Access denied.\n").HeaderSet(http.Header{
			"Content-Type":     {"text/plain; charset=utf-8"},
			"Www-Authenticate": {`Token realm="Application"`},
		}))

	_, err := c.Sessions.Create(context.Background(), createParams())

	require.ErrorIs(t, err, loremup.ErrUnauthorized)
	require.EqualError(t, err, "loremup: POST /api/sessions: 401 Unauthorized: HTTP Token: Access denied.")
	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, `Token realm="Application"`, apiErr.Header.Get("WWW-Authenticate"))
}

func TestErrors_MessageIsUsefulToAPerson(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(422, errorDoc("422", "invalid", "email is not a valid address", "/form/email"))
		resp.Header.Set("X-Request-Id", "req-77")
		return resp, nil
	})

	_, err := c.Sessions.Create(context.Background(), createParams())

	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "req-77", apiErr.RequestID)
	assert.Equal(t, "POST", apiErr.Method)
	assert.Equal(t, "/api/sessions", apiErr.Path)
	assert.Equal(t, 1, apiErr.Attempts)
	msg := err.Error()
	for _, want := range []string{"POST", "/api/sessions", "422", "email is not a valid address", "req-77"} {
		assert.Contains(t, msg, want)
	}
	assert.Equal(t, strings.ToLower(msg[:1]), msg[:1], "error strings start lowercase")
}

func TestErrors_ServerEchoOfSecretsIsRedacted(t *testing.T) {
	c, mt := mockClient(t)
	echo := fmt.Sprintf(`{"errors":[{"status":"401","detail":"password %s or token %s rejected"}]}`, testPassword, testToken)
	mt.RegisterResponder(http.MethodPost, sessionsURL, httpmock.NewStringResponder(401, echo))

	_, err := c.Sessions.Create(context.Background(), createParams())

	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	for _, out := range []string{err.Error(), fmt.Sprintf("%+v", apiErr), fmt.Sprintf("%#v", apiErr), string(apiErr.Body), apiErr.Errors[0].Detail} {
		assert.NotContains(t, out, testPassword)
		assert.NotContains(t, out, testToken)
	}
	assert.Contains(t, apiErr.Errors[0].Detail, "[REDACTED]")
}

func TestErrors_RedirectIsNotFollowed(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			_, _ = w.Write([]byte("<html>login page</html>"))
			return
		}
		http.Redirect(w, r, "/login?next=%2Fapi", http.StatusFound)
	})
	c := newLoopbackClient(t, srv.URL)

	_, err := c.Sessions.Create(context.Background(), createParams())

	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusFound, apiErr.StatusCode)
	assert.Equal(t, "/login?next=%2Fapi", apiErr.Location)
	assert.Contains(t, err.Error(), "/login")
	assert.EqualValues(t, 1, srv.requests.Load(), "the login page was never fetched")
}

func TestErrors_RedirectNotFollowedWithCallersHTTPClient(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	})
	c := newLoopbackClient(t, srv.URL, loremup.WithHTTPClient(srv.Client()))

	err := c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm})

	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTemporaryRedirect, apiErr.StatusCode)
	assert.EqualValues(t, 1, srv.requests.Load())
}

func TestErrors_HugeBodyIsCut(t *testing.T) {
	c, mt := mockClient(t, loremup.WithMaxResponseBytes(1024))
	mt.RegisterResponder(http.MethodPost, sessionsURL, httpmock.NewStringResponder(500, strings.Repeat("x", 5000)))

	_, err := c.Sessions.Create(context.Background(), createParams())

	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Len(t, apiErr.Body, 1024)
	assert.True(t, apiErr.BodyTruncated)
	assert.Empty(t, apiErr.Errors)
}

func TestErrors_CutHTMLSuccessPageReportsTruncation(t *testing.T) {
	c, mt := mockClient(t, loremup.WithMaxResponseBytes(64))
	mt.RegisterResponder(http.MethodPost, sessionsURL,
		httpmock.NewStringResponder(http.StatusOK, "<html>"+strings.Repeat("x", 500)+"</html>").
			HeaderSet(http.Header{"Content-Type": {"text/html"}}))

	_, err := c.Sessions.Create(context.Background(), createParams())

	require.ErrorIs(t, err, loremup.ErrUnexpectedResponse)
	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, apiErr.BodyTruncated)
	assert.Len(t, apiErr.Body, 64)
}

func TestErrors_ServerEchoOfCookieOnLogoutIsRedacted(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, loginOK("cookie-secret-value"))
	mt.RegisterResponder(http.MethodDelete, sessionsURL, httpmock.NewStringResponder(401,
		`{"errors":[{"status":"401","detail":"session cookie-secret-value expired"}]}`))
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)

	err = c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess})

	require.ErrorIs(t, err, loremup.ErrUnauthorized)
	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	for _, out := range []string{err.Error(), string(apiErr.Body), fmt.Sprintf("%#v", apiErr)} {
		assert.NotContains(t, out, "cookie-secret-value")
	}
}

// Against the fake, which answers a refused token as Rails does.
func TestErrors_FakeTokenRefusalReadsAsSuch(t *testing.T) {
	srv := loremuptest.NewServer(loremuptest.WithUser(testEmail, testPassword))
	t.Cleanup(srv.Close)
	c := newLoopbackClient(t, srv.URL)

	_, err := c.Sessions.Create(context.Background(), createParams())

	require.ErrorIs(t, err, loremup.ErrUnauthorized)
	assert.True(t, strings.HasPrefix(err.Error(), "loremup: POST /api/sessions: 401 Unauthorized: HTTP Token: Access denied. (request id "), err.Error())
}
