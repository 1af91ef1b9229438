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

// docs are the repository's Markdown files that show code, from this
// directory.
var docs = []string{
	"../../README.md",
	"../../cmd/loremup/README.md",
	"../../cmd/loremup-fake/README.md",
	"../../benchmarks/README.md",
	"../../CONTRIBUTING.md",
	"../../SECURITY.md",
}

// TestSnippetsMatchTheREADME keeps the READMEs honest: each of their Go
// snippets must stand, line for line (indentation aside), in this
// package's files or the Quickstart program's, which compile and are run
// by the tests.
func TestSnippetsMatchTheREADME(t *testing.T) {
	var here []string
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	sub, err := filepath.Glob("quickstart/*.go")
	require.NoError(t, err)
	require.NotEmpty(t, sub)
	for _, f := range append(files, sub...) {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		here = append(here, normalize(string(src))...)
	}
	require.False(t, containsRun(here, []string{"a line in no file"}), "the matcher can fail")

	for _, doc := range docs {
		text, err := os.ReadFile(doc)
		require.NoError(t, err)
		blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllSubmatch(text, -1)
		if doc == docs[0] {
			require.NotEmpty(t, blocks, "the README shows Go")
		}
		for _, b := range blocks {
			snippet := normalize(string(b[1]))
			assert.True(t, containsRun(here, snippet), "%s: snippet not found in examples/readme:\n%s", doc, b[1])
		}
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
// the heading in the Markdown file doc.
func readmeBlock(t *testing.T, doc, heading, lang string) string {
	t.Helper()
	readme, err := os.ReadFile(doc)
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
		varying.ReplaceAllString(readmeBlock(t, docs[0], "## Logging and tracing", "text"), "$1=…"),
		varying.ReplaceAllString(out.String(), "$1=…"))
}

// The fake's README links the Python and Node examples, and shows the
// command that runs each, against the fake its shell blocks started;
// .ci/release-artifacts runs the same files against the built binary.
func TestOtherLanguageExamplesAreTheFilesCIRuns(t *testing.T) {
	const doc = "../../cmd/loremup-fake/README.md"
	ci, err := os.ReadFile("../../.ci/release-artifacts")
	require.NoError(t, err)
	shell := readmeBlock(t, doc, "## Python and Node", "sh")
	for _, file := range []string{"examples/python/login_logout.py", "examples/node/login_logout.mjs"} {
		_, err := os.Stat(filepath.Join("..", "..", file))
		require.NoError(t, err)

		text, err := os.ReadFile(doc)
		require.NoError(t, err)
		assert.Contains(t, string(text), "](../../"+file+")", "the README links %s", file)
		assert.Contains(t, shell, " "+file+"\n", "the README's shell block runs %s", file)
		assert.Contains(t, string(ci), " "+file+"\"", ".ci/release-artifacts runs %s", file)
	}
}

// TestREADME_ShellLinesAreOnesThatWork checks each line of the README's
// shell blocks: the module it installs is this one, each package it
// installs or runs is a command here, and go test ./... is what CI runs
// first. A line of another kind fails until a test runs it.
func TestREADME_ShellLinesAreOnesThatWork(t *testing.T) {
	const module = "github.com/loremup/loremup-go"
	isCommand := func(dir string) bool {
		src, err := os.ReadFile(filepath.Join("..", "..", dir, "main.go"))
		return err == nil && regexp.MustCompile(`(?m)^package main$`).Match(src)
	}
	install := regexp.MustCompile(`^go install ` + regexp.QuoteMeta(module) + `/(\S+)@latest$`)
	run := regexp.MustCompile(`^go run \./(\S+)$`)

	readme, err := os.ReadFile(docs[0])
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllSubmatch(readme, -1)
	require.NotEmpty(t, blocks)
	var lines int
	for _, b := range blocks {
		for _, line := range normalize(string(b[1])) {
			line, _, _ = strings.Cut(line, "#")
			line = strings.TrimSpace(line)
			lines++
			switch {
			case line == "go get "+module+"@latest", line == "go test ./...":
			case install.MatchString(line):
				assert.True(t, isCommand(install.FindStringSubmatch(line)[1]), "%q installs no command of this module", line)
			case run.MatchString(line):
				assert.True(t, isCommand(run.FindStringSubmatch(line)[1]), "%q runs no command of this module", line)
			default:
				t.Errorf("README shell line %q: no test runs it", line)
			}
		}
	}
	assert.Equal(t, 5, lines, "install (3) and the two commands")
}
