package main

import (
	"context"
	"flag"
	"time"
)

var statusCommand = &command{
	name:     "status",
	summary:  "show whose session a session file holds, for which app, since when",
	synopsis: "loremup status --session-file PATH [--json]",
	about: `Reads a session file that 'loremup login --session-file PATH' saved and shows
whose session it is, for which app, when the login happened, and the names of
its cookies, never their values. It sends nothing: the server may have ended
the session since (a logout elsewhere, an expiry), which only a request can
tell.

It exits 0 when the file holds a live session (a cookie that has not expired),
and 7 when PATH does not exist or its session holds no live cookie. As logout
does, it reads PATH only if it is a file of yours, of mode 0600, in a
directory no other user controls.`,
	example: `  loremup status --session-file ada.session
  loremup status --session-file ada.session --json`,
	flags: []string{"session-file"},
	new:   func() runner { return &status{} },
}

type status struct {
	sessionFile string
}

func (s *status) define(fs *flag.FlagSet) {
	fs.StringVar(&s.sessionFile, "session-file", "", "the session file `PATH` login saved")
}

func (s *status) run(_ context.Context, cx *cmdContext) (result, *cliError) {
	saved, sess, cerr := cx.openSessionFile(s.sessionFile, "no session")
	if cerr != nil {
		return nil, cerr
	}
	return statusResult{
		header:      header{OK: true, Command: "status"},
		SessionFile: s.sessionFile, Email: saved.Email, BaseURL: saved.BaseURL, LoggedInAt: saved.LoggedInAt,
		Cookies: cookieNames(sess), Live: true, now: time.Now(),
	}, nil
}
