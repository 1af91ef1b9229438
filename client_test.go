package loremup_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
)

func TestNewClient_RejectsInputThatCanNeverWork(t *testing.T) {
	tests := []struct {
		name, baseURL, token, field string
		opts                        []loremup.Option
	}{
		{"empty base URL", "", testToken, "baseURL", nil},
		{"blank base URL", "  ", testToken, "baseURL", nil},
		{"unparsable base URL", "https://exa mple.com/%zz", testToken, "baseURL", nil},
		{"no scheme", "app.example.com", testToken, "baseURL", nil},
		{"ftp scheme", "ftp://app.example.com", testToken, "baseURL", nil},
		{"no host", "https:///tenant", testToken, "baseURL", nil},
		{"port 0", "https://app.example.com:0", testToken, "baseURL", nil},
		{"port above 65535", "https://app.example.com:70000", testToken, "baseURL", nil},
		{"credentials in URL", "https://user:pw@app.example.com", testToken, "baseURL", nil},
		{"query in URL", "https://app.example.com/?token=x", testToken, "baseURL", nil},
		{"plain http to remote host", "http://app.example.com", testToken, "baseURL", nil},
		{"plain http to a name under .localhost (resolved through DNS)", "http://app.localhost:8080", testToken, "baseURL", nil},
		{"plain http to localhost.example.com", "http://localhost.example.com", testToken, "baseURL", nil},
		{"empty token", baseURL, "", "apiToken", nil},
		{"token with space", baseURL, "abc def", "apiToken", nil},
		{"token with tab", baseURL, "abc\tdef", "apiToken", nil},
		{"token with newline (header injection)", baseURL, "abc\r\nX-Evil: 1", "apiToken", nil},
		{"token with double quote", baseURL, `abc"def`, "apiToken", nil},
		{"token with single quote", baseURL, `abc'def`, "apiToken", nil},
		{"token with comma", baseURL, "abc,def", "apiToken", nil},
		{"token with semicolon (Rails splits there)", baseURL, "abc;def", "apiToken", nil},
		{"token ending in tab", baseURL, "abc\t", "apiToken", nil},
		{"token with NUL", baseURL, "abc\x00def", "apiToken", nil},
		{"token with DEL", baseURL, "abc\x7fdef", "apiToken", nil},
		{"token non-ASCII", baseURL, "abcé", "apiToken", nil},
		{"nil http client", baseURL, testToken, "WithHTTPClient", []loremup.Option{loremup.WithHTTPClient(nil)}},
		{"negative retries", baseURL, testToken, "WithMaxRetries", []loremup.Option{loremup.WithMaxRetries(-1)}},
		{"min wait above max", baseURL, testToken, "WithRetryWait", []loremup.Option{loremup.WithRetryWait(2, 1)}},
		{"negative wait", baseURL, testToken, "WithRetryWait", []loremup.Option{loremup.WithRetryWait(-1, 1)}},
		{"empty user agent", baseURL, testToken, "WithUserAgent", []loremup.Option{loremup.WithUserAgent("")}},
		{"user agent with newline", baseURL, testToken, "WithUserAgent", []loremup.Option{loremup.WithUserAgent("a\nb")}},
		{"zero body cap", baseURL, testToken, "WithMaxResponseBytes", []loremup.Option{loremup.WithMaxResponseBytes(0)}},
		{"negative budget", baseURL, testToken, "WithRetryBudget", []loremup.Option{loremup.WithRetryBudget(loremup.RetryBudget{Capacity: -1})}},
		{"budget with free retries", baseURL, testToken, "WithRetryBudget", []loremup.Option{loremup.WithRetryBudget(loremup.RetryBudget{Capacity: 5})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loremup.NewClient(tt.baseURL, tt.token, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			requireInvalid(t, err, tt.field)
			assert.Contains(t, err.Error(), tt.field)
			if tt.token != "" && tt.token != testToken {
				assert.NotContains(t, err.Error(), tt.token, "the token must not be echoed")
			}
		})
	}
}

func TestNewClient_AcceptsUsualInput(t *testing.T) {
	tests := []struct{ name, baseURL, token string }{
		{"https", "https://app.example.com", testToken},
		{"https with prefix and slash", "https://app.example.com/tenant/", testToken},
		{"http loopback IPv4", "http://127.0.0.1:8080", testToken},
		{"http loopback 127/8", "http://127.3.2.1:8080", testToken},
		{"http localhost", "http://localhost:3000", testToken},
		{"http IPv6 loopback", "http://[::1]:3000", testToken},
		{"token with punctuation", "https://app.example.com", "ab-CD_12.34=+/~:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loremup.NewClient(tt.baseURL, tt.token)
			require.NoError(t, err)
			assert.NotNil(t, c.Sessions)
		})
	}
}

func TestNewClient_InsecureHTTPAllowsRemoteHTTP(t *testing.T) {
	c, err := loremup.NewClient("http://app.example.com", testToken, loremup.WithInsecureHTTP())
	require.NoError(t, err)
	assert.Equal(t, "http://app.example.com", c.BaseURL())
}

func TestNewClient_DoesNoIO(t *testing.T) {
	mt := httpmock.NewMockTransport()
	_, err := loremup.NewClient(baseURL, testToken, loremup.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestNewClient_DoesNotChangeCallersHTTPClient(t *testing.T) {
	hc := &http.Client{Transport: httpmock.NewMockTransport()}
	_, err := loremup.NewClient(baseURL, testToken, loremup.WithHTTPClient(hc))
	require.NoError(t, err)
	assert.Nil(t, hc.CheckRedirect)
	assert.Nil(t, hc.Jar)
}

func TestClient_PathPrefixAndTrailingSlash(t *testing.T) {
	tests := []struct{ base, want string }{
		{"https://app.example.com", "https://app.example.com/api/sessions"},
		{"https://app.example.com/", "https://app.example.com/api/sessions"},
		{"https://app.example.com/tenant", "https://app.example.com/tenant/api/sessions"},
		{"https://app.example.com/tenant/", "https://app.example.com/tenant/api/sessions"},
		{"https://app.example.com/a/b//", "https://app.example.com/a/b/api/sessions"},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPost, tt.want, loginOK("v"))
			mt.RegisterResponder(http.MethodDelete, tt.want, httpmock.NewStringResponder(http.StatusNoContent, ""))
			c, err := loremup.NewClient(tt.base, testToken, loremup.WithHTTPClient(&http.Client{Transport: mt}))
			require.NoError(t, err)

			sess, err := c.Sessions.Create(context.Background(), createParams())
			require.NoError(t, err)
			require.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}))
			assert.Equal(t, 1, mt.GetCallCountInfo()["POST "+tt.want])
			assert.Equal(t, 1, mt.GetCallCountInfo()["DELETE "+tt.want])
		})
	}
}

func TestClient_NilContextIsAnError(t *testing.T) {
	c, mt := mockClient(t)
	//lint:ignore SA1012 the point is a nil context
	_, err := c.Sessions.Create(nil, createParams()) //nolint:staticcheck
	requireInvalid(t, err, "ctx")
	assert.Zero(t, mt.GetTotalCallCount())
}
