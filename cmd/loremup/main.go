package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGINT and SIGTERM cancel the call in flight; run reports it
	// (exit code 130) instead of the process dying mid-write.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	var stdin io.Reader = os.Stdin
	if tty, ok := terminalStdin(os.Stdin); ok {
		stdin = tty // login asks for the password without echoing it
	}
	code := run(ctx, os.Args[1:], stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
