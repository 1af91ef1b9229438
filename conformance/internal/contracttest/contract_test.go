package contracttest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/conformance/internal/apispec"
	"github.com/loremup/loremup-go/internal/secrettest"
	"github.com/loremup/loremup-go/loremuptest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// target is a server the suite runs against, and a user it can log in.
type target struct {
	baseURL, token, email, password string
	createForm, deleteForm          string
	fake                            *loremuptest.Server // nil for a real app
}

// fakeTarget starts a fresh loremuptest server for one scenario.
func fakeTarget(opts ...loremuptest.Option) func(t *testing.T) target {
	return func(t *testing.T) target {
		t.Helper()
		const email, password = "contract@example.com", "contract-pass-1"
		srv := loremuptest.NewServer(append([]loremuptest.Option{loremuptest.WithUser(email, password)}, opts...)...)
		t.Cleanup(srv.Close)
		return target{baseURL: srv.URL, token: srv.Token, email: email, password: password,
			createForm: loremup.ReferenceCreateFormName, deleteForm: loremup.ReferenceDeleteFormName, fake: srv}
	}
}

func realTarget(t *testing.T) target {
	t.Helper()
	tg := target{
		baseURL: os.Getenv("LOREMUP_BASE_URL"), token: os.Getenv("LOREMUP_API_TOKEN"),
		email: os.Getenv("LOREMUP_EMAIL"), password: os.Getenv("LOREMUP_PASSWORD"),
		createForm: or(os.Getenv("LOREMUP_CREATE_FORM"), loremup.ReferenceCreateFormName),
		deleteForm: or(os.Getenv("LOREMUP_DELETE_FORM"), loremup.ReferenceDeleteFormName),
	}
	if tg.baseURL == "" || tg.token == "" || tg.email == "" || tg.password == "" {
		t.Skip("set LOREMUP_BASE_URL, LOREMUP_API_TOKEN, LOREMUP_EMAIL and LOREMUP_PASSWORD to run the suite against a real app")
	}
	return tg
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// env is one scenario's view of a target: a client whose every exchange
// is checked against api/openapi.yaml, and a guard against leaked secrets.
type env struct {
	target
	client *loremup.Client
	vt     *apispec.ValidatingTransport
	guard  *secrettest.Guard
}

func newEnv(t *testing.T, tg target, token string) *env {
	t.Helper()
	v, err := apispec.New()
	require.NoError(t, err)
	vt := v.Transport(nil)
	guard := secrettest.New(t, tg.token, tg.password)
	c, err := loremup.NewClient(tg.baseURL, token,
		loremup.WithHTTPClient(&http.Client{Transport: vt, Timeout: 30 * time.Second}),
		loremup.WithLogger(guard.Logger()),
		loremup.WithRetryWait(10*time.Millisecond, time.Second))
	require.NoError(t, err)
	e := &env{target: tg, client: c, vt: vt, guard: guard}
	t.Cleanup(func() {
		vt.CloseIdleConnections()
		if tg.fake != nil {
			// The fake must answer exactly as the description says. A real
			// app's undocumented error bodies may differ: report, don't fail.
			assert.Empty(t, vt.Errors(), "exchanges that break api/openapi.yaml")
		} else {
			for _, err := range vt.Errors() {
				t.Log("differs from api/openapi.yaml:", err)
			}
		}
		assert.Positive(t, vt.Exchanges(), "the scenario talked to the server")
	})
	return e
}

func (e *env) login(ctx context.Context, email, password string) (*loremup.Session, error) {
	sess, err := e.client.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: e.createForm, Form: loremup.SessionForm{Email: email, Password: password}})
	e.guard.Check(sess, err)
	return sess, err
}

func (e *env) logout(ctx context.Context, sess *loremup.Session) error {
	err := e.client.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: e.deleteForm, Session: sess})
	e.guard.Check(err)
	return err
}

// activeSessions reports the fake's live sessions; -1 on a real app.
func (e *env) activeSessions() int {
	if e.fake == nil {
		return -1
	}
	return e.fake.ActiveSessions()
}

type scenario struct {
	name string
	run  func(t *testing.T, tg target)
}

