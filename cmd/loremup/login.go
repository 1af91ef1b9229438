package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"io"
	"strings"

	loremup "github.com/loremup/loremup-go"
)

var loginCommand = &command{
	name:     "login",
	summary:  "log a user in (POST /api/sessions), optionally saving the session to a file",
	synopsis: "loremup login --email EMAIL [--session-file PATH] [flags]",
	about: `Logs a user in: POST {base}/api/sessions with the form name, the e-mail and
the password. It prints the names of the session cookies the server set, never
their values.

The password comes only from the environment variable ` + envPassword + ` or, with
--password-stdin, from the first line of standard input (its trailing newline
removed; --password-stdin wins over the variable). There is no --password flag:
a password on the command line is visible in ps and kept in shell history.

With --session-file PATH the session (its cookies, as the JSON encoding of a
loremup.Session) is saved for 'loremup logout --session-file PATH'. It is
written to a new file of mode 0600 in the same directory and renamed onto PATH,
so an existing file's looser permissions, or a symlink at PATH, are replaced
and never followed. The file holds credentials: whoever reads it can act as the
user until logout. Without --session-file the session is not kept: login then
only shows that the credentials work, and the session stays open on the server
until it expires.

--form-name defaults to ` + loremup.ReferenceCreateFormName + `, the name on the
API's reference page ("REST API - Login and Logout User"); your app may
configure another.`,
	example: `  export LOREMUP_BASE_URL=https://app.example.com
  export LOREMUP_API_TOKEN=... LOREMUP_PASSWORD=...
  loremup login --email ada@example.com --session-file ada.session

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
	fs.BoolVar(&l.passwordStdin, "password-stdin", false, "read the password from the first line of stdin (default: $"+envPassword+")")
	fs.StringVar(&l.sessionFile, "session-file", "", "save the session to `PATH` (mode 0600) for 'logout --session-file PATH'")
}

func (l *login) run(ctx context.Context, cx *cmdContext) (result, *cliError) {
	baseURL, token, cerr := cx.connection()
	if cerr != nil {
		return nil, cerr
	}
	email := cx.flagOrEnv("email", l.email, envEmail)
	if email == "" {
		return nil, usageError("--email", "missing e-mail: pass --email or set %s", envEmail)
	}
	password, cerr := l.password(cx)
	if cerr != nil {
		return nil, cerr
	}
	cx.out.addSecrets(password)
	client, cerr := cx.newClient(ctx, baseURL, token)
	if cerr != nil {
		return nil, cerr
	}
	defer client.CloseIdleConnections()

	// Make sure the session can be saved before logging in, so that a
	// wrong path does not leave a session open on the server.
	var pending *pendingFile
	if l.sessionFile != "" {
		var err error
		if pending, err = prepareSessionFile(l.sessionFile); err != nil {
			return nil, otherError("cannot write session file: %v", err)
		}
		defer pending.abort() // a no-op after commit
	}

	callCtx, cancel := cx.callContext(ctx)
	defer cancel()
	sess, err := client.Sessions.Create(callCtx, loremup.CreateSessionParams{
		FormName: l.formName,
		Form:     loremup.SessionForm{Email: email, Password: password},
	})
	if err != nil {
		return nil, classify(ctx, err, cx.global.timeout)
	}

	res := loginResult{header: header{OK: true, Command: "login"}, Email: email, Cookies: cookieNames(sess)}
	if pending != nil {
		if err := saveSession(pending, sess); err != nil {
			// Rare, since prepareSessionFile checked the place: a full
			// disk, a directory removed meanwhile. Logging out again
			// would need the logout form's name, which login does not
			// know, so say what is left behind.
			return nil, otherError("logged in, but cannot write session file: %v; the session stays open on the server until it expires", err)
		}
		res.SessionFile = &l.sessionFile
	}
	return res, nil
}

// password reads the password from stdin (--password-stdin) or the
// environment.
func (l *login) password(cx *cmdContext) (string, *cliError) {
	if !l.passwordStdin {
		if pw := cx.getenv(envPassword); pw != "" {
			return pw, nil
		}
		return "", usageError("password", "missing password: set %s or pipe it with --password-stdin", envPassword)
	}
	pw, err := readPasswordLine(cx.stdin)
	if err != nil {
		return "", usageError("password", "--password-stdin: %v", err)
	}
	if pw == "" {
		return "", usageError("password", "--password-stdin: the first line of stdin is empty")
	}
	return pw, nil
}

// maxPasswordLine bounds what --password-stdin reads.
const maxPasswordLine = 64 << 10

// readPasswordLine returns the first line of r without its line ending.
// It reads no further, so stdin may carry more for other programs.
func readPasswordLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, maxPasswordLine)).ReadString('\n')
	switch {
	case err == io.EOF && line == "":
		return "", errors.New("stdin is empty")
	case err == io.EOF && len(line) == maxPasswordLine:
		return "", errors.New("the first line of stdin is too long")
	case err != nil && err != io.EOF:
		return "", errors.New("cannot read stdin: " + err.Error())
	}
	line = strings.TrimSuffix(line, "\n")
	return strings.TrimSuffix(line, "\r"), nil
}

func saveSession(p *pendingFile, sess *loremup.Session) error {
	// Export is the SDK's one way to write a session's cookie values.
	data, err := sess.Export()
	if err != nil {
		return err
	}
	return p.commit(append(data, '\n'))
}
