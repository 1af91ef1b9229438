package main

import (
	"context"
	"os"

	"golang.org/x/term"
)

// terminal is a standard input that a person types at. login reads the
// password from it with echo turned off, as docker login and gh do.
type terminal interface {
	// ReadPassword reads one line with echo off. It returns early with
	// ctx's error when ctx ends (SIGINT), the terminal restored.
	ReadPassword(ctx context.Context) (string, error)
}

// ttyStdin is os.Stdin when it is a terminal.
type ttyStdin struct{ *os.File }

// terminalStdin returns f as a terminal if it is one.
func terminalStdin(f *os.File) (ttyStdin, bool) {
	return ttyStdin{f}, term.IsTerminal(int(f.Fd()))
}

func (t ttyStdin) ReadPassword(ctx context.Context) (string, error) {
	fd := int(t.Fd())
	// term.ReadPassword restores the terminal when it returns; if SIGINT
	// comes first, the process exits while the read still waits, so
	// restore it here too or the shell would be left without echo.
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	pw, err := readContext(ctx, func() (string, error) {
		pw, err := term.ReadPassword(fd)
		return string(pw), err
	})
	if ctx.Err() != nil {
		_ = term.Restore(fd, state)
	}
	return pw, err
}
