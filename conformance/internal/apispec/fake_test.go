package apispec_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/internal/wire"
	"github.com/loremup/loremup-go/loremuptest"
)

// TestFakeServerAnswersBadRequestsPerSpec sends requests the SDK never
// makes: the description calls them invalid, and the fake's answers to
// them must still be documented ones. (What the SDK does against the fake
// is internal/contracttest's to check, through the same validator.)
func TestFakeServerAnswersBadRequestsPerSpec(t *testing.T) {
	v := newValidator(t)
	tests := []struct {
		name       string
		method     string
		edit       func(h http.Header)
		body       string
		wantStatus int
	}{
		{name: "missing Authorization", method: http.MethodPost, edit: func(h http.Header) { h.Del("Authorization") }, body: createBody, wantStatus: 401},
		{name: "scheme in lower case", method: http.MethodDelete, edit: func(h http.Header) { h.Set("Authorization", "token token=x") }, body: deleteBody, wantStatus: 401},
		{name: "Accept admits no JSON", method: http.MethodDelete, edit: func(h http.Header) { h.Set("Accept", "text/html") }, body: deleteBody, wantStatus: 406},
		{name: "no Accept", method: http.MethodPost, edit: func(h http.Header) { h.Del("Accept") }, body: createBody, wantStatus: 406},
		{name: "browser-like Accept", method: http.MethodPost, edit: func(h http.Header) { h.Set("Accept", "application/json, text/plain, */*") }, body: createBody, wantStatus: 406},
		{name: "body sent as JSON:API", method: http.MethodPost, edit: func(h http.Header) { h.Set("Content-Type", wire.MediaTypeJSONAPI) }, body: createBody, wantStatus: 406},
		{name: "body without a type", method: http.MethodDelete, edit: func(h http.Header) { h.Del("Content-Type") }, body: deleteBody, wantStatus: 406},
		{name: "body not JSON", method: http.MethodPost, body: "form_name=x", wantStatus: 400},
		{name: "body cut short", method: http.MethodDelete, body: `{"form_name":`, wantStatus: 400},
		{name: "missing form_name", method: http.MethodDelete, body: `{}`, wantStatus: 406},
		{name: "numeric form_name", method: http.MethodPost, body: `{"form_name":1,"form":{"email":"a@b.c","password":"pw"}}`, wantStatus: 406},
		{name: "form not an object", method: http.MethodPost, body: `{"form_name":"reference_rest_api_create_sessions","form":[]}`, wantStatus: 406},
		{name: "blank password", method: http.MethodPost, body: `{"form_name":"reference_rest_api_create_sessions","form":{"email":"a@b.c","password":""}}`, wantStatus: 422},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := loremuptest.NewServer(loremuptest.WithPathPrefix("/tenant"))
			t.Cleanup(srv.Close)
			req, err := http.NewRequestWithContext(context.Background(), tc.method, srv.URL+wire.SessionsPath, strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header = http.Header{
				"Authorization": {wire.AuthorizationValue(srv.Token)},
				"Accept":        {wire.Accept},
				"Content-Type":  {wire.MediaTypeJSON},
			}
			if tc.edit != nil {
				tc.edit(req.Header)
			}
			require.Error(t, v.ValidateRequest(req, []byte(tc.body)), "the description must call this request invalid")

			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			assert.Equal(t, tc.wantStatus, resp.StatusCode)
			assert.NoError(t, v.ValidateResponse(req, resp.StatusCode, resp.Header, body))
		})
	}
}
