package readme

import (
	"bytes"
	"context"
	"log"
	"log/slog"
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
	err := quickstart()
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
	assert.Contains(t, logs.String(), "attempts: 1", "one attempt reads right")
	assert.NotContains(t, logs.String(), "correct horse")
}

// readmeBlock returns the first code block of the given language after
// the heading.
func readmeBlock(t *testing.T, heading, lang string) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	text := string(readme)
	at := strings.Index(text, "\n"+heading+"\n")
	require.GreaterOrEqual(t, at, 0, "no heading %q", heading)
	m := regexp.MustCompile("(?s)```" + regexp.QuoteMeta(lang) + "\n(.*?)```").FindStringSubmatch(text[at:])
	require.NotNil(t, m, "no %s block after %q", lang, heading)
	return m[1]
}

// The README's log sample is what the SDK writes for a login that met
// one 503 (the times and the elapsed duration aside).
func TestLogSampleMatchesRealOutput(t *testing.T) {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	defer srv.Close()
	srv.Inject(1, loremuptest.Fault{Status: 503, RetryAfter: "0"})
	var out bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := loremup.NewClient(srv.URL, srv.Token, loremup.WithLogger(logger))
	require.NoError(t, err)
	defer c.CloseIdleConnections()

	_, err = c.Sessions.Create(context.Background(), loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "correct horse"},
	})

	require.NoError(t, err)
	varying := regexp.MustCompile(`(time|elapsed)=\S+`)
	assert.Equal(t,
		varying.ReplaceAllString(readmeBlock(t, "## Logging", "text"), "$1=…"),
		varying.ReplaceAllString(out.String(), "$1=…"))
}

// The Python and Node examples in the README are the files CI runs.
func TestOtherLanguageExamplesMatchTheREADME(t *testing.T) {
	for lang, file := range map[string]string{"python": "../python/login_logout.py", "js": "../node/login_logout.mjs"} {
		src, err := os.ReadFile(file)
		require.NoError(t, err)

		assert.Equal(t, string(src), readmeBlock(t, "## The fake server for other languages", lang), file)
	}
}
