package fake

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/loremup/loremup-go/internal/wire"
)

// This file is what steers the fake from outside a Go test (the control
// API of loremup-fake) and what a test needs between cases: removing
// users, listing them, reading the queued faults, reading the recorded
// requests with their secrets redacted, and putting everything back to
// the start state.

// Redacted replaces a secret in what RedactedRequests returns.
const Redacted = "[REDACTED]"

// IsAPIToken reports whether s is the API token this Handler accepts. It
// lets a layer with a token of its own refuse the API token by mistake
// without ever holding it.
func (h *Handler) IsAPIToken(s string) bool {
	return subtle.ConstantTimeCompare([]byte(s), []byte(h.token)) == 1
}

// RemoveUser forgets the account of email (matched case-insensitively)
// and reports whether there was one. Its live sessions are not ended
// here: that is ExpireSessions' job.
func (h *Handler) RemoveUser(email string) bool {
	key := strings.ToLower(email)
	h.usersMu.Lock()
	defer h.usersMu.Unlock()
	_, ok := h.users[key]
	delete(h.users, key)
	return ok
}

// Users returns the e-mails of the accounts that can log in, lower-cased
// and sorted. Passwords never leave the Handler.
func (h *Handler) Users() []string {
	h.usersMu.RLock()
	out := make([]string, 0, len(h.users))
	for email := range h.users {
		out = append(out, email)
	}
	h.usersMu.RUnlock()
	slices.Sort(out)
	return out
}

// EndSession ends the live session whose cookie value is id, and reports
// whether there was one.
func (h *Handler) EndSession(id string) bool {
	s := h.sessions
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[id]
	if ok {
		s.removeLocked(e)
	}
	return ok
}

// PendingFault is one fault still to come: queued for the next Times
// requests (Every is 0), or for every Every-th request (Times is 0).
// Method is "" when any method qualifies.
type PendingFault struct {
	Method string
	Times  int
	Every  int
	Fault  Fault
}

// PendingFaults returns the faults still to come: the queued ones in the
// order requests will take them, then the periodic one if any.
func (h *Handler) PendingFaults() []PendingFault {
	s := &h.faults
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]PendingFault, 0, len(s.queue)+1)
	for _, q := range s.queue {
		out = append(out, PendingFault{Method: q.method, Times: q.left, Fault: cloneFault(q.f)})
	}
	if s.everyK > 0 {
		out = append(out, PendingFault{Method: s.everyMethod, Every: s.everyK, Fault: cloneFault(s.every)})
	}
	return out
}

// ClearRequests forgets the recorded requests. RequestCount goes on
// counting; Reset sets it back to zero.
func (h *Handler) ClearRequests() {
	rc := &h.record
	rc.mu.Lock()
	rc.queue, rc.head, rc.bytes = nil, 0, 0
	rc.mu.Unlock()
}

// Reset puts the Handler back in its start state: the users of its
// Config (users added since are forgotten, passwords changed since are
// restored), no sessions, no faults, no recorded requests, and the
// request and connection counts at zero. Latencies being waited out are
// not cut short.
func (h *Handler) Reset() {
	h.ClearFaults()
	users := make(map[string]string, len(h.startUsers))
	for _, u := range h.startUsers {
		users[strings.ToLower(u.Email)] = u.Password
	}
	h.usersMu.Lock()
	h.users = users
	h.usersMu.Unlock()
	h.ExpireSessions()
	h.ClearRequests()
	h.record.count.Store(0)
	h.record.conns.Store(0)
}

// RecordedRequest is a recorded request with its secrets redacted, as
// RedactedRequests returns it.
type RecordedRequest struct {
	Request
	// SentAPIToken tells whether the Authorization header held this
	// Handler's API token, which the header itself no longer shows.
	SentAPIToken bool
}

