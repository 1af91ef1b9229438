package loremup

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/loremup/loremup-go/internal/wire"
)

// Bounds on what one Session keeps. A browser keeps about 50 cookies per
// domain and 4096 bytes per cookie; a login needs a handful. Cookies past
// these bounds are dropped as they arrive (a browser evicts them too), and
// a restored Session that exceeds them is refused.
const (
	// maxSessionCookies is the most cookies a Session keeps.
	maxSessionCookies = 64
	// maxCookieBytes bounds one cookie's name and value together.
	maxCookieBytes = 4096
	// maxSessionCookieBytes bounds the names and values of all the
	// cookies of a Session together.
	maxSessionCookieBytes = 64 << 10
)

// This file is the cookie store: how a Session keeps, matches and replaces
// its cookies as a browser does, and its use as an http.CookieJar.

// storedCookie is one cookie of a Session with what RFC 6265's storage
// model derives from it when it is set.
type storedCookie struct {
	c        *http.Cookie // as the server set it, without its raw text; never changed
	hostOnly bool         // no Domain attribute: only the origin's host
	domain   string       // the Domain attribute, lower case, without its dot
	path     string       // the Path attribute or the default path; "" for the login's default path
	expires  time.Time    // zero: kept until the Session ends
	seq      uint64       // creation order, kept when a cookie is replaced
}

func (e *storedCookie) expired(now time.Time) bool {
	return !e.expires.IsZero() && !e.expires.After(now)
}

func (e *storedCookie) size() int { return len(e.c.Name) + len(e.c.Value) }

func (e *storedCookie) effDomain(o *origin) string {
	if e.hostOnly {
		if o == nil {
			return ""
		}
		return o.host
	}
	return e.domain
}

// effPath is the cookie's path. A cookie set without one by the login
// answer (or restored without one) has the default path of the login's
// URL, {base}/api.
func (e *storedCookie) effPath(o *origin) string {
	if e.path == "" && o != nil {
		return defaultPath(o.path + wire.SessionsPath)
	}
	return e.path
}

func (e *storedCookie) sameKey(o *origin, other *storedCookie) bool {
	return e.c.Name == other.c.Name && e.effDomain(o) == other.effDomain(o) && e.effPath(o) == other.effPath(o)
}

// newStoredCookie derives the stored form of c, set by an answer to a
// request for reqPath ("" for the login). remove reports a cookie that
// deletes its namesake (Max-Age<=0 or an Expires in the past); ok false
// a cookie a browser would refuse: a Domain the host does not match, or
// Secure over plain http.
func newStoredCookie(o *origin, reqPath string, c *http.Cookie, now time.Time) (e storedCookie, remove, ok bool) {
	e = storedCookie{c: c, path: c.Path}
	if c.Domain == "" {
		e.hostOnly = true
	} else {
		e.domain = strings.ToLower(strings.TrimPrefix(c.Domain, "."))
		if o.bound() && !domainMatch(o.host, e.domain) {
			return e, false, false
		}
	}
	if e.path == "" || e.path[0] != '/' {
		e.path = ""
		if reqPath != "" {
			e.path = defaultPath(reqPath)
		}
	}
	if c.Secure && o.bound() && !o.secure() {
		return e, false, false
	}
	switch {
	case c.MaxAge < 0:
		remove = true
	case c.MaxAge > 0:
		// Saturate: a Max-Age past about 292 years overflows a Duration,
		// which would make the cookie count as expired.
		d := time.Duration(math.MaxInt64)
		if int64(c.MaxAge) < int64(d/time.Second) {
			d = time.Duration(c.MaxAge) * time.Second
		}
		e.expires = now.Add(d)
	case !c.Expires.IsZero():
		e.expires = c.Expires
		remove = !c.Expires.After(now)
	}
	return e, remove, true
}

// cookieStore holds a Session's cookies for its one origin, matching and
// replacing them the way a browser does (RFC 6265, sections 5.3 and 5.4).
// The caller synchronises.
type cookieStore struct {
	cookies []storedCookie
	bytes   int
	seq     uint64
}

// set stores c as set by an answer to a request for reqPath ("" for the
// login) on o, or deletes the cookie it replaces when c is already
// expired. It reports false when c was refused (see newStoredCookie) or
// is past the Session's bounds.
func (s *cookieStore) set(o *origin, reqPath string, c *http.Cookie, now time.Time) bool {
	e, remove, ok := newStoredCookie(o, reqPath, c, now)
	if !ok {
		return false
	}
	return s.put(o, e, remove, now)
}

func (s *cookieStore) put(o *origin, e storedCookie, remove bool, now time.Time) bool {
	for i := range s.cookies {
		old := &s.cookies[i]
		if !old.sameKey(o, &e) {
			continue
		}
		if remove {
			s.bytes -= old.size()
			s.cookies = append(s.cookies[:i], s.cookies[i+1:]...)
			return true
		}
		if e.size() > maxCookieBytes || s.bytes-old.size()+e.size() > maxSessionCookieBytes {
			return false
		}
		e.seq = old.seq
		s.bytes += e.size() - old.size()
		*old = e
		return true
	}
	if remove {
		return true
	}
	if e.size() > maxCookieBytes || s.bytes+e.size() > maxSessionCookieBytes {
		return false
	}
	if len(s.cookies) >= maxSessionCookies {
		s.purge(now)
		if len(s.cookies) >= maxSessionCookies {
			return false
		}
	}
	s.seq++
	e.seq = s.seq
	s.bytes += e.size()
	s.cookies = append(s.cookies, e)
	return true
}

