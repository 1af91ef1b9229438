package fake

import (
	"crypto/subtle"
	"slices"
	"strings"

	"github.com/loremup/loremup-go/internal/redact"
	"github.com/loremup/loremup-go/internal/wire"
)

// This file is what steers the fake from outside a Go test (the control
// API of loremup-fake) and what a test needs between cases: removing
// users, listing them, reading the queued faults, reading the recorded
// requests with their secrets redacted, and putting everything back to
// the start state.

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
func (h *Handler) EndSession(id string) bool { return h.sessions.end(id) }

// Reset puts the Handler back in its start state: the users of its
// Config (users added since are forgotten, passwords changed since are
// restored), no sessions, no faults, no locks or throttle counts, no
// recorded requests, and the request and connection counts at zero.
// Latencies being waited out are not cut short.
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
	h.policy.unlock("")
	h.ClearRequests()
	h.record.count.Store(0)
	h.record.conns.Store(0)
}

// RecordedRequest is a recorded request with its secrets hidden, as the
// control API shows it.
type RecordedRequest struct {
	Request
	// Body is the body as text (invalid UTF-8 shows as U+FFFD).
	Body string `json:"body"`
	// DurationMS is Request.Duration in milliseconds.
	DurationMS float64 `json:"duration_ms"`
	// SentAPIToken tells whether the Authorization header held this
	// Handler's API token, which the header itself no longer shows.
	SentAPIToken bool `json:"sent_api_token"`
}

// RedactedRequests returns the latest limit recorded requests (all when
// limit <= 0), oldest first, with their secrets hidden by the one
// redaction engine (package redact): the whole value of every credential
// header, password members of the body, and anywhere else (names, the
// path, other headers, a value cut at a recording bound) the API token,
// a user's password or a live session id.
func (h *Handler) RedactedRequests(limit int) []RecordedRequest {
	reqs := h.Requests()
	if limit > 0 && len(reqs) > limit {
		reqs = reqs[len(reqs)-limit:]
	}
	set := redact.New(h.token)
	h.usersMu.RLock()
	for _, p := range h.users {
		set.Add(p)
	}
	h.usersMu.RUnlock()
	for _, u := range h.startUsers {
		set.Add(u.Password)
	}
	live := make(map[string]bool)
	for _, s := range h.sessions.snapshot() {
		live[s.ID] = true
	}
	set.AddIDs(sessionIDLen, func(id string) bool { return live[id] })
	out := make([]RecordedRequest, len(reqs))
	for i, r := range reqs {
		sent := h.sentAPIToken(r.Header.Values("Authorization"))
		r.Path = set.String(r.Path)
		body := set.Body(r.Body)
		if r.Truncated {
			r.Path = string(set.CutTail([]byte(r.Path)))
			body = set.CutTail(body)
		}
		for k, vs := range r.Header {
			// net/http re-cases names (X-Ca53...): a name is searched,
			// and shown when it holds a secret, in lower case.
			if lk := strings.ToLower(k); set.Name(lk) != lk {
				delete(r.Header, k)
				r.Header[lk] = append(r.Header[lk], vs...)
			}
		}
		r.Header = set.Header(r.Header)
		r.Body = nil
		out[i] = RecordedRequest{Request: r, Body: string(body), SentAPIToken: sent,
			DurationMS: float64(r.Duration.Microseconds()) / 1000}
	}
	return out
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
