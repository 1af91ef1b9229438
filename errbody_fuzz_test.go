package loremup

import (
	"testing"
	"unicode/utf8"
)

func FuzzParseErrorBody(f *testing.F) {
	for _, seed := range []string{
		`{"errors":[{"status":"422","code":"invalid","title":"t","detail":"d","source":{"pointer":"/form/email"}}]}`,
		`{"errors":[{"status":401}]}`,
		`{"errors":{"email":["is invalid"],"password":"blank"}}`,
		`{"errors":["a","b"]}`,
		`{"error":"x"}`,
		`{"message":"y"}`,
		`<html></html>`,
		``,
		`{"errors":{"a/b~c":[1,"x",null]}}`,
		`{"email":["is invalid"]}`,
		`{"status":400,"error":"Bad Request"}`,
	} {
		f.Add("application/json", []byte(seed))
	}
	f.Add("text/plain; charset=utf-8", []byte("HTTP Token: Access denied.\n"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		objs := parseErrorBody(contentType, body)
		total := 0
		for _, o := range objs {
			total += len(o.Status) + len(o.Code) + len(o.Title) + len(o.Detail)
			if o.Source != nil {
				total += len(o.Source.Pointer) + len(o.Source.Parameter) + len(o.Source.Header) - len("/form/")
			}
		}
		// Decoded text is at most three times the input: escapes only
		// shrink, a pointer token may double "~" and "/", and a byte that
		// is not UTF-8 becomes U+FFFD (3 bytes). So the parser cannot
		// amplify a body beyond a small multiple of the read cap.
		if total > 3*len(body)+len("…") {
			t.Fatalf("parsed %d bytes of text from a %d-byte body", total, len(body))
		}
		if len(objs) > len(body) {
			t.Fatalf("%d objects from %d bytes", len(objs), len(body))
		}
		for _, o := range objs {
			if !utf8.ValidString(o.Detail) {
				t.Fatalf("invalid UTF-8 detail %q", o.Detail)
			}
		}
	})
}
