package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	loremup "github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/internal/redact"
)

// This file is what the command prints: a line for people on stdout (or
// the error on stderr), or with --json exactly one JSON object on stdout,
// success or failure. Nothing here ever sees a cookie value, the token or
// the password: results carry cookie names only.

// result is a command's success. Its exported fields are the --json
// object; human is the line for people.
type result interface {
	human() string
}

// header starts every --json object.
type header struct {
	OK      bool   `json:"ok"`
	Command string `json:"command"`
}

type loginResult struct {
	header
	Email       string   `json:"email"`
	Cookies     []string `json:"cookies"`      // names only
	SessionFile *string  `json:"session_file"` // null when not saved
}

func (r loginResult) human() string {
	s := fmt.Sprintf("logged in %s (%s)", r.Email, describeCookies(r.Cookies))
	if r.SessionFile == nil {
		return s + "; session not saved"
	}
	return s + ", session saved to " + *r.SessionFile
}

type logoutResult struct {
	header
	Email              string   `json:"email,omitempty"` // as saved by login; empty in older files
	Cookies            []string `json:"cookies"`         // names of the cookies sent
	SessionFile        string   `json:"session_file"`
	SessionFileRemoved bool     `json:"session_file_removed"`
}

func (r logoutResult) human() string {
	who := ""
	if r.Email != "" {
		who = " " + r.Email
	}
	s := fmt.Sprintf("logged out%s (%s from %s)", who, describeCookies(r.Cookies), r.SessionFile)
	if r.SessionFileRemoved {
		return s + ", session file removed"
	}
	return s + "; the session file could not be removed (see above)"
}

type statusResult struct {
	header
	SessionFile string     `json:"session_file"`
	Email       string     `json:"email"`        // empty when the file predates it
	BaseURL     string     `json:"base_url"`     // empty when the file predates it
	LoggedInAt  *time.Time `json:"logged_in_at"` // null when the file predates it
	Cookies     []string   `json:"cookies"`      // names only
	Live        bool       `json:"live"`         // holds a cookie that has not expired (always true on success)
	now         time.Time
}

func (r statusResult) human() string {
	unknown := func(s string) string {
		if s == "" {
			return "(not recorded)"
		}
		return s
	}
	since := "(not recorded)"
	if r.LoggedInAt != nil {
		since = fmt.Sprintf("%s (%s ago)", r.LoggedInAt.Format(time.RFC3339), r.now.Sub(*r.LoggedInAt).Round(time.Second))
	}
	return fmt.Sprintf("%s: saved session\n  user:         %s\n  app:          %s\n  logged in at: %s\n  cookies:      %s\n(as saved; the server may have ended it since)",
		r.SessionFile, unknown(r.Email), unknown(r.BaseURL), since, describeCookies(r.Cookies))
}

type versionResult struct {
	header
	Version string `json:"version"` // of this command
	SDK     string `json:"sdk"`     // of the loremup-go SDK it is built from
	Go      string `json:"go"`
}

func (r versionResult) human() string {
	return fmt.Sprintf("loremup %s (loremup-go %s, %s)", r.Version, r.SDK, r.Go)
}

func describeCookies(names []string) string {
	switch len(names) {
	case 0:
		return "no session cookie"
	case 1:
		return "session cookie: " + names[0]
	}
	return "session cookies: " + strings.Join(names, ", ")
}

func cookieNames(s *loremup.Session) []string {
	names := []string{} // [] rather than null in --json
	for _, c := range s.Cookies() {
		names = append(names, c.Name)
	}
	return names
}

// failure is the --json object of a failed command.
type failure struct {
	header
	ExitCode int       `json:"exit_code"`
	Error    errorJSON `json:"error"`
}

// errorJSON flattens the server's first error object next to the message,
// so a tool reads error.pointer without walking a list; errors holds them
// all when the server sent more than one.
type errorJSON struct {
	Message              string            `json:"message"`
	Status               int               `json:"status,omitempty"`
	Code                 string            `json:"code,omitempty"`
	Title                string            `json:"title,omitempty"`
	Detail               string            `json:"detail,omitempty"`
	Pointer              string            `json:"pointer,omitempty"`
	Parameter            string            `json:"parameter,omitempty"`
	Header               string            `json:"header,omitempty"`
	RequestID            string            `json:"request_id,omitempty"`
	Location             string            `json:"location,omitempty"`
	Attempts             int               `json:"attempts,omitempty"`
	RetryBudgetExhausted bool              `json:"retry_budget_exhausted,omitempty"`
	Field                string            `json:"field,omitempty"`
	Errors               []errorObjectJSON `json:"errors,omitempty"`
}

type errorObjectJSON struct {
	Status    string `json:"status,omitempty"`
	Code      string `json:"code,omitempty"`
	Title     string `json:"title,omitempty"`
	Detail    string `json:"detail,omitempty"`
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Header    string `json:"header,omitempty"`
}

