package loremup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/loremup/loremup-go/internal/redact"
)

// Session is what one login returned: the cookies the server set and the
// body it answered with. Pass it to Sessions.Delete to log that user out;
// call the app's other endpoints as that user through Client.HTTPClient
// or Session.Jar.
//
// A Session belongs to the origin (scheme, host, port) and base path of
// the Client that created it. Its cookies are only ever sent there, and
// only as a browser would send them: not once expired, not where their
// Domain or Path does not match, and a Secure cookie not over plain http
// (except to loopback). It is safe for concurrent use; a copy of a
// Session value is the same session.
//
// A Session's cookies are credentials: printing a Session with fmt,
// logging it with slog and encoding it with encoding/json show cookie
// names only. Cookies shows the values, and Export writes them for
// keeping a session between runs (see ImportSession).
type Session struct {
	st *sessionState
}

// sessionState is a Session's state, shared by copies of the Session.
type sessionState struct {
	mu     sync.Mutex
	origin *origin // nil for a Session restored from JSON without one
	store  cookieStore
	body   json.RawMessage
	ended  bool
	logins uint64   // how often a re-login swapped new cookies in
	owner  *liveSet // the Client that counts it as a live login, if any
}

// sessionBox lets a new Session, its state and its first cookie (a login
// usually sets one) share one allocation.
type sessionBox struct {
	s     Session
	st    sessionState
	first [1]storedCookie
}

func allocSession() *Session {
	b := &sessionBox{}
	b.s.st = &b.st
	b.st.store.cookies = b.first[:0]
	return &b.s
}

// newSession builds the Session of a login answered on o. It takes
// ownership of cookies and body (fresh from the answer), dropping each
// cookie's raw header text. Cookies past the Session's bounds, or that a
// browser would refuse, are dropped.
func newSession(o *origin, cookies []*http.Cookie, body []byte) *Session {
	s := allocSession()
	st := s.st
	st.origin = o
	if len(cookies) > 0 {
		if len(cookies) > 1 {
			st.store.cookies = make([]storedCookie, 0, min(len(cookies), maxSessionCookies))
		}
		now := time.Now()
		for _, c := range cookies {
			c.Raw, c.RawExpires, c.Unparsed = "", "", nil
			st.store.set(o, "", c, now)
		}
	}
	if len(body) > 0 && json.Valid(body) {
		st.body = body
	}
	return s
}

// NewSession makes a Session for the app at baseURL (the base URL a
// Client is made with) holding cookies, for a login made another way:
// by a browser, or by a test helper. The cookies are checked as restored
// ones are (see ImportSession) and copied; one without a Path is taken as
// set by the login answer.
func NewSession(baseURL string, cookies []*http.Cookie) (*Session, error) {
	u, err := parseBaseURL(baseURL, true)
	if err != nil {
		return nil, err
	}
	if err := checkCookieBounds(len(cookies), func(i int) *http.Cookie { return cookies[i] }); err != nil {
		return nil, invalid("cookies", err.Error())
	}
	s := allocSession()
	s.st.origin = originOf(u)
	now := time.Now()
	for i, c := range cookies {
		if c == nil || c.Valid() != nil {
			return nil, invalid("cookies", fmt.Sprintf("cookie %d is not a valid cookie", i))
		}
		cc := &http.Cookie{
			Name: c.Name, Value: c.Value, Quoted: c.Quoted, Path: c.Path, Domain: c.Domain,
			Expires: c.Expires, MaxAge: c.MaxAge, Secure: c.Secure, HttpOnly: c.HttpOnly,
			SameSite: c.SameSite, Partitioned: c.Partitioned,
		}
		if !s.st.store.set(s.st.origin, "", cc, now) {
			return nil, invalid("cookies", fmt.Sprintf("cookie %d (%s) cannot be sent to %s (Domain or Secure)", i, c.Name, s.st.origin))
		}
	}
	return s, nil
}

// checkCookieBounds refuses more cookies, or bigger ones, than a Session
// keeps.
func checkCookieBounds(n int, at func(int) *http.Cookie) error {
	if n > maxSessionCookies {
		return fmt.Errorf("%d cookies, more than the %d a session keeps", n, maxSessionCookies)
	}
	total := 0
	for i := range n {
		c := at(i)
		if c == nil {
			continue
		}
		size := len(c.Name) + len(c.Value)
		if size > maxCookieBytes {
			return fmt.Errorf("cookie %d is larger than %d bytes", i, maxCookieBytes)
		}
		total += size
	}
	if total > maxSessionCookieBytes {
		return fmt.Errorf("cookies larger than %d bytes together", maxSessionCookieBytes)
	}
	return nil
}

