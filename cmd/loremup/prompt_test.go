package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTerminal is a standard input a person types at: ReadPassword
// returns what they type (with echo off, on a real terminal).
type fakeTerminal struct {
	*strings.Reader // what a --password-stdin read would see
	typed           string
	err             error
	asked           int
}

func (f *fakeTerminal) ReadPassword(context.Context) (string, error) {
	f.asked++
	return f.typed, f.err
}

// At a terminal, without LOREMUP_PASSWORD, login asks for the password on
// stderr and reads it without echo; it is never printed.
func TestLogin_PromptsForThePasswordAtATerminal(t *testing.T) {
	srv := newFake(t)
	tty := &fakeTerminal{Reader: strings.NewReader(""), typed: testPassword}

	got := runCLIWith(context.Background(), t, with(envFor(srv.URL), envPassword, ""), tty, "login")

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, 1, tty.asked)
	assert.True(t, strings.HasPrefix(got.stderr, "Password for "+testEmail+": \n"), got.stderr)
	_, password := sentForm(t, srv)
	assert.Equal(t, testPassword, password)
	assert.NotContains(t, got.stdout+got.stderr, testPassword)
}

// --password-stdin at a terminal reads the password without echo too,
// rather than a visible line.
func TestLogin_PasswordStdinAtATerminalDoesNotEcho(t *testing.T) {
	srv := newFake(t)
	tty := &fakeTerminal{Reader: strings.NewReader("a visible line\n"), typed: testPassword}

	got := runCLIWith(context.Background(), t, envFor(srv.URL), tty, "login", "--password-stdin")

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, 1, tty.asked)
	_, password := sentForm(t, srv)
	assert.Equal(t, testPassword, password)
}

func TestLogin_PasswordFromEnvironmentWinsOverThePrompt(t *testing.T) {
	srv := newFake(t)
	tty := &fakeTerminal{Reader: strings.NewReader(""), typed: "typed-loses"}

	got := runCLIWith(context.Background(), t, envFor(srv.URL), tty, "login")

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Zero(t, tty.asked)
	assert.NotContains(t, got.stderr, "Password")
}

func TestLogin_PromptFailures(t *testing.T) {
	tests := []struct {
		name   string
		tty    *fakeTerminal
		cancel bool
		want   int
		says   string
	}{
		{"nothing typed", &fakeTerminal{Reader: strings.NewReader("")}, false, exitUsage, "no password typed"},
		{"terminal error", &fakeTerminal{Reader: strings.NewReader(""), err: errors.New("inappropriate ioctl")}, false, exitUsage, "cannot read the password from the terminal"},
		{"SIGINT at the prompt", &fakeTerminal{Reader: strings.NewReader(""), err: context.Canceled}, true, exitInterrupted, "interrupted while reading the password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				cancel()
			}

			got := runCLIWith(ctx, t, with(envFor(srv.URL), envPassword, ""), tt.tty, "login")

			assert.Equal(t, tt.want, got.code)
			assert.Contains(t, got.stderr, tt.says)
			assert.Zero(t, srv.RequestCount())
		})
	}
}

// SIGINT cancels ctx; with --password-stdin on a pipe nobody writes to,
// login used to keep waiting for the line (Ctrl-C did nothing) instead of
// reporting the interruption.
func TestLogin_PasswordStdinHonoursInterruption(t *testing.T) {
	srv := newFake(t)
	stdinR, stdinW := io.Pipe()
	t.Cleanup(func() { _ = stdinW.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // as SIGINT does

	done := make(chan outcome, 1)
	go func() {
		done <- runCLIWith(ctx, t, with(envFor(srv.URL), envPassword, ""), stdinR, "login", "--password-stdin")
	}()
	var got outcome
	select {
	case got = <-done:
	case <-time.After(10 * time.Second):
		_ = stdinW.Close() // release the read so the test ends
		got = <-done
		assert.Fail(t, "still reading stdin after the interruption")
	}

	assert.Equal(t, exitInterrupted, got.code, got.stderr)
	assert.Contains(t, got.stderr, "interrupted while reading the password")
	assert.Zero(t, srv.RequestCount())
}
