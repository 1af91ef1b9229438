package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/loremuptest"
)

func TestLogin_SessionFileIsMode0600AndHoldsTheSession(t *testing.T) {
	srv := newFake(t)
	file := filepath.Join(t.TempDir(), "ada.session")

	got := runCLI(t, envFor(srv.URL), "", "login", "--session-file", file)

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, "logged in "+testEmail+" (session cookie: "+cookieName+"), session saved to "+file+"\n", got.stdout)
	assert.Empty(t, got.stderr)
	fi, err := os.Stat(file)
	require.NoError(t, err)
	if unixModes() {
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
	assert.Equal(t, []string{savedCookie(t, file)}, liveIDs(srv))
}

func TestLogin_WithoutSessionFileWarnsThatTheSessionStaysOpen(t *testing.T) {
	srv := newFake(t)

	for _, mode := range []string{"--json=false", "--json"} {
		got := runCLI(t, envFor(srv.URL), "", "login", mode)

		require.Equal(t, exitOK, got.code, got.stderr)
		assert.Contains(t, got.stderr, "warning: the session is not saved (no --session-file): it stays open on the server until it expires", mode)
	}
	assert.Equal(t, 2, srv.ActiveSessions(), "what the warning says")
}

func TestLogin_SessionFileReplacesALooserExistingFile(t *testing.T) {
	if !unixModes() {
		t.Skip("no Unix file modes on " + runtime.GOOS)
	}
	srv := newFake(t)
	file := filepath.Join(t.TempDir(), "ada.session")
	require.NoError(t, os.WriteFile(file, []byte("old"), 0o644))
	require.NoError(t, os.Chmod(file, 0o644)) // whatever the umask

	got := runCLI(t, envFor(srv.URL), "", "login", "--session-file", file)

	require.Equal(t, exitOK, got.code, got.stderr)
	fi, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	assert.Equal(t, []string{savedCookie(t, file)}, liveIDs(srv))
}

func TestLogin_SessionFileReplacesASymlinkWithoutFollowingIt(t *testing.T) {
	if !unixModes() {
		t.Skip("symlinks need privileges on " + runtime.GOOS)
	}
	srv := newFake(t)
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	require.NoError(t, os.WriteFile(target, []byte("not yours"), 0o644))
	file := filepath.Join(dir, "ada.session")
	require.NoError(t, os.Symlink(target, file))

	got := runCLI(t, envFor(srv.URL), "", "login", "--session-file", file)

	require.Equal(t, exitOK, got.code, got.stderr)
	fi, err := os.Lstat(file)
	require.NoError(t, err)
	assert.True(t, fi.Mode().IsRegular(), "the symlink is replaced by a regular file")
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	data, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "not yours", string(data), "the link's target is untouched")
}

func TestLogin_UnwritableSessionFileFailsBeforeLoggingIn(t *testing.T) {
	srv := newFake(t)
	dir := t.TempDir()

	for _, file := range []string{filepath.Join(dir, "missing", "s"), dir} {
		got := runCLI(t, envFor(srv.URL), "", "login", "--session-file", file)

		assert.Equal(t, exitOther, got.code, file)
		assert.Contains(t, got.stderr, "cannot write session file", file)
	}
	assert.Zero(t, srv.RequestCount(), "no session may be opened that could not be saved")
}

func TestLogin_FailedLoginLeavesNoFileBehind(t *testing.T) {
	srv := newFake(t)
	dir := t.TempDir()
	env := with(envFor(srv.URL), envPassword, "wrong-password")

	got := runCLI(t, env, "", "login", "--session-file", filepath.Join(dir, "s"))

	require.Equal(t, exitUnauthorized, got.code)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "neither the session file nor its temporary file")
}

// A login answer with a large body (here 1 MB of "<", which JSON escapes
// to six bytes each) must not make a session file that logout then
// refuses as too large: the file keeps only what logout needs.
func TestLogin_LargeLoginAnswerStillMakesASessionFileLogoutAccepts(t *testing.T) {
	srv := newFake(t)
	file := filepath.Join(t.TempDir(), "s")
	srv.Inject(1, loremuptest.Fault{
		Status: http.StatusCreated,
		Header: http.Header{"Set-Cookie": {cookieName + "=big-answer-cookie-Qw3; Path=/; HttpOnly"}},
		Body:   `{"data":"` + strings.Repeat("<", 1_000_000) + `"}`,
	})

	login := runCLI(t, envFor(srv.URL), "", "login", "--session-file", file)
	require.Equal(t, exitOK, login.code, login.stderr)
	fi, err := os.Stat(file)
	require.NoError(t, err)
	assert.Less(t, fi.Size(), int64(4<<10), "the login answer's body is not kept")

	logout := runCLI(t, envFor(srv.URL), "", "logout", "--session-file", file)

	assert.Equal(t, exitOK, logout.code, logout.stderr)
	reqs := sentRequests(t, srv)
	require.Len(t, reqs, 2)
	require.Len(t, reqs[1].Cookies, 1)
	assert.Equal(t, "big-answer-cookie-Qw3", reqs[1].Cookies[0].Value)
}

