package cliflag

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.String("token", "", "API `TOKEN`")
	fs.Bool("json", false, "print JSON")
	fs.Duration("lifetime", 24*time.Hour, "session `DURATION`")
	fs.Int("n", 3, "how many")
	fs.Func("mode", "a `MODE`", func(string) error { return nil })
	return fs
}

func TestWriteFlag(t *testing.T) {
	fs := newFlagSet()
	var b strings.Builder
	for _, name := range []string{"token", "json", "lifetime", "n"} {
		WriteFlag(&b, fs.Lookup(name), 20)
	}
	WriteRow(&b, "-h, --help", "show this help", 20)
	want := "" +
		"  --token TOKEN       API TOKEN\n" +
		"  --json              print JSON\n" +
		"  --lifetime DURATION session DURATION (default 24h)\n" +
		"  --n int             how many (default 3)\n" +
		"  -h, --help          show this help\n"
	assert.Equal(t, want, b.String())
}

func TestWriteRowLongLeftAndWrap(t *testing.T) {
	var b strings.Builder
	WriteRow(&b, "--a-very-long-flag-name VALUE", strings.Repeat("word ", 14), 10)
	assert.Equal(t, "  --a-very-long-flag-name VALUE\n"+
		"            "+strings.Repeat("word ", 12)+"word\n"+
		"            word\n", b.String())
}

func TestDefaultText(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.Duration("d1", 24*time.Hour, "")
	fs.Duration("d2", 2*time.Minute, "")
	fs.Duration("d3", 90*time.Second, "")
	fs.Bool("b", false, "")
	fs.String("s", "", "")
	fs.String("x", "y", "")
	for name, want := range map[string]string{"d1": "24h", "d2": "2m", "d3": "1m30s", "b": "", "s": "", "x": "y"} {
		assert.Equal(t, want, DefaultText(fs.Lookup(name)), name)
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		text  string
		width int
		want  []string
	}{
		{"", 10, []string{""}},
		{"a b c", 3, []string{"a b", "c"}},
		{"toolongword x", 4, []string{"toolongword", "x"}},
		{"one\ntwo three", 20, []string{"one", "two three"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Wrap(tt.text, tt.width), tt.text)
	}
}

func TestTyped(t *testing.T) {
	tests := []struct {
		args []string
		name string
		want string
	}{
		{[]string{"-v"}, "v", "-v"},
		{[]string{"--token=secret"}, "token", "--token"},
		{[]string{"x", "---json"}, "json", "---json"},
		{[]string{"--", "-v"}, "v", "--v"},
		{nil, "n", "--n"},
		{[]string{"-"}, "", "--"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Typed(tt.args, tt.name), tt.args)
	}
}

func TestExplain(t *testing.T) {
	tests := []struct {
		args     []string
		kind     Kind
		flag     string
		wantMsg  string
		hideText string
	}{
		{[]string{"--nope=s3cret"}, Unknown, "--nope", "unknown flag --nope", "s3cret"},
		{[]string{"-token"}, NeedsValue, "-token", "-token needs a value", ""},
		{[]string{"---x"}, BadSyntax, "", "bad flag syntax: flags are written --name or --name=value", ""},
		{[]string{"--json=s3cret"}, BadValue, "--json", "invalid value for --json: it takes no value (or =true, =false)", "s3cret"},
		{[]string{"--lifetime", "s3cret"}, BadValue, "--lifetime", "invalid value for --lifetime: want a duration such as 30s or 2m", "s3cret"},
		{[]string{"-n=s3cret"}, BadValue, "-n", "invalid value for -n: want a whole number", "s3cret"},
	}
	for _, tt := range tests {
		fs := newFlagSet()
		err := fs.Parse(tt.args)
		require.Error(t, err, tt.args)
		got := Explain(err, fs, tt.args)
		assert.Equal(t, tt.kind, got.Kind, tt.args)
		assert.Equal(t, tt.flag, got.Flag, tt.args)
		assert.Equal(t, tt.wantMsg, got.Error(), tt.args)
		if tt.hideText != "" {
			assert.NotContains(t, got.Error(), tt.hideText, tt.args)
		}
	}
}

func TestExplainFuncFlagAndUnknownError(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Func("mode", "a `MODE`", func(string) error { return assert.AnError })
	err := fs.Parse([]string{"--mode=s3cret"})
	require.Error(t, err)
	assert.Equal(t, "invalid value for --mode: see --help", Explain(err, fs, []string{"--mode=s3cret"}).Error())

	got := Explain(assert.AnError, fs, nil)
	assert.Equal(t, Unparsed, got.Kind)
	assert.Equal(t, "cannot parse the flags (the values are not repeated here)", got.Error())
}

// WriteFlags prints the flags named, in that order, "help" as the -h,
// --help row; with no names, every flag in lexical order, then that row.
func TestWriteFlags(t *testing.T) {
	fs := newFlagSet()
	var named, all strings.Builder

	WriteFlags(&named, fs, []string{"n", "help", "json", "not-a-flag"}, 12)
	WriteFlags(&all, fs, nil, 20)

	assert.Equal(t, ""+
		"  --n int     how many (default 3)\n"+
		"  -h, --help  show this help\n"+
		"  --json      print JSON\n", named.String())
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(all.String()), "\n") {
		lines = append(lines, strings.Fields(l)[0])
	}
	assert.Equal(t, []string{"--json", "--lifetime", "--mode", "--n", "--token", "-h,"}, lines)
}
