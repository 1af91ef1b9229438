package fake

import (
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/loremup/loremup-go/internal/wire"
)

// This file reads the parts of a request that come before its meaning:
// the request id, the body (bounded), the API token, and the Accept and
// Content-Type headers.

var errBodyTooLarge = errors.New("body too large")

// readBody reads at most limit bytes of the body. A longer body gives
// errBodyTooLarge and, through http.MaxBytesReader, makes the server
// close the connection after answering instead of draining the rest.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return data, errBodyTooLarge
	}
	return data, err
}

// maxRequestIDLen is Rails' limit on an X-Request-Id it adopts.
const maxRequestIDLen = 255

// requestID adopts the client's X-Request-Id the way Rails does (word
// characters, '-' and '@' kept, at most 255), or makes a new UUID.
func requestID(given string) string {
	var b strings.Builder
	for i := 0; i < len(given) && b.Len() < maxRequestIDLen; i++ {
		c := given[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '@' {
			b.WriteByte(c)
		}
	}
	if b.Len() > 0 {
		return b.String()
	}
	u := []byte(randomHex(16))
	u[12] = '4'                       // version 4 (random)
	u[16] = "89ab"[hexValue(u[16])%4] // RFC 9562 variant
	return string(u[0:8]) + "-" + string(u[8:12]) + "-" + string(u[12:16]) + "-" + string(u[16:20]) + "-" + string(u[20:32])
}

func hexValue(c byte) byte {
	if c >= 'a' {
		return c - 'a' + 10
	}
	return c - '0'
}

// authorized reports whether the Authorization header carries the API
// token, as "Token token=abc" or "Token token=\"abc\"" (scheme matched
// case-insensitively; further parameters, as Rails allows, are ignored).
func (h *Handler) authorized(r *http.Request) bool {
	tok, ok := tokenFrom(r.Header.Get("Authorization"))
	return ok && subtle.ConstantTimeCompare([]byte(tok), []byte(h.token)) == 1
}

// tokenFrom extracts the token parameter of a Rails token-auth header.
// Rails splits the parameters at ',', ';' and tabs.
func tokenFrom(header string) (string, bool) {
	scheme, params, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Token") {
		return "", false
	}
	for _, p := range strings.FieldsFunc(params, func(r rune) bool { return r == ',' || r == ';' || r == '\t' }) {
		name, value, ok := strings.Cut(p, "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "token") {
			continue
		}
		value = strings.TrimSpace(value)
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		}
		return value, value != ""
	}
	return "", false
}

// offered are the media types the fake can answer in.
var offered = [...]string{wire.MediaTypeJSONAPI, wire.MediaTypeJSON}

// acceptable reports whether the Accept header values admit JSON:API or
// JSON. Each offered type takes the q of the most specific range that
// matches it (exact, then type/*, then */*), so "application/json;q=0,
// */*" still admits JSON:API. A missing or empty header admits anything;
// ranges that do not parse, or whose q is not a number in [0, 1], are
// ignored; media type parameters other than q do not matter.
func acceptable(values []string) bool {
	joined := strings.Join(values, ",")
	if strings.TrimSpace(joined) == "" {
		return true
	}
	var bestSpec [len(offered)]int
	var bestQ [len(offered)]float64
	for _, part := range strings.Split(joined, ",") {
		typ, sub, q, ok := parseMediaRange(part)
		if !ok {
			continue
		}
		for i, o := range offered {
			spec := matchSpecificity(typ, sub, o)
			switch {
			case spec == 0:
			case spec > bestSpec[i]:
				bestSpec[i], bestQ[i] = spec, q
			case spec == bestSpec[i]:
				bestQ[i] = max(bestQ[i], q)
			}
		}
	}
	for i := range offered {
		if bestSpec[i] > 0 && bestQ[i] > 0 {
			return true
		}
	}
	return false
}

func parseMediaRange(s string) (typ, sub string, q float64, ok bool) {
	mt, params, _ := strings.Cut(s, ";")
	typ, sub, ok = strings.Cut(strings.ToLower(strings.TrimSpace(mt)), "/")
	if !ok || typ == "" || sub == "" || strings.ContainsAny(typ+sub, " \t/") || (typ == "*" && sub != "*") {
		return "", "", 0, false
	}
	q = 1
	for _, p := range strings.Split(params, ";") {
		name, value, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || !(v >= 0 && v <= 1) { // written so that NaN fails too
			return "", "", 0, false
		}
		q = v
	}
	return typ, sub, q, true
}

// matchSpecificity is 0 when the range does not match mediaType, else 3
// for an exact match, 2 for type/*, 1 for */*.
func matchSpecificity(typ, sub, mediaType string) int {
	mt, ms, _ := strings.Cut(mediaType, "/")
	switch {
	case typ == "*" && sub == "*":
		return 1
	case typ == mt && sub == "*":
		return 2
	case typ == mt && sub == ms:
		return 3
	}
	return 0
}

// jsonContentType reports whether a request's Content-Type lets its body
// be read as JSON: absent (read as JSON anyway), application/json, or any
// application/*+json such as application/vnd.api+json. A Rails server
// would not parse a body sent as text/plain or a form as JSON at all.
func jsonContentType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "" || mt == wire.MediaTypeJSON ||
		strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}
