package loremuptest_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/internal/fake"
	"github.com/loremup/loremup-go/loremuptest"
)

// These tests speak raw HTTP to the fake, not through the SDK, so that
// they pin down the wire protocol as a Rails server speaks it.

func TestCreate_AnswersTheFirstFailingCheckInContractOrder(t *testing.T) {
	srv := startServer(t)
	good := apiHeader(srv.Token)
	with := func(name, value string) http.Header {
		h := good.Clone()
		h.Set(name, value)
		return h
	}
	const (
		badEmail    = `{"form_name":"` + createForm + `","form":{"email":"not-an-address","password":"x"}}`
		wrongPass   = `{"form_name":"` + createForm + `","form":{"email":"` + email + `","password":"wrong"}}`
		unknownForm = `{"form_name":"nope","form":{"email":"bad","password":""}}`
	)
	tests := []struct {
		name   string
		header http.Header
		body   string
		status int
		code   string
	}{
		// Each row fails its own step and every later one: the earlier step must win.
		// The token refusal has no code: it is Rails' plain-text answer.
		{"1. token beats all", with("Authorization", "Token token=wrong"), "not json", 401, ""},
		{"1. token beats bad Accept", func() http.Header { h := with("Accept", "text/html"); h.Del("Authorization"); return h }(), "not json", 401, ""},
		{"2. Accept beats body", with("Accept", "text/html"), "not json", 406, "not_acceptable"},
		{"2. no Accept beats body", func() http.Header { h := good.Clone(); h.Del("Accept"); return h }(), "not json", 406, "not_acceptable"},
		{"3. Content-Type beats JSON syntax", with("Content-Type", "text/plain"), "not json", 406, "unsupported_content_type"},
		{"3. JSON syntax beats form name", good, `{"form_name":"nope"`, 400, "invalid_json"},
		{"3. body shape beats fields", good, `["not", "an", "object"]`, 406, "invalid_body"},
		{"3. form name beats fields", good, unknownForm, 406, "unknown_form_name"},
		{"4. fields beat credentials", good, badEmail, 422, "invalid"},
		{"5. credentials", good, wrongPass, 401, "invalid_credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, tt.header, tt.body)
			if tt.code == "" {
				requireTokenRefusal(t, resp, body)
				return
			}
			errs := requireErrorDoc(t, resp, body, tt.status)
			assert.Equal(t, tt.code, errs[0].Code)
		})
	}
	assert.Zero(t, srv.ActiveSessions())
}

func TestDelete_AnswersTheFirstFailingCheckInContractOrder(t *testing.T) {
	srv := startServer(t)
	tests := []struct {
		name   string
		header http.Header
		body   string
		status int
		code   string
	}{
		{"1. no token", http.Header{"Accept": {"text/html"}}, "x", 401, ""},
		{"2. Accept", http.Header{"Authorization": {"Token token=" + srv.Token}, "Accept": {"text/html"}}, "x", 406, "not_acceptable"},
		{"3. no Content-Type", http.Header{"Authorization": {"Token token=" + srv.Token}, "Accept": {"application/json"}}, "x", 406, "unsupported_content_type"},
		{"3. not JSON", apiHeader(srv.Token), "x", 400, "invalid_json"},
		{"3. no body", apiHeader(srv.Token), "", 406, "invalid_body"},
		{"3. form name of create", apiHeader(srv.Token), `{"form_name":"` + createForm + `"}`, 406, "unknown_form_name"},
		{"3. form name not a string", apiHeader(srv.Token), `{"form_name":1}`, 406, "invalid_form_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := send(t, srv.Client(), http.MethodDelete, srv.URL+sessionsPath, tt.header, tt.body)
			if tt.code == "" {
				requireTokenRefusal(t, resp, body)
				return
			}
			errs := requireErrorDoc(t, resp, body, tt.status)
			assert.Equal(t, tt.code, errs[0].Code)
		})
	}
}

