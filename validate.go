package loremup

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/loremup/loremup-go/internal/wire"
)

func parseBaseURL(raw string, insecure bool) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, invalid("baseURL", "base URL must not be empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, invalid("baseURL", "base URL does not parse")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, invalid("baseURL", "base URL must start with https:// or http://")
	case u.Host == "" || u.Hostname() == "":
		return nil, invalid("baseURL", "base URL has no host")
	case !validPort(u.Port()):
		return nil, invalid("baseURL", "base URL has a port outside 1-65535")
	case u.User != nil:
		return nil, invalid("baseURL", "base URL must not hold credentials; the API token is passed separately")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, invalid("baseURL", "base URL must not have a query or fragment")
	case u.Scheme == "http" && !insecure && !isLoopback(u.Hostname()):
		return nil, invalid("baseURL", "plain http:// to a non-loopback host would send the API token in clear text; use https:// or WithInsecureHTTP()")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

// validPort reports whether a URL's port (digits only, as url.Parse
// guarantees) can be dialled: none at all, or 1 to 65535.
func validPort(port string) bool {
	if port == "" {
		return true
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535
}

// isLoopback reports whether host is exactly "localhost" or a loopback IP
// literal. A name under .localhost is not: Go resolves it through DNS
// and sends it through a proxy like any other name.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validateToken applies the one token rule (see wire.CheckToken). The
// token itself is never part of the error.
func validateToken(tok string) error {
	if err := wire.CheckToken(tok); err != nil {
		return invalid("apiToken", err.Error())
	}
	return nil
}

func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < ' ' || b >= 0x7f {
			return false
		}
	}
	return true
}
