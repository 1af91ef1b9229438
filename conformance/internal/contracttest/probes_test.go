package contracttest_test

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A probe is one raw HTTP request, sent the same to a real app and to
// cmd/loremup-fake. Raw, not through the SDK: the point is what the
// servers answer to requests the SDK never sends.
type probe struct {
	name   string
	method string            // default POST
	path   string            // default /api/sessions
	header map[string]string // over probeDefaults; "" removes a header
	body   string            // default a valid login; "-" for none
	// session logs in first and sends the session cookie; sessionEnded
	// also logs that session out before the probe.
	session, sessionEnded bool
	// rails is the status a stock Rails app answers (the app under
	// testdata/railsapp): the status both servers must give, unless
	// strictSide says otherwise for the fake.
	rails int
}

// probeDefaults are the headers of a well-formed request. {token} is the
// API token.
var probeDefaults = map[string]string{
	"Authorization": "Token token={token}",
	"Accept":        "application/vnd.api+json, application/json",
	"Content-Type":  "application/json",
}

const (
	loginBody  = `{"form_name":"{create}","form":{"email":"{email}","password":"{password}"}}`
	logoutBody = `{"form_name":"{delete}"}`
)

// strictSide is every probe where the fake answers differently from stock
// Rails on purpose, and why. Where the vendor's app may be written either
// way, the fake takes the stricter plausible answer, so that code that
// passes against the fake passes against the real server.
var strictSide = map[string]struct {
	fake int
	why  string
}{
	"form missing": {http.StatusNotAcceptable,
		"Rails' params.require answers 400 unless the app rescues it; the vendor's page says 406 for wrong parameters"},
	"form null": {http.StatusNotAcceptable,
		"as for a missing form: params.require's 400, or the page's 406"},
	"form empty object": {http.StatusNotAcceptable,
		"params.require treats an empty object as missing: its 400, or the page's 406, as for a missing form"},
	"form a string": {http.StatusNotAcceptable,
		"stock Rails calls permit on a String and answers 500; the page says 406 for wrong parameters"},
	"form-encoded body": {http.StatusNotAcceptable,
		"Rails also parses application/x-www-form-urlencoded; the page documents JSON only, and the fake refuses what the vendor's app may not parse"},
	"format from the path (.json)": {http.StatusNotFound,
		"Rails routes add an optional .format; the page documents /api/sessions only"},
}

