package controlspec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loremup/loremup-go/conformance/internal/controlspec"
	"github.com/loremup/loremup-go/internal/control"
	"github.com/loremup/loremup-go/internal/fake"
	"github.com/loremup/loremup-go/internal/secrettest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	apiToken     = "tok_api_5e1f0a"
	controlToken = "tok_control_9b2c4d"
	email        = "ada@example.com"
	password     = "s3cret-Pa55word"
)

// env is a fake with its control API, as loremup-fake --control serves
// them: two listeners over one *fake.Handler.
type env struct {
	t      *testing.T
	h      *fake.Handler
	api    *httptest.Server
	ctl    *httptest.Server
	client *http.Client // validates every control answer
	guard  *secrettest.Guard

	mu      sync.Mutex
	secrets []string // session cookie values seen: never in a control answer
	answers []string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	v, err := controlspec.New(context.Background())
	require.NoError(t, err)
	guard := secrettest.New(t, apiToken, password)
	h, err := fake.New(fake.Config{
		Token: apiToken, Users: []fake.User{{Email: email, Password: password}},
		RecordRequests: true, Logger: guard.Logger(),
	})
	require.NoError(t, err)
	ch, err := control.New(h, control.Config{Token: controlToken, Logger: guard.Logger()})
	require.NoError(t, err)

	e := &env{t: t, h: h, guard: guard}
	e.api = httptest.NewUnstartedServer(h)
	e.api.Config.ConnState = h.ConnState
	e.api.Start()
	e.ctl = httptest.NewServer(ch)
	vt := v.Transport(e.ctl.Client().Transport)
	e.client = &http.Client{Transport: vt}
	t.Cleanup(func() {
		h.Close()
		e.api.Close()
		e.ctl.Close()
		assert.Positive(t, vt.Exchanges())
		e.mu.Lock()
		for _, a := range e.answers {
			for _, s := range append([]string{apiToken, password}, e.secrets...) {
				assert.NotContains(t, a, s, "a control answer holds a secret")
			}
		}
		e.mu.Unlock()
		require.NoError(t, vt.Err(), "every control answer matches api/control.yaml")
	})
	return e
}

// answer is a control or API answer, body read.
type answer struct {
	status int
	header http.Header
	body   string
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(a.body), &m), a.body)
	return m
}

// errorField is the field an error answer names.
func (a answer) errorField(t *testing.T) string {
	t.Helper()
	errObj, ok := a.json(t)["error"].(map[string]any)
	require.True(t, ok, a.body)
	field, _ := errObj["field"].(string)
	return field
}

// control sends one control request with the control token and a JSON
// body (none when body is "").
func (e *env) control(method, path, body string) answer {
	e.t.Helper()
	return e.controlWith(method, path, body, "Bearer "+controlToken, "application/json")
}

func (e *env) controlWith(method, path, body, auth, contentType string) answer {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.ctl.URL+path, rd)
	require.NoError(e.t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" && contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := e.client.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	e.mu.Lock()
	e.answers = append(e.answers, string(data), headerText(resp.Header))
	e.mu.Unlock()
	return answer{status: resp.StatusCode, header: resp.Header, body: string(data)}
}

func headerText(h http.Header) string {
	var b bytes.Buffer
	_ = h.Write(&b)
	return b.String()
}

// call sends one Sessions API request; err is the transport's error (a
// dropped connection).
func (e *env) call(method, body string, cookies ...*http.Cookie) (answer, []*http.Cookie, error) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.api.URL+"/api/sessions", strings.NewReader(body))
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "Token token="+apiToken)
	req.Header.Set("Accept", "application/vnd.api+json, application/json")
	req.Header.Set("Content-Type", "application/json")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := e.api.Client().Do(req)
	if err != nil {
		return answer{}, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{status: resp.StatusCode}, nil, err
	}
	for _, c := range resp.Cookies() {
		if c.Value != "" {
			e.mu.Lock()
			e.secrets = append(e.secrets, c.Value)
			e.mu.Unlock()
		}
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(data)}, resp.Cookies(), nil
}

func loginBody(email, password string) string {
	return `{"form_name":"reference_rest_api_create_sessions","form":{"email":"` + email + `","password":"` + password + `"}}`
}

const logoutBody = `{"form_name":"reference_rest_api_delete_sessions"}`

// login logs email in and returns its session cookie.
func (e *env) login(email, password string) *http.Cookie {
	e.t.Helper()
	a, cookies, err := e.call(http.MethodPost, loginBody(email, password))
	require.NoError(e.t, err)
	require.Equal(e.t, http.StatusCreated, a.status, a.body)
	require.Len(e.t, cookies, 1)
	return cookies[0]
}

func jsonDecode(s string, v any) error { return json.Unmarshal([]byte(s), v) }
