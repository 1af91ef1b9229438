package controlspec_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/conformance/internal/controlspec"
)

// TestValidator_CatchesAnswersTheDescriptionLacks proves the checks in
// the other tests can fail.
func TestValidator_CatchesAnswersTheDescriptionLacks(t *testing.T) {
	v, err := controlspec.New(context.Background())
	require.NoError(t, err)
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name   string
		method string
		path   string
		status int
		header http.Header
		body   string
		ok     bool
	}{
		{"counters", http.MethodGet, "/counters", 200, jsonHeader, `{"requests":1,"active_sessions":0,"connections":1,"users":1,"faults":0}`, true},
		{"counters with an extra member", http.MethodGet, "/counters", 200, jsonHeader, `{"requests":1,"active_sessions":0,"connections":1,"users":1,"faults":0,"token":"x"}`, false},
		{"counters missing a member", http.MethodGet, "/counters", 200, jsonHeader, `{"requests":1}`, false},
		{"undocumented status", http.MethodGet, "/counters", 500, jsonHeader, `{"error":{"code":"x","message":"y"}}`, false},
		{"user with a password", http.MethodPost, "/users", 201, jsonHeader, `{"email":"a@b","password":"pw"}`, false},
		{"session without created", http.MethodGet, "/sessions", 200, jsonHeader, `{"total":1,"sessions":[{"id":"a","email":"b"}]}`, false},
		{"unknown path 404", http.MethodGet, "/nowhere", 404, jsonHeader, `{"error":{"code":"not_found","message":"no"}}`, true},
		{"unknown path 200", http.MethodGet, "/nowhere", 200, jsonHeader, `{}`, false},
		{"405 without Allow", http.MethodPut, "/faults", 405, jsonHeader, `{"error":{"code":"x","message":"y"}}`, false},
		{"error as text", http.MethodGet, "/nowhere", 404, http.Header{"Content-Type": {"text/plain"}}, `404 page not found`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.ValidateResponse(httptest.NewRequest(tt.method, "http://127.0.0.1:1"+tt.path, nil), tt.status, tt.header, []byte(tt.body))
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
		})
	}
}
