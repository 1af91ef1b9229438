package fake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/internal/wire"
)

// These tests speak raw HTTP to the handler, one per point where a Rails
// app serving the API answers differently from what a reader of the
// vendor's page would guess. The fake must answer as Rails does, or on
// the stricter side where the vendor's app may differ.

const (
	railsToken  = "tok_4f8a9c2e7b"
	railsEmail  = "ada@example.com"
	railsPass   = "s3cret-Pa55word"
	railsLogin  = `{"form_name":"` + wire.DefaultCreateFormName + `","form":{"email":"` + railsEmail + `","password":"` + railsPass + `"}}`
	railsLogout = `{"form_name":"` + wire.DefaultDeleteFormName + `"}`
)

func railsServer(t *testing.T) *httptest.Server {
	t.Helper()
	h, err := New(Config{Token: railsToken, Users: []User{{Email: railsEmail, Password: railsPass}}})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		h.Close()
	})
	return srv
}

// sdkRequestHeader is what a well-behaved client sends.
func sdkRequestHeader() http.Header {
	return http.Header{
		"Authorization": {wire.AuthorizationValue(railsToken)},
		"Accept":        {wire.Accept},
		"Content-Type":  {wire.MediaTypeJSON},
	}
}

type rawAnswer struct {
	status int
	header http.Header
	body   string
}

func rawSend(t *testing.T, srv *httptest.Server, method string, header http.Header, body string) rawAnswer {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+wire.SessionsPath, strings.NewReader(body))
	require.NoError(t, err)
	req.Header = header
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return rawAnswer{resp.StatusCode, resp.Header, string(data)}
}

// errorCodes checks that a is a JSON:API error document of status and
// returns the codes of its objects.
func errorCodes(t *testing.T, a rawAnswer, status int) []string {
	t.Helper()
	require.Equal(t, status, a.status, a.body)
	assert.Equal(t, wire.ContentTypeJSONAPI, a.header.Get("Content-Type"))
	var doc wire.ErrorDocument
	require.NoError(t, json.Unmarshal([]byte(a.body), &doc), a.body)
	var codes []string
	for _, o := range doc.Errors {
		assert.Equal(t, http.StatusText(status), o.Title)
		codes = append(codes, string(o.Code))
	}
	return codes
}

func TestRails_TokenRefusalIsRailsPlainTextAnswer(t *testing.T) {
	srv := railsServer(t)
	for name, auth := range map[string]string{
		"missing":                    "",
		"unknown":                    "Token token=tok_other",
		"scheme in lower case":       "token token=" + railsToken,
		"scheme in capitals":         "TOKEN token=" + railsToken,
		"first parameter not token":  "Token realm=x, token=" + railsToken,
		"no whitespace after scheme": "Token,token=" + railsToken,
		"empty token":                "Token token=",
		"basic":                      "Basic dG9rOg==",
	} {
		t.Run(name, func(t *testing.T) {
			h := sdkRequestHeader()
			h.Set("Authorization", auth)
			if auth == "" {
				h.Del("Authorization")
			}
			for _, method := range []string{http.MethodPost, http.MethodDelete} {
				a := rawSend(t, srv, method, h, railsLogin)
				assert.Equal(t, http.StatusUnauthorized, a.status, method)
				assert.Equal(t, `Token realm="Application"`, a.header.Get("WWW-Authenticate"), method)
				assert.Equal(t, "text/plain; charset=utf-8", a.header.Get("Content-Type"), method)
				assert.Equal(t, "HTTP Token: Access denied.\n", a.body, method)
			}
		})
	}
}

func TestRails_AuthorizationFormsRailsAccepts(t *testing.T) {
	srv := railsServer(t)
	for _, auth := range []string{
		"Token token=" + railsToken,
		`Token token="` + railsToken + `"`,
		"Token " + railsToken,
		"Bearer " + railsToken,
		"Token\ttoken=" + railsToken,
		"Token token=" + railsToken + `, nonce="x"`,
		"Token token=" + railsToken + ";nonce=x",
	} {
		h := sdkRequestHeader()
		h.Set("Authorization", auth)
		a := rawSend(t, srv, http.MethodDelete, h, railsLogout)
		assert.Equal(t, http.StatusNoContent, a.status, "%q: %s", auth, a.body)
	}
}

