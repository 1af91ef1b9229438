package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/loremup/loremup-go/internal/fake"
	"github.com/loremup/loremup-go/internal/wire"
)

// Exit codes.
const (
	exitOK    = 0
	exitServe = 1 // could not listen or serve
	exitUsage = 2 // bad flags or configuration, as the flag package does
)

// shutdownGrace bounds how long requests in progress may take to finish
// once a signal came.
const shutdownGrace = 5 * time.Second

// maxHeaderBytes bounds a request's head (request line and headers): a
// client of the fake cannot make it read a megabyte of headers (net/http's
// default) per request.
const maxHeaderBytes = 64 << 10

// Defaults of the timeout flags: long enough for any test's request, short
// enough that a client trickling a body or holding idle connections does
// not tie the server up.
const (
	defaultReadTimeout  = 30 * time.Second
	defaultWriteTimeout = 30 * time.Second
	defaultIdleTimeout  = 2 * time.Minute
)

// mePath is the built-in protected endpoint under the prefix.
const mePath = "/api/me"

// options are the parsed command line.
type options struct {
	addr     string
	quiet    bool
	version  bool
	maxConns int
	limits   limits
	cfg      fake.Config
	control  controlOptions
}

// run is the whole command: it serves until ctx ends and returns the exit
// code. stdout gets the base URL and nothing else; stderr gets the rest.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseArgs(args, stdout) // help asked for is the output
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "loremup-fake: %v (see loremup-fake --help)\n", err)
		return exitUsage
	}
	if opts.version {
		writeVersion(stdout)
		return exitOK
	}
	generated := opts.cfg.Token == ""
	if generated {
		opts.cfg.Token = fake.RandomToken()
	}
	if !opts.quiet {
		opts.cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	h, err := fake.New(opts.cfg)
	if err != nil {
		fmt.Fprintf(stderr, "loremup-fake: %v\n", err)
		return exitUsage
	}
	defer h.Close()
	h.Handle("GET "+mePath, fake.MeHandler())
	var ctl *controlAPI
	if opts.control.on {
		if ctl, err = newControl(opts.control, h, opts.cfg.Logger); err != nil {
			fmt.Fprintf(stderr, "loremup-fake: %v\n", err)
			return exitUsage
		}
	}

	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		fmt.Fprintf(stderr, "loremup-fake: cannot listen: %v\n", err)
		return exitServe
	}
	servers := []listener{{ln, opts.limits.server(h, log.New(stderr, "loremup-fake: ", 0)), opts.maxConns}}
	servers[0].srv.ConnState = h.ConnState
	if ctl != nil {
		cln, err := net.Listen("tcp", opts.control.addr)
		if err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "loremup-fake: cannot listen for the control API: %v\n", err)
			return exitServe
		}
		srv := opts.limits.server(ctl.handler, log.New(stderr, "loremup-fake: control: ", 0))
		srv.WriteTimeout = opts.limits.write                           // control requests never wait out a latency
		servers = append(servers, listener{cln, srv, defaultMaxConns}) // --max-conns is the API's
	}
	// The listeners queue connections from here on; serving starts before
	// the URLs are printed, so that what a reader of stdout sees is all
	// running.
	served := make(chan error, len(servers))
	for _, l := range servers {
		go func() { served <- l.srv.Serve(newLimitListener(l.ln, l.maxConns, l.srv)) }()
	}
	// stderr first: whoever reads the URL from stdout finds the token there.
	if generated {
		fmt.Fprintf(stderr, "loremup-fake: API token: %s (generated; choose one with --token)\n", opts.cfg.Token)
	}
	if len(opts.cfg.Users) == 0 {
		fmt.Fprintln(stderr, "loremup-fake: no users: every login answers 401; add some with --user EMAIL:PASSWORD or --users FILE")
	}
	prefix, _ := fake.NormalizePrefix(opts.cfg.PathPrefix) // fake.New accepted it
	url := baseURL(ln.Addr()) + prefix
	fmt.Fprintln(stdout, url)
	if ctl != nil {
		ctl.announce(servers[1].ln.Addr(), stdout, stderr)
	}
	if !opts.quiet {
		fmt.Fprintf(stderr, "loremup-fake: serving %s%s (and %s%s for a logged-in user) until interrupted\n", url, wire.SessionsPath, url, mePath)
	}

	select {
	case err := <-served:
		fmt.Fprintf(stderr, "loremup-fake: %v\n", err)
		return exitServe
	case <-ctx.Done():
	}
	h.Close() // end injected latencies, so shutdown does not wait for them
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	for _, l := range servers {
		if err := l.srv.Shutdown(shutdownCtx); err != nil {
			_ = l.srv.Close()
		}
	}
	for range servers {
		<-served //nolint:errcheck // http.ErrServerClosed after Shutdown
	}
	if !opts.quiet {
		fmt.Fprintln(stderr, "loremup-fake: shut down")
	}
	return exitOK
}

