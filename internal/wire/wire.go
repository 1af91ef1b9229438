// Package wire is the one definition of the LoremUp Sessions API's wire
// rules: paths, media types, the Authorization grammar, Accept and
// Content-Type negotiation, the session cookie, body caps, form names and
// the JSON bodies. The SDK, the fake server and the checks of the OpenAPI
// description all use it, so they cannot disagree about what goes over
// the wire.
package wire

import (
	"encoding/json"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// SessionsPath is the path of both operations, relative to the base URL.
const SessionsPath = "/api/sessions"

// Form names used by the vendor's reference page; the fake accepts them by
// default.
const (
	DefaultCreateFormName = "reference_rest_api_create_sessions"
	DefaultDeleteFormName = "reference_rest_api_delete_sessions"
)

// RequestIDHeader carries the request id of an answer (Rails' name; the
// SDK also reads the names proxies use).
const RequestIDHeader = "X-Request-Id"

// CookieName is the name of the session cookie the fake sets on login, in
// the style of a Rails app's "_<app>_session".
const CookieName = "_loremup_session"

// DefaultMaxRequestBytes is how much of a request body the fake reads
// unless told otherwise; a longer body is answered 406.
const DefaultMaxRequestBytes = 64 << 10

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
	if v, ok := plainString(b); ok {
		// The usual "422": taken as it is, without a second decode (a
		// 422 with twenty error objects decodes forty of these).
		*s = LooseString(v)
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

// plainString returns the text of a JSON string literal that decodes to
// exactly its bytes: valid UTF-8 with no escape, quote or control
// character in it. Anything else needs the JSON decoder.
func plainString(b []byte) (string, bool) {
	n := len(b)
	if n < 2 || b[0] != '"' || b[n-1] != '"' {
		return "", false
	}
	in := b[1 : n-1]
	for _, c := range in {
		if c < ' ' || c == '"' || c == '\\' {
			return "", false
		}
	}
	if !utf8.Valid(in) {
		return "", false
	}
	return string(in), true
}

// NewError builds the single-object error document the fake server sends.
func NewError(status int, code, title, detail string, src *ErrorSource) ErrorDocument {
	return ErrorDocument{Errors: []ErrorObject{{
		Status: LooseString(strconv.Itoa(status)),
		Code:   LooseString(code),
		Title:  title,
		Detail: detail,
		Source: src,
	}}}
}

// Statuses returns the statuses a server answers an operation with on its
// own (method POST for Create, DELETE for Delete), in ascending order; nil
// for any other method, which has no route (404). Proxies and rate limits
// add 429, 502, 503 and 504.
func Statuses(method string) []int {
	switch method {
	case http.MethodPost:
		return []int{http.StatusCreated, http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotAcceptable, http.StatusUnprocessableEntity}
	case http.MethodDelete:
		return []int{http.StatusNoContent, http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotAcceptable}
	}
	return nil
}
