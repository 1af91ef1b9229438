package loremup

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/loremup/loremup-go/internal/wire"
)

// parseErrorBody normalises the error bodies a LoremUp server (or a proxy
// in front of it) may send into JSON:API error objects. The real server's
// error body is undocumented, so besides JSON:API it reads:
//
//   - Rails style {"errors": {"email": ["is invalid"]}}: one object per
//     message, Source.Pointer "/form/<field>", Detail the message;
//   - {"errors": ["message", ...]}: one object per message;
//   - {"error": "message"} or {"message": "message"}: one object.
//
// Anything else (HTML, text, empty, other JSON) gives no objects.
func parseErrorBody(body []byte) []ErrorObject {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil
	}
	// The JSON:API document is the documented shape: one decode.
	var doc wire.ErrorDocument
	if json.Unmarshal(body, &doc) == nil && len(doc.Errors) > 0 {
		objs := make([]ErrorObject, len(doc.Errors))
		for i, w := range doc.Errors {
			objs[i] = fromWire(w)
		}
		return objs
	}
	var top struct {
		Errors  json.RawMessage `json:"errors"`
		Error   json.RawMessage `json:"error"`
		Message json.RawMessage `json:"message"`
	}
	if json.Unmarshal(body, &top) != nil {
		return nil
	}
	if objs := parseErrorsMember(top.Errors); len(objs) > 0 {
		return objs
	}
	for _, raw := range []json.RawMessage{top.Error, top.Message} {
		var msg string
		if json.Unmarshal(raw, &msg) == nil && msg != "" {
			return []ErrorObject{{Detail: msg}}
		}
	}
	return nil
}

func parseErrorsMember(raw json.RawMessage) []ErrorObject {
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case '[':
		return parseErrorArray(raw)
	case '{':
		return parseRailsErrors(raw)
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

// parseRailsErrors reads {"field": ["msg", ...] | "msg", ...} in document
// order, so the first error a person sees is the server's first.
func parseRailsErrors(raw json.RawMessage) []ErrorObject {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // the opening brace
		return nil
	}
	var objs []ErrorObject
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return objs
		}
		field, _ := tok.(string)
		var val json.RawMessage
		if dec.Decode(&val) != nil {
			return objs
		}
		var msgs []string
		if json.Unmarshal(val, &msgs) != nil {
			var one string
			if json.Unmarshal(val, &one) != nil {
				continue
			}
			msgs = []string{one}
		}
		pointer := "/form/" + escapePointer(field)
		for _, m := range msgs {
			objs = append(objs, ErrorObject{Detail: m, Source: &ErrorSource{Pointer: pointer}})
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

func fromWire(w wire.ErrorObject) ErrorObject {
	o := ErrorObject{
		Status: string(w.Status),
		Code:   string(w.Code),
		Title:  w.Title,
		Detail: w.Detail,
	}
	if w.Source != nil {
		s := ErrorSource(*w.Source)
		o.Source = &s
	}
	return o
}
