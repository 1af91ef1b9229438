package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"

	"github.com/loremup/loremup-go/internal/cliflag"
	"github.com/loremup/loremup-go/internal/control"
	"github.com/loremup/loremup-go/internal/fake"
)

// This file is the control API's part of the command: its flags, its
// listener and its server. With --control absent none of it runs: no
// listener, no goroutine, and the API listener serves the fake alone.

// controlOptions are the control API's flags.
type controlOptions struct {
	on    bool
	addr  string
	token string
}

func (o *controlOptions) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.on, "control", false, "serve the control API (faults, recorded requests, users, sessions, reset) on a second listener")
	fs.StringVar(&o.addr, "control-addr", "127.0.0.1:0", "serve the control API on `HOST:PORT`; keep it on loopback")
	fs.StringVar(&o.token, "control-token", "", "control API `TOKEN`, sent as \"Authorization: Bearer TOKEN\" (default: random, printed on stderr)")
}

// check refuses control flags given without --control, which would
// otherwise be ignored silently.
func (o *controlOptions) check(fs *flag.FlagSet, args []string) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if !o.on && err == nil && (f.Name == "control-addr" || f.Name == "control-token") {
			err = fmt.Errorf("%s needs --control", cliflag.Typed(args, f.Name))
		}
	})
	return err
}

// controlServer is the control API's listener and server. A nil
// *controlServer (the control API off) does nothing.
type controlServer struct {
	opts      controlOptions
	generated bool
	handler   *control.Handler
	ln        net.Listener
	errorLog  *log.Logger
	srv       *http.Server
	served    chan error
}

// newControl builds the control API of h, or returns nil when it is off.
func newControl(o controlOptions, h *fake.Handler, logger *slog.Logger) (*controlServer, error) {
	if !o.on {
		return nil, nil
	}
	s := &controlServer{opts: o, served: make(chan error, 1)}
	if s.opts.token == "" {
		s.opts.token, s.generated = fake.RandomToken(), true
	}
	ch, err := control.New(h, control.Config{Token: s.opts.token, Logger: logger})
	if err != nil {
		return nil, err
	}
	s.handler = ch
	return s, nil
}

// listen opens the control listener.
func (s *controlServer) listen(stderr io.Writer) error {
	if s == nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.opts.addr)
	if err != nil {
		return fmt.Errorf("cannot listen for the control API: %w", err)
	}
	s.ln = ln
	s.errorLog = log.New(stderr, "loremup-fake: control: ", 0)
	return nil
}

// announce prints the control URL as the second line of stdout, and on
// stderr the generated token and a warning when the listener is not on
// loopback.
func (s *controlServer) announce(stdout, stderr io.Writer) {
	if s == nil {
		return
	}
	if s.generated {
		fmt.Fprintf(stderr, "loremup-fake: control token: %s (generated; choose one with --control-token)\n", s.opts.token)
	}
	if tcp, ok := s.ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		fmt.Fprintf(stderr, "loremup-fake: warning: the control API listens on %s, beyond loopback; only its token guards it\n", s.ln.Addr())
	}
	fmt.Fprintln(stdout, baseURL(s.ln.Addr()))
}

// start serves the control API in the background, within the main
// listener's limits: anyone who can connect can hold a connection, token
// or not.
func (s *controlServer) start(l limits) {
	if s == nil {
		return
	}
	s.srv = l.server(s.handler, s.errorLog)
	s.srv.WriteTimeout = l.write // control requests never wait out a latency
	go func() { s.served <- s.srv.Serve(newLimitListener(s.ln, defaultMaxConns, s.srv)) }()
}

// shutdown stops the control server, closing it when ctx ends first.
func (s *controlServer) shutdown(ctx context.Context) {
	if s == nil {
		return
	}
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
	}
	<-s.served //nolint:errcheck // http.ErrServerClosed, or what failed() already handed over
}

// failed delivers the error that stopped the control server while it
// served; for nil (the control API off) it blocks forever, as a nil
// channel does.
func (s *controlServer) failed() <-chan error {
	if s == nil {
		return nil
	}
	return s.served
}