func probes() []probe {
	noAccept := map[string]string{"Accept": ""}
	return []probe{
		{name: "valid login", rails: 201},
		{name: "extra fields", body: `{"form_name":"{create}","utf8":"✓","form":{"email":"{email}","password":"{password}","remember_me":"1"}}`, rails: 201},
		{name: "query string", path: "/api/sessions?locale=en", rails: 201},

		// Authorization, parsed as ActionController::HttpAuthentication::Token does.
		{name: "no Authorization", header: map[string]string{"Authorization": ""}, rails: 401},
		{name: "unknown token", header: map[string]string{"Authorization": "Token token=not-the-token"}, rails: 401},
		{name: "quoted token", header: map[string]string{"Authorization": `Token token="{token}"`}, rails: 201},
		{name: "bare token", header: map[string]string{"Authorization": "Token {token}"}, rails: 201},
		{name: "Bearer scheme", header: map[string]string{"Authorization": "Bearer {token}"}, rails: 201},
		{name: "lower-case scheme", header: map[string]string{"Authorization": "token token={token}"}, rails: 401},
		{name: "token not the first parameter", header: map[string]string{"Authorization": "Token realm=x, token={token}"}, rails: 401},
		{name: "token then other parameters", header: map[string]string{"Authorization": "Token token={token}, realm=x"}, rails: 201},
		{name: "parameters split at ;", header: map[string]string{"Authorization": "Token token={token};realm=x"}, rails: 201},
		{name: "parameters split at tab", header: map[string]string{"Authorization": "Token token={token}\trealm=x"}, rails: 201},
		{name: "Basic scheme", header: map[string]string{"Authorization": "Basic dXNlcjpwYXNz"}, rails: 401},

		// Accept, negotiated by respond_to.
		{name: "no Accept", header: noAccept, rails: 406},
		{name: "Accept */* alone", header: map[string]string{"Accept": "*/*"}, rails: 201},
		{name: "Accept */* beside other types", header: map[string]string{"Accept": "application/json, text/plain, */*"}, rails: 406},
		{name: "browser Accept", header: map[string]string{"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, rails: 406},
		{name: "Accept text/html", header: map[string]string{"Accept": "text/html"}, rails: 406},
		{name: "Accept application/xml", header: map[string]string{"Accept": "application/xml"}, rails: 406},
		{name: "Accept application/json", header: map[string]string{"Accept": "application/json"}, rails: 201},
		{name: "Accept JSON:API", header: map[string]string{"Accept": "application/vnd.api+json"}, rails: 201},
		{name: "Accept HTML then JSON", header: map[string]string{"Accept": "text/html, application/json"}, rails: 201},
		{name: "Accept JSON with a parameter", header: map[string]string{"Accept": "application/json; charset=utf-8"}, rails: 201},

		// Content-Type: only application/json bodies are read as JSON.
		{name: "JSON with charset", header: map[string]string{"Content-Type": "application/json; charset=utf-8"}, rails: 201},
		{name: "JSON:API body type", header: map[string]string{"Content-Type": "application/vnd.api+json"}, rails: 406},
		{name: "text/plain body", header: map[string]string{"Content-Type": "text/plain"}, rails: 406},
		{name: "no Content-Type", header: map[string]string{"Content-Type": ""}, rails: 406},
		{name: "form-encoded body", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			body: "form_name={create}&form[email]={email}&form[password]={password}", rails: 201},
		{name: "not JSON", body: `{"form_name":`, rails: 400},
		{name: "JSON array", body: `[{"form_name":"{create}"}]`, rails: 406},
		{name: "JSON string", body: `"{create}"`, rails: 406},
		{name: "JSON null", body: `null`, rails: 406},
		{name: "empty body", body: "-", rails: 406},

		// form_name and form.
		{name: "form_name missing", body: `{"form":{"email":"{email}","password":"{password}"}}`, rails: 406},
		{name: "form_name unknown", body: `{"form_name":"no_such_form","form":{"email":"{email}","password":"{password}"}}`, rails: 406},
		{name: "form_name of logout", body: `{"form_name":"{delete}","form":{"email":"{email}","password":"{password}"}}`, rails: 406},
		{name: "form_name an array", body: `{"form_name":["{create}"],"form":{"email":"{email}","password":"{password}"}}`, rails: 406},
		{name: "form missing", body: `{"form_name":"{create}"}`, rails: 400},
		{name: "form null", body: `{"form_name":"{create}","form":null}`, rails: 400},
		{name: "form empty object", body: `{"form_name":"{create}","form":{}}`, rails: 400},
		{name: "form a string", body: `{"form_name":"{create}","form":"x"}`, rails: 500},

		// Validations, then credentials.
		{name: "e-mail blank", body: `{"form_name":"{create}","form":{"email":"","password":"{password}"}}`, rails: 422},
		{name: "e-mail missing", body: `{"form_name":"{create}","form":{"password":"{password}"}}`, rails: 422},
		{name: "e-mail not an address", body: `{"form_name":"{create}","form":{"email":"not-an-address","password":"{password}"}}`, rails: 422},
		{name: "e-mail a number", body: `{"form_name":"{create}","form":{"email":5,"password":"{password}"}}`, rails: 422},
		{name: "password blank", body: `{"form_name":"{create}","form":{"email":"{email}","password":""}}`, rails: 422},
		{name: "password missing", body: `{"form_name":"{create}","form":{"email":"{email}"}}`, rails: 422},
		{name: "wrong password", body: `{"form_name":"{create}","form":{"email":"{email}","password":"{password}-wrong"}}`, rails: 401},
		{name: "unknown user", body: `{"form_name":"{create}","form":{"email":"nobody@example.com","password":"{password}"}}`, rails: 401},

		// Which check wins.
		{name: "unknown token and no Accept", header: map[string]string{"Authorization": "Token token=not-the-token", "Accept": ""}, rails: 401},
		{name: "unknown token and not JSON", header: map[string]string{"Authorization": "Token token=not-the-token"}, body: `{"form_name":`, rails: 401},
		{name: "no Accept and not JSON", header: noAccept, body: `{"form_name":`, rails: 406},
		{name: "form_name unknown and e-mail invalid", body: `{"form_name":"no_such_form","form":{"email":"nope","password":""}}`, rails: 406},
		{name: "e-mail invalid and password wrong", body: `{"form_name":"{create}","form":{"email":"nope","password":"{password}-wrong"}}`, rails: 422},

		// Logout.
		{name: "logout without a session", method: http.MethodDelete, body: logoutBody, rails: 204},
		{name: "logout with a live session", method: http.MethodDelete, body: logoutBody, session: true, rails: 204},
		{name: "logout with an ended session", method: http.MethodDelete, body: logoutBody, session: true, sessionEnded: true, rails: 204},
		{name: "logout, form_name unknown", method: http.MethodDelete, body: `{"form_name":"no_such_form"}`, rails: 406},
		{name: "logout, form_name of login", method: http.MethodDelete, body: `{"form_name":"{create}"}`, rails: 406},
		{name: "logout, form_name missing", method: http.MethodDelete, body: `{}`, rails: 406},
		{name: "logout, no body", method: http.MethodDelete, body: "-", rails: 406},
		{name: "logout, unknown token", method: http.MethodDelete, body: logoutBody, header: map[string]string{"Authorization": "Token token=not-the-token"}, rails: 401},
		{name: "logout, no Accept", method: http.MethodDelete, body: logoutBody, header: noAccept, rails: 406},
		{name: "logout, Accept */* beside other types", method: http.MethodDelete, body: logoutBody, header: map[string]string{"Accept": "application/json, */*"}, rails: 406},
		{name: "logout, not JSON", method: http.MethodDelete, body: `{"form_name"`, rails: 400},
		{name: "logout, JSON:API body type", method: http.MethodDelete, body: logoutBody, header: map[string]string{"Content-Type": "application/vnd.api+json"}, rails: 406},

		// Routing: only POST and DELETE on the one path.
		{name: "GET", method: http.MethodGet, body: "-", rails: 404},
		{name: "GET without a token", method: http.MethodGet, body: "-", header: map[string]string{"Authorization": ""}, rails: 404},
		{name: "PUT", method: http.MethodPut, rails: 404},
		{name: "PATCH", method: http.MethodPatch, rails: 404},
		{name: "HEAD", method: http.MethodHead, body: "-", rails: 404},
		{name: "OPTIONS", method: http.MethodOptions, body: "-", rails: 404},
		{name: "another path", path: "/api/session", rails: 404},
		{name: "format from the path (.json)", path: "/api/sessions.json", rails: 201},
	}
}

// probeServer is one side of the comparison.
type probeServer struct {
	name, baseURL string
	expand        *strings.Replacer
	hc            *http.Client
}

type probeAnswer struct {
	status                            int
	contentType, wwwAuthenticate, err string
}

func (s probeServer) do(ctx context.Context, p probe) probeAnswer {
	var cookies []*http.Cookie
	if p.session {
		login, err := s.send(ctx, http.MethodPost, "/api/sessions", probeDefaults, loginBody, nil)
		if err != nil || login.StatusCode != http.StatusCreated {
			return probeAnswer{err: fmt.Sprintf("login before the probe: %v", statusOr(login, err))}
		}
		cookies = login.Cookies()
		if p.sessionEnded {
			logout, err := s.send(ctx, http.MethodDelete, "/api/sessions", probeDefaults, logoutBody, cookies)
			if err != nil || logout.StatusCode != http.StatusNoContent {
				return probeAnswer{err: fmt.Sprintf("logout before the probe: %v", statusOr(logout, err))}
			}
		}
	}
	header := make(map[string]string, len(probeDefaults))
	for k, v := range probeDefaults {
		header[k] = v
	}
	for k, v := range p.header {
		header[k] = v
	}
	method, path, body := cmp.Or(p.method, http.MethodPost), cmp.Or(p.path, "/api/sessions"), cmp.Or(p.body, loginBody)
	resp, err := s.send(ctx, method, path, header, body, cookies)
	if err != nil {
		return probeAnswer{err: err.Error()}
	}
	return probeAnswer{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"),
		wwwAuthenticate: resp.Header.Get("WWW-Authenticate")}
}

// send makes one request; the body is read and closed before it returns.
func (s probeServer) send(ctx context.Context, method, path string, header map[string]string, body string, cookies []*http.Cookie) (*http.Response, error) {
	var rd io.Reader
	if body != "-" {
		rd = strings.NewReader(s.expand.Replace(body))
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(s.baseURL, "/")+path, rd)
	if err != nil {
		return nil, fmt.Errorf("new request: %w", err)
	}
	for k, v := range header {
		if v != "" {
			req.Header.Set(k, s.expand.Replace(v))
		}
	}
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	return resp, nil
}

// TestProbes_RealAppVsFake sends every probe to the real app named by the
// LOREMUP_* variables (as the suite's real mode reads them) and to
// cmd/loremup-fake started with the same token and account, and fails
// where the statuses differ, beyond the choices listed in strictSide. It
// also fails where the real app does not answer as stock Rails does
// (probe.rails), so a drift in either server shows.
func TestProbes_RealAppVsFake(t *testing.T) {
	tg := realTarget(t)
	fakeURL := startStandaloneFake(t, tg.token, tg.email, tg.password)
	expand := strings.NewReplacer("{token}", tg.token, "{email}", tg.email, "{password}", tg.password,
		"{create}", tg.createForm, "{delete}", tg.deleteForm)
	hc := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	t.Cleanup(hc.CloseIdleConnections)
	app := probeServer{name: "app", baseURL: tg.baseURL, expand: expand, hc: hc}
	fk := probeServer{name: "fake", baseURL: fakeURL, expand: expand, hc: hc}
	ctx := context.Background()

	ps := probes()
	for _, p := range ps {
		require.NotZero(t, p.rails, "probe %q lacks a Rails status", p.name)
	}
	for name := range strictSide {
		found := false
		for _, p := range ps {
			found = found || p.name == name
		}
		assert.True(t, found, "strictSide lists %q, which is no probe", name)
	}

	var diffs, notes int
	for _, p := range ps {
		a, f := app.do(ctx, p), fk.do(ctx, p)
		if !assert.Empty(t, a.err, "%s: app", p.name) || !assert.Empty(t, f.err, "%s: fake", p.name) {
			continue
		}
		wantFake, why := p.rails, ""
		if s, ok := strictSide[p.name]; ok {
			wantFake, why = s.fake, " (strict side: "+s.why+")"
		}
		t.Logf("%-40s app %d %-38s fake %d %s%s", p.name, a.status, mediaType(a.contentType), f.status, mediaType(f.contentType), why)
		assert.Equal(t, p.rails, a.status, "%s: the app does not answer as stock Rails does", p.name)
		if !assert.Equal(t, wantFake, f.status, "%s: the fake differs from the app (app %d)", p.name, a.status) {
			diffs++
		}
		if a.status == f.status && mediaType(a.contentType) != mediaType(f.contentType) {
			notes++
			t.Logf("  note: %s: Content-Type app %q, fake %q", p.name, a.contentType, f.contentType)
		}
		if a.wwwAuthenticate != f.wwwAuthenticate {
			notes++
			t.Logf("  note: %s: WWW-Authenticate app %q, fake %q", p.name, a.wwwAuthenticate, f.wwwAuthenticate)
		}
	}
	t.Logf("%d probes, %d status differences beyond the %d strict-side choices, %d header notes", len(ps), diffs, len(strictSide), notes)
}
