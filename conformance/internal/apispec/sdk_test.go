package apispec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/conformance/internal/apispec"
	"github.com/loremup/loremup-go/internal/wire"
)

const sessionCookie = "_app_session"

// contractServer answers like section 1 of the contract: the same checks
// in the same order, JSON:API error documents, 201 {} with a cookie, 204.
type contractServer struct {
	mu       sync.Mutex
	sessions map[string]bool
	bodies   [][]byte // request bodies as received
}

func newContractServer() *contractServer {
	return &contractServer{sessions: map[string]bool{}}
}

func writeJSONAPI(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", wire.MediaTypeJSONAPI)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func writeError(w http.ResponseWriter, status int, code, detail, pointer string) {
	writeJSONAPI(w, status, wire.NewError(status, code, http.StatusText(status), detail, pointer))
}

func (s *contractServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, body)
	s.mu.Unlock()

	auth := r.Header.Get("Authorization")
	if auth != wire.AuthorizationValue(testToken) && auth != `Token token="`+testToken+`"` {
		writeError(w, http.StatusUnauthorized, "unauthorized", "invalid API token", "")
		return
	}
	if acc := r.Header.Get("Accept"); acc != "" && !strings.Contains(acc, "json") && !strings.Contains(acc, "*/*") {
		writeError(w, http.StatusNotAcceptable, "not_acceptable", "Accept admits no JSON", "")
		return
	}
	var in struct {
		FormName *string         `json:"form_name"`
		Form     json.RawMessage `json:"form"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.FormName == nil {
		writeError(w, http.StatusNotAcceptable, "not_acceptable", "form_name is missing", "/form_name")
		return
	}
	switch r.Method {
	case http.MethodPost:
		var form wire.SessionForm
		if *in.FormName != wire.DefaultCreateFormName {
			writeError(w, http.StatusNotAcceptable, "not_acceptable", "unknown form_name", "/form_name")
			return
		}
		if len(in.Form) == 0 || in.Form[0] != '{' || json.Unmarshal(in.Form, &form) != nil {
			writeError(w, http.StatusNotAcceptable, "not_acceptable", "form is not an object", "/form")
			return
		}
		if !strings.Contains(form.Email, "@") {
			writeError(w, http.StatusUnprocessableEntity, "invalid", "email is not a valid address", "/form/email")
			return
		}
		if form.Email != testEmail || form.Password != testPassword {
			writeError(w, http.StatusUnauthorized, "unauthorized", "invalid e-mail or password", "")
			return
		}
		s.mu.Lock()
		id := "sess-" + time.Now().Format("150405.000000000")
		s.sessions[id] = true
		s.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true})
		writeJSONAPI(w, http.StatusCreated, struct{}{})
	case http.MethodDelete:
		if *in.FormName != wire.DefaultDeleteFormName {
			writeError(w, http.StatusNotAcceptable, "not_acceptable", "unknown form_name", "/form_name")
			return
		}
		if ck, err := r.Cookie(sessionCookie); err == nil {
			s.mu.Lock()
			delete(s.sessions, ck.Value)
			s.mu.Unlock()
			http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1})
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "POST, DELETE")
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed", "")
	}
}

// serve starts an httptest.Server answering h at /api/sessions and at
// /tenant/api/sessions.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(wire.SessionsPath, h)
	mux.Handle("/tenant"+wire.SessionsPath, h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// sdkClient returns an SDK client for base whose traffic goes through a
// fresh ValidatingTransport.
func sdkClient(t *testing.T, srv *httptest.Server, base, token string) (*loremup.Client, *apispec.ValidatingTransport) {
	t.Helper()
	vt := newValidator(t).Transport(srv.Client().Transport)
	c, err := loremup.NewClient(base, token,
		loremup.WithHTTPClient(&http.Client{Transport: vt}),
		loremup.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c, vt
}

func createParams(form, email, password string) loremup.CreateSessionParams {
	return loremup.CreateSessionParams{FormName: form, Form: loremup.SessionForm{Email: email, Password: password}}
}

// TestSDKTrafficMatchesSpec drives the SDK through every documented answer
// and checks that nothing it sent or got breaks the description.
func TestSDKTrafficMatchesSpec(t *testing.T) {
	type scenario struct {
		name      string
		token     string
		call      func(ctx context.Context, c *loremup.Client) error
		wantErr   error // sentinel; nil for success
		exchanges int
	}
	create := func(form, email, password string) func(context.Context, *loremup.Client) error {
		return func(ctx context.Context, c *loremup.Client) error {
			sess, err := c.Sessions.Create(ctx, createParams(form, email, password))
			if err == nil && string(bytes.TrimSpace(sess.Body())) != "{}" {
				return errors.New("session body is not {}: " + string(sess.Body()))
			}
			return err
		}
	}
	scenarios := []scenario{
		{name: "201 create", call: create(wire.DefaultCreateFormName, testEmail, testPassword), exchanges: 1},
		{name: "204 delete after create", call: func(ctx context.Context, c *loremup.Client) error {
			sess, err := c.Sessions.Create(ctx, createParams(wire.DefaultCreateFormName, testEmail, testPassword))
			if err != nil {
				return err
			}
			if len(sess.Cookies()) != 1 {
				return errors.New("no session cookie")
			}
			return c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: wire.DefaultDeleteFormName, Session: sess})
		}, exchanges: 2},
		{name: "204 delete without session", call: func(ctx context.Context, c *loremup.Client) error {
			return c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: wire.DefaultDeleteFormName})
		}, exchanges: 1},
		{name: "401 unknown token on create", token: "tok_unknown", call: create(wire.DefaultCreateFormName, testEmail, testPassword),
			wantErr: loremup.ErrUnauthorized, exchanges: 1},
		{name: "401 unknown token on delete", token: "tok_unknown", call: func(ctx context.Context, c *loremup.Client) error {
			return c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: wire.DefaultDeleteFormName})
		}, wantErr: loremup.ErrUnauthorized, exchanges: 1},
		{name: "401 wrong password", call: create(wire.DefaultCreateFormName, testEmail, "wrong"),
			wantErr: loremup.ErrUnauthorized, exchanges: 1},
		{name: "406 unknown form on create", call: create("no_such_form", testEmail, testPassword),
			wantErr: loremup.ErrNotAcceptable, exchanges: 1},
		{name: "406 unknown form on delete", call: func(ctx context.Context, c *loremup.Client) error {
			return c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: "no_such_form"})
		}, wantErr: loremup.ErrNotAcceptable, exchanges: 1},
		{name: "422 e-mail not an address", call: create(wire.DefaultCreateFormName, "not-an-address", testPassword),
			wantErr: loremup.ErrUnprocessableEntity, exchanges: 1},
	}
	for _, prefix := range []string{"", "/tenant", "/tenant/"} {
		for _, sc := range scenarios {
			t.Run("prefix="+prefix+"/"+sc.name, func(t *testing.T) {
				srv := serve(t, newContractServer())
				token := testToken
				if sc.token != "" {
					token = sc.token
				}
				c, vt := sdkClient(t, srv, srv.URL+prefix, token)
				err := sc.call(context.Background(), c)
				if sc.wantErr == nil {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, sc.wantErr)
					var apiErr *loremup.APIError
					require.ErrorAs(t, err, &apiErr)
					require.NotEmpty(t, apiErr.Errors, "the SDK read the JSON:API document")
					assert.NotEmpty(t, apiErr.Errors[0].Status)
					assert.NotEmpty(t, apiErr.Errors[0].Detail)
				}
				assert.Empty(t, vt.Errors())
				assert.NoError(t, vt.Err())
				assert.Equal(t, sc.exchanges, vt.Exchanges())
			})
		}
	}
}

// TestTransportReportsBrokenServers proves the response side bites: the
// SDK copes with these answers, the validator still reports them.
func TestTransportReportsBrokenServers(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		ctype   string
		body    string
		wantErr string
	}{
		{"error status is a number", 422, wire.MediaTypeJSONAPI, `{"errors":[{"status":422,"title":"Unprocessable Entity"}]}`, "/errors/0/status: value must be a string"},
		{"error document as plain JSON", 401, wire.MediaTypeJSON, `{"errors":[{"status":"401"}]}`, "Content-Type"},
		{"rails style errors", 422, wire.MediaTypeJSONAPI, `{"errors":{"email":["is invalid"]}}`, "/errors: value must be an array"},
		{"201 as HTML", 201, "text/html; charset=utf-8", `<html>logged in</html>`, "Content-Type"},
		{"201 with an array", 201, wire.MediaTypeJSONAPI, `[]`, "value must be an object"},
		{"200 instead of 201", 200, wire.MediaTypeJSONAPI, `{}`, "status is not supported"},
		{"500", 500, "text/plain", "boom", "status is not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", tc.ctype)
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			c, vt := sdkClient(t, srv, srv.URL, testToken)
			_, err := c.Sessions.Create(context.Background(), createParams(wire.DefaultCreateFormName, testEmail, testPassword))
			if tc.status >= 400 {
				var apiErr *loremup.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.status, apiErr.StatusCode)
				assert.Equal(t, tc.body, string(apiErr.Body), "the SDK saw the body unchanged")
			}
			errs := vt.Errors()
			require.NotEmpty(t, errs, "the validator must report this answer")
			assert.Contains(t, errs[0].Error(), tc.wantErr)
			for _, e := range errs {
				assert.NotContains(t, e.Error(), testPassword)
				assert.NotContains(t, e.Error(), testToken)
			}
		})
	}
}

// TestTransportReportsBadRequests proves the request side bites on
// requests the SDK cannot make, sent straight through the transport. The
// server's answers are the documented ones, so each exchange has exactly
// one problem: the request. Bodies reach the server unchanged and the
// answer reaches the caller unchanged.
func TestTransportReportsBadRequests(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		path       string
		header     http.Header
		body       string
		wantStatus int
		wantErr    string
	}{
		{"missing form_name", http.MethodPost, "/api/sessions", sdkHeaders(),
			`{"form":{"email":"ada@example.com","password":"pw"}}`, 406, `property "form_name" is missing`},
		{"numeric form_name", http.MethodDelete, "/tenant/api/sessions", sdkHeaders(),
			`{"form_name":7}`, 406, "/form_name: value must be a string"},
		{"missing Authorization", http.MethodPost, "/api/sessions", http.Header{"Accept": {wire.Accept}, "Content-Type": {wire.MediaTypeJSON}},
			createBody, 401, "header Authorization is missing"},
		{"Authorization without the token= part", http.MethodDelete, "/api/sessions",
			http.Header{"Authorization": {"Token " + testToken}, "Accept": {wire.Accept}, "Content-Type": {wire.MediaTypeJSON}},
			deleteBody, 401, `does not read "Token token=<api token>"`},
		{"Accept admits no JSON", http.MethodPost, "/api/sessions",
			http.Header{"Authorization": {wire.AuthorizationValue(testToken)}, "Accept": {"text/html"}, "Content-Type": {wire.MediaTypeJSON}},
			createBody, 406, "header Accept"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs := newContractServer()
			srv := serve(t, cs)
			vt := newValidator(t).Transport(srv.Client().Transport)
			hc := &http.Client{Transport: vt}
			t.Cleanup(hc.CloseIdleConnections)

			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header = tc.header
			resp, err := hc.Do(req)
			require.NoError(t, err)
			got, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())

			assert.Equal(t, tc.wantStatus, resp.StatusCode)
			var doc wire.ErrorDocument
			require.NoError(t, json.Unmarshal(got, &doc), "the caller reads the answer unchanged")
			require.Len(t, doc.Errors, 1)
			cs.mu.Lock()
			assert.Equal(t, [][]byte{[]byte(tc.body)}, cs.bodies, "the server got the body unchanged")
			cs.mu.Unlock()

			errs := vt.Errors()
			require.Len(t, errs, 1, "only the request is wrong: %v", errs)
			assert.Contains(t, errs[0].Error(), tc.wantErr)
			assert.Equal(t, 1, vt.Exchanges())

			vt.Reset()
			assert.Empty(t, vt.Errors())
			assert.Zero(t, vt.Exchanges())
		})
	}
}

// The transport leaves the caller's request as it was (a RoundTripper
// may only consume its body) and still forwards that body.
func TestTransportKeepsCallersRequest(t *testing.T) {
	cs := newContractServer()
	srv := serve(t, cs)
	vt := newValidator(t).Transport(srv.Client().Transport)
	t.Cleanup(vt.CloseIdleConnections)

	req, err := http.NewRequest(http.MethodDelete, srv.URL+"/api/sessions", bytes.NewReader([]byte(deleteBody)))
	require.NoError(t, err)
	req.Header = sdkHeaders()
	before := req.Header.Clone()
	resp, err := vt.RoundTrip(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, before, req.Header)
	assert.Equal(t, "/api/sessions", req.URL.Path)
	assert.Empty(t, vt.Errors())
	assert.Equal(t, [][]byte{[]byte(deleteBody)}, cs.bodies)
}

// Many goroutines may share one transport, as they share one Client.
func TestTransportConcurrentUse(t *testing.T) {
	srv := serve(t, newContractServer())
	c, vt := sdkClient(t, srv, srv.URL+"/tenant", testToken)
	const workers, calls = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*calls)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				sess, err := c.Sessions.Create(context.Background(), createParams(wire.DefaultCreateFormName, testEmail, testPassword))
				if err != nil {
					errs <- err
					continue
				}
				errs <- c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: wire.DefaultDeleteFormName, Session: sess})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Empty(t, vt.Errors())
	assert.Equal(t, 2*workers*calls, vt.Exchanges())
}
