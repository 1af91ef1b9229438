package main

import (
	"fmt"
	"io"
	"runtime"

	loremup "github.com/loremup/loremup-go"
)

// version is the release this binary was built as. Release builds stamp
// it with -ldflags "-X main.version=..." (see .goreleaser.yaml), which
// can only set a package-level string variable; otherwise it is the SDK's
// Version.
var version = loremup.Version

// writeVersion is --version's output, in the form of 'loremup --version'.
func writeVersion(w io.Writer) {
	fmt.Fprintf(w, "loremup-fake %s (loremup-go %s, %s)\n", version, loremup.Version, runtime.Version())
}
