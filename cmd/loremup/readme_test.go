package main

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's session file is one that logout reads and that login
// writes exactly so: the same members, the same shape.
func TestREADME_SessionFileIsWhatLoginWrites(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	m := regexp.MustCompile("(?s)\n## The session file\n.*?```json\n(.*?)```").FindSubmatch(readme)
	require.NotNil(t, m, "the README shows a session file")
	shown := m[1]

	saved, sess, err := decodeSessionFile(shown)
	require.NoError(t, err, "logout reads the README's file")
	require.NotNil(t, saved.LoggedInAt)
	written, err := encodeSessionFile(saved.Email, saved.BaseURL, *saved.LoggedInAt, sess)
	require.NoError(t, err)

	assert.JSONEq(t, string(shown), string(written))
}
