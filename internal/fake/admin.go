package fake

import (
	"crypto/subtle"
	"maps"
	"slices"
	"strings"

	"github.com/loremup/loremup-go/internal/redact"
)

// This file is what the control API and a test between cases need.

// IsAPIToken reports whether s is the API token, so that a layer with a
// token of its own can refuse it without holding it.
func (h *Handler) IsAPIToken(s string) bool {
	return subtle.ConstantTimeCompare([]byte(s), []byte(h.cfg.Token)) == 1
}

// RemoveUser forgets the account of email and reports whether there was
// one; its sessions stay (see ExpireSessions).
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
	out := slices.AppendSeq(make([]string, 0, len(h.users)), maps.Keys(h.users))
	h.usersMu.RUnlock()
	slices.Sort(out)
	return out
}

// Reset puts the Handler back in its start state but for the policies
// (see loremuptest's Server.Reset). Latencies being waited out go on.
func (h *Handler) Reset() {
	h.ClearFaults()
	users := make(map[string]string, len(h.cfg.Users))
	for _, u := range h.cfg.Users {
		users[strings.ToLower(u.Email)] = u.Password
	}
	h.usersMu.Lock()
	h.users = users
	h.usersMu.Unlock()
	h.ExpireSessions()
	h.Unlock("")
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
	set := redact.New(h.cfg.Token)
	h.usersMu.RLock()
	for _, p := range h.users {
		set.Add(p)
	}
	h.usersMu.RUnlock()
	for _, u := range h.cfg.Users {
		set.Add(u.Password)
	}
	set.AddIDs(sessionIDLen, h.sessions.live)
	out := make([]RecordedRequest, len(reqs))
	for i, r := range reqs {
		sent := slices.ContainsFunc(r.Header.Values("Authorization"), h.authorized)
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
