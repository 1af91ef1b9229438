package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
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

// buildBinaries builds loremup and loremup-fake into a temporary
// directory, as a user would install them.
func buildBinaries(t *testing.T) (cli, fake string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	dir := t.TempDir()
	build := exec.Command(goBin, "build", "-o", dir+string(filepath.Separator), ".", "../loremup-fake")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	return filepath.Join(dir, "loremup"+exe), filepath.Join(dir, "loremup-fake"+exe)
}

// startFake starts loremup-fake on a free loopback port and returns its
// base URL and a function that stops it with SIGINT and returns its exit
// code.
func startFake(t *testing.T, bin string, args ...string) (baseURL string, stop func() int) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	var stderr lockedBuffer // written by exec's copying goroutine while the test reads
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	stopped := false
	stop = func() int {
		if stopped {
			return -1
		}
		stopped = true
		if runtime.GOOS == "windows" {
			_ = cmd.Process.Kill() // no SIGINT to send there
		} else {
			_ = cmd.Process.Signal(os.Interrupt)
		}
		_ = cmd.Wait()
		return cmd.ProcessState.ExitCode()
	}
	t.Cleanup(func() { stop() })

	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
	}()
	select {
	case s := <-line:
		baseURL = strings.TrimSpace(s)
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill() // ends the read above
		t.Fatalf("loremup-fake printed no URL; stderr: %s", stderr.String())
	}
	require.True(t, strings.HasPrefix(baseURL, "http://127.0.0.1:"), "first line of stdout: %q; stderr: %s", baseURL, stderr.String())
	return baseURL, stop
}

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

// shell runs the CLI binary as a shell would: env as the whole
// environment, stdin as its input.
func shell(ctx context.Context, t *testing.T, bin string, env []string, stdin string, args ...string) outcome {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("running %s %q: %v", bin, args, err)
	}
	return outcome{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
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
