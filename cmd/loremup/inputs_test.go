package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogin_PasswordFromEnvironment(t *testing.T) {
	srv := newFake(t)

	got := runCLI(t, envFor(srv.URL), "", "login")

	require.Equal(t, exitOK, got.code, got.stderr)
	_, password := sentForm(t, srv)
	assert.Equal(t, testPassword, password)
}

// --password-stdin reads the first line, without its line ending, and
// wins over LOREMUP_PASSWORD.
func TestLogin_PasswordFromStdin(t *testing.T) {
	tests := []struct{ name, stdin string }{
		{"newline", testPassword + "\n"},
		{"CRLF", testPassword + "\r\n"},
		{"no line ending", testPassword},
		{"more lines follow", testPassword + "\nsomething else\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			env := with(envFor(srv.URL), envPassword, "the-variable-loses")

			got := runCLI(t, env, tt.stdin, "login", "--password-stdin")

			require.Equal(t, exitOK, got.code, got.stderr)
			_, password := sentForm(t, srv)
			assert.Equal(t, testPassword, password)
		})
	}
}

func TestLogin_EmptyPasswordOnStdinIsAUsageError(t *testing.T) {
	for _, stdin := range []string{"", "\n", "\r\n"} {
		srv := newFake(t)

		got := runCLI(t, envFor(srv.URL), stdin, "login", "--password-stdin")

		assert.Equal(t, exitUsage, got.code, "%q", stdin)
		assert.Contains(t, got.stderr, "--password-stdin", "%q", stdin)
		assert.Zero(t, srv.RequestCount())
	}
}

// A password is never taken from a flag, and the refused value is never
// echoed.
func TestLogin_RefusesPasswordAsAFlag(t *testing.T) {
	const secret = "flag-pw-Q7zz"
	for _, args := range [][]string{
		{"login", "--password", secret},
		{"login", "--password=" + secret},
		{"login", "-password", secret},
		{"login", "--email", testEmail, "--password", secret, "--json"},
		{"login", "--password"},
	} {
		srv := newFake(t)

		got := runCLI(t, with(envFor(srv.URL), envPassword, ""), "", args...)

		assert.Equal(t, exitUsage, got.code, "%q", args)
		assert.Contains(t, got.stdout+got.stderr, "--password is not accepted", "%q", args)
		assert.Contains(t, got.stdout+got.stderr, envPassword, "%q", args)
		assert.NotContains(t, got.stdout+got.stderr, secret, "%q", args)
		assert.Zero(t, srv.RequestCount(), "%q", args)
	}
}

// Each missing input is a usage error that says how to give it, and
// nothing is sent.
func TestRun_MissingInputsAreUsageErrors(t *testing.T) {
	tests := []struct {
		name    string
		unset   string
		args    []string
		field   string
		message string
	}{
		{"base URL", envBaseURL, []string{"login"}, "--base-url", "missing base URL: pass --base-url or set LOREMUP_BASE_URL"},
		{"base URL for logout of an old session file", envBaseURL, []string{"logout", "--session-file", "{legacy}"}, "--base-url", "missing base URL: pass --base-url or set LOREMUP_BASE_URL"},
		{"token", envToken, []string{"login"}, "--token", "missing API token: set LOREMUP_API_TOKEN (or pass --token)"},
		{"token for logout", envToken, []string{"logout", "--session-file", "{legacy}"}, "--token", "missing API token: set LOREMUP_API_TOKEN (or pass --token)"},
		{"e-mail", envEmail, []string{"login"}, "--email", "missing e-mail: pass --email or set LOREMUP_EMAIL"},
		{"password", envPassword, []string{"login"}, "password", "missing password: set LOREMUP_PASSWORD or pipe it with --password-stdin (at a terminal, login asks for it)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			env := with(envFor(srv.URL), tt.unset, "")
			// A session file as older versions wrote it: no base URL in it.
			legacy := filepath.Join(t.TempDir(), "legacy")
			require.NoError(t, os.WriteFile(legacy, []byte(`{"cookies":[{"name":"`+cookieName+`","value":"v"}]}`), 0o600))
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "{legacy}", legacy)
			}

			human := runCLI(t, env, "", args...)
			asJSON := runCLI(t, env, "", append(args, "--json")...)

			assert.Equal(t, exitUsage, human.code)
			assert.Contains(t, human.stderr, tt.message)
			assert.Contains(t, human.stderr, "Run 'loremup help "+tt.args[0]+"' for usage.")
			assert.Empty(t, human.stdout)
			require.Equal(t, exitUsage, asJSON.code)
			errObj := errorOf(t, decodeOne(t, asJSON.stdout))
			assert.Equal(t, tt.message, errObj["message"])
			assert.Equal(t, tt.field, errObj["field"])
			assert.Zero(t, srv.RequestCount())
		})
	}
}

// A flag that is given wins over its environment variable.
func TestRun_FlagsWinOverEnvironment(t *testing.T) {
	srv := newFake(t)
	env := map[string]string{
		envBaseURL:  closedURL(t),
		envToken:    "env-token-loses",
		envEmail:    "env@example.com",
		envPassword: testPassword,
	}

	got := runCLI(t, env, "", "login", "--base-url", srv.URL, "--token", testToken, "--email", testEmail)

	require.Equal(t, exitOK, got.code, got.stderr)
	email, _ := sentForm(t, srv)
	assert.Equal(t, testEmail, email)
	assert.Equal(t, "Token token="+testToken, sentRequests(t, srv)[0].Authorization)
}

func TestRun_EmptyFlagStillWinsOverEnvironment(t *testing.T) {
	srv := newFake(t)

	got := runCLI(t, envFor(srv.URL), "", "login", "--email", "")

	assert.Equal(t, exitUsage, got.code)
	assert.Contains(t, got.stderr, "missing e-mail")
}

// The request carries the documented headers, a User-Agent naming the
// command, and the form names of the API's reference page by default.
func TestRun_SendsTheSeedsFormNamesByDefault(t *testing.T) {
	srv := newFake(t)

	file := filepath.Join(t.TempDir(), "s")
	require.Equal(t, exitOK, runCLI(t, envFor(srv.URL), "", "login", "--session-file", file).code)
	require.Equal(t, exitOK, runCLI(t, envFor(srv.URL), "", "logout", "--session-file", file).code)

	reqs := sentRequests(t, srv)
	require.Len(t, reqs, 2)
	assert.Equal(t, createForm, reqs[0].Body["form_name"])
	assert.Equal(t, deleteForm, reqs[1].Body["form_name"])
	assert.Contains(t, reqs[0].UserAgent, "loremup-cli/")
}
