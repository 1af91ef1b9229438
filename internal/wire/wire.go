// Package wire holds the LoremUp Sessions API's wire shapes: paths, media
// types, header formats and JSON bodies. The SDK and the fake server both
// use it, so the two cannot disagree about what goes over the wire.
package wire

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// SessionsPath is the path of both operations, relative to the base URL.
const SessionsPath = "/api/sessions"

// Media types of the API.
const (
	MediaTypeJSONAPI = "application/vnd.api+json"
	MediaTypeJSON    = "application/json"
	// Accept is what the SDK sends: JSON:API first, plain JSON as the
	// fallback the seed's examples use.
	Accept = MediaTypeJSONAPI + ", " + MediaTypeJSON
)

// Form names used by the vendor's reference page; the fake accepts them by
// default.
const (
	DefaultCreateFormName = "reference_rest_api_create_sessions"
	DefaultDeleteFormName = "reference_rest_api_delete_sessions"
)

// RequestIDHeader carries the request id of an answer (Rails' name; the
// SDK also reads the names proxies use).
const RequestIDHeader = "X-Request-Id"

// AuthorizationValue formats the Rails token-auth header value.
func AuthorizationValue(token string) string {
	return "Token token=" + token
}

// SessionForm is the "form" member of a Create body.
type SessionForm struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// CreateRequest is the body of POST /api/sessions.
type CreateRequest struct {
	FormName string      `json:"form_name"`
	Form     SessionForm `json:"form"`
}

// DeleteRequest is the body of DELETE /api/sessions.
type DeleteRequest struct {
	FormName string `json:"form_name"`
}

// ErrorDocument is a JSON:API error document.
type ErrorDocument struct {
	Errors []ErrorObject `json:"errors"`
}

// ErrorObject is one JSON:API error object. Status is a string on the wire
// (JSON:API's rule); LooseString also accepts numbers from lax servers.
type ErrorObject struct {
	Status LooseString  `json:"status"`
	Code   LooseString  `json:"code,omitempty"`
	Title  string       `json:"title,omitempty"`
	Detail string       `json:"detail,omitempty"`
	Source *ErrorSource `json:"source,omitempty"`
}

// ErrorSource points at the part of the request an error is about.
type ErrorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Header    string `json:"header,omitempty"`
}

// LooseString is a string that also decodes from a JSON number, because
// servers that break JSON:API's "status is a string" rule are common.
type LooseString string

// UnmarshalJSON accepts a JSON string, number, or null.
func (s *LooseString) UnmarshalJSON(b []byte) error {
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && !bytes.ContainsAny(b[1:n-1], "\\\"") && utf8.Valid(b[1:n-1]) {
		// A string without escapes, the usual "422": no second decode.
		*s = LooseString(b[1 : n-1])
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = LooseString(v)
		return nil
	}
	if string(b) == "null" {
		*s = ""
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*s = LooseString(n)
	return nil
}

// NewError builds the single-object error document the fake server sends.
func NewError(status int, code, title, detail, pointer string) ErrorDocument {
	obj := ErrorObject{
		Status: LooseString(strconv.Itoa(status)),
		Code:   LooseString(code),
		Title:  title,
		Detail: detail,
	}
	if pointer != "" {
		obj.Source = &ErrorSource{Pointer: pointer}
	}
	return ErrorDocument{Errors: []ErrorObject{obj}}
}
