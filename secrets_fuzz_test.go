package loremup

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/loremup/loremup-go/internal/redact"
	"github.com/loremup/loremup-go/internal/wire"
)

func TestReferenceFormNamesMatchTheWire(t *testing.T) {
	assert.Equal(t, wire.DefaultCreateFormName, ReferenceCreateFormName)
	assert.Equal(t, wire.DefaultDeleteFormName, ReferenceDeleteFormName)
}

// A parsed object's pointers into the request are never mangled,
// whatever the secret; a pointer token that is not part of the request's
// structure and holds the secret is hidden.
func FuzzRedactObjectKeepsPointersIntoTheRequest(f *testing.F) {
	f.Add("s3cret-Pa55word")
	f.Add("form")
	f.Add("password")
	f.Add("0")
	f.Add("attributes")
	f.Fuzz(func(t *testing.T, secret string) {
		if len(secret) < redact.MinLen || len(secret) > 256 || !utf8.ValidString(secret) ||
			strings.ContainsRune(secret, 0) {
			return
		}
		r := redact.New("other-secret", secret)
		for _, p := range []string{"/form/email", "/form/password", "/form_name", "/data/attributes/email", "/data/0/attributes/password"} {
			o := ErrorObject{Source: &ErrorSource{Pointer: p}}
			redactObject(r, &o)
			if o.Source.Pointer != p {
				t.Fatalf("pointer %q became %q for secret %q", p, o.Source.Pointer, secret)
			}
		}
		if structuralToken(secret) || strings.Contains(secret, "/") {
			return
		}
		o := ErrorObject{Detail: "x " + secret, Source: &ErrorSource{Pointer: "/form/" + secret}}
		redactObject(r, &o)
		last := o.Source.Pointer[strings.LastIndexByte(o.Source.Pointer, '/')+1:]
		if strings.Contains(last, secret) || strings.Contains(o.Detail, secret) {
			t.Fatalf("secret %q survives in %+v", secret, o)
		}
	})
}
