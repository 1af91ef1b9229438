package main

import (
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// limits are the timeouts of both listeners' servers.
type limits struct{ read, write, idle time.Duration }

// server returns an http.Server for h within the limits. The write
// timeout is the server's own on the control listener; on the main one
// the fake arms it when an answer is due (after an injected latency).
func (l limits) server(h http.Handler, errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       l.read,
		IdleTimeout:       l.idle,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          errorLog,
	}
}

// listener is one of the command's servers (the API, the control API)
// with the listener it serves.
type listener struct {
	ln       net.Listener
	srv      *http.Server
	maxConns int
}

// fullRetry is how often a waiting Accept closes idle connections again.
const fullRetry = 100 * time.Millisecond

// defaultMaxConns bounds the connections served at once. Each may hold a
// request head of up to maxHeaderBytes while it arrives (for up to the
// header timeout), some 100 KiB: without a bound, 9,000 connections
// trickling heads took the fake to 850 MiB. Test suites use far fewer
// (a Client keeps at most 256 idle connections per host).
const defaultMaxConns = 1024

// limitListener accepts at most cap(sem) connections at once. Past that,
// Accept closes idle keep-alive connections (so that a busy test suite
// is not held up by connections nobody uses) every fullRetry until a
// connection closes; new ones wait in the kernel's backlog meanwhile.
type limitListener struct {
	net.Listener
	sem       chan struct{}
	srv       *http.Server
	done      chan struct{}
	closeOnce sync.Once
}

func newLimitListener(ln net.Listener, n int, srv *http.Server) *limitListener {
	return &limitListener{Listener: ln, sem: make(chan struct{}, n), srv: srv, done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	default:
		// Connections turn idle while Accept waits: close idle ones again
		// now and then until a slot frees.
		tick := time.NewTicker(fullRetry)
		defer tick.Stop()
		for waiting := true; waiting; {
			l.srv.SetKeepAlivesEnabled(false) // closes the idle connections
			l.srv.SetKeepAlivesEnabled(true)
			select {
			case l.sem <- struct{}{}:
				waiting = false
			case <-tick.C:
			case <-l.done:
				return nil, net.ErrClosed
			}
		}
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.sem }}, nil
}

// Close stops Accept, also one waiting for a free slot.
func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitedConn frees its slot when closed (once).
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// CloseWrite passes through to the TCP connection: net/http half-closes
// a connection before dropping it after an error answer (431 for an
// oversize head), so that the client reads the answer instead of a
// reset.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
