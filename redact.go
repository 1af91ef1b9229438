package loremup

import (
	"bytes"
	"strings"
)

// redacted stands in for a secret wherever a value is printed or logged.
const redacted = "[REDACTED]"

// minSecretLen is the shortest secret replaced in server-supplied text:
// replacing every "a" of an error message for a one-letter password would
// make the message useless and hide nothing worth hiding.
const minSecretLen = 3

// redactString replaces every secret in s, for text the server sent back
// (an error detail may echo what it was given).
func redactString(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= minSecretLen && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	return s
}

func redactBytes(b []byte, secrets []string) []byte {
	for _, sec := range secrets {
		if len(sec) >= minSecretLen && bytes.Contains(b, []byte(sec)) {
			b = bytes.ReplaceAll(b, []byte(sec), []byte(redacted))
		}
	}
	return b
}

func redactObject(o *ErrorObject, secrets []string) {
	o.Status = redactString(o.Status, secrets)
	o.Code = redactString(o.Code, secrets)
	o.Title = redactString(o.Title, secrets)
	o.Detail = redactString(o.Detail, secrets)
	if o.Source != nil {
		o.Source.Pointer = redactString(o.Source.Pointer, secrets)
		o.Source.Parameter = redactString(o.Source.Parameter, secrets)
		o.Source.Header = redactString(o.Source.Header, secrets)
	}
}
