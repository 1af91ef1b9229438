package redact

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// encodeSecret spells s as a server might echo it; mode picks the
// encoding, and for the mixed mode each character's encoding in turn.
func encodeSecret(s string, mode uint8) string {
	jsonEsc := func(s string, escapeHTML bool) string {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(escapeHTML)
		_ = enc.Encode(s)
		out := strings.TrimSuffix(b.String(), "\n")
		return out[1 : len(out)-1]
	}
	unicodeEsc := func(s string) string {
		var b strings.Builder
		for _, c := range s {
			if c > 0xFFFF {
				hi, lo := utf16Pair(c)
				fmt.Fprintf(&b, `\u%04X\u%04x`, hi, lo)
				continue
			}
			fmt.Fprintf(&b, `\u%04x`, c)
		}
		return b.String()
	}
	switch mode % 8 {
	case 1:
		return jsonEsc(s, true)
	case 2:
		return jsonEsc(s, false)
	case 3:
		return unicodeEsc(s)
	case 4:
		return url.QueryEscape(s)
	case 5:
		return url.PathEscape(s)
	case 6:
		return html.EscapeString(s)
	case 7:
		var b strings.Builder
		i := 0
		for _, c := range s {
			b.WriteString(encodeSecret(string(c), uint8(i)%7))
			i++
		}
		return b.String()
	}
	return s
}

func FuzzRedact(f *testing.F) {
	f.Add("s3cret-Pa55word", "password ", " refused", uint8(0))
	f.Add(`pa<ss"wo>rd&1`, `{"detail":"`, `"}`, uint8(1))
	f.Add("pässwörd 😀", "x=", "&y", uint8(4))
	f.Add("tok_4f8a9c2e7b", "req-", "", uint8(3))
	f.Add("form", "/form/email ", "", uint8(7))
	f.Add("a b+c%d", "", "", uint8(6))
	f.Fuzz(func(t *testing.T, secret, prefix, suffix string, mode uint8) {
		if len(secret) < MinLen || len(secret) > 256 || !utf8.ValidString(secret) ||
			strings.ContainsRune(secret, 0) {
			return
		}
		// A placeholder next to other text may happen to spell the
		// secret ("]00" in "0[REDACTED]00"): look past placeholders.
		survives := func(out, encoded string) bool {
			return strings.Contains(strings.ReplaceAll(out, Marker, "\x00"), encoded)
		}
		r := New("other-secret", secret)
		encoded := encodeSecret(secret, mode)
		text := prefix + encoded + suffix

		// A secret in any position and encoding never survives.
		if out := r.String(text); survives(out, encoded) {
			t.Fatalf("String(%q) = %q still holds %q", text, out, encoded)
		}
		if out := r.Bytes([]byte(text)); survives(string(out), encoded) {
			t.Fatalf("Bytes(%q) = %q still holds %q", text, out, encoded)
		}

		// Text that cannot hold the secret (not as sent, and none of the
		// bytes an encoding starts with) is left exactly as it is.
		if !strings.Contains(prefix, secret) && !strings.ContainsAny(prefix, `\%&+`) &&
			!strings.Contains(prefix, "other-secret") {
			if out := r.String(prefix); out != prefix {
				t.Fatalf("String(%q) = %q, changed text without a secret", prefix, out)
			}
		}
	})
}
