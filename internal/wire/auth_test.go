package wire_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/loremup/loremup-go/internal/wire"
)

func TestParseAuthorization_ReadsHeadersAsRailsDoes(t *testing.T) {
	tests := []struct {
		header string
		want   string
		ok     bool
	}{
		{`Token token=abc`, "abc", true},
		{`Token token="abc"`, "abc", true},
		{`Token abc`, "abc", true},
		{`Token "abc"`, "abc", true},
		{`Bearer abc`, "abc", true},
		{`Bearer token=abc`, "abc", true},
		{`Token  token=abc`, "abc", true},
		{"Token\ttoken=abc", "abc", true},
		{`Token token=abc  `, "abc", true},
		{`Token token="abc", nonce="x"`, "abc", true},
		{`Token token=abc;nonce=x`, "abc", true},
		{"Token token=abc\tnonce=x", "abc", true},
		{`Token , ; token=abc`, "abc", true}, // empty parameters are dropped
		{`Token token==abc`, "=abc", true},   // split at the first '='
		{`Token token="abc`, "abc", true},    // each quote is removed on its own
		{`Token token=abc"`, "abc", true},
		// The first parameter is the token whatever its name.
		{`Token realm=x, token=abc`, "realm=x", true},
		{`Token nonce="x"; token=abc`, `nonce="x`, true}, // the trailing quote goes too
		{`Token Token=abc`, "Token=abc", true},
		{`Token token = abc`, "token = abc", true}, // not "token=": the whole parameter is the value
		{`Token token=abc def`, "abc def", true},

		{`token token=abc`, "", false},
		{`TOKEN token=abc`, "", false},
		{`bearer abc`, "", false},
		{`Tokentoken=abc`, "", false},
		{`Token`, "", false},
		{`Token `, "", false},
		{`Token token=`, "", false},
		{`Token token=""`, "", false},
		{`Token token="`, "", false},
		{`Token token=  , x`, "", false},
		{`Basic YWJjOmRlZg==`, "", false},
		{`token=abc`, "", false},
		{` Token token=abc`, "", false},
		{``, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			got, ok := wire.ParseAuthorization(tt.header)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseAuthorization_ReadsWhatTheSDKSends(t *testing.T) {
	for _, tok := range []string{"abc", "tok_4f8a9c2e7b", "A-Z.0~9", "a=b"} {
		got, ok := wire.ParseAuthorization(wire.AuthorizationValue(tok))
		assert.True(t, ok, tok)
		assert.Equal(t, tok, got)
	}
}

func TestUnauthorizedAnswer_IsRailsDefault(t *testing.T) {
	assert.Equal(t, `Token realm="Application"`, wire.UnauthorizedChallenge)
	assert.Equal(t, "HTTP Token: Access denied.\n", wire.UnauthorizedBody)
	assert.Equal(t, "text/plain; charset=utf-8", wire.ContentTypeText)
	assert.Equal(t, "application/vnd.api+json; charset=utf-8", wire.ContentTypeJSONAPI)
}
