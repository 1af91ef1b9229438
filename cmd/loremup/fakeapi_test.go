package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// The secrets of every in-process test. They are long and distinctive so
// that finding one in the output cannot be a coincidence.
const (
	testToken    = "tok-Zq81xWv7Lm"
	testEmail    = "ada@example.com"
	testPassword = "pw-hunter2-Kx9Rt"
	cookieName   = "_loremup_session"
	createForm   = "reference_rest_api_create_sessions"
	deleteForm   = "reference_rest_api_delete_sessions"
)

// fakeAPI is a small in-process LoremUp Sessions API on loopback: the
// contract's order of checks (token 401, Accept 406, body and form_name
// 406, fields 422, credentials 401), 201 with a fresh session cookie and
// {}, 204 on logout. It records every request. fault, when set, may
// answer a request instead (n counts requests from 1).
type fakeAPI struct {
	*httptest.Server
	fault func(w http.ResponseWriter, r *http.Request, n int) bool

	mu     sync.Mutex
	calls  []call
	issued []string // session cookie values handed out, in order
	live   map[string]bool
}

// call is one request as the fake received it.
type call struct {
	Method, Path, Authorization, Accept, UserAgent string
	Cookies                                        []*http.Cookie
	Body                                           map[string]any
}

func newFakeAPI(t *testing.T, fault func(w http.ResponseWriter, r *http.Request, n int) bool) *fakeAPI {
	t.Helper()
	api := &fakeAPI{fault: fault, live: map[string]bool{}}
	api.Server = httptest.NewServer(http.HandlerFunc(api.serve))
	t.Cleanup(api.Close)
	return api
}

// closedURL is a loopback URL nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	_ = ln.Close()
	return url
}

func (api *fakeAPI) Calls() []call {
	api.mu.Lock()
	defer api.mu.Unlock()
	return append([]call(nil), api.calls...)
}

func (api *fakeAPI) Issued() []string {
	api.mu.Lock()
	defer api.mu.Unlock()
	return append([]string(nil), api.issued...)
}

func (api *fakeAPI) Live(value string) bool {
	api.mu.Lock()
	defer api.mu.Unlock()
	return api.live[value]
}

func (api *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	bodyOK := json.NewDecoder(r.Body).Decode(&body) == nil && body != nil
	api.mu.Lock()
	api.calls = append(api.calls, call{
		Method: r.Method, Path: r.URL.Path, Authorization: r.Header.Get("Authorization"),
		Accept: r.Header.Get("Accept"), UserAgent: r.Header.Get("User-Agent"),
		Cookies: r.Cookies(), Body: body,
	})
	n := len(api.calls)
	api.mu.Unlock()
	w.Header().Set("X-Request-Id", fmt.Sprintf("req-%d", n))

	if api.fault != nil && api.fault(w, r, n) {
		return
	}
	auth := r.Header.Get("Authorization")
	if auth != "Token token="+testToken && auth != `Token token="`+testToken+`"` {
		writeAPIError(w, http.StatusUnauthorized, "unauthorized", "missing or unknown API token", "")
		return
	}
	if a := r.Header.Get("Accept"); !strings.Contains(a, "application/vnd.api+json") && !strings.Contains(a, "application/json") {
		writeAPIError(w, http.StatusNotAcceptable, "not_acceptable", "Accept must admit JSON", "")
		return
	}
	want := map[string]string{http.MethodPost: createForm, http.MethodDelete: deleteForm}[r.Method]
	if r.URL.Path != "/api/sessions" || want == "" {
		http.NotFound(w, r)
		return
	}
	if !bodyOK || body["form_name"] != want {
		writeAPIError(w, http.StatusNotAcceptable, "unknown_form_name", "form_name names no form configuration", "/form_name")
		return
	}
	if r.Method == http.MethodDelete {
		api.mu.Lock()
		for _, c := range r.Cookies() {
			delete(api.live, c.Value)
		}
		api.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	form, _ := body["form"].(map[string]any)
	email, _ := form["email"].(string)
	password, _ := form["password"].(string)
	if !strings.Contains(email, "@") {
		writeAPIError(w, http.StatusUnprocessableEntity, "invalid", "email is not a valid address", "/form/email")
		return
	}
	if email != testEmail || password != testPassword {
		writeAPIError(w, http.StatusUnauthorized, "invalid_credentials", "e-mail or password is not known", "")
		return
	}
	value := randomHex()
	api.mu.Lock()
	api.issued = append(api.issued, value)
	api.live[value] = true
	api.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: value, Path: "/", HttpOnly: true})
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write([]byte(`{}`))
}

// writeAPIError answers a JSON:API error document with one object.
func writeAPIError(w http.ResponseWriter, status int, code, detail, pointer string) {
	obj := map[string]any{"status": fmt.Sprint(status), "code": code, "title": http.StatusText(status), "detail": detail}
	if pointer != "" {
		obj["source"] = map[string]string{"pointer": pointer}
	}
	writeErrorDoc(w, status, obj)
}

func writeErrorDoc(w http.ResponseWriter, status int, objs ...map[string]any) {
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": objs})
}

func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Faults for fakeAPI.fault.

// always answers every request with status, with Retry-After: 0 so
// retries do not wait.
func always(status int) func(http.ResponseWriter, *http.Request, int) bool {
	return func(w http.ResponseWriter, _ *http.Request, _ int) bool {
		w.Header().Set("Retry-After", "0")
		writeAPIError(w, status, "fault", http.StatusText(status), "")
		return true
	}
}

// firstN answers the first n requests with status (Retry-After: 0), then
// lets the protocol run.
func firstN(n, status int) func(http.ResponseWriter, *http.Request, int) bool {
	return func(w http.ResponseWriter, r *http.Request, i int) bool {
		if i > n {
			return false
		}
		return always(status)(w, r, i)
	}
}

// hang answers nothing until the client gives up.
func hang(_ http.ResponseWriter, r *http.Request, _ int) bool {
	<-r.Context().Done()
	return true
}

func redirect(w http.ResponseWriter, r *http.Request, _ int) bool {
	http.Redirect(w, r, "/users/sign_in?return_to=secret-ish", http.StatusFound)
	return true
}

func htmlPage(w http.ResponseWriter, _ *http.Request, _ int) bool {
	w.Header().Set("Content-Type", "text/html")
	_, _ = w.Write([]byte("<html>Sign in</html>"))
	return true
}

func notFound(w http.ResponseWriter, r *http.Request, _ int) bool {
	http.NotFound(w, r)
	return true
}
