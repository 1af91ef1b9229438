package apispec_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/internal/wire"
	"github.com/loremup/loremup-go/loremuptest"
)

// The SDK-against-a-server scenarios live in internal/contracttest, which
// runs every exchange through a ValidatingTransport. These tests are about
// the transport itself: that it reports what breaks the description,
// leaves traffic unchanged, and can be shared.

// mockBase is the base URL of the httpmock stand-ins below.
const mockBase = "https://app.example.com"

// recording wraps r so that the request bodies it gets are kept.
type recording struct {
	mu     sync.Mutex
	bodies []string
}

func (rec *recording) responder(r httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		rec.mu.Lock()
		rec.bodies = append(rec.bodies, string(b))
		rec.mu.Unlock()
		return r(req)
	}
}

func (rec *recording) got() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.bodies...)
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
		{"error status is a number", 422, wire.ContentTypeJSONAPI, `{"errors":[{"status":422,"title":"Unprocessable Entity"}]}`, "/errors/0/status: value must be a string"},
		{"error document as plain JSON", 406, wire.MediaTypeJSON, `{"errors":[{"status":"406"}]}`, "Content-Type"},
		{"401 as HTML", 401, "text/html; charset=utf-8", `<h1>denied</h1>`, "Content-Type"},
		{"rails style errors", 422, wire.MediaTypeJSONAPI, `{"errors":{"email":["is invalid"]}}`, "/errors: value must be an array"},
		{"201 as HTML", 201, "text/html; charset=utf-8", `<html>logged in</html>`, "Content-Type"},
		{"201 with an array", 201, wire.MediaTypeJSONAPI, `[]`, "value must be an object"},
		{"200 instead of 201", 200, wire.MediaTypeJSONAPI, `{}`, "status is not supported"},
		{"500", 500, "text/plain", "boom", "status is not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPost, mockBase+wire.SessionsPath,
				httpmock.NewStringResponder(tc.status, tc.body).HeaderSet(http.Header{"Content-Type": {tc.ctype}}))
			c, vt := sdkClient(t, mt, mockBase, testToken)
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
// answers are the documented ones, so each exchange has exactly one
// problem: the request. Bodies reach the server unchanged and the answer
// reaches the caller unchanged.
func TestTransportReportsBadRequests(t *testing.T) {
	with := func(name, value string) http.Header {
		h := sdkHeaders()
		if value == "" {
			h.Del(name)
		} else {
			h.Set(name, value)
		}
		return h
	}
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
		{"missing Authorization", http.MethodPost, "/api/sessions", with("Authorization", ""),
			createBody, 401, "header Authorization is missing"},
		{"scheme in lower case", http.MethodDelete, "/api/sessions", with("Authorization", "token token="+testToken),
			deleteBody, 401, `does not read "Token token=<api token>"`},
		{"token with a quote", http.MethodDelete, "/api/sessions", with("Authorization", `Token token=a'b`),
			deleteBody, 401, `does not read "Token token=<api token>"`},
		{"Accept admits no JSON", http.MethodPost, "/api/sessions", with("Accept", "text/html"),
			createBody, 406, "header Accept"},
		{"no Accept", http.MethodPost, "/api/sessions", with("Accept", ""),
			createBody, 406, "header Accept"},
		{"browser-like Accept", http.MethodDelete, "/api/sessions", with("Accept", "application/json, text/plain, */*"),
			deleteBody, 406, "header Accept"},
		{"body not JSON", http.MethodPost, "/api/sessions", sdkHeaders(),
			`{"form_name":`, 400, "request body"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rec recording
			answer := documented(tc.wantStatus)
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(tc.method, mockBase+tc.path, rec.responder(answer))
			vt := newValidator(t).Transport(mt)
			hc := &http.Client{Transport: vt}

			req, err := http.NewRequest(tc.method, mockBase+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header = tc.header
			resp, err := hc.Do(req)
			require.NoError(t, err)
			got, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())

			assert.Equal(t, tc.wantStatus, resp.StatusCode)
			want, err := answer(req)
			require.NoError(t, err)
			wantBody, err := io.ReadAll(want.Body)
			require.NoError(t, err)
			assert.Equal(t, string(wantBody), string(got), "the caller reads the answer unchanged")
			assert.Equal(t, []string{tc.body}, rec.got(), "the server got the body unchanged")

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
	var rec recording
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodDelete, mockBase+wire.SessionsPath,
		rec.responder(httpmock.NewStringResponder(http.StatusNoContent, "")))
	vt := newValidator(t).Transport(mt)

	req, err := http.NewRequest(http.MethodDelete, mockBase+wire.SessionsPath, bytes.NewReader([]byte(deleteBody)))
	require.NoError(t, err)
	req.Header = sdkHeaders()
	before := req.Header.Clone()
	resp, err := vt.RoundTrip(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, before, req.Header)
	assert.Equal(t, wire.SessionsPath, req.URL.Path)
	assert.Empty(t, vt.Errors())
	assert.Equal(t, []string{deleteBody}, rec.got())
}

// Many goroutines may share one transport, as they share one Client.
func TestTransportConcurrentUse(t *testing.T) {
	srv := loremuptest.NewServer(loremuptest.WithPathPrefix("/tenant"), loremuptest.WithUser(testEmail, testPassword))
	t.Cleanup(srv.Close)
	c, vt := sdkClient(t, srv.Client().Transport, srv.URL, srv.Token)
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
