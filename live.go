package loremup

import (
	"errors"
	"sync"
)

// This file is the live-login rule: a Client counts the logins it made
// and has not ended, so that Delete with a nil Session ends the one live
// login and refuses to guess among several.

// maxTrackedSessions bounds how many live logins a Client remembers by
// identity, for Delete with a nil Session.
const maxTrackedSessions = 64

// liveSet is a Client's count of its live logins (created, not yet ended)
// and the identity of up to maxTrackedSessions of them: bounded however
// many users a program logs in without logging them out.
type liveSet struct {
	mu    sync.Mutex
	count int
	known map[*sessionState]struct{}
}

// add counts a new login; called before the Session is returned.
func (l *liveSet) add(st *sessionState) {
	st.owner = l
	l.mu.Lock()
	defer l.mu.Unlock()
	l.count++
	if len(l.known) < maxTrackedSessions {
		if l.known == nil {
			l.known = make(map[*sessionState]struct{}, 1)
		}
		l.known[st] = struct{}{}
	}
}

func (l *liveSet) remove(st *sessionState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.count--
	delete(l.known, st)
}

// replace hands the count of a re-login's fresh Session to the Session it
// was swapped into (already counted when tracked).
func (l *liveSet) replace(fresh, st *sessionState, tracked bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, known := l.known[fresh]
	delete(l.known, fresh)
	if tracked {
		l.count--
		return
	}
	if known {
		l.known[st] = struct{}{}
	}
}

// errAmbiguousSession is why Delete refuses a nil Session while the
// Client holds more than one live login.
var errAmbiguousSession = errors.New("more than one login of this client is live: pass the Session to log out")

// only returns the Client's one live login, nil when there is none, or an
// error when a nil Session would be ambiguous.
func (l *liveSet) only() (*sessionState, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.count == 0:
		return nil, nil
	case l.count == 1 && len(l.known) == 1:
		for st := range l.known {
			return st, nil
		}
	}
	return nil, errAmbiguousSession
}
