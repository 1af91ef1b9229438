package loremup_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sources returns the non-test Go files of dirs.
func sources(t *testing.T, dirs ...string) []string {
	t.Helper()
	var out []string
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		require.NotEmpty(t, files, dir)
		for _, f := range files {
			if !strings.HasSuffix(f, "_test.go") {
				out = append(out, f)
			}
		}
	}
	return out
}

// The size budgets of CONTRIBUTING.md, checked so that growth is a
// decision someone makes rather than an accident nobody sees.
func TestBudgets(t *testing.T) {
	lines := func(dirs ...string) int {
		n := 0
		for _, f := range sources(t, dirs...) {
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			n += bytes.Count(src, []byte("\n"))
		}
		return n
	}
	assert.LessOrEqual(t, lines("."), 3600, "non-test lines of package loremup")
	assert.LessOrEqual(t, lines("internal/fake", "internal/control", "loremuptest", "cmd/loremup-fake"), 3300,
		"non-test lines of the fake's four packages")

	// Exported methods of exported types, as go doc lists them.
	methods := 0
	for _, name := range sources(t, ".") {
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() {
				continue
			}
			recv := fn.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			if id, ok := recv.(*ast.Ident); ok && id.IsExported() {
				methods++
			}
		}
	}
	assert.Positive(t, methods)
	assert.LessOrEqual(t, methods, 28, "exported methods of package loremup")
}