// Cookies returns a copy of the Session's cookies: those the server set
// on login, as later answers replaced them, without the expired ones.
func (s *Session) Cookies() []*http.Cookie {
	if s == nil || s.st == nil {
		return nil
	}
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	now := time.Now()
	out := make([]*http.Cookie, 0, len(st.store.cookies))
	for i := range st.store.cookies {
		e := &st.store.cookies[i]
		if e.expired(now) {
			continue
		}
		cc := *e.c
		out = append(out, &cc)
	}
	return out
}

// Body returns a copy of the JSON body of the login answer ("{}" from the
// reference server), or nil when the answer had no JSON body.
func (s *Session) Body() json.RawMessage {
	if s == nil || s.st == nil {
		return nil
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if s.st.body == nil {
		return nil
	}
	return append(json.RawMessage(nil), s.st.body...)
}

// BaseURL returns the base URL of the app the Session belongs to, or ""
// for a Session restored from JSON that did not record it (until a
// Client uses it).
func (s *Session) BaseURL() string {
	if s == nil || s.st == nil {
		return ""
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	return s.st.origin.String()
}

// Ended reports whether the Session was logged out by Sessions.Delete. An
// ended Session holds no session cookie: only what the logout answer set.
func (s *Session) Ended() bool {
	if s == nil || s.st == nil {
		return true
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	return s.st.ended
}

// Jar returns an http.CookieJar backed by the Session, so that
// &http.Client{Jar: sess.Jar()} calls the app as the Session's user. It
// sends the Session's cookies only to the Session's origin and base path
// (see Session), and keeps the cookies the app sets there in the Session:
// a cookie the app rotates replaces the old one, and a later
// Sessions.Delete sends the current one. It is safe for concurrent use.
// Client.HTTPClient returns such a client on the Client's transport.
//
// A Session restored from JSON without a base URL sends nothing until a
// Client has used it (HTTPClient or Delete).
func (s *Session) Jar() http.CookieJar {
	if s == nil {
		return sessionJar{}
	}
	return sessionJar{s: s.st}
}

// bind gives an unbound Session the Client's origin, and reports whether
// the Session belongs there.
func (st *sessionState) bind(o *origin) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.origin.bound() {
		st.origin = o
		return true
	}
	return *st.origin == *o
}

func (st *sessionState) setCookies(u *url.URL, cookies []*http.Cookie) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.origin.contains(u) {
		return
	}
	now := time.Now()
	for _, c := range cookies {
		if c == nil || c.Name == "" {
			continue
		}
		st.store.set(st.origin, u.Path, c, now)
	}
}

// cookiesFor returns copies of the cookies to send with a request for u.
func (st *sessionState) cookiesFor(u *url.URL) []*http.Cookie {
	st.mu.Lock()
	defer st.mu.Unlock()
	matched := st.store.matching(st.origin, u, time.Now())
	out := make([]*http.Cookie, len(matched))
	for i, c := range matched {
		out[i] = &http.Cookie{Name: c.Name, Value: c.Value, Quoted: c.Quoted}
	}
	return out
}

// requestCookies returns the cookies to send with a request for u and the
// number of re-logins the Session has seen, read together.
func (st *sessionState) requestCookies(u *url.URL) ([]*http.Cookie, uint64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.store.matching(st.origin, u, time.Now()), st.logins
}

// logoutCookies returns the cookies a logout at u sends: none once the
// Session ended.
func (st *sessionState) logoutCookies(u *url.URL) []*http.Cookie {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.ended {
		return nil
	}
	return st.store.matching(st.origin, u, time.Now())
}

// end applies a logout answer: its Set-Cookie headers, then the removal of
// every cookie sent with the logout that the answer did not replace, since
// it belonged to the session that ended.
func (st *sessionState) end(u *url.URL, sent, answered []*http.Cookie) {
	st.mu.Lock()
	now := time.Now()
	for _, c := range answered {
		st.store.set(st.origin, u.Path, c, now)
	}
	kept := st.store.cookies[:0]
	for _, e := range st.store.cookies {
		if containsCookie(sent, e.c) {
			st.store.bytes -= e.size()
			continue
		}
		kept = append(kept, e)
	}
	clear(st.store.cookies[len(kept):])
	st.store.cookies = kept
	st.ended = true
	owner := st.owner
	st.owner = nil
	st.mu.Unlock()
	if owner != nil {
		owner.remove(st)
	}
}

// containsCookie reports whether c (a stored pointer) is one of cookies.
func containsCookie(cookies []*http.Cookie, c *http.Cookie) bool {
	for _, s := range cookies {
		if s == c {
			return true
		}
	}
	return false
}

// swap moves the cookies and body of a fresh login into st (a re-login),
// which is live again afterwards.
func (st *sessionState) swap(fresh *sessionState) {
	fresh.mu.Lock()
	store, body, owner := fresh.store, fresh.body, fresh.owner
	fresh.store, fresh.body, fresh.owner, fresh.ended = cookieStore{}, nil, nil, true
	fresh.mu.Unlock()

	st.mu.Lock()
	st.store, st.body, st.ended = store, body, false
	st.logins++
	tracked := st.owner != nil
	if !tracked {
		st.owner = owner
	}
	st.mu.Unlock()
	if owner != nil {
		owner.replace(fresh, st, tracked)
	}
}

// maxTrackedSessions bounds how many live logins a Client remembers by
// identity, for Delete with a nil Session.
const maxTrackedSessions = 64

// liveSet is a Client's count of its live logins (created, not yet ended)
// and the identity of up to maxTrackedSessions of them: bounded however
// many users a program logs in without logging them out.
type liveSet struct {
	mu    sync.Mutex
	count int
	known map[*sessionState]struct{}
}

// add counts a new login; called before the Session is returned.
func (l *liveSet) add(st *sessionState) {
	st.owner = l
	l.mu.Lock()
	defer l.mu.Unlock()
	l.count++
	if len(l.known) < maxTrackedSessions {
		if l.known == nil {
			l.known = make(map[*sessionState]struct{}, 1)
		}
		l.known[st] = struct{}{}
	}
}

func (l *liveSet) remove(st *sessionState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.count--
	delete(l.known, st)
}

// replace hands the count of a re-login's fresh Session to the Session it
// was swapped into (already counted when tracked).
func (l *liveSet) replace(fresh, st *sessionState, tracked bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, known := l.known[fresh]
	delete(l.known, fresh)
	if tracked {
		l.count--
		return
	}
	if known {
		l.known[st] = struct{}{}
	}
}

// errAmbiguousSession is why Delete refuses a nil Session while the
// Client holds more than one live login.
var errAmbiguousSession = errors.New("more than one login of this client is live: pass the Session to log out")

// only returns the Client's one live login, nil when there is none, or an
// error when a nil Session would be ambiguous.
func (l *liveSet) only() (*sessionState, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.count == 0:
		return nil, nil
	case l.count == 1 && len(l.known) == 1:
		for st := range l.known {
			return st, nil
		}
	}
	return nil, errAmbiguousSession
}

