package fake

import (
	"container/list"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The session store is bounded by a lifetime and a count, so that a fake
// left running keeps its memory flat: long enough for any test run.
const (
	DefaultSessionLifetime = 24 * time.Hour
	DefaultMaxSessions     = 100_000
)

// Session is one live session of the server.
type Session struct {
	// ID is the session cookie's value: a credential, to be compared in
	// tests, not printed (the control API shows a handle derived from it).
	ID string `json:"id"`
	// Email is the user's e-mail, lower-cased.
	Email string `json:"email"`
	// Created is when the login that started the session was answered.
	Created time.Time `json:"created"`
}

// entry is a live session and when an authorised request last used it.
type entry struct {
	Session
	used time.Time
}

// sessionStore holds the live sessions in creation order, so that both
// the lifetime and the count bound end the oldest first.
type sessionStore struct {
	lifetime time.Duration
	idle     time.Duration // 0: no idle timeout
	max      int
	now      func() time.Time

	mu    sync.Mutex
	byID  map[string]*list.Element // id -> element holding an *entry
	order list.List                // *entry, oldest first
}

// sessionIDLen is the length of a session cookie value: 32 random bytes
// in hex.
const sessionIDLen = 64

func newSessionStore(lifetime time.Duration, maxSessions int) *sessionStore {
	return &sessionStore{lifetime: lifetime, max: maxSessions, now: time.Now, byID: make(map[string]*list.Element)}
}

// lock locks the store and ends the sessions whose lifetime is over.
// Sessions are kept in creation order and share one lifetime, so they are
// at the front. With an idle timeout, the sessions unused for that long
// end too, wherever they are.
func (s *sessionStore) lock() {
	s.mu.Lock()
	now := s.now()
	for e := s.order.Front(); e != nil && !e.Value.(*entry).Created.After(now.Add(-s.lifetime)); e = s.order.Front() {
		s.removeLocked(e)
	}
	for e := s.order.Front(); s.idle > 0 && e != nil; {
		next := e.Next()
		if !e.Value.(*entry).used.After(now.Add(-s.idle)) {
			s.removeLocked(e)
		}
		e = next
	}
}

func (s *sessionStore) removeLocked(e *list.Element) {
	delete(s.byID, e.Value.(*entry).ID)
	s.order.Remove(e)
}

// start creates a session for email and returns its id, ending the
// oldest session if the store is full.
func (s *sessionStore) start(email string) string {
	sess := &entry{Session: Session{ID: randomHex(sessionIDLen / 2), Email: strings.ToLower(email)}}
	s.lock()
	defer s.mu.Unlock()
	for s.order.Len() >= s.max {
		s.removeLocked(s.order.Front())
	}
	sess.Created = s.now()
	sess.used = sess.Created
	s.byID[sess.ID] = s.order.PushBack(sess)
	return sess.ID
}

// use returns the user of the live session id and renews its idle
// timeout: an authorised request used it. With rotate it also gives the
// session a new id, fresh, in one step, so that of concurrent requests
// with the old id only one gets through; the session keeps its creation
// time (and so its lifetime).
func (s *sessionStore) use(id string, rotate bool) (email, fresh string, ok bool) {
	if rotate {
		fresh = randomHex(sessionIDLen / 2)
	}
	s.lock()
	defer s.mu.Unlock()
	el, ok := s.byID[id]
	if !ok {
		return "", "", false
	}
	e := el.Value.(*entry)
	e.used = s.now()
	if rotate {
		delete(s.byID, id)
		e.ID, s.byID[fresh] = fresh, el
	}
	return e.Email, fresh, true
}

// live reports whether id is a live session's id.
func (s *sessionStore) live(id string) bool {
	s.lock()
	defer s.mu.Unlock()
	_, ok := s.byID[id]
	return ok
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

// ExpireSessions ends the sessions of emails (all when none is given,
// matched case-insensitively) and returns how many it ended.
func (h *Handler) ExpireSessions(emails ...string) int {
	users := make(map[string]bool, len(emails))
	for _, e := range emails {
		users[strings.ToLower(e)] = true
	}
	s := h.sessions
	s.lock()
	defer s.mu.Unlock()
	n := 0
	for e := s.order.Front(); e != nil; {
		next := e.Next()
		if len(users) == 0 || users[e.Value.(*entry).Email] {
			s.removeLocked(e)
			n++
		}
		e = next
	}
	return n
}

// Sessions returns the live sessions, oldest first.
func (h *Handler) Sessions() []Session {
	s := h.sessions
	s.lock()
	defer s.mu.Unlock()
	out := make([]Session, 0, s.order.Len())
	for e := s.order.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*entry).Session)
	}
	return out
}

// ActiveSessions returns how many sessions are live, without copying
// them (there may be DefaultMaxSessions).
func (h *Handler) ActiveSessions() int {
	h.sessions.lock()
	defer h.sessions.mu.Unlock()
	return h.sessions.order.Len()
}

// newSessionCookie is the cookie that carries session id, as a login sets it.
func newSessionCookie(id string) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}
}
