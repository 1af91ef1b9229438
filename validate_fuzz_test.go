package loremup_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/internal/wire"
)

// tokenMarker starts every fuzzed token, so the test can tell a token
// echoed into an error from fixed error text that happens to match it.
const tokenMarker = "Zq9"

func FuzzNewClient(f *testing.F) {
	for _, seed := range [][2]string{
		{"https://app.example.com", "abc"},
		{"https://app.example.com/tenant/", "a-b_c.d="},
		{"http://127.0.0.1:8080", "x"},
		{"http://app.example.com", "x"},
		{"", ""},
		{"https://u:p@h", "x y"},
		{"https://h/?q", "a\r\nb"},
		{"https://h", `"quoted"`},
		{"https://h", "é"},
		{"https://h", "a;realm=x"},
		{"https://h", "a\tb"},
		{"http://app.localhost:8080", "x"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, rawURL, suffix string) {
		token := tokenMarker + suffix
		mt := httpmock.NewMockTransport()
		var sent http.Header
		mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
			sent = r.Header.Clone()
			return httpmock.NewStringResponse(http.StatusNoContent, ""), nil
		})
		c, err := loremup.NewClient(rawURL, token, loremup.WithHTTPClient(&http.Client{Transport: mt}), loremup.WithMaxRetries(0))
		if err != nil {
			if strings.Contains(err.Error(), tokenMarker) {
				t.Fatalf("error echoes the token: %v", err)
			}
			return
		}
		if err := wire.CheckToken(token); err != nil {
			t.Fatalf("accepted a token the token rule refuses: %v", err)
		}
		u, perr := url.Parse(rawURL)
		if perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.User != nil {
			t.Fatalf("accepted base URL %q", rawURL)
		}
		if err := c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: "f"}); err != nil {
			return // e.g. a host the mock refuses; nothing to check
		}
		if got := sent.Values("Authorization"); len(got) != 1 || got[0] != "Token token="+token {
			t.Fatalf("Authorization header %q", got)
		}
		if len(sent) != 4 {
			t.Fatalf("unexpected headers sent: %v", sent)
		}
	})
}
