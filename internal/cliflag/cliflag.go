// Package cliflag shows the flags of loremup's commands the way their
// users write them: "--name VALUE" in the help, and the flag named as it
// was typed in parse errors. The flag package takes "-name" and "--name"
// alike, but prints one dash and repeats the value given, which may be a
// secret.
package cliflag

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// lineWidth is the width the help is wrapped to.
const lineWidth = 78

// WriteFlag prints f as "  --name VALUE  usage (default x)", the usage
// starting at column width+2 and wrapped to 78 columns. A "--name VALUE"
// too wide for its column gets a line of its own.
func WriteFlag(w io.Writer, f *flag.Flag, width int) {
	arg, usage := flag.UnquoteUsage(f)
	left := "--" + f.Name
	if arg != "" {
		left += " " + arg
	}
	if def := DefaultText(f); def != "" && !strings.Contains(usage, "(default") {
		usage += " (default " + def + ")"
	}
	WriteRow(w, left, usage, width)
}

// WriteFlags prints the flags of fs named in names, in that order, so
// that a help can group them; with names nil, every flag of fs in
// lexical order, then the help row. The name "help" is the "-h, --help"
// row every command takes, which the flag package defines itself. Help
// that was asked for is a command's output: both binaries print it on
// stdout and exit 0.
func WriteFlags(w io.Writer, fs *flag.FlagSet, names []string, width int) {
	if names == nil {
		fs.VisitAll(func(f *flag.Flag) { WriteFlag(w, f, width) })
		names = []string{"help"}
	}
	for _, name := range names {
		if name == "help" {
			WriteRow(w, "-h, --help", "show this help", width)
		} else if f := fs.Lookup(name); f != nil {
			WriteFlag(w, f, width)
		}
	}
}

// WriteRow prints one row of a flag list: left in a column of the given
// width, text after it, wrapped to 78 columns. It is also how rows that
// are not flags of a FlagSet ("-h, --help") line up with the others.
func WriteRow(w io.Writer, left, text string, width int) {
	lines := Wrap(text, lineWidth-2-width)
	if len(left) >= width {
		fmt.Fprintf(w, "  %s\n", left)
		left = ""
	}
	fmt.Fprintf(w, "  %-*s%s\n", width, left, lines[0])
	for _, l := range lines[1:] {
		fmt.Fprintf(w, "  %-*s%s\n", width, "", l)
	}
}

// DefaultText is a flag's default as the help shows it: nothing for an
// empty string or false, durations as written on the command line ("24h",
// not "24h0m0s").
func DefaultText(f *flag.Flag) string {
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

// Wrap splits text into lines of at most width bytes at spaces, keeping
// its own line breaks. A word longer than width stays whole.
func Wrap(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
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
		out = append(out, line)
	}
	return out
}

// Name is the name of a flag argument ("-x", "--x", "--x=value" give
// "x"); anything else gives "". The value is never part of it.
func Name(arg string) string {
	if !strings.HasPrefix(arg, "-") {
		return ""
	}
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	return name
}

// Typed shows the flag name as the user typed it in args ("-v" stays
// "-v", "--json" stays "--json"), without its value; a name not found
// before a "--" is shown as "--name".
func Typed(args []string, name string) string {
	for _, a := range args {
		if a == "--" {
			break
		}
		if name != "" && Name(a) == name {
			return a[:len(a)-len(strings.TrimLeft(a, "-"))] + name
		}
	}
	return "--" + name
}

// ValueHint says what kind of value a flag takes.
func ValueHint(f *flag.Flag) string {
	if getter, ok := f.Value.(flag.Getter); ok {
		switch getter.Get().(type) {
		case bool:
			return "it takes no value (or =true, =false)"
		case time.Duration:
			return "want a duration such as 30s or 2m"
		case int, int64, uint, uint64:
			return "want a whole number"
		}
	}
	return "see --help"
}

// Kind is what a flag parse error is about.
type Kind int

// The kinds of Error.
const (
	Unknown    Kind = iota + 1 // a flag that is not defined
	NeedsValue                 // a flag given without its value
	BadValue                   // a value the flag cannot parse
	BadSyntax                  // an argument such as "---x" or "-=x"
	Unparsed                   // any other error of FlagSet.Parse
)

// Error is a parse error of the flag package restated for users: the flag
// as typed, and for a bad value what kind of value it takes, never the
// value itself (it may be a password or a token).
type Error struct {
	Kind Kind
	// Flag is the flag as typed ("--timeout"), "" for BadSyntax and
	// Unparsed.
	Flag string
	// Name is Flag without its dashes.
	Name string
	msg  string
}

func (e *Error) Error() string { return e.msg }

// Explain rewrites err, returned by fs.Parse(args), as an *Error.
func Explain(err error, fs *flag.FlagSet, args []string) *Error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		shown := Typed(args, name)
		return &Error{Kind: Unknown, Flag: shown, Name: name, msg: "unknown flag " + shown}
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		shown := Typed(args, name)
		return &Error{Kind: NeedsValue, Flag: shown, Name: name, msg: shown + " needs a value"}
	}
	if strings.HasPrefix(msg, "bad flag syntax: ") {
		return &Error{Kind: BadSyntax, msg: "bad flag syntax: flags are written --name or --name=value"}
	}
	// "invalid value ... for flag -name: ...", "invalid boolean value ...
	// for -name: ...", "invalid boolean flag name: ...": find which of
	// fs's flags it names.
	var found *flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		for _, form := range []string{"for flag -" + f.Name + ": ", "for -" + f.Name + ": ", "invalid boolean flag " + f.Name + ": "} {
			if strings.Contains(msg, form) {
				found = f
			}
		}
	})
	if found == nil {
		return &Error{Kind: Unparsed, msg: "cannot parse the flags (the values are not repeated here)"}
	}
	shown := Typed(args, found.Name)
	return &Error{Kind: BadValue, Flag: shown, Name: found.Name, msg: "invalid value for " + shown + ": " + ValueHint(found)}
}
