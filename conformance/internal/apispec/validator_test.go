package apispec_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/internal/wire"
)

const (
	testToken    = "tok_4f8a9c2e7b"
	testEmail    = "ada@example.com"
	testPassword = "s3cret-Pa55word"
	createBody   = `{"form_name":"reference_rest_api_create_sessions","form":{"email":"ada@example.com","password":"s3cret-Pa55word"}}`
	deleteBody   = `{"form_name":"reference_rest_api_delete_sessions"}`
)

func TestValidateRequest(t *testing.T) {
	v := newValidator(t)
	tests := []struct {
		name    string
		method  string
		url     string
		edit    func(h http.Header)
		body    string
		wantErr string // "" for valid
	}{
		{name: "create", method: http.MethodPost, url: "https://app.example.com/api/sessions", body: createBody},
		{name: "delete", method: http.MethodDelete, url: "https://app.example.com/api/sessions", body: deleteBody},
		{name: "path prefix", method: http.MethodPost, url: "http://127.0.0.1:8080/tenant/api/sessions", body: createBody},
		{name: "deep path prefix", method: http.MethodDelete, url: "https://h/a/b/c/api/sessions", body: deleteBody},
		{name: "quoted token", method: http.MethodPost, url: "https://h/api/sessions", body: createBody,
			edit: func(h http.Header) { h.Set("Authorization", `Token token="`+testToken+`"`) }},
		{name: "plain JSON accept", method: http.MethodPost, url: "https://h/api/sessions", body: createBody,
			edit: func(h http.Header) { h.Set("Accept", "application/json") }},
		{name: "bearer Authorization", method: http.MethodDelete, url: "https://h/api/sessions", body: deleteBody,
			edit: func(h http.Header) { h.Set("Authorization", "Bearer "+testToken) }},
		{name: "token without its name", method: http.MethodDelete, url: "https://h/api/sessions", body: deleteBody,
			edit: func(h http.Header) { h.Set("Authorization", "Token "+testToken) }},
		{name: "charset on the body", method: http.MethodPost, url: "https://h/api/sessions", body: createBody,
			edit: func(h http.Header) { h.Set("Content-Type", "application/json; charset=utf-8") }},
		{name: "any type alone", method: http.MethodPost, url: "https://h/api/sessions", body: createBody,
			edit: func(h http.Header) { h.Set("Accept", "*/*") }},
		{name: "extra members allowed", method: http.MethodDelete, url: "https://h/api/sessions", body: `{"form_name":"f","x":1}`},

		{name: "missing form_name", method: http.MethodPost, url: "https://h/api/sessions",
			body: `{"form":{"email":"a@b.c","password":"pw"}}`, wantErr: `property "form_name" is missing`},
		{name: "missing form_name on delete", method: http.MethodDelete, url: "https://h/api/sessions",
			body: `{}`, wantErr: `property "form_name" is missing`},
		{name: "numeric form_name", method: http.MethodPost, url: "https://h/api/sessions",
			body: `{"form_name":42,"form":{"email":"a@b.c","password":"pw"}}`, wantErr: "/form_name"},
		{name: "numeric form_name on delete", method: http.MethodDelete, url: "https://h/api/sessions",
			body: `{"form_name":42}`, wantErr: "/form_name"},
		{name: "empty form_name", method: http.MethodDelete, url: "https://h/api/sessions",
			body: `{"form_name":""}`, wantErr: "/form_name"},
		{name: "missing form", method: http.MethodPost, url: "https://h/api/sessions",
			body: `{"form_name":"f"}`, wantErr: `property "form" is missing`},
		{name: "form not an object", method: http.MethodPost, url: "https://h/api/sessions",
			body: `{"form_name":"f","form":"a@b.c"}`, wantErr: "/form"},
		{name: "missing password", method: http.MethodPost, url: "https://h/api/sessions",
			body: `{"form_name":"f","form":{"email":"a@b.c"}}`, wantErr: `property "password" is missing`},
		{name: "no body", method: http.MethodDelete, url: "https://h/api/sessions", body: "", wantErr: "request body"},
		{name: "body not JSON", method: http.MethodPost, url: "https://h/api/sessions", body: "form_name=f", wantErr: "request body"},
		{name: "JSON:API request content type", method: http.MethodPost, url: "https://h/api/sessions", body: createBody,
			edit: func(h http.Header) { h.Set("Content-Type", wire.MediaTypeJSONAPI) }, wantErr: "Content-Type"},
		{name: "missing Authorization", method: http.MethodPost, url: "https://h/api/sessions", body: createBody,
			edit: func(h http.Header) { h.Del("Authorization") }, wantErr: "header Authorization is missing"},
		{name: "scheme in lower case", method: http.MethodDelete, url: "https://h/api/sessions", body: deleteBody,
			edit: func(h http.Header) { h.Set("Authorization", "token token="+testToken) }, wantErr: "Token token="},
		{name: "token the rule refuses", method: http.MethodDelete, url: "https://h/api/sessions", body: deleteBody,
			edit: func(h http.Header) { h.Set("Authorization", `Token token="a'b"`) }, wantErr: "Token token="},
		{name: "no accept", method: http.MethodPost, url: "https://h/api/sessions", body: createBody,
			edit: func(h http.Header) { h.Del("Accept") }, wantErr: "Accept"},
		{name: "browser-like accept", method: http.MethodPost, url: "https://h/api/sessions", body: createBody,
			edit: func(h http.Header) { h.Set("Accept", "application/json, text/plain, */*") }, wantErr: "Accept"},
		{name: "text request content type", method: http.MethodPost, url: "https://h/api/sessions", body: createBody,
			edit: func(h http.Header) { h.Set("Content-Type", "text/plain") }, wantErr: "Content-Type"},
		{name: "empty token", method: http.MethodDelete, url: "https://h/api/sessions", body: deleteBody,
			edit: func(h http.Header) { h.Set("Authorization", "Token token=") }, wantErr: "Token token="},
		{name: "two Authorization headers", method: http.MethodDelete, url: "https://h/api/sessions", body: deleteBody,
			edit: func(h http.Header) { h.Add("Authorization", "Token token=other") }, wantErr: "sent 2 times"},
		{name: "accept html only", method: http.MethodPost, url: "https://h/api/sessions", body: createBody,
			edit: func(h http.Header) { h.Set("Accept", "text/html") }, wantErr: "Accept"},
		{name: "accept json refused by q=0", method: http.MethodPost, url: "https://h/api/sessions", body: createBody,
			edit: func(h http.Header) { h.Set("Accept", "application/json;q=0, text/html") }, wantErr: "Accept"},
		{name: "unknown path", method: http.MethodPost, url: "https://h/api/session", body: createBody, wantErr: "no operation"},
		{name: "trailing slash", method: http.MethodPost, url: "https://h/api/sessions/", body: createBody, wantErr: "no operation"},
		{name: "wrong method", method: http.MethodPut, url: "https://h/api/sessions", body: createBody, wantErr: "no operation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.url, nil)
			req.Header = sdkHeaders()
			if tc.edit != nil {
				tc.edit(req.Header)
			}
			err := v.ValidateRequest(req, []byte(tc.body))
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

func TestValidateResponse(t *testing.T) {
	v := newValidator(t)
	jsonAPI := http.Header{"Content-Type": {wire.ContentTypeJSONAPI}}
	withCookie := http.Header{
		"Content-Type": {wire.MediaTypeJSONAPI + "; charset=utf-8"},
		"Set-Cookie":   {"_app_session=abc; Path=/; HttpOnly"},
	}
	doc := func(status string) string {
		return `{"errors":[{"status":` + status + `,"code":"invalid","title":"T","detail":"d","source":{"pointer":"/form/email"}}]}`
	}
	tests := []struct {
		name    string
		method  string
		path    string
		status  int
		header  http.Header
		body    string
		wantErr string
	}{
		{name: "created", method: http.MethodPost, status: 201, header: withCookie, body: `{}`},
		{name: "created under prefix", method: http.MethodPost, path: "/tenant/api/sessions", status: 201, header: jsonAPI, body: `{}`},
		{name: "created with members", method: http.MethodPost, status: 201, header: jsonAPI, body: `{"meta":{"user":1}}`},
		{name: "deleted", method: http.MethodDelete, status: 204, header: http.Header{}},
		{name: "created with two cookies", method: http.MethodPost, status: 201, body: `{}`, header: http.Header{
			"Content-Type": {wire.ContentTypeJSONAPI},
			"Set-Cookie":   {"_app_session=abc; Path=/; HttpOnly", "remember=r1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT"},
		}},
		{name: "deleted, two cookies cleared", method: http.MethodDelete, status: 204, header: http.Header{"Set-Cookie": {
			"_app_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly", "remember=; Path=/; Max-Age=0",
		}}},
		{name: "deleted with 201 as the API documentation shows", method: http.MethodDelete, status: 201, header: jsonAPI},
		{name: "deleted with 200", method: http.MethodDelete, status: 200, header: http.Header{}},
		{name: "401", method: http.MethodPost, status: 401, header: jsonAPI, body: doc(`"401"`)},
		{name: "401 token refusal", method: http.MethodDelete, status: 401, body: wire.UnauthorizedBody,
			header: http.Header{"Content-Type": {wire.ContentTypeText}, "Www-Authenticate": {wire.UnauthorizedChallenge}}},
		{name: "400", method: http.MethodDelete, status: 400, header: jsonAPI, body: doc(`"400"`)},
		{name: "406", method: http.MethodDelete, status: 406, header: jsonAPI, body: doc(`"406"`)},
		{name: "422", method: http.MethodPost, status: 422, header: jsonAPI, body: doc(`"422"`)},
		{name: "503 any body", method: http.MethodPost, status: 503, header: http.Header{"Content-Type": {"text/html"}}, body: "<h1>down</h1>"},
		{name: "429 with Retry-After", method: http.MethodDelete, status: 429, header: http.Header{"Retry-After": {"3"}}},

		{name: "numeric status", method: http.MethodPost, status: 422, header: jsonAPI, body: doc(`422`), wantErr: "/errors/0/status"},
		{name: "missing status", method: http.MethodPost, status: 401, header: jsonAPI,
			body: `{"errors":[{"title":"Unauthorized"}]}`, wantErr: `property "status" is missing`},
		{name: "status not a code", method: http.MethodPost, status: 401, header: jsonAPI, body: doc(`"unauthorized"`), wantErr: "/errors/0/status"},
		{name: "numeric code", method: http.MethodDelete, status: 406, header: jsonAPI,
			body: `{"errors":[{"status":"406","code":7}]}`, wantErr: "/errors/0/code"},
		{name: "empty errors", method: http.MethodDelete, status: 406, header: jsonAPI, body: `{"errors":[]}`, wantErr: "/errors"},
		{name: "rails style errors", method: http.MethodPost, status: 422, header: jsonAPI,
			body: `{"errors":{"email":["is invalid"]}}`, wantErr: "/errors"},
		{name: "error as plain JSON", method: http.MethodPost, status: 401, header: http.Header{"Content-Type": {"application/json"}},
			body: doc(`"401"`), wantErr: "Content-Type"},
		{name: "error as HTML", method: http.MethodPost, status: 401, header: http.Header{"Content-Type": {"text/html"}},
			body: "<h1>401</h1>", wantErr: "Content-Type"},
		{name: "created as HTML", method: http.MethodPost, status: 201, header: http.Header{"Content-Type": {"text/html; charset=utf-8"}},
			body: "<html>welcome</html>", wantErr: "Content-Type"},
		{name: "created without content type", method: http.MethodPost, status: 201, header: http.Header{}, body: `{}`, wantErr: "Content-Type"},
		{name: "created with array", method: http.MethodPost, status: 201, header: jsonAPI, body: `[]`, wantErr: "object"},
		{name: "created empty", method: http.MethodPost, status: 201, header: jsonAPI, body: ``, wantErr: "decode"},
		{name: "create answered 200", method: http.MethodPost, status: 200, header: jsonAPI, body: `{}`, wantErr: "status is not supported"},
		{name: "create answered 204", method: http.MethodPost, status: 204, header: http.Header{}, wantErr: "status is not supported"},
		{name: "delete's 401 as an error document", method: http.MethodDelete, status: 401, body: doc(`"401"`),
			header: http.Header{"Content-Type": {wire.ContentTypeJSONAPI}, "Www-Authenticate": {wire.UnauthorizedChallenge}}, wantErr: "Content-Type"},
		{name: "delete's 401 without its challenge", method: http.MethodDelete, status: 401, body: wire.UnauthorizedBody,
			header: http.Header{"Content-Type": {wire.ContentTypeText}}, wantErr: "WWW-Authenticate"},
		{name: "delete answered 422", method: http.MethodDelete, status: 422, header: jsonAPI, body: doc(`"422"`), wantErr: "status is not supported"},
		{name: "500", method: http.MethodPost, status: 500, header: jsonAPI, body: doc(`"500"`), wantErr: "status is not supported"},
		{name: "302 to a login page", method: http.MethodPost, status: 302, header: http.Header{"Location": {"/login"}}, wantErr: "status is not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = wire.SessionsPath
			}
			req := httptest.NewRequest(tc.method, "https://app.example.com"+path, nil)
			err := v.ValidateResponse(req, tc.status, tc.header, []byte(tc.body))
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

// Errors name where a value breaks the description but never repeat the
// value: request bodies hold passwords, headers hold the API token.
func TestErrorsDoNotRepeatSecrets(t *testing.T) {
	v := newValidator(t)
	tests := []struct {
		name string
		hdr  func(h http.Header)
		body string
	}{
		{"password of the wrong type in a bad body", nil, `{"form_name":1,"form":{"email":"` + testEmail + `","password":["` + testPassword + `"]}}`},
		{"malformed Authorization", func(h http.Header) { h.Set("Authorization", "bearer "+testToken) }, createBody},
		{"token with a space", func(h http.Header) { h.Set("Authorization", "Token token="+testToken+" "+testPassword) }, createBody},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "https://h/api/sessions", nil)
			req.Header = sdkHeaders()
			if tc.hdr != nil {
				tc.hdr(req.Header)
			}
			err := v.ValidateRequest(req, []byte(tc.body))
			require.Error(t, err)
			for _, secret := range []string{testToken, testPassword} {
				assert.NotContains(t, err.Error(), secret)
			}
			assert.NotContains(t, err.Error(), "\nValue:", "schema errors must not dump values")
		})
	}
}