var scenarios = []scenario{
	{"login then logout", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		ctx := context.Background()
		before := e.activeSessions()
		sess, err := e.login(ctx, tg.email, tg.password)
		require.NoError(t, err)
		assert.NotEmpty(t, sess.Cookies(), "a session is carried by cookies")
		if before >= 0 {
			assert.Equal(t, before+1, e.activeSessions())
		}
		cookies := sess.Cookies() // a logout ends the Session and drops them
		require.NoError(t, e.logout(ctx, sess))
		if before >= 0 {
			assert.Equal(t, before, e.activeSessions())
		}
		if tg.fake == nil {
			return
		}
		// What went over the wire, as the fake recorded it.
		assert.True(t, sess.Ended())
		require.Len(t, cookies, 1)
		assert.Equal(t, loremuptest.SessionCookieName, cookies[0].Name)
		assert.JSONEq(t, `{}`, string(sess.Body()))
		reqs := tg.fake.Requests()
		require.Len(t, reqs, 2)
		for _, r := range reqs {
			assert.Equal(t, "Token token="+tg.token, r.Header.Get("Authorization"))
			assert.Equal(t, "application/vnd.api+json, application/json", r.Header.Get("Accept"))
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		}
		assert.Equal(t, http.MethodPost, reqs[0].Method)
		assert.Equal(t, http.MethodDelete, reqs[1].Method)
		assert.Equal(t, cookies[0].Name+"="+cookies[0].Value, reqs[1].Header.Get("Cookie"), "logout sends the session's cookie")
	}},
	{"logout is idempotent", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		ctx := context.Background()
		sess, err := e.login(ctx, tg.email, tg.password)
		require.NoError(t, err)
		require.NoError(t, e.logout(ctx, sess))
		assert.NoError(t, e.logout(ctx, sess), "logging out an ended session is still 2xx")
	}},
	{"logout without a session", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		assert.NoError(t, e.logout(context.Background(), nil))
	}},
	{"the client's latest login is logged out by a nil session", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		ctx := context.Background()
		_, err := e.login(ctx, tg.email, tg.password)
		require.NoError(t, err)
		before := e.activeSessions()
		require.NoError(t, e.logout(ctx, nil))
		if before >= 0 {
			assert.Equal(t, before-1, e.activeSessions())
		}
	}},
	{"401 for an unknown API token", func(t *testing.T, tg target) {
		e := newEnv(t, tg, "not-the-token-"+strings.Repeat("x", 8))
		_, err := e.login(context.Background(), tg.email, tg.password)
		require.ErrorIs(t, err, loremup.ErrUnauthorized)
		assert.ErrorIs(t, e.logout(context.Background(), nil), loremup.ErrUnauthorized)
	}},
	{"401 for a wrong password", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		_, err := e.login(context.Background(), tg.email, tg.password+"-wrong")
		_ = requireAPIError(t, tg, err, http.StatusUnauthorized, loremup.ErrUnauthorized)
	}},
	{"401 for an unknown user", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		_, err := e.login(context.Background(), "nobody-"+time.Now().Format("150405")+"@example.com", tg.password)
		_ = requireAPIError(t, tg, err, http.StatusUnauthorized, loremup.ErrUnauthorized)
	}},
	{"406 for an unknown form name", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		_, err := e.client.Sessions.Create(context.Background(), loremup.CreateSessionParams{
			FormName: "no_such_form_configuration", Form: loremup.SessionForm{Email: tg.email, Password: tg.password}})
		apiErr := requireAPIError(t, tg, err, http.StatusNotAcceptable, loremup.ErrNotAcceptable)
		if tg.fake != nil {
			require.NotEmpty(t, apiErr.Errors)
			require.NotNil(t, apiErr.Errors[0].Source)
			assert.Equal(t, "/form_name", apiErr.Errors[0].Source.Pointer)
		}
		err = e.client.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: "no_such_form_configuration"})
		_ = requireAPIError(t, tg, err, http.StatusNotAcceptable, loremup.ErrNotAcceptable)
	}},
	{"422 for an e-mail that is not an address", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		_, err := e.login(context.Background(), "not-an-address", tg.password)
		apiErr := requireAPIError(t, tg, err, http.StatusUnprocessableEntity, loremup.ErrUnprocessableEntity)
		assertNamesField(t, tg, apiErr, "email")
	}},
	{"422 for a blank password", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		_, err := e.login(context.Background(), tg.email, "   ")
		apiErr := requireAPIError(t, tg, err, http.StatusUnprocessableEntity, loremup.ErrUnprocessableEntity)
		if tg.fake != nil {
			assertNamesField(t, tg, apiErr, "password")
		}
	}},
	{"checks come in the documented order", func(t *testing.T, tg target) {
		// An unknown token wins over a bad form name and a bad e-mail;
		// a bad form name wins over a bad e-mail; a bad e-mail wins over
		// unknown credentials.
		ctx := context.Background()
		bad := newEnv(t, tg, "not-the-token-yyyyyyyy")
		_, err := bad.client.Sessions.Create(ctx, loremup.CreateSessionParams{
			FormName: "no_such_form_configuration", Form: loremup.SessionForm{Email: "nope", Password: "x"}})
		_ = requireAPIError(t, tg, err, http.StatusUnauthorized, loremup.ErrUnauthorized)
		e := newEnv(t, tg, tg.token)
		_, err = e.client.Sessions.Create(ctx, loremup.CreateSessionParams{
			FormName: "no_such_form_configuration", Form: loremup.SessionForm{Email: "nope", Password: "x"}})
		_ = requireAPIError(t, tg, err, http.StatusNotAcceptable, loremup.ErrNotAcceptable)
		_, err = e.login(ctx, "nope", "x")
		_ = requireAPIError(t, tg, err, http.StatusUnprocessableEntity, loremup.ErrUnprocessableEntity)
	}},
	{"the quoted token form is accepted", func(t *testing.T, tg target) {
		status := rawLogin(t, tg, `Token token="`+tg.token+`"`, "application/json")
		assert.Equal(t, http.StatusCreated, status)
	}},
	{"406 when Accept admits neither JSON nor JSON:API", func(t *testing.T, tg target) {
		status := rawLogin(t, tg, "Token token="+tg.token, "text/html")
		assert.Equal(t, http.StatusNotAcceptable, status)
	}},
}

