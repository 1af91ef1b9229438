package wire_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/internal/wire"
)

func TestErrorObject_StatusDecodesFromStringOrNumber(t *testing.T) {
	tests := map[string]wire.LooseString{
		`{"status":"422"}`:                "422",
		`{"status":422}`:                  "422",
		`{"status":null}`:                 "",
		`{"status":"4\"22"}`:              `4"22`,
		`{"status":"\u0034\u0030\u0036"}`: "406",
		"{\"status\":\"4\xff2\"}":         "4\uFFFD2",
		`{"status":"päss 😀"}`:             "päss 😀",
	}
	for in, want := range tests {
		var obj wire.ErrorObject
		require.NoError(t, json.Unmarshal([]byte(in), &obj), in)
		assert.Equal(t, want, obj.Status, in)
	}
	var obj wire.ErrorObject
	assert.Error(t, json.Unmarshal([]byte(`{"status":true}`), &obj))
}

// FuzzLooseString_DecodesStringsAsEncodingJSON: a JSON string decodes to
// what encoding/json makes of it, whether or not it takes the fast path
// (no escapes), and what encoding/json refuses is refused.
func FuzzLooseString_DecodesStringsAsEncodingJSON(f *testing.F) {
	for _, s := range []string{`"422"`, `"4\"22"`, `"\u0034"`, "\"\xff\"", "\"a\tb\"", `"a"b"`, `"`, `""`, `"päss 😀"`, `"a\/b"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 || b[0] != '"' {
			return
		}
		var want string
		wantErr := json.Unmarshal(b, &want)
		var got wire.LooseString
		err := got.UnmarshalJSON(b)
		if wantErr != nil {
			assert.Error(t, err, "%q", b)
			return
		}
		require.NoError(t, err, "%q", b)
		assert.Equal(t, want, string(got), "%q", b)
	})
}

func TestNewError_IsOneJSONAPIErrorObject(t *testing.T) {
	doc := wire.NewError(400, "invalid_json", "Bad Request", "not JSON", nil)
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	assert.JSONEq(t, `{"errors":[{"status":"400","code":"invalid_json","title":"Bad Request","detail":"not JSON"}]}`, string(b))

	doc = wire.NewError(406, "x", "Not Acceptable", "d", &wire.ErrorSource{Pointer: "/form"})
	b, err = json.Marshal(doc)
	require.NoError(t, err)
	assert.JSONEq(t, `{"errors":[{"status":"406","code":"x","title":"Not Acceptable","detail":"d","source":{"pointer":"/form"}}]}`, string(b))
}
