package loremuptest_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/loremuptest"
)

// parallel runs fn(i) for i in [0, n) on workers goroutines and waits.
func parallel(n, workers int, fn func(i int)) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				fn(i)
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

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
	statuses := make([]int, logins)
	parallel(logins, workers, func(i int) {
		resp, _ := send(t, client, http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
		statuses[i] = resp.StatusCode
		for _, c := range resp.Cookies() {
			if c.Name == loremuptest.SessionCookieName {
				cookies[i] = c
			}
		}
	})
	for i := range logins {
		require.Equal(t, http.StatusCreated, statuses[i], "login %d", i)
		require.NotNil(t, cookies[i], "login %d", i)
	}
	assert.Equal(t, logins, srv.ActiveSessions())

	// Phase 2: the first half log out twice each, while the second half
	// log in again: both counts must come out exact.
	parallel(logins, workers, func(i int) {
		if i < logins/2 {
			h := apiHeader(srv.Token)
			h.Set("Cookie", cookies[i].Name+"="+cookies[i].Value)
			for range 2 {
				resp, _ := send(t, client, http.MethodDelete, srv.URL+sessionsPath, h, logoutBody)
				statuses[i] = resp.StatusCode
			}
			return
		}
		resp, _ := send(t, client, http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
		statuses[i] = resp.StatusCode
	})
	for i := range logins {
		want := http.StatusCreated
		if i < logins/2 {
			want = http.StatusNoContent
		}
		require.Equal(t, want, statuses[i], "request %d", i)
	}
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
	parallel(requests, 32, func(int) {
		resp, _ := send(t, client, http.MethodPost, srv.URL+sessionsPath, apiHeader(srv.Token), loginBody)
		_ = srv.RequestCount() + srv.ConnectionCount() + len(srv.Requests()) // read while others write
		mu.Lock()
		count[resp.StatusCode]++
		mu.Unlock()
	})
	assert.Equal(t, map[int]int{201: requests * 2 / 3, 503: requests / 3}, count)
	assert.Equal(t, requests*2/3, srv.ActiveSessions())
}