// baseURL is the URL clients use to reach a listener. An unspecified
// address (":8080", "0.0.0.0:8080", "[::]:8080") is reached through
// 127.0.0.1: Go listens on every wildcard address dual-stack, so the
// listener reports "::" even for "0.0.0.0", and IPv4 loopback reaches it
// where IPv6 is disabled too (as in many containers).
func baseURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	ip := tcp.IP
	if len(ip) == 0 || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return "http://" + net.JoinHostPort(ip.String(), fmt.Sprint(tcp.Port))
}

func parseArgs(args []string, help io.Writer) (options, error) {
	var (
		o          options
		users      []string // checked after parsing, so that no error echoes a password
		usersFile  string
		createForm string
		deleteForm string
	)
	fs := flag.NewFlagSet("loremup-fake", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported in one line by run, help by writeUsage
	fs.StringVar(&o.addr, "addr", "127.0.0.1:0", "listen on `HOST:PORT`; port 0 picks a free one")
	fs.StringVar(&o.cfg.Token, "token", "", "API `TOKEN` to accept (default: random, printed on stderr)")
	fs.Func("user", "an account that can log in, as `EMAIL:PASSWORD`; repeatable", func(v string) error { users = append(users, v); return nil })
	fs.StringVar(&usersFile, "users", "", "accounts from a JSON `FILE`: [{\"email\": \"...\", \"password\": \"...\"}]")
	fs.StringVar(&createForm, "create-form", wire.DefaultCreateFormName, "form_name `NAME` POST accepts")
	fs.StringVar(&deleteForm, "delete-form", wire.DefaultDeleteFormName, "form_name `NAME` DELETE accepts")
	fs.StringVar(&o.cfg.PathPrefix, "prefix", "", "serve under the path prefix `PATH`: /tenant serves /tenant/api/sessions")
	fs.Int64Var(&o.cfg.MaxBodyBytes, "max-body-bytes", fake.DefaultMaxBodyBytes, "largest request body, `N` bytes")
	fs.BoolVar(&o.quiet, "quiet", false, "do not log requests")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.BoolVar(&o.cfg.RotateCookies, "cookie-rotation", false, "every answer of "+mePath+" sets a new session cookie value; the old one stops working")
	fs.DurationVar(&o.cfg.SessionLifetime, "session-lifetime", fake.DefaultSessionLifetime, "a session ends this `DURATION` after its login")
	fs.IntVar(&o.cfg.MaxSessions, "max-sessions", fake.DefaultMaxSessions, "at most `N` live sessions; at the bound a login ends the oldest session")
	fs.BoolVar(&o.cfg.RecordRequests, "record", false, "keep a bounded copy of the requests received (off: only counted)")
	fs.IntVar(&o.maxConns, "max-conns", defaultMaxConns, "most connections served at once; more wait (idle keep-alive ones are closed first)")
	fs.DurationVar(&o.limits.read, "read-timeout", defaultReadTimeout, "longest `DURATION` to read one request, body included")
	fs.DurationVar(&o.limits.write, "write-timeout", defaultWriteTimeout, "longest `DURATION` to write one answer; a client that does not read is dropped")
	fs.DurationVar(&o.limits.idle, "idle-timeout", defaultIdleTimeout, "close a keep-alive connection idle for this `DURATION`")
	fs.IntVar(&o.cfg.LockAfter, "lock-after", 0, "lock an e-mail out after `N` failed logins in a row (0: never)")
	fs.Func("login-rate", "throttle logins past `N/DURATION` per client address, e.g. 5/1m (default: none)", func(v string) error {
		n, per, ok := strings.Cut(v, "/")
		var err error
		if o.cfg.LoginRate, err = strconv.Atoi(n); err == nil && ok {
			o.cfg.LoginPer, err = time.ParseDuration(per)
		}
		if err != nil || !ok || o.cfg.LoginRate <= 0 || o.cfg.LoginPer <= 0 {
			return errors.New("want N/DURATION with both positive, e.g. 5/1m")
		}
		return nil
	})
	fs.DurationVar(&o.cfg.SessionIdle, "session-idle", 0, "end a session unused for this `DURATION`; each authorised request renews it (0: never)")
	o.control.register(fs)

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeUsage(help, fs)
			return o, err
		}
		return o, flagError(err, fs, args)
	}
	if fs.NArg() > 0 {
		// Not quoted: it is often the rest of a value that held a space
		// (-user a@b.c:pass word), so part of a password.
		return o, fmt.Errorf("unexpected argument #%d after the flags (a value with spaces must be quoted)", len(args)-fs.NArg()+1)
	}
	if err := o.control.check(fs, args); err != nil {
		return o, err
	}
	// The control API reads recorded requests: record with it on, and
	// otherwise only when --record asks (recording costs every request).
	o.cfg.RecordRequests = o.cfg.RecordRequests || o.control.on
	for _, c := range []struct {
		bad bool
		msg string
	}{
		{o.cfg.MaxBodyBytes <= 0, "--max-body-bytes must be positive"},
		{o.cfg.LockAfter < 0 || o.cfg.SessionIdle < 0, "--lock-after and --session-idle must not be negative"},
		{o.cfg.SessionLifetime <= 0 || o.cfg.MaxSessions <= 0, "--session-lifetime and --max-sessions must be positive"},
		{o.maxConns <= 0, "--max-conns must be positive"},
		{o.limits.read <= 0 || o.limits.write <= 0 || o.limits.idle <= 0, "--read-timeout, --write-timeout and --idle-timeout must be positive"},
		{createForm == "" || deleteForm == "", "--create-form and --delete-form must not be empty"},
	} {
		if c.bad {
			return o, errors.New(c.msg)
		}
	}
	o.cfg.WriteTimeout = o.limits.write
	o.cfg.CreateFormNames = []string{createForm}
	o.cfg.DeleteFormNames = []string{deleteForm}
	if usersFile != "" {
		fromFile, err := readUsers(usersFile)
		if err != nil {
			return o, err
		}
		o.cfg.Users = append(o.cfg.Users, fromFile...)
	}
	for i, u := range users {
		email, password, ok := strings.Cut(u, ":")
		if !ok || email == "" {
			// The value holds a password: name the flag, never echo it.
			return o, fmt.Errorf("--user #%d: want EMAIL:PASSWORD", i+1)
		}
		o.cfg.Users = append(o.cfg.Users, fake.User{Email: email, Password: password})
	}
	return o, nil
}

// maxUsersFile bounds how much of a --users file is read.
const maxUsersFile = 16 << 20

func readUsers(path string) ([]fake.User, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--users: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUsersFile+1))
	if err != nil {
		return nil, fmt.Errorf("--users: %w", err)
	}
	if len(data) > maxUsersFile {
		return nil, fmt.Errorf("--users: %s is larger than %d bytes", path, maxUsersFile)
	}
	var users []fake.User
	if err := json.Unmarshal(data, &users); err != nil {
		// A syntax error's message quotes the offending character, which
		// may be one of a password's: give its offset only.
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return nil, fmt.Errorf(`--users: %s: want a JSON array of {"email": "...", "password": "..."}: syntax error at byte %d`, path, syntax.Offset)
		}
		return nil, fmt.Errorf(`--users: %s: want a JSON array of {"email": "...", "password": "..."}: %w`, path, err)
	}
	for i, u := range users {
		if u.Email == "" {
			return nil, fmt.Errorf("--users: %s: entry %d has no email", path, i)
		}
	}
	return users, nil
}
