package fake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/internal/wire"
)

func TestNew_RefusesConfigThatCanNeverWork(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no token", Config{}, "API token"},
		{"token with space", Config{Token: "a b"}, "API token"},
		{"negative body cap", Config{Token: "t", MaxBodyBytes: -1}, "max body bytes"},
		{"empty create form", Config{Token: "t", CreateFormNames: []string{""}}, "create form name"},
		{"empty delete form", Config{Token: "t", DeleteFormNames: []string{""}}, "delete form name"},
		{"prefix with query", Config{Token: "t", PathPrefix: "/a?b"}, "path prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestFaultQueue_QueuedFaultsComeFirstThenEveryKth(t *testing.T) {
	h, err := New(Config{Token: "t"})
	require.NoError(t, err)
	require.NoError(t, h.InjectEvery(3, Fault{Status: 503}))
	require.NoError(t, h.Inject(2, Fault{Status: 429}))
	require.NoError(t, h.Inject(1, Fault{Status: 502}))

	var got []int
	for range 9 {
		f, ok := h.faults.next(http.MethodPost)
		if !ok {
			f.Status = 0
		}
		got = append(got, f.Status)
	}
	// Requests 1-3 take the queue (3 is counted for every-3rd but queued
	// faults win); then 6 and 9 get the every-3rd fault.
	assert.Equal(t, []int{429, 429, 502, 0, 0, 503, 0, 0, 503}, got)

	h.ClearFaults()
	_, ok := h.faults.next(http.MethodPost)
	assert.False(t, ok)
}

func TestInject_RefusesStatusesNetHTTPCannotSend(t *testing.T) {
	h, err := New(Config{Token: "t"})
	require.NoError(t, err)
	for _, status := range []int{1, 99, 100, 101, 199, 600, 1000, -1} {
		require.Error(t, h.Inject(1, Fault{Status: status}), status)
		require.Error(t, h.InjectEvery(1, Fault{Status: status}), status)
	}
	for _, status := range []int{0, 200, 302, 503, 599} {
		require.NoError(t, h.Inject(1, Fault{Status: status}), status)
	}
}

func TestInject_CopiesTheFaultHeader(t *testing.T) {
	h, err := New(Config{Token: "t"})
	require.NoError(t, err)
	hdr := http.Header{"Location": {"/login"}}
	require.NoError(t, h.Inject(1, Fault{Status: 302, Header: hdr}))
	hdr.Set("Location", "/changed")

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	assert.Equal(t, 302, rec.Code)
	assert.Equal(t, "/login", rec.Header().Get("Location"))
}

func TestRequests_KeepsTheLatestMaxRecorded(t *testing.T) {
	h, err := New(Config{Token: "t", RecordRequests: true})
	require.NoError(t, err)
	for i := range MaxRecorded + 5 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, fmt.Sprintf("/r/%d", i), nil))
	}
	got := h.Requests()
	require.Len(t, got, MaxRecorded)
	assert.Equal(t, "/r/5", got[0].Path)
	assert.Equal(t, fmt.Sprintf("/r/%d", MaxRecorded+4), got[len(got)-1].Path)
	assert.Equal(t, MaxRecorded+5, h.RequestCount())
}

func TestServeHTTP_LogsNoSecrets(t *testing.T) {
	var logs strings.Builder
	h, err := New(Config{
		Token:  "s3cr3t-token",
		Users:  []User{{Email: "ada@example.com", Password: "hunter2-password"}},
		Logger: newTextLogger(&logs),
	})
	require.NoError(t, err)

	login := httptest.NewRequest(http.MethodPost, "/api/sessions", strings.NewReader(
		`{"form_name":"reference_rest_api_create_sessions","form":{"email":"ada@example.com","password":"hunter2-password"}}`))
	login.Header.Set("Authorization", "Token token=s3cr3t-token")
	login.Header.Set("Accept", wire.Accept)
	login.Header.Set("Content-Type", wire.MediaTypeJSON)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, login)
	require.Equal(t, http.StatusCreated, rec.Code)
	cookie := rec.Result().Cookies()[0].Value

	logout := httptest.NewRequest(http.MethodDelete, "/api/sessions", strings.NewReader(`{"form_name":"reference_rest_api_delete_sessions"}`))
	logout.Header.Set("Authorization", "Token token=s3cr3t-token")
	logout.Header.Set("Accept", wire.Accept)
	logout.Header.Set("Content-Type", wire.MediaTypeJSON)
	logout.AddCookie(&http.Cookie{Name: CookieName, Value: cookie})
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, logout)
	require.Equal(t, http.StatusNoContent, rec.Code)

	out := logs.String()
	assert.Equal(t, 2, strings.Count(out, "\n"), "one line per request")
	assert.Contains(t, out, "status=201")
	assert.Contains(t, out, "status=204")
	assert.Contains(t, out, "request_id=")
	assert.Contains(t, out, "duration=")
	for _, secret := range []string{"s3cr3t-token", "hunter2-password", cookie} {
		assert.NotContains(t, out, secret)
	}
}
