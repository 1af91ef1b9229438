package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	loremup "github.com/loremup/loremup-go"
)

// A session file holds a login's cookies, which are credentials. It is
// only ever written as a new file of mode 0600 renamed onto its path: an
// existing file's looser mode is never inherited, and a symlink at the
// path is replaced rather than followed.

// sessionFileMode is the mode of every session file written.
const sessionFileMode = 0o600

// maxSessionFile bounds how much of a session file is read.
const maxSessionFile = 1 << 20

// pendingFile is a session file being written: a temporary file beside
// its path until commit renames it there.
type pendingFile struct {
	path string
	tmp  *os.File
	done bool
}

// prepareSessionFile checks that path can take a session file and opens
// the temporary file that will become it.
func prepareSessionFile(path string) (*pendingFile, error) {
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	// CreateTemp makes the file with O_EXCL and mode 0600; Chmod states
	// the mode outright rather than rely on that.
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	if err := tmp.Chmod(sessionFileMode); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return nil, err
	}
	return &pendingFile{path: path, tmp: tmp}, nil
}

// commit writes data and renames the file onto its path.
func (p *pendingFile) commit(data []byte) error {
	_, err := p.tmp.Write(data)
	if err == nil {
		err = p.tmp.Sync()
	}
	if closeErr := p.tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(p.tmp.Name(), p.path)
	}
	if err != nil {
		_ = os.Remove(p.tmp.Name())
	}
	p.done = true
	return err
}

// abort removes the temporary file unless commit ran.
func (p *pendingFile) abort() {
	if p.done {
		return
	}
	p.done = true
	_ = p.tmp.Close()
	_ = os.Remove(p.tmp.Name())
}

// readSessionFile reads a session saved by login. loose reports that
// others than the owner may read the file.
func readSessionFile(path string) (sess *loremup.Session, loose bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("%s does not exist (was it saved by 'loremup login --session-file'?)", path)
	}
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	if fi.IsDir() {
		return nil, false, fmt.Errorf("%s is a directory", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSessionFile+1))
	if err != nil {
		return nil, false, err
	}
	if len(data) > maxSessionFile {
		return nil, false, fmt.Errorf("%s is larger than %d bytes: not a session file", path, maxSessionFile)
	}
	// ImportSession's errors name offsets, types and cookie numbers, never
	// cookie values; it also reads files written before Export existed.
	sess, err = loremup.ImportSession(data)
	if err != nil {
		return nil, false, fmt.Errorf("%s is not a session file: %v", path, err)
	}
	return sess, fi.Mode().Perm()&0o077 != 0, nil
}
