package fake

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenFrom_ReadsRailsTokenHeaders(t *testing.T) {
	tests := []struct {
		header string
		want   string
		ok     bool
	}{
		{`Token token=abc`, "abc", true},
		{`Token token="abc"`, "abc", true},
		{`token token=abc`, "abc", true},
		{`TOKEN token=abc`, "abc", true},
		{`Token  token=abc`, "abc", true},
		{`  Token token=abc  `, "abc", true},
		{`Token token="abc", nonce="x"`, "abc", true},
		{`Token nonce="x"; token=abc`, "abc", true},
		{`Token token = abc`, "abc", true},
		{`Token Token=abc`, "abc", true},
		{`Token abc`, "", false},
		{`Token token=`, "", false},
		{`Token token=""`, "", false},
		{`Bearer abc`, "", false},
		{`Bearer token=abc`, "", false},
		{`Basic YWJjOmRlZg==`, "", false},
		{`token=abc`, "", false},
		{``, "", false},
		{`Token`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			got, ok := tokenFrom(tt.header)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAcceptable_AdmitsJSONOrJSONAPIOnly(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   bool
	}{
		{"missing", nil, true},
		{"empty", []string{""}, true},
		{"blank", []string{"  "}, true},
		{"what the SDK sends", []string{"application/vnd.api+json, application/json"}, true},
		{"json:api", []string{"application/vnd.api+json"}, true},
		{"json", []string{"application/json"}, true},
		{"any", []string{"*/*"}, true},
		{"application wildcard", []string{"application/*"}, true},
		{"upper case", []string{"APPLICATION/JSON"}, true},
		{"json with charset", []string{"application/json; charset=utf-8"}, true},
		{"json:api with ext", []string{`application/vnd.api+json; ext="https://jsonapi.org/ext/atomic"`}, true},
		{"json with q", []string{"application/json;q=0.5"}, true},
		{"several header lines", []string{"text/html", "application/json"}, true},
		{"html only", []string{"text/html"}, false},
		{"xml only", []string{"application/xml"}, false},
		{"text wildcard", []string{"text/*"}, false},
		{"json q=0", []string{"application/json;q=0"}, false},
		{"both q=0", []string{"application/json;q=0, application/vnd.api+json;q=0.0"}, false},
		{"any q=0", []string{"*/*;q=0"}, false},
		{"exact q=0 beats wildcard", []string{"application/json;q=0, application/vnd.api+json;q=0, */*"}, false},
		{"json q=0 but any admits json:api", []string{"application/json;q=0, */*"}, true},
		{"application/* q=0 but json admitted", []string{"application/*;q=0, application/json"}, true},
		{"bad q ignored", []string{"application/json;q=abc"}, false},
		{"q above 1 ignored", []string{"application/json;q=2"}, false},
		{"NaN q ignored", []string{"application/json;q=NaN"}, false},
		{"garbage", []string{"garbage"}, false},
		{"half a range", []string{"application/"}, false},
		{"wildcard type only", []string{"*/json"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, acceptable(tt.values))
		})
	}
}

func TestJSONContentType(t *testing.T) {
	for ct, want := range map[string]bool{
		"":                                  true,
		"application/json":                  true,
		"application/json; charset=utf-8":   true,
		"Application/JSON":                  true,
		"application/vnd.api+json":          true,
		"text/plain":                        false,
		"application/x-www-form-urlencoded": false,
		"multipart/form-data; boundary=x":   false,
		"text/json+xml":                     false,
	} {
		assert.Equal(t, want, jsonContentType(ct), ct)
	}
}

func TestRequestID_AdoptsSanitisedClientIDOrMakesUUID(t *testing.T) {
	assert.Equal(t, "abc-123_x@y", requestID("abc-123_x@y"))
	assert.Equal(t, "abc", requestID("a<b>c"))
	assert.Len(t, requestID(strings.Repeat("a", 1000)), 255)

	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, given := range []string{"", "<>", "\r\n"} {
		id := requestID(given)
		assert.Regexp(t, uuid, id)
		assert.NotEqual(t, id, requestID(given), "ids are random")
	}
}

func TestValidateEmail(t *testing.T) {
	tests := []struct {
		raw  string // JSON value; "" means absent
		code string // "" means valid
	}{
		{`"ada@example.com"`, ""},
		{`"a@b"`, ""},
		{`"ADA+tag@Example.COM"`, ""},
		{``, "blank"},
		{`null`, "blank"},
		{`""`, "blank"},
		{`"   "`, "blank"},
		{`"ada"`, "invalid"},
		{`"ada@"`, "invalid"},
		{`"@example.com"`, "invalid"},
		{`"a@b@c"`, "invalid"},
		{`"ada @example.com"`, "invalid"},
		{`" ada@example.com"`, "invalid"},
		{`"ada@example.com\n"`, "invalid"},
		{`42`, "invalid"},
		{`["ada@example.com"]`, "invalid"},
		{`{"x":1}`, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			_, obj := validateEmail(json.RawMessage(tt.raw))
			if tt.code == "" {
				assert.Nil(t, obj)
				return
			}
			require.NotNil(t, obj)
			assert.EqualValues(t, tt.code, obj.Code)
			assert.EqualValues(t, "422", obj.Status)
			assert.Equal(t, "/form/email", obj.Source.Pointer)
		})
	}
}

func TestValidatePassword(t *testing.T) {
	for raw, code := range map[string]string{
		`"pw"`: "", `" x "`: "", ``: "blank", `null`: "blank", `""`: "blank", `" \t"`: "blank", `1`: "invalid", `true`: "invalid",
	} {
		_, obj := validatePassword(json.RawMessage(raw))
		if code == "" {
			assert.Nil(t, obj, raw)
			continue
		}
		if assert.NotNil(t, obj, raw) {
			assert.EqualValues(t, code, obj.Code, raw)
			assert.Equal(t, "/form/password", obj.Source.Pointer, raw)
		}
	}
}

func TestValidateToken(t *testing.T) {
	for tok, ok := range map[string]bool{
		"abc": true, "tok_4f8a9c2e7b": true, "A-Z.0~9": true,
		"": false, "a b": false, `a"b`: false, "a'b": false, "a,b": false, "a;b": false, `a\b`: false,
		"a\tb": false, "a\x7fb": false, "naïve": false,
	} {
		assert.Equal(t, ok, ValidateToken(tok) == nil, "%q", tok)
	}
}

func TestNormalizePrefix(t *testing.T) {
	for in, want := range map[string]string{"": "", "/": "", "tenant": "/tenant", "/tenant/": "/tenant", "/a/b": "/a/b"} {
		got, err := NormalizePrefix(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"/a?b", "/a#b", "/a%2Fb", "/a b"} {
		_, err := NormalizePrefix(bad)
		assert.Error(t, err, bad)
	}
}
