package readme

import (
	"bytes"
	"context"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestSnippetsMatchTheREADME keeps the README honest: each of its Go
// snippets must stand, line for line (indentation aside), in this
// package's files, which compile and are run below.
func TestSnippetsMatchTheREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllSubmatch(readme, -1)
	require.NotEmpty(t, blocks)

	var here []string
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		here = append(here, normalize(string(src))...)
	}
	require.False(t, containsRun(here, []string{"a line in no file"}), "the matcher can fail")
	for _, b := range blocks {
		snippet := normalize(string(b[1]))
		assert.True(t, containsRun(here, snippet), "README snippet not found in examples/readme:\n%s", b[1])
	}
}

func normalize(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func containsRun(lines, run []string) bool {
	for i := 0; i+len(run) <= len(lines); i++ {
		match := true
		for j := range run {
			if lines[i+j] != run[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func TestQuickstart_FailsBeforeSendingWithoutAToken(t *testing.T) {
	// Quickstart talks to https://app.example.com: without a token it
	// must fail before any I/O, naming the field.
	t.Setenv("LOREMUP_API_TOKEN", "")
	err := quickstart(context.Background(), "pw")
	var ve *loremup.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "apiToken", ve.Field)
}

func TestLoggingAndTracingSnippets(t *testing.T) {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	defer srv.Close()
	var logs bytes.Buffer
	log.SetOutput(&logs)
	defer log.SetOutput(os.Stderr)

	for _, build := range []func(string, string) (*loremup.Client, error){withLogging, withTracing} {
		c, err := build(srv.URL, srv.Token)
		require.NoError(t, err)
		_, err = c.Sessions.Create(context.Background(), loremup.CreateSessionParams{
			FormName: loremup.ReferenceCreateFormName,
			Form:     loremup.SessionForm{Email: "ada@example.com", Password: "wrong"},
		})
		require.ErrorIs(t, err, loremup.ErrUnauthorized)
		reportError(err)
		c.CloseIdleConnections()
	}
	assert.Contains(t, logs.String(), "POST /api/sessions took", "the tracing transport saw the call")
	assert.Contains(t, logs.String(), "status 401", "reportError printed the APIError")
	assert.NotContains(t, logs.String(), "correct horse")
}
