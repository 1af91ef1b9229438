package loremup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/loremup/loremup-go/internal/wire"
)

// Sentinel errors, matched with errors.Is against any error a call returns.
// Each is matched by the answer's status code through ([*APIError]).Is, so
// they hold however the [*APIError] is wrapped.
var (
	// ErrUnauthorized: the server answered 401 (unknown API token, or an
	// e-mail/password pair it does not know). Not retried.
	ErrUnauthorized = errors.New("loremup: unauthorized")
	// ErrNotAcceptable: the server answered 406 (wrong parameters: unknown
	// form_name, malformed body, unacceptable Accept header). Not retried.
	ErrNotAcceptable = errors.New("loremup: not acceptable")
	// ErrUnprocessableEntity: the server answered 422 (a value failed the
	// server's validations, e.g. an e-mail that is not an address). Not retried.
	ErrUnprocessableEntity = errors.New("loremup: unprocessable entity")
	// ErrRetryBudgetExhausted: a retryable failure was not retried because
	// the client-wide retry budget is spent (see [RetryBudget]). The error
	// also carries the last answer as [*APIError] when there was one.
	ErrRetryBudgetExhausted = errors.New("loremup: retry budget exhausted")
	// ErrUnexpectedResponse: a 2xx answer that is not what the call
	// promises, such as a 200 HTML page where a login (201) was expected:
	// usually a wrong base URL or a proxy's login page. The error is an
	// [*APIError] with the answer.
	ErrUnexpectedResponse = errors.New("loremup: unexpected response")
)

// APIError is the error for every answer that is not a success: the
// documented 401, 406 and 422, and every other non-2xx status, 3xx, 429
// and 5xx included. When retries ran out it describes the last answer.
// It also describes a 2xx answer that is not a login (see
// [ErrUnexpectedResponse]).
//
// Server-supplied text (Errors, Body, Header and the fields taken from
// it) has the call's API token, password and session cookie values
// replaced by "[REDACTED]" should the server echo them, and the whole
// value of every Set-Cookie header is hidden too. See the package
// documentation for exactly what is and is not promised.
type APIError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Errors are the server's error objects, normalised to JSON:API shape
	// from any of the bodies the package doc lists. Empty when the body
	// was not one of them.
	Errors []ErrorObject
	// Method and Path name the request (Path has no query string).
	Method, Path string
	// Header is a copy of the answer's headers, redacted: read
	// Content-Type, WWW-Authenticate, Retry-After or anything else from
	// it. The value of every Set-Cookie, Cookie and Authorization header
	// is wholly [REDACTED]: a cookie the answer sets is a credential.
	Header http.Header
	// RequestID is the answer's X-Request-Id, X-Correlation-Id or
	// Request-Id header, if any: quote it to the API's operators. It has
	// a field of its own because it is read from whichever of those
	// names the server uses.
	RequestID string
	// Location is the Location header of a redirect (3xx only), which
	// is never followed: a 3xx usually means a wrong base URL or a login
	// page. It has a field of its own because it is set only when the
	// redirect was not followed, which is what callers test for.
	Location string
	// Attempts is how many requests were sent for this call (1 + retries).
	Attempts int
	// Body is the raw answer, at most the client's response size cap.
	Body []byte
	// BodyTruncated reports that the body was longer than the cap; Errors
	// is then empty, since a cut document cannot be parsed. Errors is
	// empty too for a body over 64 KiB: parsing one costs far more memory
	// than its size, and no API error needs that much.
	BodyTruncated bool
	// RetryBudgetExhausted reports that the answer was retryable but the
	// client-wide retry budget denied the retry.
	RetryBudgetExhausted bool
}

// ErrorObject is one JSON:API error object.
type ErrorObject struct {
	Status, Code, Title, Detail string
	Source                      *ErrorSource
}

// ErrorSource points at the part of the request an error object is about,
// e.g. Pointer "/form/email".
type ErrorSource struct {
	Pointer, Parameter, Header string
}

// Error returns a one-line description for people: method, path, status,
// the first detail the server gave, and the request id.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("loremup: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(statusLine(e.StatusCode))
	if msg := e.firstMessage(); msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
		if n := len(e.Errors); n > 1 {
			fmt.Fprintf(&b, " (and %d more)", n-1)
		}
	}
	if e.StatusCode >= 200 && e.StatusCode < 300 {
		b.WriteString(": not the answer the API documents")
		if ct := e.Header.Get("Content-Type"); ct != "" {
			b.WriteString(" (Content-Type ")
			b.WriteString(ct)
			b.WriteByte(')')
		}
	}
	if e.Location != "" {
		b.WriteString(": redirect to ")
		b.WriteString(stripQuery(e.Location))
		b.WriteString(" not followed")
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.RetryBudgetExhausted {
		b.WriteString(" (retry budget exhausted)")
	}
	return b.String()
}

