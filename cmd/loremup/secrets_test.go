package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/internal/redact"
	"github.com/loremup/loremup-go/loremuptest"
)

// Nothing the command prints, in any mode and on any path, holds the API
// token, the password or a cookie value; --verbose logs through the SDK's
// logger, which must not either.
func TestRun_NeverPrintsSecrets(t *testing.T) {
	const wrongPassword = "wrong-pw-Vb83"
	type step struct {
		args   []string // {file} is a session file
		before func(srv *loremuptest.Server, file string)
	}
	scenarios := []struct {
		name  string
		env   map[string]string // replaces variables of envFor
		stdin string
		steps []step
	}{
		{name: "login and logout", steps: []step{
			{args: []string{"login", "--session-file", "{file}"}},
			{args: []string{"status", "--session-file", "{file}"}},
			{args: []string{"logout", "--session-file", "{file}"}}}},
		{name: "login without session file, logout without", steps: []step{{args: []string{"login"}}, {args: []string{"logout"}}}},
		{name: "token given as a flag", env: map[string]string{envToken: "x"}, steps: []step{
			{args: []string{"login", "--token", testToken, "--session-file", "{file}"}},
			{args: []string{"logout", "--token", testToken, "--session-file", "{file}"}}}},
		{name: "token given as a bad flag value", steps: []step{{args: []string{"login", "--timeout=" + testToken}}}},
		{name: "password on stdin", env: map[string]string{envPassword: ""}, stdin: testPassword + "\n", steps: []step{
			{args: []string{"login", "--password-stdin"}}}},
		{name: "password given as the value of --password-stdin", steps: []step{
			{args: []string{"login", "--password-stdin=" + testPassword}}}},
		{name: "wrong password", env: map[string]string{envPassword: wrongPassword}, steps: []step{{args: []string{"login"}}}},
		{name: "server echoes password and token", steps: []step{{args: []string{"login"}, before: echoPassword}}},
		{name: "server echoes cookie on logout", steps: []step{
			{args: []string{"login", "--session-file", "{file}"}},
			{args: []string{"logout", "--session-file", "{file}"}, before: echoCookie}}},
		{name: "retries", steps: []step{
			{args: []string{"login", "--session-file", "{file}"}, before: func(srv *loremuptest.Server, _ string) { unavailableFirst(2)(srv) }},
			{args: []string{"logout", "--session-file", "{file}"}, before: func(srv *loremuptest.Server, _ string) { unavailableFirst(2)(srv) }}}},
		{name: "password flag refused", steps: []step{{args: []string{"login", "--password", testPassword}}}},
		{name: "password typed as the command", steps: []step{{args: []string{testPassword}}}},
		{name: "token typed as help's command", steps: []step{{args: []string{"help", testToken}}}},
	}
	modes := [][]string{nil, {"--json"}, {"--verbose"}, {"--json", "--verbose"}}
	for _, sc := range scenarios {
		for _, mode := range modes {
			t.Run(sc.name+"/"+strings.Join(append([]string{"human"}, mode...), " "), func(t *testing.T) {
				srv := newFake(t)
				env := envFor(srv.URL)
				for k, v := range sc.env {
					env[k] = v
				}
				file := filepath.Join(t.TempDir(), "s")
				var printed strings.Builder
				var issued []string
				for _, st := range sc.steps {
					if st.before != nil {
						st.before(srv, file)
					}
					args := make([]string, 0, len(st.args)+len(mode))
					for _, a := range st.args {
						args = append(args, strings.ReplaceAll(a, "{file}", file))
					}
					sentBefore := srv.RequestCount()
					got := runCLI(t, env, sc.stdin, append(args, mode...)...)
					printed.WriteString(got.stdout + got.stderr)
					issued = append(issued, liveIDs(srv)...)
					if strings.Contains(strings.Join(mode, " "), "--verbose") && srv.RequestCount() > sentBefore {
						require.Contains(t, got.stderr, "loremup: request", "--verbose logs the requests")
					}
				}

				for _, s := range append([]string{testToken, testPassword, wrongPassword}, issued...) {
					assert.NotContains(t, printed.String(), s)
				}
			})
		}
	}
}

