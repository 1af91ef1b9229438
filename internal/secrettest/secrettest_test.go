package secrettest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

type leaky struct{ Password string }

func TestGuard_FindsSecretsInLogsValuesAndWrappedErrors(t *testing.T) {
	tests := []struct {
		name string
		feed func(g *Guard)
	}{
		{"log line", func(g *Guard) { g.Logger().Debug("x", "pw", "hunter22") }},
		{"struct print", func(g *Guard) { g.Check(leaky{Password: "hunter22"}) }},
		{"wrapped error", func(g *Guard) {
			g.Check(fmt.Errorf("outer: %w", errors.Join(errors.New("a"), errors.New("pw hunter22"))))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &Guard{t: t, secrets: []string{"hunter22"}}
			tt.feed(g)
			leaks := g.Leaks()
			assert.NotEmpty(t, leaks)
			for _, l := range leaks {
				assert.NotContains(t, l, "hunter22", "the report itself must not print the secret")
			}
		})
	}
}

func TestGuard_CleanOutputPasses(t *testing.T) {
	g := New(t, "hunter22", "")
	g.Logger().Info("nothing to see", "user", "ada")
	g.Check(leaky{Password: "[REDACTED]"}, errors.New("plain"))
	assert.Empty(t, g.Leaks())
	n, logBytes := g.Scanned()
	assert.Positive(t, n)
	assert.Positive(t, logBytes)
}
