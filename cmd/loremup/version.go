package main

import (
	"context"
	"flag"
	"runtime"

	loremup "github.com/loremup/loremup-go"
)

// version is the release this binary was built as. Release builds stamp
// it with -ldflags "-X main.version=..." (see .goreleaser.yaml), which
// can only set a package-level string variable; otherwise it is the SDK's
// Version.
var version = loremup.Version

var versionCommand = &command{
	name:     "version",
	summary:  "print the version (also: loremup --version)",
	synopsis: "loremup version [--json]",
	about:    "Prints the version of loremup, the version of the loremup-go SDK it is built\nfrom, and the Go version it was compiled with.",
	example:  "  loremup version\n  loremup --version\n  loremup version --json",
	new:      func() runner { return versionRunner{} },
}

type versionRunner struct{}

func (versionRunner) define(*flag.FlagSet) {}

func (versionRunner) run(context.Context, *cmdContext) (result, *cliError) {
	return versionResult{header: header{OK: true, Command: "version"}, Version: version, SDK: loremup.Version, Go: runtime.Version()}, nil
}
