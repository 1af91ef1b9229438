package fake

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/loremup/loremup-go/internal/wire"
)

// This file is the production policies a test can turn on: account
// lockout (Devise's lockable) and the login throttle (Rack::Attack). The
// idle timeout (Devise's timeoutable) lives with the sessions.

// policies holds the state of the lockout and the throttle.
type policies struct {
	lockAfter int           // 0: no lockout
	rate      int           // 0: no throttle
	per       time.Duration // the throttle's window
	now       func() time.Time

	mu       sync.Mutex
	failures map[string]int // lower-cased e-mail -> failed logins in a row
	window   int64          // the throttle's current window, counted from the epoch
	logins   map[string]int // client address -> logins in the window
}

// locked reports whether email is locked out.
func (p *policies) locked(email string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lockAfter > 0 && p.failures[strings.ToLower(email)] >= p.lockAfter
}

// loggedIn counts a failed login of email in a row, or ends the row.
func (p *policies) loggedIn(email string, ok bool) {
	if p.lockAfter == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if ok {
		delete(p.failures, strings.ToLower(email))
	} else {
		p.failures[strings.ToLower(email)]++
	}
}

// unlock ends the lockout of email, or of everyone when email is "".
func (p *policies) unlock(email string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if email == "" {
		p.failures, p.logins = map[string]int{}, map[string]int{}
	}
	delete(p.failures, strings.ToLower(email))
}

// throttle counts a login from r's client address and returns how long
// until its window ends when the address is over the rate. Windows are
// fixed and counted from the epoch, as Rack::Attack counts them.
func (p *policies) throttle(r *http.Request) (time.Duration, bool) {
	if p.rate == 0 {
		return 0, false
	}
	addr, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		addr = r.RemoteAddr
	}
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if w := now.UnixNano() / int64(p.per); w != p.window {
		p.window, p.logins = w, map[string]int{} // the old window's counts go
	}
	p.logins[addr]++
	if p.logins[addr] <= p.rate {
		return 0, false
	}
	return time.Unix(0, (p.window+1)*int64(p.per)).Sub(now), true
}

// refuseThrottled answers a login over the rate as Rack::Attack does:
// 429, text/plain, Retry-After in whole seconds to the window's end.
func (h *Handler) refuseThrottled(e *exchange, wait time.Duration) {
	e.w.Header().Set("Retry-After", strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
	h.writeRaw(e, http.StatusTooManyRequests, wire.ContentTypeText, []byte("Retry later\n"))
}

// Unlock ends the lockout of email (matched case-insensitively): its
// failed logins are forgotten.
func (h *Handler) Unlock(email string) { h.policy.unlock(email) }
