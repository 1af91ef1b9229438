package fake

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
		code string // the error codes, comma-separated; "" means valid
	}{
		{`"ada@example.com"`, ""},
		{`"a@b"`, ""},
		{`"ADA+tag@Example.COM"`, ""},
		{``, "blank,invalid"},
		{`null`, "blank,invalid"},
		{`""`, "blank,invalid"},
		{`"   "`, "blank,invalid"},
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
			_, objs := formField("email", json.RawMessage(tt.raw))
			var codes []string
			for _, obj := range objs {
				codes = append(codes, string(obj.Code))
				assert.EqualValues(t, "422", obj.Status)
				if assert.NotNil(t, obj.Source) {
					assert.Equal(t, "/form/email", obj.Source.Pointer)
				}
			}
			assert.Equal(t, tt.code, strings.Join(codes, ","))
		})
	}
}

func TestValidatePassword(t *testing.T) {
	for raw, code := range map[string]string{
		`"pw"`: "", `" x "`: "", ``: "blank", `null`: "blank", `""`: "blank", `" \t"`: "blank", `1`: "invalid", `true`: "invalid",
	} {
		_, objs := formField("password", json.RawMessage(raw))
		if code == "" {
			assert.Empty(t, objs, raw)
			continue
		}
		if assert.Len(t, objs, 1, raw) {
			assert.EqualValues(t, code, objs[0].Code, raw)
			assert.Equal(t, "/form/password", objs[0].Source.Pointer, raw)
		}
	}
}

func TestNew_RefusesTokensAClientCannotSend(t *testing.T) {
	for tok, ok := range map[string]bool{
		"abc": true, "tok_4f8a9c2e7b": true, "A-Z.0~9": true,
		"": false, "a b": false, `a"b`: false, "a'b": false, "a,b": false, "a;b": false, `a\b`: false,
		"a\tb": false, "a\x7fb": false, "naïve": false,
	} {
		_, err := New(Config{Token: tok})
		assert.Equal(t, ok, err == nil, "%q", tok)
	}
}

func TestNormalizePrefix(t *testing.T) {
	for in, want := range map[string]string{"": "", "/": "", "tenant": "/tenant", "/tenant/": "/tenant", "/a/b": "/a/b"} {
		got, err := NormalizePrefix(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"/a?b", "/a#b", "/a%2Fb", "/a b", "/a/../b", "/a/./b", "/a//b", ".."} {
		_, err := NormalizePrefix(bad)
		assert.Error(t, err, bad)
	}
}
