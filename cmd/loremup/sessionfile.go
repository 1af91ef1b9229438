package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	loremup "github.com/loremup/loremup-go"
)

// A session file holds a login's cookies, which are credentials. It is
// only ever written as a new file of mode 0600 renamed onto its path: an
// existing file's looser mode is never inherited, and a symlink at the
// path is replaced rather than followed. Before logging in, login refuses
// a path that another user owns or controls (checkPlace), since the
// rename would then fail after the login, or the file be theirs to read.

// sessionFileMode is the mode of every session file written.
const sessionFileMode = 0o600

// maxSessionFile bounds a session file, both when login writes it and
// when logout and status read it, so that login never writes a file the
// other commands refuse.
const maxSessionFile = 1 << 20

// savedSession is a session file: who logged in, where and when (for
// 'loremup status'), and the session itself. Files written before the
// first three were kept hold the session alone; they are still read.
type savedSession struct {
	Email      string          `json:"email,omitempty"`
	BaseURL    string          `json:"base_url,omitempty"`
	LoggedInAt *time.Time      `json:"logged_in_at,omitempty"`
	Session    json.RawMessage `json:"session"`
}

// encodeSessionFile is the file's content. Only what logout needs of the
// session is kept: the login answer's body is not (a server may make it
// large, and logging out does not send it).
func encodeSessionFile(email, baseURL string, at time.Time, sess *loremup.Session) ([]byte, error) {
	// Export is the SDK's one way to write a session's cookie values.
	exported, err := sess.Export()
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(exported, &fields); err != nil {
		return nil, err
	}
	delete(fields, "body")
	at = at.UTC().Truncate(time.Second)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<" stays one byte, not six
	enc.SetIndent("", "  ")
	if err := enc.Encode(fields); err != nil {
		return nil, err
	}
	out := savedSession{Email: email, BaseURL: baseURL, LoggedInAt: &at, Session: bytes.TrimSpace(buf.Bytes())}
	buf.Reset()
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	if buf.Len() > maxSessionFile {
		return nil, fmt.Errorf("the session is %d bytes, more than a session file holds (%d)", buf.Len(), maxSessionFile)
	}
	return buf.Bytes(), nil
}

// decodeSessionFile reads a session file's content, in either form.
func decodeSessionFile(data []byte) (*savedSession, *loremup.Session, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, nil, err
	}
	saved := &savedSession{}
	if _, ok := fields["session"]; ok {
		if err := json.Unmarshal(data, saved); err != nil {
			return nil, nil, err
		}
	} else {
		saved.Session = data // a session alone, as older versions wrote
	}
	// ImportSession also reads what versions before Export wrote, and
	// checks every cookie and the Session's bounds.
	sess, err := loremup.ImportSession(saved.Session)
	if err != nil {
		return nil, nil, err
	}
	return saved, sess, nil
}

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
	if fi, err := os.Lstat(path); err == nil {
		switch mode := fi.Mode(); {
		case mode.IsDir():
			return nil, fmt.Errorf("%s is a directory", path)
		case !mode.IsRegular() && mode&fs.ModeSymlink == 0:
			// The rename would replace it: run as root, login
			// --session-file /dev/null replaced the device with a file.
			return nil, fmt.Errorf("%s is not a regular file (a device, FIFO or socket); refusing to replace it", path)
		}
	}
	if err := checkPlace(path); err != nil {
		return nil, err
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

// openSessionFile reads the session file at path for logout and status.
// No --session-file is a usage error in both; no file there, or no live
// session in it, is exitNoSession with a message that starts with what.
// Before a byte is read, the
// file passes the checks login makes on the place it writes (checkPlace)
// and checkOwnFile: a file another user planted, say in a shared sticky
// directory, could name their own base URL and so receive the API token.
// The cookie values are added to the secrets kept out of the output
// before anything else can print them.
func (cx *cmdContext) openSessionFile(path, what string) (*savedSession, *loremup.Session, *cliError) {
	if path == "" {
		return nil, nil, usageError("--session-file", "missing --session-file: name the file 'loremup login --session-file PATH' saved (a new process holds no session of its own)")
	}
	fail := func(err error) (*savedSession, *loremup.Session, *cliError) {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, &cliError{code: exitNoSession, field: "--session-file", msg: what + ": " + path + " does not exist (already logged out?)"}
		}
		return nil, nil, otherError("cannot read session file: %v", err)
	}
	if err := checkPlace(path); err != nil {
		return fail(err)
	}
	// Opened without blocking: a FIFO put at the path (by another user,
	// in a shared sticky directory) would otherwise block the open for
	// good, where no signal ends it; then anything but a regular file is
	// refused before a byte is read.
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	if !fi.Mode().IsRegular() {
		return fail(fmt.Errorf("%s is not a regular file (a directory, FIFO, device or socket): not a session file", path))
	}
	// Checked on the open file, not the path: what was opened is what is read.
	if err := checkOwnFile(path, fi); err != nil {
		return fail(err)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSessionFile+1))
	if err != nil {
		return fail(err)
	}
	if len(data) > maxSessionFile {
		return fail(fmt.Errorf("%s is larger than %d bytes: not a session file", path, maxSessionFile))
	}
	// The decoders' errors name offsets, types and cookie numbers, never
	// cookie values.
	saved, sess, err := decodeSessionFile(data)
	if err != nil {
		return fail(fmt.Errorf("%s is not a session file: %w", path, err))
	}
	for _, c := range sess.Cookies() {
		cx.out.addSecrets(c.Value)
	}
	if !live(sess, time.Now()) {
		return nil, nil, &cliError{code: exitNoSession, field: "--session-file",
			msg: what + ": the session in " + path + " holds no live cookie (it has expired or ended)"}
	}
	return saved, sess, nil
}

// live reports whether the session still holds a cookie worth sending:
// it was not logged out, and holds a cookie with a value that has not
// expired.
func live(sess *loremup.Session, now time.Time) bool {
	if sess.Ended() {
		return false
	}
	for _, c := range sess.Cookies() {
		if c.Value != "" && c.MaxAge >= 0 && (c.Expires.IsZero() || c.Expires.After(now)) {
			return true
		}
	}
	return false
}