// purge drops expired cookies.
func (s *cookieStore) purge(now time.Time) {
	kept := s.cookies[:0]
	for _, e := range s.cookies {
		if e.expired(now) {
			s.bytes -= e.size()
			continue
		}
		kept = append(kept, e)
	}
	clear(s.cookies[len(kept):])
	s.cookies = kept
}

// matching lists the cookies a browser would send with a request for u on
// o: not expired, Domain and Path matching, Secure only where secure;
// longest path first, then oldest first (RFC 6265, section 5.4). The
// cookies returned are the stored ones: read them, never change them.
func (s *cookieStore) matching(o *origin, u *url.URL, now time.Time) []*http.Cookie {
	if !o.contains(u) || len(s.cookies) == 0 {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	path := cleanPath(u.Path)
	if path == "" {
		path = "/"
	}
	var idx []int
	for i := range s.cookies {
		e := &s.cookies[i]
		switch {
		case e.expired(now),
			!e.hostOnly && !domainMatch(host, e.domain),
			!pathMatch(path, e.effPath(o)),
			e.c.Secure && !o.secure():
			continue
		}
		idx = append(idx, i)
	}
	if len(idx) > 1 {
		sort.SliceStable(idx, func(i, j int) bool {
			a, b := &s.cookies[idx[i]], &s.cookies[idx[j]]
			if pa, pb := len(a.effPath(o)), len(b.effPath(o)); pa != pb {
				return pa > pb
			}
			return a.seq < b.seq
		})
	}
	out := make([]*http.Cookie, len(idx))
	for i, k := range idx {
		out[i] = s.cookies[k].c
	}
	return out
}

// cookieHeader builds a Cookie header value in one pass (adding cookies
// one by one with http.Request.AddCookie copies the header once per
// cookie, quadratic in their number).
func cookieHeader(cookies []*http.Cookie) string {
	if len(cookies) == 0 {
		return ""
	}
	n := 0
	for _, c := range cookies {
		n += len(c.Name) + len(c.Value) + 5
	}
	var b strings.Builder
	b.Grow(n)
	for i, c := range cookies {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(c.Name)
		b.WriteByte('=')
		if c.Quoted {
			b.WriteByte('"')
			b.WriteString(c.Value)
			b.WriteByte('"')
		} else {
			b.WriteString(c.Value)
		}
	}
	return b.String()
}

// domainMatch is RFC 6265's domain-match of a host against a cookie's
// domain. An IP address only matches itself. Public suffixes are not
// checked: a Session's cookies only ever go to its own host, so a cookie
// set for a whole suffix cannot reach another site.
func domainMatch(host, domain string) bool {
	if host == domain {
		return true
	}
	if net.ParseIP(host) != nil {
		return false
	}
	return strings.HasSuffix(host, domain) && host[len(host)-len(domain)-1] == '.'
}

// pathMatch is RFC 6265's path-match.
func pathMatch(reqPath, cookiePath string) bool {
	if reqPath == cookiePath {
		return true
	}
	if !strings.HasPrefix(reqPath, cookiePath) {
		return false
	}
	return strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/'
}

// cleanPath removes the dot segments of a request path (RFC 3986,
// section 5.2.4), as the server resolves them: cookies are matched on the
// path the request reaches, so "/tenant/../admin" (or "%2e%2e", which the
// URL's Path holds decoded) never carries a "/tenant" cookie to /admin.
func cleanPath(p string) string {
	if !strings.Contains(p, ".") {
		return p
	}
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for i, seg := range segs {
		last := i == len(segs)-1
		switch seg {
		case ".":
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
			continue
		}
		if last {
			out = append(out, "")
		}
	}
	if len(out) == 1 && out[0] == "" {
		return "/"
	}
	return strings.Join(out, "/")
}

// defaultPath is RFC 6265's default-path of a request path: up to, not
// including, its last slash ("/" when that is the first).
func defaultPath(p string) string {
	if p == "" || p[0] != '/' {
		return "/"
	}
	i := strings.LastIndexByte(p, '/')
	if i == 0 {
		return "/"
	}
	return p[:i]
}

// SetCookies makes the Session a cookie jar (see [Session.Jar]): it keeps
// the cookies an answer from the Session's origin set; answers from
// elsewhere, or after the Session ended, are ignored.
func (st *sessionState) SetCookies(u *url.URL, cookies []*http.Cookie) {
	if st == nil || len(cookies) == 0 {
		return
	}
	st.setCookies(nil, u, cookies, anyGen)
}

// Cookies returns copies of the cookies to send with a request for u:
// none unless u is on the Session's origin and under its base path.
func (st *sessionState) Cookies(u *url.URL) []*http.Cookie {
	if st == nil {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	matched := st.store.matching(st.origin, u, time.Now())
	out := make([]*http.Cookie, len(matched))
	for i, c := range matched {
		out[i] = &http.Cookie{Name: c.Name, Value: c.Value, Quoted: c.Quoted}
	}
	return out
}

// Format prints the jar without its cookies, for every verb: fmt prints
// the fields of a struct it reaches through a pointer with %s or %q,
// unexported ones included.
func (st *sessionState) Format(f fmt.State, _ rune) {
	fmt.Fprint(f, "loremup.Session.Jar{}")
}
