package fake

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loremup/loremup-go/internal/wire"
)

// This file is the Sessions API itself: the API's order of checks
// and the session state behind Create (log in) and Delete (log out).

// preflight runs the checks both operations share: gate's, then 3. the
// body: Content-Type, size, JSON syntax (400), a JSON object, form_name
// (406). It answers and returns false on the first that fails, else the
// body's members.
func (h *Handler) preflight(e *exchange, forms []string) (map[string]json.RawMessage, bool) {
	if !h.gate(e) {
		return nil, false
	}
	switch {
	case !wire.JSONContentType(e.r.Header.Get("Content-Type")):
		h.fail(e, http.StatusNotAcceptable, "unsupported_content_type",
			"Content-Type must be "+wire.MediaTypeJSON, &wire.ErrorSource{Header: "Content-Type"})
		return nil, false
	case errors.Is(e.bodyErr, errBodyTooLarge):
		h.fail(e, http.StatusNotAcceptable, "too_large", "the request body is larger than this server reads", nil)
		return nil, false
	case e.bodyErr != nil:
		h.fail(e, http.StatusNotAcceptable, "unreadable", "the request body could not be read", nil)
		return nil, false
	case len(e.body) > 0 && (!json.Valid(e.body) || !utf8.Valid(e.body)):
		// Rails' JSON parser fails before the action runs: 400.
		h.fail(e, http.StatusBadRequest, "invalid_json", "the request body is not valid JSON", nil)
		return nil, false
	}
	obj, ok := jsonObject(e.body)
	if !ok {
		h.fail(e, http.StatusNotAcceptable, "invalid_body", "the request body must be a JSON object", nil)
		return nil, false
	}
	var name string // absent, null or not a string: refused alike
	if json.Unmarshal(obj["form_name"], &name) != nil || name == "" {
		h.fail(e, http.StatusNotAcceptable, "invalid_form_name", "form_name must be a non-empty string",
			&wire.ErrorSource{Pointer: "/form_name"})
		return nil, false
	}
	if !slices.Contains(forms, name) {
		h.fail(e, http.StatusNotAcceptable, "unknown_form_name", "form_name names no form configuration of this operation",
			&wire.ErrorSource{Pointer: "/form_name"})
		return nil, false
	}
	return obj, true
}

// gate is what a Rails app's ApplicationController checks on every
// endpoint, in order: the API token (401, Rails' plain-text refusal),
// then Accept (406). It answers and returns false on the first that
// fails.
func (h *Handler) gate(e *exchange) bool {
	if !h.authorized(e.r.Header.Get("Authorization")) {
		e.w.Header().Set("WWW-Authenticate", wire.UnauthorizedChallenge)
		h.writeRaw(e, http.StatusUnauthorized, wire.ContentTypeText, []byte(wire.UnauthorizedBody))
		return false
	}
	if !wire.Acceptable(e.r.Header.Values("Accept")) {
		h.fail(e, http.StatusNotAcceptable, "not_acceptable",
			"Accept must name "+wire.MediaTypeJSONAPI+" or "+wire.MediaTypeJSON+" (a browser-like list with */* is not enough)",
			&wire.ErrorSource{Header: "Accept"})
		return false
	}
	return true
}

// jsonObject decodes data as exactly one JSON object (no trailing data).
func jsonObject(data []byte) (map[string]json.RawMessage, bool) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil, false // also refuses "null", which would decode to a nil map
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return nil, false
	}
	return obj, true
}

// create is POST /api/sessions: the shared checks, then 4. field
// validation (422), 5. credentials (401), then a new session (201).
func (h *Handler) create(e *exchange) {
	obj, ok := h.preflight(e, h.cfg.CreateFormNames)
	if !ok {
		return
	}
	form, ok := jsonObject(obj["form"])
	if !ok || len(form) == 0 { // params.require refuses an empty hash as a missing one
		h.fail(e, http.StatusNotAcceptable, "invalid_form", "form must be an object holding email and password",
			&wire.ErrorSource{Pointer: "/form"})
		return
	}
	email, emailErr := formField("email", form["email"])
	password, passwordErr := formField("password", form["password"])
	if errs := slices.Concat(emailErr, passwordErr); len(errs) > 0 {
		h.writeJSON(e, http.StatusUnprocessableEntity, wire.ErrorDocument{Errors: errs})
		return
	}
	ok = h.knows(email, password)
	if h.policy.lockedOut(email, ok) {
		h.fail(e, http.StatusUnauthorized, "locked", "this account is locked after too many failed logins", nil)
		return
	}
	if !ok {
		h.fail(e, http.StatusUnauthorized, "invalid_credentials", "e-mail or password is not known", nil)
		return
	}

	id := h.sessions.start(email)
	http.SetCookie(e.w, newSessionCookie(id))
	h.writeRaw(e, http.StatusCreated, wire.ContentTypeJSONAPI, []byte(`{}`))
}

// delete is DELETE /api/sessions: the shared checks, then it ends the
// session its cookie names (if live) and expires the cookie: 204 either
// way, so logging out twice is not an error.
func (h *Handler) delete(e *exchange) {
	if _, ok := h.preflight(e, h.cfg.DeleteFormNames); !ok {
		return
	}
	for _, c := range e.r.Cookies() {
		if c.Name == CookieName {
			h.EndSession(c.Value)
		}
	}
	gone := newSessionCookie("")
	gone.MaxAge, gone.Expires = -1, time.Unix(0, 0)
	http.SetCookie(e.w, gone)
	e.status = http.StatusNoContent
	e.w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) knows(email, password string) bool {
	h.usersMu.RLock()
	want, ok := h.users[strings.ToLower(email)]
	h.usersMu.RUnlock()
	// Compare even for an unknown user, so timing tells nothing either way.
	match := subtle.ConstantTimeCompare([]byte(password), []byte(want)) == 1
	return ok && match
}

// formField validates form member name as a Rails model most likely
// does: presence (Rails' blank?: absent, null, "" and all-whitespace
// strings are blank), then for the e-mail Devise's default format. Like
// Rails' validations both run, so a blank e-mail gives two errors.
func formField(name string, raw json.RawMessage) (string, []wire.ErrorObject) {
	var s string
	err := json.Unmarshal(raw, &s)                                                                            // null gives ""; absent (empty raw) fails
	invalid := func() wire.ErrorObject { return fieldError(name, "invalid", name+" is not a valid address") } // only on failure
	switch {
	case len(raw) == 0 || err == nil && strings.TrimSpace(s) == "":
		errs := []wire.ErrorObject{fieldError(name, "blank", name+" can't be blank")}
		if name == "email" {
			errs = append(errs, invalid())
		}
		return "", errs
	case err != nil:
		return "", []wire.ErrorObject{fieldError(name, "invalid", name+" must be a string")}
	case name == "email" && !IsAddress(s):
		return "", []wire.ErrorObject{invalid()}
	}
	return s, nil
}

// IsAddress is Devise's default e-mail check, \A[^@\s]+@[^@\s]+\z: one
// @ with something on both sides, and no whitespace.
func IsAddress(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.Contains(domain, "@") &&
		!strings.ContainsAny(s, " \t\n\v\f\r")
}

func fieldError(field, code, detail string) wire.ErrorObject {
	return wire.ErrorObject{
		Status: "422",
		Code:   wire.LooseString(code),
		Title:  http.StatusText(http.StatusUnprocessableEntity),
		Detail: detail,
		Source: &wire.ErrorSource{Pointer: "/form/" + field},
	}
}
