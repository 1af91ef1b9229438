package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun_ServesUntilCanceledAndLogsWithoutSecrets(t *testing.T) {
	s := start(t, "--addr", "127.0.0.1:0", "--token", token, "--user", email+":"+password)
	require.Regexp(t, `^http://127\.0\.0\.1:\d+$`, s.url)

	resp := call(t, http.MethodPost, s.url+"/api/sessions", token, loginBody(email, password))
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	cookie := resp.Cookies()[0]
	resp = call(t, http.MethodDelete, s.url+"/api/sessions", token, `{"form_name":"reference_rest_api_delete_sessions"}`, cookie)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp = call(t, http.MethodPost, s.url+"/api/sessions", "wrong", loginBody(email, password))
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	assert.Equal(t, exitOK, s.shutdown())

	assert.Equal(t, s.url+"\n", s.stdout.String(), "stdout holds the URL and nothing else")
	logs := s.stderr.String()
	assert.Contains(t, logs, "method=POST path=/api/sessions status=201")
	assert.Contains(t, logs, "method=DELETE path=/api/sessions status=204")
	assert.Contains(t, logs, "status=401")
	assert.Contains(t, logs, "shut down")
	for _, secret := range []string{token, password, cookie.Value} {
		assert.NotContains(t, logs, secret)
	}
}

func TestRun_GeneratesAndPrintsATokenWhenNoneGiven(t *testing.T) {
	s := start(t, "--user", email+":"+password)
	m := regexp.MustCompile(`API token: (\S+)`).FindStringSubmatch(s.stderr.String())
	require.NotNil(t, m, s.stderr.String())

	resp := call(t, http.MethodPost, s.url+"/api/sessions", m[1], loginBody(email, password))
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
}

func TestRun_QuietLogsNoRequests(t *testing.T) {
	s := start(t, "--quiet", "--token", token, "--user", email+":"+password)
	resp := call(t, http.MethodPost, s.url+"/api/sessions", token, loginBody(email, password))
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Equal(t, exitOK, s.shutdown())
	assert.Empty(t, s.stderr.String())
}

func TestRun_FlagsConfigureTheFake(t *testing.T) {
	users := filepath.Join(t.TempDir(), "users.json")
	require.NoError(t, os.WriteFile(users, []byte(`[{"email":"grace@example.com","password":"pw:with:colons"}]`), 0o600))
	s := start(t, "--token", token, "--users", users, "--user", "bob@example.com:a:b",
		"--create-form", "my_login", "--delete-form", "my_logout", "--prefix", "/tenant", "--max-body-bytes", "200")
	require.True(t, strings.HasSuffix(s.url, "/tenant"), s.url)
	api := s.url + "/api/sessions"

	tests := []struct {
		name   string
		method string
		body   string
		status int
	}{
		{"user from file", http.MethodPost, `{"form_name":"my_login","form":{"email":"grace@example.com","password":"pw:with:colons"}}`, 201},
		{"user split at first colon", http.MethodPost, `{"form_name":"my_login","form":{"email":"bob@example.com","password":"a:b"}}`, 201},
		{"default create form refused", http.MethodPost, loginBody("bob@example.com", "a:b"), 406},
		{"delete form", http.MethodDelete, `{"form_name":"my_logout"}`, 204},
		{"body cap", http.MethodDelete, `{"form_name":"my_logout","pad":"` + strings.Repeat("x", 300) + `"}`, 406},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.status, call(t, tt.method, api, token, tt.body).StatusCode)
		})
	}
}

func TestRun_RefusesBadFlagsWithOneLine(t *testing.T) {
	badJSON := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(badJSON, []byte(`{"email": "x"}`), 0o600))
	noEmail := filepath.Join(t.TempDir(), "noemail.json")
	require.NoError(t, os.WriteFile(noEmail, []byte(`[{"password": "`+password+`"}]`), 0o600))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--nope"}, "unknown flag --nope"},
		{"missing value", []string{"--token"}, "--token needs a value"},
		{"positional argument", []string{"serve"}, "unexpected argument #1"},
		{"user without colon", []string{"--user", "ada@example.com"}, "--user #1: want EMAIL:PASSWORD"},
		{"user without email", []string{"--user", ":" + password}, "--user #1: want EMAIL:PASSWORD"},
		{"bad token", []string{"--token", "has space"}, "API token must be printable ASCII"},
		{"zero body cap", []string{"--max-body-bytes", "0"}, "--max-body-bytes must be positive"},
		{"bad body cap", []string{"--max-body-bytes", "lots"}, "invalid value for --max-body-bytes: want a whole number"},
		{"empty form name", []string{"--create-form", ""}, "must not be empty"},
		{"bad prefix", []string{"--prefix", "/a?b"}, "path prefix"},
		{"unclean prefix", []string{"--prefix", "/a/../b"}, "path prefix"},
		{"zero session lifetime", []string{"--session-lifetime", "0s"}, "--session-lifetime and --max-sessions must be positive"},
		{"negative max sessions", []string{"--max-sessions", "-1"}, "--session-lifetime and --max-sessions must be positive"},
		{"zero read timeout", []string{"--read-timeout", "0s"}, "--read-timeout, --write-timeout and --idle-timeout must be positive"},
		{"missing users file", []string{"--users", "/does/not/exist.json"}, "--users:"},
		{"users file not an array", []string{"--users", badJSON}, "want a JSON array"},
		{"users file entry without email", []string{"--users", noEmail}, "entry 0 has no email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr := newOutput(), newOutput()
			code := run(context.Background(), tt.args, stdout, stderr)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout.String())
			msg := stderr.String()
			assert.Equal(t, 1, strings.Count(msg, "\n"), "one line: %q", msg)
			assert.True(t, strings.HasPrefix(msg, "loremup-fake: "), msg)
			assert.Contains(t, msg, tt.want)
			assert.NotContains(t, msg, password)
		})
	}
}

