package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	loremup "github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/internal/cliflag"
)

// Environment variables read when the matching flag is not given.
const (
	envBaseURL  = "LOREMUP_BASE_URL"
	envToken    = "LOREMUP_API_TOKEN"
	envEmail    = "LOREMUP_EMAIL"
	envPassword = "LOREMUP_PASSWORD"
)

// userAgent names the command and the SDK it is built on.
const userAgent = "loremup-cli/" + loremup.Version + " loremup-go/" + loremup.Version

// defaultTimeout bounds a whole command, retries included.
const defaultTimeout = 30 * time.Second

// command is one subcommand: its help text and how to run it.
type command struct {
	name     string
	summary  string // one line, for the list of commands
	synopsis string
	about    string // what it does, for its --help
	example  string
	connects bool     // takes the connection flags and calls the API
	flags    []string // its own flags, in help order
	new      func() runner
}

// runner is a command's own flags and action.
type runner interface {
	define(fs *flag.FlagSet)
	run(ctx context.Context, cx *cmdContext) (result, *cliError)
}

// commands are the subcommands, in help order ("help" is handled by run).
var commands = []*command{loginCommand, logoutCommand, statusCommand, versionCommand}

// unknownCommand reports a first argument that names no command. It is
// quoted only when it looks like a mistyped command name: a password or
// token pasted at the prompt by mistake must not be printed back.
func unknownCommand(arg string) *cliError {
	if len(arg) <= maxShownCommand && strings.Trim(arg, "abcdefghijklmnopqrstuvwxyz-") == "" {
		return usageError("", "unknown command %q; the commands are %s", arg, commandList)
	}
	return usageError("", "unknown command (not shown: it does not look like a command name, and may be a secret); the commands are %s", commandList)
}

// maxShownCommand is the longest unknown command name an error repeats.
const maxShownCommand = 12

// commandList names the commands for error messages.
const commandList = "login, logout, status, version and help"

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run is the whole program: it parses args, runs one command and returns
// the exit code. stdout gets the result (one JSON object with --json),
// stderr the errors, warnings and --verbose logs. ctx ends on SIGINT.
// stdin is a terminal (see terminal) when a person types at it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		writeTopHelp(stderr)
		return exitUsage
	}
	switch name := args[0]; name {
	case "help":
		return runHelp(args[1:], stdout, stderr)
	case "-h", "-help", "--help":
		writeTopHelp(stdout)
		return exitOK
	case "-version", "--version":
		// As in gh and docker; 'loremup version --json' for tools.
		return runCommand(ctx, versionCommand, args[1:], stdin, stdout, stderr, getenv)
	}
	cmd := lookup(args[0])
	if cmd == nil {
		p := &printer{json: wantsJSON(args), stdout: stdout, stderr: stderr}
		if strings.HasPrefix(args[0], "-") {
			return p.fail(usageError("", "flags go after the command, as in 'loremup login --json'; got %s first (for the version: loremup --version)", cliflag.Typed(args[:1], cliflag.Name(args[0]))))
		}
		return p.fail(unknownCommand(args[0]))
	}
	return runCommand(ctx, cmd, args[1:], stdin, stdout, stderr, getenv)
}

func runCommand(ctx context.Context, cmd *command, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	// --json is known before parsing, so even a bad flag is reported as JSON.
	p := &printer{command: cmd.name, json: wantsJSON(args), stdout: stdout, stderr: stderr}
	if flagGiven(args, "password") {
		// Checked before parsing: the flag package would quote the value
		// in its errors. The value is never repeated.
		return p.fail(usageError("password",
			"--password is not accepted: a password on the command line is visible in ps and kept in shell history; set %s or pipe it with --password-stdin", envPassword))
	}
	fs, r, g := cmd.flagSet()
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeCommandHelp(stdout, cmd)
			return exitOK
		}
		return p.fail(flagError(err, fs, args))
	}
	p.json = g.json
	if fs.NArg() > 0 {
		// The arguments are not repeated: a misplaced one may be a secret.
		return p.fail(usageError("", "%s takes only flags, got %d argument(s); did a flag lose its '--'?", cmd.name, fs.NArg()))
	}
	cx := &cmdContext{flags: fs, global: g, stdin: stdin, getenv: getenv, out: p}
	res, cerr := r.run(ctx, cx)
	if cerr != nil {
		return p.fail(cerr)
	}
	return p.success(res)
}

