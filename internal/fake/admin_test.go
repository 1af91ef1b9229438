package fake

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/internal/redact"
)

const (
	adminToken    = "tok_admin_0123"
	adminEmail    = "ada@example.com"
	adminPassword = "s3cret-Pa55"
)

func newAdminHandler(t *testing.T) *Handler {
	t.Helper()
	h, err := New(Config{Token: adminToken, RecordRequests: true, Users: []User{{Email: adminEmail, Password: adminPassword}}})
	require.NoError(t, err)
	t.Cleanup(h.Close)
	return h
}

// serveAdmin sends one request straight to the handler and returns the status.
func serveAdmin(h *Handler, method, body string, header map[string]string) int {
	r := httptest.NewRequest(method, "/api/sessions", strings.NewReader(body))
	r.Header.Set("Accept", "application/json")
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Token token="+adminToken)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

const loginJSON = `{"form_name":"reference_rest_api_create_sessions","form":{"email":"` + adminEmail + `","password":"` + adminPassword + `"}}`
const logoutJSON = `{"form_name":"reference_rest_api_delete_sessions"}`

func TestInject_OnlyRequestsOfTheFaultsMethodTakeIt(t *testing.T) {
	h := newAdminHandler(t)
	require.NoError(t, h.Inject(1, Fault{Method: "post", Status: 503}), "methods are upper-cased")
	require.NoError(t, h.Inject(1, Fault{Status: 502}))

	// The DELETE skips the POST-only fault and takes the one for any
	// method; the POST after it takes its own.
	assert.Equal(t, 502, serveAdmin(h, http.MethodDelete, logoutJSON, nil))
	assert.Equal(t, 503, serveAdmin(h, http.MethodPost, loginJSON, nil))
	assert.Equal(t, http.StatusCreated, serveAdmin(h, http.MethodPost, loginJSON, nil))
	assert.Empty(t, h.PendingFaults())
}

func TestInjectEvery_CountsOnlyTheFaultsMethod(t *testing.T) {
	h := newAdminHandler(t)
	require.NoError(t, h.InjectEvery(2, Fault{Method: http.MethodPost, Status: 503}))

	var got []int
	for range 3 {
		got = append(got, serveAdmin(h, http.MethodPost, loginJSON, nil), serveAdmin(h, http.MethodDelete, logoutJSON, nil))
	}
	assert.Equal(t, []int{201, 204, 503, 204, 201, 204}, got)
}

func TestPendingFaults_ListsQueuedThenPeriodic(t *testing.T) {
	h := newAdminHandler(t)
	require.NoError(t, h.Inject(3, Fault{Method: http.MethodDelete, Status: 503, RetryAfter: "0"}))
	require.NoError(t, h.InjectEvery(4, Fault{Drop: true}))
	assert.Equal(t, http.StatusServiceUnavailable, serveAdmin(h, http.MethodDelete, logoutJSON, nil))

	assert.Equal(t, []PendingFault{
		{Times: 2, Fault: Fault{Method: http.MethodDelete, Status: 503, RetryAfter: "0"}},
		{Every: 4, Fault: Fault{Drop: true}},
	}, h.PendingFaults())
}

func TestReset_RestoresTheStartState(t *testing.T) {
	h := newAdminHandler(t)
	h.AddUser("grace@example.com", "another-pw")
	h.AddUser(adminEmail, "changed-pw")
	require.Equal(t, http.StatusCreated, serveAdmin(h, http.MethodPost, strings.ReplaceAll(loginJSON, adminPassword, "changed-pw"), nil))
	require.NoError(t, h.Inject(5, Fault{Status: 503}))
	h.ConnState(nil, http.StateNew)

	h.Reset()

	assert.Equal(t, []string{adminEmail}, h.Users())
	assert.Zero(t, h.ActiveSessions())
	assert.Empty(t, h.PendingFaults())
	assert.Empty(t, h.Requests())
	assert.Zero(t, h.RequestCount())
	assert.Zero(t, h.ConnectionCount())
	assert.Equal(t, http.StatusCreated, serveAdmin(h, http.MethodPost, loginJSON, nil), "the start password works again")
}

func TestRemoveUser_ForgetsTheAccount(t *testing.T) {
	h := newAdminHandler(t)
	assert.True(t, h.RemoveUser(strings.ToUpper(adminEmail)))
	assert.False(t, h.RemoveUser(adminEmail), "already gone")
	assert.Empty(t, h.Users())
	assert.Equal(t, http.StatusUnauthorized, serveAdmin(h, http.MethodPost, loginJSON, nil))
}

func TestClearRequests_KeepsTheCount(t *testing.T) {
	h := newAdminHandler(t)
	serveAdmin(h, http.MethodDelete, logoutJSON, nil)
	h.ClearRequests()
	assert.Empty(t, h.Requests())
	assert.Equal(t, 1, h.RequestCount())
}

func TestRedactedRequests_HideSecretsAndKeepTheRest(t *testing.T) {
	h := newAdminHandler(t)
	tests := []struct {
		name       string
		header     map[string]string
		body       string
		wantAuth   string
		wantCookie string
		wantBody   string
		wantToken  bool
	}{
		{
			name:      "login: the whole credential hidden, password member redacted, other bytes as sent",
			body:      `{"form_name": "reference_rest_api_create_sessions", "form": {"email": "` + adminEmail + `", "password" :  "` + adminPassword + `"}}`,
			wantAuth:  redact.Marker,
			wantBody:  `{"form_name": "reference_rest_api_create_sessions", "form": {"email": "` + adminEmail + `", "password" :  "` + redact.Marker + `"}}`,
			wantToken: true,
		},
		{
			name:     "quoted wrong token, nested password object, password in another member",
			header:   map[string]string{"Authorization": `Token token="not-ours"`},
			body:     `{"a":[{"new_password":{"x":[1,2]}},"` + adminPassword + `"],"password":null}`,
			wantAuth: redact.Marker,
			wantBody: `{"a":[{"new_password":"` + redact.Marker + `"},"` + redact.Marker + `"],"password":"` + redact.Marker + `"}`,
		},
		{
			name:       "bearer scheme, session cookie among others",
			header:     map[string]string{"Authorization": "Bearer " + adminToken, "Cookie": "a=1; " + CookieName + "=abcdef; b=2"},
			body:       logoutJSON,
			wantAuth:   redact.Marker,
			wantCookie: redact.Marker,
			wantBody:   logoutJSON,
			wantToken:  true, // Rails reads a bearer token as the API token too
		},
		{
			name:     "form body and a bare credential",
			header:   map[string]string{"Authorization": "opaque-secret", "Content-Type": "application/x-www-form-urlencoded"},
			body:     "email=a%40b.c&user%5Bpassword%5D=pw&token=" + adminToken,
			wantAuth: redact.Marker,
			wantBody: "email=a%40b.c&user%5Bpassword%5D=" + redact.Marker + "&token=" + redact.Marker,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.ClearRequests()
			serveAdmin(h, http.MethodPost, tt.body, tt.header)
			got := h.RedactedRequests(0)
			require.Len(t, got, 1)
			assert.Equal(t, tt.wantAuth, got[0].Header.Get("Authorization"))
			assert.Equal(t, tt.wantCookie, got[0].Header.Get("Cookie"))
			assert.Equal(t, tt.wantBody, string(got[0].Body))
			assert.Equal(t, tt.wantToken, got[0].SentAPIToken)
			assert.Equal(t, http.MethodPost, got[0].Method)
			assert.Equal(t, "/api/sessions", got[0].Path)
		})
	}
}

