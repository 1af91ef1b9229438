package loremup

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Session is what one login returned: the cookies the server set and the
// body it answered with. Pass it to [SessionsService.Delete] to log that user out;
// call the app's other endpoints as that user through [Client.HTTPClient]
// or [Session.Jar].
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
// keeping a session between runs (see [ImportSession]).
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
// Client is made with) holding cookies, for a login made another way: by
// a browser or single sign-on flow, or by a test helper. It is how a
// program that already holds a user's cookies acts as that user
// ([Client.HTTPClient]) and logs them out ([SessionsService.Delete]),
// since a Client keeps no cookie jar besides its Sessions. The cookies are
// checked as restored ones are (see [ImportSession]) and copied; one
// without a Path is taken as set by the login answer.
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

// Ended reports whether the Session was logged out by [SessionsService.Delete]. An
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
// (see [Session]), and keeps the cookies the app sets there in the
// Session: a cookie the app rotates replaces the old one, and a later
// [SessionsService.Delete] sends the current one. An answer that arrives
// after the Session ended is not kept. It is safe for concurrent use.
// [Client.HTTPClient] returns such a client on the Client's transport,
// also sending the API token.
//
// A Session restored from JSON without a base URL sends nothing through
// its Jar; [Client.HTTPClient] uses it with the Client's base URL.
func (s *Session) Jar() http.CookieJar {
	if s == nil {
		return (*sessionState)(nil)
	}
	return s.st
}

// at returns the origin the Session is used with: its own, or for a
// Session restored without one, the origin of the Client using it (which
// the Session does not keep). The caller holds st.mu.
func (st *sessionState) at(fallback *origin) *origin {
	if st.origin.bound() {
		return st.origin
	}
	return fallback
}

// belongsTo reports whether the Session may be used by a Client of o.
func (st *sessionState) belongsTo(o *origin) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return !st.origin.bound() || *st.origin == *o
}

// setCookies keeps the cookies an answer from u set, unless the answer
// came to a request sent under an older login than the current one
// (gen; anyGen when unknown) or after the Session ended: neither may
// replace the cookies that are live now.
func (st *sessionState) setCookies(fallback *origin, u *url.URL, cookies []*http.Cookie, gen uint64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	o := st.at(fallback)
	if st.ended || (gen != anyGen && gen != st.logins) || !o.contains(u) {
		return
	}
	now := time.Now()
	for _, c := range cookies {
		if c == nil || c.Name == "" {
			continue
		}
		st.store.set(o, cleanPath(u.Path), c, now)
	}
}

// anyGen stands for a request whose login is not known: one sent through
// a Jar, which net/http asks for cookies and gives the answer's apart.
const anyGen = ^uint64(0)

// requestCookies returns the cookies to send with a request for u and the
// login (the number of re-logins the Session has seen) they belong to,
// read together.
func (st *sessionState) requestCookies(fallback *origin, u *url.URL) ([]*http.Cookie, uint64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.store.matching(st.at(fallback), u, time.Now()), st.logins
}

// generation returns the Session's current login.
func (st *sessionState) generation() uint64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.logins
}

// logoutCookies returns the cookies a logout at u sends: none once the
// Session ended.
func (st *sessionState) logoutCookies(fallback *origin, u *url.URL) []*http.Cookie {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.ended {
		return nil
	}
	return st.store.matching(st.at(fallback), u, time.Now())
}

// end applies a logout answer: its Set-Cookie headers, then the removal of
// every cookie sent with the logout that the answer did not replace, since
// it belonged to the session that ended.
func (st *sessionState) end(fallback *origin, u *url.URL, sent, answered []*http.Cookie) {
	st.mu.Lock()
	now := time.Now()
	o := st.at(fallback)
	for _, c := range answered {
		st.store.set(o, u.Path, c, now)
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
