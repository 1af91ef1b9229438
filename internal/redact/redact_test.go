package redact

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSet_HeaderHidesCredentialHeadersWholeAndSecretsElsewhere(t *testing.T) {
	r := New("tok_4f8a9c2e7b")
	h := http.Header{
		"Content-Type":          {"application/json"},
		"Www-Authenticate":      {`Token realm="Application"`, "Token tok%5F4f8a9c2e7b"},
		"Set-Cookie":            {"_loremup_session=abc; Path=/; HttpOnly", "other=1"},
		"Authorization":         {"Basic dXNlcjpwYXNzd29yZA==", `Token token="unknown"`},
		"Proxy-Authorization":   {"Bearer x"},
		"Cookie":                {"a=b; _loremup_session=c"},
		"X-Request-Id":          {"req-1"},
		"X-Echo-Tok_4f8a9c2e7b": {"1"},
	}
	want := http.Header{
		"Content-Type":        {"application/json"},
		"Www-Authenticate":    {`Token realm="Application"`, "Token " + Marker},
		"Set-Cookie":          {Marker, Marker},
		"Authorization":       {Marker, Marker},
		"Proxy-Authorization": {Marker},
		"Cookie":              {Marker},
		"X-Request-Id":        {"req-1"},
		"X-Echo-" + Marker:    {"1"},
	}
	orig := h.Clone()
	got := r.Header(h)
	assert.Equal(t, want, got)
	assert.Equal(t, orig, h, "the headers given are left alone")

	got["X-Request-Id"] = append(got["X-Request-Id"], "more")
	assert.Equal(t, []string{"application/json"}, got["Content-Type"], "values of one header do not share room with another's")

	assert.Equal(t, http.Header{}, r.Header(nil))
}

func TestSet_IDsAreHiddenWholeAndWhenCut(t *testing.T) {
	live := strings.Repeat("ab12", 8)
	r := New()
	r.AddIDs(32, func(s string) bool { return s == live })

	assert.Equal(t, "/x/"+Marker+"/y", r.String("/x/"+live+"/y"))
	dead := strings.Repeat("cd34", 8)
	assert.Equal(t, "/x/"+dead, r.String("/x/"+dead), "an id that is not live is kept")
	assert.Equal(t, "k="+Marker, string(r.Bytes([]byte("k="+live))))
	assert.Equal(t, "/p/"+Marker, string(r.CutTail([]byte("/p/"+live[:31]))), "the start of an id at a bound")
	assert.Equal(t, "/p/ab", string(r.CutTail([]byte("/p/ab"))), "too short to hide anything")
}

func TestSet_CutTailHidesTheStartOfASecret(t *testing.T) {
	tok := "0123456789abcdef0123456789abcdef"
	r := New(tok)
	for k := MinLen; k < len(tok); k++ {
		out := string(r.CutTail([]byte("/api/" + tok[:k])))
		assert.Equal(t, "/api/"+Marker, out, "cut after %d bytes", k)
	}
}

func TestSet_BodyHidesPasswordMembersOfAnyLength(t *testing.T) {
	r := New("tok_4f8a9c2e7b")
	tests := []struct{ in, want string }{
		{`{"form":{"email":"a@b","password":"x"}}`, `{"form":{"email":"a@b","password":"` + Marker + `"}}`},
		{`{"Password_Confirmation": {"nested": 1}, "k": "tok_4f8a9c2e7b"}`, `{"Password_Confirmation": "` + Marker + `", "k": "` + Marker + `"}`},
		{`email=a%40b&form%5Bpassword%5D=x&z=1`, `email=a%40b&form%5Bpassword%5D=` + Marker + `&z=1`},
		{`plain`, `plain`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(r.Body([]byte(tt.in))), tt.in)
	}
}

func TestSet_ErrorKeepsWhatCallersMatchOn(t *testing.T) {
	r := New("tok_4f8a9c2e7b")
	plain := errors.New("no secret here")
	assert.Same(t, plain, r.Error(plain))

	err := r.Error(fmt.Errorf("bad header tok_4f8a9c2e7b: %w", context.DeadlineExceeded))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "tok_4f8a9c2e7b")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}