func TestVerbose_LogsEachRequestAndRetryToStderr(t *testing.T) {
	srv := newFake(t)
	unavailableFirst(1)(srv)

	got := runCLI(t, envFor(srv.URL), "", "login", "--verbose")

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, 2, strings.Count(got.stderr, `msg="loremup: request"`), got.stderr)
	assert.Equal(t, 1, strings.Count(got.stderr, `msg="loremup: retrying"`), got.stderr)
	assert.Contains(t, got.stderr, "level=DEBUG")
	assert.True(t, strings.HasPrefix(got.stdout, "logged in "), "the result stays on stdout")
}

func TestVerbose_IsSilentWithoutTheFlag(t *testing.T) {
	srv := newFake(t)
	unavailableFirst(1)(srv)
	file := filepath.Join(t.TempDir(), "s")

	got := runCLI(t, envFor(srv.URL), "", "login", "--session-file", file)

	require.Equal(t, exitOK, got.code)
	assert.Empty(t, got.stderr)
}

// A cookie value a server echoes encoded (URL encoding, an HTML character
// reference) is hidden as well as one echoed as sent: the output goes
// through the one redaction engine, which knows those spellings.
func TestLogout_HidesAnEchoedCookieInAnySpelling(t *testing.T) {
	for _, mode := range []string{"--json=false", "--json"} {
		t.Run(mode, func(t *testing.T) {
			srv := newFake(t)
			file := filepath.Join(t.TempDir(), "s")
			require.Equal(t, exitOK, runCLI(t, envFor(srv.URL), "", "login", "--session-file", file).code)
			id := savedCookie(t, file)
			urlEncoded := fmt.Sprintf("%%%02X", id[0]) + id[1:]
			htmlRef := fmt.Sprintf("&#%d;", id[0]) + id[1:]
			srv.Inject(1, loremuptest.Fault{Status: http.StatusUnauthorized, Body: `{"errors":[{"status":"401","code":"echo",` +
				`"detail":"cookie ` + urlEncoded + ` is not ` + htmlRef + `"}]}`})

			got := runCLI(t, envFor(srv.URL), "", "logout", "--session-file", file, mode)

			require.Equal(t, exitUnauthorized, got.code, got.stderr)
			printed := got.stdout + got.stderr
			for _, s := range []string{id, urlEncoded, htmlRef} {
				assert.NotContains(t, printed, s)
			}
			assert.Contains(t, printed, "cookie "+redact.Marker+" is not "+redact.Marker)
		})
	}
}

// The printer hides the secrets it was given in every message, warning
// and --json field, in any spelling the redaction engine knows, even
// where the SDK's own redaction did not run (a message the command made).
func TestPrinter_HidesItsSecretsInEverySpelling(t *testing.T) {
	const secret = "cookie-value-Rq7z"
	spellings := []string{secret, "%63ookie-value-Rq7z", "&#99;ookie-value-Rq7z", "cookie&#x2D;value-Rq7z"}
	for _, asJSON := range []bool{false, true} {
		for _, spelled := range spellings {
			var stdout, stderr strings.Builder
			p := &printer{command: "logout", json: asJSON, stdout: &stdout, stderr: &stderr}
			p.addSecrets(secret)

			p.warn("saw %s", spelled)
			p.fail(&cliError{code: exitOther, field: "--session-file", msg: "got " + spelled})

			printed := stdout.String() + stderr.String()
			assert.NotContains(t, printed, spelled, "json %v", asJSON)
			assert.Contains(t, printed, "got "+redact.Marker, "json %v", asJSON)
			assert.Contains(t, stderr.String(), "saw "+redact.Marker, "json %v", asJSON)
		}
	}
}
