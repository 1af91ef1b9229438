package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	loremup "github.com/loremup/loremup-go"
)

// Every command answers --help, -h and 'help <command>' on stdout with
// its usage, flags and an example, and exits 0 without sending anything.
func TestHelp_EveryCommandHasHelpWithAnExample(t *testing.T) {
	for _, cmd := range commands {
		for _, args := range [][]string{{cmd.name, "--help"}, {cmd.name, "-h"}, {"help", cmd.name}} {
			got := runCLI(t, nil, "", args...)

			require.Equal(t, exitOK, got.code, "%q", args)
			assert.Contains(t, got.stdout, "Usage:\n  loremup "+cmd.name, "%q", args)
			assert.Contains(t, got.stdout, "Example:\n  ", "%q", args)
			assert.Contains(t, got.stdout, "--json", "%q", args)
			assert.Empty(t, got.stderr, "%q", args)
		}
	}
}

func TestHelp_LoginAndLogoutDocumentTheirInputs(t *testing.T) {
	login := runCLI(t, nil, "", "help", "login").stdout
	logout := runCLI(t, nil, "", "help", "logout").stdout

	for _, want := range []string{"--email", "--password-stdin", "--session-file", "--form-name",
		"reference_rest_api_create_sessions", "LOREMUP_PASSWORD", "The password is never taken from a flag",
		"a prompt that does not echo", "0600", "stays open on the\nserver"} {
		assert.Contains(t, login, want)
	}
	for _, want := range []string{"--session-file", "reference_rest_api_delete_sessions", "exits with code 7",
		"cannot revoke a copy"} {
		assert.Contains(t, logout, want)
	}
	for _, out := range []string{login, logout} {
		for _, want := range []string{"--base-url", "--token", "--timeout", "--max-retries", "--insecure-http", "--verbose",
			"LOREMUP_BASE_URL", "LOREMUP_API_TOKEN"} {
			assert.Contains(t, out, want)
		}
		// Why the token belongs in the environment (the help wraps lines).
		assert.Contains(t, strings.Join(strings.Fields(out), " "), "Prefer the variable: a flag's value is visible to other users in ps")
		assert.NotContains(t, out, "\n  --password ", "no password flag is offered")
	}
}

// The exit codes are listed once, in the top-level help; each command's
// help points there instead of repeating the table.
func TestHelp_CommandHelpPointsToTheExitCodesInsteadOfRepeatingThem(t *testing.T) {
	for _, cmd := range commands {
		got := runCLI(t, nil, "", "help", cmd.name)

		require.Equal(t, exitOK, got.code)
		assert.NotContains(t, got.stdout, exitCodeText(), cmd.name)
		assert.NotContains(t, got.stdout, "130", cmd.name)
		assert.Contains(t, got.stdout, "\nExit codes: 0 on success; 'loremup help' lists the others.\n", cmd.name)
	}
}

func TestHelp_TopLevelListsCommandsAndExitCodes(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"help", "help"}, {"help", "--help"}, {"help", "-h"}} {
		got := runCLI(t, nil, "", args...)

		require.Equal(t, exitOK, got.code, "%q", args)
		for _, cmd := range commands {
			assert.Contains(t, got.stdout, "\n  "+cmd.name+" ", "%q", args)
		}
		assert.Contains(t, got.stdout, "Exit codes:\n"+exitCodeText(), "%q", args)
	}
}

func TestHelp_NoArgumentsPrintsUsageToStderrAndExits2(t *testing.T) {
	got := runCLI(t, nil, "")

	assert.Equal(t, exitUsage, got.code)
	assert.Empty(t, got.stdout)
	assert.Contains(t, got.stderr, "Usage:\n  loremup <command>")
}

// 'loremup version', 'loremup --version' and 'loremup -version' (the
// flag package's single-dash form) print the same line.
func TestVersion_PrintsTheVersions(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		got := runCLI(t, nil, "", args...)

		require.Equal(t, exitOK, got.code, "%q", args)
		assert.Regexp(t, `^loremup `+version+` \(loremup-go `+loremup.Version+`, go[^)]+\)\n$`, got.stdout, "%q", args)
		assert.Empty(t, got.stderr, "%q", args)
	}
}

// doc.go's exit-code table is the one 'loremup help' prints.
func TestDoc_ExitCodeTableMatchesHelp(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	var doc []string
	for _, line := range strings.Split(string(src), "\n") {
		if rest, ok := strings.CutPrefix(line, "//\t"); ok {
			doc = append(doc, strings.TrimSpace(rest))
		}
	}
	var table []string
	for _, line := range strings.Split(strings.TrimRight(exitCodeText(), "\n"), "\n") {
		table = append(table, strings.TrimSpace(line))
	}

	assert.Contains(t, strings.Join(doc, "\n"), strings.Join(table, "\n"))
}
