//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// otherUID is a user other than the one running the tests (nobody).
const otherUID = 65534

// A session file path another user owns or controls is refused before
// logging in, so that no session is left open on the server that could
// not be saved, or that another user could read or swap.
func TestLogin_RefusesAPlaceAnotherUserControlsBeforeLoggingIn(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("making files that another user owns needs root (CI runs as root)")
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the session file path
		says  string
	}{
		{"a file another user pre-created in a sticky shared directory", func(t *testing.T, dir string) string {
			t.Helper()
			require.NoError(t, os.Chmod(dir, os.ModeSticky|0o777))
			file := filepath.Join(dir, "ada.session")
			require.NoError(t, os.WriteFile(file, nil, 0o644))
			require.NoError(t, os.Chown(file, otherUID, otherUID))
			return file
		}, "belongs to another user (uid 65534); refusing to use it"},
		{"a shared sticky directory another user pre-created", func(t *testing.T, dir string) string {
			t.Helper()
			shared := filepath.Join(dir, "shared")
			require.NoError(t, os.Mkdir(shared, 0o755))
			require.NoError(t, os.Chmod(shared, os.ModeSticky|0o777))
			require.NoError(t, os.Chown(shared, otherUID, otherUID))
			return filepath.Join(shared, "ada.session")
		}, "belongs to another user (uid 65534), who could read or replace a session file there"},
		{"a directory anyone may write to that is not sticky", func(t *testing.T, dir string) string {
			t.Helper()
			require.NoError(t, os.Chmod(dir, 0o777))
			return filepath.Join(dir, "ada.session")
		}, "every user may write to the directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			file := tt.setup(t, t.TempDir())

			got := runCLI(t, envFor(srv.URL), "", "login", "--session-file", file)

			assert.Equal(t, exitOther, got.code, got.stderr)
			assert.Contains(t, got.stderr, "cannot write session file: ")
			assert.Contains(t, got.stderr, tt.says)
			assert.Zero(t, srv.RequestCount(), "refused before logging in")
			assert.Zero(t, srv.ActiveSessions())
		})
	}
}

// A shared sticky directory the system owns (like /tmp) is fine: nobody
// else can replace a file of ours there.
func TestLogin_AcceptsAStickyDirectoryTheSystemOwns(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("the directory must be root's, as /tmp is")
	}
	srv := newFake(t)
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, os.ModeSticky|0o777))
	file := filepath.Join(dir, "ada.session")

	got := runCLI(t, envFor(srv.URL), "", "login", "--session-file", file)

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.FileExists(t, file)
}

// A FIFO at the session file's path (another user can make one in a
// shared sticky directory once ours is gone) must not block logout or
// status: opening it used to wait for a writer for good, and no signal
// ended the wait. Anything but a regular file is refused at once.
func TestSessionFile_AFIFOIsRefusedWithoutBlocking(t *testing.T) {
	for _, cmd := range []string{"logout", "status"} {
		t.Run(cmd, func(t *testing.T) {
			srv := newFake(t)
			fifo := filepath.Join(t.TempDir(), "ada.session")
			require.NoError(t, syscall.Mkfifo(fifo, 0o600))

			done := make(chan outcome, 1)
			go func() { done <- runCLI(t, envFor(srv.URL), "", cmd, "--session-file", fifo) }()
			var got outcome
			select {
			case got = <-done:
			case <-time.After(10 * time.Second):
				// Release the blocked reader so the test ends, then fail.
				w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
				if err == nil {
					_ = w.Close()
				}
				got = <-done
				assert.Fail(t, "blocked on the FIFO")
			}

			assert.Equal(t, exitOther, got.code, got.stderr)
			assert.Contains(t, got.stderr, "is not a regular file")
			assert.Zero(t, srv.RequestCount(), "nothing sent")
		})
	}
}

// login renames its file onto the path: a device, FIFO or socket there
// would be replaced (run as root, --session-file /dev/null replaced the
// device with a file). It is refused before logging in.
func TestLogin_RefusesToReplaceASpecialFile(t *testing.T) {
	srv := newFake(t)
	fifo := filepath.Join(t.TempDir(), "ada.session")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))

	got := runCLI(t, envFor(srv.URL), "", "login", "--session-file", fifo)

	assert.Equal(t, exitOther, got.code, got.stderr)
	assert.Contains(t, got.stderr, "is not a regular file")
	assert.Zero(t, srv.RequestCount(), "refused before logging in")
	fi, err := os.Lstat(fifo)
	require.NoError(t, err)
	assert.Equal(t, os.ModeNamedPipe, fi.Mode().Type(), "left as it was")
}

// logout and status read a session file only where login could have
// written it, so that a file another user planted (which may name their
// own base URL) is never used: the same checks as login's on its place,
// then the file opened must be the user's and of mode 0600.
func TestSessionFile_ReadOnlyAfterTheChecksLoginMakes(t *testing.T) {
	root := os.Getuid() == 0
	tests := []struct {
		name      string
		needsRoot bool
		tamper    func(t *testing.T, file string) string // returns the path to read
		says      string
	}{
		{"a file others may read", false, func(t *testing.T, file string) string {
			t.Helper()
			require.NoError(t, os.Chmod(file, 0o644))
			return file
		}, "other users may read or write"},
		{"a directory anyone may write to that is not sticky", false, func(t *testing.T, file string) string {
			t.Helper()
			require.NoError(t, os.Chmod(filepath.Dir(file), 0o777))
			return file
		}, "every user may write to the directory"},
		{"another user's file in a shared sticky directory", true, func(t *testing.T, file string) string {
			t.Helper()
			require.NoError(t, os.Chmod(filepath.Dir(file), os.ModeSticky|0o777))
			require.NoError(t, os.Chown(file, otherUID, otherUID))
			return file
		}, "belongs to another user (uid 65534); refusing to use it"},
		{"a directory another user owns", true, func(t *testing.T, file string) string {
			t.Helper()
			require.NoError(t, os.Chown(filepath.Dir(file), otherUID, otherUID))
			return file
		}, "belongs to another user (uid 65534), who could read or replace"},
		{"a link of yours to another user's file", true, func(t *testing.T, file string) string {
			t.Helper()
			require.NoError(t, os.Chown(file, otherUID, otherUID))
			link := filepath.Join(t.TempDir(), "link.session")
			require.NoError(t, os.Symlink(file, link))
			return link
		}, "belongs to another user (uid 65534); refusing to use it"},
	}
	for _, cmd := range []string{"logout", "status"} {
		for _, tt := range tests {
			t.Run(cmd+"/"+tt.name, func(t *testing.T) {
				if tt.needsRoot && !root {
					t.Skip("making files that another user owns needs root (CI runs as root)")
				}
				srv := newFake(t)
				file := filepath.Join(t.TempDir(), "ada.session")
				require.Equal(t, exitOK, runCLI(t, envFor(srv.URL), "", "login", "--session-file", file).code)
				path := tt.tamper(t, file)
				sent := srv.RequestCount()

				got := runCLI(t, with(envFor(srv.URL), envBaseURL, ""), "", cmd, "--session-file", path)

				assert.Equal(t, exitOther, got.code, got.stderr)
				assert.Contains(t, got.stderr, "cannot read session file: ")
				assert.Contains(t, got.stderr, tt.says)
				assert.Empty(t, got.stdout)
				assert.Equal(t, sent, srv.RequestCount(), "nothing sent")
				assert.Equal(t, 1, srv.ActiveSessions())
				assert.FileExists(t, file)
			})
		}
	}
}
