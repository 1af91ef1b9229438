package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A flag's value is never repeated in an error: it may be a secret, such
// as a password typed as --password-stdin=VALUE or a token given to the
// wrong flag. The message names the flag as it was typed.
func TestRun_FlagErrorsNeverEchoTheValue(t *testing.T) {
	const secret = "s3cret-Value-Jq7"
	tests := []struct {
		args  []string
		names string // the flag, as the message shows it
	}{
		{[]string{"login", "--password-stdin=" + secret}, "--password-stdin"},
		{[]string{"login", "-password-stdin=" + secret}, "-password-stdin"},
		{[]string{"login", "--insecure-http=" + secret}, "--insecure-http"},
		{[]string{"login", "--verbose=" + secret}, "--verbose"},
		{[]string{"login", "--timeout=" + secret}, "--timeout"},
		{[]string{"login", "--timeout", secret}, "--timeout"},
		{[]string{"logout", "--max-retries=" + secret}, "--max-retries"},
		{[]string{"version", "--json=" + secret}, "--json"},
	}
	for _, tt := range tests {
		for _, mode := range []string{"", "--json"} {
			args := tt.args
			if mode != "" {
				args = append(append([]string(nil), args...), mode)
			}

			got := runCLI(t, nil, "", args...)

			require.Equal(t, exitUsage, got.code, "%q", args)
			assert.Contains(t, got.stdout+got.stderr, "invalid value for "+tt.names+": ", "%q", args)
			assert.NotContains(t, got.stdout+got.stderr, secret, "%q", args)
		}
	}
}

// Flags are named in messages as the user typed them: "-v" is not
// misquoted as "--v".
func TestRun_FlagErrorsQuoteTheFlagAsTyped(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-v"}, "got -v first (for the version: loremup --version)"},
		{[]string{"--frob"}, "got --frob first"},
		{[]string{"login", "-v"}, "unknown flag -v (for the version: loremup --version; for request logs: --verbose)"},
		{[]string{"login", "--frob=some-value"}, "unknown flag --frob\n"},
		{[]string{"login", "-frob"}, "unknown flag -frob\n"},
		{[]string{"login", "-email"}, "-email needs a value"},
		{[]string{"login", "--email"}, "--email needs a value"},
	}
	for _, tt := range tests {
		got := runCLI(t, nil, "", tt.args...)

		assert.Equal(t, exitUsage, got.code, "%q", tt.args)
		assert.Contains(t, got.stderr, tt.want, "%q", tt.args)
		assert.NotContains(t, got.stderr, "some-value", "%q", tt.args)
		if last := tt.args[len(tt.args)-1]; !strings.HasPrefix(last, "--") {
			assert.NotRegexp(t, `-`+regexp.QuoteMeta(last)+`\b`, got.stderr, "%q: not misquoted with two dashes", tt.args)
		}
	}
}
