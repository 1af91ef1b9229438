package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/loremup/loremup-go/internal/cliflag"
)

// The flags are shown the way loremup shows its own (internal/cliflag):
// "--name VALUE" in the help, and the flag named as the user typed it in
// errors.

// usageIntro is the help text before the list of flags.
const usageIntro = `Usage:
  loremup-fake [flags]

Serves a fake LoremUp Sessions API; prints its base URL on stdout.
GET {prefix}` + mePath + ` answers the logged-in user as {"email": "..."}, 401 without
a live session cookie, so tests can check their cookie handling.
With --control, the second line of stdout is the URL of the control API (JSON
over HTTP, "Authorization: Bearer <control token>"): POST/GET/DELETE /faults,
GET/DELETE /requests, GET/POST /users, DELETE /users/{email}, GET/DELETE
/sessions, DELETE /sessions/{id}, GET/POST /policies, DELETE /locks/{email},
POST /reset, GET /counters.

Flags are written --name VALUE or --name=VALUE (-name works too).

Flags:
`

// writeUsage prints the help: usageIntro, then every flag of fs.
func writeUsage(w io.Writer, fs *flag.FlagSet) {
	_, _ = io.WriteString(w, usageIntro)
	cliflag.WriteFlags(w, fs, nil, flagColumn)
}

// flagColumn is the width of the "--name VALUE" column of the help.
const flagColumn = 30

// flagError rewrites a parse error of the flag package: the flag shown as
// typed, the value left out (it may be a token).
func flagError(err error, fs *flag.FlagSet, args []string) error {
	ferr := cliflag.Explain(err, fs, args)
	if ferr.Kind == cliflag.Unknown && ferr.Name == "v" {
		return fmt.Errorf("%w; for the version: loremup-fake --version", ferr)
	}
	return ferr
}
