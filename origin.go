package loremup

import (
	"net"
	"net/url"
	"strings"
)

// origin is where a Session belongs: the scheme, host and port of the
// Client that created it, and its base path. Sessions share their
// Client's (never changed). A nil *origin is a Session restored from JSON
// written before origins were kept; any Client accepts it and uses it
// with its own origin, without keeping that in the Session.
type origin struct {
	scheme string // "http" or "https"
	host   string // lower case, without brackets or port
	port   string // always explicit ("443" for https without one)
	path   string // base path without a trailing slash; "" for the root
}

func originOf(u *url.URL) *origin {
	o := originParts(u)
	return &o
}

func originParts(u *url.URL) origin {
	o := origin{
		scheme: strings.ToLower(u.Scheme),
		host:   strings.ToLower(u.Hostname()),
		port:   u.Port(),
		path:   strings.TrimRight(u.Path, "/"),
	}
	if o.port == "" {
		o.port = "80"
		if o.scheme == "https" {
			o.port = "443"
		}
	}
	return o
}

// parseOrigin reads an origin written by origin.String.
func parseOrigin(s string) (*origin, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, false
	}
	return originOf(u), true
}

func (o *origin) bound() bool { return o != nil }

// String is the base URL the origin stands for.
func (o *origin) String() string {
	if !o.bound() {
		return ""
	}
	host := o.host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if (o.scheme == "https" && o.port != "443") || (o.scheme == "http" && o.port != "80") {
		host = net.JoinHostPort(o.host, o.port)
	}
	return (&url.URL{Scheme: o.scheme, Host: host, Path: o.path}).String()
}

// contains reports whether u is on the origin and under its base path:
// the only URLs a Session's cookies go to.
func (o *origin) contains(u *url.URL) bool {
	if !o.bound() || u == nil || !o.sameOrigin(u) {
		return false
	}
	p := cleanPath(u.Path)
	return o.path == "" || p == o.path || strings.HasPrefix(p, o.path+"/")
}

// sameOrigin compares scheme, host and port only.
func (o *origin) sameOrigin(u *url.URL) bool {
	if o == nil {
		return false
	}
	other := originParts(u)
	return o.scheme == other.scheme && o.host == other.host && o.port == other.port
}

// secure reports whether Secure cookies may go to the origin: over https,
// or to loopback, where plain http never leaves the machine (browsers
// treat localhost alike).
func (o *origin) secure() bool {
	return o != nil && (o.scheme == "https" || isLoopback(o.host))
}
