package main

import (
	"context"
	"flag"
	"os"

	loremup "github.com/loremup/loremup-go"
)

var logoutCommand = &command{
	name:     "logout",
	summary:  "log a user out (DELETE /api/sessions), ending the session login saved",
	synopsis: "loremup logout --session-file PATH [flags]",
	about: `Logs a user out: DELETE {base}/api/sessions with the form name, sending the
cookies of the session that 'loremup login --session-file PATH' saved, and
exactly those. On success PATH is removed; on failure it is kept, so the logout
can be tried again. Any 2xx answer is success: logging out a session that has
already ended succeeds too.

Without --session-file there is no session to end: a new process holds no
cookies, so the request carries none. It is still sent and the server answers
204 No Content (logging out is idempotent), but nothing is logged out; that
only shows that the token and the form name are accepted.

--form-name defaults to ` + loremup.ReferenceDeleteFormName + `, the name on the
API's reference page ("REST API - Login and Logout User"); your app may
configure another.`,
	example: `  export LOREMUP_BASE_URL=https://app.example.com LOREMUP_API_TOKEN=...
  loremup logout --session-file ada.session`,
	connects: true,
	flags:    []string{"session-file", "form-name"},
	new:      func() runner { return &logout{} },
}

type logout struct {
	formName    string
	sessionFile string
}

func (l *logout) define(fs *flag.FlagSet) {
	fs.StringVar(&l.formName, "form-name", loremup.ReferenceDeleteFormName, "form configuration `NAME` on the server")
	fs.StringVar(&l.sessionFile, "session-file", "", "log out the session saved in `PATH` by login, then remove PATH")
}

func (l *logout) run(ctx context.Context, cx *cmdContext) (result, *cliError) {
	baseURL, token, cerr := cx.connection()
	if cerr != nil {
		return nil, cerr
	}
	var sess *loremup.Session
	if l.sessionFile != "" {
		s, loose, err := readSessionFile(l.sessionFile)
		if err != nil {
			return nil, otherError("cannot read session file: %v", err)
		}
		if loose {
			cx.out.warn("%s can be read by other users; a session file holds credentials (chmod 600 it)", l.sessionFile)
		}
		sess = s
		for _, c := range sess.Cookies() {
			cx.out.addSecrets(c.Value)
		}
	}
	client, cerr := cx.newClient(ctx, baseURL, token)
	if cerr != nil {
		return nil, cerr
	}
	defer client.CloseIdleConnections()

	callCtx, cancel := cx.callContext(ctx)
	defer cancel()
	// A nil Session makes the SDK send the client's own cookies, which a
	// new process does not have (see the command's help).
	sent := cookieNames(sess) // Delete ends the Session, dropping its cookies
	err := client.Sessions.Delete(callCtx, loremup.DeleteSessionParams{FormName: l.formName, Session: sess})
	if err != nil {
		return nil, classify(ctx, err, cx.global.timeout)
	}

	res := logoutResult{header: header{OK: true, Command: "logout"}, Cookies: sent}
	if sess != nil {
		removed := true
		if err := os.Remove(l.sessionFile); err != nil {
			// The session is over, so the file is harmless now; the
			// logout itself succeeded and the exit code says so.
			cx.out.warn("logged out, but cannot remove session file: %v", err)
			removed = false
		}
		res.SessionFile, res.SessionFileRemoved = &l.sessionFile, &removed
	}
	return res, nil
}
