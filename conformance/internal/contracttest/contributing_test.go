package contracttest_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestContributing_RunPatternsSelectExactlyTheRealAppTests checks the
// -run patterns CONTRIBUTING.md gives for this package against the names of its
// tests, as go test matches them (one regexp per level, split at '/'):
// each selects what it says and nothing else, so a renamed test or a new
// one with a similar name cannot make the guide run the wrong thing.
func TestContributing_RunPatternsSelectExactlyTheRealAppTests(t *testing.T) {
	guide, err := os.ReadFile(filepath.Join("..", "..", "..", "CONTRIBUTING.md"))
	require.NoError(t, err)
	const heading = "\n## Testing against a real app\n"
	_, section, found := strings.Cut(string(guide), heading)
	require.True(t, found, "CONTRIBUTING.md has %q", heading)
	section, _, _ = strings.Cut(section, "\n## ")
	var patterns []string
	for _, m := range regexp.MustCompile(`go test \./internal/contracttest/ [^\n]*-run '([^']+)'`).FindAllStringSubmatch(section, -1) {
		patterns = append(patterns, m[1])
	}
	require.NotEmpty(t, patterns, "CONTRIBUTING.md shows how to run the suite against a real app")

	tests := topLevelTests(t)
	// The second level, where a test has one: TestContract's targets.
	subtests := map[string][]string{"TestContract": {"fake", "fake under a path prefix", "real"}}
	// What a pattern may select: the real-app targets and the probes.
	realApp := map[string]bool{"TestContract/real": true, "TestProbes_RealAppVsFake": true}

	selected := map[string]bool{}
	for _, p := range patterns {
		levels := strings.Split(p, "/")
		var got []string
		for _, name := range tests {
			if !regexp.MustCompile(levels[0]).MatchString(name) {
				continue
			}
			if len(levels) == 1 || subtests[name] == nil {
				got = append(got, name)
				continue
			}
			for _, sub := range subtests[name] {
				if regexp.MustCompile(levels[1]).MatchString(strings.ReplaceAll(sub, " ", "_")) {
					got = append(got, name+"/"+sub)
				}
			}
		}
		require.Len(t, got, 1, "-run %q selects exactly one test or target", p)
		assert.True(t, realApp[got[0]], "-run %q selects %s, not a real-app test", p, got[0])
		selected[got[0]] = true
	}
	assert.Equal(t, realApp, selected, "the guide's patterns cover every real-app test")
}
