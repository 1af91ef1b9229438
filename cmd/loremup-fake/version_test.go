package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	loremup "github.com/loremup/loremup-go"
)

// --version (and -version: the flag package takes both) prints one line
// on stdout and exits 0 without serving, as 'loremup --version' does.
func TestRun_VersionPrintsTheVersionAndExits(t *testing.T) {
	for _, arg := range []string{"--version", "-version"} {
		var stdout, stderr bytes.Buffer

		code := run(context.Background(), []string{arg}, &stdout, &stderr)

		assert.Equal(t, exitOK, code, arg)
		assert.Regexp(t, `^loremup-fake `+version+` \(loremup-go `+loremup.Version+`, go[^)]*\)\n$`, stdout.String(), arg)
		assert.Empty(t, stderr.String(), arg)
	}
}
