package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	loremup "github.com/loremup/loremup-go"
)

var loginCommand = &command{
	name:     "login",
	summary:  "log a user in (POST /api/sessions), optionally saving the session to a file",
	synopsis: "loremup login --email EMAIL [--session-file PATH] [flags]",
	about: `Logs a user in: POST {base}/api/sessions with the form name, the e-mail and
the password. It prints the names of the session cookies the server set, never
their values.

The password is never taken from a flag (a password on the command line is
visible in ps and kept in shell history). It comes from, in this order:
--password-stdin, the first line of standard input (its line ending removed),
as from a secret store; the environment variable ` + envPassword + `; or, when
standard input is a terminal, a prompt that does not echo what you type. With
--password-stdin at a terminal the prompt is used too, so the password never
shows on the screen.

With --session-file PATH the session is saved for 'loremup logout' and
'loremup status': its cookies, the e-mail, the base URL and the time of the
login. The file holds credentials: whoever reads it can act as the user until
logout. It is written to a new file of mode 0600 in the same directory and
renamed onto PATH, so an existing file's looser permissions, or a symlink at
PATH, are replaced and never followed. A PATH that another user owns, or in a
directory another user owns or anyone may replace files in, is refused before
logging in; a session that still cannot be saved is logged out again. Without
--session-file the session is not kept: login only shows that the credentials
work, and warns that the session it leaves behind stays open on the
server until it expires.

--form-name defaults to ` + loremup.ReferenceCreateFormName + `, the name on the
API's reference page ("REST API - Login and Logout User"); your app may
configure another.`,
	example: `  export LOREMUP_BASE_URL=https://app.example.com LOREMUP_API_TOKEN=...
  loremup login --email ada@example.com --session-file ada.session
  Password for ada@example.com:

  # a password from a secret store, and output for a tool:
  pass show ada | loremup login --email ada@example.com --password-stdin \
      --session-file ada.session --json`,
	connects: true,
	flags:    []string{"email", "password-stdin", "session-file", "form-name"},
	new:      func() runner { return &login{} },
}

type login struct {
	formName      string
	email         string
	passwordStdin bool
	sessionFile   string
}

func (l *login) define(fs *flag.FlagSet) {
	fs.StringVar(&l.formName, "form-name", loremup.ReferenceCreateFormName, "form configuration `NAME` on the server")
	fs.StringVar(&l.email, "email", "", "the user's `EMAIL` (default $"+envEmail+")")
	fs.BoolVar(&l.passwordStdin, "password-stdin", false, "read the password from the first line of stdin (default: $"+envPassword+", else a prompt at a terminal)")
	fs.StringVar(&l.sessionFile, "session-file", "", "save the session to `PATH` (mode 0600) for logout and status")
}

func (l *login) run(ctx context.Context, cx *cmdContext) (result, *cliError) {
	baseURL, token, cerr := cx.connection("")
	if cerr != nil {
		return nil, cerr
	}
	email := cx.flagOrEnv("email", l.email, envEmail)
	if email == "" {
		return nil, usageError("--email", "missing e-mail: pass --email or set %s", envEmail)
	}
	client, cerr := cx.newClient(ctx, baseURL, token)
	if cerr != nil {
		return nil, cerr
	}
	defer client.CloseIdleConnections()

	// Make sure the session can be saved before logging in (and before
	// asking for a password), so that a wrong path does not leave a
	// session open on the server.
	var pending *pendingFile
	if l.sessionFile != "" {
		var err error
		if pending, err = prepareSessionFile(l.sessionFile); err != nil {
			return nil, otherError("cannot write session file: %v", err)
		}
		defer pending.abort() // a no-op after commit
	}
	password, cerr := l.password(ctx, cx, email)
	if cerr != nil {
		return nil, cerr
	}
	cx.out.addSecrets(password)

	callCtx, cancel := cx.callContext(ctx)
	defer cancel()
	loggedInAt := time.Now()
	sess, err := client.Sessions.Create(callCtx, loremup.CreateSessionParams{
		FormName: l.formName,
		Form:     loremup.SessionForm{Email: email, Password: password},
	})
	if err != nil {
		return nil, classify(ctx, err, cx.global.timeout)
	}
	for _, c := range sess.Cookies() {
		cx.out.addSecrets(c.Value)
	}

	res := loginResult{header: header{OK: true, Command: "login"}, Email: email, Cookies: cookieNames(sess)}
	if pending == nil {
		cx.out.warn("the session is not saved (no --session-file): it stays open on the server until it expires")
		return res, nil
	}
	data, err := encodeSessionFile(email, baseURL, loggedInAt, sess)
	if err == nil {
		err = pending.commit(data)
	}
	if err != nil {
		// Rare, since prepareSessionFile checked the place: a full disk,
		// the path taken meanwhile. A session that cannot be saved is
		// logged out again, so none is left open that nobody holds.
		return nil, undoLogin(ctx, cx, client, sess, err)
	}
	res.SessionFile = &l.sessionFile
	return res, nil
}