func TestAuthorization_ReadsTheTokenAsRailsDoes(t *testing.T) {
	srv := startServer(t, loremuptest.WithToken("tok_4f8a9c2e7b"))
	tests := []struct {
		header string
		status int
	}{
		{`Token token=tok_4f8a9c2e7b`, 201},
		{`Token token="tok_4f8a9c2e7b"`, 201},
		{`Token tok_4f8a9c2e7b`, 201},
		{`Bearer tok_4f8a9c2e7b`, 201},
		{`Token token="tok_4f8a9c2e7b", nonce="abc"`, 201},
		{`Token token=tok_4f8a9c2e7b; nonce=abc`, 201},
		{``, 401},
		{`token token=tok_4f8a9c2e7b`, 401},
		{`TOKEN token="tok_4f8a9c2e7b"`, 401},
		{`Token realm=x, token=tok_4f8a9c2e7b`, 401},
		{`Token nonce="abc", token=tok_4f8a9c2e7b`, 401},
		{`Token token=tok_4f8a9c2e7`, 401},
		{`Token token=tok_4f8a9c2e7bX`, 401},
		{`Token token=`, 401},
		{`Basic dG9rOg==`, 401},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			h := apiHeader("")
			h.Set("Authorization", tt.header)
			if tt.header == "" {
				h.Del("Authorization")
			}
			resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, h, loginBody)
			if tt.status != 201 {
				requireTokenRefusal(t, resp, body)
				return
			}
			assert.Equal(t, tt.status, resp.StatusCode, "%s", body)
		})
	}
}

func TestAccept_AdmitsJSONAndJSONAPIVariants(t *testing.T) {
	srv := startServer(t)
	tests := []struct {
		accept []string // nil: no Accept header
		status int
	}{
		{[]string{"*/*"}, 201},
		{[]string{"application/*"}, 201},
		{[]string{"application/json"}, 201},
		{[]string{"application/vnd.api+json"}, 201},
		{[]string{"application/json; charset=utf-8"}, 201},
		{[]string{`application/vnd.api+json; ext="https://jsonapi.org/ext/atomic"`}, 201},
		{[]string{"text/html, application/json;q=0.1"}, 201},
		{[]string{"text/html", "application/json"}, 201},
		{nil, 406},
		{[]string{""}, 406},
		{[]string{"application/json, text/plain, */*"}, 406},
		{[]string{"*/*, application/json"}, 406},
		{[]string{"application/json;q=0, */*"}, 406},
		{[]string{"text/html"}, 406},
		{[]string{"application/xml"}, 406},
		{[]string{"application/json;q=0"}, 406},
		{[]string{"application/json;q=0, application/vnd.api+json;q=0"}, 406},
		{[]string{"*/*;q=0"}, 406},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.accept, " | "), func(t *testing.T) {
			h := apiHeader(srv.Token)
			h["Accept"] = tt.accept
			if tt.accept == nil {
				h.Del("Accept")
			}
			resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, h, loginBody)
			if tt.status == 406 {
				errs := requireErrorDoc(t, resp, body, 406)
				assert.Equal(t, "Accept", errs[0].Source.Header)
				return
			}
			assert.Equal(t, tt.status, resp.StatusCode, "%s", body)
		})
	}
}

