package loremup

import (
	"net/http"
	"strings"

	"github.com/loremup/loremup-go/internal/redact"
)

// This file says which of the SDK's values are secrets, for the engine in
// internal/redact that hides them: the API token, the password, and the
// values of the cookies a request carried.

// callSecrets lists what must not reach an error or a log line of a call
// to /api/sessions: the token, the password (if any) and the values of the
// cookies sent. Built only for errors and logs of failures.
func (c *Client) callSecrets(st *callState) *redact.Set {
	r := redact.New(c.token, st.password)
	for _, ck := range st.cookies {
		r.Add(ck.Value)
	}
	return r
}

// appSecrets lists what must not reach the error of a request to the
// app: the API token and the values of the cookies the request carries.
func (c *Client) appSecrets(req *http.Request) *redact.Set {
	r := redact.New(c.token)
	for _, ck := range req.Cookies() {
		r.Add(ck.Value)
	}
	return r
}

// redactObject hides secrets in a parsed error object. A JSON pointer's
// reference tokens that name a member of the request or of a JSON:API
// document ("/form/email", "/data/attributes/password") say where the
// error is, not what was sent, and are kept even when a secret happens to
// equal them; any other token holding a secret is hidden.
func redactObject(r *redact.Set, o *ErrorObject) {
	o.Status = r.String(o.Status)
	o.Code = r.String(o.Code)
	o.Title = r.String(o.Title)
	o.Detail = r.String(o.Detail)
	if o.Source != nil {
		o.Source.Pointer = redactPointer(r, o.Source.Pointer)
		o.Source.Parameter = r.String(o.Source.Parameter)
		o.Source.Header = r.String(o.Source.Header)
	}
}

func redactPointer(r *redact.Set, p string) string {
	if p == "" || r.String(p) == p {
		return p
	}
	tokens := strings.Split(p, "/")
	for i, tok := range tokens {
		if !structuralToken(tok) {
			tokens[i] = r.String(tok)
		}
	}
	return strings.Join(tokens, "/")
}

// structuralToken reports whether a pointer token names a member of the
// login or logout body or of a JSON:API document, or is an array index.
func structuralToken(tok string) bool {
	switch tok {
	case "", "form_name", "form", "email", "password", "data", "attributes":
		return true
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return false
		}
	}
	return true
}

// withoutEchoedSecrets drops the cookies whose name holds the API token
// or the password: a Session shows its cookie names when printed, logged
// or encoded, and a server that echoes a credential into a cookie name
// is hostile or broken (no session cookie is named so). A secret shorter
// than redact.MinLen is matched as the whole name only.
func withoutEchoedSecrets(cookies []*http.Cookie, secrets ...string) []*http.Cookie {
	echoes := func(name string) bool {
		for _, s := range secrets {
			if s != "" && (name == s || len(s) >= redact.MinLen && strings.Contains(name, s)) {
				return true
			}
		}
		return false
	}
	for i, ck := range cookies {
		if !echoes(ck.Name) {
			continue
		}
		kept := append(make([]*http.Cookie, 0, len(cookies)-1), cookies[:i]...)
		for _, rest := range cookies[i+1:] {
			if !echoes(rest.Name) {
				kept = append(kept, rest)
			}
		}
		return kept
	}
	return cookies
}
