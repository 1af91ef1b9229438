package loremup

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/loremup/loremup-go/internal/redact"
	"github.com/loremup/loremup-go/internal/wire"
)

// SessionsService logs users in and out: the "REST API - Login and Logout
// User" page of the LoremUp API (POST and DELETE /api/sessions). Reach it
// as Client.Sessions.
type SessionsService struct {
	c *Client
}

// The form names of the vendor's reference documentation. An app names
// its own form configurations; these are what its examples use, and what
// the fake server (package loremuptest) accepts by default.
const (
	ReferenceCreateFormName = "reference_rest_api_create_sessions"
	ReferenceDeleteFormName = "reference_rest_api_delete_sessions"
)

// SessionForm is the user's credentials for a login.
type SessionForm struct {
	Email    string
	Password string
}

// CreateSessionParams are the parameters of [SessionsService.Create].
type CreateSessionParams struct {
	// FormName names the form configuration on the server, e.g.
	// "reference_rest_api_create_sessions". Required.
	FormName string
	// Form holds the e-mail and password. Both required.
	Form SessionForm
}

// DeleteSessionParams are the parameters of [SessionsService.Delete].
type DeleteSessionParams struct {
	// FormName names the form configuration on the server, e.g.
	// "reference_rest_api_delete_sessions". Required.
	FormName string
	// Session is the login to end; it must belong to the Client's base
	// URL. A nil Session is for the one-user program: it ends the
	// Client's one live login (created by it and not yet ended), or, when
	// there is none, sends a logout without a session cookie. While the
	// Client has more than one live login a nil
	// Session is refused: on a Client shared by many users it must never
	// log out whoever happened to log in last.
	Session *Session
}

// Create logs a user in: POST {base}/api/sessions with the form name,
// e-mail and password. On 201 Created it returns the Session, which the
// Client counts as live until it is deleted (see [DeleteSessionParams]).
// Another 2xx is a login only when it is JSON and sets a session cookie;
// otherwise (a 200 HTML page, a 200 JSON answer such as
// {"success":false} without a cookie) the error matches
// [ErrUnexpectedResponse].
//
// When the answer's head arrived with the session cookie but its body
// was cut (the connection broke), the server did log the user in: Create
// then returns the Session together with the transport error, so the
// caller can still log it out:
//
//	sess, err := c.Sessions.Create(ctx, p)
//	if sess != nil {
//		defer c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: f, Session: sess})
//	}
//	if err != nil {
//		return err
//	}
//
// In every other case exactly one of the results is non-nil.
//
// Errors: a [*ValidationError] for empty FormName, Form.Email or
// Form.Password, or an e-mail or password that is not UTF-8 (nothing is
// sent); an [*APIError] matching [ErrUnauthorized]
// (unknown token or credentials), [ErrNotAcceptable] (unknown form name) or
// [ErrUnprocessableEntity] (e.g. an e-mail that is not an address); an
// [*APIError] for any other answer; or a transport or context error.
func (s *SessionsService) Create(ctx context.Context, p CreateSessionParams) (*Session, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(wire.CreateRequest{
		FormName: p.FormName,
		Form:     wire.SessionForm{Email: p.Form.Email, Password: p.Form.Password},
	})
	if err != nil {
		return nil, fmt.Errorf("loremup: encode login: %w", err)
	}
	resp, err := s.c.do(ctx, http.MethodPost, body, nil, p.Form.Password)
	if err != nil {
		if resp != nil && isLogin(resp) && hasSessionCookie(resp.cookies) {
			return s.c.keep(resp), err
		}
		return nil, err
	}
	if !isLogin(resp) {
		return nil, s.c.apiError(http.MethodPost, resp)
	}
	return s.c.keep(resp), nil
}

// isLogin reports whether a 2xx answer to a login is one. Only 201 is
// documented. Another 2xx counts when it is JSON and sets a session cookie
// (a lenient server); a 200 HTML page is a proxy's or a login page, and a
// 200 JSON answer without a cookie ({"success":false,...}) logged nobody
// in: taking either for a login would hide the failure.
func isLogin(r *response) bool {
	if r.status == http.StatusCreated {
		return true
	}
	return isJSON(r.header.Get("Content-Type")) && hasSessionCookie(r.cookies)
}

// hasSessionCookie reports whether the answer set a cookie with a value
// (one that does not just clear a cookie).
func hasSessionCookie(cookies []*http.Cookie) bool {
	for _, ck := range cookies {
		if ck.Value != "" && ck.MaxAge >= 0 {
			return true
		}
	}
	return false
}