// RedactedRequests returns the latest limit recorded requests (all when
// limit <= 0), oldest first, with their secrets replaced by Redacted:
// the credentials of Authorization headers (the scheme and parameter
// names stay, so a test can check the form), session cookie values, every
// "password" member of a JSON body (the rest of the body keeps its bytes),
// password= in a form body, and anywhere else the API token or a known
// user's password appears.
func (h *Handler) RedactedRequests(limit int) []RecordedRequest {
	reqs := h.Requests()
	if limit > 0 && len(reqs) > limit {
		reqs = reqs[len(reqs)-limit:]
	}
	secrets := h.secrets()
	live := h.liveSessionIDs()
	red := func(v string) string { return redactSessionIDs(redactAll(v, secrets), live) }
	// Header names are case-insensitive and net/http re-cases them
	// (X-Tok_...): they are searched in lower case, and a name holding a
	// secret is shown in lower case with it hidden ("" when it holds none).
	lowerSecrets := make([]string, len(secrets))
	for i, sec := range secrets {
		lowerSecrets[i] = strings.ToLower(sec)
	}
	redName := func(name string) string {
		lower := strings.ToLower(name)
		if red := redactSessionIDs(redactAll(lower, lowerSecrets), live); red != lower {
			return red
		}
		return ""
	}
	out := make([]RecordedRequest, len(reqs))
	for i, r := range reqs {
		out[i] = RecordedRequest{Request: r, SentAPIToken: h.sentAPIToken(r.Header.Values("Authorization"))}
		out[i].Path = red(r.Path)
		var renamed []string
		for name, vs := range r.Header {
			for j, v := range vs {
				switch strings.ToLower(name) {
				case "authorization", "proxy-authorization":
					v = redactCredentials(v)
				case "cookie":
					v = sessionCookieValue.ReplaceAllString(v, "${1}"+Redacted)
				}
				vs[j] = red(v)
			}
			if redName(name) != "" {
				renamed = append(renamed, name)
			}
		}
		for _, name := range renamed {
			key := redName(name)
			r.Header[key] = append(r.Header[key], r.Header[name]...)
			delete(r.Header, name)
		}
		out[i].Body = []byte(redactSessionIDs(string(redactBody(r.Body, secrets)), live))
	}
	return out
}