func TestRails_AcceptMissingOrBrowserLikeIs406(t *testing.T) {
	srv := railsServer(t)
	tests := []struct {
		accept []string // nil: no header
		status int
	}{
		{nil, 406},
		{[]string{" "}, 406},
		{[]string{"application/json, text/plain, */*"}, 406},
		{[]string{"*/*,application/vnd.api+json"}, 406},
		{[]string{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, 406},
		{[]string{"*/*"}, 204},
		{[]string{"application/json"}, 204},
		{[]string{wire.Accept}, 204},
	}
	for _, tt := range tests {
		h := sdkRequestHeader()
		h["Accept"] = tt.accept
		if tt.accept == nil {
			h.Del("Accept")
		}
		a := rawSend(t, srv, http.MethodDelete, h, railsLogout)
		if tt.status == 204 {
			assert.Equal(t, 204, a.status, "%q: %s", tt.accept, a.body)
			continue
		}
		assert.Equal(t, []string{"not_acceptable"}, errorCodes(t, a, 406), "%q", tt.accept)
	}
}

func TestRails_OnlyApplicationJSONBodiesAreRead(t *testing.T) {
	srv := railsServer(t)
	for ct, status := range map[string]int{
		"":                                  406,
		"application/vnd.api+json":          406,
		"text/plain":                        406,
		"application/x-www-form-urlencoded": 406,
		"application/json":                  201,
		"application/json; charset=utf-8":   201,
	} {
		h := sdkRequestHeader()
		h.Set("Content-Type", ct)
		if ct == "" {
			h.Del("Content-Type")
		}
		a := rawSend(t, srv, http.MethodPost, h, railsLogin)
		if status == 201 {
			assert.Equal(t, 201, a.status, "%q: %s", ct, a.body)
			continue
		}
		assert.Equal(t, []string{"unsupported_content_type"}, errorCodes(t, a, 406), "%q", ct)
	}
}

func TestRails_InvalidJSONIs400WithAnErrorDocument(t *testing.T) {
	srv := railsServer(t)
	for _, body := range []string{`{"form_name":`, "form_name=x", railsLogin + "x", " "} {
		for _, method := range []string{http.MethodPost, http.MethodDelete} {
			a := rawSend(t, srv, method, sdkRequestHeader(), body)
			assert.Equal(t, []string{"invalid_json"}, errorCodes(t, a, http.StatusBadRequest), "%s %q", method, body)
		}
	}
	// An empty body is no parameters at all, as in Rails: form_name missing.
	a := rawSend(t, srv, http.MethodPost, sdkRequestHeader(), "")
	assert.Equal(t, []string{"invalid_body"}, errorCodes(t, a, http.StatusNotAcceptable))
}

func TestRails_FormMissingOrNotAnObjectIs406(t *testing.T) {
	srv := railsServer(t)
	for _, form := range []string{``, `,"form":null`, `,"form":"x"`, `,"form":[]`} {
		body := `{"form_name":"` + wire.DefaultCreateFormName + `"` + form + `}`
		a := rawSend(t, srv, http.MethodPost, sdkRequestHeader(), body)
		assert.Equal(t, []string{"invalid_form"}, errorCodes(t, a, http.StatusNotAcceptable), body)
	}
}

func TestRails_BlankEmailGivesBothMessages(t *testing.T) {
	srv := railsServer(t)
	body := `{"form_name":"` + wire.DefaultCreateFormName + `","form":{"email":"","password":"x"}}`
	a := rawSend(t, srv, http.MethodPost, sdkRequestHeader(), body)
	assert.Equal(t, []string{"blank", "invalid"}, errorCodes(t, a, http.StatusUnprocessableEntity))
	var doc wire.ErrorDocument
	require.NoError(t, json.Unmarshal([]byte(a.body), &doc))
	for _, o := range doc.Errors {
		require.NotNil(t, o.Source)
		assert.Equal(t, "/form/email", o.Source.Pointer)
	}
}

func TestRails_AnswersCarryTheCharset(t *testing.T) {
	srv := railsServer(t)
	created := rawSend(t, srv, http.MethodPost, sdkRequestHeader(), railsLogin)
	require.Equal(t, http.StatusCreated, created.status, created.body)
	assert.Equal(t, "application/vnd.api+json; charset=utf-8", created.header.Get("Content-Type"))

	wrongPassword := strings.Replace(railsLogin, railsPass, "nope", 1)
	refused := rawSend(t, srv, http.MethodPost, sdkRequestHeader(), wrongPassword)
	assert.Equal(t, []string{"invalid_credentials"}, errorCodes(t, refused, http.StatusUnauthorized),
		"a refused password is an error document, not the token refusal")
	assert.Empty(t, refused.header.Get("WWW-Authenticate"))
}

func TestRails_OtherMethodsHaveNoRoute(t *testing.T) {
	srv := railsServer(t)
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodOptions} {
		a := rawSend(t, srv, method, sdkRequestHeader(), railsLogin)
		assert.Equal(t, []string{"not_found"}, errorCodes(t, a, http.StatusNotFound), method)
		assert.Empty(t, a.header.Get("Allow"), method)
	}
}
