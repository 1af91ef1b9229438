package loremuptest_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/loremup/loremup-go/loremuptest"
)

func TestConcurrency_ThousandsOfLoginsAndLogoutsKeepActiveSessionsExact(t *testing.T) {
	const (
		logins  = 2000
		workers = 64
	)
	srv := startServer(t)
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	// Phase 1: every goroutine logs in; every login is a live session.
	cookies := make([]*http.Cookie, logins)
	errs := parallel(logins, workers, func(i int) error {
		resp, body, err := roundTrip(client, http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("login: status %d: %s", resp.StatusCode, body)
		}
		for _, c := range resp.Cookies() {
			if c.Name == loremuptest.SessionCookieName {
				cookies[i] = c
				return nil
			}
		}
		return fmt.Errorf("login: no session cookie")
	})
	requireNoErrors(t, errs)
	assert.Equal(t, logins, srv.ActiveSessions())

	// Phase 2: the first half log out twice each, while the second half
	// log in again: both counts must come out exact.
	errs = parallel(logins, workers, func(i int) error {
		if i >= logins/2 {
			resp, body, err := roundTrip(client, http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
			if err == nil && resp.StatusCode != http.StatusCreated {
				err = fmt.Errorf("login again: status %d: %s", resp.StatusCode, body)
			}
			return err
		}
		for range 2 {
			resp, body, err := roundTrip(client, http.MethodDelete, srv.URL+sessionsPath, withCookie(srv.Token, cookies[i]), logoutBody)
			if err != nil {
				return err
			}
			if resp.StatusCode != http.StatusNoContent {
				return fmt.Errorf("logout: status %d: %s", resp.StatusCode, body)
			}
		}
		return nil
	})
	requireNoErrors(t, errs)
	assert.Equal(t, logins-logins/2+logins/2, srv.ActiveSessions(), "1000 ended, 1000 new")
	assert.Equal(t, logins+logins+logins/2, srv.RequestCount())
	assert.LessOrEqual(t, srv.ConnectionCount(), workers*2, "the pool is reused")
}

func TestConcurrency_FaultsAndCountersAreSafeUnderLoad(t *testing.T) {
	const requests = 600
	srv := startServer(t)
	srv.InjectEvery(3, loremuptest.Fault{Status: http.StatusServiceUnavailable})
	tr := &http.Transport{MaxIdleConnsPerHost: 32}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	var mu sync.Mutex
	count := map[int]int{}
	errs := parallel(requests, 32, func(int) error {
		resp, _, err := roundTrip(client, http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
		if err != nil {
			return err
		}
		_ = srv.RequestCount() + srv.ConnectionCount() + len(srv.Requests()) + len(srv.Sessions()) // read while others write
		mu.Lock()
		count[resp.StatusCode]++
		mu.Unlock()
		return nil
	})
	requireNoErrors(t, errs)
	assert.Equal(t, map[int]int{201: requests * 2 / 3, 503: requests / 3}, count)
	assert.Equal(t, requests*2/3, srv.ActiveSessions())
}
