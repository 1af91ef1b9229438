package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	loremup "github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/internal/cliflag"
)

// Exit codes, one per failure class, so a script can branch on what went
// wrong without reading the message. The table below is what `loremup
// help` prints; doc.go repeats it (a test keeps the two equal).
const (
	exitOK           = 0
	exitOther        = 1
	exitUsage        = 2
	exitUnauthorized = 3
	exitNotAccepted  = 4
	exitInvalid      = 5
	exitNetwork      = 6
	exitNoSession    = 7
	exitInterrupted  = 130 // 128 + SIGINT, as shells report it
)

var exitCodeTable = []struct {
	code int
	text string
}{
	{exitOK, "success"},
	{exitOther, "other error: session file not readable, not writable or refused (not yours, open to others, or of another base URL); an answer that is not the API's (a redirect, another 4xx, a 2xx that is not a login)"},
	{exitUsage, "usage: bad flag or argument; missing base URL, token, e-mail, password or --session-file; input refused before sending (e.g. plain http:// to a remote host)"},
	{exitUnauthorized, "unauthorized (401): unknown API token, or unknown e-mail/password"},
	{exitNotAccepted, "not acceptable (406): wrong parameters, e.g. an unknown --form-name"},
	{exitInvalid, "validation failed (422): the server refused a value, e.g. an e-mail that is not an address"},
	{exitNetwork, "network: no connection, --timeout reached, retries exhausted, 429, 5xx, retry budget spent"},
	{exitNoSession, "no session: logout ended nothing (no such file, or its session had already ended); status found no live session"},
	{exitInterrupted, "interrupted by SIGINT or SIGTERM"},
}

// exitCodeText renders the table for help output and doc.go.
func exitCodeText() string {
	var b strings.Builder
	for _, row := range exitCodeTable {
		for i, line := range cliflag.Wrap(row.text, 78-7) {
			if i == 0 {
				fmt.Fprintf(&b, "  %-3d  %s\n", row.code, line)
			} else {
				fmt.Fprintf(&b, "       %s\n", line)
			}
		}
	}
	return b.String()
}

// cliError is a failure with its exit code and what a person or a tool
// needs to act on it. Its message never holds a secret: it is built from
// flag names, the SDK's redacted errors and file paths.
type cliError struct {
	code  int
	field string // the input at fault ("--email", "password"), for usage errors
	msg   string
	err   error // the SDK error behind it, for the server's details
}

func (e *cliError) Error() string { return e.msg }

func usageError(field, format string, args ...any) *cliError {
	return &cliError{code: exitUsage, field: field, msg: fmt.Sprintf(format, args...)}
}

func otherError(format string, args ...any) *cliError {
	return &cliError{code: exitOther, msg: fmt.Sprintf(format, args...)}
}

// classify turns an error from NewClient or a Sessions call into a
// cliError. parent is the context before --timeout was applied: only its
// end means the user interrupted.
func classify(parent context.Context, err error, timeout time.Duration) *cliError {
	var (
		invalid *loremup.ValidationError
		apiErr  *loremup.APIError
		msg     = strings.TrimPrefix(err.Error(), "loremup: ")
	)
	switch {
	case errors.As(err, &invalid):
		field, label := cliInput(invalid.Field)
		// The SDK speaks of its options; the user knows this command's flags.
		reason := strings.ReplaceAll(invalid.Reason, "WithInsecureHTTP()", "--insecure-http")
		return &cliError{code: exitUsage, field: field, msg: "invalid " + label + ": " + reason, err: err}
	case parent.Err() != nil && errors.Is(err, context.Canceled):
		return &cliError{code: exitInterrupted, msg: "interrupted: " + msg, err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &cliError{code: exitNetwork, msg: fmt.Sprintf("timed out after %s (--timeout): %s", timeout, msg), err: err}
	case errors.As(err, &apiErr):
		return &cliError{code: statusExitCode(apiErr.StatusCode), msg: msg, err: err}
	default:
		// NewClient and the Sessions calls fail only with the two types
		// above or with a transport error: refused, reset, DNS, TLS, or
		// retries spent on them (ErrRetryBudgetExhausted included).
		return &cliError{code: exitNetwork, msg: msg, err: err}
	}
}

func statusExitCode(status int) int {
	switch {
	case status == http.StatusUnauthorized:
		return exitUnauthorized
	case status == http.StatusNotAcceptable:
		return exitNotAccepted
	case status == http.StatusUnprocessableEntity:
		return exitInvalid
	case status == http.StatusTooManyRequests || status >= 500:
		return exitNetwork
	default:
		return exitOther
	}
}

// cliInput names an SDK input as the user gave it to this command: the
// field key for --json output and a label for messages.
func cliInput(sdkField string) (field, label string) {
	switch sdkField {
	case "baseURL":
		return "--base-url", "base URL (--base-url or LOREMUP_BASE_URL)"
	case "apiToken":
		return "--token", "API token (--token or LOREMUP_API_TOKEN)"
	case "FormName":
		return "--form-name", "--form-name"
	case "Form.Email":
		return "--email", "e-mail (--email or LOREMUP_EMAIL)"
	case "Form.Password":
		return "password", "password (LOREMUP_PASSWORD or --password-stdin)"
	case "WithMaxRetries":
		return "--max-retries", "--max-retries"
	}
	return sdkField, sdkField
}