func TestRedactedRequests_LimitKeepsTheLatest(t *testing.T) {
	h := newAdminHandler(t)
	serveAdmin(h, http.MethodPost, loginJSON, nil)
	serveAdmin(h, http.MethodDelete, logoutJSON, nil)
	got := h.RedactedRequests(1)
	require.Len(t, got, 1)
	assert.Equal(t, http.MethodDelete, got[0].Method)
	assert.Len(t, h.RedactedRequests(0), 2)
	assert.Equal(t, adminPassword, strings.Split(strings.Split(string(h.Requests()[0].Body), `"password":"`)[1], `"`)[0],
		"the Go-side record is unredacted: redaction works on copies")
}

func TestIsAPIToken(t *testing.T) {
	h := newAdminHandler(t)
	assert.True(t, h.IsAPIToken(adminToken))
	assert.False(t, h.IsAPIToken(adminToken+"x"))
	assert.False(t, h.IsAPIToken(""))
}

// TestRecord_KeepsTheRequestAsSent checks the compact form recorded
// requests are kept in: every header value, in order, and the body, come
// back as sent; an empty body comes back empty.
func TestRecord_KeepsTheRequestAsSent(t *testing.T) {
	h := newAdminHandler(t)
	r := httptest.NewRequest(http.MethodPost, "/tenant/api/sessions", strings.NewReader(loginJSON))
	r.Header["Accept"] = []string{"application/json", "application/vnd.api+json"}
	r.Header.Set("X-Empty", "")
	r.Header.Set("X-Unicode", "ünï")
	h.ServeHTTP(httptest.NewRecorder(), r)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))

	got := h.Requests()
	require.Len(t, got, 2)
	assert.Positive(t, got[0].Duration)
	got[0].Duration = 0
	assert.Equal(t, Request{Method: http.MethodPost, Path: "/tenant/api/sessions", Header: r.Header, Body: []byte(loginJSON), Status: http.StatusNotFound}, got[0])
	assert.Equal(t, http.MethodGet, got[1].Method)
	assert.Empty(t, got[1].Body)
	assert.False(t, got[1].Truncated)

	got[0].Header.Set("Accept", "changed")
	got[0].Body[0] = 'X'
	again := h.Requests()
	assert.Equal(t, []string{"application/json", "application/vnd.api+json"}, again[0].Header["Accept"], "a copy the caller may change")
	assert.JSONEq(t, loginJSON, string(again[0].Body))
}

