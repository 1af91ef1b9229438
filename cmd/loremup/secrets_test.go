package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echoSecrets is a server that repeats what it was sent in its error
// detail: the token, the password and the cookies.
func echoSecrets(w http.ResponseWriter, r *http.Request, _ int) bool {
	if r.Method == http.MethodPost {
		return false // let the login through, so there is a cookie to echo
	}
	var cookies []string
	for _, c := range r.Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	writeAPIError(w, http.StatusUnauthorized, "echo",
		fmt.Sprintf("got %s with cookies %s", r.Header.Get("Authorization"), strings.Join(cookies, "; ")), "")
	return true
}

// echoPassword answers a 422 that repeats the password and the token.
func echoPassword(w http.ResponseWriter, _ *http.Request, _ int) bool {
	writeAPIError(w, http.StatusUnprocessableEntity, "weak",
		"password "+testPassword+" is too weak for token "+testToken, "/form/password")
	return true
}

// Nothing the command prints, in any mode and on any path, holds the API
// token, the password or a cookie value; --verbose logs through the SDK's
// logger, which must not either.
func TestRun_NeverPrintsSecrets(t *testing.T) {
	const wrongPassword = "wrong-pw-Vb83"
	scenarios := []struct {
		name  string
		fault func(http.ResponseWriter, *http.Request, int) bool
		env   map[string]string // replaces variables of envFor
		stdin string
		steps [][]string // commands run in turn; {file} is a session file
	}{
		{name: "login and logout", steps: [][]string{
			{"login", "--session-file", "{file}"}, {"logout", "--session-file", "{file}"}}},
		{name: "login without session file, logout without", steps: [][]string{{"login"}, {"logout"}}},
		{name: "token given as a flag", env: map[string]string{envToken: "x"}, steps: [][]string{
			{"login", "--token", testToken, "--session-file", "{file}"}, {"logout", "--token", testToken, "--session-file", "{file}"}}},
		{name: "password on stdin", env: map[string]string{envPassword: ""}, stdin: testPassword + "\n", steps: [][]string{
			{"login", "--password-stdin"}}},
		{name: "wrong password", env: map[string]string{envPassword: wrongPassword}, steps: [][]string{{"login"}}},
		{name: "server echoes password and token", fault: echoPassword, steps: [][]string{{"login"}}},
		{name: "server echoes cookie on logout", fault: echoSecrets, steps: [][]string{
			{"login", "--session-file", "{file}"}, {"logout", "--session-file", "{file}"}}},
		{name: "retries", fault: firstN(2, http.StatusServiceUnavailable), steps: [][]string{
			{"login", "--session-file", "{file}"}, {"logout", "--session-file", "{file}"}}},
		{name: "password flag refused", steps: [][]string{{"login", "--password", testPassword}}},
	}
	modes := [][]string{nil, {"--json"}, {"--verbose"}, {"--json", "--verbose"}}
	for _, sc := range scenarios {
		for _, mode := range modes {
			t.Run(sc.name+"/"+strings.Join(append([]string{"human"}, mode...), " "), func(t *testing.T) {
				api := newFakeAPI(t, sc.fault)
				env := envFor(api.URL)
				for k, v := range sc.env {
					env[k] = v
				}
				file := filepath.Join(t.TempDir(), "s")
				var printed strings.Builder
				for _, step := range sc.steps {
					args := make([]string, 0, len(step)+len(mode))
					for _, a := range step {
						args = append(args, strings.ReplaceAll(a, "{file}", file))
					}
					got := runCLI(t, env, sc.stdin, append(args, mode...)...)
					printed.WriteString(got.stdout + got.stderr)
					if strings.Contains(strings.Join(mode, " "), "--verbose") && len(api.Calls()) > 0 {
						require.Contains(t, got.stderr, "loremup: request", "--verbose logs the requests")
					}
				}

				secrets := append([]string{testToken, testPassword, wrongPassword}, api.Issued()...)
				for _, s := range secrets {
					assert.NotContains(t, printed.String(), s)
				}
			})
		}
	}
}

func TestVerbose_LogsEachRequestAndRetryToStderr(t *testing.T) {
	api := newFakeAPI(t, firstN(1, http.StatusServiceUnavailable))

	got := runCLI(t, envFor(api.URL), "", "login", "--verbose")

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, 2, strings.Count(got.stderr, `msg="loremup: request"`), got.stderr)
	assert.Equal(t, 1, strings.Count(got.stderr, `msg="loremup: retrying"`), got.stderr)
	assert.Contains(t, got.stderr, "level=DEBUG")
	assert.True(t, strings.HasPrefix(got.stdout, "logged in "), "the result stays on stdout")
}

func TestVerbose_IsSilentWithoutTheFlag(t *testing.T) {
	api := newFakeAPI(t, firstN(1, http.StatusServiceUnavailable))

	got := runCLI(t, envFor(api.URL), "", "login")

	require.Equal(t, exitOK, got.code)
	assert.Empty(t, got.stderr)
}
