package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	loremup "github.com/loremup/loremup-go"
)

// readSaved decodes a session file as logout does.
func readSaved(t *testing.T, path string) *loremup.Session {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var sess loremup.Session
	require.NoError(t, json.Unmarshal(data, &sess))
	return &sess
}

func TestLogin_SessionFileIsMode0600AndHoldsTheSession(t *testing.T) {
	api := newFakeAPI(t, nil)
	file := filepath.Join(t.TempDir(), "ada.session")

	got := runCLI(t, envFor(api.URL), "", "login", "--session-file", file)

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, "logged in "+testEmail+" (session cookie: "+cookieName+"), session saved to "+file+"\n", got.stdout)
	fi, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	cookies := readSaved(t, file).Cookies()
	require.Len(t, cookies, 1)
	assert.Equal(t, cookieName, cookies[0].Name)
	assert.Equal(t, api.Issued()[0], cookies[0].Value)
}

func TestLogin_SessionFileReplacesALooserExistingFile(t *testing.T) {
	api := newFakeAPI(t, nil)
	file := filepath.Join(t.TempDir(), "ada.session")
	require.NoError(t, os.WriteFile(file, []byte("old"), 0o644))
	require.NoError(t, os.Chmod(file, 0o644)) // whatever the umask

	got := runCLI(t, envFor(api.URL), "", "login", "--session-file", file)

	require.Equal(t, exitOK, got.code, got.stderr)
	fi, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	assert.Equal(t, api.Issued()[0], readSaved(t, file).Cookies()[0].Value)
}

func TestLogin_SessionFileReplacesASymlinkWithoutFollowingIt(t *testing.T) {
	api := newFakeAPI(t, nil)
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	require.NoError(t, os.WriteFile(target, []byte("not yours"), 0o644))
	file := filepath.Join(dir, "ada.session")
	require.NoError(t, os.Symlink(target, file))

	got := runCLI(t, envFor(api.URL), "", "login", "--session-file", file)

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
	api := newFakeAPI(t, nil)
	dir := t.TempDir()

	for _, file := range []string{filepath.Join(dir, "missing", "s"), dir} {
		got := runCLI(t, envFor(api.URL), "", "login", "--session-file", file)

		assert.Equal(t, exitOther, got.code, file)
		assert.Contains(t, got.stderr, "cannot write session file", file)
	}
	assert.Empty(t, api.Calls(), "no session may be opened that could not be saved")
}

func TestLogin_FailedLoginLeavesNoFileBehind(t *testing.T) {
	api := newFakeAPI(t, nil)
	dir := t.TempDir()
	env := with(envFor(api.URL), envPassword, "wrong-password")

	got := runCLI(t, env, "", "login", "--session-file", filepath.Join(dir, "s"))

	require.Equal(t, exitUnauthorized, got.code)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "neither the session file nor its temporary file")
}

// logout --session-file sends exactly the cookie that login saved in that
// file, not another user's, and removes the file.
func TestLogout_SendsExactlyTheSavedSessionAndRemovesTheFile(t *testing.T) {
	api := newFakeAPI(t, nil)
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first"), filepath.Join(dir, "second")
	require.Equal(t, exitOK, runCLI(t, envFor(api.URL), "", "login", "--session-file", first).code)
	require.Equal(t, exitOK, runCLI(t, envFor(api.URL), "", "login", "--session-file", second).code)
	issued := api.Issued()
	require.Len(t, issued, 2)

	got := runCLI(t, envFor(api.URL), "", "logout", "--session-file", first)

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, "logged out (session cookie: "+cookieName+" from "+first+"), session file removed\n", got.stdout)
	calls := api.Calls()
	logoutCall := calls[len(calls)-1]
	require.Equal(t, http.MethodDelete, logoutCall.Method)
	require.Len(t, logoutCall.Cookies, 1)
	assert.Equal(t, cookieName, logoutCall.Cookies[0].Name)
	assert.Equal(t, issued[0], logoutCall.Cookies[0].Value)
	assert.False(t, api.Live(issued[0]), "the first session ended")
	assert.True(t, api.Live(issued[1]), "the second session is untouched")
	assert.NoFileExists(t, first)
	assert.FileExists(t, second)
}

func TestLogout_FailureKeepsTheSessionFile(t *testing.T) {
	api := newFakeAPI(t, nil)
	file := filepath.Join(t.TempDir(), "s")
	require.Equal(t, exitOK, runCLI(t, envFor(api.URL), "", "login", "--session-file", file).code)

	got := runCLI(t, envFor(api.URL), "", "logout", "--session-file", file, "--token", "wrong-token")

	require.Equal(t, exitUnauthorized, got.code)
	assert.FileExists(t, file, "kept, so the logout can be retried")
	assert.True(t, api.Live(api.Issued()[0]))
}

// Without a session file, logout has no cookies in a new process: it
// still sends the request and the server answers 204.
func TestLogout_WithoutSessionFileSendsNoCookie(t *testing.T) {
	api := newFakeAPI(t, nil)

	got := runCLI(t, envFor(api.URL), "", "logout")

	require.Equal(t, exitOK, got.code, got.stderr)
	calls := api.Calls()
	require.Len(t, calls, 1)
	assert.Equal(t, http.MethodDelete, calls[0].Method)
	assert.Empty(t, calls[0].Cookies)
	assert.Equal(t, deleteForm, calls[0].Body["form_name"])
	assert.Contains(t, got.stdout, "no session was named")
}

func TestLogout_WarnsAboutAReadableSessionFile(t *testing.T) {
	api := newFakeAPI(t, nil)
	file := filepath.Join(t.TempDir(), "s")
	require.Equal(t, exitOK, runCLI(t, envFor(api.URL), "", "login", "--session-file", file).code)
	require.NoError(t, os.Chmod(file, 0o644))

	got := runCLI(t, envFor(api.URL), "", "logout", "--session-file", file)

	require.Equal(t, exitOK, got.code)
	assert.Contains(t, got.stderr, "can be read by other users")
}

func TestLogout_RefusesAFileThatIsNotASession(t *testing.T) {
	api := newFakeAPI(t, nil)
	file := filepath.Join(t.TempDir(), "s")
	require.NoError(t, os.WriteFile(file, []byte("not json"), 0o600))

	got := runCLI(t, envFor(api.URL), "", "logout", "--session-file", file)

	require.Equal(t, exitOther, got.code)
	assert.Contains(t, got.stderr, "is not a session file")
	assert.Empty(t, api.Calls())
	assert.FileExists(t, file)
}
