package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// End to end: build both commands, serve loremup-fake, log in and out
// with loremup as separate processes sharing a session file, then stop
// the fake with SIGINT.
func TestEndToEnd_LoginAndLogoutAgainstLoremupFake(t *testing.T) {
	const (
		token    = "e2e-token-Hq4p"
		email    = "grace@example.com"
		password = "e2e-pw-Lm2z"
	)
	cliBin, fakeBin := buildBinaries(t)
	baseURL, stopFake := startFake(t, fakeBin, "--token", token, "--user", email+":"+password)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	env := []string{envBaseURL + "=" + baseURL, envToken + "=" + token, envPassword + "=" + password}
	file := filepath.Join(t.TempDir(), "grace.session")
	var printed strings.Builder
	step := func(stdin string, env []string, args ...string) outcome {
		got := shell(ctx, t, cliBin, env, stdin, args...)
		printed.WriteString(got.stdout + got.stderr)
		return got
	}

	// A wrong password: exit 3, the server's answer as JSON.
	wrong := step("", []string{envBaseURL + "=" + baseURL, envToken + "=" + token, envPassword + "=not-it-9"},
		"login", "--email", email, "--json")
	assert.Equal(t, exitUnauthorized, wrong.code, wrong.stderr)
	wrongObj := decodeOne(t, wrong.stdout)
	assert.InDelta(t, 401, errorOf(t, wrongObj)["status"], 0)

	// Log in, password from the environment, saving the session.
	login := step("", env, "login", "--email", email, "--session-file", file)
	require.Equal(t, exitOK, login.code, login.stderr)
	assert.Equal(t, "logged in "+email+" (session cookie: _loremup_session), session saved to "+file+"\n", login.stdout)
	assert.Empty(t, login.stderr)
	fi, err := os.Stat(file)
	require.NoError(t, err)
	if runtime.GOOS != "windows" {
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
	cookieValue := savedCookie(t, file)

	// Log out that session in another process.
	logout := step("", env, "logout", "--session-file", file, "--json")
	require.Equal(t, exitOK, logout.code, logout.stderr)
	assert.Equal(t, map[string]any{
		"ok": true, "command": "logout", "email": email, "cookies": []any{"_loremup_session"},
		"session_file": file, "session_file_removed": true,
	}, decodeOne(t, logout.stdout))
	assert.NoFileExists(t, file)

	// The password piped on stdin, as from a secret store.
	piped := step(password+"\n", env[:2], "login", "--email", email, "--password-stdin", "--verbose")
	assert.Equal(t, exitOK, piped.code, piped.stderr)
	assert.Contains(t, piped.stderr, `msg="loremup: request"`)
	assert.Contains(t, piped.stderr, "stays open on the server", "login without --session-file warns")

	// The session file is gone: logging out again ends nothing, and says so.
	again := step("", env, "logout", "--session-file", file)
	assert.Equal(t, exitNoSession, again.code)
	assert.Contains(t, again.stderr, "nothing to log out")

	if code := stopFake(); runtime.GOOS != "windows" {
		assert.Equal(t, 0, code, "loremup-fake exits 0 on SIGINT")
	}
	for _, secret := range []string{token, password, "not-it-9", cookieValue} {
		assert.NotContains(t, printed.String(), secret)
	}
}

// SIGINT to a running loremup cancels the call in flight: it exits 130
// at once rather than waiting for --timeout, and says why.
func TestEndToEnd_SIGINTCancelsTheCallWithExit130(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send to a process on windows")
	}
	cliBin, _ := buildBinaries(t)
	srv := newFake(t)
	hang(srv) // until the client goes away
	cmd := exec.Command(cliBin, "login", "--timeout", "1m", "--json")
	cmd.Env = []string{envBaseURL + "=" + srv.URL, envToken + "=" + testToken, envEmail + "=" + testEmail, envPassword + "=" + testPassword}
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	require.Eventually(t, func() bool { return srv.RequestCount() == 1 }, 20*time.Second, 10*time.Millisecond,
		"the login never reached the server; stderr: %s", &stderr)

	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	_ = cmd.Wait()

	assert.Equal(t, exitInterrupted, cmd.ProcessState.ExitCode(), stderr.String())
	obj := decodeOne(t, stdout.String())
	assert.InDelta(t, exitInterrupted, obj["exit_code"], 0)
	assert.Contains(t, errorOf(t, obj)["message"], "interrupted")
}

// Help that was asked for is the output: both binaries print it on stdout,
// nothing on stderr, and exit 0, so 'loremup --help | less' works.
func TestEndToEnd_HelpGoesToStdoutForBothBinaries(t *testing.T) {
	cliBin, fakeBin := buildBinaries(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, tt := range []struct {
		bin   string
		args  []string
		usage string
	}{
		{cliBin, []string{"--help"}, "Usage:\n  loremup <command>"},
		{cliBin, []string{"-h"}, "Usage:\n  loremup <command>"},
		{cliBin, []string{"logout", "--help"}, "Usage:\n  loremup logout"},
		{fakeBin, []string{"--help"}, "Usage:\n  loremup-fake [flags]"},
		{fakeBin, []string{"-h"}, "Usage:\n  loremup-fake [flags]"},
	} {
		got := shell(ctx, t, tt.bin, nil, "", tt.args...)

		assert.Equal(t, exitOK, got.code, "%s %q: %s", filepath.Base(tt.bin), tt.args, got.stderr)
		assert.Contains(t, got.stdout, tt.usage, "%s %q", filepath.Base(tt.bin), tt.args)
		assert.Empty(t, got.stderr, "%s %q", filepath.Base(tt.bin), tt.args)
	}
}
