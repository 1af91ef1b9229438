package loremup

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strings"

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

// CreateSessionParams are the parameters of Sessions.Create.
type CreateSessionParams struct {
	// FormName names the form configuration on the server, e.g.
	// "reference_rest_api_create_sessions". Required.
	FormName string
	// Form holds the e-mail and password. Both required.
	Form SessionForm
}

// DeleteSessionParams are the parameters of Sessions.Delete.
type DeleteSessionParams struct {
	// FormName names the form configuration on the server, e.g.
	// "reference_rest_api_delete_sessions". Required.
	FormName string
	// Session is the login to end. When nil, the Client's latest login is
	// ended (or, when the Client was given an *http.Client with a Jar,
	// whatever session that jar holds).
	Session *Session
}

// Create logs a user in: POST {base}/api/sessions with the form name,
// e-mail and password. On 201 Created it returns the Session, whose
// cookies the Client also keeps as its own (see DeleteSessionParams).
// Another 2xx is a login only when it is JSON and sets a session cookie;
// otherwise (a 200 HTML page, a 200 JSON answer such as
// {"success":false} without a cookie) the error matches
// ErrUnexpectedResponse.
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
// Errors: a *ValidationError for empty FormName, Form.Email or
// Form.Password (nothing is sent); an *APIError matching ErrUnauthorized
// (unknown token or credentials), ErrNotAcceptable (unknown form name) or
// ErrUnprocessableEntity (e.g. an e-mail that is not an address); an
// *APIError for any other answer; or a transport or context error.
func (s *SessionsService) Create(ctx context.Context, p CreateSessionParams) (*Session, error) {
	switch {
	case p.FormName == "":
		return nil, invalid("FormName", "form_name must not be empty")
	case p.Form.Email == "":
		return nil, invalid("Form.Email", "email must not be empty")
	case p.Form.Password == "":
		return nil, invalid("Form.Password", "password must not be empty")
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

// keep makes the Session of a login answer and keeps it as the Client's
// latest (and in the caller's cookie jar, if any).
func (c *Client) keep(resp *response) *Session {
	sess := newSession(resp.cookies, resp.body)
	c.latest.Store(sess)
	if c.userJar != nil && len(resp.cookies) > 0 {
		c.userJar.SetCookies(c.sessionsURL, resp.cookies)
	}
	return sess
}

// Delete logs a user out: DELETE {base}/api/sessions with the form name,
// sending the cookies of p.Session (or, when it is nil, those of the
// Client's latest login; see DeleteSessionParams). Any 2xx answer is
// success, and so logging out a session that already ended succeeds too.
//
// Errors: a *ValidationError for an empty FormName; an *APIError matching
// ErrUnauthorized or ErrNotAcceptable, or for any other answer; or a
// transport or context error.
func (s *SessionsService) Delete(ctx context.Context, p DeleteSessionParams) error {
	if p.FormName == "" {
		return invalid("FormName", "form_name must not be empty")
	}
	body, err := json.Marshal(wire.DeleteRequest{FormName: p.FormName})
	if err != nil {
		return fmt.Errorf("loremup: encode logout: %w", err)
	}
	sess := p.Session
	if sess == nil {
		sess = s.c.latest.Load()
	}
	var cookies []*http.Cookie
	switch {
	case p.Session == nil && s.c.userJar != nil:
		cookies = s.c.userJar.Cookies(s.c.sessionsURL)
	case sess != nil:
		cookies = sess.cookies
	}
	resp, err := s.c.do(ctx, http.MethodDelete, body, cookies, "")
	if err != nil {
		return err
	}
	if sess != nil {
		s.c.latest.CompareAndSwap(sess, nil)
	}
	if s.c.userJar != nil {
		s.c.forget(cookies, resp.cookies)
	}
	return nil
}

// forget drops a logged-out session from the caller's cookie jar, if the
// jar holds it: the server's own expiring Set-Cookie headers first, then
// an explicit expiry of each cookie that was sent.
func (c *Client) forget(sent, answered []*http.Cookie) {
	if len(sent) == 0 || !jarHolds(c.userJar.Cookies(c.sessionsURL), sent) {
		return
	}
	if len(answered) > 0 {
		c.userJar.SetCookies(c.sessionsURL, answered)
	}
	var expire []*http.Cookie
	for _, ck := range sent {
		for _, path := range []string{ck.Path, "", "/"} {
			expire = append(expire, &http.Cookie{Name: ck.Name, Path: path, Domain: ck.Domain, MaxAge: -1})
		}
	}
	c.userJar.SetCookies(c.sessionsURL, expire)
}

func jarHolds(jar, sent []*http.Cookie) bool {
	for _, j := range jar {
		for _, s := range sent {
			if j.Name == s.Name && j.Value == s.Value {
				return true
			}
		}
	}
	return false
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == wire.MediaTypeJSON || strings.HasSuffix(mt, "+json"))
}

// Format prints the form with the password hidden, for every verb.
func (f SessionForm) Format(s fmt.State, verb rune) {
	fmt.Fprintf(s, "loremup.SessionForm{Email: %q, Password: %s}", f.Email, redacted)
}

// LogValue keeps the password out of structured logs.
func (f SessionForm) LogValue() slog.Value {
	return slog.GroupValue(slog.String("email", f.Email), slog.String("password", redacted))
}

// MarshalJSON encodes the form with the password hidden, so a form nested
// in a value that a JSON log handler prints (where LogValue is not
// consulted) does not show it. The request body is encoded separately.
func (f SessionForm) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}{f.Email, redacted})
}

// Format prints the parameters with the password hidden, for every verb.
func (p CreateSessionParams) Format(s fmt.State, verb rune) {
	fmt.Fprintf(s, "loremup.CreateSessionParams{FormName: %q, Form: %v}", p.FormName, p.Form)
}

// LogValue keeps the password out of structured logs.
func (p CreateSessionParams) LogValue() slog.Value {
	return slog.GroupValue(slog.String("form_name", p.FormName), slog.Any("form", p.Form))
}

// MarshalJSON encodes the parameters with the password hidden (see
// SessionForm.MarshalJSON).
func (p CreateSessionParams) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		FormName string      `json:"form_name"`
		Form     SessionForm `json:"form"`
	}{p.FormName, p.Form})
}

// Format prints the service without the Client's secrets, for every verb.
func (s SessionsService) Format(f fmt.State, verb rune) {
	if s.c == nil {
		fmt.Fprint(f, "loremup.SessionsService{}")
		return
	}
	fmt.Fprintf(f, "loremup.SessionsService{Client: %v}", *s.c)
}
