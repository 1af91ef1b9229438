package loremup

import (
	"bytes"
	"encoding/json"
	"mime"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/loremup/loremup-go/internal/wire"
)

// maxTextDetail bounds the Detail taken from a plain-text error body.
const maxTextDetail = 200

// maxShortText bounds the bodies read as text whatever their
// Content-Type: a bare message (Devise's failure app answers "Invalid
// Email or password." labelled application/vnd.api+json) is short; a
// longer body that is neither JSON nor HTML is kept raw only.
const maxShortText = 1 << 10

// parseErrorBody normalises the error bodies a LoremUp server (a Rails
// app), or a proxy in front of it, may send into JSON:API error objects.
// Besides the JSON:API document it reads:
//
//   - {"errors": {"email": ["is invalid"]}}: one object per message,
//     Source.Pointer "/form/<field>", Detail the message;
//   - {"email": ["is invalid"]} (a model's errors rendered as they are: an
//     object whose values are all arrays of strings), the same way;
//   - {"errors": ["Email is invalid", ...]}: one object per message;
//   - {"error": "message"} or {"message": "message"}: one object, with
//     Status taken from a "status" member (Rails' exception answer
//     {"status": 400, "error": "Bad Request"});
//   - a text/plain body (Rails' "HTTP Token: Access denied."), or a short
//     body that is neither JSON nor HTML whatever its Content-Type says
//     (Devise's "Invalid Email or password."): one object whose Detail is
//     the first line, cut at maxTextDetail bytes.
//
// A JSON:API pointer is kept exactly as the server sent it. Anything else
// (HTML, empty, other JSON) gives no objects.
func parseErrorBody(contentType string, body []byte) []ErrorObject {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && mt == "text/plain" {
		return parseTextError(body)
	}
	if len(body) <= maxShortText && isText(body) {
		return parseTextError(body)
	}
	if body[0] != '{' {
		return nil
	}
	// The JSON:API document, the documented shape, takes one decode.
	var doc wire.ErrorDocument
	if json.Unmarshal(body, &doc) == nil && len(doc.Errors) > 0 {
		objs := make([]ErrorObject, len(doc.Errors))
		for i, w := range doc.Errors {
			objs[i] = fromWire(w)
		}
		return objs
	}
	members, ok := objectMembers(body)
	if !ok {
		return nil
	}
	var errs, errMsg, message, status json.RawMessage
	for _, m := range members {
		switch m.name {
		case "errors":
			errs = m.value
		case "error":
			errMsg = m.value
		case "message":
			message = m.value
		case "status":
			status = m.value
		}
	}
	if objs := parseErrorsMember(errs); len(objs) > 0 {
		return objs
	}
	for _, raw := range []json.RawMessage{errMsg, message} {
		var msg string
		if json.Unmarshal(raw, &msg) == nil && msg != "" {
			o := ErrorObject{Detail: msg}
			var st wire.LooseString
			if json.Unmarshal(status, &st) == nil {
				o.Status = string(st)
			}
			return []ErrorObject{o}
		}
	}
	if errs == nil && errMsg == nil && message == nil {
		return parseFieldErrors(members, false)
	}
	return nil
}

// isText reports whether body reads as a bare message: UTF-8 without
// control characters besides line breaks and tabs, and not the start of
// a JSON or HTML document (a cut one included).
func isText(body []byte) bool {
	switch body[0] {
	case '{', '[', '<', '"':
		return false
	}
	if !utf8.Valid(body) {
		return false
	}
	for _, r := range string(body) {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return !json.Valid(body)
}

// parseTextError reads a plain-text answer: its first non-blank line,
// bounded, with control characters dropped so it cannot break a log line
// or a terminal.
func parseTextError(body []byte) []ErrorObject {
	s := strings.ToValidUTF8(string(body), "\uFFFD")
	for _, line := range strings.Split(s, "\n") {
		line = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, line)
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if len(line) > maxTextDetail {
			cut := maxTextDetail
			for cut > 0 && !utf8.RuneStart(line[cut]) {
				cut--
			}
			line = line[:cut] + "…"
		}
		return []ErrorObject{{Detail: line}}
	}
	return nil
}

// member is one name/value pair of a JSON object, in document order.
type member struct {
	name  string
	value json.RawMessage
}

// objectMembers splits a JSON object into its members in document order,
// so the first error a person sees is the server's first.
func objectMembers(raw []byte) ([]member, bool) {
	if !json.Valid(raw) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		name, _ := tok.(string)
		var val json.RawMessage
		if dec.Decode(&val) != nil {
			return nil, false
		}
		out = append(out, member{name: name, value: val})
	}
	return out, true
}

func parseErrorsMember(raw json.RawMessage) []ErrorObject {
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case '[':
		return parseErrorArray(raw)
	case '{':
		members, ok := objectMembers(raw)
		if !ok {
			return nil
		}
		return parseFieldErrors(members, true)
	}
	return nil
}

// parseErrorArray reads a JSON:API "errors" array; plain strings in it
// become objects with only Detail set.
func parseErrorArray(raw json.RawMessage) []ErrorObject {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	objs := make([]ErrorObject, 0, len(items))
	for _, item := range items {
		var s string
		if json.Unmarshal(item, &s) == nil {
			if s != "" {
				objs = append(objs, ErrorObject{Detail: s})
			}
			continue
		}
		var w wire.ErrorObject
		if json.Unmarshal(item, &w) != nil {
			continue
		}
		objs = append(objs, fromWire(w))
	}
	return objs
}

// parseFieldErrors reads {"field": ["msg", ...], ...}. Inside an "errors"
// member a single string is accepted too ({"email": "is invalid"}); at the
// top level every value must be an array of strings, so that an arbitrary
// JSON answer ({"ok": false}) is not mistaken for field errors.
func parseFieldErrors(members []member, lenient bool) []ErrorObject {
	if len(members) == 0 {
		return nil
	}
	var objs []ErrorObject
	for _, m := range members {
		var msgs []string
		if json.Unmarshal(m.value, &msgs) != nil || bytes.Equal(m.value, []byte("null")) {
			var one string
			if !lenient || json.Unmarshal(m.value, &one) != nil {
				if lenient {
					continue
				}
				return nil
			}
			msgs = []string{one}
		}
		pointer := "/form/" + escapePointer(m.name)
		for _, msg := range msgs {
			objs = append(objs, ErrorObject{Detail: msg, Source: &ErrorSource{Pointer: pointer}})
		}
	}
	return objs
}

// escapePointer escapes a JSON Pointer reference token (RFC 6901).
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// fromWire takes over w's Source rather than copying it: w is a decoded
// document nothing else holds, and the two types differ only in their
// JSON tags.
func fromWire(w wire.ErrorObject) ErrorObject {
	return ErrorObject{
		Status: string(w.Status),
		Code:   string(w.Code),
		Title:  w.Title,
		Detail: w.Detail,
		Source: (*ErrorSource)(w.Source),
	}
}