// sessionFile is a Session's persisted form (Export, ImportSession).
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
// it between runs; ImportSession (or json.Unmarshal into a Session) reads
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
// accepted by any Client, and the first to use it binds it). Every
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
	type redactedCookie struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	out := struct {
		Origin   string           `json:"origin,omitempty"`
		Cookies  []redactedCookie `json:"cookies"`
		Ended    bool             `json:"ended,omitempty"`
		Redacted bool             `json:"redacted"`
	}{Cookies: []redactedCookie{}, Redacted: true}
	if s.st != nil {
		s.st.mu.Lock()
		out.Origin, out.Ended = s.st.origin.String(), s.st.ended
		for i := range s.st.store.cookies {
			out.Cookies = append(out.Cookies, redactedCookie{s.st.store.cookies[i].c.Name, redact.Marker})
		}
		s.st.mu.Unlock()
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a Session written by Export, or by json.Marshal in
// versions before Export; see ImportSession. It refuses the redacted form
// MarshalJSON writes.
func (s *Session) UnmarshalJSON(data []byte) error {
	restored, err := ImportSession(data)
	if err != nil {
		return err
	}
	s.st = restored.st
	return nil
}

// cookieNames lists the cookie names with their values hidden.
func (s Session) cookieNames() string {
	if s.st == nil {
		return "[]"
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	parts := make([]string, len(s.st.store.cookies))
	for i := range s.st.store.cookies {
		parts[i] = s.st.store.cookies[i].c.Name + "=" + redact.Marker
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// Format prints the Session with cookie values hidden, for every verb.
func (s Session) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "loremup.Session{Cookies: %s}", s.cookieNames())
}

// LogValue keeps cookie values out of structured logs.
func (s Session) LogValue() slog.Value {
	return slog.StringValue(s.cookieNames())
}
