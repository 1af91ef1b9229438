package fake

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/loremup/loremup-go/internal/wire"
)

// Policies are the production policies a test can turn on, each off
// when zero: account lockout (Devise's lockable), the login throttle
// (Rack::Attack) and the idle timeout (Devise's timeoutable), which the
// session store applies.
type Policies struct {
	// LockAfter locks an e-mail out after that many failed logins in a
	// row: its logins answer 401 with code "locked", even with the right
	// password, until Unlock or Reset.
	LockAfter int `json:"lock_after"`
	// LoginRate and LoginPer throttle logins: those past LoginRate from
	// one client address within a window of LoginPer answer 429.
	LoginRate int           `json:"login_rate"`
	LoginPer  time.Duration `json:"-"`
	// SessionIdle ends a session unused for that long; every authorised
	// request renews it.
	SessionIdle time.Duration `json:"-"`
}

// SetPolicies replaces the production policies while the Handler serves.
// Counts of failures and logins already made stay.
func (h *Handler) SetPolicies(p Policies) error {
	if p.LockAfter < 0 || p.SessionIdle < 0 || p.LoginRate < 0 || (p.LoginRate > 0) != (p.LoginPer > 0) {
		return errors.New("policies must not be negative, and a login rate needs both a number of logins and a window")
	}
	h.policy.mu.Lock()
	h.policy.cfg = p
	h.policy.mu.Unlock()
	h.sessions.mu.Lock()
	h.sessions.idle = p.SessionIdle
	h.sessions.mu.Unlock()
	return nil
}

// Policies returns the production policies in force.
func (h *Handler) Policies() Policies {
	h.policy.mu.Lock()
	defer h.policy.mu.Unlock()
	return h.policy.cfg
}

// policies holds the state of the lockout and the throttle.
type policies struct {
	now func() time.Time

	mu       sync.Mutex
	cfg      Policies
	failures map[string]int // lower-cased e-mail -> failed logins in a row
	window   int64          // the throttle's current window, counted from the epoch
	logins   map[string]int // client address -> logins in the window
}

// lockedOut reports whether email is locked out; if not, it counts the
// login: a failure adds to the row, a success ends it.
func (p *policies) lockedOut(email string, ok bool) bool {
	key := strings.ToLower(email)
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.cfg.LockAfter > 0 && p.failures[key] >= p.cfg.LockAfter:
		return true
	case ok:
		delete(p.failures, key)
	case p.cfg.LockAfter > 0:
		p.failures[key]++ // Unlock("") made the map
	}
	return false
}

// throttled counts a login from the client's address and, when the
// address is over the rate, answers as Rack::Attack does: 429,
// text/plain, Retry-After in whole seconds to the window's end. Windows
// are fixed and counted from the epoch, as Rack::Attack counts them.
func (h *Handler) throttled(e *exchange) bool {
	addr, _, err := net.SplitHostPort(e.r.RemoteAddr)
	if err != nil {
		addr = e.r.RemoteAddr
	}
	p := &h.policy
	now := p.now()
	p.mu.Lock()
	if p.cfg.LoginRate == 0 {
		p.mu.Unlock()
		return false
	}
	if w := now.UnixNano() / int64(p.cfg.LoginPer); w != p.window || p.logins == nil {
		p.window, p.logins = w, map[string]int{} // the old window's counts go
	}
	p.logins[addr]++
	over, wait := p.logins[addr] > p.cfg.LoginRate, time.Unix(0, (p.window+1)*int64(p.cfg.LoginPer)).Sub(now)
	p.mu.Unlock()
	if over {
		e.w.Header().Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
		h.writeRaw(e, http.StatusTooManyRequests, wire.ContentTypeText, []byte("Retry later\n"))
	}
	return over
}

// Unlock ends the lockout of email (matched case-insensitively): its
// failed logins are forgotten; Unlock("") forgets all counts, the throttle's too.
func (h *Handler) Unlock(email string) {
	p := &h.policy
	p.mu.Lock()
	defer p.mu.Unlock()
	if email == "" {
		p.failures, p.logins = map[string]int{}, nil
	}
	delete(p.failures, strings.ToLower(email))
}