// flagSet makes the command's FlagSet: its own flags, --json, and the
// connection flags if it calls the API.
func (c *command) flagSet() (*flag.FlagSet, runner, *globalFlags) {
	fs := flag.NewFlagSet("loremup "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed by printer.fail, help by writeCommandHelp
	fs.Usage = func() {}
	r := c.new()
	r.define(fs)
	g := &globalFlags{}
	g.define(fs, c.connects)
	return fs, r, g
}

// globalFlags are the flags every command that calls the API shares.
type globalFlags struct {
	json         bool
	baseURL      string
	token        string
	timeout      time.Duration
	maxRetries   int
	insecureHTTP bool
	verbose      bool
}

// connectionFlags lists the shared flags in help order.
var connectionFlags = []string{"base-url", "token", "json", "verbose", "timeout", "max-retries", "insecure-http"}

func (g *globalFlags) define(fs *flag.FlagSet, connects bool) {
	fs.BoolVar(&g.json, "json", false, "print exactly one JSON object on stdout, errors included")
	if !connects {
		return
	}
	fs.StringVar(&g.baseURL, "base-url", "", "base `URL` of the LoremUp app, e.g. https://app.example.com (default $"+envBaseURL+")")
	fs.StringVar(&g.token, "token", "", "the API `TOKEN` (default $"+envToken+"). Prefer the variable: a flag's value is visible to other users in ps and stays in shell history")
	fs.DurationVar(&g.timeout, "timeout", defaultTimeout, "give up after this `DURATION`, retries included (0: no overall limit; each attempt still ends after "+loremup.DefaultTimeout.String()+")")
	fs.IntVar(&g.maxRetries, "max-retries", loremup.DefaultMaxRetries, "retry connection errors, 429, 502, 503 and 504 up to `N` times")
	fs.BoolVar(&g.insecureHTTP, "insecure-http", false, "allow plain http:// to a host that is not loopback (the token and password then cross the network in clear text)")
	fs.BoolVar(&g.verbose, "verbose", false, "log each request, retry and answer to stderr (never secrets)")
}

// cmdContext is what a command's run gets: its parsed flags and the
// process's environment.
type cmdContext struct {
	flags  *flag.FlagSet
	global *globalFlags
	stdin  io.Reader
	getenv func(string) string
	out    *printer
}

// given reports whether the flag was on the command line.
func (cx *cmdContext) given(name string) bool {
	found := false
	cx.flags.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// flagOrEnv is the flag's value when it was given (even empty: flags
// win), else the environment variable's.
func (cx *cmdContext) flagOrEnv(name, value, env string) string {
	if cx.given(name) {
		return value
	}
	return cx.getenv(env)
}

// connection resolves the base URL and token, in that order. saved is
// the base URL a session file names, used when neither --base-url nor
// the variable gives one.
func (cx *cmdContext) connection(saved string) (baseURL, token string, cerr *cliError) {
	baseURL = cx.flagOrEnv("base-url", cx.global.baseURL, envBaseURL)
	if baseURL == "" && !cx.given("base-url") {
		baseURL = saved
	}
	if baseURL == "" {
		return "", "", usageError("--base-url", "missing base URL: pass --base-url or set %s", envBaseURL)
	}
	token = cx.flagOrEnv("token", cx.global.token, envToken)
	if token == "" {
		return "", "", usageError("--token", "missing API token: set %s (or pass --token)", envToken)
	}
	cx.out.addSecrets(token)
	if cx.global.timeout < 0 {
		return "", "", usageError("--timeout", "--timeout must not be negative")
	}
	return baseURL, token, nil
}

// newClient makes the SDK client from the connection flags.
func (cx *cmdContext) newClient(ctx context.Context, baseURL, token string) (*loremup.Client, *cliError) {
	opts := []loremup.Option{
		loremup.WithMaxRetries(cx.global.maxRetries),
		loremup.WithUserAgent(userAgent),
	}
	if cx.global.insecureHTTP {
		opts = append(opts, loremup.WithInsecureHTTP())
	}
	if cx.global.verbose {
		// The SDK logs requests, retries and answers at debug level and
		// never logs the token, a password or a cookie value.
		h := slog.NewTextHandler(cx.out.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		opts = append(opts, loremup.WithLogger(slog.New(h)))
	}
	c, err := loremup.NewClient(baseURL, token, opts...)
	if err != nil {
		return nil, classify(ctx, err, cx.global.timeout)
	}
	return c, nil
}

// callContext bounds the API calls by --timeout.
func (cx *cmdContext) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if cx.global.timeout == 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, cx.global.timeout)
}

// wantsJSON reports whether args ask for --json (the last such flag
// wins, as in the flag package), without parsing the rest.
func wantsJSON(args []string) bool {
	on := false
	for _, a := range args {
		if a == "--" {
			break
		}
		_, value, hasValue := strings.Cut(a, "=")
		if cliflag.Name(a) != "json" {
			continue
		}
		if !hasValue {
			on = true
		} else if b, err := strconv.ParseBool(value); err == nil {
			on = b
		}
	}
	return on
}

// flagGiven reports whether args hold the flag name (as -name, --name or
// --name=value) before a "--".
func flagGiven(args []string, name string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if cliflag.Name(a) == name {
			return true
		}
	}
	return false
}

// flagError rewrites a parse error of the flag package, which quotes the
// value given ("invalid value \"x\" for flag -name"). A value may be a
// secret (a password typed as --password-stdin=VALUE, a token), so only
// the flag's name is shown, as typed, with what kind of value it takes.
func flagError(err error, fs *flag.FlagSet, args []string) *cliError {
	ferr := cliflag.Explain(err, fs, args)
	switch ferr.Kind {
	case cliflag.Unknown:
		if ferr.Name == "v" {
			return usageError("", "%s (for the version: loremup --version; for request logs: --verbose)", ferr)
		}
	case cliflag.NeedsValue, cliflag.BadValue:
		return usageError(ferr.Flag, "%s", ferr)
	}
	return usageError("", "%s", ferr)
}
