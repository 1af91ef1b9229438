package main

import (
	"context"
	"flag"
	"runtime"

	loremup "github.com/loremup/loremup-go"
)

var versionCommand = &command{
	name:     "version",
	summary:  "print the version",
	synopsis: "loremup version [--json]",
	about:    "Prints the version of loremup, which is that of the loremup-go SDK it is built\nfrom, and the Go version it was compiled with.",
	example:  "  loremup version\n  loremup version --json",
	new:      func() runner { return versionRunner{} },
}

type versionRunner struct{}

func (versionRunner) define(*flag.FlagSet) {}

func (versionRunner) run(context.Context, *cmdContext) (result, *cliError) {
	return versionResult{header: header{OK: true, Command: "version"}, Version: loremup.Version, Go: runtime.Version()}, nil
}