// keep makes the Session of a login answer and counts it as live.
func (c *Client) keep(resp *response) *Session {
	cookies := withoutEchoedSecrets(resp.cookies, c.token, resp.call.password)
	sess := newSession(c.origin, cookies, resp.body)
	c.live.add(sess.st)
	return sess
}

// Delete logs a user out: DELETE {base}/api/sessions with the form name,
// sending the cookies of p.Session (see [DeleteSessionParams] for a nil
// Session). Any 2xx answer is success, and so logging out a session that
// already ended succeeds too.
//
// After a successful Delete the Session is ended ([Session.Ended]): the
// answer's Set-Cookie headers are applied to it and the cookies it sent
// are dropped, so deleting it again sends no session cookie. A server
// that keeps the session in the cookie itself (Rails' default cookie
// store) cannot revoke a copy of it: discard copies of a Session's
// cookies (Cookies, Export) after logging out.
//
// Errors: a [*ValidationError] for an empty FormName, or naming Session for
// a Session of another base URL or a nil Session that would be ambiguous
// (nothing is sent); an [*APIError] matching [ErrUnauthorized] or
// [ErrNotAcceptable], or for any other answer; or a transport or context
// error.
func (s *SessionsService) Delete(ctx context.Context, p DeleteSessionParams) error {
	if p.FormName == "" {
		return invalid("FormName", "form_name must not be empty")
	}
	c := s.c
	var st *sessionState
	if p.Session != nil {
		st = p.Session.st
		if st != nil && !st.belongsTo(c.origin) {
			return invalid("Session", "the session belongs to another base URL than this client's; log it out with a client for "+p.Session.BaseURL())
		}
	} else {
		only, err := c.live.only()
		if err != nil {
			return invalid("Session", err.Error())
		}
		st = only
	}
	body, err := json.Marshal(wire.DeleteRequest{FormName: p.FormName})
	if err != nil {
		return fmt.Errorf("loremup: encode logout: %w", err)
	}
	var cookies []*http.Cookie
	if st != nil {
		cookies = st.logoutCookies(c.origin, c.sessionsURL)
	}
	resp, err := c.do(ctx, http.MethodDelete, body, cookies, "")
	if err != nil {
		return err
	}
	if st != nil {
		st.end(c.origin, c.sessionsURL, cookies, resp.cookies)
	}
	return nil
}

// validate refuses parameters no login can succeed with, before anything
// is sent: Create and ReloginHTTPClient (whose later logins would all
// fail) check the same.
func (p CreateSessionParams) validate() error {
	switch {
	case p.FormName == "":
		return invalid("FormName", "form_name must not be empty")
	case p.Form.Email == "":
		return invalid("Form.Email", "email must not be empty")
	case p.Form.Password == "":
		return invalid("Form.Password", "password must not be empty")
	}
	return checkUTF8(p.Form)
}

// checkUTF8 refuses credentials that are not UTF-8. JSON carries text
// only: encoding/json would send each invalid byte as U+FFFD, so the
// server would see another password than the caller's (the login can
// never succeed as meant), and would echo a spelling of it the
// redaction of answers does not know.
func checkUTF8(f SessionForm) error {
	switch {
	case !utf8.ValidString(f.Email):
		return invalid("Form.Email", "email must be valid UTF-8")
	case !utf8.ValidString(f.Password):
		return invalid("Form.Password", "password must be valid UTF-8")
	}
	return nil
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == wire.MediaTypeJSON || strings.HasSuffix(mt, "+json"))
}

// Format prints the form with the password hidden, for every verb.
func (f SessionForm) Format(s fmt.State, _ rune) {
	fmt.Fprintf(s, "loremup.SessionForm{Email: %q, Password: %s}", f.Email, redact.Marker)
}

// MarshalJSON encodes the form with the password hidden, so a form nested
// in a value that a JSON log handler prints (where LogValue is not
// consulted) does not show it. The request body is encoded separately.
func (f SessionForm) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}{f.Email, redact.Marker})
}

// Format prints the service without the Client's secrets, for every verb:
// fmt prints the Client it points to, token included, through %s or %q.
func (s SessionsService) Format(f fmt.State, _ rune) {
	fmt.Fprint(f, "loremup.SessionsService{}")
}

// Format prints the parameters with the password hidden, for every verb:
// fmt prints a [*CreateSessionParams] met inside another value with %s or
// %q field by field, without calling [SessionForm]'s Format.
func (p CreateSessionParams) Format(s fmt.State, _ rune) {
	fmt.Fprintf(s, "loremup.CreateSessionParams{FormName: %q, Form: %v}", p.FormName, p.Form)
}