// rawLogin sends a login by hand (not through the SDK), so that a bug the
// SDK and the fake share cannot hide, and logs out what it logged in.
func rawLogin(t *testing.T, tg target, authorization, accept string) int {
	t.Helper()
	body := `{"form_name":"` + tg.createForm + `","form":{"email":"` + tg.email + `","password":"` + tg.password + `"}}`
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost,
		strings.TrimRight(tg.baseURL, "/")+"/api/sessions", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", authorization)
	req.Header.Set("Accept", accept)
	req.Header.Set("Content-Type", "application/json")
	hc := &http.Client{Timeout: 30 * time.Second}
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	require.NoError(t, err)
	// Drained, so the connection goes back to the pool and is closed with it.
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode == http.StatusCreated {
		c, err := loremup.NewClient(tg.baseURL, tg.token, loremup.WithHTTPClient(hc))
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		var sess loremup.Session
		require.NoError(t, sess.UnmarshalJSON(cookiesJSON(resp.Cookies())))
		assert.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: tg.deleteForm, Session: &sess}))
	}
	return resp.StatusCode
}

// cookiesJSON is a Session's JSON form holding these cookies, so that a
// raw login can be logged out through the SDK.
func cookiesJSON(cookies []*http.Cookie) []byte {
	type cookie struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	var doc struct {
		Cookies []cookie `json:"cookies"`
	}
	for _, c := range cookies {
		doc.Cookies = append(doc.Cookies, cookie{c.Name, c.Value})
	}
	b, _ := json.Marshal(doc)
	return b
}

// assertNamesField checks that a 422 names the field: some error object
// points at it. A real app's pointer may have any prefix (/form/email,
// /data/attributes/email, /email); the fake's is exactly /form/<field>.
func assertNamesField(t *testing.T, tg target, apiErr *loremup.APIError, field string) {
	t.Helper()
	var pointers []string
	for _, o := range apiErr.Errors {
		if o.Source != nil && o.Source.Pointer != "" {
			pointers = append(pointers, o.Source.Pointer)
		}
	}
	named := false
	for _, p := range pointers {
		named = named || p == field || strings.HasSuffix(p, "/"+field)
	}
	assert.True(t, named, "no error object points at %q; pointers: %q", field, pointers)
	if tg.fake != nil {
		for _, p := range pointers {
			assert.Equal(t, "/form/"+field, p, "the fake's pointers")
		}
	}
}

// requireAPIError checks what every server promises for a documented
// error: its status, its sentinel, no retry. Against the fake it also
// checks the fake's own choices: a request id and a JSON:API error object
// titled with the status text.
func requireAPIError(t *testing.T, tg target, err error, status int, sentinel error) *loremup.APIError {
	t.Helper()
	require.ErrorIs(t, err, sentinel)
	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, status, apiErr.StatusCode)
	assert.Equal(t, 1, apiErr.Attempts, "documented errors are not retried")
	if tg.fake != nil {
		assert.NotEmpty(t, apiErr.RequestID)
		if assert.NotEmpty(t, apiErr.Errors) && status != http.StatusUnauthorized {
			assert.Equal(t, http.StatusText(status), apiErr.Errors[0].Title)
		}
	}
	return apiErr
}

func TestContract(t *testing.T) {
	for _, kind := range []struct {
		name string
		get  func(*testing.T) target
	}{
		{"fake", fakeTarget()},
		{"fake under a path prefix", fakeTarget(loremuptest.WithPathPrefix("/tenant"))},
		{"real", realTarget},
	} {
		t.Run(kind.name, func(t *testing.T) {
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) { sc.run(t, kind.get(t)) })
			}
		})
	}
}
