package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/loremup/loremup-go/internal/cliflag"
	"github.com/loremup/loremup-go/internal/control"
	"github.com/loremup/loremup-go/internal/fake"
)

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

// controlAPI is the control API of one fake, before it listens.
type controlAPI struct {
	handler   *control.Handler
	token     string
	generated bool
}

// newControl builds the control API of h, with a random token when the
// flags name none.
func newControl(o controlOptions, h *fake.Handler, logger *slog.Logger) (*controlAPI, error) {
	c := &controlAPI{token: o.token}
	if c.token == "" {
		c.token, c.generated = fake.RandomToken(), true
	}
	var err error
	c.handler, err = control.New(h, control.Config{Token: c.token, Logger: logger})
	return c, err
}

// announce prints the control URL as the second line of stdout, and on
// stderr the generated token and a warning when the listener is not on
// loopback.
func (c *controlAPI) announce(addr net.Addr, stdout, stderr io.Writer) {
	if c.generated {
		fmt.Fprintf(stderr, "loremup-fake: control token: %s (generated; choose one with --control-token)\n", c.token)
	}
	if tcp, ok := addr.(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		fmt.Fprintf(stderr, "loremup-fake: warning: the control API listens on %s, beyond loopback; only its token guards it\n", addr)
	}
	fmt.Fprintln(stdout, baseURL(addr))
}
