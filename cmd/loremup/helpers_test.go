package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/loremuptest"
)

// The secrets of every in-process test. They are long and distinctive so
// that finding one in the output cannot be a coincidence.
const (
	testToken    = "tok-Zq81xWv7Lm"
	testEmail    = "ada@example.com"
	testPassword = "pw-hunter2-Kx9Rt"
	cookieName   = loremuptest.SessionCookieName
	createForm   = "reference_rest_api_create_sessions"
	deleteForm   = "reference_rest_api_delete_sessions"
)

// newFake is the fake LoremUp server with testEmail's account, closed
// when the test ends.
func newFake(t *testing.T) *loremuptest.Server {
	t.Helper()
	srv := loremuptest.NewServer(loremuptest.WithToken(testToken), loremuptest.WithUser(testEmail, testPassword))
	t.Cleanup(srv.Close)
	return srv
}

// A fault makes the fake misbehave for a test case.
type fault func(srv *loremuptest.Server)

// always answers every request with status (Retry-After: 0, so retries
// do not wait).
func always(status int) fault {
	return func(srv *loremuptest.Server) {
		srv.InjectEvery(1, loremuptest.Fault{Status: status, RetryAfter: "0"})
	}
}

// unavailableFirst answers the first n requests with 503 (Retry-After:
// 0), then serves as usual.
func unavailableFirst(n int) fault {
	return func(srv *loremuptest.Server) {
		srv.Inject(n, loremuptest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "0"})
	}
}

// hang answers nothing until the client gives up.
func hang(srv *loremuptest.Server) {
	srv.Inject(1, loremuptest.Fault{Latency: time.Hour})
}

// redirect answers a login page's redirect, whose query must not be shown.
func redirect(srv *loremuptest.Server) {
	srv.Inject(1, loremuptest.Fault{Status: http.StatusFound,
		Header: http.Header{"Location": {"/users/sign_in?return_to=secret-ish"}}, Body: " "})
}

// htmlPage answers 200 with a page instead of a login.
func htmlPage(srv *loremuptest.Server) {
	srv.Inject(1, loremuptest.Fault{Status: http.StatusOK,
		Header: http.Header{"Content-Type": {"text/html"}}, Body: "<html>Sign in</html>"})
}

func notFound(srv *loremuptest.Server) {
	srv.Inject(1, loremuptest.Fault{Status: http.StatusNotFound})
}

// sent is one request the fake received, decoded.
type sent struct {
	Method, Authorization, UserAgent string
	Cookies                          []*http.Cookie
	Body                             map[string]any
}

// sentRequests returns what the fake received, oldest first.
func sentRequests(t *testing.T, srv *loremuptest.Server) []sent {
	t.Helper()
	var out []sent
	for _, r := range srv.Requests() {
		s := sent{
			Method: r.Method, Authorization: r.Header.Get("Authorization"), UserAgent: r.Header.Get("User-Agent"),
			Cookies: (&http.Request{Header: r.Header}).Cookies(),
		}
		if len(r.Body) > 0 {
			require.NoError(t, json.Unmarshal(r.Body, &s.Body), "body %q", r.Body)
		}
		out = append(out, s)
	}
	return out
}

// sentForm returns the e-mail and password of the only login sent.
func sentForm(t *testing.T, srv *loremuptest.Server) (email, password string) {
	t.Helper()
	reqs := sentRequests(t, srv)
	require.Len(t, reqs, 1)
	require.Equal(t, http.MethodPost, reqs[0].Method)
	form, ok := reqs[0].Body["form"].(map[string]any)
	require.True(t, ok, "no form in %v", reqs[0].Body)
	email, _ = form["email"].(string)
	password, _ = form["password"].(string)
	return email, password
}

// liveIDs returns the cookie values of the fake's live sessions.
func liveIDs(srv *loremuptest.Server) []string {
	var ids []string
	for _, s := range srv.Sessions() {
		ids = append(ids, s.ID)
	}
	return ids
}

// unixModes reports whether files have Unix permission bits here (not on
// Windows, where a session file's protection is its ACL).
func unixModes() bool { return runtime.GOOS != "windows" }

// closedURL is a loopback URL nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	url := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	return url
}

// outcome is what one run of the command left behind.
type outcome struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command in-process, as main would, with env as the
// whole environment and stdin as standard input (not a terminal).
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) outcome {
	t.Helper()
	return runCLIWith(context.Background(), t, env, strings.NewReader(stdin), args...)
}

func runCLIContext(ctx context.Context, t *testing.T, env map[string]string, stdin string, args ...string) outcome {
	t.Helper()
	return runCLIWith(ctx, t, env, strings.NewReader(stdin), args...)
}

func runCLIWith(ctx context.Context, t *testing.T, env map[string]string, stdin io.Reader, args ...string) outcome {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := run(ctx, args, stdin, &stdout, &stderr, getenv)
	return outcome{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// envFor is a complete environment for logging in to baseURL.
func envFor(baseURL string) map[string]string {
	return map[string]string{
		envBaseURL:  baseURL,
		envToken:    testToken,
		envEmail:    testEmail,
		envPassword: testPassword,
	}
}

// with returns a copy of env with the changes applied; an empty value
// removes the variable.
func with(env map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(out, kv[i])
		} else {
			out[kv[i]] = kv[i+1]
		}
	}
	return out
}

// decodeOne decodes stdout as exactly one JSON object and nothing else.
func decodeOne(t *testing.T, stdout string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	var obj map[string]any
	require.NoError(t, dec.Decode(&obj), "stdout is not a JSON object: %q", stdout)
	require.NotNil(t, obj, "stdout is JSON null")
	var extra any
	require.ErrorIs(t, dec.Decode(&extra), io.EOF, "stdout holds more than one JSON value: %q", stdout)
	return obj
}

// errorOf returns the "error" member of a failure object.
func errorOf(t *testing.T, obj map[string]any) map[string]any {
	t.Helper()
	e, ok := obj["error"].(map[string]any)
	require.True(t, ok, "no error object in %v", obj)
	return e
}

// savedCookie returns the value of the session cookie in a session file.
func savedCookie(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	_, sess, err := decodeSessionFile(data)
	require.NoError(t, err)
	for _, c := range sess.Cookies() {
		if c.Name == cookieName {
			return c.Value
		}
	}
	require.Fail(t, "no session cookie in "+path)
	return ""
}

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

// echoPassword answers a 422 that repeats the password and the token.
func echoPassword(srv *loremuptest.Server, _ string) {
	srv.Inject(1, loremuptest.Fault{Status: http.StatusUnprocessableEntity, Body: `{"errors":[{"status":"422","code":"weak",` +
		`"detail":"password ` + testPassword + ` is too weak for token ` + testToken + `","source":{"pointer":"/form/password"}}]}`})
}

// echoCookie answers the logout with a 401 that repeats what a server
// could have echoed: the Authorization header and the saved cookie.
func echoCookie(srv *loremuptest.Server, _ string) {
	for _, s := range srv.Sessions() {
		srv.Inject(1, loremuptest.Fault{Status: http.StatusUnauthorized, Body: `{"errors":[{"status":"401","code":"echo",` +
			`"detail":"got Token token=` + testToken + ` with cookies ` + cookieName + `=` + s.ID + `"}]}`})
	}
}
