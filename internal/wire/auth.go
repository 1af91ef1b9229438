package wire

import "strings"

// The answer Rails' token authentication gives a request whose token is
// missing, unreadable or unknown (request_http_token_authentication with
// its defaults). A server built that way sends it byte for byte, so it is
// what the fake sends too.
const (
	// UnauthorizedChallenge is the WWW-Authenticate value of that answer.
	UnauthorizedChallenge = `Token realm="Application"`
	// UnauthorizedBody is its text/plain body, newline included.
	UnauthorizedBody = "HTTP Token: Access denied.\n"
)

// AuthorizationValue formats the Rails token-auth header value the SDK
// sends.
func AuthorizationValue(token string) string {
	return "Token token=" + token
}

// tokenKey is the name Rails gives the first parameter when it has none.
const tokenKey = "token="

// ParseAuthorization reads an Authorization header value the way Rails'
// token authentication does (ActionController::HttpAuthentication::Token),
// and returns the token and whether there is one:
//
//   - the value starts with the scheme "Token" or "Bearer", spelled
//     exactly so, followed by whitespace;
//   - the rest is split into parameters at ',', ';' and tab, each trimmed
//     of surrounding whitespace, empty ones dropped;
//   - the first parameter is the token, whatever its name: Rails names it
//     "token=" when it does not start so, then splits it at its first '='
//     ("Token abc" gives "abc"; "Token realm=x, token=abc" gives
//     "realm=x", which is no token a server issues);
//   - one leading and one trailing double quote are removed from the
//     value;
//   - a blank value is no token.
func ParseAuthorization(header string) (string, bool) {
	rest, ok := cutScheme(header)
	if !ok {
		return "", false
	}
	first := firstParam(rest)
	if !strings.HasPrefix(first, tokenKey) {
		first = tokenKey + first
	}
	_, value, _ := strings.Cut(first, "=")
	value = strings.TrimPrefix(value, `"`)
	value = strings.TrimSuffix(value, `"`)
	if strings.TrimSpace(value) == "" {
		return "", false
	}
	return value, true
}

// rubySpace is what Ruby's \s matches.
const rubySpace = " \t\n\v\f\r"

// cutScheme removes the scheme and the whitespace after it.
func cutScheme(header string) (string, bool) {
	for _, scheme := range [...]string{"Token", "Bearer"} {
		rest, ok := strings.CutPrefix(header, scheme)
		if ok && rest != "" && strings.ContainsRune(rubySpace, rune(rest[0])) {
			return strings.TrimLeft(rest, rubySpace), true
		}
	}
	return "", false
}

// firstParam returns the first non-empty parameter of params, split at
// ',', ';' and tab and trimmed as Ruby's String#strip trims.
func firstParam(params string) string {
	for _, p := range strings.FieldsFunc(params, func(r rune) bool { return r == ',' || r == ';' || r == '\t' }) {
		if p = strings.Trim(p, rubySpace+"\x00"); p != "" {
			return p
		}
	}
	return ""
}
