package wire_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/loremup/loremup-go/internal/wire"
)

// TokenPattern is CheckToken as a regular expression: they agree on every
// byte and on whole tokens.
func TestTokenPattern_AgreesWithCheckToken(t *testing.T) {
	re := regexp.MustCompile(wire.TokenPattern)
	for b := 0; b < 256; b++ {
		tok := "a" + string([]byte{byte(b)}) + "z"
		assert.Equal(t, wire.CheckToken(tok) == nil, re.MatchString(tok), "byte %#x", b)
	}
	for _, tok := range []string{"", "tok_4f8a9c2e7b", "A-Z.0~9", "a=b", "a b", `a"b`, "a,b", "a;b", `a\b`, "naïve"} {
		assert.Equal(t, wire.CheckToken(tok) == nil, re.MatchString(tok), "%q", tok)
	}
}