func (e *APIError) firstMessage() string {
	if len(e.Errors) == 0 {
		return ""
	}
	o := e.Errors[0]
	msg := o.Detail
	if msg == "" {
		msg = o.Title
	}
	if o.Source != nil && o.Source.Pointer != "" && msg != "" {
		msg = o.Source.Pointer + " " + msg
	}
	return msg
}

// Is makes errors.Is(err, [ErrUnauthorized]) and the like hold for answers
// with the matching status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrNotAcceptable:
		return e.StatusCode == http.StatusNotAcceptable
	case ErrUnprocessableEntity:
		return e.StatusCode == http.StatusUnprocessableEntity
	case ErrRetryBudgetExhausted:
		return e.RetryBudgetExhausted
	case ErrUnexpectedResponse:
		return e.StatusCode >= 200 && e.StatusCode < 300
	}
	return false
}

// ValidationError reports input that can never succeed, found before any
// request is sent. It never holds the offending value when that is a
// secret.
type ValidationError struct {
	// Field is the Go name of the bad input: "baseURL", "apiToken",
	// "FormName", "Form.Email", "Form.Password", or an option's name.
	Field string
	// Reason says what is wrong with it.
	Reason string
}

func (e *ValidationError) Error() string {
	return "loremup: invalid " + e.Field + ": " + e.Reason
}

func invalid(field, reason string) error {
	return &ValidationError{Field: field, Reason: reason}
}

func statusLine(code int) string {
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("%d %s", code, text)
	}
	return fmt.Sprintf("%d", code)
}

func stripQuery(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		return s[:i]
	}
	return s
}

// maxParsedErrorBody bounds the error bodies parsed into Errors. A Rails
// error body is a few hundred bytes; parsing costs up to some 200 times
// a body's size (a 1 MiB body of 260,000 one-letter messages allocated
// 211 MiB), so a larger body is kept raw in Body only.
const maxParsedErrorBody = 64 << 10

// apiError describes an answer that is not the call's success: any
// non-2xx, or a 2xx the call cannot use (see Create). The body is parsed
// as the server sent it, then the parsed strings and the kept body are
// redacted each on their own, so a secret that happens to equal part of
// the document's structure (a password "errors" or "form") neither hides
// the error objects nor mangles their pointers.
func (c *Client) apiError(method string, r *response) *APIError {
	red := c.callSecrets(r.call)
	h := red.Header(r.header)
	e := &APIError{
		StatusCode:           r.status,
		Method:               method,
		Path:                 c.path,
		Header:               h,
		RequestID:            requestID(h),
		Attempts:             max(r.call.attempts, 1),
		Body:                 red.Bytes(r.body),
		BodyTruncated:        r.truncated,
		RetryBudgetExhausted: r.call.denied,
	}
	if r.status >= 300 && r.status < 400 {
		e.Location = h.Get("Location")
	}
	switch {
	case r.truncated:
		e.Body = red.CutTail(e.Body)
	case len(r.body) <= maxParsedErrorBody:
		e.Errors = parseErrorBody(r.header.Get("Content-Type"), r.body)
	}
	for i := range e.Errors {
		redactObject(red, &e.Errors[i])
	}
	return e
}

// transportError wraps an error that came without an answer, its text
// redacted (a transport error may quote a malformed header the server
// sent). The caller's context error stays matchable with errors.Is.
func (c *Client) transportError(ctx context.Context, method string, st *callState, err error) error {
	err = c.callSecrets(st).Error(err)
	if c.logger != nil {
		c.log(ctx, "loremup: request failed", slog.String("method", method), slog.String("path", c.path),
			slog.Int("attempts", st.attempts), slog.String("error", err.Error()))
	}
	attempts := ""
	if st.attempts > 1 {
		attempts = fmt.Sprintf(" after %d attempts", st.attempts)
	}
	if st.denied {
		return fmt.Errorf("loremup: %s %s%s: %w (%w)", method, c.path, attempts, err, ErrRetryBudgetExhausted)
	}
	return fmt.Errorf("loremup: %s %s%s: %w", method, c.path, attempts, err)
}

func requestID(h http.Header) string {
	for _, name := range [...]string{wire.RequestIDHeader, "X-Correlation-Id", "Request-Id"} {
		if v := h.Get(name); v != "" {
			return v
		}
	}
	return ""
}
