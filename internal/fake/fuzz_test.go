package fake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/loremup/loremup-go/internal/wire"
)

// fuzzBodyCap is small so that the fuzzer reaches "too large" easily.
const fuzzBodyCap = 512

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endless is a body that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// FuzzHandler checks the handler's promises for any request: it never
// panics, never answers 5xx, never reads more than its body cap (even from
// a body that never ends), always sends a request id, and answers every
// error with a JSON:API error document whose status is the answer's, as a
// string, except the token refusal, which is Rails' plain-text answer.
func FuzzHandler(f *testing.F) {
	const login = `{"form_name":"reference_rest_api_create_sessions","form":{"email":"ada@example.com","password":"pw"}}`
	const logout = `{"form_name":"reference_rest_api_delete_sessions"}`
	seeds := []struct {
		method, path, auth, accept, contentType, cookie, body string
		endless                                               bool
	}{
		{"POST", "/api/sessions", "Token token=tok", "application/vnd.api+json, application/json", "application/json", "", login, false},
		{"DELETE", "/api/sessions", `Token token="tok"`, "*/*", "application/json", CookieName + "=abc", logout, false},
		{"POST", "/api/sessions", "Token token=tok", "text/html", "", "", login, false},
		{"POST", "/api/sessions", "Token token=tok", "", "", "", `{"form_name":"reference_rest_api_create_sessions","form":{"email":"x","password":""}}`, false},
		{"POST", "/api/sessions", "Token token=tok", "", "", "", `[1,2]`, false},
		{"POST", "/api/sessions", "Token token=tok", "", "", "", login, true},
		{"GET", "/nope", "", "", "", "", "", false},
		{"PATCH", "/api/sessions", "Token token=tok", "", "", "", "", false},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.auth, s.accept, s.contentType, s.cookie, []byte(s.body), s.endless)
	}

	h, err := New(Config{
		Token:        "tok",
		Users:        []User{{Email: "ada@example.com", Password: "pw"}},
		MaxBodyBytes: fuzzBodyCap,
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, path, auth, accept, contentType, cookie string, body []byte, endlessBody bool) {
		var src io.Reader = bytes.NewReader(body)
		if endlessBody {
			src = io.MultiReader(src, endless{})
		}
		cr := &countingReader{r: src}
		r := &http.Request{
			Method: method,
			URL:    &url.URL{Path: path},
			Header: http.Header{},
			Body:   io.NopCloser(cr),
		}
		for name, v := range map[string]string{"Authorization": auth, "Accept": accept, "Content-Type": contentType, "Cookie": cookie} {
			if v != "" {
				r.Header.Set(name, v)
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r) // a panic fails the fuzz run

		if rec.Code < 200 || rec.Code > 499 {
			t.Fatalf("status %d", rec.Code)
		}
		if cr.n > fuzzBodyCap+1 {
			t.Fatalf("read %d body bytes with a cap of %d", cr.n, fuzzBodyCap)
		}
		if rec.Code != http.StatusNotFound && !slices.Contains(wire.Statuses(method), rec.Code) {
			t.Fatalf("status %d is not one %s answers", rec.Code, method)
		}
		if rec.Header().Get("X-Request-Id") == "" {
			t.Fatal("no X-Request-Id")
		}
		if rec.Code < 400 {
			return
		}
		if rec.Header().Get("WWW-Authenticate") != "" {
			if rec.Code != http.StatusUnauthorized || rec.Header().Get("Content-Type") != wire.ContentTypeText ||
				rec.Body.String() != wire.UnauthorizedBody {
				t.Fatalf("token refusal %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
			}
			return
		}
		if ct := rec.Header().Get("Content-Type"); ct != wire.ContentTypeJSONAPI {
			t.Fatalf("error with Content-Type %q", ct)
		}
		var doc struct {
			Errors []struct {
				Status string `json:"status"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatalf("error body is not a JSON:API error document: %v: %s", err, rec.Body.Bytes())
		}
		if len(doc.Errors) == 0 {
			t.Fatal("error document without errors")
		}
		for _, e := range doc.Errors {
			if e.Status != strconv.Itoa(rec.Code) {
				t.Fatalf("error object status %q in a %d answer", e.Status, rec.Code)
			}
		}
	})
}