func TestCreate_BodyShapes(t *testing.T) {
	srv := startServer(t, loremuptest.WithMaxBodyBytes(1024))
	form := `"form":{"email":"` + email + `","password":"` + password + `"}`
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		code        string
		pointer     string
	}{
		{"well formed", "application/json", loginBody, 201, "", ""},
		{"charset", "application/json; charset=utf-8", loginBody, 201, "", ""},
		{"json:api content type", "application/vnd.api+json", loginBody, 406, "unsupported_content_type", ""},
		{"no content type", "", loginBody, 406, "unsupported_content_type", ""},
		{"extra members ignored", "application/json", `{"x":1,"form_name":"` + createForm + `",` + form + `}`, 201, "", ""},
		{"empty", "application/json", "", 406, "invalid_body", ""},
		{"not json", "application/json", "email=a", 400, "invalid_json", ""},
		{"cut short", "application/json", loginBody[:20], 400, "invalid_json", ""},
		{"not UTF-8", "application/json", "{\"form_name\":\"\xff\"}", 400, "invalid_json", ""},
		{"null", "application/json", "null", 406, "invalid_body", ""},
		{"array", "application/json", "[]", 406, "invalid_body", ""},
		{"string", "application/json", `"x"`, 406, "invalid_body", ""},
		{"two objects", "application/json", loginBody + loginBody, 400, "invalid_json", ""},
		{"oversized", "application/json", `{"pad":"` + strings.Repeat("x", 2000) + `","form_name":"` + createForm + `",` + form + `}`, 406, "too_large", ""},
		{"form content type", "application/x-www-form-urlencoded", loginBody, 406, "unsupported_content_type", ""},
		{"text content type", "text/plain", loginBody, 406, "unsupported_content_type", ""},
		{"form_name missing", "application/json", `{` + form + `}`, 406, "invalid_form_name", "/form_name"},
		{"form_name null", "application/json", `{"form_name":null,` + form + `}`, 406, "invalid_form_name", "/form_name"},
		{"form_name a number", "application/json", `{"form_name":7,` + form + `}`, 406, "invalid_form_name", "/form_name"},
		{"form_name unknown", "application/json", `{"form_name":"other",` + form + `}`, 406, "unknown_form_name", "/form_name"},
		{"form_name of delete", "application/json", `{"form_name":"` + deleteForm + `",` + form + `}`, 406, "unknown_form_name", "/form_name"},
		{"form missing", "application/json", `{"form_name":"` + createForm + `"}`, 406, "invalid_form", "/form"},
		{"form a string", "application/json", `{"form_name":"` + createForm + `","form":"x"}`, 406, "invalid_form", "/form"},
		{"form an array", "application/json", `{"form_name":"` + createForm + `","form":[]}`, 406, "invalid_form", "/form"},
		{"form null", "application/json", `{"form_name":"` + createForm + `","form":null}`, 406, "invalid_form", "/form"},
		{"form empty", "application/json", `{"form_name":"` + createForm + `","form":{}}`, 406, "invalid_form", "/form"}, // params.require refuses an empty hash
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := apiHeader(srv.Token)
			h.Set("Content-Type", tt.contentType)
			if tt.contentType == "" {
				h.Del("Content-Type")
			}
			resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, h, tt.body)
			if tt.status == 201 {
				assert.Equal(t, 201, resp.StatusCode, "%s", body)
				return
			}
			errs := requireErrorDoc(t, resp, body, tt.status)
			assert.Equal(t, tt.code, errs[0].Code)
			if tt.pointer != "" {
				require.NotNil(t, errs[0].Source)
				assert.Equal(t, tt.pointer, errs[0].Source.Pointer)
			}
		})
	}
}