func newErrorJSON(e *cliError) errorJSON {
	out := errorJSON{Message: e.msg, Field: e.field}
	var apiErr *loremup.APIError
	if e.err == nil || !errors.As(e.err, &apiErr) {
		return out
	}
	out.Status = apiErr.StatusCode
	out.RequestID = apiErr.RequestID
	out.Location = stripQuery(apiErr.Location)
	out.Attempts = apiErr.Attempts
	out.RetryBudgetExhausted = apiErr.RetryBudgetExhausted
	for i, o := range apiErr.Errors {
		obj := errorObjectJSON{Status: o.Status, Code: o.Code, Title: o.Title, Detail: o.Detail}
		if o.Source != nil {
			obj.Pointer, obj.Parameter, obj.Header = o.Source.Pointer, o.Source.Parameter, o.Source.Header
		}
		if i == 0 {
			out.Code, out.Title, out.Detail = obj.Code, obj.Title, obj.Detail
			out.Pointer, out.Parameter, out.Header = obj.Pointer, obj.Parameter, obj.Header
		}
		out.Errors = append(out.Errors, obj)
	}
	if len(out.Errors) == 1 {
		out.Errors = nil // already flat above
	}
	return out
}

// redacted returns e with hide applied to every string the server or the
// SDK supplied.
func (e errorJSON) redacted(hide func(string) string) errorJSON {
	for _, s := range []*string{&e.Message, &e.Code, &e.Title, &e.Detail, &e.Pointer, &e.Parameter, &e.Header, &e.RequestID, &e.Location} {
		*s = hide(*s)
	}
	objs := make([]errorObjectJSON, len(e.Errors))
	for i, o := range e.Errors {
		for _, s := range []*string{&o.Status, &o.Code, &o.Title, &o.Detail, &o.Pointer, &o.Parameter, &o.Header} {
			*s = hide(*s)
		}
		objs[i] = o
	}
	if len(objs) > 0 {
		e.Errors = objs
	}
	return e
}

// stripQuery keeps a redirect's Location readable without what its query
// may carry (a login page's return URL, a signed token).
func stripQuery(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		return s[:i]
	}
	return s
}

// printer writes a command's outcome in the chosen mode.
type printer struct {
	command        string
	json           bool
	stdout, stderr io.Writer
	// secrets are hidden in every message printed. The SDK already hides
	// the token and password from its errors; this also covers a server
	// that echoes a cookie value back in an error detail, in any spelling.
	secrets redact.Set
}

func (p *printer) addSecrets(secrets ...string) {
	for _, s := range secrets {
		p.secrets.Add(s)
	}
}

func (p *printer) redact(s string) string { return p.secrets.String(s) }

func (p *printer) success(r result) int {
	if p.json {
		p.writeJSON(r)
	} else {
		fmt.Fprintln(p.stdout, r.human())
	}
	return exitOK
}

func (p *printer) fail(e *cliError) int {
	if p.json {
		p.writeJSON(failure{header: header{Command: p.command}, ExitCode: e.code, Error: newErrorJSON(e).redacted(p.redact)})
		return e.code
	}
	name := "loremup"
	if p.command != "" {
		name += " " + p.command
	}
	fmt.Fprintf(p.stderr, "%s: %s\n", name, p.redact(e.msg))
	var apiErr *loremup.APIError
	if e.err != nil && errors.As(e.err, &apiErr) && !allShown(e.msg, apiErr.Errors) {
		// The server's reasons, whatever shape its body had (JSON:API,
		// Rails' errors, plain text): each error object, e.g. both fields
		// of a 422, unless the message already says it all.
		for _, o := range apiErr.Errors {
			fmt.Fprintf(p.stderr, "  - %s\n", p.redact(describeObject(o)))
		}
	}
	if e.code == exitUsage {
		help := "loremup help"
		if p.command != "" {
			help += " " + p.command
		}
		fmt.Fprintf(p.stderr, "Run '%s' for usage.\n", help)
	}
	return e.code
}

// allShown reports whether msg already holds the detail of every object
// (or there is at most one object and msg holds its detail).
func allShown(msg string, objs []loremup.ErrorObject) bool {
	for _, o := range objs {
		text := o.Detail
		if text == "" {
			text = o.Title
		}
		if !strings.Contains(msg, text) {
			return false
		}
	}
	return len(objs) <= 1
}

func describeObject(o loremup.ErrorObject) string {
	msg := o.Detail
	if msg == "" {
		msg = o.Title
	}
	if o.Source != nil && o.Source.Pointer != "" {
		msg = o.Source.Pointer + ": " + msg
	}
	if o.Code != "" {
		msg += " (" + strconv.Quote(o.Code) + ")"
	}
	return msg
}

// warn tells people about something that did not fail the command. It
// goes to stderr in both modes, so stdout stays one JSON object.
func (p *printer) warn(format string, args ...any) {
	fmt.Fprintf(p.stderr, "loremup %s: warning: %s\n", p.command, p.redact(fmt.Sprintf(format, args...)))
}

func (p *printer) writeJSON(v any) {
	enc := json.NewEncoder(p.stdout)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // nothing to do if stdout is gone
}