// The help lists every flag as loremup does, "--name VALUE" with its
// default, for -h and --help alike, on stdout.
func TestRun_HelpPrintsFlagsWithTwoDashesAndExitsZero(t *testing.T) {
	for _, arg := range []string{"-h", "--help", "-help"} {
		t.Run(arg, func(t *testing.T) {
			stdout, stderr := newOutput(), newOutput()
			require.Equal(t, exitOK, run(context.Background(), []string{arg}, stdout, stderr))
			assert.Empty(t, stderr.String())
			help := stdout.String()
			assert.Contains(t, help, "Usage:\n  loremup-fake [flags]\n")
			assert.Contains(t, help, "GET {prefix}/api/me")
			for _, want := range []string{
				"  --addr HOST:PORT ", "(default 127.0.0.1:0)",
				"  --user EMAIL:PASSWORD ", "  --users FILE ", "  --token TOKEN ",
				"  --cookie-rotation ", "  --record ", "  --quiet ", "  --version ",
				"  --session-lifetime DURATION", "(default 24h)",
				"  --read-timeout DURATION ", "(default 30s)",
				"  --idle-timeout DURATION ", "(default 2m)",
				"  --max-sessions N ", "(default 100000)",
				"  --max-body-bytes N ", "(default 65536)",
				"  -h, --help ",
			} {
				assert.Contains(t, help, want)
			}
			for _, line := range strings.Split(help, "\n") {
				if strings.HasPrefix(line, "  -") && !strings.HasPrefix(line, "  -h, --help") {
					assert.True(t, strings.HasPrefix(line, "  --"), "a flag shown with one dash: %q", line)
				}
				assert.LessOrEqual(t, len(line), 80, "%q", line)
			}
			assert.NotContains(t, help, "0 users", "no default shown for --user")
			assert.NotContains(t, help, "0m0s", "durations shown as typed")
		})
	}
}

// Errors of the flag package name the flag as the user typed it ("-v"
// is not misquoted as "--v", nor "--v" as "-v") and never repeat a
// value.
func TestRun_FlagErrorsNameTheFlagAsTyped(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-v"}, "loremup-fake: unknown flag -v; for the version: loremup-fake --version (see loremup-fake --help)\n"},
		{[]string{"--v"}, "loremup-fake: unknown flag --v; for the version: loremup-fake --version (see loremup-fake --help)\n"},
		{[]string{"--frob=some-value"}, "loremup-fake: unknown flag --frob (see loremup-fake --help)\n"},
		{[]string{"-frob"}, "loremup-fake: unknown flag -frob (see loremup-fake --help)\n"},
		{[]string{"-addr"}, "loremup-fake: -addr needs a value (see loremup-fake --help)\n"},
		{[]string{"--addr"}, "loremup-fake: --addr needs a value (see loremup-fake --help)\n"},
		{[]string{"-max-sessions=some-value"}, "loremup-fake: invalid value for -max-sessions: want a whole number (see loremup-fake --help)\n"},
		{[]string{"--session-lifetime", "some-value"}, "loremup-fake: invalid value for --session-lifetime: want a duration such as 30s or 2m (see loremup-fake --help)\n"},
		{[]string{"--quiet=some-value"}, "loremup-fake: invalid value for --quiet: it takes no value (or =true, =false) (see loremup-fake --help)\n"},
		{[]string{"---quiet"}, "loremup-fake: bad flag syntax: flags are written --name or --name=value (see loremup-fake --help)\n"},
		{[]string{"-control-addr", "127.0.0.1:0"}, "loremup-fake: -control-addr needs --control (see loremup-fake --help)\n"},
	}
	for _, tt := range tests {
		stdout, stderr := newOutput(), newOutput()

		code := run(context.Background(), tt.args, stdout, stderr)

		assert.Equal(t, exitUsage, code, "%q", tt.args)
		assert.Empty(t, stdout.String(), "%q", tt.args)
		assert.Equal(t, tt.want, stderr.String(), "%q", tt.args)
		assert.NotContains(t, stderr.String(), "some-value", "%q", tt.args)
	}
}