func TestCreate_ValidatesFieldsWithOneErrorPerMessage(t *testing.T) {
	srv := startServer(t)
	type fieldErr struct{ pointer, code string }
	tests := []struct {
		name string
		form string
		want []fieldErr
	}{
		{"email blank", `{"email":"","password":"x"}`, []fieldErr{{"/form/email", "blank"}, {"/form/email", "invalid"}}},
		{"email whitespace", `{"email":"  ","password":"x"}`, []fieldErr{{"/form/email", "blank"}, {"/form/email", "invalid"}}},
		{"email missing", `{"password":"x"}`, []fieldErr{{"/form/email", "blank"}, {"/form/email", "invalid"}}},
		{"email not an address", `{"email":"ada.example.com","password":"x"}`, []fieldErr{{"/form/email", "invalid"}}},
		{"email with a space", `{"email":"ada @example.com","password":"x"}`, []fieldErr{{"/form/email", "invalid"}}},
		{"email a number", `{"email":5,"password":"x"}`, []fieldErr{{"/form/email", "invalid"}}},
		{"password blank", `{"email":"` + email + `","password":""}`, []fieldErr{{"/form/password", "blank"}}},
		{"password missing", `{"email":"` + email + `"}`, []fieldErr{{"/form/password", "blank"}}},
		{"password null", `{"email":"` + email + `","password":null}`, []fieldErr{{"/form/password", "blank"}}},
		{"password a number", `{"email":"` + email + `","password":123}`, []fieldErr{{"/form/password", "invalid"}}},
		{"both", `{"email":null,"password":null}`, []fieldErr{{"/form/email", "blank"}, {"/form/email", "invalid"}, {"/form/password", "blank"}}},
		{"both bad", `{"email":"x","password":" "}`, []fieldErr{{"/form/email", "invalid"}, {"/form/password", "blank"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"form_name":"` + createForm + `","form":` + tt.form + `}`
			resp, data := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), body)
			errs := requireErrorDoc(t, resp, data, http.StatusUnprocessableEntity)
			var got []fieldErr
			for _, e := range errs {
				require.NotNil(t, e.Source)
				got = append(got, fieldErr{e.Source.Pointer, e.Code})
				assert.NotContains(t, e.Detail, "x", "details do not echo values")
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCreate_ChecksCredentials(t *testing.T) {
	srv := startServer(t)
	srv.AddUser("Grace@Example.com", "pw2")
	tests := []struct {
		name, email, password string
		status                int
	}{
		{"known", email, password, 201},
		{"e-mail in other case", "ADA@EXAMPLE.COM", password, 201},
		{"added user", "grace@example.com", "pw2", 201},
		{"wrong password", email, password + "x", 401},
		{"password in other case", email, strings.ToUpper(password), 401},
		{"unknown user", "bob@example.com", password, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"form_name":"` + createForm + `","form":{"email":"` + tt.email + `","password":"` + tt.password + `"}}`
			resp, data := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), body)
			if tt.status == 401 {
				errs := requireErrorDoc(t, resp, data, 401)
				assert.Equal(t, "invalid_credentials", errs[0].Code)
				assert.Empty(t, resp.Header.Values("Set-Cookie"))
				return
			}
			assert.Equal(t, 201, resp.StatusCode, "%s", data)
		})
	}
	assert.Equal(t, 3, srv.ActiveSessions())
}

func TestCreate_SucceedsWith201EmptyObjectAndSessionCookie(t *testing.T) {
	srv := startServer(t)
	resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)

	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, apiMediaType, resp.Header.Get("Content-Type"))
	assert.JSONEq(t, `{}`, string(body))
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	c := sessionCookie(t, resp)
	assert.Len(t, c.Value, 64, "256 random bits, hex")
	assert.True(t, c.HttpOnly)
	assert.Equal(t, "/", c.Path)
	assert.Equal(t, http.SameSiteLaxMode, c.SameSite)
	assert.Equal(t, 1, srv.ActiveSessions())

	second := login(t, srv)
	assert.NotEqual(t, c.Value, second.Value, "each login is a new session")
	assert.Equal(t, 2, srv.ActiveSessions())
}

func TestDelete_EndsTheSessionAndExpiresTheCookie(t *testing.T) {
	srv := startServer(t)
	mine := login(t, srv)
	other := login(t, srv)
	require.Equal(t, 2, srv.ActiveSessions())

	h := apiHeader(srv.Token)
	h.Set("Cookie", mine.Name+"="+mine.Value)
	resp, body := send(t, srv.Client(), http.MethodDelete, srv.URL+sessionsPath, h, logoutBody)

	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Empty(t, body)
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	expired := sessionCookie(t, resp)
	assert.Empty(t, expired.Value)
	assert.Equal(t, -1, expired.MaxAge, "Max-Age=0 on the wire")
	assert.Equal(t, "/", expired.Path)
	assert.Equal(t, 1, srv.ActiveSessions(), "only the named session ended")

	// The ended session's cookie names no live session any more: logging
	// it out again changes nothing, and the other session lives on.
	resp, _ = send(t, srv.Client(), http.MethodDelete, srv.URL+sessionsPath, h, logoutBody)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, 1, srv.ActiveSessions())

	h.Set("Cookie", other.Name+"="+other.Value)
	resp, _ = send(t, srv.Client(), http.MethodDelete, srv.URL+sessionsPath, h, logoutBody)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Zero(t, srv.ActiveSessions())
}