func isHexDigit(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' }

// liveSessionIDs are the cookie values of the live sessions.
func (h *Handler) liveSessionIDs() map[string]bool {
	sessions := h.sessions.snapshot()
	live := make(map[string]bool, len(sessions))
	for _, s := range sessions {
		live[s.ID] = true
	}
	return live
}

// redactSessionIDs hides every live session's cookie value in s: a client
// may send one elsewhere than in the session cookie (another cookie, a
// header or its name, the path, the body), and the control API never
// shows one. Session IDs are runs of sessionIDLen hex digits.
func redactSessionIDs(s string, live map[string]bool) string {
	if len(live) == 0 {
		return s
	}
	return redactSessionIDsFunc(s, func(id string) bool { return live[id] })
}

// redactSessionIDsFunc is redactSessionIDs with isLive telling which
// runs of hex digits are live session IDs.
func redactSessionIDsFunc(s string, isLive func(string) bool) string {
	if len(s) < sessionIDLen {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isHexDigit(s[i]) {
			i++
			continue
		}
		end := i
		for end < len(s) && isHexDigit(s[end]) {
			end++
		}
		for i+sessionIDLen <= end { // only runs long enough to hold an ID
			if !isLive(s[i : i+sessionIDLen]) {
				i++
				continue
			}
			b.WriteString(s[last:i])
			b.WriteString(Redacted)
			i += sessionIDLen
			last = i
		}
		i = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// minRedactedLen keeps a one- or two-character password from turning
// every occurrence of those characters in a non-JSON body into Redacted;
// JSON and form bodies have their password members redacted whatever
// their length.
const minRedactedLen = 3

// secrets are the strings redacted wherever they appear: the API token
// and the users' passwords, longest first so that one containing another
// is replaced whole.
func (h *Handler) secrets() []string {
	out := []string{h.token}
	h.usersMu.RLock()
	for _, p := range h.users {
		if len(p) >= minRedactedLen {
			out = append(out, p)
		}
	}
	h.usersMu.RUnlock()
	for _, u := range h.startUsers {
		if len(u.Password) >= minRedactedLen {
			out = append(out, u.Password)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(out)
}

// sentAPIToken tells whether one of the Authorization values carries the
// API token as the Sessions API reads it.
func (h *Handler) sentAPIToken(values []string) bool {
	for _, v := range values {
		if tok, ok := wire.ParseAuthorization(v); ok && h.IsAPIToken(tok) {
			return true
		}
	}
	return false
}

func redactAll(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	return s
}

var (
	// credentialParam is the value of one auth parameter (token=abc,
	// token="abc"), quotes kept so the form stays visible.
	credentialParam = regexp.MustCompile(`(=\s*"?)[^",;\t]*`)
	// sessionCookieValue is the value of the session cookie in a Cookie
	// header.
	sessionCookieValue = regexp.MustCompile(`((?:^|;)\s*` + regexp.QuoteMeta(CookieName) + `=)[^;]*`)
	// formPassword is a password field of an x-www-form-urlencoded body.
	formPassword = regexp.MustCompile(`((?:^|&)[^=&]*password[^=&]*=)[^&]*`)
)

// redactCredentials keeps an Authorization header's scheme and parameter
// names and replaces the rest: "Token token=\"abc\"" reads
// "Token token=\"[REDACTED]\"", "Bearer abc" reads "Bearer [REDACTED]".
func redactCredentials(v string) string {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || strings.TrimSpace(rest) == "" {
		return Redacted // no scheme to keep: the whole value may be the secret
	}
	if !strings.Contains(rest, "=") {
		return scheme + " " + Redacted
	}
	return scheme + " " + credentialParam.ReplaceAllString(rest, "${1}"+Redacted)
}

// redactBody redacts the password members of a JSON body in place
// (keeping every other byte as sent), the password fields of a form
// body, and the secrets anywhere.
func redactBody(body []byte, secrets []string) []byte {
	if len(body) == 0 {
		return body
	}
	if out, ok := redactJSONPasswords(body); ok {
		body = out
	} else {
		body = formPassword.ReplaceAll(body, []byte("${1}"+Redacted))
	}
	return []byte(redactAll(string(body), secrets))
}

// redactJSONPasswords replaces the value of every object member whose
// name contains "password" (any case, at any depth) with "[REDACTED]";
// ok is false when body is not one JSON value.
func redactJSONPasswords(body []byte) ([]byte, bool) {
	if !json.Valid(body) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	type span struct{ start, end int64 }
	type frame struct{ object, expectKey bool }
	var spans []span
	var stack []frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				stack = append(stack, frame{object: d == '{', expectKey: d == '{'})
				continue
			}
			stack = stack[:len(stack)-1]
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].expectKey = true // the container was a member's value
			}
			continue
		}
		n := len(stack)
		if n == 0 || !stack[n-1].object {
			continue // a scalar document, or an array element
		}
		top := &stack[n-1]
		if !top.expectKey {
			top.expectKey = true // a member's scalar value
			continue
		}
		top.expectKey = false
		if key, _ := tok.(string); strings.Contains(strings.ToLower(key), "password") {
			start := valueStart(body, dec.InputOffset())
			end, ok := skipValue(dec)
			if !ok {
				return nil, false
			}
			spans = append(spans, span{start, end})
			top.expectKey = true
		}
	}
	if len(spans) == 0 {
		return body, true
	}
	var out bytes.Buffer
	prev := int64(0)
	for _, s := range spans {
		out.Write(body[prev:s.start])
		out.WriteString(`"` + Redacted + `"`)
		prev = s.end
	}
	out.Write(body[prev:])
	return out.Bytes(), true
}

// valueStart finds where the value after a member name begins: past
// whitespace and the colon.
func valueStart(body []byte, off int64) int64 {
	for off < int64(len(body)) {
		switch body[off] {
		case ' ', '\t', '\r', '\n', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// skipValue reads one whole value from dec and returns the offset just
// past it.
func skipValue(dec *json.Decoder) (int64, bool) {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return 0, false
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return dec.InputOffset(), true
		}
	}
}