// A session file written before the e-mail, base URL and login time were
// kept (the session's JSON alone) is still logged out.
func TestLogout_ReadsOlderSessionFiles(t *testing.T) {
	srv := newFake(t)
	file := filepath.Join(t.TempDir(), "s")
	require.Equal(t, exitOK, runCLI(t, envFor(srv.URL), "", "login", "--session-file", file).code)
	id := savedCookie(t, file)
	require.NoError(t, os.WriteFile(file, []byte(`{"cookies":[{"name":"`+cookieName+`","value":"`+id+`","path":"/","http_only":true}],"body":{}}`+"\n"), 0o600))

	status := runCLI(t, nil, "", "status", "--session-file", file)
	got := runCLI(t, envFor(srv.URL), "", "logout", "--session-file", file)

	require.Equal(t, exitOK, status.code, status.stderr)
	assert.Contains(t, status.stdout, "user:         (not recorded)")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Zero(t, srv.ActiveSessions())
}

// logout --session-file sends exactly the cookie that login saved in that
// file, not another user's, and removes the file.
func TestLogout_SendsExactlyTheSavedSessionAndRemovesTheFile(t *testing.T) {
	srv := newFake(t)
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first"), filepath.Join(dir, "second")
	require.Equal(t, exitOK, runCLI(t, envFor(srv.URL), "", "login", "--session-file", first).code)
	require.Equal(t, exitOK, runCLI(t, envFor(srv.URL), "", "login", "--session-file", second).code)
	firstID, secondID := savedCookie(t, first), savedCookie(t, second)

	// The base URL comes from the file.
	got := runCLI(t, with(envFor(srv.URL), envBaseURL, ""), "", "logout", "--session-file", first)

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, "logged out "+testEmail+" (session cookie: "+cookieName+" from "+first+"), session file removed\n", got.stdout)
	reqs := sentRequests(t, srv)
	logoutReq := reqs[len(reqs)-1]
	require.Equal(t, http.MethodDelete, logoutReq.Method)
	require.Len(t, logoutReq.Cookies, 1)
	assert.Equal(t, cookieName, logoutReq.Cookies[0].Name)
	assert.Equal(t, firstID, logoutReq.Cookies[0].Value)
	assert.Equal(t, []string{secondID}, liveIDs(srv), "the first session ended, the second is untouched")
	assert.NoFileExists(t, first)
	assert.FileExists(t, second)
}

func TestLogout_FailureKeepsTheSessionFile(t *testing.T) {
	srv := newFake(t)
	file := filepath.Join(t.TempDir(), "s")
	require.Equal(t, exitOK, runCLI(t, envFor(srv.URL), "", "login", "--session-file", file).code)

	got := runCLI(t, envFor(srv.URL), "", "logout", "--session-file", file, "--token", "wrong-token")

	require.Equal(t, exitUnauthorized, got.code)
	assert.FileExists(t, file, "kept, so the logout can be retried")
	assert.Equal(t, 1, srv.ActiveSessions())
}

// A logout that can end nothing sends nothing and says so, with an exit
// code of its own, so a script can tell "logged out" from "was not".
func TestLogout_ThatEndsNothingExits7AndSendsNothing(t *testing.T) {
	srv := newFake(t)
	dir := t.TempDir()
	expired := filepath.Join(dir, "expired")
	require.NoError(t, os.WriteFile(expired, []byte(`{"email":"`+testEmail+`","session":{"cookies":[`+
		`{"name":"`+cookieName+`","value":"old-cookie-Hy6","expires":"2001-01-01T00:00:00Z"}]}}`), 0o600))
	tests := []struct {
		name    string
		args    []string
		message string
	}{
		{"no such file", []string{"logout", "--session-file", filepath.Join(dir, "gone")}, "does not exist (already logged out?)"},
		{"expired session", []string{"logout", "--session-file", expired}, "holds no live cookie"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCLI(t, envFor(srv.URL), "", tt.args...)

			assert.Equal(t, exitNoSession, got.code)
			assert.Contains(t, got.stderr, tt.message)
			assert.Empty(t, got.stdout)
			assert.Zero(t, srv.RequestCount())
		})
	}
	assert.FileExists(t, expired, "a file logout did not use is left alone")
}

func TestLogout_RefusesAFileThatIsNotASession(t *testing.T) {
	srv := newFake(t)
	file := filepath.Join(t.TempDir(), "s")
	require.NoError(t, os.WriteFile(file, []byte("not json"), 0o600))

	got := runCLI(t, envFor(srv.URL), "", "logout", "--session-file", file)

	require.Equal(t, exitOther, got.code)
	assert.Contains(t, got.stderr, "is not a session file")
	assert.Zero(t, srv.RequestCount())
	assert.FileExists(t, file)
}