func TestDelete_IsIdempotentWithoutALiveSession(t *testing.T) {
	srv := startServer(t)
	live := login(t, srv)
	tests := []struct {
		name   string
		cookie string
	}{
		{"no cookie", ""},
		{"unknown session", loremuptest.SessionCookieName + "=deadbeef"},
		{"other cookie", "theme=dark"},
		{"empty session", loremuptest.SessionCookieName + "="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := apiHeader(srv.Token)
			if tt.cookie != "" {
				h.Set("Cookie", tt.cookie)
			}
			resp, _ := send(t, srv.Client(), http.MethodDelete, srv.URL+sessionsPath, h, logoutBody)
			assert.Equal(t, http.StatusNoContent, resp.StatusCode)
			assert.Equal(t, 1, srv.ActiveSessions(), "the live session %s is untouched", live.Name)
		})
	}
}

func TestRouting_UnknownPathsAndOtherMethodsAre404(t *testing.T) {
	srv := startServer(t)
	t.Run("paths", func(t *testing.T) {
		for _, path := range []string{"/", "/api", "/api/sessions/", "/api/sessions/1", "/api/session", "/API/SESSIONS", "/api/sessions.json"} {
			resp, body := send(t, srv.Client(), http.MethodPost, srv.URL+path, apiHeader(srv.Token), loginBody)
			errs := requireErrorDoc(t, resp, body, http.StatusNotFound)
			assert.Equal(t, "not_found", errs[0].Code, path)
		}
	})
	t.Run("methods", func(t *testing.T) {
		// A Rails router has no route for them: 404, not 405.
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodOptions, "BREW"} {
			resp, body := send(t, srv.Client(), method, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
			errs := requireErrorDoc(t, resp, body, http.StatusNotFound)
			assert.Equal(t, "not_found", errs[0].Code, method)
			assert.Empty(t, resp.Header.Get("Allow"), method)
		}
	})
	t.Run("HEAD is 404 without a body", func(t *testing.T) {
		resp, body := send(t, srv.Client(), http.MethodHead, srv.URL+sessionsPath, nil, "")
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		assert.Empty(t, body)
	})
	assert.Zero(t, srv.ActiveSessions())
}

func TestRequestID_IsOnEveryAnswerAndAdoptsTheClients(t *testing.T) {
	srv := startServer(t)
	seen := map[string]bool{}
	for _, method := range []string{http.MethodPost, http.MethodDelete, http.MethodGet} {
		resp, _ := send(t, srv.Client(), method, srv.URL+sessionsPath, apiHeader(srv.Token), "")
		id := resp.Header.Get("X-Request-Id")
		require.NotEmpty(t, id, method)
		assert.False(t, seen[id], "ids are unique")
		seen[id] = true
	}
	h := apiHeader(srv.Token)
	h.Set("X-Request-Id", "trace-42")
	resp, _ := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, h, loginBody)
	assert.Equal(t, "trace-42", resp.Header.Get("X-Request-Id"))
}

func TestWithFormNames_ReplacesTheAcceptedNames(t *testing.T) {
	srv := startServer(t, loremuptest.WithFormNames("my_login", "my_logout"))
	post := func(formName string) int {
		body := `{"form_name":"` + formName + `","form":{"email":"` + email + `","password":"` + password + `"}}`
		resp, _ := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), body)
		return resp.StatusCode
	}
	del := func(formName string) int {
		resp, _ := send(t, srv.Client(), http.MethodDelete, srv.URL+sessionsPath, apiHeader(srv.Token), `{"form_name":"`+formName+`"}`)
		return resp.StatusCode
	}
	assert.Equal(t, 201, post("my_login"))
	assert.Equal(t, 406, post(createForm))
	assert.Equal(t, 406, post("my_logout"))
	assert.Equal(t, 204, del("my_logout"))
	assert.Equal(t, 406, del(deleteForm))

	onlyCreate := startServer(t, loremuptest.WithFormNames("my_login", ""))
	resp, _ := send(t, onlyCreate.Client(), http.MethodDelete, onlyCreate.URL+sessionsPath, apiHeader(onlyCreate.Token), logoutBody)
	assert.Equal(t, 204, resp.StatusCode, "an empty name keeps the default")
}

