package loremup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/loremup/loremup-go/internal/redact"
)

// This file keeps a Session between runs: Export and [ImportSession], and
// the JSON encoding of a Session, which shows cookie names only.

// sessionFile is a Session's persisted form (Export, [ImportSession]).
// Origin is absent from JSON written before it was kept.
type sessionFile struct {
	Origin   string          `json:"origin,omitempty"`
	Cookies  []cookieJSON    `json:"cookies"`
	Body     json.RawMessage `json:"body,omitempty"`
	Ended    bool            `json:"ended,omitempty"`
	Redacted bool            `json:"redacted,omitempty"`
}

type cookieJSON struct {
	Name        string     `json:"name"`
	Value       string     `json:"value"`
	Quoted      bool       `json:"quoted,omitempty"`
	Path        string     `json:"path,omitempty"`
	Domain      string     `json:"domain,omitempty"`
	Expires     *time.Time `json:"expires,omitempty"`
	MaxAge      int        `json:"max_age,omitempty"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"` // Max-Age made absolute when it was set
	Secure      bool       `json:"secure,omitempty"`
	HTTPOnly    bool       `json:"http_only,omitempty"`
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
	switch name {
	case "default":
		return http.SameSiteDefaultMode
	case "lax":
		return http.SameSiteLaxMode
	case "strict":
		return http.SameSiteStrictMode
	case "none":
		return http.SameSiteNoneMode
	}
	return 0
}

// Export writes the Session, cookie values included, as JSON for keeping
// it between runs; [ImportSession] (or json.Unmarshal into a Session) reads
// it back. The result is a credential: store it as a secret (a file of
// mode 0600), and delete it after logging out.
//
// Export is the one way to get a Session's cookie values as JSON:
// json.Marshal of a Session (also nested in a logged struct) writes
// cookie names only.
func (s *Session) Export() ([]byte, error) {
	if s == nil || s.st == nil {
		return nil, invalid("Session", "session must not be nil")
	}
	st := s.st
	st.mu.Lock()
	out := sessionFile{
		Origin:  st.origin.String(),
		Cookies: make([]cookieJSON, 0, len(st.store.cookies)),
		Body:    st.body,
		Ended:   st.ended,
	}
	for i := range st.store.cookies {
		e := &st.store.cookies[i]
		c := e.c
		cj := cookieJSON{
			Name: c.Name, Value: c.Value, Quoted: c.Quoted, Path: c.Path, Domain: c.Domain,
			MaxAge: c.MaxAge, Secure: c.Secure, HTTPOnly: c.HttpOnly, Partitioned: c.Partitioned,
			SameSite: sameSiteName(c.SameSite),
		}
		if !c.Expires.IsZero() {
			t := c.Expires
			cj.Expires = &t
		}
		if c.MaxAge > 0 {
			t := e.expires
			cj.ExpiresAt = &t
		}
		if e.path != "" && e.path != c.Path {
			cj.Path = e.path // a default path the jar derived
		}
		out.Cookies = append(out.Cookies, cj)
	}
	st.mu.Unlock()
	return json.Marshal(out)
}

// ImportSession reads a Session written by Export, or by json.Marshal in
// versions before Export (which had no base URL: such a Session is
// accepted by any Client, which uses it with its own base URL). Every
// cookie is checked (http.Cookie.Valid: no quote in a value, no "x=1; y"
// as a name) and the Session's bounds apply: at most 64 cookies, 4096
// bytes each and 64 KiB together. Errors never quote cookie values.
func ImportSession(data []byte) (*Session, error) {
	var in sessionFile
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("loremup: decode session: %w", err)
	}
	return importSession(&in)
}

func importSession(in *sessionFile) (*Session, error) {
	if in.Redacted {
		return nil, errors.New("loremup: decode session: the JSON has its cookie values redacted (json.Marshal of a Session); use Session.Export to keep a session")
	}
	if in.Cookies == nil {
		return nil, errors.New("loremup: decode session: no cookies field")
	}
	if err := checkCookieBounds(len(in.Cookies), func(i int) *http.Cookie {
		return &http.Cookie{Name: in.Cookies[i].Name, Value: in.Cookies[i].Value}
	}); err != nil {
		return nil, fmt.Errorf("loremup: decode session: %w", err)
	}
	s := allocSession()
	st := s.st
	if in.Origin != "" {
		o, ok := parseOrigin(in.Origin)
		if !ok {
			return nil, errors.New("loremup: decode session: origin is not an http(s) base URL")
		}
		st.origin = o
	}
	now := time.Now()
	for i, cj := range in.Cookies {
		if cj.Name == "" {
			return nil, fmt.Errorf("loremup: decode session: cookie %d has no name", i)
		}
		c := &http.Cookie{
			Name: cj.Name, Value: cj.Value, Quoted: cj.Quoted, Path: cj.Path, Domain: cj.Domain,
			MaxAge: cj.MaxAge, Secure: cj.Secure, HttpOnly: cj.HTTPOnly, Partitioned: cj.Partitioned,
			SameSite: sameSiteMode(cj.SameSite),
		}
		if cj.Expires != nil {
			c.Expires = *cj.Expires
		}
		// Valid's errors may quote a byte of the value: say which cookie only.
		if c.Valid() != nil {
			return nil, fmt.Errorf("loremup: decode session: cookie %d is not a valid cookie (name, value, path, domain or expiry)", i)
		}
		e, remove, ok := newStoredCookie(st.origin, "", c, now)
		if !ok {
			return nil, fmt.Errorf("loremup: decode session: cookie %d (%s) cannot be sent to %s (Domain or Secure)", i, c.Name, st.origin)
		}
		if cj.ExpiresAt != nil {
			e.expires = *cj.ExpiresAt
		}
		if remove || e.expired(now) {
			continue
		}
		st.store.put(st.origin, e, false, now)
	}
	if len(in.Body) > 0 && !bytes.Equal(in.Body, []byte("null")) {
		st.body = append(json.RawMessage(nil), in.Body...)
	}
	st.ended = in.Ended
	return s, nil
}

// MarshalJSON writes the Session with its cookie values redacted, so a
// Session nested in a logged or encoded struct does not leak them. Use
// Export to keep a Session between runs.
func (s Session) MarshalJSON() ([]byte, error) {
	out := struct {
		Origin   string       `json:"origin,omitempty"`
		Cookies  []cookieJSON `json:"cookies"`
		Ended    bool         `json:"ended,omitempty"`
		Redacted bool         `json:"redacted"`
	}{Cookies: []cookieJSON{}, Redacted: true}
	if s.st != nil {
		s.st.mu.Lock()
		out.Origin, out.Ended = s.st.origin.String(), s.st.ended
		for i := range s.st.store.cookies {
			out.Cookies = append(out.Cookies, cookieJSON{Name: s.st.store.cookies[i].c.Name, Value: redact.Marker})
		}
		s.st.mu.Unlock()
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a Session written by Export, or by json.Marshal in
// versions before Export; see [ImportSession]. It refuses the redacted form
// MarshalJSON writes.
func (s *Session) UnmarshalJSON(data []byte) error {
	restored, err := ImportSession(data)
	if err != nil {
		return err
	}
	s.st = restored.st
	return nil
}