// A client may put a secret anywhere: in the path, in a header's name
// (which net/http re-cases), or a session cookie's value in another
// cookie or header. The control API's copy shows none of them.
func TestRedactedRequests_HideSecretsInPathsHeaderNamesAndOtherCookies(t *testing.T) {
	h := newAdminHandler(t)
	require.Equal(t, http.StatusCreated, serveAdmin(h, http.MethodPost, loginJSON, nil))
	sessions := h.Sessions()
	require.Len(t, sessions, 1)
	id := sessions[0].ID
	h.ClearRequests()

	r := httptest.NewRequest(http.MethodGet, "/api/"+adminPassword+"/"+adminToken+"/"+id, nil)
	r.Header.Set("X-"+adminToken, "1")
	r.Header.Set("X-"+adminPassword, "2")
	r.Header.Set("X-"+id, "3")
	r.Header.Set("X-Echo", "id="+id)
	r.Header.Set("Cookie", "other="+id)
	h.ServeHTTP(httptest.NewRecorder(), r)

	got := h.RedactedRequests(0)
	require.Len(t, got, 1)
	shown := fmt.Sprintf("%s %v %s", got[0].Path, got[0].Header, got[0].Body)
	for _, secret := range []string{adminToken, adminPassword, id} {
		assert.NotContains(t, strings.ToLower(shown), strings.ToLower(secret))
	}
	assert.Equal(t, "/api/"+redact.Marker+"/"+redact.Marker+"/"+redact.Marker, got[0].Path)
	assert.Equal(t, "id="+redact.Marker, got[0].Header.Get("X-Echo"))
}

// The request log shows the path and the request id, where a client may
// put the API token or a session cookie's value: neither is printed, also
// when cut at the log's bound.
func TestLogRequest_HidesTheTokenAndSessionIDsInThePath(t *testing.T) {
	var logged bytes.Buffer
	h, err := New(Config{Token: adminToken, Users: []User{{Email: adminEmail, Password: adminPassword}},
		Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	require.NoError(t, err)
	t.Cleanup(h.Close)
	require.Equal(t, http.StatusCreated, serveAdmin(h, http.MethodPost, loginJSON, nil))
	id := h.Sessions()[0].ID

	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/"+adminToken+"/"+id, nil))
	// In the request id, and cut at the log's bound of the path.
	r := httptest.NewRequest(http.MethodGet, "/"+strings.Repeat("x", maxLoggedPath-11)+id, nil)
	r.Header.Set("X-Request-Id", "req-"+adminToken+"-"+id)
	h.ServeHTTP(httptest.NewRecorder(), r)

	assert.Contains(t, logged.String(), "path=/api/"+redact.Marker+"/"+redact.Marker)
	assert.Contains(t, logged.String(), "request_id=req-"+redact.Marker+"-"+redact.Marker)
	assert.NotContains(t, logged.String(), adminToken)
	assert.NotContains(t, logged.String(), id[:10])
}
