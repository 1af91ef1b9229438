// Allocation counts mean nothing under the race detector, which makes
// sync.Pool (and so regexp's matchers) drop what is put back.

//go:build !race

package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The redactor runs on every error answer: text without a secret, the
// usual case, must come back as it is, without a copy, whether or not it
// holds bytes an encoding starts with.
func TestSet_TextWithoutSecretIsNotCopied(t *testing.T) {
	r := New("tok_4f8a9c2e7b", "correct horse battery staple", "ab")
	texts := []string{
		"",
		"application/vnd.api+json",
		"Sat, 28 Nov 2026 21:30:18 GMT",
		`{"errors":[{"status":"422","detail":"field_01 is not valid: it must match the form's rules"}]}`,
		`{"detail":"a \u0026 b, 100% sure, tok\u005f4f8a9c2e7 and correct+horse+battery"}`,
		"a &amp; b &#60; c %41%42 d+e",
	}
	for _, text := range texts {
		var out string
		allocs := testing.AllocsPerRun(50, func() { out = r.String(text) })
		assert.Equal(t, text, out)
		assert.Zero(t, allocs, "String(%q)", text)

		b := []byte(text)
		var outb []byte
		allocs = testing.AllocsPerRun(50, func() { outb = r.Bytes(b) })
		assert.Equal(t, text, string(outb))
		assert.Zero(t, allocs, "Bytes(%q)", text)
	}
}