// undoLogin logs out the session login could not save, with the reference
// logout form name (the one login cannot be told), and says how that went.
func undoLogin(ctx context.Context, cx *cmdContext, client *loremup.Client, sess *loremup.Session, saveErr error) *cliError {
	callCtx, cancel := cx.callContext(context.WithoutCancel(ctx))
	defer cancel()
	err := client.Sessions.Delete(callCtx, loremup.DeleteSessionParams{FormName: loremup.ReferenceDeleteFormName, Session: sess})
	if err != nil {
		return otherError("logged in, but cannot write session file: %v; logging out again failed too (%s), so the session stays open on the server until it expires",
			saveErr, strings.TrimPrefix(err.Error(), "loremup: "))
	}
	return otherError("cannot write session file: %v; logged the session out again", saveErr)
}

// password reads the password from stdin (--password-stdin), the
// environment or, at a terminal, a prompt without echo.
func (l *login) password(ctx context.Context, cx *cmdContext, email string) (string, *cliError) {
	var (
		pw          string
		err         error
		from, empty string // for the messages
	)
	switch tty, isTerminal := cx.stdin.(terminal); {
	case isTerminal && (l.passwordStdin || cx.getenv(envPassword) == ""):
		fmt.Fprintf(cx.out.stderr, "Password for %s: ", email)
		pw, err = tty.ReadPassword(ctx)
		fmt.Fprintln(cx.out.stderr) // the Enter key was not echoed either
		from, empty = "cannot read the password from the terminal", "no password typed"
	case l.passwordStdin:
		pw, err = readContext(ctx, func() (string, error) { return readPasswordLine(cx.stdin) })
		from, empty = "--password-stdin", "--password-stdin: the first line of stdin is empty"
	default:
		if pw = cx.getenv(envPassword); pw == "" {
			return "", usageError("password", "missing password: set %s or pipe it with --password-stdin (at a terminal, login asks for it)", envPassword)
		}
		return pw, nil
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return "", &cliError{code: exitInterrupted, msg: "interrupted while reading the password", err: err}
	case err != nil:
		return "", usageError("password", "%s: %v", from, err)
	case pw == "":
		return "", usageError("password", "%s", empty)
	}
	return pw, nil
}

// maxPasswordLine bounds what --password-stdin reads.
const maxPasswordLine = 64 << 10

// readContext returns what read returns, or ctx's error when ctx ends
// first: SIGINT and SIGTERM are caught to cancel ctx, so a read that
// ignored it would keep the process waiting for a writer that may never
// write or close (the read itself is left to end with the process).
func readContext(ctx context.Context, read func() (string, error)) (string, error) {
	type answer struct {
		s   string
		err error
	}
	done := make(chan answer, 1)
	go func() {
		s, err := read()
		done <- answer{s, err}
	}()
	select {
	case a := <-done:
		return a.s, a.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// readPasswordLine returns the first line of r without its line ending.
// It reads no further, so stdin may carry more for other programs.
func readPasswordLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, maxPasswordLine)).ReadString('\n')
	switch {
	case errors.Is(err, io.EOF) && line == "":
		return "", errors.New("stdin is empty")
	case errors.Is(err, io.EOF) && len(line) == maxPasswordLine:
		return "", errors.New("the first line of stdin is too long")
	case err != nil && !errors.Is(err, io.EOF):
		return "", errors.New("cannot read stdin: " + err.Error())
	}
	line = strings.TrimSuffix(line, "\n")
	return strings.TrimSuffix(line, "\r"), nil
}
