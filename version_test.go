package loremup_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
)

// The changelog keeps an Unreleased section on top, and its newest release
// is the Version this code reports (in the User-Agent and in the commands'
// --version), so a release cannot ship with the two out of step.
func TestVersion_MatchesTheNewestChangelogRelease(t *testing.T) {
	changelog, err := os.ReadFile("CHANGELOG.md")
	require.NoError(t, err)

	headings := regexp.MustCompile(`(?m)^## (.+)$`).FindAllStringSubmatch(string(changelog), -1)
	require.GreaterOrEqual(t, len(headings), 2, "an Unreleased section and at least one release")
	assert.Equal(t, "Unreleased", headings[0][1], "the first section collects changes not yet released")

	release := regexp.MustCompile(`^\[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$`).FindStringSubmatch(headings[1][1])
	require.NotNil(t, release, "the newest release heading reads '## [X.Y.Z] - YYYY-MM-DD', got %q", headings[1][1])
	assert.Equal(t, loremup.Version, release[1])
}
