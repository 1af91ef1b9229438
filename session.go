package loremup

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Session is what one login returned: the cookies the server set and the
// body it answered with. Pass it to Sessions.Delete to log that user out;
// hand its Cookies to other requests to act as that user.
//
// A Session's cookies are credentials: printing a Session with fmt or
// logging it with slog shows cookie names only. Cookies and JSON encoding
// (for keeping a session between runs) show the values.
type Session struct {
	cookies []*http.Cookie
	body    json.RawMessage
}

// Cookies returns a copy of the cookies the server set on login.
func (s *Session) Cookies() []*http.Cookie {
	if s == nil {
		return nil
	}
	out := make([]*http.Cookie, len(s.cookies))
	for i, c := range s.cookies {
		cc := *c
		out[i] = &cc
	}
	return out
}

// Body returns a copy of the JSON body of the login answer ("{}" from the
// reference server), or nil when the answer had no JSON body.
func (s *Session) Body() json.RawMessage {
	if s == nil || s.body == nil {
		return nil
	}
	return append(json.RawMessage(nil), s.body...)
}

// newSession takes ownership of cookies and body (fresh from the answer)
// and keeps the parts of each cookie that matter for sending it back and
// for persisting it, dropping the raw header text.
func newSession(cookies []*http.Cookie, body []byte) *Session {
	for _, c := range cookies {
		c.Raw, c.RawExpires, c.Unparsed = "", "", nil
	}
	s := &Session{cookies: cookies}
	if len(body) > 0 && json.Valid(body) {
		s.body = body
	}
	return s
}

// sessionJSON is a Session's persisted form.
type sessionJSON struct {
	Cookies []cookieJSON    `json:"cookies"`
	Body    json.RawMessage `json:"body,omitempty"`
}

type cookieJSON struct {
	Name        string     `json:"name"`
	Value       string     `json:"value"`
	Quoted      bool       `json:"quoted,omitempty"`
	Path        string     `json:"path,omitempty"`
	Domain      string     `json:"domain,omitempty"`
	Expires     *time.Time `json:"expires,omitempty"`
	MaxAge      int        `json:"max_age,omitempty"`
	Secure      bool       `json:"secure,omitempty"`
	HttpOnly    bool       `json:"http_only,omitempty"`
	SameSite    string     `json:"same_site,omitempty"`
	Partitioned bool       `json:"partitioned,omitempty"`
}

// sameSiteName and sameSiteMode map http.SameSite to its JSON name.
func sameSiteName(m http.SameSite) string {
	switch m {
	case http.SameSiteDefaultMode:
		return "default"
	case http.SameSiteLaxMode:
		return "lax"
	case http.SameSiteStrictMode:
		return "strict"
	case http.SameSiteNoneMode:
		return "none"
	}
	return ""
}

func sameSiteMode(name string) http.SameSite {
	for _, m := range []http.SameSite{http.SameSiteDefaultMode, http.SameSiteLaxMode, http.SameSiteStrictMode, http.SameSiteNoneMode} {
		if sameSiteName(m) == name {
			return m
		}
	}
	return 0
}

// MarshalJSON encodes the Session, cookie values included, so a tool can
// keep it between runs. Store the result as a secret (mode 0600).
func (s Session) MarshalJSON() ([]byte, error) {
	out := sessionJSON{Cookies: make([]cookieJSON, 0, len(s.cookies)), Body: s.body}
	for _, c := range s.cookies {
		cj := cookieJSON{
			Name: c.Name, Value: c.Value, Quoted: c.Quoted, Path: c.Path, Domain: c.Domain,
			MaxAge: c.MaxAge, Secure: c.Secure, HttpOnly: c.HttpOnly, Partitioned: c.Partitioned,
			SameSite: sameSiteName(c.SameSite),
		}
		if !c.Expires.IsZero() {
			t := c.Expires
			cj.Expires = &t
		}
		out.Cookies = append(out.Cookies, cj)
	}
	return json.Marshal(out)
}

// UnmarshalJSON restores a Session encoded by MarshalJSON.
func (s *Session) UnmarshalJSON(data []byte) error {
	var in sessionJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return fmt.Errorf("loremup: decode session: %w", err)
	}
	cookies := make([]*http.Cookie, 0, len(in.Cookies))
	for i, cj := range in.Cookies {
		if cj.Name == "" {
			return fmt.Errorf("loremup: decode session: cookie %d has no name", i)
		}
		c := &http.Cookie{
			Name: cj.Name, Value: cj.Value, Quoted: cj.Quoted, Path: cj.Path, Domain: cj.Domain,
			MaxAge: cj.MaxAge, Secure: cj.Secure, HttpOnly: cj.HttpOnly, Partitioned: cj.Partitioned,
		}
		if cj.Expires != nil {
			c.Expires = *cj.Expires
		}
		c.SameSite = sameSiteMode(cj.SameSite)
		cookies = append(cookies, c)
	}
	s.cookies = cookies
	s.body = nil
	if len(in.Body) > 0 && string(in.Body) != "null" {
		s.body = append(json.RawMessage(nil), in.Body...)
	}
	return nil
}

// cookieNames lists the cookie names with their values hidden.
func (s Session) cookieNames() string {
	parts := make([]string, len(s.cookies))
	for i, c := range s.cookies {
		parts[i] = c.Name + "=" + redacted
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// Format prints the Session with cookie values hidden, for every verb.
func (s Session) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "loremup.Session{Cookies: %s}", s.cookieNames())
}

// LogValue keeps cookie values out of structured logs.
func (s Session) LogValue() slog.Value {
	return slog.StringValue(s.cookieNames())
}