func TestWithPathPrefix_ServesUnderThePrefix(t *testing.T) {
	srv := startServer(t, loremuptest.WithPathPrefix("/tenant/"))
	require.True(t, strings.HasSuffix(srv.URL, "/tenant"), srv.URL)

	resp, _ := send(t, srv.Client(), http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
	assert.Equal(t, 201, resp.StatusCode)
	root := strings.TrimSuffix(srv.URL, "/tenant")
	resp, body := send(t, srv.Client(), http.MethodPost, root+sessionsPath, apiHeader(srv.Token), loginBody)
	requireErrorDoc(t, resp, body, 404)
}

func TestWithToken_AndRandomTokens(t *testing.T) {
	a, b := startServer(t), startServer(t)
	assert.NotEqual(t, a.Token, b.Token)
	assert.Len(t, a.Token, 32)
	assert.Equal(t, "chosen", startServer(t, loremuptest.WithToken("chosen")).Token)
}

func TestNewServer_PanicsOnOptionsThatCanNeverWork(t *testing.T) {
	tests := map[string]loremuptest.Option{
		"token with a space":  loremuptest.WithToken("a b"),
		"token with a quote":  loremuptest.WithToken(`a"b`),
		"zero body cap":       loremuptest.WithMaxBodyBytes(0),
		"negative body cap":   loremuptest.WithMaxBodyBytes(-5),
		"prefix with a query": loremuptest.WithPathPrefix("/a?b=c"),
		"prefix with ..":      loremuptest.WithPathPrefix("/a/../b"),
	}
	for name, opt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Panics(t, func() { loremuptest.NewServer(opt).Close() })
		})
	}
}

func TestRequests_RecordsWhatWasSent(t *testing.T) {
	srv := startServer(t)
	login(t, srv)
	send(t, srv.Client(), http.MethodGet, srv.URL+"/elsewhere", nil, "")

	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, sessionsPath, reqs[0].Path)
	assert.Equal(t, "Token token="+srv.Token, reqs[0].Header.Get("Authorization"))
	assert.JSONEq(t, loginBody, string(reqs[0].Body))
	assert.Equal(t, "/elsewhere", reqs[1].Path)
	assert.Equal(t, 2, srv.RequestCount())

	reqs[0].Header.Set("Authorization", "changed")
	assert.Equal(t, "Token token="+srv.Token, srv.Requests()[0].Header.Get("Authorization"), "Requests returns copies")
}

func TestConnectionCount_CountsAcceptedConnections(t *testing.T) {
	srv := startServer(t)
	for range 5 {
		login(t, srv)
	}
	assert.Equal(t, 1, srv.ConnectionCount(), "keep-alive reuses one connection")

	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	for range 3 {
		resp, _ := send(t, &http.Client{Transport: tr, Timeout: 10 * time.Second}, http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
		require.Equal(t, 201, resp.StatusCode)
	}
	assert.Equal(t, 4, srv.ConnectionCount())
	assert.Equal(t, 8, srv.RequestCount())
}

func TestWithLogger_LogsOneLinePerRequestWithoutSecrets(t *testing.T) {
	rec := newLogRecorder()
	srv := startServer(t, loremuptest.WithLogger(slog.New(rec)))
	c := login(t, srv)
	line := <-rec.lines
	assert.Equal(t, "POST", line["method"])
	assert.Equal(t, sessionsPath, line["path"])
	assert.Equal(t, "201", line["status"])
	assert.NotEmpty(t, line["duration"])
	assert.NotEmpty(t, line["request_id"])
	for _, v := range line {
		assert.NotContains(t, v, password)
		assert.NotContains(t, v, srv.Token)
		assert.NotContains(t, v, c.Value)
	}
	assert.Empty(t, rec.lines, "one line per request")
}

func TestConstants_MatchTheFake(t *testing.T) {
	assert.Equal(t, fake.CookieName, loremuptest.SessionCookieName)
	assert.Equal(t, fake.DefaultMaxBodyBytes, loremuptest.DefaultMaxBodyBytes)
}
