//go:build unix

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// openNonblock opens a FIFO without waiting for a writer.
const openNonblock = syscall.O_NONBLOCK

// checkPlace refuses a session file path that another user owns or
// controls, before anything is sent, both where login writes and where
// logout and status read:
//   - a file (or symlink) at path owned by another user: in a sticky
//     directory such as /tmp the rename onto it would fail after the
//     login, leaving the session open on the server; elsewhere it is
//     theirs, and may name a base URL of their own to receive the token;
//   - a directory owned by another user (root aside): its owner may
//     rename, replace or read what is put there, sticky bit or not;
//   - a directory every user may write that is not sticky: anyone may
//     replace the file.
func checkPlace(path string) error {
	uid := os.Getuid()
	dir := filepath.Dir(path)
	di, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if owner, ok := ownerOf(di); ok && owner != uid && owner != 0 {
		return fmt.Errorf("the directory %s belongs to another user (uid %d), who could read or replace a session file there; choose a directory of your own", dir, owner)
	}
	if di.Mode().Perm()&0o002 != 0 && di.Mode()&fs.ModeSticky == 0 {
		return fmt.Errorf("every user may write to the directory %s (and it is not sticky), so anyone could replace a session file there; choose a directory of your own", dir)
	}
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if owner, ok := ownerOf(fi); ok && owner != uid {
		return fmt.Errorf("%s belongs to another user (uid %d); refusing to use it", path, owner)
	}
	return nil
}

// checkOwnFile refuses an opened session file that login would not have
// written: one another user owns (a symlink's target included), or one
// that users other than its owner may read or write.
func checkOwnFile(path string, fi fs.FileInfo) error {
	if owner, ok := ownerOf(fi); ok && owner != os.Getuid() {
		return fmt.Errorf("%s belongs to another user (uid %d); refusing to use it", path, owner)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("other users may read or write %s (mode %04o), and a session file holds credentials; chmod 600 it if it is yours", path, perm)
	}
	return nil
}

func ownerOf(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
