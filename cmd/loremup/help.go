package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/loremup/loremup-go/internal/cliflag"
)

// runHelp is 'loremup help [command]'.
func runHelp(args []string, stdout, stderr io.Writer) int {
	p := &printer{command: "help", stdout: stdout, stderr: stderr}
	switch {
	case len(args) == 0 || (len(args) == 1 && isHelpOfHelp(args[0])):
		writeTopHelp(stdout)
		return exitOK
	case len(args) > 1:
		return p.fail(usageError("", "help takes at most one command name"))
	}
	cmd := lookup(args[0])
	if cmd == nil {
		return p.fail(unknownCommand(args[0]))
	}
	writeCommandHelp(stdout, cmd)
	return exitOK
}

// isHelpOfHelp reports whether arg asks for help's own help: 'loremup help
// help', and 'loremup help --help', since every command takes --help.
func isHelpOfHelp(arg string) bool {
	switch arg {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

func writeTopHelp(w io.Writer) {
	var b strings.Builder
	b.WriteString(`loremup logs users in and out of a LoremUp app through its Sessions REST API,
for shell scripts and for tools that wrap it.

Usage:
  loremup <command> [flags]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(&b, "  %-8s %s\n", "help", "show a command's flags and an example: loremup help login")
	fmt.Fprintf(&b, `
Every command takes --help, and all but help take --json (exactly one JSON
object on stdout, errors included); flags are written --name or
--name=value. Cookie values, the API token and the password are never
printed, in any mode.

Environment:
  %-18s base URL of the app, e.g. https://app.example.com (or --base-url)
  %-18s API token (or --token; prefer the variable, a flag's value
  %-18s is visible in ps and kept in shell history)
  %-18s the user's e-mail, for login (or --email)
  %-18s the user's password, for login (or --password-stdin, or
  %-18s a prompt at a terminal; there is no password flag)

Exit codes:
%s
Example:
  export LOREMUP_BASE_URL=https://app.example.com
  export LOREMUP_API_TOKEN=...
  loremup login --email ada@example.com --session-file ada.session
  loremup status --session-file ada.session
  # ... work as ada ...
  loremup logout --session-file ada.session
`, envBaseURL, envToken, "", envEmail, envPassword, "", exitCodeText())
	_, _ = io.WriteString(w, b.String())
}

func writeCommandHelp(w io.Writer, cmd *command) {
	fs, _, _ := cmd.flagSet()
	var b strings.Builder
	fmt.Fprintf(&b, "Usage:\n  %s\n\n%s\n\nFlags:\n", cmd.synopsis, cmd.about)
	cliflag.WriteFlags(&b, fs, cmd.flags, flagColumn)
	cliflag.WriteFlags(&b, fs, []string{"help"}, flagColumn)
	if cmd.connects {
		b.WriteString("\nConnection and output flags:\n")
		cliflag.WriteFlags(&b, fs, connectionFlags, flagColumn)
	} else {
		cliflag.WriteFlags(&b, fs, []string{"json"}, flagColumn)
	}
	fmt.Fprintf(&b, "\nExample:\n%s\n", cmd.example)
	// The exit codes are the same for every command: one table, in
	// 'loremup help', rather than a copy in each command's help.
	b.WriteString("\nExit codes: 0 on success; 'loremup help' lists the others.\n")
	_, _ = io.WriteString(w, b.String())
}

// flagColumn is the width of the "--name VALUE" column of the help.
const flagColumn = 26
