package main

import (
	"context"
	"flag"
	"os"
	"strings"

	loremup "github.com/loremup/loremup-go"
)

var logoutCommand = &command{
	name:     "logout",
	summary:  "log a user out (DELETE /api/sessions) with the session login saved",
	synopsis: "loremup logout --session-file PATH [flags]",
	about: `Logs a user out: DELETE {base}/api/sessions with the form name, sending the
cookies of the session that 'loremup login --session-file PATH' saved, and
exactly those. The base URL defaults to the one saved in PATH. On success PATH
is removed; on failure it is kept, so the logout can be tried again. Any 2xx
answer is success.

What a logout ends is up to the server: it ends the session on the server's
side and tells the client to drop the cookie. A server that keeps the whole
session in the cookie itself (Rails' default cookie store) cannot revoke a copy
of that cookie: a copy taken before the logout may stay valid until it expires.
Do not copy session files, and delete any copy of their cookies after logout.

When there is nothing to log out, logout sends nothing and exits with code 7:
when PATH does not exist (already logged out?), or when the session in PATH
holds no live cookie (it has expired or ended). Without --session-file it
exits 2, as status does: a new process holds no session of its own.

PATH is read only if login could have written it: a file of yours, of mode
0600, in a directory no other user controls. With --base-url or
` + envBaseURL + ` given, a PATH saved for another base URL is refused and
nothing is sent.

--form-name defaults to ` + loremup.ReferenceDeleteFormName + `, the name on the
API's reference page ("REST API - Login and Logout User"); your app may
configure another.`,
	example: `  export LOREMUP_API_TOKEN=...
  loremup logout --session-file ada.session

  # in a script: 0 logged out, 7 nothing was logged in
  loremup logout --session-file ada.session || [ $? -eq 7 ]`,
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
	saved, sess, cerr := cx.openSessionFile(l.sessionFile, "nothing to log out")
	if cerr != nil {
		return nil, cerr
	}
	baseURL, token, cerr := cx.connection(saved.BaseURL)
	if cerr != nil {
		return nil, cerr
	}
	client, cerr := cx.newClient(ctx, baseURL, token)
	if cerr != nil {
		return nil, cerr
	}
	defer client.CloseIdleConnections()
	if saved.BaseURL != "" && !sameApp(client.BaseURL(), saved.BaseURL) {
		return nil, otherError("%s holds a session of %s, not of %s (--base-url or %s); nothing sent", l.sessionFile, saved.BaseURL, client.BaseURL(), envBaseURL)
	}

	callCtx, cancel := cx.callContext(ctx)
	defer cancel()
	sent := cookieNames(sess) // Delete ends the Session, dropping its cookies
	err := client.Sessions.Delete(callCtx, loremup.DeleteSessionParams{FormName: l.formName, Session: sess})
	if err != nil {
		return nil, classify(ctx, err, cx.global.timeout)
	}

	res := logoutResult{header: header{OK: true, Command: "logout"}, Email: saved.Email, Cookies: sent, SessionFile: l.sessionFile}
	res.SessionFileRemoved = true
	if err := os.Remove(l.sessionFile); err != nil {
		// The server ended the session, so the file is harmless now;
		// the logout itself succeeded and the exit code says so.
		cx.out.warn("logged out, but cannot remove session file: %v", err)
		res.SessionFileRemoved = false
	}
	return res, nil
}

// sameApp reports whether two base URLs name the same app, whatever the
// case and a trailing slash: the token may go where the session came from.
func sameApp(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "/"), strings.TrimSuffix(b, "/"))
}