// Every flag takes one dash as well as two, with its value as the next
// argument or after "=": the flag package's rule, which the help states.
func TestParseArgs_OneDashAndTwoDashesAreTheSame(t *testing.T) {
	users := filepath.Join(t.TempDir(), "users.json")
	require.NoError(t, os.WriteFile(users, []byte(`[{"email": "bob@example.com", "password": "pw"}]`), 0o600))
	values := [][2]string{
		{"addr", "127.0.0.1:8080"}, {"token", token}, {"user", email + ":" + password}, {"users", users},
		{"create-form", "my_login"}, {"delete-form", "my_logout"}, {"prefix", "/tenant"},
		{"max-body-bytes", "200"}, {"session-lifetime", "1h"}, {"max-sessions", "5"},
		{"read-timeout", "5s"}, {"idle-timeout", "7s"}, {"control-addr", "127.0.0.1:9090"},
		{"control-token", "ctl_0a1b2c3d4e"},
	}
	bools := []string{"quiet", "cookie-rotation", "record", "control", "version"}
	forms := map[string][]string{}
	for _, v := range values {
		forms["-name value"] = append(forms["-name value"], "-"+v[0], v[1])
		forms["--name value"] = append(forms["--name value"], "--"+v[0], v[1])
		forms["--name=value"] = append(forms["--name=value"], "--"+v[0]+"="+v[1])
		forms["-name=value"] = append(forms["-name=value"], "-"+v[0]+"="+v[1])
	}
	for _, b := range bools {
		forms["-name value"] = append(forms["-name value"], "-"+b)
		forms["--name value"] = append(forms["--name value"], "--"+b)
		forms["--name=value"] = append(forms["--name=value"], "--"+b+"=true")
		forms["-name=value"] = append(forms["-name=value"], "-"+b+"=true")
	}
	want, err := parseArgs(forms["--name value"], io.Discard)
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:8080", want.addr)
	require.True(t, want.quiet)
	require.Len(t, want.cfg.Users, 2)

	for form, args := range forms {
		got, err := parseArgs(args, io.Discard)
		require.NoError(t, err, form)
		assert.Equal(t, want, got, form)
	}
}

func TestRun_BusyPortExitsOneWithAMessage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()

	stdout, stderr := newOutput(), newOutput()
	code := run(context.Background(), []string{"--addr", ln.Addr().String(), "--token", token}, stdout, stderr)
	assert.Equal(t, exitServe, code)
	assert.Empty(t, stdout.String())
	msg := stderr.String()
	assert.Equal(t, 1, strings.Count(msg, "\n"), "one line: %q", msg)
	assert.Contains(t, msg, "loremup-fake: cannot listen:")
	assert.Contains(t, msg, ln.Addr().String())
}

func TestBaseURL_ReachesUnspecifiedAddressesThroughLoopback(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80}, "http://127.0.0.1:80"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "http://127.0.0.1:8080"},
		// What net.Listen("tcp", "0.0.0.0:8080") reports: Go listens on a
		// wildcard address dual-stack, so the address reads "::". The
		// README and the container image promise http://127.0.0.1:8080,
		// which also works where IPv6 is disabled.
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "http://127.0.0.1:8080"},
		{&net.TCPAddr{IP: nil, Port: 8080}, "http://127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 1}, "http://[::1]:1"},
		{&net.TCPAddr{IP: net.ParseIP("10.1.2.3"), Port: 9}, "http://10.1.2.3:9"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, baseURL(tt.addr))
	}
}

// A flag value with an unquoted space leaves the rest of it as an
// argument, and a users file with a bare word has a syntax error at the
// password: neither message may repeat any of it.
func TestRun_BadArgumentsNeverEchoAPassword(t *testing.T) {
	const secret = "Zq9-secret-rest"
	users := filepath.Join(t.TempDir(), "users.json")
	require.NoError(t, os.WriteFile(users, []byte(`[{"email":"ada@example.com","password":`+secret+`}]`), 0o600))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"rest of a -user value", []string{"--user", "ada@example.com:first", secret}, "unexpected argument #3"},
		{"bare password in the users file", []string{"--users", users}, "syntax error at byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr := newOutput(), newOutput()
			assert.Equal(t, exitUsage, run(context.Background(), tt.args, stdout, stderr))
			msg := stderr.String()
			assert.Contains(t, msg, tt.want)
			assert.NotContains(t, msg, secret)
			assert.NotContains(t, msg, "'Z'", "no character of the password")
		})
	}
}