// status says whose session a file holds, for which app and since when,
// and never a cookie value; it sends nothing.
func TestStatus_ShowsWhoWhereAndWhenWithoutSecrets(t *testing.T) {
	srv := newFake(t)
	file := filepath.Join(t.TempDir(), "ada.session")
	require.Equal(t, exitOK, runCLI(t, envFor(srv.URL), "", "login", "--session-file", file).code)
	sent := srv.RequestCount()

	got := runCLI(t, nil, "", "status", "--session-file", file)

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, file+": saved session\n")
	assert.Contains(t, got.stdout, "  user:         "+testEmail+"\n")
	assert.Contains(t, got.stdout, "  app:          "+srv.URL+"\n")
	assert.Regexp(t, `  logged in at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(\d+s ago\)\n`, got.stdout)
	assert.Contains(t, got.stdout, "  cookies:      session cookie: "+cookieName+"\n")
	assert.NotContains(t, got.stdout+got.stderr, savedCookie(t, file))
	assert.Equal(t, sent, srv.RequestCount(), "status sends nothing")
}

// Every command that reads a session file fails the same way without
// --session-file: a usage error, naming the flag, with nothing sent.
func TestSessionFile_MissingFlagIsAUsageErrorInEveryCommand(t *testing.T) {
	for _, cmd := range []string{"logout", "status"} {
		t.Run(cmd, func(t *testing.T) {
			srv := newFake(t)

			human := runCLI(t, envFor(srv.URL), "", cmd)
			asJSON := runCLI(t, envFor(srv.URL), "", cmd, "--json")

			assert.Equal(t, exitUsage, human.code, human.stderr)
			assert.Contains(t, human.stderr, "missing --session-file")
			require.Equal(t, exitUsage, asJSON.code, asJSON.stderr)
			assert.Equal(t, "--session-file", errorOf(t, decodeOne(t, asJSON.stdout))["field"])
			assert.Zero(t, srv.RequestCount())
		})
	}
}

// With a base URL given, a session file saved for another app is refused
// before anything is sent: the API token must only go where the session
// came from. The same app spelled another way is accepted.
func TestLogout_RefusesASessionFileOfAnotherBaseURL(t *testing.T) {
	srv := newFake(t)
	other := newFake(t)
	file := filepath.Join(t.TempDir(), "s")
	require.Equal(t, exitOK, runCLI(t, envFor(srv.URL), "", "login", "--session-file", file).code)

	for _, args := range [][]string{
		{"logout", "--session-file", file},                          // LOREMUP_BASE_URL
		{"logout", "--session-file", file, "--base-url", other.URL}, // the flag
	} {
		got := runCLI(t, envFor(other.URL), "", args...)

		assert.Equal(t, exitOther, got.code, got.stderr)
		assert.Contains(t, got.stderr, "holds a session of "+srv.URL+", not of "+other.URL)
	}
	assert.Zero(t, other.RequestCount(), "nothing sent to the other base URL")
	assert.Equal(t, 1, srv.ActiveSessions())
	assert.FileExists(t, file)

	got := runCLI(t, envFor(strings.Replace(srv.URL, "http://", "HTTP://", 1)+"/"), "", "logout", "--session-file", file)

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Zero(t, srv.ActiveSessions())
}

// stdinHook is a standard input that runs before once, at the first read:
// login reads the password after it checked the session file's place
// and before it logs in.
type stdinHook struct {
	r      io.Reader
	before func()
}

func (h *stdinHook) Read(p []byte) (int, error) {
	if h.before != nil {
		h.before()
		h.before = nil
	}
	return h.r.Read(p)
}

// A session login could not save (the path taken meanwhile) is logged
// out again, and login fails: no session is left open on the server that
// nobody holds. When that logout fails too, login says so.
func TestLogin_ASessionItCannotSaveIsLoggedOutAgain(t *testing.T) {
	tests := []struct {
		name       string
		logoutFail bool
		says       string
		live       int
	}{
		{"logged out again", false, "; logged the session out again", 0},
		{"logging out fails too", true, "logging out again failed too", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			if tt.logoutFail {
				srv.InjectEvery(1, loremuptest.Fault{Method: http.MethodDelete, Status: http.StatusForbidden})
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "ada.session")
			stdin := &stdinHook{r: strings.NewReader(testPassword + "\n"), before: func() {
				assert.NoError(t, os.Mkdir(file, 0o700)) // the rename onto it fails
			}}

			got := runCLIWith(context.Background(), t, with(envFor(srv.URL), envPassword, ""), stdin,
				"login", "--password-stdin", "--session-file", file)

			assert.Equal(t, exitOther, got.code, got.stderr)
			assert.Contains(t, got.stderr, "cannot write session file: ")
			assert.Contains(t, got.stderr, tt.says)
			assert.Empty(t, got.stdout)
			var methods []string
			for _, r := range sentRequests(t, srv) {
				methods = append(methods, r.Method)
			}
			assert.Equal(t, []string{http.MethodPost, http.MethodDelete}, methods)
			assert.Equal(t, tt.live, srv.ActiveSessions())
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary file left behind")
		})
	}
}
