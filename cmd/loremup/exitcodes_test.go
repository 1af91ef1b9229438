package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each failure class has its documented exit code, and the classes that
// can be known before sending send nothing.
func TestRun_ExitCodeOfEachFailureClass(t *testing.T) {
	tests := []struct {
		name         string
		fault        fault
		env          func(base string) map[string]string // default envFor
		args         []string
		want         int
		sendsNothing bool
		nobodyThere  bool // the base URL is a loopback port nothing listens on
	}{
		{name: "login succeeds", args: []string{"login"}, want: exitOK},
		{name: "logout succeeds", args: []string{"logout", "--session-file", "{saved}"}, want: exitOK},
		{name: "status succeeds", args: []string{"status", "--session-file", "{saved}"}, want: exitOK, sendsNothing: true},
		{name: "version succeeds", args: []string{"version"}, want: exitOK, sendsNothing: true},

		{name: "usage: no command", args: nil, want: exitUsage, sendsNothing: true},
		{name: "usage: unknown command", args: []string{"frobnicate"}, want: exitUsage, sendsNothing: true},
		{name: "usage: flag before command", args: []string{"--json", "login"}, want: exitUsage, sendsNothing: true},
		{name: "usage: unknown flag", args: []string{"login", "--frob"}, want: exitUsage, sendsNothing: true},
		{name: "usage: bad duration", args: []string{"login", "--timeout", "soon"}, want: exitUsage, sendsNothing: true},
		{name: "usage: negative timeout", args: []string{"login", "--timeout", "-1s"}, want: exitUsage, sendsNothing: true},
		{name: "usage: positional argument", args: []string{"login", "extra"}, want: exitUsage, sendsNothing: true},
		{name: "usage: password flag", args: []string{"login", "--password", "x"}, want: exitUsage, sendsNothing: true},
		{name: "usage: missing base URL", args: []string{"login"}, want: exitUsage, sendsNothing: true,
			env: func(string) map[string]string { return with(envFor(""), envBaseURL, "") }},
		{name: "usage: SDK refuses token with a space", args: []string{"login", "--token", "a b"}, want: exitUsage, sendsNothing: true},
		{name: "usage: SDK refuses plain http to a remote host", args: []string{"login", "--base-url", "http://example.com"}, want: exitUsage, sendsNothing: true},
		{name: "usage: SDK refuses negative --max-retries", args: []string{"login", "--max-retries", "-1"}, want: exitUsage, sendsNothing: true},
		{name: "usage: SDK refuses empty --form-name", args: []string{"logout", "--session-file", "{saved}", "--form-name", ""}, want: exitUsage, sendsNothing: true},
		{name: "usage: status without --session-file", args: []string{"status"}, want: exitUsage, sendsNothing: true},
		{name: "usage: logout without --session-file", args: []string{"logout"}, want: exitUsage, sendsNothing: true},
		{name: "usage: help for unknown command", args: []string{"help", "frobnicate"}, want: exitUsage, sendsNothing: true},

		{name: "unauthorized: unknown token", args: []string{"login", "--token", "wrong-token"}, want: exitUnauthorized},
		{name: "unauthorized: unknown password", args: []string{"login"}, want: exitUnauthorized,
			env: func(base string) map[string]string { return with(envFor(base), envPassword, "wrong-password") }},
		{name: "unauthorized: logout with unknown token", args: []string{"logout", "--session-file", "{saved}", "--token", "wrong-token"}, want: exitUnauthorized},
		{name: "not acceptable: unknown form name", args: []string{"login", "--form-name", "nope"}, want: exitNotAccepted},
		{name: "validation: e-mail not an address", args: []string{"login", "--email", "not-an-address"}, want: exitInvalid},

		{name: "network: connection refused", args: []string{"login", "--max-retries", "0"}, want: exitNetwork, nobodyThere: true},
		{name: "network: 503 until retries run out", fault: always(http.StatusServiceUnavailable), args: []string{"login", "--max-retries", "1"}, want: exitNetwork},
		{name: "network: 429", fault: always(http.StatusTooManyRequests), args: []string{"login", "--max-retries", "0"}, want: exitNetwork},
		{name: "network: 500", fault: always(http.StatusInternalServerError), args: []string{"login"}, want: exitNetwork},
		{name: "network: retry budget spent", fault: always(http.StatusServiceUnavailable), args: []string{"login", "--max-retries", "50"}, want: exitNetwork},
		{name: "network: --timeout reached", fault: hang, args: []string{"login", "--timeout", "50ms"}, want: exitNetwork},

		{name: "other: redirect", fault: redirect, args: []string{"login"}, want: exitOther},
		{name: "other: 404", fault: notFound, args: []string{"login"}, want: exitOther},
		{name: "other: 200 HTML page instead of a login", fault: htmlPage, args: []string{"login"}, want: exitOther},
		{name: "other: session file in a missing directory", args: []string{"login", "--session-file", "/nonexistent-dir/s.json"}, want: exitOther, sendsNothing: true},
		{name: "other: logout of a file that is not a session", args: []string{"logout", "--session-file", "{garbage}"}, want: exitOther, sendsNothing: true},

		{name: "no session: logout of a missing session file", args: []string{"logout", "--session-file", "/nonexistent-dir/s.json"}, want: exitNoSession, sendsNothing: true},
		{name: "no session: logout of an expired session", args: []string{"logout", "--session-file", "{expired}"}, want: exitNoSession, sendsNothing: true},
		{name: "no session: status of a missing session file", args: []string{"status", "--session-file", "/nonexistent-dir/s.json"}, want: exitNoSession, sendsNothing: true},
		{name: "no session: status of an expired session", args: []string{"status", "--session-file", "{expired}"}, want: exitNoSession, sendsNothing: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			env := envFor(srv.URL)
			if tt.env != nil {
				env = tt.env(srv.URL)
			}
			if tt.nobodyThere {
				env[envBaseURL] = closedURL(t)
			}
			dir := t.TempDir()
			garbage, expired := filepath.Join(dir, "garbage"), filepath.Join(dir, "expired")
			require.NoError(t, os.WriteFile(garbage, []byte("not json"), 0o600))
			require.NoError(t, os.WriteFile(expired, []byte(`{"session":{"cookies":[{"name":"`+cookieName+`","value":"v","expires":"2001-01-01T00:00:00Z"}]}}`), 0o600))
			for _, mode := range [][]string{nil, {"--json"}} {
				// A fresh session for each run that logs out.
				saved := filepath.Join(dir, "saved")
				require.Equal(t, exitOK, runCLI(t, envFor(srv.URL), "", "login", "--session-file", saved).code)
				before := srv.RequestCount()
				if tt.fault != nil {
					tt.fault(srv)
				}
				args := append([]string(nil), tt.args...)
				for i, a := range args {
					args[i] = strings.NewReplacer("{saved}", saved, "{garbage}", garbage, "{expired}", expired).Replace(a)
				}
				if tt.args != nil {
					args = append(args, mode...) // with no command at all, nothing to add a flag to
				}

				got := runCLI(t, env, "", args...)

				srv.ClearFaults()
				assert.Equal(t, tt.want, got.code, "args %q\nstdout: %s\nstderr: %s", args, got.stdout, got.stderr)
				if tt.sendsNothing {
					assert.Equal(t, before, srv.RequestCount(), "nothing should be sent")
				}
			}
		})
	}
}

func TestRun_InterruptedIs130(t *testing.T) {
	srv := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // as SIGINT does through main's signal.NotifyContext

	got := runCLIContext(ctx, t, envFor(srv.URL), "", "login", "--session-file", filepath.Join(t.TempDir(), "s"))

	require.Equal(t, exitInterrupted, got.code, got.stderr)
	assert.Contains(t, got.stderr, "interrupted")
}

func TestRun_TimeoutMessageNamesTheFlag(t *testing.T) {
	srv := newFake(t)
	hang(srv)

	got := runCLI(t, envFor(srv.URL), "", "login", "--timeout", "50ms")

	require.Equal(t, exitNetwork, got.code)
	assert.Contains(t, got.stderr, "timed out after 50ms (--timeout)")
}
