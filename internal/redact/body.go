package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strings"
)

// formPassword is a password field of an x-www-form-urlencoded body.
var formPassword = regexp.MustCompile(`((?:^|&)[^=&]*password[^=&]*=)[^&]*`)

// Body hides the secrets of a request body a client sent: the value of
// every member whose name holds "password" (any case, any depth) of a
// JSON body, keeping every other byte as sent, or of every password field
// of a form body, whatever their length; then the Set's secrets anywhere.
func (r *Set) Body(body []byte) []byte {
	if len(body) == 0 {
		return body
	}
	if out, ok := jsonPasswords(body); ok {
		body = out
	} else if formPassword.Match(body) {
		body = formPassword.ReplaceAll(body, []byte("${1}"+Marker))
	}
	return r.Bytes(body)
}

// jsonPasswords replaces the value of every object member whose
// name contains "password" (any case, at any depth) with "[REDACTED]";
// ok is false when body is not one JSON value.
func jsonPasswords(body []byte) ([]byte, bool) {
	if !json.Valid(body) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	type span struct{ start, end int64 }
	type frame struct{ object, expectKey bool }
	var spans []span
	var stack []frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				stack = append(stack, frame{object: d == '{', expectKey: d == '{'})
				continue
			}
			stack = stack[:len(stack)-1]
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].expectKey = true // the container was a member's value
			}
			continue
		}
		n := len(stack)
		if n == 0 || !stack[n-1].object {
			continue // a scalar document, or an array element
		}
		top := &stack[n-1]
		if !top.expectKey {
			top.expectKey = true // a member's scalar value
			continue
		}
		top.expectKey = false
		if key, _ := tok.(string); strings.Contains(strings.ToLower(key), "password") {
			start := valueStart(body, dec.InputOffset())
			end, ok := skipValue(dec)
			if !ok {
				return nil, false
			}
			spans = append(spans, span{start, end})
			top.expectKey = true
		}
	}
	if len(spans) == 0 {
		return body, true
	}
	var out bytes.Buffer
	prev := int64(0)
	for _, s := range spans {
		out.Write(body[prev:s.start])
		out.WriteString(`"` + Marker + `"`)
		prev = s.end
	}
	out.Write(body[prev:])
	return out.Bytes(), true
}

// valueStart finds where the value after a member name begins: past
// whitespace and the colon.
func valueStart(body []byte, off int64) int64 {
	for off < int64(len(body)) {
		switch body[off] {
		case ' ', '\t', '\r', '\n', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// skipValue reads one whole value from dec and returns the offset just
// past it.
func skipValue(dec *json.Decoder) (int64, bool) {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return 0, false
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return dec.InputOffset(), true
		}
	}
}
