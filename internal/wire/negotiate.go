package wire

import (
	"strconv"
	"strings"
)

// Media types of the API.
const (
	MediaTypeJSONAPI = "application/vnd.api+json"
	MediaTypeJSON    = "application/json"
	MediaTypeText    = "text/plain"
	// Accept is what the SDK sends: JSON:API first, plain JSON as the
	// fallback the vendor's examples use.
	Accept = MediaTypeJSONAPI + ", " + MediaTypeJSON
	// ContentTypeJSONAPI is the Content-Type of every answer with a body,
	// with the charset parameter Rails adds.
	ContentTypeJSONAPI = MediaTypeJSONAPI + "; charset=utf-8"
	// ContentTypeText is the Content-Type of the token refusal.
	ContentTypeText = MediaTypeText + "; charset=utf-8"
)

// JSONContentType reports whether a request's Content-Type makes its body
// one the server reads: application/json, with any parameters (charset),
// compared case-insensitively. Rails parses only such bodies; one sent as
// application/vnd.api+json, text/plain or without a type reads as no
// parameters at all.
func JSONContentType(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mt), MediaTypeJSON)
}

// Acceptable reports whether the Accept header values (all lines, as
// received) admit an answer in JSON:API or JSON, the way a Rails
// controller with respond_to decides, on the strict side where Rails is
// lax:
//
//   - no Accept header, or a blank one, admits nothing (Rails reads it as
//     a browser asking for HTML);
//   - an Accept that lists "*/*" beside other types admits nothing (Rails
//     ignores such browser-like headers and answers HTML); "*/*" alone
//     admits both;
//   - otherwise each offered type takes the q of the most specific range
//     that matches it (exact, then type/*, then */*), and is admitted
//     when that q is above 0. Ranges that do not parse, or whose q is not
//     a number in [0, 1], are ignored; other parameters do not matter.
func Acceptable(values []string) bool {
	joined := strings.Join(values, ", ")
	if strings.TrimSpace(joined) == "" || browserLike(joined) {
		return false
	}
	offered := [...]string{MediaTypeJSONAPI, MediaTypeJSON}
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

// browserLike is Rails' BROWSER_LIKE_ACCEPTS, /,\s*\*\/\*|\*\/\*\s*,/: a
// "*/*" with a comma before or after it.
func browserLike(accept string) bool {
	for i := 0; ; {
		j := strings.Index(accept[i:], "*/*")
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len("*/*")
		before := strings.TrimRight(accept[:start], rubySpace)
		after := strings.TrimLeft(accept[end:], rubySpace)
		if strings.HasSuffix(before, ",") || strings.HasPrefix(after, ",") {
			return true
		}
		i = end
	}
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
