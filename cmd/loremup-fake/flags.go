package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// This file shows the flags the way loremup does: "--name VALUE" in the
// help, and the flag named as the user typed it in errors. The flag
// package takes "-name" and "--name" alike, but prints one dash.

// usageIntro is the help text before the list of flags.
const usageIntro = `Usage:
  loremup-fake [flags]

Serves a fake LoremUp Sessions API; prints its base URL on stdout.
GET {prefix}` + mePath + ` answers the logged-in user as {"email": "..."}, 401 without
a live session cookie, so tests can check their cookie handling.
With --control, the second line of stdout is the URL of the control API (JSON
over HTTP, "Authorization: Bearer <control token>"): POST/GET/DELETE /faults,
GET/DELETE /requests, GET/POST /users, DELETE /users/{email}, GET/DELETE
/sessions, DELETE /sessions/{id}, POST /reset, GET /counters.

Flags are written --name VALUE or --name=VALUE (-name works too).

Flags:
`

// writeUsage prints the help: usageIntro, then every flag of fs.
func writeUsage(w io.Writer, fs *flag.FlagSet) {
	var b strings.Builder
	b.WriteString(usageIntro)
	writeFlags(&b, fs)
	fmt.Fprintf(&b, "  %-*s%s\n", flagColumn, "-h, --help", "show this help")
	_, _ = io.WriteString(w, b.String())
}

// flagColumn is the width of the "--name VALUE" column of the help.
const flagColumn = 30

// writeFlags prints fs's flags in lexical order as "--name VALUE  usage
// (default x)", wrapped to 80 columns.
func writeFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if arg != "" {
			left += " " + arg
		}
		if def := defaultText(f); def != "" && !strings.Contains(usage, "(default") {
			usage += " (default " + def + ")"
		}
		lines := wrap(usage, 78-2-flagColumn)
		if len(left) >= flagColumn {
			fmt.Fprintf(w, "  %s\n", left)
			left = ""
		}
		fmt.Fprintf(w, "  %-*s%s\n", flagColumn, left, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "  %-*s%s\n", flagColumn, "", l)
		}
	})
}

// defaultText is a flag's default as the help shows it: nothing for an
// empty string or false, durations as written on the command line ("24h",
// not "24h0m0s").
func defaultText(f *flag.Flag) string {
	if getter, ok := f.Value.(flag.Getter); ok {
		if d, ok := getter.Get().(time.Duration); ok {
			return shortDuration(d)
		}
	}
	if f.DefValue == "false" {
		return ""
	}
	return f.DefValue
}

// shortDuration drops the zero minutes and seconds time.Duration.String
// adds: 24h0m0s is 24h, 2m0s is 2m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// wrap splits text into lines of at most width bytes at spaces.
func wrap(text string, width int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case len(line)+1+len(word) > width:
			out = append(out, line)
			line = word
		default:
			line += " " + word
		}
	}
	return append(out, line)
}

// flagError rewrites a parse error of the flag package, which names every
// flag with one dash ("flag provided but not defined: -v" for --v) and
// quotes the value given. The flag is shown as typed, with what kind of
// value it takes, and the value is left out: it may be a token.
func flagError(err error, fs *flag.FlagSet, args []string) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		hint := ""
		if name == "v" {
			hint = "; for the version: loremup-fake --version"
		}
		return fmt.Errorf("unknown flag %s%s", typedFlag(args, name), hint)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return fmt.Errorf("%s needs a value", typedFlag(args, name))
	}
	if strings.HasPrefix(msg, "bad flag syntax: ") {
		return errors.New("bad flag syntax: flags are written --name or --name=value")
	}
	// "invalid value ... for flag -name: ...", "invalid boolean value ...
	// for -name: ...", "invalid boolean flag name: ...".
	var found *flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		for _, form := range []string{"for flag -" + f.Name + ": ", "for -" + f.Name + ": ", "invalid boolean flag " + f.Name + ": "} {
			if strings.Contains(msg, form) {
				found = f
			}
		}
	})
	if found == nil {
		return errors.New("cannot parse the flags (the values are not repeated here)")
	}
	return fmt.Errorf("invalid value for %s: %s", typedFlag(args, found.Name), valueHint(found))
}

// typedFlag shows a flag's name as the user typed it ("-v" stays "-v",
// "--v" stays "--v"), without its value; a name not found in args is
// shown as "--name".
func typedFlag(args []string, name string) string {
	for _, a := range args {
		if a == "--" {
			break
		}
		bare := strings.TrimLeft(a, "-")
		if got, _, _ := strings.Cut(bare, "="); strings.HasPrefix(a, "-") && got == name {
			return a[:len(a)-len(bare)] + name
		}
	}
	return "--" + name
}

// valueHint says what kind of value a flag takes.
func valueHint(f *flag.Flag) string {
	getter, _ := f.Value.(flag.Getter)
	if getter == nil {
		return "see --help"
	}
	switch getter.Get().(type) {
	case bool:
		return "it takes no value (or =true, =false)"
	case time.Duration:
		return "want a duration such as 30s or 2m"
	case int, int64, uint, uint64:
		return "want a whole number"
	}
	return "see --help"
}
