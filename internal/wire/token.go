package wire

import "errors"

// ErrBadToken is why CheckToken refuses a token. It never holds the token.
var ErrBadToken = errors.New("API token must be printable ASCII without whitespace, quotes, commas, semicolons or backslashes")

// TokenForbidden lists the printable bytes a token may not hold: Rails
// splits the Authorization header's parameters at ',' ';' and tab and
// strips quotes, so a token holding one of these can never authenticate.
const TokenForbidden = `"',;\`

// CheckToken is the one token rule of the SDK, the fake and the API
// description: a non-empty run of printable ASCII without whitespace,
// quotes, commas, semicolons or backslashes.
func CheckToken(tok string) error {
	if tok == "" {
		return errors.New("API token must not be empty")
	}
	for i := 0; i < len(tok); i++ {
		if !tokenByte(tok[i]) {
			return ErrBadToken
		}
	}
	return nil
}

// tokenByte reports whether b may appear in a token.
func tokenByte(b byte) bool {
	if b <= ' ' || b >= 0x7f {
		return false
	}
	for i := 0; i < len(TokenForbidden); i++ {
		if TokenForbidden[i] == b {
			return false
		}
	}
	return true
}

// TokenPattern is CheckToken as a regular expression, for the API
// description (a test keeps the two in agreement).
const TokenPattern = `^[!#-&(-+\--:<-\[\]-~]+$`
