package wire_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/loremup/loremup-go/internal/wire"
)

func TestAcceptable_AdmitsJSONOrJSONAPIOnly(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   bool
	}{
		{"what the SDK sends", []string{wire.Accept}, true},
		{"json:api", []string{"application/vnd.api+json"}, true},
		{"json", []string{"application/json"}, true},
		{"any alone", []string{"*/*"}, true},
		{"any alone with q", []string{"*/*;q=0.8"}, true},
		{"application wildcard", []string{"application/*"}, true},
		{"upper case", []string{"APPLICATION/JSON"}, true},
		{"json with charset", []string{"application/json; charset=utf-8"}, true},
		{"json:api with ext", []string{`application/vnd.api+json; ext="https://jsonapi.org/ext/atomic"`}, true},
		{"json with q", []string{"application/json;q=0.5"}, true},
		{"several header lines", []string{"text/html", "application/json"}, true},
		{"json then html", []string{"application/json, text/html"}, true},

		// Rails reads these as a browser asking for HTML.
		{"missing", nil, false},
		{"empty", []string{""}, false},
		{"blank", []string{"  "}, false},
		{"axios default", []string{"application/json, text/plain, */*"}, false},
		{"any after json", []string{"application/json,*/*"}, false},
		{"any before json", []string{"*/* , application/json"}, false},
		{"browser", []string{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, false},
		{"any on its own line beside json", []string{"application/json", "*/*"}, false},

		{"html only", []string{"text/html"}, false},
		{"xml only", []string{"application/xml"}, false},
		{"text wildcard", []string{"text/*"}, false},
		{"json q=0", []string{"application/json;q=0"}, false},
		{"both q=0", []string{"application/json;q=0, application/vnd.api+json;q=0.0"}, false},
		{"any q=0", []string{"*/*;q=0"}, false},
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
			assert.Equal(t, tt.want, wire.Acceptable(tt.values))
		})
	}
}

func TestJSONContentType_OnlyApplicationJSON(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json":                  true,
		"application/json; charset=utf-8":   true,
		"application/json;charset=UTF-8":    true,
		"Application/JSON":                  true,
		" application/json ":                true,
		"":                                  false,
		"application/vnd.api+json":          false,
		"text/plain":                        false,
		"text/json":                         false,
		"application/json, text/plain":      false,
		"application/x-www-form-urlencoded": false,
		"multipart/form-data; boundary=x":   false,
	} {
		assert.Equal(t, want, wire.JSONContentType(ct), "%q", ct)
	}
}
